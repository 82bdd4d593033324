//! Open data of challenges: the public ones with their source reports and decisions, their entries
//! once public, their results and their ballots once the vote is closed.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::model::{self as api, city_time};
use super::query::{PageRequest, organisation_id, organisation_slugs, paged};
use crate::challenge::entity::{challenge, source_report};
use crate::challenge::model::HistoryEntry;
use crate::challenge::rules::Phase;
use crate::challenge::service::{phase_of, prizes_of, timetable_of};
use crate::error::AppError;

#[derive(Clone, Debug, Default)]
pub struct ChallengeFilter {
    pub organisation: Option<String>,
    pub phase: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub(crate) fn challenge_of(
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

pub(crate) async fn sources_of(
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
pub(crate) async fn challenge_rows(
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
        select = select.filter(crate::query::challenge::in_phase(phase, now));
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

pub(crate) async fn public_challenge(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<challenge::Model, AppError> {
    crate::challenge::service::public_by_slug(db, slug).await
}

pub(crate) fn decisions(history: Vec<HistoryEntry>) -> Vec<api::Decision> {
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
        crate::query::challenge::public_history(db, "challenge", c.id, c.organisation_id).await?;
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
    // One answer for every client (kept a moment by the open data cache): totals a moment old.
    let list = crate::query::entry::list(db, (kept, true), slug, (None, ""), "", now).await?;
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
    let r = crate::query::judging::public_results(db, slug, None).await?;
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

/// Every public challenge that passes the filter, for the CSV export.
pub async fn all_challenges(
    db: &impl ConnectionTrait,
    filter: &ChallengeFilter,
    now: DateTime<Utc>,
) -> Result<Vec<api::Challenge>, AppError> {
    challenges_of(db, challenge_rows(db, filter, None, now).await?, now).await
}

/// Rows in the API's shape, with organisations and source reports in two more queries.
pub(crate) async fn challenges_of(
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
