//! Signing in as commands: the password, then, for an account with two-step sign-in, the app's
//! code. Tries are counted (and recorded) as they come, whatever the answer; a sign-in that
//! succeeds ends what this browser held, trusts the browser for the account and starts its
//! session in one transaction. What the browser is given back (cookies) is the server
//! function's part: the commands say what to give.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TransactionSession, TransactionTrait,
};

use crate::audit::service::Record;
use crate::auth::entity::user;
use crate::auth::{Requester, session, throttle, two_factor};
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

/// The first step: the email address or phone number, and the password. Refused for a wrong
/// password (counted, see [`check_credentials`]) and for an account whose address or number is
/// not yet proved.
pub async fn with_password(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    login: &str,
    password: String,
    browser: Browser<'_>,
) -> Result<Outcome, AppError> {
    let Checked {
        account,
        known_browser,
    } = check_credentials(db, login, password, &requester.ip, browser.device).await?;
    // A right password alone signs nobody in yet: on the record as what it led to, and the
    // sign-in itself only with the session it starts.
    let halfway = |action: &'static str| {
        Record::new(action, "user", Some(account.id))
            .by_account(account.id, &account.display_name)
            .from_address(&requester.ip)
            .details(serde_json::json!({ "known_browser": known_browser }))
    };
    if account.email_verified_at.is_none() && account.phone_verified_at.is_none() {
        halfway("account.sign_in_unverified").save(db).await?;
        return Err(AppError::conflict("error.not_verified"));
    }
    if two_factor::is_on(db, account.id).await? {
        let step = two_factor::wait_for_code(db, account.id).await?;
        halfway("account.sign_in_code_asked").save(db).await?;
        return Ok(Outcome::CodeNext { step });
    }
    let how = How {
        known_browser,
        step: None,
    };
    Ok(Outcome::Session(
        start(db, requester, &account, browser, how).await?,
    ))
}

/// The second step: the app's code (or a recovery code) for the password given a moment ago in
/// this browser (`step`, from its private cookie). Every try is on the record: a wrong one at
/// once, a right one as the sign-in it completes.
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
    if let Err(wrong) = super::two_step::prove(db, user_id, code, &budget).await {
        Record::new("account.two_step_failed", "user", Some(user_id))
            .by_account(account.id, &account.display_name)
            .from_address(&requester.ip)
            .save(db)
            .await?;
        return Err(wrong);
    }
    let known_browser = super::service::trusted_device_of(db, Some(&account), browser.device)
        .await?
        .is_some();
    let how = How {
        known_browser,
        step: Some(step),
    };
    start(db, requester, &account, browser, how).await
}

/// How a sign-in got to its session.
struct How<'a> {
    /// From a browser that signed in to the account before.
    known_browser: bool,
    /// The waiting sign-in whose app code was right (none without two-step sign-in).
    step: Option<&'a str>,
}

/// Starts the session of a sign-in whose every step was right (and whose password is still the
/// account's), in one transaction with its record: whatever this browser held before ends, the browser is trusted for the account, and a
/// waiting second step is used up (of two right codes sent at once, one signs in).
async fn start(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    account: &user::Model,
    browser: Browser<'_>,
    how: How<'_>,
) -> Result<Started, AppError> {
    let txn = crate::group_commit::begin_writing(db).await?;
    // The password checked is still the account's: a reset that landed meanwhile is not undone
    // by a session started with the old one.
    if !super::service::still_the_password(&txn, account).await? {
        txn.rollback().await?;
        return Err(AppError::conflict("error.credentials"));
    }
    if let Some(step) = how.step
        && !two_factor::done_waiting(&txn, step).await?
    {
        txn.rollback().await?;
        return Err(AppError::conflict("error.two_factor_step_expired"));
    }
    let new_device = trust_browser(&txn, account.id, browser.device).await?;
    if let Some(old) = browser.session {
        session::end(&txn, old).await?;
    }
    let token = session::start(&txn, account.id, &requester.ip, browser.user_agent).await?;
    Record::new("account.sign_in", "user", Some(account.id))
        .by_account(account.id, &account.display_name)
        .from_address(&requester.ip)
        .details(serde_json::json!({
            "known_browser": how.known_browser,
            "two_step": how.step.is_some(),
        }))
        .save(&txn)
        .await?;
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

/// A sign-in as the limits see it: from a browser the account signed in from before, or not.
/// Wrong passwords from elsewhere use up a stranger's tries, never the owner's browsers' own.
fn sign_in_limits(
    account: &str,
    trusted: Option<&str>,
) -> Vec<(crate::auth::throttle::Limit, String)> {
    match trusted {
        Some(device) => vec![(super::rules::SIGN_IN_PER_BROWSER, device.to_owned())],
        None => vec![
            (super::rules::SIGN_IN_STRANGERS, account.to_owned()),
            (super::rules::SIGN_IN_STRANGERS_PER_DAY, account.to_owned()),
        ],
    }
}

/// Checks the credentials. Each try counts before the password is looked at: from a browser
/// that signed in to this account before, against that browser; from anywhere else, against
/// strangers' tries on this account (a few per quarter hour, a few dozen a day). A right password
/// gives its try back. Wrong passwords also count against the caller's network address, which
/// strangers' browsers cannot pass once it has had its share. Returns the account when the password
/// is right (verified or not); a wrong one is on the record.
pub async fn check_credentials(
    db: &impl ConnectionTrait,
    login: &str,
    password_given: String,
    ip: &str,
    device_token: Option<&str>,
) -> Result<Checked, AppError> {
    let login = super::rules::Login::read(login);
    let account = super::service::find_by_login(db, &login).await?;
    let trusted = super::service::trusted_device_of(db, account.as_ref(), device_token).await?;
    let address = throttle::address_of(ip);
    // A stranger's tries from one address are checked one at a time on this instance, each
    // after the address's wrong passwords so far are counted: a burst sent at once stops at the
    // limit. The turn ends with the request, however it ends.
    let _turn = match trusted {
        None => Some(address_turn(&address).await),
        Some(_) => None,
    };
    if trusted.is_none() {
        throttle::check(db, super::rules::SIGN_IN_PER_ADDRESS, &address).await?;
    }
    let mut counted = Vec::new();
    // An account's tries are one budget, whichever of its address and number is typed.
    let subject = match &account {
        Some(account) => format!("user:{}", account.id),
        None => login.key().to_owned(),
    };
    for (limit, subject) in sign_in_limits(&subject, trusted.as_deref()) {
        counted.push(throttle::hit(db, limit, &subject).await?);
    }
    let ok = crate::auth::password::verify(
        password_given,
        account.as_ref().map(|a| a.password_hash.clone()),
    )
    .await?;
    super::entity::sign_in_attempt::ActiveModel {
        email_key: Set(super::service::attempt_key(db, &login).await?),
        ip: Set(ip.chars().take(64).collect()),
        succeeded: Set(ok),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    match account {
        Some(account) if ok => {
            for try_counted in counted {
                throttle::give_back(db, try_counted).await?;
            }
            Ok(Checked {
                account,
                known_browser: trusted.is_some(),
            })
        }
        _ => {
            crate::audit::service::Record::new(
                "account.sign_in_failed",
                "user",
                account.as_ref().map(|a| a.id),
            )
            .from_address(ip)
            .details(serde_json::json!({ "known_browser": trusted.is_some() }))
            .save(db)
            .await?;
            throttle::count(db, super::rules::SIGN_IN_PER_ADDRESS, &address).await?;
            Err(AppError::conflict("error.credentials"))
        }
    }
}

/// A right password, for the account it opens.
pub struct Checked {
    pub account: user::Model,
    /// Given from a browser that signed in to the account before.
    pub known_browser: bool,
}

/// Whether `given` is the account's current password, asked again by its owner (to change it,
/// or to delete the account). Each try counts against the account before it is hashed (tries
/// sent at once count as many), and a right one is given back.
pub async fn recheck_password(
    db: &impl ConnectionTrait,
    account: &user::Model,
    given: String,
) -> Result<bool, AppError> {
    let subject = account.id.to_string();
    let counted = throttle::hit(db, super::rules::PASSWORD_RECHECKS, &subject).await?;
    let right = crate::auth::password::verify(given, Some(account.password_hash.clone())).await?;
    if right {
        throttle::give_back(db, counted).await?;
    }
    Ok(right)
}

/// The turn of a stranger's sign-in from `address` on this instance: one at a time per address
/// (a classroom behind one school address waits a moment each), given back when the request
/// ends, whether answered, failed or abandoned.
async fn address_turn(address: &str) -> tokio::sync::OwnedSemaphorePermit {
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, Mutex, Weak};
    use tokio::sync::Semaphore;
    static TURNS: LazyLock<Mutex<HashMap<String, Weak<Semaphore>>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    let turn = {
        let mut turns = TURNS.lock().unwrap_or_else(|e| e.into_inner());
        match turns.get(address).and_then(Weak::upgrade) {
            Some(turn) => turn,
            None => {
                if turns.len() >= 10_000 {
                    turns.retain(|_, t| t.strong_count() > 0);
                }
                let turn = Arc::new(Semaphore::new(1));
                turns.insert(address.to_owned(), Arc::downgrade(&turn));
                turn
            }
        }
    };
    turn.acquire_owned()
        .await
        .expect("a turn's semaphore is never closed")
}
