//! The home page: what is open now and what is coming, the latest citizens' reports, the chain
//! from a citizen's problem to a working pilot, and the organisations that take part.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::challenge::load_home;
use crate::api::org::list_organisations;
use crate::i18n::{Text, k, t, use_locale};
use crate::layout::viewer_resource;
use crate::pages::challenge::ChallengeCardView;
use crate::pages::report::ReportItem;

const CHAIN: [(Text, Text); 5] = [
    (k::HOME_STEP_REPORT, k::HOME_STEP_REPORT_BODY),
    (k::HOME_STEP_CHALLENGE, k::HOME_STEP_CHALLENGE_BODY),
    (k::HOME_STEP_ENTRIES, k::HOME_STEP_ENTRIES_BODY),
    (k::HOME_STEP_JUDGING, k::HOME_STEP_JUDGING_BODY),
    (k::HOME_STEP_PILOT, k::HOME_STEP_PILOT_BODY),
];

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let orgs = Resource::new(|| (), |_| list_organisations());
    let home = Resource::new(|| (), |_| load_home());
    let viewer = viewer_resource();
    let deleted = crate::pages::account::query("account_deleted");
    view! {
        <Title text=t(k::HOME_TITLE)/>
        <p class="alert alert-success notice-goodbye" role="status" hidden=move || deleted.get().is_none()>{t(k::PRIVACY_DELETED)}</p>
        <section class="hero">
            <p class="eyebrow">{t(k::HOME_EYEBROW)}</p>
            <h1>{t(k::HOME_HEADLINE)}</h1>
            <p class="lead">{t(k::HOME_LEAD)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    viewer.await.ok().flatten().map(|v| view! {
                        <p class="welcome">{crate::i18n::tf(k::HOME_WELCOME, &[("name", &v.display_name)])}</p>
                    })
                })}
            </Suspense>
            <div class="hero-actions">
                <a class="button" href="/challenges">{t(k::HOME_CTA_CHALLENGES)}</a>
                <a class="button-secondary" href="/reports/new">{t(k::HOME_CTA_REPORT)}</a>
            </div>
        </section>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let data = match home.await {
                    Ok(data) => data,
                    Err(e) => return crate::layout::refused(e, locale),
                };
                view! {
                    <section aria-labelledby="open-heading" class="section">
                        <div class="section-head">
                            <h2 id="open-heading">{t(k::HOME_OPEN_NOW)}</h2>
                            <a href="/challenges?phase=open">{t(k::HOME_SEE_ALL)}</a>
                        </div>
                        {if data.open.is_empty() {
                            view! { <p class="empty">{t(k::HOME_NOTHING_OPEN)}</p> }.into_any()
                        } else {
                            view! { <ul class="challenge-grid">{data.open.into_iter().map(|c| view! { <ChallengeCardView card=c/> }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                    {(!data.upcoming.is_empty()).then(|| view! {
                        <section aria-labelledby="upcoming-heading" class="section">
                            <h2 id="upcoming-heading">{t(k::HOME_COMING)}</h2>
                            <ul class="challenge-grid">{data.upcoming.into_iter().map(|c| view! { <ChallengeCardView card=c/> }).collect_view()}</ul>
                        </section>
                    })}
                    {(!data.reports.is_empty()).then(|| view! {
                        <section aria-labelledby="reports-heading" class="section">
                            <div class="section-head">
                                <h2 id="reports-heading">{t(k::HOME_LATEST_REPORTS)}</h2>
                                <a href="/reports">{t(k::HOME_SEE_ALL)}</a>
                            </div>
                            <ul class="report-list">{data.reports.into_iter().map(|r| view! { <ReportItem report=r/> }).collect_view()}</ul>
                        </section>
                    })}
                }.into_any()
            })}
        </Suspense>
        <section aria-labelledby="chain-heading" class="section">
            <h2 id="chain-heading">{t(k::HOME_CHAIN_TITLE)}</h2>
            <ol class="chain">
                {CHAIN.into_iter().enumerate().map(|(i, (title, body))| view! {
                    <li class="chain-step">
                        <span class="chain-number" aria-hidden="true">{i + 1}</span>
                        <h3>{t(title)}</h3>
                        <p>{t(body)}</p>
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <section aria-labelledby="orgs-heading" class="section">
            <h2 id="orgs-heading">{t(k::HOME_ORGS_TITLE)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = orgs.await.unwrap_or_default();
                    if list.is_empty() {
                        view! { <p class="empty">{t(k::HOME_ORGS_EMPTY)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="chip-list">
                                {list.into_iter().map(|o| view! { <li class="chip">{o.name(locale).to_owned()}</li> }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
        <section class="section promise">
            <h2>{t(k::HOME_PROMISE_TITLE)}</h2>
            <p>{t(k::HOME_PROMISE_BODY)}</p>
        </section>
    }
}
