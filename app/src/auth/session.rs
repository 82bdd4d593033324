//! Sessions live in the database so any server instance can serve any request.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, QueryResult, Set,
};
use tokio::sync::oneshot;

use super::model::{StaffRole, Viewer};
use crate::auth::entity::{session, user};
use crate::error::AppError;
use crate::group_commit::{Lanes, answer};
use crate::token::{random_token, sha256_hex};

pub const SESSION_COOKIE: &str = "vidan_session";
/// A citizen's session lasts this long after it was last used.
pub const SESSION_DAYS: i64 = 30;
/// An official's (an administrator, staff, a judge) ends after this many hours unused, and this
/// many days after signing in however much it is used: their accounts can change results.
pub const OFFICIAL_IDLE_HOURS: i64 = 12;
pub const OFFICIAL_MAX_DAYS: i64 = 3;

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

/// A session as [`read`] finds it, alive or expired, with its account's viewer.
#[derive(Clone, Debug)]
pub struct Found {
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub viewer: Viewer,
}

/// What a request needs to know of the account `u` beside its row: the organisations it is staff
/// of (a row each through [`STAFF`], or one row without), its unread notifications and whether
/// it judges.
const FACTS: &str = "(SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) AS unread, \
    (SELECT COUNT(*) FROM judges j WHERE j.user_id = u.id) AS judging, \
    (SELECT COUNT(*) FROM two_factor tf WHERE tf.user_id = u.id AND tf.enabled_at IS NOT NULL) AS two_step, \
    o.id AS staff_organisation_id, o.name_vi AS staff_organisation_name";
const STAFF: &str = "LEFT JOIN org_staff st ON st.user_id = u.id \
    LEFT JOIN organisations o ON o.id = st.organisation_id";

/// The sessions among `ids` (hashes) that exist, expired ones included, in one statement however
/// many there are.
pub async fn read(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<HashMap<String, Found>, AppError> {
    let mut found: HashMap<String, Found> = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let list = (1..=ids.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT s.id AS session_id, s.created_at AS session_created_at, \
         s.expires_at AS session_expires_at, \
         s.last_seen_at AS session_last_seen_at, u.*, {FACTS} \
         FROM sessions s JOIN users u ON u.id = s.user_id {STAFF} \
         WHERE s.id IN ({list}) ORDER BY s.id, o.id"
    );
    let values = ids.iter().map(|id| id.clone().into());
    let statement = crate::sql::numbered(db.get_database_backend(), &sql, values);
    for row in db.query_all_raw(statement).await? {
        let role = staff_role(&row)?;
        match found.entry(row.try_get("", "session_id")?) {
            Entry::Occupied(mut session) => session.get_mut().viewer.staff.extend(role),
            Entry::Vacant(slot) => {
                let account = user::Model::from_query_result(&row, "")?;
                slot.insert(Found {
                    created_at: row.try_get("", "session_created_at")?,
                    expires_at: row.try_get("", "session_expires_at")?,
                    last_seen_at: row.try_get("", "session_last_seen_at")?,
                    viewer: viewer_of(account, &row, role.into_iter().collect())?,
                });
            }
        }
    }
    Ok(found)
}

/// The viewer of a session [`read`] found, if it is still alive. An expired session is deleted;
/// a live one's expiry slides at most once an hour, so reading pages does not write on every
/// request.
pub async fn settle(
    db: &impl ConnectionTrait,
    id: &str,
    found: Option<Found>,
) -> Result<Option<Viewer>, AppError> {
    let Some(found) = found else {
        return Ok(None);
    };
    let now = Utc::now();
    let expires_at = expiry(&found);
    if expires_at <= now {
        session::Entity::delete_by_id(id.to_owned())
            .exec(db)
            .await?;
        return Ok(None);
    }
    if now - found.last_seen_at > Duration::hours(1) {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .col_expr(
                session::Column::ExpiresAt,
                Expr::value(renewed(&found, now)),
            )
            .filter(session::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(Some(found.viewer))
}

/// Whether the session's person holds an office that changes results.
fn official(viewer: &Viewer) -> bool {
    viewer.is_admin || viewer.is_judge || !viewer.staff.is_empty() || viewer.office_waiting
}

/// When a found session ends: a citizen's when its stored expiry says; an official's also
/// [`OFFICIAL_IDLE_HOURS`] after it was last used and [`OFFICIAL_MAX_DAYS`] after it began (a
/// citizen given an office keeps a session no longer than an official's).
pub fn expiry(found: &Found) -> DateTime<Utc> {
    if !official(&found.viewer) {
        return found.expires_at;
    }
    found
        .expires_at
        .min(found.last_seen_at + Duration::hours(OFFICIAL_IDLE_HOURS))
        .min(found.created_at + Duration::days(OFFICIAL_MAX_DAYS))
}

/// The expiry a session in use gets when it is renewed at `now`.
fn renewed(found: &Found, now: DateTime<Utc>) -> DateTime<Utc> {
    if official(&found.viewer) {
        (now + Duration::hours(OFFICIAL_IDLE_HOURS))
            .min(found.created_at + Duration::days(OFFICIAL_MAX_DAYS))
    } else {
        now + Duration::days(SESSION_DAYS)
    }
}

/// Reads the sessions of many requests at once: while a batch's statement runs, the requests
/// arriving meanwhile gather into the next one, so a rush of signed-in requests (a vote night)
/// costs a statement per batch instead of one per request, and a lone request goes straight
/// through. One per server instance; cheap to clone.
#[derive(Clone)]
pub struct SessionReader {
    lanes: Lanes<Lookup>,
}

struct Lookup {
    id: String,
    reply: oneshot::Sender<Result<Option<Found>, AppError>>,
}

impl SessionReader {
    /// Starts the readers: two on SQLite, four on PostgreSQL (whose server reads in parallel).
    pub fn start(db: DatabaseConnection) -> SessionReader {
        let readers = match db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => 4,
            _ => 2,
        };
        let lanes = Lanes::start(readers, move |batch| look_up(db.clone(), batch));
        SessionReader { lanes }
    }

    /// The session's id (hash) and viewer for a cookie token, if the session is alive.
    pub async fn resolve(
        &self,
        db: &impl ConnectionTrait,
        token: &str,
    ) -> Result<Option<(String, Viewer)>, AppError> {
        let id = sha256_hex(token);
        let (reply, rx) = oneshot::channel();
        // Any spread over the readers will do; the hash's first digits are random.
        let lane = i64::from_str_radix(&id[..8], 16).unwrap_or_default();
        self.lanes
            .send(
                lane,
                Lookup {
                    id: id.clone(),
                    reply,
                },
            )
            .await?;
        let found = answer(rx).await?;
        Ok(settle(db, &id, found).await?.map(|viewer| (id, viewer)))
    }
}

async fn look_up(db: DatabaseConnection, batch: Vec<Lookup>) {
    let mut ids: Vec<String> = batch.iter().map(|l| l.id.clone()).collect();
    ids.sort_unstable();
    ids.dedup();
    match read(&db, &ids).await {
        Ok(found) => {
            for lookup in batch {
                let _ = lookup.reply.send(Ok(found.get(&lookup.id).cloned()));
            }
        }
        Err(err) => {
            for lookup in batch {
                let _ = lookup.reply.send(Err(err.clone()));
            }
        }
    }
}

fn staff_role(row: &QueryResult) -> Result<Option<StaffRole>, AppError> {
    let organisation: Option<i64> = row.try_get("", "staff_organisation_id")?;
    let name: Option<String> = row.try_get("", "staff_organisation_name")?;
    Ok(organisation
        .zip(name)
        .map(|(organisation_id, organisation_name)| StaffRole {
            organisation_id,
            organisation_name,
        }))
}

fn viewer_of(
    account: user::Model,
    facts: &QueryResult,
    staff: Vec<StaffRole>,
) -> Result<Viewer, AppError> {
    let unread: i64 = facts.try_get("", "unread")?;
    let judging: i64 = facts.try_get("", "judging")?;
    let two_step: i64 = facts.try_get("", "two_step")?;
    let viewer = Viewer {
        id: account.id,
        display_name: account.display_name,
        email: account.email,
        phone_verified: account.phone.is_some() && account.phone_verified_at.is_some(),
        phone: account
            .phone
            .filter(|_| account.phone_verified_at.is_some()),
        is_admin: account.is_admin,
        verified: account.email_verified_at.is_some() || account.phone_verified_at.is_some(),
        staff,
        unread_notifications: unread.max(0) as u64,
        is_judge: judging > 0,
        locale: crate::i18n::Locale::from_code(&account.locale),
        two_factor: two_step > 0,
        office_waiting: false,
    };
    Ok(withhold_office(viewer))
}

/// An official without two-step sign-in acts as a citizen until they turn it on: a stolen
/// password alone never changes a result.
pub fn withhold_office(viewer: Viewer) -> Viewer {
    if viewer.two_factor || !official(&viewer) {
        return viewer;
    }
    Viewer {
        is_admin: false,
        staff: Vec::new(),
        is_judge: false,
        office_waiting: true,
        ..viewer
    }
}

/// The viewer for an account: its roles and unread notifications.
pub async fn load_viewer(
    db: &impl ConnectionTrait,
    account: user::Model,
) -> Result<Viewer, AppError> {
    let rows = db
        .query_all_raw(crate::sql::numbered(
            db.get_database_backend(),
            &format!("SELECT {FACTS} FROM users u {STAFF} WHERE u.id = ?1 ORDER BY o.id"),
            [account.id.into()],
        ))
        .await?;
    let staff = rows
        .iter()
        .filter_map(|row| staff_role(row).transpose())
        .collect::<Result<Vec<_>, _>>()?;
    let facts = rows
        .first()
        .ok_or_else(|| crate::error::internal("the account's facts came back empty"))?;
    viewer_of(account, facts, staff)
}

pub async fn end(db: &impl ConnectionTrait, session_id: &str) -> Result<(), AppError> {
    session::Entity::delete_by_id(session_id.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// The handle by which the account page names a session: not its key (which is a token's hash).
fn handle_of(session_id: &str) -> String {
    sha256_hex(&format!("handle:{session_id}"))[..16].to_owned()
}

/// The account's live sessions, newest use first; `current` is this request's.
pub async fn list_for(
    db: &impl ConnectionTrait,
    user_id: i64,
    current: Option<&str>,
) -> Result<Vec<super::model::SessionInfo>, AppError> {
    use sea_orm::QueryOrder;
    let now = Utc::now();
    Ok(session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::LastSeenAt)
        .all(db)
        .await?
        .into_iter()
        .map(|s| super::model::SessionInfo {
            handle: handle_of(&s.id),
            this_browser: current == Some(s.id.as_str()),
            started_at: s.created_at,
            last_seen_at: s.last_seen_at,
            device: s.user_agent.map(|ua| device_of(&ua)).unwrap_or_default(),
            ip: s.ip.unwrap_or_default(),
        })
        .collect())
}

/// Ends the account's session named by `handle`; not found if it is not theirs.
pub async fn end_by_handle(
    db: &impl ConnectionTrait,
    user_id: i64,
    handle: &str,
) -> Result<(), AppError> {
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    let target = sessions
        .into_iter()
        .find(|s| handle_of(&s.id) == handle)
        .ok_or(AppError::NotFound)?;
    end(db, &target.id).await
}

/// A browser's user agent as a person recognises it: "Chrome · Android".
pub fn device_of(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Zalo", "Zalo"),
        ("CocCoc", "Cốc Cốc"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn found(is_admin: bool, signed_in_hours_ago: i64, used_hours_ago: i64) -> Found {
        let now = Utc::now();
        Found {
            created_at: now - Duration::hours(signed_in_hours_ago),
            expires_at: now - Duration::hours(used_hours_ago) + Duration::days(SESSION_DAYS),
            last_seen_at: now - Duration::hours(used_hours_ago),
            viewer: Viewer {
                id: 1,
                display_name: "Lan".into(),
                email: Some("lan@example.vn".into()),
                phone: None,
                is_admin,
                verified: true,
                phone_verified: false,
                staff: Vec::new(),
                unread_notifications: 0,
                is_judge: false,
                locale: crate::i18n::Locale::Vi,
                two_factor: true,
                office_waiting: false,
            },
        }
    }

    #[test]
    fn browsers_are_named_as_people_know_them() {
        assert_eq!(
            device_of(
                "Mozilla/5.0 (Linux; Android 13; SM-A135F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
            ),
            "Chrome · Android"
        );
        assert_eq!(
            device_of(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1"
            ),
            "Safari · iPhone"
        );
        assert_eq!(device_of("reqwest"), "reqwest");
    }

    #[test]
    fn an_officials_session_ends_sooner_than_a_citizens() {
        let now = Utc::now();
        // Unused for a day: the citizen is still in, the administrator is not.
        assert!(expiry(&found(false, 24, 24)) > now);
        assert!(expiry(&found(true, 24, 24)) <= now);
        // Used an hour ago, but signed in four days ago: the administrator signs in again.
        assert!(expiry(&found(false, 96, 1)) > now);
        assert!(expiry(&found(true, 96, 1)) <= now);
        assert!(expiry(&found(true, 30, 1)) > now);
        // Renewing never carries an official past the limit from signing in.
        let late = found(true, 71, 1);
        assert!(renewed(&late, now) <= late.created_at + Duration::days(OFFICIAL_MAX_DAYS));
    }
}
