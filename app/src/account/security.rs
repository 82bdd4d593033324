//! Commands that change how an account is entered: proving the address, changing or resetting
//! the password, signing other browsers out. A code or the current password is checked first
//! (a wrong one counts even though the rest is refused) and a new password hashed before any
//! write; then the change, its record and the owner's notification commit together.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, TransactionSession, TransactionTrait};

use super::service::{Asker, CodePurpose, consume_code, find_by_email};
use crate::audit::service::Record;
use crate::auth::entity::user;
use crate::auth::{Requester, password, session};
use crate::error::AppError;
use crate::links::Links;

/// Marks the address as proved by its emailed code, on the record.
pub async fn verify(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    email: &str,
    code: &str,
    device: Option<&str>,
) -> Result<user::Model, AppError> {
    let asker = Asker {
        ip: &requester.ip,
        device,
    };
    let account = consume_code(db, email, CodePurpose::Verify, code, asker).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let account = if account.email_verified_at.is_some() {
        account
    } else {
        let mut active: user::ActiveModel = account.into();
        active.email_verified_at = Set(Some(Utc::now()));
        active.update(&txn).await?
    };
    Record::new("account.verify", "user", Some(account.id))
        .by_requester(requester)
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(account)
}

/// Writes a new password's hash, ends every session of the account, records `action` and tells
/// the owner; in the caller's transaction.
async fn replace_password(
    txn: &impl ConnectionTrait,
    links: &Links,
    requester: &Requester,
    account: user::Model,
    hash: String,
    action: &str,
) -> Result<user::Model, AppError> {
    let mut active: user::ActiveModel = account.into();
    active.password_hash = Set(hash);
    let account = active.update(txn).await?;
    session::end_all_for(txn, account.id, None).await?;
    // A sign-in waiting for its app code was started with the old password: it opens nothing now.
    crate::auth::two_factor::end_waiting_for(txn, account.id).await?;
    Record::new(action, "user", Some(account.id))
        .by_requester(requester)
        .save(txn)
        .await?;
    crate::notify::service::notify(
        txn,
        links,
        account.id,
        crate::notify::model::NotificationKind::PasswordChanged,
        &[],
        "/account",
    )
    .await?;
    Ok(account)
}

/// Changes the password of the person asking, given the current one. Every session ends, this
/// browser's too; returns the token of the new session this browser is given.
pub async fn change_password(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    user_agent: Option<&str>,
    current: String,
    new: String,
) -> Result<String, AppError> {
    let viewer = requester.signed_in()?;
    let account = find_by_email(db, &viewer.email)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !super::sign_in::recheck_password(db, &account, current).await? {
        return Err(AppError::invalid(
            "current_password",
            "error.password_current_wrong",
        ));
    }
    super::rules::check_new_password("new_password", &new, &account.email)
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let hash = password::hash(new).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    // A reset (or another change) that landed since the current password was checked wins: the
    // old password no longer changes anything.
    if !super::service::still_the_password(&txn, &account).await? {
        txn.rollback().await?;
        return Err(AppError::invalid(
            "current_password",
            "error.password_current_wrong",
        ));
    }
    let account = replace_password(
        &txn,
        links,
        requester,
        account,
        hash,
        "account.password_change",
    )
    .await?;
    let token = session::start(&txn, account.id, &requester.ip, user_agent).await?;
    txn.commit().await?;
    Ok(token)
}

/// Sets a new password with the code emailed to `email` (which also proves the address). Every
/// session of the account ends.
pub async fn reset_password(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    email: &str,
    code: &str,
    new: String,
    device: Option<&str>,
) -> Result<(user::Model, Option<String>), AppError> {
    let email = super::rules::normalise_email(email);
    super::rules::check_new_password("password", &new, &email)
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let asker = Asker {
        ip: &requester.ip,
        device,
    };
    let account = consume_code(db, &email, CodePurpose::Reset, code, asker).await?;
    let hash = password::hash(new).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let mut account = replace_password(
        &txn,
        links,
        requester,
        account,
        hash,
        "account.password_reset",
    )
    .await?;
    if account.email_verified_at.is_none() {
        let mut active: user::ActiveModel = account.into();
        active.email_verified_at = Set(Some(Utc::now()));
        account = active.update(&txn).await?;
    }
    // The code proved this browser is the owner's: strangers' tries no longer hold it back.
    let new_device = super::sign_in::trust_browser(&txn, account.id, device).await?;
    txn.commit().await?;
    Ok((account, new_device))
}

/// Which of the person's other browsers to sign out.
pub enum Others<'a> {
    /// The one the sessions list names by this handle.
    One(&'a str),
    /// All but this browser.
    All,
}

/// Signs other browsers of the person asking out (`this` is this browser's session), on the
/// record. Someone else's handle ends nothing and is answered "not found".
pub async fn end_sessions(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    this: Option<&str>,
    which: Others<'_>,
) -> Result<(), AppError> {
    let viewer = requester.signed_in()?;
    let txn = crate::group_commit::begin_writing(db).await?;
    match which {
        Others::All => session::end_all_for(&txn, viewer.id, this).await?,
        Others::One(handle) => session::end_by_handle(&txn, viewer.id, handle).await?,
    }
    Record::new("account.sessions_ended", "user", Some(viewer.id))
        .by_requester(requester)
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
