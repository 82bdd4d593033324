//! What judging's pages show (read-models: they may read any room, and no service reads them):
//! the staff's page of a panel, and the public results with their awards, the pilots they
//! became and the people's choice.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::entry::entity::entry;
use crate::error::AppError;
use crate::invitation::service::{self as invitations, Owner};
use crate::judging::conflicts::{conflict_pairs, describe_conflict, names};
use crate::judging::entity::{assignment, conflict, judge, panel, score};
use crate::judging::model::*;
use crate::judging::panel::{
    any_score, criteria_of, eligible, entry_code, new_panel, panel_of, scale_of,
};
use crate::judging::results::ranking;
use crate::judging::rules;
use crate::judging::scoring::submitted_fields;
use crate::team::entity::team;

/// The published results of a challenge, for everyone; nothing before they are published.
pub async fn public_results(
    db: &impl ConnectionTrait,
    slug: &str,
    viewer: Option<&Viewer>,
) -> Result<PublicResults, AppError> {
    let c = crate::challenge::service::public_by_slug(db, slug).await?;
    // Read, not made: a visitor's page writes nothing.
    let p = panel::Entity::find_by_id(c.id)
        .one(db)
        .await?
        .unwrap_or_else(|| new_panel(c.id));
    let out = rules::results_out(c.results_published_at, Utc::now());
    let results = if out {
        let ranked = ranking(db, &c, &p).await?;
        let pilots = crate::pilot::cards::of_challenge(db, c.id).await?;
        let named = if p.show_judge_names {
            let scores = score::Entity::find()
                .filter(score::Column::ChallengeId.eq(c.id))
                .filter(score::Column::Status.eq("submitted"))
                .all(db)
                .await?;
            let people = names(db, scores.iter().map(|s| s.user_id).collect()).await?;
            scores
                .into_iter()
                .filter_map(|s| {
                    let name = people.get(&s.user_id)?.display_name.clone();
                    Some((s.entry_id, name, s.total?))
                })
                .collect()
        } else {
            Vec::new()
        };
        ranked
            .into_iter()
            .map(|r| PublicResult {
                entry_id: r.standing.entry,
                pilot_id: pilots
                    .iter()
                    .find(|(e, _)| *e == r.standing.entry)
                    .map(|(_, p)| *p),
                rank: r.standing.rank,
                judges: named
                    .iter()
                    .filter(|(e, _, _)| *e == r.standing.entry)
                    .map(|(_, n, t)| (n.clone(), *t))
                    .collect(),
                team_name: r.team_name,
                title: r.title,
                raw: r.standing.raw,
                normalised: r.standing.normalised,
                scores: r.standing.scores,
                tied: r.standing.tied,
                short: r.standing.short,
                award: r.award,
                award_reason: r.award_reason,
            })
            .collect()
    } else {
        Vec::new()
    };
    let vote_closed = c.vote_enabled && c.vote_closes_at.is_some_and(|at| Utc::now() >= at);
    let peoples_choice = if out && vote_closed {
        Some(peoples_choice(db, &c).await?)
    } else {
        None
    };
    Ok(PublicResults {
        can_manage: viewer.is_some_and(|v| v.is_staff_of(c.organisation_id)),
        peoples_choice,
        challenge_title: c.title.clone(),
        slug: c.slug.clone(),
        published_at: c.results_published_at.filter(|_| out),
        scale: scale_of(&p),
        judges_per_entry: p.judges_per_entry,
        criteria: criteria_of(db, c.id).await?,
        results,
    })
}

/// The people's choice of a closed vote: the most voted entries (all of them when tied).
async fn peoples_choice(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
) -> Result<PeoplesChoice, AppError> {
    let (totals, voters) = crate::vote::service::current_totals(db, c).await?;
    let top = totals.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let mut winners = Vec::new();
    for (entry_id, n) in totals.iter().filter(|(_, n)| top > 0 && *n == top) {
        let Some(e) = entry::Entity::find_by_id(*entry_id).one(db).await? else {
            continue;
        };
        let team_name = teams
            .iter()
            .find(|t| t.id == e.team_id)
            .map(|t| t.name.clone())
            .unwrap_or_default();
        winners.push((submitted_fields(db, &e).await?.title, team_name, *n));
    }
    Ok(PeoplesChoice {
        winners,
        voters,
        votes: totals.iter().map(|(_, n)| n).sum(),
    })
}

/// The judges whose queue tells, or would tell once entries are assigned, which entries are the
/// ones they declared a conflict with: the assignment as it stands, completed the way automatic
/// assignment would complete it.
fn exposed_by_assignment(
    entries: &[entry::Model],
    judges: &[judge::Model],
    k: usize,
    assignments: &[assignment::Model],
    conflicts: &BTreeSet<(i64, i64)>,
) -> Vec<i64> {
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let seated: Vec<i64> = judges
        .iter()
        .filter(|j| j.declared_at.is_some())
        .map(|j| j.user_id)
        .collect();
    let (recused, existing): (Vec<&assignment::Model>, Vec<&assignment::Model>) =
        assignments.iter().partition(|a| a.recused_at.is_some());
    let pair = |a: &&assignment::Model| (a.user_id, a.entry_id);
    let recused: BTreeSet<(i64, i64)> = recused.iter().map(pair).collect();
    let existing: BTreeSet<(i64, i64)> = existing.iter().map(pair).collect();
    let blocked: BTreeSet<(i64, i64)> = conflicts.union(&recused).copied().collect();
    let mut plan = rules::assign(&ids, &seated, k, &existing, &blocked);
    rules::keep_conflicts_hidden(&mut plan, &ids, &seated, &existing, conflicts, &recused, 0)
}

/// The staff's page of a challenge's judging.
pub async fn setup(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    now: DateTime<Utc>,
) -> Result<PanelSetup, AppError> {
    let p = panel_of(db, c.id).await?;
    let criteria = criteria_of(db, c.id).await?;
    let judges = judge::Entity::find()
        .filter(judge::Column::ChallengeId.eq(c.id))
        .order_by_asc(judge::Column::JoinedAt)
        .all(db)
        .await?;
    let people = names(db, judges.iter().map(|j| j.user_id).collect()).await?;
    let entries = eligible(db, c.id).await?;
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let assignments = assignment::Entity::find()
        .filter(assignment::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let scores = score::Entity::find()
        .filter(score::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let declared = conflict::Entity::find()
        .filter(conflict::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let conflicts = conflict_pairs(db, c.id, &entries).await?;
    let submitted = |j: i64, e: i64| {
        scores
            .iter()
            .any(|s| s.user_id == j && s.entry_id == e && s.status == "submitted")
    };
    let name = |id: i64| {
        people
            .get(&id)
            .map(|u| u.display_name.clone())
            .unwrap_or_default()
    };
    let panel_judges = judges
        .iter()
        .map(|j| PanelJudge {
            user_id: j.user_id,
            name: name(j.user_id),
            email: people
                .get(&j.user_id)
                .and_then(|u| u.email.clone())
                .unwrap_or_default(),
            declared: j.declared_at.is_some(),
            conflicts: declared
                .iter()
                .filter(|c| c.user_id == j.user_id)
                .map(|c| describe_conflict(c, &teams))
                .collect(),
            assigned: assignments
                .iter()
                .filter(|a| a.user_id == j.user_id && a.recused_at.is_none())
                .count(),
            submitted: scores
                .iter()
                .filter(|s| s.user_id == j.user_id && s.status == "submitted")
                .count(),
        })
        .collect();
    let k = p.judges_per_entry as usize;
    let mut short = Vec::new();
    let panel_entries = entries
        .iter()
        .map(|e| {
            let on: Vec<&assignment::Model> =
                assignments.iter().filter(|a| a.entry_id == e.id).collect();
            let active = on.iter().filter(|a| a.recused_at.is_none()).count();
            if active < k {
                short.push((entry_code(e), active));
            }
            PanelEntry {
                entry_id: e.id,
                code: entry_code(e),
                team_name: teams
                    .iter()
                    .find(|t| t.id == e.team_id)
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                title: e.title.clone(),
                judges: on
                    .iter()
                    .map(|a| {
                        (
                            a.user_id,
                            name(a.user_id),
                            submitted(a.user_id, e.id),
                            a.recused_at.is_some(),
                        )
                    })
                    .collect(),
                can_add: judges
                    .iter()
                    .filter(|j| j.declared_at.is_some())
                    .filter(|j| !conflicts.contains(&(j.user_id, e.id)))
                    .filter(|j| !on.iter().any(|a| a.user_id == j.user_id))
                    .map(|j| (j.user_id, name(j.user_id)))
                    .collect(),
            }
        })
        .collect();
    let exposed = if p.blind {
        exposed_by_assignment(&entries, &judges, k, &assignments, &conflicts)
            .into_iter()
            .map(name)
            .collect()
    } else {
        Vec::new()
    };
    let waiting = invitations::pending_of(db, Owner::Panel { challenge_id: c.id })
        .await?
        .into_iter()
        .map(|i| i.email)
        .collect();
    let results = if p.closed_at.is_some() {
        Some(ranking(db, c, &p).await?)
    } else {
        None
    };
    Ok(PanelSetup {
        challenge_id: c.id,
        challenge_title: c.title.clone(),
        slug: c.slug.clone(),
        scale: scale_of(&p),
        judges_per_entry: p.judges_per_entry,
        blind: p.blind,
        show_judge_names: p.show_judge_names,
        criteria,
        locked: any_score(db, c.id).await?,
        judges: panel_judges,
        invitations: waiting,
        entries: panel_entries,
        short,
        exposed,
        entries_closed: now >= c.entries_close_at,
        closed_at: p.closed_at,
        results,
        results_published_at: c.results_published_at,
        prizes: crate::challenge::service::prizes_of(c)
            .into_iter()
            .map(|p| p.label)
            .collect(),
    })
}
