//! Results: the ranking from submitted scores, the awards staff decide, publishing them, telling
//! the teams, and what each team reads of its judges' comments.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};

use super::conflicts::names;
use super::entity::{award, panel, score};
use super::model::*;
use super::panel::{criteria_of, eligible, entry_code, panel_of, scale_of};
use super::rules::{self, Marks};
use super::scoring::submitted_titles;
use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::entry::entity::entry;
use crate::error::{AppError, FieldError};
use crate::team::entity::team;

/// The ranking of the eligible entries from the submitted scores, with the awards decided.
pub async fn ranking(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    p: &panel::Model,
) -> Result<Vec<RankedEntry>, AppError> {
    let entries = eligible(db, c.id).await?;
    let sheets: Vec<rules::Sheet> = score::Entity::find()
        .filter(score::Column::ChallengeId.eq(c.id))
        .filter(score::Column::Status.eq("submitted"))
        .all(db)
        .await?
        .into_iter()
        .filter(|s| entries.iter().any(|e| e.id == s.entry_id))
        .filter_map(|s| {
            s.total.map(|total| rules::Sheet {
                judge: s.user_id,
                entry: s.entry_id,
                total,
            })
        })
        .collect();
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let standings = rules::standings(&sheets, &ids, p.judges_per_entry as usize, scale_of(p));
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let awards = award::Entity::find()
        .filter(award::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let mut titles = submitted_titles(db, &entries).await?;
    let mut out = Vec::new();
    for s in standings {
        let Some(e) = entries.iter().find(|e| e.id == s.entry) else {
            continue;
        };
        let a = awards.iter().find(|a| a.entry_id == e.id);
        out.push(RankedEntry {
            code: entry_code(e),
            team_name: teams
                .iter()
                .find(|t| t.id == e.team_id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            title: titles.remove(&e.id).unwrap_or_default(),
            award: a.map(|a| a.prize.clone()),
            award_reason: a.and_then(|a| a.reason.clone()),
            standing: s,
        });
    }
    Ok(out)
}

/// Decides the awards: prize `i` (in the challenge's order) goes to `winners[i]`. A choice that
/// departs from the ranking needs a written reason, published with the results.
pub async fn decide_awards(
    db: &(impl ConnectionTrait + TransactionTrait),
    staff: &Viewer,
    c: &challenge::Model,
    winners: &[i64],
    reason: &str,
) -> Result<bool, AppError> {
    let p = panel_of(db, c.id).await?;
    if p.closed_at.is_none() {
        return Err(AppError::conflict("error.judging_still_open"));
    }
    if rules::results_out(c.results_published_at, Utc::now()) {
        return Err(AppError::conflict("error.results_published"));
    }
    let prizes = crate::challenge::service::prizes_of(c);
    let ranked = ranking(db, c, &p).await?;
    let mut errors = Vec::new();
    for (i, w) in winners.iter().enumerate() {
        if i >= prizes.len() || !ranked.iter().any(|r| r.standing.entry == *w) {
            errors.push(FieldError::new(
                &format!("winner_{i}"),
                "error.not_found_field",
            ));
        }
    }
    let distinct: BTreeSet<&i64> = winners.iter().collect();
    if distinct.len() != winners.len() {
        errors.push(FieldError::new("winners", "error.award_twice"));
    }
    let ranks: Vec<(i64, usize)> = ranked
        .iter()
        .map(|r| (r.standing.entry, r.standing.rank))
        .collect();
    let departs = !rules::follows_ranking(&ranks, winners);
    if departs && let Some(e) = FieldError::length("reason", reason, 10, 1000) {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    award::Entity::delete_many()
        .filter(award::Column::ChallengeId.eq(c.id))
        .exec(&txn)
        .await?;
    for (i, w) in winners.iter().enumerate() {
        award::ActiveModel {
            challenge_id: Set(c.id),
            entry_id: Set(*w),
            prize: Set(prizes[i].label.clone()),
            position: Set(i as i32),
            reason: Set(departs.then(|| reason.trim().to_owned())),
            decided_by: Set(Some(staff.id)),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(departs)
}

/// Publishes the results at `at` (now, or a moment staff choose). Entries become public from
/// then, if the vote had not made them so already; until then staff may move the moment.
pub async fn publish(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    at: DateTime<Utc>,
) -> Result<challenge::Model, AppError> {
    let p = panel_of(db, c.id).await?;
    if p.closed_at.is_none() {
        return Err(AppError::conflict("error.judging_still_open"));
    }
    let now = Utc::now();
    if rules::results_out(c.results_published_at, now) {
        return Err(AppError::conflict("error.results_published"));
    }
    let mut active = c.clone().into_active_model();
    active.results_published_at = Set(Some(at.max(now)));
    active.updated_at = Set(now);
    Ok(active.update(db).await?)
}

/// Tells the members of every team with an eligible entry in `c` that its results are out (in
/// the caller's transaction, which marks the challenge announced).
pub(crate) async fn tell_teams(
    db: &impl ConnectionTrait,
    links: &crate::links::Links,
    c: &challenge::Model,
) -> Result<(), AppError> {
    use crate::notify::model::NotificationKind;
    for t in teams_with_entries(db, c.id).await? {
        crate::team::service::notify_members(
            db,
            links,
            &t,
            NotificationKind::ResultsPublished,
            &[("team", &t.name), ("challenge", &c.title)],
        )
        .await?;
    }
    Ok(())
}

/// What a team's members read once results are published: their standing and their judges'
/// comments (judges named only if the challenge says so).
pub async fn feedback(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
) -> Result<Option<TeamFeedback>, AppError> {
    let (t, c) = crate::entry::service::team_of(db, viewer, team_id).await?;
    if !rules::results_out(c.results_published_at, Utc::now()) {
        return Ok(None);
    }
    let Some(e) = entry::Entity::find()
        .filter(entry::Column::TeamId.eq(t.id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let p = panel_of(db, c.id).await?;
    let standing = ranking(db, &c, &p)
        .await?
        .into_iter()
        .find(|r| r.standing.entry == e.id)
        .map(|r| r.standing);
    let scores = score::Entity::find()
        .filter(score::Column::EntryId.eq(e.id))
        .filter(score::Column::Status.eq("submitted"))
        .order_by_asc(score::Column::SubmittedAt)
        .all(db)
        .await?;
    let people = names(db, scores.iter().map(|s| s.user_id).collect()).await?;
    let comments = scores
        .iter()
        .map(|s| {
            let marks: Marks = serde_json::from_str(&s.marks).unwrap_or_default();
            JudgeComments {
                judge: p
                    .show_judge_names
                    .then(|| people.get(&s.user_id).map(|u| u.display_name.clone()))
                    .flatten(),
                per_criterion: marks
                    .comments
                    .into_iter()
                    .filter(|(_, c)| !c.trim().is_empty())
                    .collect(),
                overall: marks.overall,
            }
        })
        .collect();
    Ok(Some(TeamFeedback {
        standing,
        criteria: criteria_of(db, c.id).await?,
        comments,
    }))
}

/// The members of every team with an eligible entry, to tell them the results are out.
pub async fn teams_with_entries(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<Vec<team::Model>, AppError> {
    let ids: Vec<i64> = eligible(db, challenge_id)
        .await?
        .into_iter()
        .map(|e| e.team_id)
        .collect();
    Ok(team::Entity::find()
        .filter(team::Column::Id.is_in(ids))
        .all(db)
        .await?)
}
