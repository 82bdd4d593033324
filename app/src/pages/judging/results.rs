//! Published results for everyone, and a team's feedback from its judges.

use leptos::prelude::*;

use crate::layout::Loaded;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::judging::{load_public_results, load_team_feedback};
use crate::error::AppError;
use crate::i18n::{format_datetime, k, t, tf, use_locale};
use crate::judging::model::PublicResults;
use crate::pages::judging::score_label;
use crate::pages::judging::staff::{RubricTable, criterion_text};

#[component]
pub fn ResultsPage() -> impl IntoView {
    let params = use_params_map();
    // Blocking: the page's title names the challenge, and this page is sent without code
    // (`crate::routes::runs_in_browser`), so the title must be in the HTML the server sends.
    let results = Resource::new_blocking(
        move || params.read().get("slug").unwrap_or_default(),
        load_public_results,
    );
    view! {
        <Title text=t(k::JUDGING_RESULTS)/>
        <Loaded resource=results let:r>
            {view! { <Results results=r/> }}
        </Loaded>
    }
}

#[component]
fn Results(results: PublicResults) -> impl IntoView {
    let locale = use_locale();
    let title = tf(k::RESULTS_OF, &[("challenge", &results.challenge_title)]);
    let Some(published) = results.published_at else {
        return view! {
            <Title text=title.clone()/>
            <p class="breadcrumb"><a href=format!("/challenges/{}", results.slug)>{results.challenge_title.clone()}</a></p>
            <h1>{title}</h1>
            <p class="empty">{t(k::RESULTS_NOT_YET)}</p>
        }
        .into_any();
    };
    let departures: Vec<_> = results
        .results
        .iter()
        .filter_map(|r| {
            Some((
                r.award.clone()?,
                r.team_name.clone(),
                r.award_reason.clone()?,
            ))
        })
        .collect();
    view! {
        <Title text=title.clone()/>
        <p class="breadcrumb"><a href=format!("/challenges/{}", results.slug)>{results.challenge_title.clone()}</a></p>
        <h1>{title}</h1>
        <p class="muted">{tf(k::RESULTS_PUBLISHED_AT, &[("at", &format_datetime(published))])}</p>
        {results.peoples_choice.clone().map(|pc| view! {
            <section class="card peoples-choice" aria-labelledby="peoples-choice-heading">
                <h2 id="peoples-choice-heading">{t(k::RESULTS_PEOPLES_CHOICE)}</h2>
                {if pc.winners.is_empty() {
                    view! { <p>{t(k::RESULTS_NO_VOTES)}</p> }.into_any()
                } else {
                    pc.winners.into_iter().map(|(title, team, n)| view! {
                        <p><strong>{title}</strong>" — "{team}" · "{tf(k::VOTE_COUNT, &[("n", &n.to_string())])}</p>
                    }).collect_view().into_any()
                }}
                <p class="muted">{tf(k::RESULTS_TURNOUT, &[("voters", &pc.voters.to_string()), ("votes", &pc.votes.to_string())])}" "
                    <a href=format!("/challenges/{}/ballots.csv", results.slug) rel="external">{t(k::VOTE_BALLOTS)}</a>
                </p>
            </section>
        })}
        {(!departures.is_empty()).then(|| view! {
            <section class="card alert-warn-card" aria-labelledby="departures-heading">
                <h2 id="departures-heading">{t(k::RESULTS_DEPARTURES)}</h2>
                {departures.into_iter().map(|(award, team, reason)| view! {
                    <p><strong>{award}" — "{team}</strong><br/>{reason}</p>
                }).collect_view()}
            </section>
        })}
        <ol class="plain-list results-list">
            {results.results.iter().map(|r| view! {
                <li class="card result">
                    <div class="result-rank" aria-label=tf(k::RESULTS_RANK_N, &[("n", &r.rank.to_string())])>{r.rank}</div>
                    <div class="result-body">
                        <h2>{r.title.clone()}</h2>
                        <p class="eyebrow">{r.team_name.clone()}</p>
                        {r.award.clone().map(|a| view! {
                            <p>
                                <span class="tag tag-public">{a}</span>" "
                                {match (r.pilot_id, results.can_manage) {
                                    (Some(p), _) => Some(view! { <a href=format!("/pilots/{p}")>{t(k::RESULTS_SEE_PILOT)}</a> }.into_any()),
                                    (None, true) => Some(view! { <a class="button-secondary button-small" href=format!("/staff/pilots/new?entry={}", r.entry_id)>{t(k::RESULTS_MAKE_PILOT)}</a> }.into_any()),
                                    (None, false) => None,
                                }}
                            </p>
                        })}
                        <dl class="facts">
                            <div><dt>{t(k::RESULTS_NORMALISED)}</dt><dd>{score_label(r.normalised)}</dd></div>
                            <div><dt>{t(k::RESULTS_RAW)}</dt><dd>{score_label(r.raw)}</dd></div>
                            <div><dt>{t(k::RESULTS_SCORES)}</dt><dd>{r.scores}</dd></div>
                        </dl>
                        {r.tied.then(|| view! { <span class="tag tag-warn">{t(k::RESULTS_TIED)}</span>" " })}
                        {r.short.then(|| view! { <span class="tag tag-warn">{tf(k::RESULTS_SHORT_OF, &[("k", &results.judges_per_entry.to_string())])}</span> })}
                        {(!r.judges.is_empty()).then(|| view! {
                            <p class="small muted">
                                {r.judges.iter().map(|(n, s)| format!("{n}: {}", score_label(Some(*s)))).collect::<Vec<_>>().join(" · ")}
                            </p>
                        })}
                    </div>
                </li>
            }).collect_view()}
        </ol>
        <section class="section" aria-labelledby="how-heading">
            <h2 id="how-heading">{t(k::RESULTS_HOW)}</h2>
            <p>{tf(k::RESULTS_HOW_TEXT, &[("min", &results.scale.min.to_string()), ("max", &results.scale.max.to_string())])}</p>
            <RubricTable criteria=results.criteria.clone() locale/>
        </section>
    }
    .into_any()
}

/// On a team's page once results are published: where the entry stands and what its judges wrote.
#[component]
pub fn TeamFeedbackPanel(team_id: i64) -> impl IntoView {
    let locale = use_locale();
    let feedback = Resource::new(move || team_id, load_team_feedback);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match feedback.await {
                    Ok(Some(f)) => {
                        let criteria = f.criteria.clone();
                        view! {
                            <section class="section card" aria-labelledby="feedback-heading">
                                <h2 id="feedback-heading">{t(k::FEEDBACK_TITLE)}</h2>
                                {f.standing.map(|s| view! {
                                    <p class="lead">{tf(k::FEEDBACK_STANDING, &[("rank", &s.rank.to_string()), ("score", &score_label(s.normalised))])}</p>
                                })}
                                {if f.comments.is_empty() {
                                    view! { <p class="empty">{t(k::FEEDBACK_NONE)}</p> }.into_any()
                                } else {
                                    f.comments.into_iter().enumerate().map(|(i, jc)| {
                                        let (judge, per, overall) = (jc.judge, jc.per_criterion, jc.overall);
                                        let criteria = criteria.clone();
                                        view! {
                                            <article class="feedback">
                                                <h3>{judge.unwrap_or_else(|| tf(k::FEEDBACK_JUDGE_N, &[("n", &(i + 1).to_string())]))}</h3>
                                                {(!overall.trim().is_empty()).then(|| view! { <p class="pre-line">{overall.clone()}</p> })}
                                                <dl>
                                                    {per.into_iter().map(|(id, text)| {
                                                        let name = criteria.iter().find(|c| c.id == id).map(|c| criterion_text(c, locale).0).unwrap_or_default();
                                                        view! { <dt>{name}</dt><dd class="pre-line">{text}</dd> }
                                                    }).collect_view()}
                                                </dl>
                                            </article>
                                        }
                                    }).collect_view().into_any()
                                }}
                            </section>
                        }.into_any()
                    }
                    // Before results, and for anyone but the team's members, the panel is not
                    // there: the team's page is public, its judges' words are the team's own.
                    Ok(None) | Err(AppError::Forbidden | AppError::Unauthenticated) => ().into_any(),
                    Err(e) => crate::layout::refused(e, locale),
                }
            })}
        </Suspense>
    }
}
