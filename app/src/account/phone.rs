//! A mobile number added to an account, or replacing its number: the owner asks with their
//! password, a code is sent to the number by text message, and the number is the account's once
//! the code comes back. One number is one account's: a number another account has proved stays
//! theirs; one another account only claimed (registered with, never proved) passes to whoever
//! proves it. A public vote may ask for a proved number, so a number is never two voters.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

use super::rules::Login;
use super::service::{Asker, CodePurpose};
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::auth::entity::user;
use crate::error::AppError;
use crate::links::Links;

/// Sends a code to the number `raw` (however it is written) for the account of the person
/// asking, who gives their password again: a session left open is no way to tie a stranger's
/// phone to the account. Within the limits of every code (one a minute, six a day to the
/// number, whoever asks: the account's own browser has no day of its own for a number not yet
/// its). Answers with the number in its international form (none if it is the account's already);
/// the answer is the same whether or not another account has it.
pub async fn ask(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    raw: &str,
    password: String,
) -> Result<Option<String>, AppError> {
    let (account, number) = asking(db, requester, raw).await?;
    if !super::sign_in::recheck_password(db, &account, password).await? {
        return Err(AppError::invalid(
            "password",
            "error.password_current_wrong",
        ));
    }
    if account.phone.as_deref() == Some(number.as_str()) && account.phone_verified_at.is_some() {
        return Ok(None);
    }
    let to = Login::Phone(number.clone());
    let txn = crate::group_commit::begin_writing(db).await?;
    super::service::send_within_limits(&txn, links, &account, CodePurpose::Verify, &to, None)
        .await?;
    txn.commit().await?;
    Ok(Some(number))
}

/// Makes the number `raw` the account's, with the code sent to it; refused, once the code has
/// proved the person holds the number, if another account has proved it. The owner is told where
/// they were told before (their address, or the number replaced): a phone can open the account
/// from now on.
pub async fn confirm(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    raw: &str,
    code: &str,
    device: Option<&str>,
) -> Result<user::Model, AppError> {
    let (account, number) = asking(db, requester, raw).await?;
    let asker = Asker {
        ip: &requester.ip,
        device,
    };
    let to = Login::Phone(number.clone());
    // Outside a transaction: a wrong code counts even though it is refused.
    let account =
        super::service::consume_code_of(db, Some(account), &to, CodePurpose::Verify, code, asker)
            .await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let holder = user::Entity::find()
        .filter(user::Column::Phone.eq(number.as_str()))
        .one(&txn)
        .await?;
    let taken = || AppError::conflict("error.phone_taken");
    match holder {
        Some(holder) if holder.id == account.id => {}
        Some(holder) if holder.phone_verified_at.is_some() => {
            txn.rollback().await?;
            return Err(taken());
        }
        Some(holder) => {
            // Claimed with a registration never proved: the person who holds the phone wins,
            // unless the claim is proved at this very moment.
            let released = user::Entity::update_many()
                .col_expr(user::Column::Phone, Expr::value(Option::<String>::None))
                .filter(user::Column::Id.eq(holder.id))
                .filter(user::Column::Phone.eq(number.as_str()))
                .filter(user::Column::PhoneVerifiedAt.is_null())
                .exec(&txn)
                .await?;
            if released.rows_affected != 1 {
                txn.rollback().await?;
                return Err(taken());
            }
            Record::new("account.phone_released", "user", Some(holder.id))
                .save(&txn)
                .await?;
        }
        None => {}
    }
    let replaced = account.phone.is_some();
    let before = account.clone();
    let mut active: user::ActiveModel = account.into();
    active.phone = Set(Some(number));
    active.phone_verified_at = Set(Some(Utc::now()));
    let account = match active.update(&txn).await {
        Ok(account) => account,
        // Proved for another account at this very moment: theirs.
        Err(err) if crate::error::is_unique_violation(&err) => {
            txn.rollback().await?;
            return Err(taken());
        }
        Err(err) => return Err(err.into()),
    };
    Record::new("account.phone_added", "user", Some(account.id))
        .by_requester(requester)
        .details(serde_json::json!({ "replaced": replaced }))
        .save(&txn)
        .await?;
    tell_of_new_number(&txn, links, &before).await?;
    txn.commit().await?;
    Ok(account)
}

/// The account of the person asking, and the number `raw` in its international form (refused in
/// words if it is no Vietnamese mobile number).
async fn asking(
    db: &impl ConnectionTrait,
    requester: &Requester,
    raw: &str,
) -> Result<(user::Model, String), AppError> {
    let viewer = requester.signed_in()?;
    let number = crate::sms::rules::normalise_phone(raw).map_err(|e| AppError::Invalid(vec![e]))?;
    let account = user::Entity::find_by_id(viewer.id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok((account, number))
}

/// Tells the owner of `before` (the account as it was) that a number now opens it: by email to
/// its address, or by text to the number it replaced.
async fn tell_of_new_number(
    txn: &impl ConnectionTrait,
    links: &Links,
    before: &user::Model,
) -> Result<(), AppError> {
    use crate::i18n::{Locale, k};
    let Some(number) = user::Entity::find_by_id(before.id)
        .one(txn)
        .await?
        .and_then(|now| now.phone)
    else {
        return Ok(());
    };
    let locale = Locale::from_code(&before.locale);
    let shown = crate::sms::rules::display_phone(&number);
    let link = links.to("/account#password-heading");
    let message = super::service::Message {
        kind: "phone_added",
        subject: locale.t(k::MAIL_PHONE_ADDED_SUBJECT),
        body: &locale.tf(
            k::MAIL_PHONE_ADDED_BODY,
            &[
                ("name", &before.display_name),
                ("phone", &shown),
                ("link", &link),
            ],
        ),
        text: &locale.tf(k::SMS_PHONE_ADDED, &[("phone", &shown), ("link", &link)]),
    };
    super::service::tell_owner(txn, before, message).await
}
