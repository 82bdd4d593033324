//! A person's own data: everything the platform holds about them, as one JSON document, and the
//! deletion of their account. Deletion keeps what the public record needs without the person:
//! votes stay counted as anonymous ballots, comments and ratings stay under "deleted account",
//! official decisions keep the official's name; everything else about them is removed.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JsonValue,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, Statement,
};
use serde_json::{Map, json};

use crate::auth::entity::user;
use crate::error::AppError;

/// The tables that hold rows about a person: (section of the export, table, column naming them,
/// columns never exported because they are secrets even to their owner).
const SECTIONS: &[(&str, &str, &str, &[&str])] = &[
    ("sessions", "sessions", "user_id", &["id"]),
    (
        "two_step_sign_in",
        "two_factor",
        "user_id",
        &["secret", "last_step"],
    ),
    ("staff_roles", "org_staff", "user_id", &[]),
    ("notifications", "notifications", "user_id", &[]),
    ("email_opt_outs", "email_opt_outs", "user_id", &[]),
    ("reports", "reports", "author_id", &[]),
    // Reports filed for others: the person helped's phone is theirs, not the helper's.
    (
        "reports_filed_for_others",
        "reports",
        "assisted_by_id",
        &["filed_for_phone"],
    ),
    ("helper_groups", "helper_members", "user_id", &[]),
    ("reports_forwarded", "report_forwards", "staff_id", &[]),
    (
        "report_apologies_signed",
        "report_apologies",
        "staff_id",
        &[],
    ),
    ("report_supports", "report_supports", "user_id", &[]),
    ("challenge_follows", "challenge_follows", "user_id", &[]),
    ("questions", "challenge_questions", "author_id", &[]),
    ("team_memberships", "team_members", "user_id", &[]),
    ("judge_panels", "judges", "user_id", &[]),
    ("judge_conflicts", "conflicts", "user_id", &[]),
    ("judge_assignments", "assignments", "user_id", &[]),
    ("judge_scores", "scores", "user_id", &[]),
    ("votes", "votes", "user_id", &[]),
    ("pilot_comments", "pilot_comments", "user_id", &[]),
    ("pilot_ratings", "pilot_ratings", "user_id", &[]),
    ("pilot_follows", "pilot_follows", "user_id", &[]),
    ("commitment_follows", "commitment_follows", "user_id", &[]),
    ("commitments_given", "commitments", "official_id", &[]),
    (
        "commitment_dates_moved",
        "commitment_moves",
        "staff_id",
        &[],
    ),
    ("pilot_updates", "pilot_updates", "author_id", &[]),
    ("milestones_owned", "milestones", "owner_user_id", &[]),
    ("actions_recorded", "audit_log", "actor_id", &[]),
];

async fn rows_of(
    db: &impl ConnectionTrait,
    table: &str,
    column: &str,
    user_id: i64,
    secret: &[&str],
) -> Result<Vec<JsonValue>, AppError> {
    // Table and column names are the constants above; the id is a number.
    let sql = format!("SELECT * FROM {table} WHERE {column} = {user_id}");
    let rows = JsonValue::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|mut row| {
            if let Some(map) = row.as_object_mut() {
                for name in secret {
                    map.remove(*name);
                }
            }
            row
        })
        .collect())
}

/// The text messages the account itself was sent at its number (codes, notices), not those the
/// number asked for without an account (following a report).
fn account_texts(phone: Option<&str>) -> sea_orm::Select<crate::sms::entity::outbox::Entity> {
    use crate::sms::entity::outbox;
    outbox::Entity::find()
        .filter(outbox::Column::ToPhone.eq(phone.unwrap_or_default()))
        .filter(outbox::Column::Kind.is_in([
            "verify",
            "reset",
            "two_step",
            "two_step_reset",
            "phone_added",
            "already_registered",
        ]))
        .order_by_asc(outbox::Column::Id)
}

/// Everything about one account, for its owner to download.
pub async fn export(db: &impl ConnectionTrait, user_id: i64) -> Result<JsonValue, AppError> {
    let account = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut out = Map::new();
    out.insert("exported_at".into(), json!(Utc::now()));
    out.insert(
        "account".into(),
        json!({
            "id": account.id,
            "email": account.email,
            "phone": account.phone,
            "display_name": account.display_name,
            "locale": account.locale,
            "email_verified_at": account.email_verified_at,
            "phone_verified_at": account.phone_verified_at,
            "is_admin": account.is_admin,
            "created_at": account.created_at,
        }),
    );
    for (section, table, column, secret) in SECTIONS {
        out.insert(
            (*section).into(),
            JsonValue::Array(rows_of(db, table, column, user_id, secret).await?),
        );
    }
    let mails = crate::mail::entity::Entity::find()
        .filter(crate::mail::entity::Column::ToEmail.eq(account.email.as_deref().unwrap_or_default()))
        .order_by_asc(crate::mail::entity::Column::Id)
        .all(db)
        .await?
        .into_iter()
        // The bodies held one-time codes: the subject says what each was.
        .map(|m| json!({ "subject": m.subject, "kind": m.kind, "created_at": m.created_at, "sent_at": m.sent_at }))
        .collect();
    out.insert("emails_sent".into(), JsonValue::Array(mails));
    let texts = account_texts(account.phone.as_deref())
        .all(db)
        .await?
        .into_iter()
        .map(|m| json!({ "kind": m.kind, "created_at": m.created_at, "sent_at": m.sent_at }))
        .collect();
    out.insert("text_messages_sent".into(), JsonValue::Array(texts));
    Ok(JsonValue::Object(out))
}

/// The person asking deletes their own account, with their password and an explicit
/// confirmation (both checked, and both refusals shown at once, before anything is deleted).
pub async fn delete_own(
    db: &sea_orm::DatabaseConnection,
    requester: &crate::auth::Requester,
    password: String,
    confirmed: bool,
) -> Result<(), AppError> {
    use crate::error::FieldError;
    let viewer = requester.signed_in()?;
    let account = user::Entity::find_by_id(viewer.id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let mut errors = Vec::new();
    if !confirmed {
        errors.push(FieldError::new("confirm", "error.delete_confirm"));
    }
    if !crate::account::sign_in::recheck_password(db, &account, password).await? {
        errors.push(FieldError::new("password", "error.password_current_wrong"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    delete(db, account.id).await
}

/// Deletes an account. The last administrator cannot: the platform would have none.
pub async fn delete(db: &sea_orm::DatabaseConnection, user_id: i64) -> Result<(), AppError> {
    let txn = crate::group_commit::begin_writing(db).await?;
    // Held first, and whole (the address changes): a seat on a team or a panel, a role, a vote or
    // a sign-in for the person at this moment waits, and then finds the account gone (or is
    // withdrawn with the rest).
    crate::sql::hold_row_to_rekey(&txn, ("users", "id"), user_id).await?;
    let backend = txn.get_database_backend();
    let exec = |sql: String| Statement::from_string(backend, sql);
    // Writing first makes SQLite take the write lock before anything is read.
    txn.execute_raw(exec(format!(
        "DELETE FROM sessions WHERE user_id = {user_id}"
    )))
    .await?;
    let account = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if account.is_admin {
        let admins = user::Entity::find()
            .filter(user::Column::IsAdmin.eq(true))
            .count(&txn)
            .await?;
        if admins <= 1 {
            return Err(AppError::conflict("error.last_admin"));
        }
    }
    // A team the person owns passes to the member who joined first after them.
    use crate::team::entity::{member, team};
    let owned = team::Entity::find()
        .filter(team::Column::OwnerId.eq(user_id))
        .all(&txn)
        .await?;
    for t in owned {
        let heir = member::Entity::find()
            .filter(member::Column::TeamId.eq(t.id))
            .filter(member::Column::UserId.ne(user_id))
            .order_by_asc(member::Column::JoinedAt)
            .order_by_asc(member::Column::UserId)
            .one(&txn)
            .await?;
        if let Some(heir) = heir {
            let mut active: team::ActiveModel = t.into();
            active.owner_id = Set(heir.user_id);
            active.update(&txn).await?;
        }
    }
    // Having been in a team stays known, by mailbox: an account deleted and registered again
    // on the same address does not sit on that challenge's panel.
    for m in member::Entity::find()
        .filter(member::Column::UserId.eq(user_id))
        .all(&txn)
        .await?
    {
        if let Some(t) = team::Entity::find_by_id(m.team_id).one(&txn).await? {
            crate::team::service::record_departure(&txn, &t, user_id).await?;
        }
    }
    // Having been staff (or an administrator) stays known too, by mailbox: registered again,
    // the person does not compete in a challenge whose teams they could read.
    use crate::org::entity::org_staff;
    for staff in org_staff::Entity::find()
        .filter(org_staff::Column::UserId.eq(user_id))
        .all(&txn)
        .await?
    {
        crate::org::service::record_departure(&txn, Some(staff.organisation_id), &account).await?;
    }
    if account.is_admin {
        crate::org::service::record_departure(&txn, None, &account).await?;
    }
    for (table, column) in [
        ("email_codes", "user_id"),
        ("trusted_devices", "user_id"),
        ("recovery_codes", "user_id"),
        ("two_factor", "user_id"),
        ("sign_in_steps", "user_id"),
        ("notifications", "user_id"),
        ("email_opt_outs", "user_id"),
        ("org_staff", "user_id"),
        ("helper_members", "user_id"),
        ("team_members", "user_id"),
        ("challenge_follows", "user_id"),
        ("pilot_follows", "user_id"),
        ("commitment_follows", "user_id"),
        ("vote_attempts", "user_id"),
    ] {
        txn.execute_raw(exec(format!(
            "DELETE FROM {table} WHERE {column} = {user_id}"
        )))
        .await?;
    }
    // The reports they filed for others stay, helped by the group or desk, by nobody named; an
    // apology, forwarding or date moved that they signed for their organisation keeps their name
    // (the record of an office), not their account.
    txn.execute_raw(exec(format!(
        "UPDATE reports SET assisted_by_id = NULL WHERE assisted_by_id = {user_id}"
    )))
    .await?;
    for table in ["report_apologies", "report_forwards", "commitment_moves"] {
        txn.execute_raw(exec(format!(
            "UPDATE {table} SET staff_id = NULL WHERE staff_id = {user_id}"
        )))
        .await?;
    }
    // A commitment they gave for their organisation keeps their name and office (the record of
    // an office), not their account.
    txn.execute_raw(exec(format!(
        "UPDATE commitments SET official_id = NULL WHERE official_id = {user_id}"
    )))
    .await?;
    // A report filed for them and taken into this account forgets the number they gave, and
    // their number follows no report any more.
    txn.execute_raw(exec(format!(
        "UPDATE reports SET filed_for_phone = NULL WHERE author_id = {user_id}"
    )))
    .await?;
    if let Some(phone) = &account.phone {
        crate::report::sms::forget_number(&txn, phone).await?;
    }
    // What they wrote for their team stays, without their name (an official's updates for the
    // city keep it: the record of an office).
    txn.execute_raw(exec(format!(
        "UPDATE pilot_updates SET author_name = '' WHERE author_id = {user_id} AND by_team = {}",
        if backend == sea_orm::DatabaseBackend::Postgres {
            "true"
        } else {
            "1"
        }
    )))
    .await?;
    // What they did in private, or in public as a citizen, leaves no name or address; decisions
    // made in public by an official keep the official's name, as the record of an office.
    txn.execute_raw(exec(format!(
        "UPDATE audit_log SET actor_name = '', ip = NULL WHERE actor_id = {user_id} \
         AND (is_public = {} OR actor_role NOT IN ('admin', 'staff'))",
        if backend == sea_orm::DatabaseBackend::Postgres {
            "false"
        } else {
            "0"
        }
    )))
    .await?;
    // Others' notifications name the person for what they did ("… submitted the entry"): the
    // name gives way to "account deleted", in each reader's language.
    use crate::notify::entity::notification;
    let mut tagged = notification::Entity::find()
        .filter(notification::Column::Params.contains(crate::notify::model::actor_tag(user_id)))
        .all(&txn)
        .await?;
    // Notifications written before names were tagged with whose they are: those that show this
    // name and no one's tag are taken to be about this person (a namesake's loses the name too).
    let named = format!(
        "\"name\":{}",
        serde_json::Value::String(account.display_name.clone())
    );
    if !account.display_name.is_empty() {
        let untagged = notification::Entity::find()
            .filter(notification::Column::Params.contains(&named))
            .all(&txn)
            .await?
            .into_iter()
            .filter(|n| {
                !n.params
                    .contains(&format!("\"{}\":", crate::notify::model::ACTOR))
            });
        tagged.extend(untagged);
    }
    for n in tagged {
        let mut params: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&n.params).unwrap_or_default();
        params.remove(crate::notify::model::ACTOR);
        if params.contains_key("name") {
            params.insert("name".into(), "t:account.deleted".into());
        }
        let mut active: notification::ActiveModel = n.into();
        active.params = Set(serde_json::Value::Object(params).to_string());
        active.update(&txn).await?;
    }
    // Records that mention their address (an invitation sent to it, a sign-in tried with it)
    // keep what happened, not to whom.
    // Invitations reach a mailbox however its address was written (`lan+x@`): each spelling.
    use crate::audit::entity as audit;
    let email = account.email.clone().unwrap_or_default();
    let mut spellings = crate::invitation::service::addresses_of_mailbox(&txn, &email).await?;
    spellings.push(email.clone());
    spellings.extend(account.phone.clone());
    spellings.retain(|s| !s.is_empty());
    spellings.sort();
    spellings.dedup();
    for spelling in spellings {
        let quoted = serde_json::Value::String(spelling).to_string();
        let mentioned = audit::Entity::find()
            .filter(audit::Column::Details.contains(&quoted))
            .all(&txn)
            .await?;
        for row in mentioned {
            let details = row.details.replace(&quoted, "\"\"");
            let mut active: audit::ActiveModel = row.into();
            active.details = Set(details);
            active.update(&txn).await?;
        }
    }
    use crate::account::rules::Login;
    let logins = [
        account.email.clone().map(Login::Email),
        account.phone.clone().map(Login::Phone),
    ];
    for login in logins.iter().flatten() {
        let attempts = crate::account::service::attempt_key(&txn, login).await?;
        crate::account::entity::sign_in_attempt::Entity::delete_many()
            .filter(crate::account::entity::sign_in_attempt::Column::EmailKey.eq(attempts))
            .exec(&txn)
            .await?;
    }
    crate::mail::entity::Entity::delete_many()
        .filter(crate::mail::entity::Column::ToEmail.eq(&email))
        .exec(&txn)
        .await?;
    for text in account_texts(account.phone.as_deref()).all(&txn).await? {
        crate::sms::entity::outbox::Entity::delete_by_id(text.id)
            .exec(&txn)
            .await?;
    }
    crate::invitation::service::forget_address(&txn, &email).await?;
    // A vote still running loses the person's ballots (withdrawn, on the record, anonymous): the
    // same address, registered again, could otherwise vote twice. A closed vote keeps them, as
    // the count that was published.
    use crate::vote::entity::vote;
    let now = Utc::now();
    use crate::challenge::entity::challenge;
    let voted_in = vote::Entity::find()
        .select_only()
        .column(vote::Column::ChallengeId)
        .distinct()
        .filter(vote::Column::UserId.eq(user_id))
        .filter(vote::Column::VoidedAt.is_null());
    let running: Vec<i64> = challenge::Entity::find()
        .select_only()
        .column(challenge::Column::Id)
        .filter(challenge::Column::VoteClosesAt.gt(now))
        .filter(challenge::Column::Id.in_subquery(voted_in.into_query()))
        .into_tuple()
        .all(&txn)
        .await?;
    for challenge_id in running {
        let withdrawn = vote::Entity::update_many()
            .set(vote::ActiveModel {
                voided_at: Set(Some(now)),
                void_reason: Set(Some("Tài khoản đã xoá khi bình chọn còn mở".to_owned())),
                ..Default::default()
            })
            .filter(vote::Column::ChallengeId.eq(challenge_id))
            .filter(vote::Column::UserId.eq(user_id))
            .filter(vote::Column::VoidedAt.is_null())
            .exec(&txn)
            .await?;
        if withdrawn.rows_affected > 0 {
            crate::vote::totals::bump(&txn, challenge_id).await?;
            crate::audit::service::Record::new(
                "vote.withdraw_deleted",
                "challenge",
                Some(challenge_id),
            )
            .details(json!({ "votes": withdrawn.rows_affected }))
            .save(&txn)
            .await?;
        }
    }
    let mut active: user::ActiveModel = account.into();
    active.email = Set(Some(crate::account::rules::deleted_address(user_id)));
    active.mailbox_key = Set(None);
    active.phone = Set(None);
    active.phone_verified_at = Set(None);
    active.display_name = Set(String::new());
    active.password_hash = Set(String::new());
    active.email_verified_at = Set(None);
    active.is_admin = Set(false);
    active.update(&txn).await?;
    crate::audit::service::Record::new("account.delete", "user", Some(user_id))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
