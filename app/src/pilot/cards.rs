//! Pilots as lists show them: cards for many at once, every pilot or one status, and the pilots of
//! a challenge's entries.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::{milestone, pilot};
use super::model::PilotCard;
use super::rules::{self, MilestoneFigures, PilotStatus};
use crate::challenge::entity::challenge;
use crate::error::AppError;
use crate::team::entity::team;

pub(crate) fn status_of(p: &pilot::Model) -> PilotStatus {
    PilotStatus::from_code(&p.status).unwrap_or(PilotStatus::Running)
}

/// Cards for several pilots, in two queries whatever their number.
pub(crate) async fn cards(
    db: &impl ConnectionTrait,
    pilots: Vec<pilot::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<PilotCard>, AppError> {
    let ids: Vec<i64> = pilots.iter().map(|p| p.id).collect();
    let milestones = milestone::Entity::find()
        .filter(milestone::Column::PilotId.is_in(ids))
        .all(db)
        .await?;
    let orgs: HashMap<i64, crate::org::model::Organisation> = crate::org::service::list(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let challenge_ids: Vec<i64> = pilots.iter().map(|p| p.challenge_id).collect();
    let challenges: HashMap<i64, String> = challenge::Entity::find()
        .select_only()
        .columns([challenge::Column::Id, challenge::Column::Title])
        .filter(challenge::Column::Id.is_in(challenge_ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let team_ids: Vec<i64> = pilots.iter().map(|p| p.team_id).collect();
    let teams: HashMap<i64, String> = team::Entity::find()
        .select_only()
        .columns([team::Column::Id, team::Column::Name])
        .filter(team::Column::Id.is_in(team_ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let calendar = crate::calendar::service::load(db).await?;
    Ok(pilots
        .into_iter()
        .filter_map(|p| {
            let own: Vec<&milestone::Model> =
                milestones.iter().filter(|m| m.pilot_id == p.id).collect();
            let figures = MilestoneFigures::count(
                own.iter()
                    .map(|m| rules::timing(rules::last_day(m.due_on, &calendar), m.done_at, now)),
            );
            Some(PilotCard {
                id: p.id,
                organisation: orgs.get(&p.organisation_id)?.clone(),
                challenge_title: challenges.get(&p.challenge_id).cloned().unwrap_or_default(),
                team_name: teams.get(&p.team_id).cloned().unwrap_or_default(),
                status: status_of(&p),
                milestones_done: figures.finished,
                milestones_total: figures.total,
                late_now: figures.late_now,
                progress: rules::progress(figures.finished, figures.total),
                starts_on: p.starts_on,
                planned_end_on: p.planned_end_on,
                title: p.title,
            })
        })
        .collect())
}

/// Every pilot, the active ones first, newest first; optionally only one status.
pub async fn list(
    db: &impl ConnectionTrait,
    status: Option<PilotStatus>,
    now: DateTime<Utc>,
) -> Result<Vec<PilotCard>, AppError> {
    let mut q = pilot::Entity::find().order_by_desc(pilot::Column::StartsOn);
    if let Some(s) = status {
        q = q.filter(pilot::Column::Status.eq(s.code()));
    }
    let mut out = cards(db, q.all(db).await?, now).await?;
    out.sort_by_key(|c| !c.status.is_active());
    Ok(out)
}

/// The pilots made from one challenge's entries: (entry id, pilot id).
pub async fn of_challenge(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(pilot::Entity::find()
        .select_only()
        .columns([pilot::Column::EntryId, pilot::Column::Id])
        .filter(pilot::Column::ChallengeId.eq(challenge_id))
        .into_tuple()
        .all(db)
        .await?)
}
