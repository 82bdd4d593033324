//! Conflicts of interest: the ones judges declare before seeing any entry (against teams, by a
//! token that tells nothing, and against organisations), and the pairs they forbid.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

use super::entity::{assignment, conflict, judge};
use super::panel::eligible;
use super::panel::{refuse_if_closed, seat};
use crate::auth::Viewer;
use crate::auth::entity::user;
use crate::entry::entity::entry;
use crate::error::{AppError, FieldError};
use crate::team::entity::team;

pub(crate) fn same_organisation(a: &str, b: &str) -> bool {
    let fold = |s: &str| crate::org::model::slugify(s);
    !fold(a).is_empty() && fold(a) == fold(b)
}

/// Pairs (judge, entry) that a declared conflict forbids.
pub(crate) async fn conflict_pairs(
    db: &impl ConnectionTrait,
    challenge_id: i64,
    entries: &[entry::Model],
) -> Result<BTreeSet<(i64, i64)>, AppError> {
    let declared = conflict::Entity::find()
        .filter(conflict::Column::ChallengeId.eq(challenge_id))
        .all(db)
        .await?;
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(challenge_id))
        .all(db)
        .await?;
    let mut pairs = BTreeSet::new();
    // A judge who is or was in a team of the challenge (joined before the rule, or by a way it
    // missed) scores none of its entries.
    let competing = crate::team::entity::member::Entity::find()
        .filter(crate::team::entity::member::Column::ChallengeId.eq(challenge_id))
        .all(db)
        .await?;
    let departed = crate::team::entity::departure::Entity::find()
        .filter(crate::team::entity::departure::Column::ChallengeId.eq(challenge_id))
        .all(db)
        .await?;
    for user_id in competing
        .iter()
        .map(|m| m.user_id)
        .chain(departed.iter().filter_map(|d| d.user_id))
    {
        for e in entries {
            pairs.insert((user_id, e.id));
        }
    }
    for c in &declared {
        for e in entries {
            let t = teams.iter().find(|t| t.id == e.team_id);
            let by_team = c.team_id == Some(e.team_id);
            let by_org = match (
                &c.organisation_name,
                t.and_then(|t| t.organisation_name.as_ref()),
            ) {
                (Some(a), Some(b)) => same_organisation(a, b),
                _ => false,
            };
            if by_team || by_org {
                pairs.insert((c.user_id, e.id));
            }
        }
    }
    Ok(pairs)
}

pub(crate) async fn names(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<BTreeMap<i64, user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

pub(crate) fn describe_conflict(c: &conflict::Model, teams: &[team::Model]) -> String {
    let against = match (c.team_id, &c.organisation_name) {
        (Some(id), _) => teams
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.clone())
            .unwrap_or_default(),
        (None, Some(org)) => org.clone(),
        (None, None) => String::new(),
    };
    format!("{against}: {}", c.reason)
}

/// How a judge names a team when declaring a conflict: the team's number keyed with a secret of
/// the site, so the token cannot be worked back to the number that appears in public addresses,
/// nor made from it.
pub fn team_token(key: &crate::site_key::Key, t: &team::Model) -> String {
    key.digest(&format!("team:{}", t.id), 16)
}

/// The conflicts a judge declares before seeing any entry: against teams (by the token the
/// declaration page gives each) and against an organisation (by name), each with a reason; none
/// at all is a declaration too.
pub struct Declaration {
    pub teams: Vec<String>,
    pub team_reason: String,
    pub organisation: String,
    pub organisation_reason: String,
}

pub async fn declare(
    db: &(impl ConnectionTrait + TransactionTrait),
    viewer: &Viewer,
    challenge_id: i64,
    d: Declaration,
) -> Result<Vec<String>, AppError> {
    let (j, c, p) = seat(db, viewer, challenge_id).await?;
    refuse_if_closed(&p)?;
    if j.declared_at.is_some() {
        return Err(AppError::conflict("error.already_declared"));
    }
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let mut errors = Vec::new();
    let key = crate::site_key::key(db, crate::site_key::Purpose::ConflictToken).await?;
    let by_token: std::collections::HashMap<String, i64> =
        teams.iter().map(|t| (team_token(&key, t), t.id)).collect();
    let mut team_ids = Vec::with_capacity(d.teams.len());
    for token in &d.teams {
        match by_token.get(token.trim()) {
            Some(id) if !team_ids.contains(id) => team_ids.push(*id),
            Some(_) => {}
            None => {
                errors.push(FieldError::new("teams", "error.not_found_field"));
                break;
            }
        }
    }
    if !team_ids.is_empty()
        && let Some(e) = FieldError::length("team_reason", &d.team_reason, 5, 500)
    {
        errors.push(e);
    }
    let organisation = d.organisation.trim();
    if !organisation.is_empty() {
        if let Some(e) = FieldError::length("organisation", organisation, 2, 160) {
            errors.push(e);
        }
        if let Some(e) = FieldError::length("organisation_reason", &d.organisation_reason, 5, 500) {
            errors.push(e);
        }
    }
    // A judge in conflict with most of the competing teams (those with an entry in, or every
    // team while none is) would be left to score the few they chose: such a declaration is
    // refused, and the judge asks staff to be excused from the panel.
    let entered: std::collections::BTreeSet<i64> = eligible(db, c.id)
        .await?
        .iter()
        .map(|e| e.team_id)
        .collect();
    let competing: Vec<&team::Model> = teams
        .iter()
        .filter(|t| entered.is_empty() || entered.contains(&t.id))
        .collect();
    let blocked = competing
        .iter()
        .filter(|t| {
            team_ids.contains(&t.id)
                || (!organisation.is_empty()
                    && t.organisation_name
                        .as_deref()
                        .is_some_and(|theirs| same_organisation(organisation, theirs)))
        })
        .count();
    if errors.is_empty() && blocked * 2 > competing.len() {
        errors.push(FieldError::new("teams", "error.too_many_conflicts"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = Utc::now();
    let txn = crate::group_commit::begin_writing(db).await?;
    // A judge declares once: of two declarations sent at once (each within the limit, together
    // past it), the first to mark the seat as declared is taken, the other refused.
    let marked = judge::Entity::update_many()
        .col_expr(
            judge::Column::DeclaredAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(judge::Column::ChallengeId.eq(c.id))
        .filter(judge::Column::UserId.eq(viewer.id))
        .filter(judge::Column::DeclaredAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::conflict("error.already_declared"));
    }
    let mut made = Vec::new();
    for id in &team_ids {
        made.push(
            conflict::ActiveModel {
                challenge_id: Set(c.id),
                user_id: Set(viewer.id),
                team_id: Set(Some(*id)),
                organisation_name: Set(None),
                reason: Set(d.team_reason.trim().to_owned()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
        );
    }
    if !organisation.is_empty() {
        made.push(
            conflict::ActiveModel {
                challenge_id: Set(c.id),
                user_id: Set(viewer.id),
                team_id: Set(None),
                organisation_name: Set(Some(organisation.to_owned())),
                reason: Set(d.organisation_reason.trim().to_owned()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
        );
    }
    // A conflict declared after an assignment was made undoes it, unless a score was submitted.
    let entries = eligible(&txn, c.id).await?;
    for (judge_id, entry_id) in conflict_pairs(&txn, c.id, &entries).await? {
        if judge_id == viewer.id {
            assignment::Entity::delete_by_id((entry_id, judge_id))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(made.iter().map(|m| describe_conflict(m, &teams)).collect())
}
