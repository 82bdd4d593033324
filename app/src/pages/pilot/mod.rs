//! Pilot pages: the list, one pilot in public, the page that runs it, the city's dashboard.

mod charts;
pub mod dashboard;
mod list;
mod manage;
mod page;

pub use dashboard::DashboardPage;
pub use list::PilotListPage;
pub use manage::{PilotManagePage, PilotNewPage};
pub use page::PilotPage;

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::i18n::{k, t, tf};
use crate::pilot::model::PilotCard;
use crate::pilot::rules::{PilotStatus, Timing};

pub(crate) fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[component]
pub fn PilotStatusBadge(status: PilotStatus) -> impl IntoView {
    let tone = match status {
        PilotStatus::Running | PilotStatus::Extended => "phase-open",
        PilotStatus::RolledOut => "phase-results",
        PilotStatus::Stopped => "phase-cancelled",
    };
    view! { <span class=format!("phase {tone}")>{t(status.label())}</span> }
}

#[component]
pub fn TimingBadge(timing: Timing, #[prop(default = 0)] days: i64) -> impl IntoView {
    let tone = match timing {
        Timing::Ahead => "tone-neutral",
        Timing::Late => "tone-bad",
        Timing::DoneOnTime => "tone-good",
        Timing::DoneLate => "tone-warn",
    };
    let text = if timing == Timing::Late && days > 0 {
        tf(k::TIMING_LATE_DAYS, &[("n", &days.to_string())])
    } else {
        t(timing.label()).to_owned()
    };
    view! { <span class=format!("timeliness {tone}")>{text}</span> }
}

/// A share from 0 to 100 as a filled bar. Drawn in SVG: the pages' content security policy
/// refuses inline styles, so a `style="width: …"` would leave every bar empty.
#[component]
pub fn ShareBar(percent: i64) -> impl IntoView {
    let width = percent.clamp(0, 100).to_string();
    view! {
        <svg class="progress-track" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true" focusable="false">
            <rect class="progress-fill" width=width height="1"/>
        </svg>
    }
}

/// How many milestones are done, as a bar with its figure in words.
#[component]
pub fn ProgressBar(done: usize, total: usize, percent: u8) -> impl IntoView {
    let label = tf(
        k::PILOT_PROGRESS,
        &[
            ("done", &done.to_string()),
            ("total", &total.to_string()),
            ("percent", &percent.to_string()),
        ],
    );
    view! {
        <div class="progress">
            <div role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent.to_string() aria-label=label.clone()>
                <ShareBar percent=i64::from(percent)/>
            </div>
            <p class="progress-label">{label}</p>
        </div>
    }
    .into_any()
}

#[component]
pub fn PilotCardView(card: PilotCard) -> impl IntoView {
    let locale = crate::i18n::use_locale();
    view! {
        <article class="card pilot-card">
            <div class="card-body">
                <p class="eyebrow">{card.organisation.name(locale).to_owned()}</p>
                <h3><a href=format!("/pilots/{}", card.id)>{card.title.clone()}</a></h3>
                <p class="muted small">{tf(k::PILOT_FROM_TEAM, &[("team", &card.team_name), ("challenge", &card.challenge_title)])}</p>
                <div class="card-meta">
                    <PilotStatusBadge status=card.status/>
                    {(card.late_now > 0).then(|| view! { <span class="timeliness tone-bad">{tf(k::PILOT_LATE_NOW, &[("n", &card.late_now.to_string())])}</span> })}
                </div>
                <ProgressBar done=card.milestones_done total=card.milestones_total percent=card.progress/>
            </div>
            <p class="card-foot muted small">{format!("{} – {}", day(card.starts_on), day(card.planned_end_on))}</p>
        </article>
    }
    .into_any()
}
