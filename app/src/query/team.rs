//! What a team's page and "my teams" show (read-models: they may read any room, and no service
//! reads them).

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::Viewer;
use crate::auth::entity::user;
use crate::challenge::entity::challenge;
use crate::challenge::service::{phase_of, timetable_of};
use crate::error::AppError;
use crate::invitation::service::{self as invitations, Owner};
use crate::query::model::{MyTeams, TeamDetail};
use crate::team::entity::{member, team};
use crate::team::model::{Member, TeamChallenge};
use crate::team::service::{describe, find, is_member};

async fn detail_of(
    db: &impl ConnectionTrait,
    t: team::Model,
    viewer: &Viewer,
) -> Result<TeamDetail, AppError> {
    let c = challenge::Entity::find_by_id(t.challenge_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = member::Entity::find()
        .filter(member::Column::TeamId.eq(t.id))
        .order_by_asc(member::Column::JoinedAt)
        .find_also_related(user::Entity)
        .all(db)
        .await?;
    let owner = Owner::Team {
        challenge_id: t.challenge_id,
        team_id: t.id,
    };
    let pending_invitations = invitations::pending_of(db, owner)
        .await?
        .into_iter()
        .map(|i| i.email)
        .collect();
    let entry_status = crate::entry::entity::entry::Entity::find()
        .filter(crate::entry::entity::entry::Column::TeamId.eq(t.id))
        .one(db)
        .await?
        .map(|e| crate::entry::model::EntryStatus::from_code(&e.status));
    let now = Utc::now();
    Ok(TeamDetail {
        id: t.id,
        name: t.name,
        organisation_name: t.organisation_name,
        description: t.description,
        contact: t.contact,
        join_code: t.join_code,
        challenge: TeamChallenge {
            id: c.id,
            slug: c.slug.clone(),
            title: c.title.clone(),
            phase: phase_of(&c, now),
            team_max: c.team_max,
            next: timetable_of(&c).next_deadline(now),
        },
        members: rows
            .into_iter()
            .filter_map(|(m, u)| {
                u.map(|u| Member {
                    user_id: u.id,
                    display_name: u.display_name,
                    is_owner: u.id == t.owner_id,
                    joined_at: m.joined_at,
                })
            })
            .collect(),
        pending_invitations: if t.owner_id == viewer.id {
            pending_invitations
        } else {
            Vec::new()
        },
        is_owner: t.owner_id == viewer.id,
        viewer_id: viewer.id,
        entry_status,
    })
}

/// A team, to its members only (a guessed id gets forbidden).
pub async fn detail(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
) -> Result<TeamDetail, AppError> {
    let t = find(db, team_id).await?;
    if !is_member(db, t.id, viewer.id).await? {
        return Err(AppError::Forbidden);
    }
    detail_of(db, t, viewer).await
}

pub async fn mine(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<MyTeams, AppError> {
    let memberships = member::Entity::find()
        .filter(member::Column::UserId.eq(viewer.id))
        .order_by_desc(member::Column::JoinedAt)
        .all(db)
        .await?;
    let mut teams = Vec::new();
    for m in memberships {
        teams.push(detail_of(db, find(db, m.team_id).await?, viewer).await?);
    }
    let mut invitations = Vec::new();
    for i in invitations::pending_team_invitations_to(db, viewer.reached_at(), None).await? {
        invitations.push(describe(db, &i).await?);
    }
    Ok(MyTeams { teams, invitations })
}
