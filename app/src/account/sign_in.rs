//! Signing in as commands: the password, then, for an account with two-step sign-in, the app's
//! code. Tries are counted (and recorded) as they come, whatever the answer; a sign-in that
//! succeeds ends what this browser held, trusts the browser for the account and starts its
//! session in one transaction. What the browser is given back (cookies) is the server
//! function's part: the commands say what to give.

use sea_orm::{ConnectionTrait, EntityTrait, TransactionSession, TransactionTrait};

use crate::audit::service::Record;
use crate::auth::entity::user;
use crate::auth::{Requester, session, two_factor};
use crate::error::AppError;

/// The browser asking, as its cookies and headers say.
#[derive(Clone, Copy, Default)]
pub struct Browser<'a> {
    /// The session it holds now, if any (ended when a new one starts).
    pub session: Option<&'a str>,
    /// Its device token (a browser that signed in to an account before has one).
    pub device: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

/// A session started for the browser.
#[derive(Debug)]
pub struct Started {
    /// The session's token, for the browser's session cookie.
    pub token: String,
    /// The account's language, for the language cookie.
    pub locale: String,
    /// A device token to keep, when the browser had none (or one that was not ours).
    pub new_device: Option<String>,
}

/// What a right password leads to.
#[derive(Debug)]
pub enum Outcome {
    /// Signed in.
    Session(Started),
    /// The password was right; the app's code comes next, for this step's token (kept by the
    /// browser in a private cookie for a few minutes).
    CodeNext { step: String },
}

/// The first step: email and password. Refused for a wrong password (counted, see
/// [`super::service::check_credentials`]) and for an address not yet verified.
pub async fn with_password(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    email: &str,
    password: String,
    browser: Browser<'_>,
) -> Result<Outcome, AppError> {
    let account =
        super::service::check_credentials(db, email, password, &requester.ip, browser.device)
            .await?;
    if account.email_verified_at.is_none() {
        return Err(AppError::conflict("error.not_verified"));
    }
    if two_factor::is_on(db, account.id).await? {
        let step = two_factor::wait_for_code(db, account.id).await?;
        return Ok(Outcome::CodeNext { step });
    }
    Ok(Outcome::Session(
        start(db, requester, &account, browser).await?,
    ))
}

/// The second step: the app's code (or a recovery code) for the password given a moment ago in
/// this browser (`step`, from its private cookie). Every try is on the record, right or wrong.
pub async fn with_code(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    step: Option<&str>,
    code: &str,
    browser: Browser<'_>,
) -> Result<Started, AppError> {
    let expired = || AppError::conflict("error.two_factor_step_expired");
    let step = step.ok_or_else(expired)?;
    let user_id = two_factor::waiting(db, step).await?.ok_or_else(expired)?;
    let account = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(expired)?;
    // Strangers who know the password share the account's day of wrong codes; a browser that
    // signed in to the account before has its own, so they cannot lock the owner out.
    let budget =
        super::service::budget_of(db, Some(&account), &user_id.to_string(), browser.device).await?;
    let proved = super::two_step::prove(db, user_id, code, &budget).await;
    let action = if proved.is_ok() {
        "account.two_step"
    } else {
        "account.two_step_failed"
    };
    Record::new(action, "user", Some(user_id))
        .by_account(account.id, &account.display_name)
        .from_address(&requester.ip)
        .save(db)
        .await?;
    proved?;
    let started = start(db, requester, &account, browser).await?;
    two_factor::done_waiting(db, step).await?;
    Ok(started)
}

/// Starts the session of a sign-in whose every step was right, in one transaction: whatever
/// this browser held before ends, and the browser is trusted for the account.
async fn start(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    account: &user::Model,
    browser: Browser<'_>,
) -> Result<Started, AppError> {
    let txn = crate::group_commit::begin_writing(db).await?;
    let new_device = trust_browser(&txn, account.id, browser.device).await?;
    if let Some(old) = browser.session {
        session::end(&txn, old).await?;
    }
    let token = session::start(&txn, account.id, &requester.ip, browser.user_agent).await?;
    txn.commit().await?;
    Ok(Started {
        token,
        locale: account.locale.clone(),
        new_device,
    })
}

/// Trusts this browser for the account (strangers' tries no longer hold it back), by its device
/// token; a browser without one, or with one we never made, gets a new one, answered to keep.
pub(crate) async fn trust_browser(
    db: &impl ConnectionTrait,
    user_id: i64,
    device: Option<&str>,
) -> Result<Option<String>, AppError> {
    let (token, new) = match device {
        Some(device) if device.len() == 64 && device.bytes().all(|b| b.is_ascii_hexdigit()) => {
            (device.to_owned(), None)
        }
        _ => {
            let fresh = crate::token::random_token(32);
            (fresh.clone(), Some(fresh))
        }
    };
    super::service::trust_device(db, user_id, &token).await?;
    Ok(new)
}
