//! Open data of pilots: every pilot with its terms, milestones and figures.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::challenges::decisions;
use super::model::{self as api, city_time};
use super::query::{PageRequest, organisation_id, paged};
use crate::error::AppError;
use crate::pilot::rules::PilotStatus;

#[derive(Clone, Debug, Default)]
pub struct PilotFilter {
    pub organisation: Option<String>,
    pub status: Option<String>,
}

pub(crate) fn pilot_item(c: crate::pilot::model::PilotCard) -> api::PilotItem {
    api::PilotItem {
        url: format!("/pilots/{}", c.id),
        id: c.id,
        title: c.title,
        organisation: c.organisation.slug,
        challenge: c.challenge_title,
        team: c.team_name,
        status: c.status.code().to_owned(),
        starts_on: c.starts_on,
        planned_end_on: c.planned_end_on,
        progress: c.progress,
        milestones_done: c.milestones_done,
        milestones_total: c.milestones_total,
        milestones_late_now: c.late_now,
    }
}

pub async fn pilots(
    db: &impl ConnectionTrait,
    filter: &PilotFilter,
    page: &PageRequest,
    now: DateTime<Utc>,
) -> Result<api::PilotList, AppError> {
    let (after, limit) = page.bounds()?;
    let status = match &filter.status {
        None => None,
        Some(code) => Some(
            PilotStatus::from_code(code)
                .ok_or_else(|| AppError::invalid("status", "error.unknown_status"))?,
        ),
    };
    if let Some(slug) = &filter.organisation {
        organisation_id(db, slug).await?;
    }
    // A city runs tens of pilots, not thousands: the cards are built for all, then windowed.
    let mut cards: Vec<_> = crate::pilot::cards::list(db, status, now)
        .await?
        .into_iter()
        .filter(|c| c.id > after)
        .filter(|c| {
            filter
                .organisation
                .as_ref()
                .is_none_or(|s| *s == c.organisation.slug)
        })
        .collect();
    cards.sort_by_key(|c| c.id);
    cards.truncate(limit as usize + 1);
    let (cards, next_cursor) = paged(cards, limit, |c| c.id);
    Ok(api::PilotList {
        items: cards.into_iter().map(pilot_item).collect(),
        next_cursor,
    })
}

pub async fn pilot(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<api::Pilot, AppError> {
    let p = crate::query::pilot::page(db, id, None, now).await?;
    Ok(api::Pilot {
        item: pilot_item(p.card),
        summary: p.summary,
        official_name: p.official_name,
        official_role: p.official_role,
        budget_vnd: p.budget_vnd,
        disbursed_vnd: p.disbursed_vnd,
        closing_statement: p.closing_statement,
        closed_at: p.closed_at.map(city_time),
        origin: api::Origin {
            challenge: p.origin.challenge_slug,
            entry_title: p.origin.entry_title,
            team: p.origin.team_name.clone(),
            award: p.origin.award,
            reports: p.origin.reports.into_iter().map(|(id, _)| id).collect(),
        },
        milestones: p.milestones.into_iter().map(milestone).collect(),
        kpis: p
            .kpis
            .into_iter()
            .map(|k| api::Kpi {
                id: k.id,
                name: k.name,
                unit: k.unit,
                baseline: k.baseline,
                target: k.target,
                measurements: k
                    .measurements
                    .into_iter()
                    .map(|m| api::Measurement {
                        measured_on: m.measured_on,
                        value: m.value,
                        note: m.note,
                    })
                    .collect(),
            })
            .collect(),
        updates: p
            .updates
            .into_iter()
            .map(|u| api::Update {
                id: u.id,
                // An official writes for the city under their name; a team's member is a
                // citizen, and the team speaks.
                author: if u.by_team {
                    p.origin.team_name.clone()
                } else {
                    u.author_name
                },
                by_team: u.by_team,
                body: u.body,
                photos: u.photos.iter().map(api::File::from).collect(),
                created_at: city_time(u.created_at),
                comments: u
                    .comments
                    .into_iter()
                    .map(|c| api::Comment {
                        id: c.id,
                        // Commenters are citizens: the open data names none of them.
                        author: None,
                        body: c.hidden_reason.is_none().then_some(c.body),
                        hidden_reason: c.hidden_reason,
                        created_at: city_time(c.created_at),
                    })
                    .collect(),
            })
            .collect(),
        ratings: api::Ratings {
            count: p.ratings.count,
            average: p.ratings.average,
            histogram: p.ratings.histogram.to_vec(),
        },
        followers: p.followers,
        history: decisions(p.history),
    })
}

pub fn milestone(m: crate::pilot::model::MilestoneView) -> api::Milestone {
    api::Milestone {
        id: m.id,
        title: m.title,
        owner: if m.owner_is_team { "team" } else { "official" }.to_owned(),
        owner_name: m.owner_name,
        due_on: m.due_on,
        last_day: m.last_day,
        original_due_on: m.original_due_on,
        move_reason: m.move_reason,
        status: m.status.code().to_owned(),
        blocked_reason: m.blocked_reason,
        done_at: m.done_at.map(city_time),
        timing: m.timing.code().to_owned(),
        days_overdue: m.days_overdue,
        evidence_text: m.evidence_text,
        evidence_url: m.evidence_url,
        evidence_file: m.evidence_file.as_ref().map(api::File::from),
    }
}

pub(crate) fn figures(f: crate::pilot::rules::MilestoneFigures) -> api::MilestoneFigures {
    api::MilestoneFigures {
        on_time_percent: f.on_time_share(),
        total: f.total,
        finished: f.finished,
        finished_on_time: f.finished_on_time,
        late_now: f.late_now,
    }
}

pub async fn dashboard(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<api::Dashboard, AppError> {
    let d = crate::query::pilot::dashboard(db, now).await?;
    Ok(api::Dashboard {
        at: city_time(d.at),
        city: figures(d.city),
        organisations: d
            .organisations
            .into_iter()
            .map(|o| api::OrganisationFigures {
                organisation: o.organisation.slug,
                pilots: o.pilots,
                milestones: figures(o.milestones),
            })
            .collect(),
        overdue: d
            .overdue
            .into_iter()
            .map(|o| api::OverdueMilestone {
                pilot_id: o.pilot_id,
                pilot: o.pilot_title,
                milestone: o.milestone,
                owner_name: o.owner_name,
                organisation: o.organisation,
                due_on: o.due_on,
                days_overdue: o.days,
            })
            .collect(),
        pilots_by_status: d
            .by_status
            .into_iter()
            .map(|(s, n)| api::StatusCount {
                status: s.code().to_owned(),
                pilots: n,
            })
            .collect(),
        chain: api::Chain {
            reports: d.chain.reports,
            reports_assisted: d.chain.reports_assisted,
            challenges: d.chain.challenges,
            entries: d.chain.entries,
            pilots: d.chain.pilots,
            rolled_out: d.chain.rolled_out,
        },
        reports: report_answers(d.reports),
        commitments: super::commitments::organisations(
            &crate::query::commitment::board(db, None, None, now).await?,
        ),
    })
}

fn report_counts(f: crate::report::figures::ReportFigures) -> api::ReportCounts {
    api::ReportCounts {
        on_time_percent: f.on_time_share(),
        satisfaction_percent: f.satisfaction_share(),
        received: f.received,
        answered: f.answered,
        answered_on_time: f.answered_on_time,
        overdue_now: f.overdue_now,
        reappointed: f.reappointed,
        forwarded: f.forwarded,
        rated: f.rated,
        satisfied: f.satisfied,
    }
}

fn report_answers(b: crate::report::model::ReportBoard) -> api::ReportAnswers {
    let months = |figures: Vec<crate::report::figures::ReportFigures>| -> Vec<api::ReportMonth> {
        b.months
            .iter()
            .zip(figures)
            .map(|(m, f)| api::ReportMonth {
                month: m.code(),
                counts: report_counts(f),
            })
            .collect()
    };
    api::ReportAnswers {
        city: months(b.city.clone()),
        city_total: report_counts(b.city_total),
        organisations: b
            .organisations
            .iter()
            .map(|o| api::OrganisationReports {
                organisation: o.slug.clone(),
                months: months(o.by_month.clone()),
                total: report_counts(o.total),
            })
            .collect(),
        overdue: b
            .overdue
            .iter()
            .map(|r| api::OverdueReport {
                report_id: r.id,
                title: r.title.clone(),
                organisation: r.slug.clone(),
                due_at: city_time(r.due_at),
                appointed_due_at: r.appointed_due_at.map(city_time),
                days_overdue: r.days,
            })
            .collect(),
        overdue_total: b.overdue_total,
    }
}
