//! Leaders' commitments: the public list with each organisation's record, one commitment with
//! what it answers and every move of its date, and the form an official publishes one with.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::commitment::{
    CompleteCommitment, FollowCommitment, MoveCommitment, PublishCommitment, get_commitment,
    list_commitments,
};
use crate::commitment::model::{CommitmentDetail, CommitmentSummary};
use crate::error::AppError;
use crate::i18n::{format_datetime, k, t, tf, use_locale};
use crate::layout::{
    FieldInput, FieldSelect, FieldTextarea, FormAlert, Loaded, SubmitButton, error_signal,
    field_error, viewer_resource,
};
use crate::layout::{ReadAloud, Share};
use crate::pages::pilot::dashboard::CommitmentRecord;
use crate::pages::pilot::{TimingBadge, day};

/// The date a commitment is due by, the first one struck out when it moved, and the working day
/// it runs to when the date is a day off.
#[component]
fn DueLine(summary: CommitmentSummary) -> impl IntoView {
    view! {
        <span>
            {summary.original_due_on.map(|first| view! { <del>{day(first)}</del>" → " })}
            <time>{day(summary.due_on)}</time>
            {summary.last_day.map(|last| view! { " "<a class="muted small" href="/calendar">{tf(k::MILESTONE_LAST_DAY, &[("date", &day(last))])}</a> })}
            {summary.missed_on.map(|missed| view! { " "<span class="muted small">"("{tf(k::COMMITMENT_MISSED, &[("date", &day(missed))])}")"</span> })}
        </span>
    }
}

#[component]
fn CommitmentItem(c: CommitmentSummary) -> impl IntoView {
    let locale = use_locale();
    view! {
        <li class=format!("card report-item commitment timing-{}", c.timing.code())>
            <div class="milestone-head">
                <h3><a href=format!("/commitments/{}", c.id)>{c.title.clone()}</a></h3>
                <TimingBadge timing=c.timing days=c.days_overdue/>
            </div>
            <p class="muted small">
                {c.organisation.name(locale).to_owned()}" · "{c.official_name.clone()}", "{c.official_role.clone()}
            </p>
            <p class="small">
                {t(k::COMMITMENT_DUE)}": "<DueLine summary=c.clone()/>
                {c.done_at.map(|at| view! { " · "<span>{t(k::COMMITMENT_KEPT_ON)}": "{format_datetime(at)}</span> })}
                {(c.followers > 0).then(|| view! { " · "<span>{tf(k::COMMITMENT_FOLLOWERS, &[("n", &c.followers.to_string())])}</span> })}
            </p>
        </li>
    }
}

#[component]
pub fn CommitmentListPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let organisation = move || {
        query
            .read()
            .get("organisation_id")
            .and_then(|v| v.parse::<i64>().ok())
    };
    let board = Resource::new(organisation, list_commitments);
    view! {
        <Title text=t(k::COMMITMENTS_TITLE)/>
        <header class="page-head">
            <div>
                <h1>{t(k::COMMITMENTS_TITLE)}</h1>
                <p class="lead">{t(k::COMMITMENTS_LEAD)}</p>
            </div>
            <a class="button-secondary" href="/dashboard">{t(k::DASHBOARD_TITLE)}</a>
        </header>
        <Loaded resource=board let:b>
            {
                let filtered = organisation().is_some();
                view! {
                    {(!b.may_publish_for.is_empty()).then(|| view! {
                        <p><a class="button" href="/commitments/new">{t(k::COMMITMENT_NEW)}</a></p>
                    })}
                    {filtered.then(|| view! { <p><a href="/commitments">{t(k::COMMITMENTS_ALL)}</a></p> })}
                    <section class="section card">
                        <CommitmentRecord board=b.clone() locale/>
                    </section>
                    {if b.items.is_empty() {
                        view! { <p class="empty">{t(k::COMMITMENTS_NONE)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="report-list commitments">
                                {b.items.into_iter().map(|c| view! { <CommitmentItem c/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }
            }
        </Loaded>
    }
}

/// Staff's actions on a commitment not kept yet.
#[derive(Clone, Copy)]
struct Manage {
    move_due: ServerAction<MoveCommitment>,
    complete: ServerAction<CompleteCommitment>,
}

#[component]
pub fn CommitmentPage() -> impl IntoView {
    let params = use_params_map();
    let follow = ServerAction::<FollowCommitment>::new();
    let manage = Manage {
        move_due: ServerAction::new(),
        complete: ServerAction::new(),
    };
    let detail = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok()),
                follow.version().get(),
                manage.move_due.version().get(),
                manage.complete.version().get(),
            )
        },
        |(id, _, _, _)| async move {
            match id {
                Some(id) => get_commitment(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t(k::COMMITMENTS_TITLE)/>
        <Loaded resource=detail let:d>
            {view! { <CommitmentBody d follow manage/> }}
        </Loaded>
    }
}

#[component]
fn CommitmentBody(
    d: CommitmentDetail,
    follow: ServerAction<FollowCommitment>,
    manage: Manage,
) -> impl IntoView {
    let locale = use_locale();
    let viewer = viewer_resource();
    let signed_in = move || viewer.get().and_then(|v| v.ok()).flatten().is_some();
    let s = d.summary.clone();
    let id = s.id;
    let following = d.following;
    // A commitment kept has nothing more to tell: it is no longer followed.
    let kept = s.done_at.is_some();
    let follow_error = error_signal(move || follow.value().get());
    view! {
        <Title text=s.title.clone()/>
        <article class="commitment-page">
            <p class="eyebrow"><a href="/commitments">{t(k::COMMITMENTS_TITLE)}</a>" · "{s.organisation.name(locale).to_owned()}</p>
            <h1>{s.title.clone()}</h1>
            <div class="report-badges"><TimingBadge timing=s.timing days=s.days_overdue/></div>
            <dl class="facts">
                <div><dt>{t(k::COMMITMENT_BY)}</dt><dd>{s.official_name.clone()}", "{s.official_role.clone()}</dd></div>
                <div><dt>{t(k::COMMITMENT_DUE)}</dt><dd><DueLine summary=s.clone()/></dd></div>
                {s.done_at.map(|at| view! { <div><dt>{t(k::COMMITMENT_KEPT_ON)}</dt><dd>{format_datetime(at)}</dd></div> })}
            </dl>
            <ReadAloud text=format!("{}. {}", s.title, d.body)/>
            <Share title=s.title.clone() path=format!("/commitments/{id}")/>
            <div class="grid-report">
                <div>
                    <p class="prose pre-line">{d.body.clone()}</p>
                    {d.done_note.clone().map(|note| view! {
                        <div class="card response">
                            <p class="eyebrow">{t(k::COMMITMENT_DONE_NOTE)}</p>
                            <p class="pre-line">{note}</p>
                        </div>
                    })}
                </div>
                <aside class="card support-box">
                    <p class="big-number">{s.followers.to_string()}</p>
                    <p>{t(k::COMMITMENT_FOLLOWING_PEOPLE)}</p>
                    <FormAlert error=follow_error/>
                    {(!kept).then(|| view! {
                    <Show when=signed_in fallback=move || view! { <a class="button-secondary" href=format!("/sign-in?next=/commitments/{id}")>{t(k::COMMITMENT_SIGN_IN_TO_FOLLOW)}</a> }>
                        <ActionForm action=follow>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <input type="hidden" name="follow" value=(!following).to_string()/>
                            <button type="submit" class=if following { "button-secondary" } else { "button" } aria-pressed=following.to_string()>
                                {if following { t(k::COMMITMENT_UNFOLLOW) } else { t(k::COMMITMENT_FOLLOW) }}
                            </button>
                        </ActionForm>
                    </Show>
                    })}
                    {(!kept).then(|| view! { <p class="hint">{t(k::COMMITMENT_FOLLOW_HINT)}</p> })}
                </aside>
            </div>
            {(!d.links.is_empty()).then(|| view! {
                <section class="section" aria-labelledby="answers-heading">
                    <h2 id="answers-heading">{t(k::COMMITMENT_ANSWERS)}</h2>
                    <ul class="plain-list">
                        {d.links.clone().into_iter().map(|l| view! {
                            <li><span class="tag">{t(l.kind.label())}</span>" "<a href=l.href>{l.title}</a></li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!d.moves.is_empty()).then(|| view! {
                <section class="section" aria-labelledby="moves-heading">
                    <h2 id="moves-heading">{t(k::COMMITMENT_MOVES)}</h2>
                    {d.moves.clone().into_iter().map(|m| view! {
                        <div class="card response">
                            <p class="eyebrow">{format_datetime(m.at)}</p>
                            <p><del>{day(m.from)}</del>" → "<strong>{day(m.to)}</strong></p>
                            <p class="pre-line">{m.reason}</p>
                            {m.by.map(|name| view! { <p class="muted">{tf(k::APOLOGY_SIGNED, &[("name", &name)])}</p> })}
                        </div>
                    }).collect_view()}
                </section>
            })}
            {d.can_manage.then(|| view! { <ManagePanel id manage/> })}
        </article>
    }
}

#[component]
fn ManagePanel(id: i64, manage: Manage) -> impl IntoView {
    let move_error = error_signal(move || manage.move_due.value().get());
    let done_error = error_signal(move || manage.complete.value().get());
    view! {
        <section class="section card routing" aria-labelledby="manage-heading">
            <h2 id="manage-heading">{t(k::COMMITMENT_MANAGE)}</h2>
            <ActionForm action=manage.complete>
                <h3>{t(k::COMMITMENT_COMPLETE)}</h3>
                <FormAlert error=done_error/>
                <input type="hidden" name="id" value=id.to_string()/>
                <FieldTextarea name="note" id="commitment-note" label=k::COMMITMENT_DONE_NOTE rows=3 error=field_error(done_error, "note")/>
                <SubmitButton label=k::COMMITMENT_COMPLETE_SUBMIT pending=manage.complete.pending()/>
            </ActionForm>
            <ActionForm action=manage.move_due attr:class="secondary-form">
                <h3>{t(k::COMMITMENT_MOVE)}</h3>
                <p class="hint">{t(k::COMMITMENT_MOVE_HINT)}</p>
                <FormAlert error=move_error/>
                <input type="hidden" name="id" value=id.to_string()/>
                <FieldInput name="due_on" id="commitment-new-date" label=k::COMMITMENT_NEW_DATE kind="date" error=field_error(move_error, "due_on")/>
                <FieldTextarea name="reason" id="commitment-move-reason" label=k::COMMITMENT_MOVE_REASON rows=3 error=field_error(move_error, "reason")/>
                <button type="submit" class="button-secondary">{t(k::COMMITMENT_MOVE_SUBMIT)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn CommitmentNewPage() -> impl IntoView {
    let locale = use_locale();
    let board = Resource::new(|| (), |_| list_commitments(None));
    let viewer = viewer_resource();
    let publish = ServerAction::<PublishCommitment>::new();
    let error = error_signal(move || publish.value().get());
    view! {
        <Title text=t(k::COMMITMENT_NEW)/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let signed_in = viewer.await.ok().flatten().is_some();
                let b = match board.await {
                    Ok(b) => b,
                    Err(e) => return crate::layout::refused(e, locale),
                };
                if b.may_publish_for.is_empty() {
                    // Only an office's staff publish its commitments.
                    let refusal = if signed_in { AppError::Forbidden } else { AppError::Unauthenticated };
                    return crate::layout::refused(refusal, locale);
                }
                let orgs: Vec<(String, String)> = b.may_publish_for.iter().map(|o| (o.id.to_string(), o.name(locale).to_owned())).collect();
                let one = (orgs.len() == 1).then(|| orgs[0].0.clone());
                let challenges: Vec<(String, String)> = b.challenges.iter().map(|(id, title)| (id.to_string(), title.clone())).collect();
                let pilots: Vec<(String, String)> = b.pilots.iter().map(|(id, title)| (id.to_string(), title.clone())).collect();
                view! {
                    <section class="card narrow-wide">
                        <h1>{t(k::COMMITMENT_NEW)}</h1>
                        <p class="lead">{t(k::COMMITMENT_NEW_LEAD)}</p>
                        <ActionForm action=publish>
                            <FormAlert error/>
                            <FieldSelect name="form[organisation_id]" label=k::FIELD_ORGANISATION options=orgs selected=one.unwrap_or_default() empty_option=k::FIELD_CHOOSE error=field_error(error, "organisation_id")/>
                            <FieldInput name="form[title]" label=k::COMMITMENT_TITLE_FIELD error=field_error(error, "title")/>
                            <FieldTextarea name="form[body]" label=k::COMMITMENT_BODY rows=4 hint=k::COMMITMENT_BODY_HINT error=field_error(error, "body")/>
                            <FieldInput name="form[official_role]" label=k::COMMITMENT_ROLE hint=k::COMMITMENT_ROLE_HINT error=field_error(error, "official_role")/>
                            <FieldInput name="form[due_on]" id="due_on" label=k::COMMITMENT_DUE kind="date" hint=k::COMMITMENT_DUE_HINT error=field_error(error, "due_on")/>
                            <FieldInput name="form[reports]" label=k::COMMITMENT_REPORTS required=false hint=k::COMMITMENT_REPORTS_HINT error=field_error(error, "reports")/>
                            <FieldSelect name="form[challenge_id]" label=k::COMMITMENT_LINK_CHALLENGE options=challenges empty_option=k::COMMITMENT_NONE_CHOSEN error=field_error(error, "challenge_id")/>
                            <FieldSelect name="form[pilot_id]" label=k::COMMITMENT_LINK_PILOT options=pilots empty_option=k::COMMITMENT_NONE_CHOSEN error=field_error(error, "pilot_id")/>
                            <SubmitButton label=k::COMMITMENT_PUBLISH pending=publish.pending()/>
                        </ActionForm>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
