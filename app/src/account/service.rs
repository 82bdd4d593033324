//! Accounts on the database side: registration, one-time codes, sign-in with lockout, passwords.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};

use super::entity::{email_code, sign_in_attempt, user};
use super::rules::{self, Attempt};
use crate::auth::{password, token};
use crate::error::{AppError, FieldError};
use crate::i18n::{Locale, k};

pub const CODE_MINUTES: i64 = 30;
pub const CODE_MAX_ATTEMPTS: i32 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodePurpose {
    Verify,
    Reset,
}

impl CodePurpose {
    fn code(self) -> &'static str {
        match self {
            CodePurpose::Verify => "verify",
            CodePurpose::Reset => "reset",
        }
    }
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}

pub struct Registration {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub locale: Locale,
}

/// Creates an unverified account and emails it a code. An email that already has an account gets
/// a notice instead, and the caller sees the same answer either way (no one learns who is here).
pub async fn register(
    db: &(impl ConnectionTrait + TransactionTrait),
    form: Registration,
) -> Result<String, AppError> {
    let email = rules::normalise_email(&form.email);
    let display_name = form.display_name.trim().to_owned();
    let errors: Vec<FieldError> = [
        rules::check_email(&email),
        rules::check_display_name(&display_name),
        rules::check_new_password("password", &form.password, &email),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    // Hash before looking the email up, so both paths cost the same.
    let hash = password::hash(form.password).await?;
    // Looked up before the transaction, whose first statement is then a write: on SQLite a
    // transaction that reads and then writes fails at once (no waiting) when another connection
    // wrote in between; one that starts by writing waits its turn.
    let existing = find_by_email(db, &email).await?;
    let txn = db.begin().await?;
    if let Some(existing) = existing {
        let locale = Locale::from_code(&existing.locale);
        let base = crate::auth::ctx::base_url();
        let body = locale.tf(
            k::MAIL_ALREADY_REGISTERED_BODY,
            &[
                ("name", &existing.display_name),
                ("link", &format!("{base}/sign-in")),
            ],
        );
        crate::mail::service::enqueue(
            &txn,
            &email,
            "already_registered",
            locale.t(k::MAIL_ALREADY_REGISTERED_SUBJECT),
            &body,
        )
        .await?;
        txn.commit().await?;
        return Ok(email);
    }
    let account = user::ActiveModel {
        email: Set(email.clone()),
        display_name: Set(display_name),
        password_hash: Set(hash),
        email_verified_at: Set(None),
        is_admin: Set(false),
        locale: Set(form.locale.code().to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let account = match account {
        Ok(account) => account,
        // Registered by a simultaneous request: that one sends the code; the answer is the same.
        Err(err) if crate::error::is_unique_violation(&err) => return Ok(email),
        Err(err) => return Err(err.into()),
    };
    send_code(&txn, &account, CodePurpose::Verify).await?;
    crate::audit::service::Record::new("account.register", "user", Some(account.id))
        .by_requester()
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(email)
}

/// Replaces any open code of this purpose with a new one and emails it.
pub async fn send_code(
    db: &impl ConnectionTrait,
    account: &user::Model,
    purpose: CodePurpose,
) -> Result<(), AppError> {
    let code = token::six_digit_code();
    let now = Utc::now();
    email_code::Entity::delete_many()
        .filter(email_code::Column::UserId.eq(account.id))
        .filter(email_code::Column::Purpose.eq(purpose.code()))
        .filter(email_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    email_code::ActiveModel {
        user_id: Set(account.id),
        purpose: Set(purpose.code().to_owned()),
        code_hash: Set(token::sha256_hex(&format!("{}:{code}", account.id))),
        attempts: Set(0),
        expires_at: Set(now + Duration::minutes(CODE_MINUTES)),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let locale = Locale::from_code(&account.locale);
    let email_q = super::api::url_encode(&account.email);
    let (subject, body_text, path) = match purpose {
        CodePurpose::Verify => (k::MAIL_VERIFY_SUBJECT, k::MAIL_VERIFY_BODY, "verify"),
        CodePurpose::Reset => (k::MAIL_RESET_SUBJECT, k::MAIL_RESET_BODY, "reset-password"),
    };
    let link = format!(
        "{}/{path}?email={email_q}&code={code}",
        crate::auth::ctx::base_url()
    );
    let minutes = CODE_MINUTES.to_string();
    let body = locale.tf(
        body_text,
        &[
            ("name", &account.display_name),
            ("code", &code),
            ("link", &link),
            ("minutes", &minutes),
        ],
    );
    crate::mail::service::enqueue(
        db,
        &account.email,
        purpose.code(),
        &locale.tf(subject, &[("code", &code)]),
        &body,
    )
    .await
}

/// Sends a fresh code if the last one is more than a minute old (a resend button cannot flood a
/// mailbox); says nothing about whether the account exists.
pub async fn resend_code(
    db: &impl ConnectionTrait,
    email: &str,
    purpose: CodePurpose,
) -> Result<(), AppError> {
    let email = rules::normalise_email(email);
    let Some(account) = find_by_email(db, &email).await? else {
        return Ok(());
    };
    if purpose == CodePurpose::Verify && account.email_verified_at.is_some() {
        return Ok(());
    }
    let last = email_code::Entity::find()
        .filter(email_code::Column::UserId.eq(account.id))
        .filter(email_code::Column::Purpose.eq(purpose.code()))
        .order_by_desc(email_code::Column::Id)
        .one(db)
        .await?;
    if last.is_some_and(|c| Utc::now() - c.created_at < Duration::minutes(1)) {
        return Ok(());
    }
    send_code(db, &account, purpose).await
}

/// Checks a code and marks it used; a wrong code counts against the code's attempts.
pub async fn consume_code(
    db: &impl ConnectionTrait,
    email: &str,
    purpose: CodePurpose,
    code: &str,
) -> Result<user::Model, AppError> {
    let invalid = || AppError::invalid("code", "error.code_invalid");
    let email = rules::normalise_email(email);
    let account = find_by_email(db, &email).await?.ok_or_else(invalid)?;
    let now = Utc::now();
    let open = email_code::Entity::find()
        .filter(email_code::Column::UserId.eq(account.id))
        .filter(email_code::Column::Purpose.eq(purpose.code()))
        .filter(email_code::Column::UsedAt.is_null())
        .order_by_desc(email_code::Column::Id)
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    if open.expires_at <= now || open.attempts >= CODE_MAX_ATTEMPTS {
        return Err(AppError::invalid("code", "error.code_expired"));
    }
    let expected = token::sha256_hex(&format!("{}:{}", account.id, code.trim()));
    let mut active: email_code::ActiveModel = open.clone().into();
    if expected != open.code_hash {
        active.attempts = Set(open.attempts + 1);
        active.update(db).await?;
        return Err(invalid());
    }
    active.used_at = Set(Some(now));
    active.update(db).await?;
    Ok(account)
}

pub async fn verify_email(
    db: &impl ConnectionTrait,
    email: &str,
    code: &str,
) -> Result<user::Model, AppError> {
    let email = rules::normalise_email(email);
    if let Some(account) = find_by_email(db, &email).await?
        && account.email_verified_at.is_some()
    {
        return Ok(account);
    }
    // Outside a transaction: a wrong code must count against the code even though we refuse.
    let account = consume_code(db, &email, CodePurpose::Verify, code).await?;
    let mut active: user::ActiveModel = account.into();
    active.email_verified_at = Set(Some(Utc::now()));
    Ok(active.update(db).await?)
}

async fn attempts_for(
    db: &impl ConnectionTrait,
    column: sign_in_attempt::Column,
    value: &str,
) -> Result<Vec<Attempt>, AppError> {
    let since = Utc::now() - Duration::minutes(rules::LOCKOUT_WINDOW_MINUTES);
    Ok(sign_in_attempt::Entity::find()
        .filter(column.eq(value))
        .filter(sign_in_attempt::Column::CreatedAt.gt(since))
        .all(db)
        .await?
        .into_iter()
        .map(|a| Attempt {
            at: a.created_at,
            succeeded: a.succeeded,
        })
        .collect())
}

/// Checks the credentials, slowing down and then locking repeated failures per account and per
/// address. Returns the account when the password is right (verified or not).
pub async fn check_credentials(
    db: &impl ConnectionTrait,
    email: &str,
    password_given: String,
    ip: &str,
) -> Result<user::Model, AppError> {
    let email = rules::normalise_email(email);
    let now = Utc::now();
    let by_account = attempts_for(db, sign_in_attempt::Column::EmailKey, &email).await?;
    let by_address = attempts_for(db, sign_in_attempt::Column::Ip, ip).await?;
    let by_address_failures: Vec<Attempt> =
        by_address.into_iter().filter(|a| !a.succeeded).collect();
    let locked = [
        rules::locked_until(&by_account, rules::ACCOUNT_LOCK_AFTER, now),
        rules::locked_until(&by_address_failures, rules::ADDRESS_LOCK_AFTER, now),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(until) = locked {
        return Err(AppError::RateLimited {
            retry_after_secs: (until - now).num_seconds().max(1),
        });
    }
    let delay = rules::slowdown_ms(&by_account, now);
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    let account = find_by_email(db, &email).await?;
    let ok = password::verify(
        password_given,
        account.as_ref().map(|a| a.password_hash.clone()),
    )
    .await?;
    sign_in_attempt::ActiveModel {
        email_key: Set(email.chars().take(254).collect()),
        ip: Set(ip.chars().take(64).collect()),
        succeeded: Set(ok),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    match account {
        Some(account) if ok => Ok(account),
        _ => Err(AppError::conflict("error.credentials")),
    }
}

pub async fn set_password(
    db: &impl ConnectionTrait,
    account: user::Model,
    new_password: String,
) -> Result<user::Model, AppError> {
    let hash = password::hash(new_password).await?;
    let mut active: user::ActiveModel = account.into();
    active.password_hash = Set(hash);
    Ok(active.update(db).await?)
}

/// Creates a verified admin account, or makes an existing account admin (CLI and first start).
pub async fn create_admin(
    db: &impl ConnectionTrait,
    email: &str,
    display_name: &str,
    password_given: String,
) -> Result<user::Model, AppError> {
    let email = rules::normalise_email(email);
    let errors: Vec<FieldError> = [
        rules::check_email(&email),
        rules::check_display_name(display_name.trim()),
        rules::check_new_password("password", &password_given, &email),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let hash = password::hash(password_given).await?;
    let now = Utc::now();
    let account = match find_by_email(db, &email).await? {
        Some(existing) => {
            let mut active: user::ActiveModel = existing.into();
            active.is_admin = Set(true);
            active.password_hash = Set(hash);
            active.email_verified_at = Set(Some(now));
            active.update(db).await?
        }
        None => {
            user::ActiveModel {
                email: Set(email),
                display_name: Set(display_name.trim().to_owned()),
                password_hash: Set(hash),
                email_verified_at: Set(Some(now)),
                is_admin: Set(true),
                locale: Set("vi".into()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    crate::audit::service::Record::new("account.admin_granted", "user", Some(account.id))
        .save(db)
        .await?;
    Ok(account)
}

/// Whether any admin exists yet.
pub async fn has_admin(db: &impl ConnectionTrait) -> Result<bool, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::IsAdmin.eq(true))
        .one(db)
        .await?
        .is_some())
}
