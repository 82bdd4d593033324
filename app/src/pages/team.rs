//! Team pages: one's teams and invitations, forming a team, a team's own page, and the page an
//! invitation link opens.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::team::{
    CreateTeam, HandOver, InviteMember, JoinTeam, LeaveTeam, RemoveMember, RespondInvitation,
    get_team, invitation_preview, load_my_teams,
};
use crate::error::AppError;
use crate::i18n::{format_date, k, t, tf, use_locale};
use crate::layout::{
    Countdown, FieldInput, FieldTextarea, FormAlert, Loaded, PhaseBadge, SubmitButton,
    error_signal, field_error,
};
use crate::query::model::TeamDetail;

#[component]
pub fn MyTeamsPage() -> impl IntoView {
    let respond = ServerAction::<RespondInvitation>::new();
    let teams = Resource::new(move || respond.version().get(), |_| load_my_teams());
    let respond_error = error_signal(move || respond.value().get());
    view! {
        <Title text=t(k::TEAMS_TITLE)/>
        <h1>{t(k::TEAMS_TITLE)}</h1>
        <Loaded resource=teams let:mine>
            {view! {
                <FormAlert error=respond_error/>
                {(!mine.invitations.is_empty()).then(|| view! {
                    <section class="section-tight" aria-labelledby="invitations-heading">
                        <h2 id="invitations-heading">{t(k::TEAMS_INVITATIONS)}</h2>
                        {mine.invitations.into_iter().map(|i| view! {
                            <div class="card invitation">
                                <p>{tf(k::TEAMS_INVITED_BY, &[("name", &i.invited_by), ("team", &i.team_name), ("challenge", &i.challenge_title)])}</p>
                                <div class="triage-actions">
                                    <ActionForm action=respond attr:class="inline-form">
                                        <input type="hidden" name="id" value=i.id.to_string()/>
                                        <input type="hidden" name="accept" value="true"/>
                                        <button type="submit" class="button">{t(k::TEAMS_ACCEPT)}</button>
                                    </ActionForm>
                                    <ActionForm action=respond attr:class="inline-form">
                                        <input type="hidden" name="id" value=i.id.to_string()/>
                                        <input type="hidden" name="accept" value="false"/>
                                        <button type="submit" class="button-secondary">{t(k::TEAMS_DECLINE)}</button>
                                    </ActionForm>
                                </div>
                            </div>
                        }).collect_view()}
                    </section>
                })}
                {if mine.teams.is_empty() {
                    view! { <p class="empty">{t(k::TEAMS_NONE)}" "<a href="/challenges?phase=open">{t(k::HOME_CTA_CHALLENGES)}</a></p> }.into_any()
                } else {
                    view! {
                        <ul class="challenge-grid">
                            {mine.teams.into_iter().map(|team| view! { <TeamCard team/> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <JoinByCode/>
            }}
        </Loaded>
    }
}

#[component]
fn TeamCard(team: TeamDetail) -> impl IntoView {
    view! {
        <li class="card team-card">
            <div class="card-meta">
                <PhaseBadge phase=team.challenge.phase/>
                {team.is_owner.then(|| view! { <span class="tag">{t(k::TEAMS_OWNER)}</span> })}
            </div>
            <h3><a href=format!("/teams/{}", team.id)>{team.name.clone()}</a></h3>
            <p class="muted"><a href=format!("/challenges/{}", team.challenge.slug)>{team.challenge.title.clone()}</a></p>
            <p>{tf(k::TEAMS_MEMBER_COUNT, &[("n", &team.members.len().to_string()), ("max", &team.challenge.team_max.to_string())])}</p>
            {
                let status = team.entry_status.unwrap_or(crate::entry::model::EntryStatus::Draft);
                view! { <p>{t(k::STAFF_ENTRIES)}": "<span class=format!("status status-{}", status.code())>{t(status.label())}</span></p> }
            }
            {team.challenge.next.map(|(m, at)| view! { <p class="next-deadline"><span>{t(m.label())}</span>": "<Countdown at/></p> })}
        </li>
    }
}

/// Joining a team with the code its owner shared.
#[component]
pub fn JoinByCode() -> impl IntoView {
    let join = ServerAction::<JoinTeam>::new();
    let error = error_signal(move || join.value().get());
    view! {
        <section class="card narrow-wide join-code" aria-labelledby="join-heading">
            <h2 id="join-heading">{t(k::TEAMS_JOIN_TITLE)}</h2>
            <ActionForm action=join>
                <FormAlert error/>
                <FieldInput name="code" label=k::FIELD_JOIN_CODE hint=k::HINT_JOIN_CODE autocomplete="off" error=field_error(error, "code")/>
                <SubmitButton label=k::TEAMS_JOIN_SUBMIT pending=join.pending()/>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn TeamNewPage() -> impl IntoView {
    let query = use_query_map();
    let challenge_id = move || query.read().get("challenge").unwrap_or_default();
    let create = ServerAction::<CreateTeam>::new();
    let error = error_signal(move || create.value().get());
    let viewer = crate::layout::viewer_resource();
    let locale = use_locale();
    view! {
        <Title text=t(k::TEAM_NEW_TITLE)/>
        // A visitor is asked to sign in first, not after filling the form in.
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match viewer.await.ok().flatten() {
                    None => view! { <crate::layout::SignInPrompt/> }.into_any(),
                    Some(v) if !v.verified => crate::layout::refused(AppError::Forbidden, locale),
                    Some(_) => view! {
                        <section class="card narrow-wide">
                            <h1>{t(k::TEAM_NEW_TITLE)}</h1>
                            <p class="lead">{t(k::TEAM_NEW_INTRO)}</p>
                            <ActionForm action=create>
                                <FormAlert error/>
                                <input type="hidden" name="challenge_id" value=challenge_id/>
                                <FieldInput name="name" label=k::FIELD_TEAM_NAME error=field_error(error, "name")/>
                                <FieldInput name="organisation_name" label=k::FIELD_TEAM_ORGANISATION required=false hint=k::HINT_TEAM_ORGANISATION error=field_error(error, "organisation_name")/>
                                <FieldTextarea name="description" label=k::FIELD_TEAM_DESCRIPTION required=false rows=3 maxlength=1000usize error=field_error(error, "description")/>
                                <FieldInput name="contact" label=k::FIELD_TEAM_CONTACT hint=k::HINT_TEAM_CONTACT error=field_error(error, "contact")/>
                                <SubmitButton label=k::TEAM_CREATE_SUBMIT pending=create.pending()/>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let params = use_params_map();
    let invite = ServerAction::<InviteMember>::new();
    let hand_over = ServerAction::<HandOver>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let team = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok()),
                invite.version().get() + hand_over.version().get() + remove.version().get(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => get_team(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t(k::NAV_TEAMS)/>
        <Loaded resource=team let:team>
            {view! { <TeamBody team invite hand_over remove/> }}
        </Loaded>
    }
}

#[component]
fn TeamBody(
    team: TeamDetail,
    invite: ServerAction<InviteMember>,
    hand_over: ServerAction<HandOver>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    let leave = ServerAction::<LeaveTeam>::new();
    let invite_error = error_signal(move || invite.value().get());
    let invited = crate::layout::succeeded(invite);
    let member_error = Signal::derive(move || {
        hand_over
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| remove.value().get().and_then(|r| r.err()))
    });
    let leave_error = error_signal(move || leave.value().get());
    let files_changed = RwSignal::new(0u32);
    let id = team.id;
    let is_owner = team.is_owner;
    let viewer_id = team.viewer_id;
    view! {
        <Title text=team.name.clone()/>
        <div class="page-head">
            <div>
                <p class="eyebrow"><a href=format!("/challenges/{}", team.challenge.slug)>{team.challenge.title.clone()}</a></p>
                <h1>{team.name.clone()}</h1>
                <div class="card-meta">
                    <PhaseBadge phase=team.challenge.phase/>
                    {team.organisation_name.clone().map(|o| view! { <span class="muted">{o}</span> })}
                </div>
            </div>
        </div>
        {(!team.description.is_empty()).then(|| view! { <p class="pre-line">{team.description.clone()}</p> })}
        <div class="grid-2">
            <section class="card" aria-labelledby="members-heading">
                <h2 id="members-heading">{tf(k::TEAMS_MEMBER_COUNT, &[("n", &team.members.len().to_string()), ("max", &team.challenge.team_max.to_string())])}</h2>
                <FormAlert error=member_error/>
                <ul class="staff-list">
                    {team.members.clone().into_iter().map(|m| view! {
                        <li>
                            <span>{m.display_name.clone()}" "{m.is_owner.then(|| view! { <span class="tag">{t(k::TEAMS_OWNER)}</span> })}
                                <span class="muted small">" · "{tf(k::TEAMS_JOINED_ON, &[("at", &format_date(m.joined_at))])}</span></span>
                            {(is_owner && m.user_id != viewer_id).then(|| view! {
                                <span class="member-actions">
                                    <ActionForm action=hand_over attr:class="inline-form">
                                        <input type="hidden" name="team_id" value=id.to_string()/>
                                        <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                                        <button type="submit" class="button-ghost">{t(k::TEAMS_MAKE_OWNER)}</button>
                                    </ActionForm>
                                    <ActionForm action=remove attr:class="inline-form">
                                        <input type="hidden" name="team_id" value=id.to_string()/>
                                        <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                                        <button type="submit" class="button-ghost danger">{t(k::TEAMS_REMOVE)}</button>
                                    </ActionForm>
                                </span>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
                {(!team.pending_invitations.is_empty()).then(|| view! {
                    <p class="muted small">{t(k::TEAMS_PENDING)}": "{team.pending_invitations.join(", ")}</p>
                })}
                <ActionForm action=leave attr:class="secondary-form">
                    <FormAlert error=leave_error/>
                    <input type="hidden" name="team_id" value=id.to_string()/>
                    <button type="submit" class="button-ghost danger">{t(k::TEAMS_LEAVE)}</button>
                </ActionForm>
            </section>
            <section class="card" aria-labelledby="invite-heading">
                <h2 id="invite-heading">{t(k::TEAMS_INVITE_TITLE)}</h2>
                <p>{t(k::TEAMS_CODE_INTRO)}</p>
                <p class="join-code-value"><code>{team.join_code.clone()}</code></p>
                <p class="muted small">{t(k::TEAMS_CONTACT)}": "{team.contact.clone()}</p>
                {is_owner.then(|| view! {
                    <ActionForm action=invite attr:class="secondary-form">
                        <p class="alert alert-success" role="status" hidden=move || !invited.get()>{t(k::TEAMS_INVITED)}</p>
                        <FormAlert error=invite_error/>
                        <input type="hidden" name="team_id" value=id.to_string()/>
                        <FieldInput name="email" label=k::FIELD_INVITE_EMAIL kind="email" autocomplete="off" error=field_error(invite_error, "email")/>
                        <SubmitButton label=k::TEAMS_INVITE_SUBMIT pending=invite.pending()/>
                    </ActionForm>
                })}
            </section>
        </div>
        <crate::pages::entry::editor::EntryEditor team_id=id/>
        <crate::pages::entry::editor::EntryFilesPanel team_id=id files_changed/>
        <crate::pages::judging::TeamFeedbackPanel team_id=id/>
    }
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let preview = Resource::new(token, invitation_preview);
    let respond = ServerAction::<RespondInvitation>::new();
    let viewer = crate::layout::viewer_resource();
    view! {
        <Title text=t(k::TEAMS_INVITATION_TITLE)/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let signed_in = viewer.await.ok().flatten().is_some();
                match preview.await {
                    Err(AppError::NotFound) => view! {
                        <section class="card narrow"><h1>{t(k::TEAMS_INVITATION_TITLE)}</h1><p>{t(k::TEAMS_INVITATION_GONE)}</p></section>
                    }.into_any(),
                    Err(e) => crate::layout::refused(e, locale),
                    Ok(i) => view! {
                        <section class="card narrow">
                            <h1>{t(k::TEAMS_INVITATION_TITLE)}</h1>
                            <p>{tf(k::TEAMS_INVITED_BY, &[("name", &i.invited_by), ("team", &i.team_name), ("challenge", &i.challenge_title)])}</p>
                            {if signed_in {
                                view! {
                                    <crate::layout::AnswerInvitation action=respond token=token()/>
                                }.into_any()
                            } else {
                                view! { <crate::layout::SignInToAnswer next=format!("/teams/invitations/{}", token())/> }.into_any()
                            }}
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
