//! The city's dashboard: per organisation how many milestones finished on time, what is overdue
//! now and by how long, pilots by status, and the chain from reports to services rolled out.
//! Each chart has a table or list beside it that says the same in words.

use leptos::prelude::*;

use crate::layout::Loaded;
use leptos_meta::Title;

use crate::api::pilot::load_dashboard;
use crate::i18n::{Locale, format_datetime, k, t, tf, use_locale};
use crate::pages::pilot::charts::{FunnelBars, ShareBars};
use crate::pages::pilot::day;
use crate::pilot::model::Dashboard;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let locale = use_locale();
    let data = Resource::new(|| (), |_| load_dashboard());
    view! {
        <Title text=t(k::DASHBOARD_TITLE)/>
        <header class="page-head">
            <div>
                <h1>{t(k::DASHBOARD_TITLE)}</h1>
                <p class="lead">{t(k::DASHBOARD_LEAD)}</p>
            </div>
            <a class="button-secondary" href="/pilots">{t(k::NAV_PILOTS)}</a>
        </header>
        <Loaded resource=data let:d>
            {view! { <DashboardBody d locale/> }}
        </Loaded>
    }
    .into_any()
}

#[component]
fn DashboardBody(d: Dashboard, locale: Locale) -> impl IntoView {
    let share = d.city.on_time_share();
    let rows: Vec<(String, Option<u8>)> = d
        .organisations
        .iter()
        .map(|o| {
            (
                o.organisation.name(locale).to_owned(),
                o.milestones.on_time_share(),
            )
        })
        .collect();
    let describe_share = rows
        .iter()
        .map(|(name, s)| match s {
            Some(s) => format!("{name}: {s}%"),
            None => format!("{name}: {}", locale.t(k::DASHBOARD_NOTHING_FINISHED)),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let chain = [
        (k::DASHBOARD_CHAIN_REPORTS, d.chain.reports),
        (k::DASHBOARD_CHAIN_CHALLENGES, d.chain.challenges),
        (k::DASHBOARD_CHAIN_ENTRIES, d.chain.entries),
        (k::DASHBOARD_CHAIN_PILOTS, d.chain.pilots),
        (k::DASHBOARD_CHAIN_ROLLED_OUT, d.chain.rolled_out),
    ];
    let chain_rows: Vec<(String, u64)> = chain
        .iter()
        .map(|(label, n)| (locale.t(*label).to_owned(), *n))
        .collect();
    let describe_chain = chain_rows
        .iter()
        .map(|(label, n)| format!("{label}: {n}"))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <div class="stat-row">
            <div class="card stat">
                <p class="big-number">{share.map(|s| format!("{s}%")).unwrap_or_else(|| "–".into())}</p>
                <p>{tf(k::DASHBOARD_ON_TIME, &[("on_time", &d.city.finished_on_time.to_string()), ("finished", &d.city.finished.to_string())])}</p>
            </div>
            <div class="card stat">
                <p class="big-number">{d.city.late_now.to_string()}</p>
                <p>{t(k::DASHBOARD_LATE_NOW)}</p>
            </div>
            {d.by_status.iter().map(|(s, n)| view! {
                <div class="card stat">
                    <p class="big-number">{n.to_string()}</p>
                    <p>{tf(k::DASHBOARD_PILOTS_STATUS, &[("status", &locale.t(s.label()).to_lowercase())])}</p>
                </div>
            }).collect_view()}
        </div>
        {view! {
        <section class="section card" aria-labelledby="orgs-heading">
            <h2 id="orgs-heading">{t(k::DASHBOARD_BY_ORG)}</h2>
            {if rows.is_empty() {
                view! { <p class="empty">{t(k::PILOTS_NONE)}</p> }.into_any()
            } else {
                view! {
                    <ShareBars id="on-time-chart" title=locale.t(k::DASHBOARD_BY_ORG).to_owned() describe=describe_share rows=rows.clone()/>
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="orgs-heading">
                        <table class="data-table">
                            <thead><tr>
                                <th scope="col">{t(k::DASHBOARD_ORG)}</th>
                                <th scope="col">{t(k::DASHBOARD_PILOTS)}</th>
                                <th scope="col">{t(k::DASHBOARD_MILESTONES)}</th>
                                <th scope="col">{t(k::DASHBOARD_FINISHED)}</th>
                                <th scope="col">{t(k::TIMING_ON_TIME)}</th>
                                <th scope="col">{t(k::TIMING_LATE)}</th>
                            </tr></thead>
                            <tbody>
                                {d.organisations.iter().map(|o| view! {
                                    <tr>
                                        <th scope="row">{o.organisation.name(locale).to_owned()}</th>
                                        <td>{o.pilots.to_string()}</td>
                                        <td>{o.milestones.total.to_string()}</td>
                                        <td>{o.milestones.finished.to_string()}</td>
                                        <td>{match o.milestones.on_time_share() {
                                            Some(s) => format!("{} ({s}%)", o.milestones.finished_on_time),
                                            None => "–".into(),
                                        }}</td>
                                        <td>{o.milestones.late_now.to_string()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        }.into_any()}
        {view! {
        <section class="section card" aria-labelledby="overdue-heading">
            <h2 id="overdue-heading">{t(k::DASHBOARD_OVERDUE)}</h2>
            {if d.overdue.is_empty() {
                view! { <p class="empty">{t(k::DASHBOARD_NOTHING_OVERDUE)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list overdue">
                        {d.overdue.iter().map(|o| view! {
                            <li>
                                <p><strong>{o.milestone.clone()}</strong>" · "<a href=format!("/pilots/{}#milestones", o.pilot_id)>{o.pilot_title.clone()}</a></p>
                                <p class="muted small">
                                    <span class="timeliness tone-bad">{tf(k::TIMING_LATE_DAYS, &[("n", &o.days.to_string())])}</span>" "
                                    {tf(k::DASHBOARD_OVERDUE_LINE, &[("date", &day(o.due_on)), ("owner", &o.owner_name), ("org", &o.organisation)])}
                                </p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="section card" aria-labelledby="chain-heading">
            <h2 id="chain-heading">{t(k::DASHBOARD_CHAIN)}</h2>
            <FunnelBars id="chain-chart" title=locale.t(k::DASHBOARD_CHAIN).to_owned() describe=describe_chain rows=chain_rows.clone()/>
            <ol class="chain-counts">
                {chain_rows.into_iter().map(|(label, n)| view! { <li><strong>{n.to_string()}</strong>" "{label}</li> }).collect_view()}
            </ol>
            <p class="hint">{tf(k::DASHBOARD_REPORTS_ASSISTED, &[("n", &d.chain.reports_assisted.to_string())])}</p>
        </section>
        <p class="muted small">{tf(k::DASHBOARD_AS_OF, &[("at", &format_datetime(d.at))])}</p>
        }.into_any()}
    }
    .into_any()
}
