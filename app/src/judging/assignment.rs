//! Who judges which entry: the eligible entries and their codes, assigning judges automatically or
//! by hand (never against a conflict), a judge's right to score an entry and stepping back from it.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

use super::conflicts::conflict_pairs;
use super::entity::{assignment, judge, panel, score};
use super::panel::{eligible, entry_code, panel_of, refuse_if_closed, seat};
use super::rules::{self};
use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::entry::entity::entry;
use crate::error::AppError;

/// Gives every eligible entry judges until it has k, least-loaded judges first, never one with a
/// declared conflict; judges who have not declared yet are not assigned. On a blind panel, no
/// judge is given every entry but the ones they declared a conflict with, where another judge
/// can take one (see [`rules::keep_conflicts_hidden`]); staff are told of those left exposed. Returns how many
/// assignments were added and the codes of entries still short of k.
pub async fn auto_assign(
    db: &(impl ConnectionTrait + TransactionTrait),
    staff: &Viewer,
    c: &challenge::Model,
) -> Result<(usize, Vec<(String, usize)>), AppError> {
    let p = panel_of(db, c.id).await?;
    refuse_if_closed(&p)?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let entries = eligible(&txn, c.id).await?;
    let judges: Vec<i64> = judge::Entity::find()
        .filter(judge::Column::ChallengeId.eq(c.id))
        .filter(judge::Column::DeclaredAt.is_not_null())
        .all(&txn)
        .await?
        .into_iter()
        .map(|j| j.user_id)
        .collect();
    let current = assignment::Entity::find()
        .filter(assignment::Column::ChallengeId.eq(c.id))
        .all(&txn)
        .await?;
    let existing: BTreeSet<(i64, i64)> = current
        .iter()
        .filter(|a| a.recused_at.is_none())
        .map(|a| (a.user_id, a.entry_id))
        .collect();
    let conflicts = conflict_pairs(&txn, c.id, &entries).await?;
    let recused: BTreeSet<(i64, i64)> = current
        .iter()
        .filter(|a| a.recused_at.is_some())
        .map(|a| (a.user_id, a.entry_id))
        .collect();
    let blocked: BTreeSet<(i64, i64)> = conflicts.union(&recused).copied().collect();
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let mut plan = rules::assign(
        &ids,
        &judges,
        p.judges_per_entry as usize,
        &existing,
        &blocked,
    );
    if p.blind {
        // The seed is drawn here, so that which entry covers a conflict cannot be foreseen.
        rules::keep_conflicts_hidden(
            &mut plan,
            &ids,
            &judges,
            &existing,
            &conflicts,
            &recused,
            rand::random(),
        );
    }
    let now = Utc::now();
    let mut added = 0;
    for (j, e) in plan.pairs.difference(&existing) {
        assignment::ActiveModel {
            entry_id: Set(*e),
            user_id: Set(*j),
            challenge_id: Set(c.id),
            assigned_by: Set(Some(staff.id)),
            created_at: Set(now),
            recused_at: Set(None),
            recusal_reason: Set(None),
        }
        .insert(&txn)
        .await?;
        added += 1;
    }
    txn.commit().await?;
    let short = plan
        .short
        .iter()
        .filter_map(|(e, n)| {
            entries
                .iter()
                .find(|x| x.id == *e)
                .map(|x| (entry_code(x), *n))
        })
        .collect();
    Ok((added, short))
}

/// Adds one judge to one entry by hand (never against a declared conflict), or takes them off
/// (not once they submitted a score).
pub async fn set_assignment(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    c: &challenge::Model,
    entry_id: i64,
    judge_id: i64,
    on: bool,
) -> Result<(), AppError> {
    let p = panel_of(db, c.id).await?;
    refuse_if_closed(&p)?;
    let entries = eligible(db, c.id).await?;
    if !entries.iter().any(|e| e.id == entry_id) {
        return Err(AppError::NotFound);
    }
    let seat = judge::Entity::find_by_id((c.id, judge_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if on {
        if seat.declared_at.is_none() {
            return Err(AppError::conflict("error.judge_not_declared"));
        }
        if conflict_pairs(db, c.id, &entries)
            .await?
            .contains(&(judge_id, entry_id))
        {
            return Err(AppError::conflict("error.judge_conflict"));
        }
        if assignment::Entity::find_by_id((entry_id, judge_id))
            .one(db)
            .await?
            .is_none()
        {
            assignment::ActiveModel {
                entry_id: Set(entry_id),
                user_id: Set(judge_id),
                challenge_id: Set(c.id),
                assigned_by: Set(Some(staff.id)),
                created_at: Set(Utc::now()),
                recused_at: Set(None),
                recusal_reason: Set(None),
            }
            .insert(db)
            .await?;
        }
    } else {
        let submitted = score::Entity::find_by_id((entry_id, judge_id))
            .one(db)
            .await?
            .is_some_and(|s| s.status == "submitted");
        if submitted {
            return Err(AppError::conflict("error.assignment_scored"));
        }
        score::Entity::delete_by_id((entry_id, judge_id))
            .exec(db)
            .await?;
        assignment::Entity::delete_by_id((entry_id, judge_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The assignment that lets the viewer score an entry: theirs, not recused, no conflict.
pub(crate) async fn scoring_right(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    entry_id: i64,
) -> Result<(entry::Model, challenge::Model, panel::Model), AppError> {
    let a = assignment::Entity::find_by_id((entry_id, viewer.id))
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    let e = entry::Entity::find_by_id(entry_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, c, p) = seat(db, viewer, a.challenge_id).await?;
    if a.recused_at.is_some() {
        return Err(AppError::conflict("error.recused"));
    }
    if conflict_pairs(db, c.id, std::slice::from_ref(&e))
        .await?
        .contains(&(viewer.id, e.id))
    {
        return Err(AppError::Forbidden);
    }
    Ok((e, c, p))
}

/// A judge steps back from one entry, with a reason (audit log); their draft score goes.
pub async fn recuse(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    entry_id: i64,
    reason: &str,
) -> Result<(challenge::Model, String), AppError> {
    let (e, c, p) = scoring_right(db, viewer, entry_id).await?;
    refuse_if_closed(&p)?;
    crate::challenge::service::check_reason(reason)?;
    let a = assignment::Entity::find_by_id((entry_id, viewer.id))
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    let mut active = a.into_active_model();
    active.recused_at = Set(Some(Utc::now()));
    active.recusal_reason = Set(Some(reason.trim().to_owned()));
    active.update(db).await?;
    score::Entity::delete_by_id((entry_id, viewer.id))
        .exec(db)
        .await?;
    Ok((c, entry_code(&e)))
}
