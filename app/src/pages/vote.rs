//! The staff's vote settings on a challenge's page: votes per person, and whether running totals
//! show during the vote.

use leptos::prelude::*;

use crate::api::vote::{SaveVoteSettings, load_vote_settings};
use crate::i18n::{k, t};
use crate::layout::{FormAlert, Loaded, SubmitButton, error_signal, field_error};

#[component]
pub fn VoteSettingsCard(challenge_id: i64) -> impl IntoView {
    let locale = crate::i18n::use_locale();
    let save = ServerAction::<SaveVoteSettings>::new();
    let settings = Resource::new(
        move || save.version().get(),
        move |_| load_vote_settings(challenge_id),
    );
    let error = error_signal(move || save.value().get());
    let saved = crate::layout::succeeded(save);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let s = match settings.await {
                    Ok(s) => s,
                    Err(e) => return crate::layout::refused(e, locale),
                };
                if !s.enabled {
                    return ().into_any();
                }
                view! {
                    <section class="card" aria-labelledby="vote-settings-heading">
                        <h2 id="vote-settings-heading">{t(k::VOTE_TITLE)}</h2>
                        <ActionForm action=save>
                            <p class="alert alert-success" role="status" hidden=move || !saved.get()>{t(k::JUDGING_SAVED)}</p>
                            <FormAlert error/>
                            <input type="hidden" name="challenge_id" value=challenge_id.to_string()/>
                            <div class="field">
                                <label for="vote-allowance">{t(k::FIELD_VOTE_ALLOWANCE)}</label>
                                <select id="vote-allowance" name="allowance" disabled=s.locked>
                                    {(1..=crate::vote::rules::MAX_ALLOWANCE).map(|n| view! {
                                        <option value=n.to_string() selected=n == s.allowance>{n}</option>
                                    }).collect_view()}
                                </select>
                                {s.locked.then(|| view! {
                                    <input type="hidden" name="allowance" value=s.allowance.to_string()/>
                                    <p class="hint">{t(k::VOTE_ALLOWANCE_LOCKED)}</p>
                                })}
                                <p class="field-error" role="alert" hidden=move || field_error(error, "allowance").get().is_none()>{move || field_error(error, "allowance").get()}</p>
                            </div>
                            <label class="check">
                                <input type="checkbox" name="live_totals" value="on" checked=s.live_totals/>
                                <span>{t(k::FIELD_VOTE_LIVE_TOTALS)}</span>
                            </label>
                            <label class="check">
                                <input type="checkbox" name="requires_phone" value="on" checked=s.requires_phone disabled=s.locked/>
                                <span>{t(k::FIELD_VOTE_REQUIRES_PHONE)}</span>
                            </label>
                            {(s.locked && s.requires_phone).then(|| view! {
                                <input type="hidden" name="requires_phone" value="on"/>
                            })}
                            <SubmitButton label=k::JUDGING_SAVE pending=save.pending()/>
                        </ActionForm>
                        <p><a href=format!("/staff/challenges/{challenge_id}/votes")>{t(k::VOTE_REVIEW_LINK)}</a></p>
                    </section>
                }.into_any()
            })}
        </Transition>
    }
}

/// The staff's review of a vote: the votes with abuse signals, and a form to void some of them
/// with a reason that is published with the ballots.
#[component]
pub fn VoteReviewPage() -> impl IntoView {
    use crate::error::AppError;
    use crate::i18n::{format_datetime, tf};
    use crate::layout::FieldTextarea;
    use leptos_router::hooks::use_params_map;
    let params = use_params_map();
    let void = ServerAction::<crate::api::vote::VoidVotes>::new();
    let review = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok()),
                void.version().get(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => crate::api::vote::load_vote_review(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let error = error_signal(move || void.value().get());
    view! {
        <leptos_meta::Title text=t(k::VOTE_REVIEW_TITLE)/>
        <Loaded resource=review let:r>
            {view! {
                <p class="breadcrumb"><a href=format!("/staff/challenges/{}", r.challenge_id)>{r.challenge_title.clone()}</a></p>
                <h1>{t(k::VOTE_REVIEW_TITLE)}</h1>
                <p class="hint">{tf(k::HINT_VOTE_REVIEW, &[("total", &r.total.to_string()), ("flagged", &r.flagged.len().to_string())])}</p>
                {if r.flagged.is_empty() {
                    view! { <p class="empty">{t(k::VOTE_REVIEW_NONE)}</p> }.into_any()
                } else {
                    view! {
                        <ActionForm action=void attr:class="card">
                            <FormAlert error/>
                            <input type="hidden" name="challenge_id" value=r.challenge_id.to_string()/>
                            <div class="table-wrap">
                                <table class="data-table">
                                    <thead><tr>
                                        <th scope="col"><span class="visually-hidden">{t(k::VOTE_REVIEW_CHOOSE)}</span></th>
                                        <th scope="col">{t(k::VOTE_REVIEW_VOTER)}</th>
                                        <th scope="col">{t(k::VOTE_REVIEW_ENTRY)}</th>
                                        <th scope="col">{t(k::VOTE_REVIEW_FROM)}</th>
                                        <th scope="col">{t(k::VOTE_REVIEW_SIGNALS)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {r.flagged.into_iter().map(|v| {
                                            let box_id = format!("vote-{}", v.id);
                                            view! {
                                                <tr>
                                                    <td>{v.voided.is_none().then(|| view! {
                                                        <input type="checkbox" id=box_id.clone() name="vote_ids[]" value=v.id.to_string() aria-label=tf(k::VOTE_REVIEW_CHOOSE_ONE, &[("voter", &v.voter)])/>
                                                    })}</td>
                                                    <td><code>{v.voter.clone()}</code><br/><span class="muted small">{tf(k::VOTE_REVIEW_ACCOUNT_SINCE, &[("at", &format_datetime(v.account_created))])}</span></td>
                                                    <td>{v.entry_title.clone()}<br/><span class="muted small">{format_datetime(v.at)}</span></td>
                                                    <td><code>{v.network.clone()}</code></td>
                                                    <td>
                                                        {v.signals.iter().map(|s| view! { <span class="tag tag-warn">{t(signal_label(*s))}</span>" " }).collect_view()}
                                                        {v.voided.clone().map(|reason| view! { <span class="tag">{t(k::VOTE_REVIEW_VOIDED)}</span>" "<span class="small">{reason}</span> })}
                                                    </td>
                                                </tr>
                                            }.into_any()
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <FieldTextarea name="reason" id="void-reason" label=k::FIELD_VOID_REASON hint=k::HINT_VOID_REASON rows=2 error=field_error(error, "reason")/>
                            <p class="field-error" role="alert" hidden=move || field_error(error, "vote_ids").get().is_none()>{move || field_error(error, "vote_ids").get()}</p>
                            <button type="submit" class="button danger">{t(k::VOTE_REVIEW_VOID)}</button>
                        </ActionForm>
                    }.into_any()
                }}
            }}
        </Loaded>
    }
}

fn signal_label(s: crate::vote::rules::Signal) -> crate::i18n::Text {
    use crate::vote::rules::Signal;
    match s {
        Signal::NewAccount => k::VOTE_SIGNAL_NEW_ACCOUNT,
        Signal::SharedNetwork => k::VOTE_SIGNAL_SHARED_NETWORK,
        Signal::Burst => k::VOTE_SIGNAL_BURST,
    }
}
