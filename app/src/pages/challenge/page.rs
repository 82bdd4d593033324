//! One challenge in public: the brief, who may enter, prizes, the timetable with where it stands,
//! questions and answers, and the record of every public decision.

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::challenge::{AskQuestion, FollowChallenge, get_challenge};
use crate::challenge::model::{ChallengeDetail, HistoryEntry};
use crate::challenge::rules::{Milestone, Phase, questions_open};
use crate::i18n::{Locale, format_datetime, format_vnd, k, lookup, t, tf, use_locale};
use crate::layout::{
    Countdown, FieldTextarea, FormAlert, Loaded, PhaseBadge, SubmitButton, error_signal,
    field_error,
};
use crate::layout::{ReadAloud, Share, SharedAs, viewer_resource};

#[component]
pub fn ChallengePage() -> impl IntoView {
    let params = use_params_map();
    let follow = ServerAction::<FollowChallenge>::new();
    let ask = ServerAction::<AskQuestion>::new();
    let challenge = Resource::new(
        move || {
            (
                params.read().get("slug").unwrap_or_default(),
                follow.version().get(),
                ask.version().get(),
            )
        },
        |(slug, _, _)| get_challenge(slug),
    );
    view! {
        <Title text=t(k::NAV_CHALLENGES)/>
        <Loaded resource=challenge let:c>
            {view! { <ChallengeBody challenge=c follow ask/> }}
        </Loaded>
    }
}

#[component]
fn ChallengeBody(
    challenge: ChallengeDetail,
    follow: ServerAction<FollowChallenge>,
    ask: ServerAction<AskQuestion>,
) -> impl IntoView {
    let locale = use_locale();
    let c = challenge.card.clone();
    let id = c.id;
    let now = Utc::now();
    let viewer = viewer_resource();
    let signed_in = move || viewer.get().and_then(|v| v.ok()).flatten().is_some();
    let ask_error = error_signal(move || ask.value().get());
    let asked = crate::layout::succeeded(ask);
    let next = c.next;
    let moments = challenge.timetable.moments();
    let sign_in_next = format!("/sign-in?next=/challenges/{}", c.slug);
    view! {
        <Title text=c.title.clone()/>
        <SharedAs title=c.title.clone() description=c.summary.clone() path=format!("/challenges/{}", c.slug) image=c.cover.as_ref().map(|f| f.url())/>
        <article class="challenge">
            {view! {
            <header class="challenge-head">
                <div>
                    <p class="eyebrow">{c.organisation.name(locale).to_owned()}" · "{t(c.category.label())}</p>
                    <h1>{c.title.clone()}</h1>
                    <p class="lead">{c.summary.clone()}</p>
                    <div class="card-meta"><PhaseBadge phase=c.phase/></div>
                    <ReadAloud text=format!("{}. {}", c.title, c.summary)/>
                    <Share title=c.title.clone() path=format!("/challenges/{}", c.slug)/>
                    {challenge.can_manage.then(|| view! {
                        <p><a class="button-secondary" href=format!("/staff/challenges/{id}")>{t(k::CHALLENGE_MANAGE)}</a></p>
                    })}
                </div>
                <aside class="card deadline-box">
                    {match next {
                        Some((milestone, at)) => view! {
                            <p class="eyebrow">{t(milestone.label())}</p>
                            <p class="big-number"><Countdown at/></p>
                            <p class="muted">{format_datetime(at)}</p>
                        }.into_any(),
                        None => view! { <p>{t(c.phase.label())}</p> }.into_any(),
                    }}
                    <p class="muted">{tf(k::CHALLENGE_FOLLOWERS, &[("n", &challenge.followers.to_string())])}</p>
                    {(c.phase != Phase::Draft).then(|| view! {
                        <Show when=signed_in fallback=move || view! { <a class="button-secondary" href=sign_in_next.clone()>{t(k::CHALLENGE_SIGN_IN_TO_FOLLOW)}</a> }>
                            <ActionForm action=follow>
                                <input type="hidden" name="id" value=id.to_string()/>
                                <input type="hidden" name="follow" value=(!challenge.following).to_string()/>
                                <button type="submit" class=if challenge.following { "button-secondary" } else { "button" } aria-pressed=challenge.following.to_string()>
                                    {if challenge.following { t(k::CHALLENGE_UNFOLLOW) } else { t(k::CHALLENGE_FOLLOW) }}
                                </button>
                            </ActionForm>
                        </Show>
                    })}
                </aside>
            </header>
            }.into_any()}
            {c.cover.clone().map(|cover| view! { <img class="challenge-cover" src=cover.url() alt=""/> })}
            <nav class="section-nav" aria-label=t(k::CHALLENGE_SECTIONS)>
                <a href="#brief">{t(k::CHALLENGE_BRIEF)}</a>
                <a href="#timetable">{t(k::CHALLENGE_TIMETABLE)}</a>
                <a href="#prizes">{t(k::CHALLENGE_PRIZES)}</a>
                <a href="#faq">{t(k::CHALLENGE_FAQ)}</a>
                <a href="#history">{t(k::CHALLENGE_HISTORY)}</a>
            </nav>
            <div class="challenge-layout">
                {view! {
                <div class="challenge-main">
                    <section id="brief" class="section">
                        <h2>{t(k::CHALLENGE_BRIEF)}</h2>
                        <div class="prose" inner_html=challenge.brief_html.clone()></div>
                        {(!challenge.reports.is_empty()).then(|| view! {
                            <h3>{t(k::CHALLENGE_FROM_REPORTS)}</h3>
                            <ul class="plain-list">
                                {challenge.reports.clone().into_iter().map(|l| view! { <li><a href=l.href>{l.title}</a></li> }).collect_view()}
                            </ul>
                        })}
                        {(!challenge.attachments.is_empty()).then(|| view! {
                            <h3>{t(k::CHALLENGE_ATTACHMENTS)}</h3>
                            <ul class="plain-list files">
                                {challenge.attachments.clone().into_iter().map(|f| view! {
                                    <li><a href=f.url()>{f.name.clone()}</a>" "<span class="muted">{f.size_label()}</span></li>
                                }).collect_view()}
                            </ul>
                        })}
                    </section>
                    <section class="section">
                        <h2>{t(k::CHALLENGE_WHO_MAY_ENTER)}</h2>
                        {(!challenge.eligibility.is_empty()).then(|| view! { <p class="pre-line">{challenge.eligibility.clone()}</p> })}
                        <p>{tf(k::CHALLENGE_TEAM_SIZE, &[("min", &challenge.team_min.to_string()), ("max", &challenge.team_max.to_string())])}</p>
                    </section>
                    <section id="faq" class="section">
                        <h2>{t(k::CHALLENGE_FAQ)}</h2>
                        {if challenge.questions.is_empty() {
                            view! { <p class="empty">{t(k::CHALLENGE_FAQ_EMPTY)}</p> }.into_any()
                        } else {
                            view! {
                                <dl class="faq">
                                    {challenge.questions.clone().into_iter().map(|q| view! {
                                        <div class="faq-item">
                                            <dt>{q.question}</dt>
                                            <dd>
                                                {match q.answer {
                                                    Some(a) => view! { <p class="pre-line">{a}</p><p class="muted">{q.answered_by.unwrap_or_default()}" · "{q.answered_at.map(format_datetime).unwrap_or_default()}</p> }.into_any(),
                                                    None => view! { <p class="muted">{t(k::CHALLENGE_NOT_ANSWERED)}</p> }.into_any(),
                                                }}
                                            </dd>
                                        </div>
                                    }).collect_view()}
                                </dl>
                            }.into_any()
                        }}
                        {if questions_open(c.phase) {
                            view! {
                                <Show when=signed_in fallback=|| view! { <p class="muted">{t(k::CHALLENGE_SIGN_IN_TO_ASK)}</p> }>
                                    <ActionForm action=ask attr:class="card ask-form">
                                        <p class="alert alert-success" role="status" hidden=move || !asked.get()>{t(k::CHALLENGE_ASKED)}</p>
                                        <FormAlert error=ask_error/>
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <FieldTextarea name="question" label=k::CHALLENGE_ASK rows=3 maxlength=1000usize error=field_error(ask_error, "question")/>
                                        <SubmitButton label=k::CHALLENGE_ASK_SUBMIT pending=ask.pending()/>
                                    </ActionForm>
                                </Show>
                            }.into_any()
                        } else {
                            view! { <p class="muted">{t(k::CHALLENGE_QUESTIONS_CLOSED)}</p> }.into_any()
                        }}
                    </section>
                </div>
                }.into_any()}
                {view! {
                <div class="challenge-side">
                    {challenge.results_published_at.map(|at| view! {
                        <section class="section card results-card" aria-labelledby="results-link-heading">
                            <h2 id="results-link-heading">{t(k::JUDGING_RESULTS)}</h2>
                            <p>{tf(k::RESULTS_PUBLISHED_AT, &[("at", &format_datetime(at))])}</p>
                            <a class="button" href=format!("/challenges/{}/results", c.slug)>{t(k::RESULTS_SEE)}</a>
                        </section>
                    })}
                    {challenge.public_entries.map(|n| view! {
                        <section class="section card" aria-labelledby="entries-heading">
                            <h2 id="entries-heading">{t(k::PUBLIC_ENTRIES_TITLE)}</h2>
                            <p>{tf(k::PUBLIC_ENTRIES_COUNT, &[("n", &n.to_string())])}</p>
                            <a class="button" href=format!("/challenges/{}/entries", c.slug)>{t(k::PUBLIC_ENTRIES_SEE)}</a>
                        </section>
                    })}
                    {matches!(c.phase, Phase::Upcoming | Phase::Open).then(|| view! {
                        <section class="section card take-part" aria-labelledby="take-part-heading">
                            <h2 id="take-part-heading">{t(k::CHALLENGE_TAKE_PART)}</h2>
                            <p>{t(k::CHALLENGE_TAKE_PART_INTRO)}</p>
                            <a class="button" href=format!("/teams/new?challenge={id}")>{t(k::CHALLENGE_FORM_TEAM)}</a>
                            <p class="muted small">{t(k::CHALLENGE_HAVE_CODE)}" "<a href="/teams#join-heading">{t(k::TEAMS_JOIN_TITLE)}</a></p>
                        </section>
                    })}
                    <section id="timetable" class="section card">
                        <h2>{t(k::CHALLENGE_TIMETABLE)}</h2>
                        <ol class="timeline">
                            {moments.into_iter().map(|(m, at)| {
                                let state = if Some(m) == next.map(|(n, _)| n) { "next" } else if at <= now { "past" } else { "future" };
                                view! {
                                    <li class=format!("timeline-{state}") aria-current=(state == "next").then_some("step")>
                                        <span class="timeline-label">{t(m.label())}</span>
                                        <time datetime=at.to_rfc3339()>{format_datetime(at)}</time>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                        <p class="muted small">{t(k::CHALLENGE_TIMEZONE_NOTE)}</p>
                    </section>
                    <section id="prizes" class="section card">
                        <h2>{t(k::CHALLENGE_PRIZES)}</h2>
                        {if challenge.prizes.is_empty() {
                            view! { <p class="muted">{t(k::CHALLENGE_NO_PRIZES)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="prize-list">
                                    {challenge.prizes.clone().into_iter().map(|p| view! { <li><span>{p.label}</span><strong>{format_vnd(p.amount_vnd)}</strong></li> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        {(challenge.pilot_budget_vnd > 0).then(|| view! {
                            <p class="pilot-budget">{t(k::CHALLENGE_PILOT_BUDGET)}": "<strong>{format_vnd(challenge.pilot_budget_vnd)}</strong></p>
                        })}
                    </section>
                </div>
                }.into_any()}
            </div>
            <section id="history" class="section">
                <h2>{t(k::CHALLENGE_HISTORY)}</h2>
                <p class="muted small"><a href=format!("/challenges/{}/feed.atom", c.slug) type="application/atom+xml" rel="external">{t(k::FEED_FOLLOW)}</a></p>
                <ol class="history">
                    {challenge.history.clone().into_iter().map(|h| view! { <HistoryItem entry=h locale/> }).collect_view()}
                </ol>
            </section>
        </article>
    }
}

#[component]
fn HistoryItem(entry: HistoryEntry, locale: Locale) -> impl IntoView {
    let action = lookup(&format!("history.{}", entry.action.replace('.', "_")))
        .map(|text| locale.t(text).to_owned())
        .unwrap_or_else(|| entry.action.clone());
    let detail = |name: &str| {
        entry
            .details
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let moved = detail("milestone")
        .and_then(|m| Milestone::from_field(&m))
        .map(|m| {
            format!(
                "{}: {} → {}",
                locale.t(m.label()),
                detail("from").unwrap_or_default(),
                detail("to").unwrap_or_default()
            )
        });
    // An extension names its team, except while a blind panel judges (then only the new date).
    let moved = moved.or_else(|| match (detail("team"), detail("to")) {
        (Some(team), to) => Some(format!("{team} → {}", to.unwrap_or_default())),
        (None, Some(to)) if entry.action == "challenge.extension" => Some(format!("→ {to}")),
        _ => None,
    });
    let who = match (entry.actor_title, entry.actor_name.is_empty()) {
        (_, true) => t(k::HISTORY_PARTICIPANT).to_owned(),
        (Some(title), false) => format!("{} ({title})", entry.actor_name),
        (None, false) => entry.actor_name,
    };
    view! {
        <li>
            <p><strong>{action}</strong>{moved.map(|m| view! { " · "<span>{m}</span> })}</p>
            {entry.reason.map(|r| view! { <p class="pre-line">{tf(k::HISTORY_REASON, &[("reason", &r)])}</p> })}
            <p class="muted">{who}" · "<time datetime=entry.at.to_rfc3339()>{format_datetime(entry.at)}</time></p>
        </li>
    }
}
