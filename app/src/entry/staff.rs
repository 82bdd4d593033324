//! The staff side of entries: every team's entry of a challenge, marking one ineligible with a
//! reason the team sees, and more time for one team on the public record.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionSession,
    TransactionTrait,
};

use super::entity::{entry, version};
use super::model::{EntryStatus, StaffEntryRow};
use crate::audit::service::Record;
use crate::auth::{Requester, Viewer};
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

/// Staff find an entry ineligible: the entry, the record with its reason and the team's
/// notifications, in one transaction.
pub async fn mark_ineligible(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    team_id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let staff = requester.signed_in()?;
    let (t, c, e) = managed_entry(db, staff, team_id).await?;
    crate::challenge::service::check_reason(reason)?;
    if EntryStatus::from_code(&e.status) == EntryStatus::Ineligible {
        return Err(AppError::conflict("error.entry_ineligible"));
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    entry::Entity::update_many()
        .set(entry::ActiveModel {
            status: Set(EntryStatus::Ineligible.code().into()),
            ineligible_reason: Set(Some(reason.trim().to_owned())),
            ..Default::default()
        })
        .filter(entry::Column::Id.eq(e.id))
        .exec(&txn)
        .await?;
    Record::new("entry.ineligible", "challenge", Some(c.id))
        .by_requester(requester)
        .reason(reason.trim())
        .details(serde_json::json!({ "team": t.name }))
        .save(&txn)
        .await?;
    crate::team::service::notify_members(
        &txn,
        links,
        &t,
        crate::notify::model::NotificationKind::EntryIneligible,
        &[("team", &t.name), ("challenge", &c.title)],
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// More time for one team, until `until` (the city's time, as a form writes it): after the
/// challenge's own deadline, before judging closes, on the challenge's public record.
pub async fn extend(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    team_id: i64,
    until: &str,
    reason: &str,
) -> Result<(), AppError> {
    let staff = requester.signed_in()?;
    let (t, c, e) = managed_entry(db, staff, team_id).await?;
    let Some(until) = crate::i18n::format::parse_city_datetime(until) else {
        return Err(AppError::invalid("until", "error.date_invalid"));
    };
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
    let txn = crate::group_commit::begin_writing(db).await?;
    entry::Entity::update_many()
        .set(entry::ActiveModel {
            extended_until: Set(Some(until)),
            extension_reason: Set(Some(reason.trim().to_owned())),
            ..Default::default()
        })
        .filter(entry::Column::Id.eq(e.id))
        .exec(&txn)
        .await?;
    Record::new("challenge.extension", "challenge", Some(c.id))
        .by_requester(requester)
        .reason(reason.trim())
        .details(serde_json::json!({
            "team": t.name,
            "to": crate::i18n::format_datetime(until),
        }))
        .public()
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
