//! The entry editor on a team's page: any member writes; after the page has loaded, every change
//! saves itself a moment later, and a save that would overwrite another member's work is refused
//! with who changed what. Without JavaScript the same form saves with its button.

use leptos::html::Form;
use leptos::prelude::*;

use super::api::{SaveEntry, SubmitEntry, get_entry};
use super::model::{EntryStatus, EntryView};
use crate::error::AppError;
use crate::i18n::{format_datetime, k, t, tf, use_locale};
use crate::layout::{
    Countdown, FieldInput, FieldTextarea, FormAlert, SubmitButton, error_signal, field_error,
};

#[component]
pub fn EntryEditor(team_id: i64) -> impl IntoView {
    let locale = use_locale();
    let entry = Resource::new(move || team_id, get_entry);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match entry.await {
                    Ok(e) => view! { <EntryForm entry=e/> }.into_any(),
                    Err(e) => view! { <p class="alert alert-error">{e.message(locale)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EntryForm(entry: EntryView) -> impl IntoView {
    let save = ServerAction::<SaveEntry>::new();
    let submit = ServerAction::<SubmitEntry>::new();
    let version = RwSignal::new(entry.version);
    let saved_at = RwSignal::new(None::<String>);
    let status = RwSignal::new(entry.status);
    let submissions = RwSignal::new(entry.submissions);
    let unsubmitted = RwSignal::new(entry.unsubmitted_changes);
    let dirty = RwSignal::new(false);
    Effect::new(move || {
        if let Some(Ok(v)) = save.value().get() {
            version.set(v.version);
            unsubmitted.set(v.unsubmitted_changes);
            saved_at.set(Some(format_datetime(v.updated_at)));
            dirty.set(false);
        }
    });
    Effect::new(move || {
        if let Some(Ok(v)) = submit.value().get() {
            version.set(v.version);
            status.set(v.status);
            submissions.set(v.submissions);
            unsubmitted.set(false);
        }
    });
    let save_error = error_signal(move || save.value().get());
    let submit_error = error_signal(move || submit.value().get());
    let form_ref = NodeRef::<Form>::new();
    let on_input = move |_| {
        dirty.set(true);
        #[cfg(feature = "hydrate")]
        autosave(form_ref, save, dirty);
    };
    let team_id = entry.team_id;
    let f = entry.fields.clone();
    let closes_at = entry.closes_at;
    let state = move || {
        if save.pending().get() {
            t(k::ENTRY_SAVING).to_owned()
        } else if dirty.get() {
            t(k::ENTRY_UNSAVED).to_owned()
        } else if let Some(at) = saved_at.get() {
            tf(k::ENTRY_SAVED_AT, &[("at", &at)])
        } else {
            String::new()
        }
    };
    view! {
        <section class="section card entry-editor" aria-labelledby="entry-heading">
            <div class="page-head">
                <h2 id="entry-heading">{t(k::ENTRY_TITLE)}</h2>
                <p class="next-deadline">{t(k::MILESTONE_ENTRIES_CLOSE)}": "<Countdown at=closes_at/></p>
            </div>
            <p class=move || format!("entry-status status-{}", status.get().code())>
                {move || match status.get() {
                    EntryStatus::Draft => t(k::ENTRY_STATUS_DRAFT).to_owned(),
                    EntryStatus::Submitted => tf(k::ENTRY_STATUS_SUBMITTED, &[("n", &submissions.get().to_string())]),
                    EntryStatus::Ineligible => t(k::ENTRY_STATUS_INELIGIBLE).to_owned(),
                }}
                {move || unsubmitted.get().then(|| view! { " · "<strong>{t(k::ENTRY_UNSUBMITTED)}</strong> })}
            </p>
            {entry.ineligible_reason.clone().map(|r| view! { <p class="alert alert-error">{r}</p> })}
            <ActionForm action=save node_ref=form_ref attr:class="entry-form" on:input=on_input>
                <FormAlert error=save_error/>
                <input type="hidden" name="team_id" value=team_id.to_string()/>
                <input type="hidden" name="version" prop:value=move || version.get().to_string()/>
                <FieldInput name="entry[title]" label=k::FIELD_ENTRY_TITLE value=f.title.clone() required=false error=field_error(save_error, "title")/>
                <FieldTextarea name="entry[summary]" id="entry-summary" label=k::FIELD_ENTRY_SUMMARY rows=3 maxlength=super::rules::SUMMARY_MAX required=false value=f.summary.clone() error=field_error(save_error, "summary")/>
                <FieldTextarea name="entry[solution]" id="entry-solution" label=k::FIELD_ENTRY_SOLUTION hint=k::HINT_BRIEF rows=10 required=false value=f.solution.clone() error=field_error(save_error, "solution")/>
                <FieldTextarea name="entry[pilot_plan]" id="entry-pilot" label=k::FIELD_ENTRY_PILOT_PLAN hint=k::HINT_PILOT_PLAN rows=5 required=false value=f.pilot_plan.clone() error=field_error(save_error, "pilot_plan")/>
                <div class="grid-2 tight">
                    <FieldInput name="entry[cost]" label=k::FIELD_ENTRY_COST inputmode="numeric" required=false value=f.cost.clone() error=field_error(save_error, "cost")/>
                    <FieldInput name="entry[demo_url]" label=k::FIELD_ENTRY_DEMO_URL kind="url" required=false value=f.demo_url.clone() error=field_error(save_error, "demo_url")/>
                </div>
                <FieldTextarea name="entry[experience]" id="entry-experience" label=k::FIELD_ENTRY_EXPERIENCE rows=3 required=false value=f.experience.clone() error=field_error(save_error, "experience")/>
                <label class="check">
                    <input type="checkbox" name="entry[acknowledged]" checked=f.acknowledged.is_some()/>
                    <span>{t(k::FIELD_ENTRY_ACKNOWLEDGED)}</span>
                </label>
                <p class="field-error" role="alert" hidden=move || field_error(submit_error, "acknowledged").get().is_none()>{move || field_error(submit_error, "acknowledged").get()}</p>
                <div class="form-actions">
                    <SubmitButton label=k::ENTRY_SAVE pending=save.pending()/>
                    <span class="muted small" role="status" aria-live="polite">{state}</span>
                </div>
            </ActionForm>
            <ActionForm action=submit attr:class="secondary-form">
                <FormAlert error=submit_error/>
                {move || submit_error.get().filter(|e| matches!(e, AppError::Invalid(_))).map(|_| view! {
                    <p class="alert alert-error" role="alert">{t(k::ENTRY_INCOMPLETE)}</p>
                })}
                <input type="hidden" name="team_id" value=team_id.to_string()/>
                <input type="hidden" name="version" prop:value=move || version.get().to_string()/>
                <p class="hint">{t(k::HINT_SUBMIT_ENTRY)}</p>
                <button type="submit" class="button" disabled=move || dirty.get() || save.pending().get()>{t(k::ENTRY_SUBMIT)}</button>
            </ActionForm>
        </section>
    }
}

/// Saves the form a moment after the last keystroke (one save at a time).
#[cfg(feature = "hydrate")]
fn autosave(form: NodeRef<Form>, save: ServerAction<SaveEntry>, dirty: RwSignal<bool>) {
    use leptos::form::FromFormData;
    thread_local! {
        static TIMER: std::cell::Cell<Option<TimeoutHandle>> = const { std::cell::Cell::new(None) };
    }
    TIMER.with(|timer| {
        if let Some(handle) = timer.take() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                if save.pending().get_untracked() || !dirty.get_untracked() {
                    return;
                }
                let Some(form) = form.get_untracked() else {
                    return;
                };
                if let Ok(data) = leptos::web_sys::FormData::new_with_form(&form)
                    && let Ok(input) = SaveEntry::from_form_data(&data)
                {
                    save.dispatch(input);
                }
            },
            std::time::Duration::from_millis(1200),
        );
        timer.set(handle.ok());
    });
}
