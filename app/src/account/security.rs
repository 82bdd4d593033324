//! Commands that change how an account is entered: proving the address, changing or resetting
//! the password, signing other browsers out. A code or the current password is checked first
//! (a wrong one counts even though the rest is refused) and a new password hashed before any
//! write; then the change, its record and the owner's notification commit together.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TransactionSession, TransactionTrait,
};

use super::rules::Login;
use super::service::{Asker, CodePurpose, consume_code};
use crate::audit::service::Record;
use crate::auth::entity::user;
use crate::auth::{Requester, password, session};
use crate::error::AppError;
use crate::links::Links;

/// Marks the address or number `login` as proved by the code sent to it, on the record. An
/// address already proved has no code to give, so its answer is a wrong code's: nobody learns
/// who is verified here.
pub async fn verify(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    login: &str,
    code: &str,
    device: Option<&str>,
) -> Result<user::Model, AppError> {
    let asker = Asker {
        ip: &requester.ip,
        device,
    };
    let login = Login::read(login);
    // Outside a transaction: a wrong code must count against the code even though we refuse.
    let account = consume_code(db, &login, CodePurpose::Verify, code, asker).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let account = mark_proved(&txn, account, &login).await?;
    Record::new("account.verify", "user", Some(account.id))
        .by_requester(requester)
        .details(serde_json::json!({ "phone": login.is_phone() }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(account)
}

/// Marks `login` (the account's address or number) proved, if it was not yet.
async fn mark_proved(
    txn: &impl ConnectionTrait,
    account: user::Model,
    login: &Login,
) -> Result<user::Model, AppError> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    if super::service::proved(&account, login) {
        return Ok(account);
    }
    // Proved only if it is still the account's (a number given to someone who proved it
    // meanwhile is theirs).
    let (column, still_there) = match login {
        Login::Email(email) => (
            user::Column::EmailVerifiedAt,
            user::Column::Email.eq(email.as_str()),
        ),
        Login::Phone(phone) => (
            user::Column::PhoneVerifiedAt,
            user::Column::Phone.eq(phone.as_str()),
        ),
    };
    let proved = user::Entity::update_many()
        .col_expr(column, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(account.id))
        .filter(still_there)
        .exec(txn)
        .await?;
    // A person with a phone and no email learns of the answer to their report by text unless
    // they untick it: the site would otherwise tell them nowhere they look.
    if proved.rows_affected == 1 && login.is_phone() && account.email.is_none() {
        crate::notify::service::text_by_default(txn, account.id).await?;
    }
    user::Entity::find_by_id(account.id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)
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
    let account = user::Entity::find_by_id(viewer.id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !super::sign_in::recheck_password(db, &account, current).await? {
        return Err(AppError::invalid(
            "current_password",
            "error.password_current_wrong",
        ));
    }
    for login in [account.email.as_deref(), account.phone.as_deref()] {
        super::rules::check_new_password("new_password", &new, login.unwrap_or_default())
            .map_err(|e| AppError::Invalid(vec![e]))?;
    }
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

/// Sets a new password with the code sent to `login` (which also proves that address or
/// number). Every session of the account ends.
pub async fn reset_password(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    login: &str,
    code: &str,
    new: String,
    device: Option<&str>,
) -> Result<(user::Model, Option<String>), AppError> {
    let login = Login::read(login);
    super::rules::check_new_password("password", &new, login.key())
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let asker = Asker {
        ip: &requester.ip,
        device,
    };
    let account = consume_code(db, &login, CodePurpose::Reset, code, asker).await?;
    let hash = password::hash(new).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let account = replace_password(
        &txn,
        links,
        requester,
        account,
        hash,
        "account.password_reset",
    )
    .await?;
    let account = mark_proved(&txn, account, &login).await?;
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
