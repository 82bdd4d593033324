//! The public read API's queries: the same data the pages show, in the API's shapes, a page at a
//! time with a cursor that neither loses nor repeats a row while rows are being added (keyset on
//! the id, ascending).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::model::{self as api, city_time};
use crate::challenge::entity::{challenge, source_report};
use crate::challenge::model::HistoryEntry;
use crate::challenge::rules::Phase;
use crate::challenge::service::{phase_of, prizes_of, timetable_of};
use crate::error::AppError;
use crate::org::entity::organisation;
use crate::pilot::rules::PilotStatus;
use crate::report::entity::report;
use crate::report::model::ReportStatus;
use crate::report::rules::{Timeliness, timeliness};

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;

/// Where a page starts and how long it is, as a client asked.
#[derive(Clone, Debug, Default)]
pub struct PageRequest {
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

impl PageRequest {
    /// The id after which the page starts, and how many rows it holds.
    fn bounds(&self) -> Result<(i64, u64), AppError> {
        let after = match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => 0,
            Some(c) => {
                decode_cursor(c).ok_or_else(|| AppError::invalid("cursor", "error.cursor"))?
            }
        };
        let limit = match self.limit {
            None => DEFAULT_LIMIT,
            Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
            Some(_) => return Err(AppError::invalid("limit", "error.limit")),
        };
        Ok((after, limit))
    }
}

/// Cursors are opaque to clients: today the last id seen, in hexadecimal, with a version mark.
pub fn encode_cursor(id: i64) -> String {
    format!("v1.{id:x}")
}

pub fn decode_cursor(cursor: &str) -> Option<i64> {
    let hex = cursor.strip_prefix("v1.")?;
    i64::from_str_radix(hex, 16).ok().filter(|id| *id >= 0)
}

/// Keeps `limit` rows and says where the next page starts, if there is one.
fn paged<T>(mut rows: Vec<T>, limit: u64, id: impl Fn(&T) -> i64) -> (Vec<T>, Option<String>) {
    if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        let next = rows.last().map(|r| encode_cursor(id(r)));
        (rows, next)
    } else {
        (rows, None)
    }
}

fn timeliness_code(t: Timeliness) -> &'static str {
    match t {
        Timeliness::Waiting => "waiting",
        Timeliness::AnsweredOnTime => "answered_on_time",
        Timeliness::AnsweredLate => "answered_late",
        Timeliness::Overdue => "overdue",
    }
}

async fn organisation_id(db: &impl ConnectionTrait, slug: &str) -> Result<i64, AppError> {
    organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(|o| o.id)
        .ok_or_else(|| AppError::invalid("organisation", "error.unknown_organisation"))
}

async fn organisation_slugs(db: &impl ConnectionTrait) -> Result<HashMap<i64, String>, AppError> {
    Ok(organisation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.slug))
        .collect())
}

pub async fn organisations(db: &impl ConnectionTrait) -> Result<api::OrganisationList, AppError> {
    let items = crate::org::service::list(db)
        .await?
        .into_iter()
        .map(|o| api::Organisation {
            id: o.id,
            slug: o.slug,
            name_vi: o.name_vi,
            name_en: o.name_en,
            kind: o.kind.code().to_owned(),
            parent_id: o.parent_id,
            response_days: o.response_days,
        })
        .collect();
    Ok(api::OrganisationList { items })
}

#[derive(Clone, Debug, Default)]
pub struct ReportFilter {
    pub organisation: Option<String>,
    pub status: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub async fn reports(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
    page: &PageRequest,
    now: DateTime<Utc>,
) -> Result<api::ReportList, AppError> {
    let (after, limit) = page.bounds()?;
    let mut select = report::Entity::find().filter(report::Column::Id.gt(after));
    if let Some(slug) = &filter.organisation {
        select = select.filter(report::Column::OrganisationId.eq(organisation_id(db, slug).await?));
    }
    if let Some(code) = &filter.status {
        let status = ReportStatus::from_code(code)
            .ok_or_else(|| AppError::invalid("status", "error.unknown_status"))?;
        select = select.filter(report::Column::Status.eq(status.code()));
    }
    if let Some(since) = filter.updated_since {
        select = select.filter(report::Column::UpdatedAt.gte(since));
    }
    let rows = select
        .order_by_asc(report::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let (rows, next_cursor) = paged(rows, limit, |r| r.id);
    let orgs = organisation_slugs(db).await?;
    let photos =
        crate::upload::service::links(db, rows.iter().filter_map(|r| r.photo_id).collect()).await?;
    let items = rows
        .into_iter()
        .map(|r| api::Report {
            organisation: orgs.get(&r.organisation_id).cloned().unwrap_or_default(),
            status: ReportStatus::from_code(&r.status)
                .unwrap_or(ReportStatus::New)
                .code()
                .to_owned(),
            timeliness: timeliness_code(timeliness(r.response_due_at, r.responded_at, now))
                .to_owned(),
            photo: r
                .photo_id
                .and_then(|id| photos.iter().find(|f| f.id == id))
                .map(api::File::from),
            url: format!("/reports/{}", r.id),
            id: r.id,
            title: r.title,
            description: r.description,
            category: r.category,
            supporters: r.supporters,
            created_at: city_time(r.created_at),
            updated_at: city_time(r.updated_at),
            response_due_at: city_time(r.response_due_at),
            responded_at: r.responded_at.map(city_time),
            response: r.response,
            merged_into: r.merged_into_id,
        })
        .collect();
    Ok(api::ReportList { items, next_cursor })
}

#[derive(Clone, Debug, Default)]
pub struct ChallengeFilter {
    pub organisation: Option<String>,
    pub phase: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
}

fn challenge_of(
    c: challenge::Model,
    orgs: &HashMap<i64, String>,
    sources: Vec<i64>,
    now: DateTime<Utc>,
) -> api::Challenge {
    let t = timetable_of(&c);
    api::Challenge {
        organisation: orgs.get(&c.organisation_id).cloned().unwrap_or_default(),
        phase: phase_of(&c, now).code().to_owned(),
        prizes: prizes_of(&c)
            .into_iter()
            .map(|p| api::Prize {
                label: p.label,
                amount_vnd: p.amount_vnd,
            })
            .collect(),
        timetable: api::Timetable {
            opens_at: city_time(t.opens_at),
            entries_close_at: city_time(t.entries_close_at),
            judging_closes_at: city_time(t.judging_closes_at),
            vote_opens_at: t.vote.as_ref().map(|v| city_time(v.opens_at)),
            vote_closes_at: t.vote.as_ref().map(|v| city_time(v.closes_at)),
            results_at: city_time(t.results_at),
        },
        entries_public: crate::entry::rules::are_public(&c, now),
        url: format!("/challenges/{}", c.slug),
        source_reports: sources,
        has_public_vote: c.vote_enabled,
        id: c.id,
        slug: c.slug,
        title: c.title,
        summary: c.summary,
        brief_md: c.brief_md,
        eligibility: c.eligibility,
        category: c.category,
        team_min: c.team_min,
        team_max: c.team_max,
        pilot_budget_vnd: c.pilot_budget_vnd,
        published_at: c.published_at.map(city_time),
        results_published_at: c
            .results_published_at
            .filter(|at| *at <= now)
            .map(city_time),
        cancelled_at: c.cancelled_at.map(city_time),
        updated_at: city_time(c.updated_at),
    }
}

async fn sources_of(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, Vec<i64>>, AppError> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for link in source_report::Entity::find()
        .filter(source_report::Column::ChallengeId.is_in(ids))
        .order_by_asc(source_report::Column::ReportId)
        .all(db)
        .await?
    {
        out.entry(link.challenge_id)
            .or_default()
            .push(link.report_id);
    }
    Ok(out)
}

/// Public challenges (published or cancelled, never drafts), oldest id first.
pub async fn challenges(
    db: &impl ConnectionTrait,
    filter: &ChallengeFilter,
    page: &PageRequest,
    now: DateTime<Utc>,
) -> Result<api::ChallengeList, AppError> {
    let (after, limit) = page.bounds()?;
    let rows = challenge_rows(db, filter, Some((after, limit + 1)), now).await?;
    let (rows, next_cursor) = paged(rows, limit, |c| c.id);
    let items = challenges_of(db, rows, now).await?;
    Ok(api::ChallengeList { items, next_cursor })
}

/// The rows of public challenges that pass the filter; a window `(after id, how many)` or all.
async fn challenge_rows(
    db: &impl ConnectionTrait,
    filter: &ChallengeFilter,
    window: Option<(i64, u64)>,
    now: DateTime<Utc>,
) -> Result<Vec<challenge::Model>, AppError> {
    let mut select = challenge::Entity::find().filter(crate::challenge::service::seen_by_public());
    if let Some(slug) = &filter.organisation {
        select =
            select.filter(challenge::Column::OrganisationId.eq(organisation_id(db, slug).await?));
    }
    if let Some(code) = &filter.phase {
        let phase = Phase::from_code(code)
            .filter(|p| *p != Phase::Draft)
            .ok_or_else(|| AppError::invalid("phase", "error.unknown_phase"))?;
        select = select.filter(crate::challenge::query::in_phase(phase, now));
    }
    if let Some(since) = filter.updated_since {
        select = select.filter(challenge::Column::UpdatedAt.gte(since));
    }
    select = select.order_by_asc(challenge::Column::Id);
    if let Some((after, n)) = window {
        select = select.filter(challenge::Column::Id.gt(after)).limit(n);
    }
    Ok(select.all(db).await?)
}

async fn public_challenge(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<challenge::Model, AppError> {
    crate::challenge::service::public_by_slug(db, slug).await
}

fn decisions(history: Vec<HistoryEntry>) -> Vec<api::Decision> {
    history
        .into_iter()
        .map(|h| api::Decision {
            action: h.action,
            by: h.actor_name,
            by_role: h.actor_title,
            reason: h.reason,
            details: h
                .details
                .into_iter()
                .map(|(name, value)| api::Detail { name, value })
                .collect(),
            at: city_time(h.at),
        })
        .collect()
}

pub async fn challenge(
    db: &impl ConnectionTrait,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<api::ChallengeDetail, AppError> {
    let c = public_challenge(db, slug).await?;
    let history =
        crate::challenge::query::public_history(db, "challenge", c.id, c.organisation_id).await?;
    let orgs = organisation_slugs(db).await?;
    let sources = sources_of(db, vec![c.id])
        .await?
        .remove(&c.id)
        .unwrap_or_default();
    Ok(api::ChallengeDetail {
        challenge: challenge_of(c, &orgs, sources, now),
        history: decisions(history),
    })
}

pub async fn entries(
    db: &impl ConnectionTrait,
    kept: &crate::vote::totals::TotalsCache,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<api::EntryList, AppError> {
    let list = crate::entry::query::list(db, kept, slug, None, "", now).await?;
    let mut items: Vec<api::Entry> = list
        .entries
        .into_iter()
        .map(|e| api::Entry {
            id: e.id,
            title: e.title,
            summary: e.summary,
            team: e.team_name,
            team_organisation: e.organisation_name,
            files: e.files.iter().map(api::File::from).collect(),
        })
        .collect();
    items.sort_by_key(|e| e.id);
    Ok(api::EntryList {
        challenge: list.slug,
        public: list.public,
        public_from: list.public_from.map(city_time),
        items,
    })
}

pub async fn results(db: &impl ConnectionTrait, slug: &str) -> Result<api::Results, AppError> {
    let r = crate::judging::query::public_results(db, slug, None).await?;
    let Some(published_at) = r.published_at else {
        return Err(AppError::conflict("error.results_not_out"));
    };
    Ok(api::Results {
        challenge: r.slug,
        published_at: city_time(published_at),
        scale_min: r.scale.min,
        scale_max: r.scale.max,
        judges_per_entry: r.judges_per_entry,
        criteria: r
            .criteria
            .into_iter()
            .map(|c| api::Criterion {
                name_vi: c.name_vi,
                name_en: c.name_en,
                weight: c.weight,
            })
            .collect(),
        ranking: r
            .results
            .into_iter()
            .map(|x| api::Ranked {
                rank: x.rank,
                entry_id: x.entry_id,
                title: x.title,
                team: x.team_name,
                raw_score: x.raw,
                normalised_score: x.normalised,
                scores: x.scores,
                tied: x.tied,
                short: x.short,
                award: x.award,
                award_reason: x.award_reason,
                pilot_id: x.pilot_id,
                judges: x
                    .judges
                    .into_iter()
                    .map(|(judge, total)| api::JudgeTotal { judge, total })
                    .collect(),
            })
            .collect(),
        peoples_choice: r.peoples_choice.map(|p| api::PeoplesChoice {
            winners: p
                .winners
                .into_iter()
                .map(|(title, team, votes)| api::Winner { title, team, votes })
                .collect(),
            voters: p.voters,
            votes: p.votes,
        }),
    })
}

/// The ballots of a closed vote for a caller at `ip` (within the ballot downloads an address may
/// ask for, like the page's download).
pub async fn votes(
    db: &impl ConnectionTrait,
    slug: &str,
    ip: &str,
) -> Result<api::Votes, AppError> {
    let b = crate::vote::service::ballots_for(db, slug, ip).await?;
    Ok(api::Votes {
        challenge: slug.to_owned(),
        closed_at: city_time(b.closed_at),
        voters: b.voters,
        tally: b
            .tally
            .into_iter()
            .map(|(entry_id, title, votes)| api::TallyRow {
                entry_id,
                title,
                votes,
            })
            .collect(),
        ballots: b
            .ballots
            .into_iter()
            .map(|x| api::Ballot {
                voter: x.voter,
                entry_id: x.entry_id,
                at: city_time(x.at),
                voided_reason: x.voided,
            })
            .collect(),
    })
}

#[derive(Clone, Debug, Default)]
pub struct PilotFilter {
    pub organisation: Option<String>,
    pub status: Option<String>,
}

fn pilot_item(c: crate::pilot::model::PilotCard) -> api::PilotItem {
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
    let mut cards: Vec<_> = crate::pilot::service::list(db, status, now)
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
    let p = crate::pilot::query::page(db, id, None, now).await?;
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

fn figures(f: crate::pilot::rules::MilestoneFigures) -> api::MilestoneFigures {
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
    let d = crate::pilot::query::dashboard(db, now).await?;
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
            challenges: d.chain.challenges,
            entries: d.chain.entries,
            pilots: d.chain.pilots,
            rolled_out: d.chain.rolled_out,
        },
    })
}

/// Every public challenge that passes the filter, for the CSV export.
pub async fn all_challenges(
    db: &impl ConnectionTrait,
    filter: &ChallengeFilter,
    now: DateTime<Utc>,
) -> Result<Vec<api::Challenge>, AppError> {
    challenges_of(db, challenge_rows(db, filter, None, now).await?, now).await
}

/// Rows in the API's shape, with organisations and source reports in two more queries.
async fn challenges_of(
    db: &impl ConnectionTrait,
    rows: Vec<challenge::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<api::Challenge>, AppError> {
    let orgs = organisation_slugs(db).await?;
    let mut sources = sources_of(db, rows.iter().map(|c| c.id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let s = sources.remove(&c.id).unwrap_or_default();
            challenge_of(c, &orgs, s, now)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_rejects_what_it_did_not_make() {
        assert_eq!(decode_cursor(&encode_cursor(0)), Some(0));
        assert_eq!(decode_cursor(&encode_cursor(123_456)), Some(123_456));
        assert_eq!(decode_cursor("123"), None);
        assert_eq!(decode_cursor("v1.zz"), None);
        assert_eq!(decode_cursor("v1.-5"), None);
    }

    #[test]
    fn a_page_says_where_the_next_starts_only_when_there_is_more() {
        let (rows, next) = paged(vec![1, 2, 3], 2, |r| *r);
        assert_eq!(rows, vec![1, 2]);
        assert_eq!(next.as_deref().and_then(decode_cursor), Some(2));
        let (rows, next) = paged(vec![1, 2], 2, |r| *r);
        assert_eq!(rows, vec![1, 2]);
        assert_eq!(next, None);
    }

    #[test]
    fn limits_outside_the_range_are_refused() {
        let page = |limit| PageRequest {
            cursor: None,
            limit: Some(limit),
        };
        assert_eq!(page(1).bounds().unwrap(), (0, 1));
        assert_eq!(page(MAX_LIMIT).bounds().unwrap(), (0, MAX_LIMIT));
        assert!(page(0).bounds().is_err());
        assert!(page(MAX_LIMIT + 1).bounds().is_err());
        assert_eq!(PageRequest::default().bounds().unwrap(), (0, DEFAULT_LIMIT));
    }
}
