//! Sessions live in the database so any server instance can serve any request.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::model::{StaffRole, Viewer};
use super::token::{random_token, sha256_hex};
use crate::account::entity::{session, user};
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "vidan_session";
pub const SESSION_DAYS: i64 = 30;

/// Starts a session and returns the token for the cookie (the database keeps only its hash).
pub async fn start(
    db: &impl ConnectionTrait,
    user_id: i64,
    ip: &str,
    user_agent: Option<&str>,
) -> Result<String, AppError> {
    let token = random_token(32);
    let now = Utc::now();
    session::ActiveModel {
        id: Set(sha256_hex(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(SESSION_DAYS)),
        last_seen_at: Set(now),
        ip: Set(Some(ip.chars().take(64).collect())),
        user_agent: Set(user_agent.map(|ua| ua.chars().take(255).collect())),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The session's id (hash) and viewer for a cookie token, if the session is alive.
pub async fn resolve(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<(String, Viewer)>, AppError> {
    let id = sha256_hex(token);
    let now = Utc::now();
    let Some((found, Some(account))) = session::Entity::find_by_id(id.clone())
        .find_also_related(user::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if found.expires_at <= now {
        session::Entity::delete_by_id(id).exec(db).await?;
        return Ok(None);
    }
    // Slide the expiry at most once an hour, so reading pages does not write on every request.
    if now - found.last_seen_at > Duration::hours(1) {
        let mut active: session::ActiveModel = found.into();
        active.last_seen_at = Set(now);
        active.expires_at = Set(now + Duration::days(SESSION_DAYS));
        active.update(db).await?;
    }
    Ok(Some((id, load_viewer(db, account).await?)))
}

/// What a signed-in request needs to know of its account beside the account itself (`?1`): the
/// organisations it is staff of (a row each, or one row without one), its unread notifications
/// and whether it is a judge.
const VIEWER_FACTS: &str = "SELECT \
    (SELECT COUNT(*) FROM notifications WHERE user_id = ?1 AND read_at IS NULL) AS unread, \
    (SELECT COUNT(*) FROM judges WHERE user_id = ?1) AS judging, \
    o.id AS organisation_id, o.name_vi AS organisation_name \
    FROM (SELECT 1 AS one) AS account \
    LEFT JOIN org_staff s ON s.user_id = ?1 \
    LEFT JOIN organisations o ON o.id = s.organisation_id \
    ORDER BY o.id";

/// The viewer for an account: its roles and unread notifications.
pub async fn load_viewer(
    db: &impl ConnectionTrait,
    account: user::Model,
) -> Result<Viewer, AppError> {
    // This runs on every signed-in request: one statement for all of it.
    let rows = db
        .query_all_raw(crate::sql::numbered(
            db.get_database_backend(),
            VIEWER_FACTS,
            [account.id.into()],
        ))
        .await?;
    let mut staff = Vec::new();
    let (mut unread, mut judging) = (0i64, 0i64);
    for row in rows {
        unread = row.try_get("", "unread")?;
        judging = row.try_get("", "judging")?;
        let organisation: Option<i64> = row.try_get("", "organisation_id")?;
        let name: Option<String> = row.try_get("", "organisation_name")?;
        if let (Some(organisation_id), Some(organisation_name)) = (organisation, name) {
            staff.push(StaffRole {
                organisation_id,
                organisation_name,
            });
        }
    }
    Ok(Viewer {
        id: account.id,
        display_name: account.display_name,
        email: account.email,
        is_admin: account.is_admin,
        verified: account.email_verified_at.is_some(),
        staff,
        unread_notifications: unread.max(0) as u64,
        is_judge: judging > 0,
        locale: crate::i18n::Locale::from_code(&account.locale),
    })
}

pub async fn end(db: &impl ConnectionTrait, session_id: &str) -> Result<(), AppError> {
    session::Entity::delete_by_id(session_id.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of an account except `keep` (after a password change or reset).
pub async fn end_all_for(
    db: &impl ConnectionTrait,
    user_id: i64,
    keep: Option<&str>,
) -> Result<(), AppError> {
    let mut query = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        query = query.filter(session::Column::Id.ne(keep.to_owned()));
    }
    query.exec(db).await?;
    Ok(())
}
