//! The staff side of entries: every team's entry of a challenge, marking one ineligible with a
//! reason the team sees, and more time for one team on the public record.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::entity::{entry, version};
use super::model::{EntryStatus, StaffEntryRow};
use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::error::{AppError, FieldError};
use crate::team::entity::{member, team};

pub async fn for_challenge(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    challenge_id: i64,
) -> Result<Vec<StaffEntryRow>, AppError> {
    let c = crate::challenge::service::find_managed(db, challenge_id, staff).await?;
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(c.id))
        .order_by_asc(team::Column::Name)
        .all(db)
        .await?;
    // Three queries for the whole list, whatever the number of teams.
    let entries = entry::Entity::find()
        .filter(entry::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let members = member::Entity::find()
        .filter(member::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let entry_ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let versions = version::Entity::find()
        .filter(version::Column::EntryId.is_in(entry_ids))
        .all(db)
        .await?;
    let rows = teams
        .into_iter()
        .map(|t| {
            let e = entries.iter().find(|e| e.team_id == t.id);
            StaffEntryRow {
                team_id: t.id,
                members: members.iter().filter(|m| m.team_id == t.id).count() as u64,
                team_name: t.name,
                organisation_name: t.organisation_name,
                title: e.map(|e| e.title.clone()).unwrap_or_default(),
                status: e.map_or(EntryStatus::Draft, |e| EntryStatus::from_code(&e.status)),
                submissions: e.map_or(0, |e| {
                    versions.iter().filter(|v| v.entry_id == e.id).count() as u64
                }),
                submitted_at: e.and_then(|e| e.submitted_at),
                ineligible_reason: e.and_then(|e| e.ineligible_reason.clone()),
                extended_until: e.and_then(|e| e.extended_until),
            }
        })
        .collect();
    Ok(rows)
}

/// The entry of a team whose challenge `staff` manages.
async fn managed_entry(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    team_id: i64,
) -> Result<(team::Model, challenge::Model, entry::Model), AppError> {
    let t = team::Entity::find_by_id(team_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = crate::challenge::service::find_managed(db, t.challenge_id, staff).await?;
    let e = entry::Entity::find()
        .filter(entry::Column::TeamId.eq(t.id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::conflict("error.no_entry_yet"))?;
    Ok((t, c, e))
}

pub async fn mark_ineligible(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    team_id: i64,
    reason: &str,
) -> Result<(team::Model, challenge::Model), AppError> {
    let (t, c, e) = managed_entry(db, staff, team_id).await?;
    crate::challenge::service::check_reason(reason)?;
    if EntryStatus::from_code(&e.status) == EntryStatus::Ineligible {
        return Err(AppError::conflict("error.entry_ineligible"));
    }
    entry::Entity::update_many()
        .set(entry::ActiveModel {
            status: Set(EntryStatus::Ineligible.code().into()),
            ineligible_reason: Set(Some(reason.trim().to_owned())),
            ..Default::default()
        })
        .filter(entry::Column::Id.eq(e.id))
        .exec(db)
        .await?;
    Ok((t, c))
}

/// More time for one team: after the challenge's own deadline, before judging closes.
pub async fn extend(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    team_id: i64,
    until: DateTime<Utc>,
    reason: &str,
) -> Result<(team::Model, challenge::Model), AppError> {
    let (t, c, e) = managed_entry(db, staff, team_id).await?;
    crate::challenge::service::check_reason(reason)?;
    // Before a public vote opens, too: the team would otherwise read the others' public entries
    // while it could still change its own.
    let vote_opens = c.vote_opens_at.filter(|_| c.vote_enabled);
    if until <= Utc::now()
        || until <= c.entries_close_at
        || until >= c.judging_closes_at
        || vote_opens.is_some_and(|opens| until >= opens)
    {
        return Err(AppError::Invalid(vec![FieldError::new(
            "until",
            "error.extension_window",
        )]));
    }
    entry::Entity::update_many()
        .set(entry::ActiveModel {
            extended_until: Set(Some(until)),
            extension_reason: Set(Some(reason.trim().to_owned())),
            ..Default::default()
        })
        .filter(entry::Column::Id.eq(e.id))
        .exec(db)
        .await?;
    Ok((t, c))
}
