//! A judge's pages: the panels they sit on, the declaration of conflicts that comes before any
//! entry, the queue with its progress, and the invitation to a panel.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::judging::{
    DeclareConflicts, RespondPanelInvitation, load_judge_queue, load_panel_invitation, my_panels,
};
use crate::error::AppError;
use crate::i18n::{k, t, tf, use_locale};
use crate::judging::model::JudgeQueue;
use crate::layout::{
    FieldInput, FieldTextarea, FormAlert, Loaded, SubmitButton, error_signal, field_error,
};

#[component]
pub fn JudgingHomePage() -> impl IntoView {
    let panels = Resource::new(|| (), |_| my_panels());
    view! {
        <Title text=t(k::JUDGING_HOME_TITLE)/>
        <h1>{t(k::JUDGING_HOME_TITLE)}</h1>
        <Loaded resource=panels let:data>
            {match data {
                list if list.is_empty() => view! { <p class="empty">{t(k::JUDGING_HOME_EMPTY)}</p> }.into_any(),
                list => view! {
                    <ul class="plain-list desk-list">
                        {list.into_iter().map(|p| view! {
                            <li class="card">
                                <h2><a href=format!("/judging/{}", p.challenge_id)>{p.title}</a></h2>
                                <p>
                                    {if !p.declared {
                                        view! { <span class="tag tag-warn">{t(k::JUDGING_DECLARE_FIRST)}</span> }.into_any()
                                    } else if p.closed {
                                        view! { <span class="tag">{t(k::JUDGING_CLOSED)}</span> }.into_any()
                                    } else {
                                        view! { <span>{tf(k::JUDGING_PROGRESS, &[("done", &p.submitted.to_string()), ("of", &p.assigned.to_string())])}</span> }.into_any()
                                    }}
                                </p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </Loaded>
    }
}

#[component]
pub fn JudgeQueuePage() -> impl IntoView {
    let params = use_params_map();
    let declare = ServerAction::<DeclareConflicts>::new();
    let queue = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok()),
                declare.version().get(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => load_judge_queue(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t(k::JUDGING_QUEUE_TITLE)/>
        <Loaded resource=queue let:data>
            {match data {
                q if !q.declared => view! { <Declaration queue=q action=declare/> }.into_any(),
                q => view! { <Queue queue=q/> }.into_any(),
            }}
        </Loaded>
    }
}

#[component]
fn Declaration(queue: JudgeQueue, action: ServerAction<DeclareConflicts>) -> impl IntoView {
    let error = error_signal(move || action.value().get());
    view! {
        <p class="breadcrumb"><a href="/judging">{t(k::JUDGING_HOME_TITLE)}</a></p>
        <h1>{queue.title.clone()}</h1>
        <section class="card narrow-wide" aria-labelledby="declare-heading">
            <h2 id="declare-heading">{t(k::JUDGING_DECLARE_TITLE)}</h2>
            <p>{t(k::JUDGING_DECLARE_INTRO)}</p>
            <ActionForm action>
                <FormAlert error/>
                <input type="hidden" name="challenge_id" value=queue.challenge_id.to_string()/>
                <fieldset>
                    <legend>{t(k::JUDGING_DECLARE_TEAMS)}</legend>
                    {if queue.teams.is_empty() {
                        view! { <p class="muted">{t(k::JUDGING_NO_TEAMS)}</p> }.into_any()
                    } else {
                        queue.teams.iter().map(|team| view! {
                            <label class="check">
                                <input type="checkbox" name="teams[]" value=team.token.clone()/>
                                <span>{team.name.clone()}{team.organisation_name.clone().map(|o| format!(" · {o}"))}</span>
                            </label>
                        }).collect_view().into_any()
                    }}
                </fieldset>
                <FieldTextarea name="team_reason" id="team-reason" label=k::FIELD_CONFLICT_REASON rows=2 required=false error=field_error(error, "team_reason")/>
                <FieldInput name="organisation" label=k::FIELD_CONFLICT_ORGANISATION required=false error=field_error(error, "organisation")/>
                <FieldTextarea name="organisation_reason" id="organisation-reason" label=k::FIELD_CONFLICT_ORGANISATION_REASON rows=2 required=false error=field_error(error, "organisation_reason")/>
                <p class="hint">{t(k::HINT_DECLARE)}</p>
                <SubmitButton label=k::JUDGING_DECLARE_SUBMIT pending=action.pending()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn Queue(queue: JudgeQueue) -> impl IntoView {
    let active: Vec<_> = queue.items.iter().filter(|i| !i.recused).collect();
    let done = active.iter().filter(|i| i.state == "submitted").count();
    let total = active.len();
    view! {
        <p class="breadcrumb"><a href="/judging">{t(k::JUDGING_HOME_TITLE)}</a></p>
        <div class="page-head">
            <h1>{queue.title.clone()}</h1>
            <a href=format!("/challenges/{}", queue.slug)>{t(k::JUDGING_READ_BRIEF)}</a>
        </div>
        {queue.closed.then(|| view! { <p class="alert alert-success">{t(k::JUDGING_CLOSED_THANKS)}</p> })}
        <section class="card" aria-labelledby="queue-heading">
            <div class="page-head">
                <h2 id="queue-heading">{t(k::JUDGING_QUEUE_TITLE)}</h2>
                <p class="progress-label">{tf(k::JUDGING_PROGRESS, &[("done", &done.to_string()), ("of", &total.to_string())])}</p>
            </div>
            <progress max=total.max(1).to_string() value=done.to_string() aria-label=t(k::JUDGING_QUEUE_TITLE)></progress>
            {queue.blind.then(|| view! { <p class="hint">{t(k::JUDGING_BLIND_NOTE)}</p> })}
            {if queue.items.is_empty() {
                view! { <p class="empty">{t(k::JUDGING_QUEUE_EMPTY)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list queue">
                        {queue.items.iter().map(|i| {
                            let state = if i.recused {
                                t(k::JUDGING_RECUSED)
                            } else {
                                match i.state.as_str() {
                                    "submitted" => t(k::JUDGING_STATE_SUBMITTED),
                                    "draft" => t(k::JUDGING_STATE_DRAFT),
                                    _ => t(k::JUDGING_STATE_NONE),
                                }
                            };
                            view! {
                                <li class=format!("queue-item state-{}", if i.recused { "recused" } else { i.state.as_str() })>
                                    <div>
                                        <code>{i.code.clone()}</code>" "
                                        {if i.recused {
                                            view! { <span>{i.title.clone()}</span> }.into_any()
                                        } else {
                                            view! { <a href=format!("/judging/entries/{}", i.entry_id)>{i.title.clone()}</a> }.into_any()
                                        }}
                                        {i.team_name.clone().map(|n| view! { <span class="muted">" · "{n}</span> })}
                                    </div>
                                    <span class="tag">{state}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!queue.conflicts.is_empty()).then(|| view! {
                <p class="muted small">{t(k::JUDGING_YOUR_CONFLICTS)}": "{queue.conflicts.join("; ")}</p>
            })}
        </section>
    }
}

#[component]
pub fn PanelInvitationPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let preview = Resource::new(token, load_panel_invitation);
    let respond = ServerAction::<RespondPanelInvitation>::new();
    let viewer = crate::layout::viewer_resource();
    view! {
        <Title text=t(k::JUDGING_INVITATION_TITLE)/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let signed_in = viewer.await.ok().flatten().is_some();
                match preview.await {
                    Err(AppError::NotFound) => view! {
                        <section class="card narrow"><h1>{t(k::JUDGING_INVITATION_TITLE)}</h1><p>{t(k::TEAMS_INVITATION_GONE)}</p></section>
                    }.into_any(),
                    Err(e) => crate::layout::refused(e, locale),
                    Ok(i) => view! {
                        <section class="card narrow">
                            <h1>{t(k::JUDGING_INVITATION_TITLE)}</h1>
                            <p>{tf(k::NOTIFY_PANEL_INVITATION, &[("name", &i.invited_by), ("challenge", &i.challenge_title)])}</p>
                            {(!i.declines_teams.is_empty()).then(|| view! {
                                <p class="alert alert-info">{tf(k::JUDGING_INVITATION_DECLINES_TEAMS, &[("teams", &i.declines_teams.join(", "))])}</p>
                            })}
                            {if signed_in {
                                view! {
                                    <crate::layout::AnswerInvitation action=respond token=token()/>
                                }.into_any()
                            } else {
                                view! { <crate::layout::SignInToAnswer next=format!("/judging/invitations/{}", token())/> }.into_any()
                            }}
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
