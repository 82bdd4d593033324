//! The entries of a challenge on its staff page: status per team, "ineligible" with a reason,
//! more time for one team, and the list as CSV.

use leptos::prelude::*;

use crate::api::entry::{ExtendDeadline, MarkIneligible, challenge_entries};
use crate::entry::model::{EntryStatus, StaffEntryRow};
use crate::i18n::{format_datetime, k, t, tf, use_locale};
use crate::layout::{FormAlert, Loaded};

#[component]
pub fn StaffEntries(challenge_id: i64) -> impl IntoView {
    let locale = use_locale();
    let ineligible = ServerAction::<MarkIneligible>::new();
    let extend = ServerAction::<ExtendDeadline>::new();
    let rows = Resource::new(
        move || (ineligible.version().get(), extend.version().get()),
        move |_| challenge_entries(challenge_id),
    );
    let error = Signal::derive(move || {
        ineligible
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| extend.value().get().and_then(|r| r.err()))
    });
    view! {
        <section class="section" aria-labelledby="entries-heading">
            <div class="section-head">
                <h2 id="entries-heading">{t(k::STAFF_ENTRIES)}</h2>
                <a href=format!("/staff/challenges/{challenge_id}/entries.csv") download="">{t(k::STAFF_ENTRIES_CSV)}</a>
            </div>
            <FormAlert error/>
            {move || error.get().and_then(|e| e.field_message("reason", locale).or_else(|| e.field_message("until", locale))).map(|m| view! { <p class="alert alert-error" role="alert">{m}</p> })}
            <Loaded resource=rows let:data>
                {match data {
                    list if list.is_empty() => view! { <p class="empty">{t(k::STAFF_NO_ENTRIES)}</p> }.into_any(),
                    list => list.into_iter().map(|r| view! { <EntryRow row=r ineligible extend/> }).collect_view().into_any(),
                }}
            </Loaded>
        </section>
    }
}

#[component]
fn EntryRow(
    row: StaffEntryRow,
    ineligible: ServerAction<MarkIneligible>,
    extend: ServerAction<ExtendDeadline>,
) -> impl IntoView {
    let id = row.team_id;
    view! {
        <div class="card question">
            <p>
                <strong>{row.team_name.clone()}</strong>
                {row.organisation_name.clone().map(|o| view! { <span class="muted">" · "{o}</span> })}
                " · "<span class=format!("status status-{}", row.status.code())>{t(row.status.label())}</span>
            </p>
            <p>{if row.title.is_empty() { t(k::STAFF_ENTRY_UNTITLED).to_owned() } else { row.title.clone() }}</p>
            <p class="muted small">
                {tf(k::STAFF_ENTRY_FACTS, &[("members", &row.members.to_string()), ("n", &row.submissions.to_string())])}
                {row.submitted_at.map(|at| format!(" · {}", format_datetime(at)))}
                {row.extended_until.map(|at| format!(" · {}", tf(k::STAFF_EXTENDED_UNTIL, &[("at", &format_datetime(at))])))}
            </p>
            {row.ineligible_reason.clone().map(|r| view! { <p class="alert alert-error">{r}</p> })}
            {(row.status != EntryStatus::Ineligible).then(|| view! {
                <details>
                    <summary>{t(k::STAFF_ENTRY_ACTIONS)}</summary>
                    <ActionForm action=ineligible attr:class="secondary-form">
                        <input type="hidden" name="team_id" value=id.to_string()/>
                        <div class="field">
                            <label for=format!("ineligible-{id}")>{t(k::STAFF_INELIGIBLE_REASON)}</label>
                            <textarea id=format!("ineligible-{id}") name="reason" rows="2" required></textarea>
                        </div>
                        <button type="submit" class="button-secondary danger">{t(k::STAFF_MARK_INELIGIBLE)}</button>
                    </ActionForm>
                    <ActionForm action=extend attr:class="secondary-form">
                        <input type="hidden" name="team_id" value=id.to_string()/>
                        <div class="field">
                            <label for=format!("until-{id}")>{t(k::STAFF_EXTEND_UNTIL)}</label>
                            <input id=format!("until-{id}") type="datetime-local" name="until" required/>
                        </div>
                        <div class="field">
                            <label for=format!("extend-reason-{id}")>{t(k::FIELD_PUBLIC_REASON)}</label>
                            <textarea id=format!("extend-reason-{id}") name="reason" rows="2" required></textarea>
                        </div>
                        <button type="submit" class="button-secondary">{t(k::STAFF_EXTEND)}</button>
                    </ActionForm>
                </details>
            })}
        </div>
    }
}
