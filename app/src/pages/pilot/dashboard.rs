//! The city's dashboard: per organisation how many milestones finished on time, what is overdue
//! now and by how long, pilots by status, and the chain from reports to services rolled out.
//! Each chart has a table or list beside it that says the same in words.

use leptos::prelude::*;

use crate::layout::Loaded;
use leptos_meta::Title;

use crate::api::pilot::load_dashboard;
use crate::commitment::model::CommitmentBoard;
use crate::i18n::{Locale, Text, format_datetime, k, t, tf, use_locale};
use crate::pages::pilot::charts::{FunnelBars, MonthColumns, ShareBars};
use crate::pages::pilot::day;
use crate::pilot::model::Dashboard;
use crate::report::figures::ReportFigures;
use crate::report::model::ReportBoard;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let locale = use_locale();
    let data = Resource::new(|| (), |_| load_dashboard());
    let commitments = Resource::new(|| (), |_| crate::api::commitment::list_commitments(None));
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
        <Loaded resource=commitments let:b>
            {view! {
                <section class="section card" aria-labelledby="commitments-heading">
                    <h2 id="commitments-heading">{t(k::COMMITMENTS_TITLE)}</h2>
                    <p class="muted">{t(k::COMMITMENTS_LEAD)}</p>
                    <CommitmentRecord board=b locale/>
                    <p><a href="/commitments">{t(k::COMMITMENTS_SEE_ALL)}</a></p>
                </section>
            }}
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
        <ReportAnswers board=d.reports.clone() locale/>
        <h2 class="section">{t(k::DASHBOARD_MILESTONES_TITLE)}</h2>
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
                        <table class="data-table stack stack-pairs">
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
                                        <td data-label=t(k::DASHBOARD_PILOTS)>{o.pilots.to_string()}</td>
                                        <td data-label=t(k::DASHBOARD_MILESTONES)>{o.milestones.total.to_string()}</td>
                                        <td data-label=t(k::DASHBOARD_FINISHED)>{o.milestones.finished.to_string()}</td>
                                        <td data-label=t(k::TIMING_ON_TIME)>{match o.milestones.on_time_share() {
                                            Some(s) => format!("{} ({s}%)", o.milestones.finished_on_time),
                                            None => "–".into(),
                                        }}</td>
                                        <td data-label=t(k::TIMING_LATE)>{o.milestones.late_now.to_string()}</td>
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

fn percent(share: Option<u8>) -> String {
    share.map(|s| format!("{s}%")).unwrap_or_else(|| "–".into())
}

/// One row of report figures, as the tables write it: received, answered, on time (with the
/// share), overdue now, re-appointed, forwarded, satisfied (with the share).
#[component]
fn FigureCells(f: ReportFigures) -> impl IntoView {
    view! {
        <td data-label=t(k::ANSWERS_RECEIVED)>{f.received.to_string()}</td>
        <td data-label=t(k::ANSWERS_ANSWERED)>{f.answered.to_string()}</td>
        <td data-label=t(k::ANSWERS_ON_TIME)>{match f.on_time_share() {
            Some(s) => format!("{} ({s}%)", f.answered_on_time),
            None => "–".into(),
        }}</td>
        <td data-label=t(k::ANSWERS_OVERDUE_NOW)>{f.overdue_now.to_string()}</td>
        <td data-label=t(k::ANSWERS_REAPPOINTED)>{f.reappointed.to_string()}</td>
        <td data-label=t(k::ANSWERS_FORWARDED)>{f.forwarded.to_string()}</td>
        <td data-label=t(k::ANSWERS_SATISFIED)>{match f.satisfaction_share() {
            Some(s) => format!("{}/{} ({s}%)", f.satisfied, f.rated),
            None => "–".into(),
        }}</td>
    }
}

#[component]
fn FigureHeads(first: Text) -> impl IntoView {
    view! {
        <thead><tr>
            <th scope="col">{t(first)}</th>
            <th scope="col">{t(k::ANSWERS_RECEIVED)}</th>
            <th scope="col">{t(k::ANSWERS_ANSWERED)}</th>
            <th scope="col">{t(k::ANSWERS_ON_TIME)}</th>
            <th scope="col">{t(k::ANSWERS_OVERDUE_NOW)}</th>
            <th scope="col">{t(k::ANSWERS_REAPPOINTED)}</th>
            <th scope="col">{t(k::ANSWERS_FORWARDED)}</th>
            <th scope="col">{t(k::ANSWERS_SATISFIED)}</th>
        </tr></thead>
    }
}

/// The city's answers to its citizens' reports, as the wards publish them: on time over the last
/// twelve months, the trend month by month, each organisation, and what is overdue now.
#[component]
fn ReportAnswers(board: ReportBoard, locale: Locale) -> impl IntoView {
    let total = board.city_total;
    let columns: Vec<((u32, i32), Option<u8>)> = board
        .months
        .iter()
        .zip(&board.city)
        .map(|(m, f)| ((m.month, m.year), f.on_time_share()))
        .collect();
    let describe = board
        .months
        .iter()
        .zip(&board.city)
        .map(|(m, f)| format!("{}: {}", m.short(), percent(f.on_time_share())))
        .collect::<Vec<_>>()
        .join("; ");
    let title = locale.t(k::ANSWERS_TREND).to_owned();
    let months: Vec<_> = board
        .months
        .iter()
        .copied()
        .zip(board.city.iter().copied())
        .rev()
        .collect();
    view! {
        <section class="section" aria-labelledby="answers-heading">
            <h2 id="answers-heading">{t(k::ANSWERS_TITLE)}</h2>
            <p class="muted">{t(k::ANSWERS_WINDOW)}</p>
            <div class="stat-row">
                <div class="card stat">
                    <p class="big-number">{percent(total.on_time_share())}</p>
                    <p>{tf(k::ANSWERS_ON_TIME_LINE, &[("on_time", &total.answered_on_time.to_string()), ("known", &(total.answered + total.overdue_now).to_string())])}</p>
                </div>
                <div class="card stat">
                    <p class="big-number">{board.overdue_total.to_string()}</p>
                    <p>{t(k::ANSWERS_OVERDUE_NOW_LINE)}</p>
                </div>
                <div class="card stat">
                    <p class="big-number">{percent(total.satisfaction_share())}</p>
                    <p>{tf(k::ANSWERS_SATISFIED_LINE, &[("satisfied", &total.satisfied.to_string()), ("rated", &total.rated.to_string())])}</p>
                </div>
                <div class="card stat">
                    <p class="big-number">{total.reappointed.to_string()}</p>
                    <p>{t(k::ANSWERS_REAPPOINTED_LINE)}</p>
                </div>
                <div class="card stat">
                    <p class="big-number">{total.forwarded.to_string()}</p>
                    <p>{t(k::ANSWERS_FORWARDED_LINE)}</p>
                </div>
            </div>
            <div class="card">
                <h3>{title.clone()}</h3>
                <MonthColumns id="answers-chart" title describe columns/>
                <details class="month-table">
                    <summary>{t(k::ANSWERS_BY_MONTH)}</summary>
                    <div class="table-wrap" tabindex="0" role="region" aria-label=locale.t(k::ANSWERS_BY_MONTH)>
                        <table class="data-table stack stack-pairs">
                            <FigureHeads first=k::ANSWERS_MONTH/>
                            <tbody>
                                {months.into_iter().map(|(m, f)| view! {
                                    <tr><th scope="row">{m.short()}</th><FigureCells f/></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </details>
            </div>
            <div class="card section">
                <h3 id="answers-orgs-heading">{t(k::ANSWERS_BY_ORG)}</h3>
                {if board.organisations.is_empty() {
                    view! { <p class="empty">{t(k::ANSWERS_NONE)}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="answers-orgs-heading">
                            <table class="data-table stack stack-pairs">
                                <FigureHeads first=k::DASHBOARD_ORG/>
                                <tbody>
                                    {board.organisations.iter().map(|o| view! {
                                        <tr><th scope="row">{o.organisation.name(locale).to_owned()}</th><FigureCells f=o.total/></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
                <p class="hint">{t(k::ANSWERS_HOW_COUNTED)}" "<a href="/open-data">{t(k::ANSWERS_OPEN_DATA)}</a></p>
            </div>
            <div class="card section">
                <h3 id="answers-overdue-heading">{t(k::ANSWERS_OVERDUE_TITLE)}</h3>
                {if board.overdue.is_empty() {
                    view! { <p class="empty">{t(k::ANSWERS_NOTHING_OVERDUE)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list overdue" aria-labelledby="answers-overdue-heading">
                            {board.overdue.iter().map(|r| view! {
                                <li>
                                    <p><a href=format!("/reports/{}", r.id)>{r.title.clone()}</a></p>
                                    <p class="muted small">
                                        <span class="timeliness tone-bad">{tf(k::TIMING_LATE_DAYS, &[("n", &r.days.to_string())])}</span>" "
                                        {tf(k::ANSWERS_OVERDUE_LINE, &[("date", &format_datetime(r.due_at)), ("org", r.organisation.name(locale))])}
                                        {r.appointed_due_at.map(|at| view! { " · "{tf(k::REPORT_APPOINTED_BADGE, &[("date", &format_datetime(at))])} })}
                                    </p>
                                </li>
                            }).collect_view()}
                        </ul>
                        {(board.overdue_total > board.overdue.len() as u64).then(|| view! {
                            <p class="hint"><a href="/reports?status=overdue">{tf(k::ANSWERS_OVERDUE_MORE, &[("n", &board.overdue_total.to_string())])}</a></p>
                        })}
                    }.into_any()
                }}
            </div>
        </section>
    }
}

/// Each organisation's record: commitments, kept on time (among those whose outcome is known),
/// kept late, late now. A list, not a table: it reads on a narrow phone without scrolling sideways.
#[component]
pub fn CommitmentRecord(board: CommitmentBoard, locale: Locale) -> impl IntoView {
    if board.organisations.is_empty() {
        return view! { <p class="empty">{t(k::COMMITMENTS_NONE)}</p> }.into_any();
    }
    view! {
        <h3 id="commitments-record-heading">{t(k::COMMITMENTS_RECORD)}</h3>
        <ul class="plain-list commitment-record" aria-labelledby="commitments-record-heading">
            {board.organisations.into_iter().map(|o| {
                let f = o.figures;
                view! {
                    <li>
                        <p><a href=format!("/commitments?organisation_id={}", o.organisation.id)><strong>{o.organisation.name(locale).to_owned()}</strong></a></p>
                        <p class="small">
                            <strong>{percent(f.known_share())}</strong>" "
                            {tf(k::COMMITMENTS_RECORD_LINE, &[
                                ("total", &f.total.to_string()),
                                ("on_time", &f.finished_on_time.to_string()),
                                ("known", &(f.finished + f.late_now).to_string()),
                                ("done_late", &(f.finished - f.finished_on_time).to_string()),
                                ("late", &f.late_now.to_string()),
                            ])}
                        </p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
