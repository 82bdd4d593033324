//! Two-step sign-in as an account's commands: turning it on, renewing recovery codes, turning
//! it off, and an administrator's reset. Codes are checked first (their tries count even when
//! the rest fails); then the change and its record are written in one transaction.

use sea_orm::{ConnectionTrait, TransactionSession, TransactionTrait};

use crate::audit::service::Record;
use crate::auth::{Requester, session, throttle, two_factor};
use crate::error::{AppError, FieldError};
use crate::i18n::{Locale, k};

/// A right code for the account, counted against its daily wrong codes (`budget`: the account,
/// or the browser that signed in to it before).
pub async fn prove(
    db: &impl ConnectionTrait,
    user_id: i64,
    code: &str,
    budget: &str,
) -> Result<(), AppError> {
    let counted = throttle::hit(db, two_factor::CODES_PER_ACCOUNT_PER_DAY, budget).await?;
    if !two_factor::accept(db, user_id, code).await? {
        return Err(AppError::invalid("code", "error.two_factor_code_wrong"));
    }
    throttle::give_back(db, counted).await
}

/// How the person asking proves it is them to turn two-step sign-in on: the app's first code
/// for the secret this browser session drew, and (when an office waits on it) the code emailed
/// to the account's address.
pub struct FirstCode<'a> {
    pub code: &'a str,
    pub email_code: &'a str,
    /// The browser session that drew the secret (only it may turn it on).
    pub session: Option<&'a str>,
    /// The browser's device cookie, whose tries of emailed codes are its own.
    pub device: Option<&'a str>,
}

/// Turns two-step sign-in on; other browsers signed in with the password alone are signed out.
/// Returns the recovery codes, shown once.
pub async fn turn_on(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    proof: FirstCode<'_>,
) -> Result<Vec<String>, AppError> {
    use crate::account::service::{Asker, CodePurpose, consume_code};
    let viewer = requester.signed_in()?;
    let session = proof.session.unwrap_or_default();
    let (secret, step) = two_factor::check_pending(db, viewer.id, proof.code, session).await?;
    // An office waits on this: the code sent by email proves the mailbox too.
    if viewer.office_waiting {
        let asker = Asker {
            ip: &requester.ip,
            device: proof.device,
        };
        consume_code(
            db,
            &crate::account::rules::Login::read(viewer.reached_at()),
            CodePurpose::TwoStep,
            proof.email_code,
            asker,
        )
        .await
        .map_err(|e| match e {
            AppError::Invalid(_) => AppError::invalid("email_code", "error.code_invalid"),
            other => other,
        })?;
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    let codes = two_factor::confirm(&txn, viewer.id, &secret, step).await?;
    session::end_all_for(&txn, viewer.id, proof.session).await?;
    Record::new("account.two_step_on", "user", Some(viewer.id))
        .by_requester(requester)
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(codes)
}

/// New recovery codes for old ones, with a current code from the app (or a recovery code).
pub async fn renew_codes(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let viewer = requester.signed_in()?;
    prove(db, viewer.id, code, &viewer.id.to_string()).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let codes = two_factor::replace_recovery_codes(&txn, viewer.id).await?;
    Record::new("account.two_step_new_codes", "user", Some(viewer.id))
        .by_requester(requester)
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(codes)
}

/// Turns two-step sign-in off, with a current code (an official's roles wait again).
pub async fn turn_off(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    code: &str,
) -> Result<(), AppError> {
    let viewer = requester.signed_in()?;
    prove(db, viewer.id, code, &viewer.id.to_string()).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    two_factor::turn_off(&txn, viewer.id).await?;
    Record::new("account.two_step_off", "user", Some(viewer.id))
        .by_requester(requester)
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// An administrator turns off the two-step sign-in of someone who lost both their phone and
/// their recovery codes (after checking who they are: `reason` says how). Their sessions end,
/// their office waits until they set it up again, the reset is recorded and they are told by
/// email, together. Nobody resets their own: that is what recovery codes are for.
pub async fn reset(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    email: &str,
    reason: &str,
) -> Result<(), AppError> {
    let admin = requester.signed_in()?;
    if !admin.is_admin {
        return Err(admin.refusal());
    }
    let reason = reason.trim();
    if let Some(e) = FieldError::length("reason", reason, 10, 500) {
        return Err(AppError::Invalid(vec![e]));
    }
    let login = crate::account::rules::Login::read(email);
    let account = crate::account::service::find_by_login(db, &login)
        .await?
        .ok_or_else(|| AppError::invalid("email", "error.no_such_account"))?;
    if account.id == admin.id {
        return Err(AppError::conflict("error.two_step_reset_self"));
    }
    if !two_factor::is_on(db, account.id).await? {
        return Err(AppError::conflict("error.two_step_not_on"));
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    two_factor::turn_off(&txn, account.id).await?;
    session::end_all_for(&txn, account.id, None).await?;
    Record::new("account.two_step_reset", "user", Some(account.id))
        .by_requester(requester)
        .reason(reason)
        .save(&txn)
        .await?;
    let locale = Locale::from_code(&account.locale);
    let link = links.to("/account#two-step-heading");
    let message = crate::account::service::Message {
        kind: "two_step_reset",
        subject: locale.t(k::MAIL_TWO_STEP_RESET_SUBJECT),
        body: &locale.tf(
            k::MAIL_TWO_STEP_RESET_BODY,
            &[("name", &account.display_name), ("link", &link)],
        ),
        text: &locale.tf(k::SMS_TWO_STEP_RESET, &[("link", &link)]),
    };
    crate::account::service::tell_owner(&txn, &account, message).await?;
    txn.commit().await?;
    Ok(())
}

/// Draws a new secret for the authenticator app of the person asking (the account page then
/// shows its QR code), for this session. Someone whose office waits for two-step sign-in is also
/// sent a code by email, in the same transaction: the password alone (which a stranger may
/// have) does not set up the app that opens an office. The email keeps the limits of every code
/// email: one a minute, six a day to the address (the owner's own browser has its own day).
pub async fn begin(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    session: &str,
    device: Option<&str>,
) -> Result<(), AppError> {
    let viewer = requester.signed_in()?;
    let txn = crate::group_commit::begin_writing(db).await?;
    two_factor::begin(&txn, viewer.id, viewer.reached_at(), session).await?;
    if viewer.office_waiting {
        super::service::resend_code(
            &txn,
            links,
            viewer.reached_at(),
            super::service::CodePurpose::TwoStep,
            device,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
