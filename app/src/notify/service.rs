//! Sending a notification, listing them, and each person's email preferences.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Expr,
};

use super::entity::{email_opt_out, notification, sms_choice};
use super::model::{EmailPreference, NotificationItem, NotificationKind};
use crate::auth::entity::user;
use crate::error::AppError;
use crate::i18n::{Locale, fill, k};
use crate::links::Links;

/// Tells `user_id` about an event: always in the app, by email unless they opted out of `kind`.
pub async fn notify(
    db: &impl ConnectionTrait,
    links: &Links,
    user_id: i64,
    kind: NotificationKind,
    params: &[(&str, &str)],
    link: &str,
) -> Result<(), AppError> {
    // The name goes when its account is deleted, found by this tag (see `crate::privacy`).
    debug_assert!(
        !params.iter().any(|(k, _)| *k == "name")
            || params.iter().any(|(k, _)| *k == super::model::ACTOR),
        "a notification that names a person says whose account it is"
    );
    let Some(account) = user::Entity::find_by_id(user_id).one(db).await? else {
        return Err(AppError::NotFound);
    };
    let params_json: serde_json::Map<String, serde_json::Value> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String((*v).to_owned())))
        .collect();
    notification::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind.code().to_owned()),
        params: Set(serde_json::Value::Object(params_json).to_string()),
        link: Set(link.chars().take(255).collect()),
        read_at: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;

    let locale = Locale::from_code(&account.locale);
    let owned: Vec<(String, String)> = params
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    let shown = super::model::localise_params(&owned, locale);
    let shown: Vec<(&str, &str)> = shown
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let subject = fill(kind.text().get(locale), &shown);

    let opted_out = email_opt_out::Entity::find_by_id((user_id, kind.code().to_owned()))
        .one(db)
        .await?
        .is_some();
    let email = account
        .email
        .as_deref()
        .filter(|_| account.email_verified_at.is_some());
    if let Some(email) = email.filter(|_| !opted_out) {
        let body = locale.tf(
            k::MAIL_NOTIFICATION_BODY,
            &[
                ("name", &account.display_name),
                ("message", &subject),
                ("link", &links.to(link)),
            ],
        );
        crate::mail::service::enqueue(db, email, kind.code(), &subject, &body).await?;
    }
    if let Some(phone) = by_text(db, &account, kind).await? {
        let text = locale.tf(
            k::SMS_NOTIFICATION,
            &[("message", &subject), ("link", &links.to(link))],
        );
        // Within the number's day of texts: a phone is not an inbox.
        crate::sms::service::enqueue(db, &phone, kind.code(), &text).await?;
    }
    Ok(())
}

/// The proved number `kind` goes to by text message for `account`, if it does: when its person
/// chose it, and always for a password that changed on an account with no address (it would
/// learn of it nowhere else).
async fn by_text(
    db: &impl ConnectionTrait,
    account: &user::Model,
    kind: NotificationKind,
) -> Result<Option<String>, AppError> {
    let Some(phone) = account
        .phone
        .clone()
        .filter(|_| account.phone_verified_at.is_some() && kind.by_text())
    else {
        return Ok(None);
    };
    if kind == NotificationKind::PasswordChanged && account.email.is_none() {
        return Ok(Some(phone));
    }
    let chosen = sms_choice::Entity::find_by_id((account.id, kind.code().to_owned()))
        .one(db)
        .await?
        .is_some();
    Ok(chosen.then_some(phone))
}

pub async fn list(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<NotificationItem>, AppError> {
    let rows = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::Id)
        .limit(100)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let kind = NotificationKind::from_code(&row.kind)?;
            let params =
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&row.params)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned()))
                    .collect();
            Some(NotificationItem {
                id: row.id,
                kind,
                params,
                link: row.link,
                read: row.read_at.is_some(),
                created_at: row.created_at,
            })
        })
        .collect())
}

pub async fn mark_all_read(db: &impl ConnectionTrait, user_id: i64) -> Result<(), AppError> {
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// What the person gets by email (every kind unless switched off) and by text message (the
/// kinds they chose, once their number is proved).
pub async fn preferences(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<EmailPreference>, AppError> {
    let off: Vec<String> = email_opt_out::Entity::find()
        .filter(email_opt_out::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.kind)
        .collect();
    let texted: Vec<String> = sms_choice::Entity::find()
        .filter(sms_choice::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.kind)
        .collect();
    let has_phone = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some_and(|u| u.phone.is_some() && u.phone_verified_at.is_some());
    Ok(NotificationKind::ALL
        .into_iter()
        .map(|kind| EmailPreference {
            kind,
            email: !off.iter().any(|c| c == kind.code()),
            sms: (has_phone && kind.by_text()).then(|| texted.iter().any(|c| c == kind.code())),
        })
        .collect())
}

/// Turns on the text messages a person with no email gets unless they untick them: the answer
/// to their own report.
pub async fn text_by_default(db: &impl ConnectionTrait, user_id: i64) -> Result<(), AppError> {
    sms_choice::Entity::insert(sms_choice::ActiveModel {
        user_id: Set(user_id),
        kind: Set(NotificationKind::ReportResponded.code().to_owned()),
        created_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    Ok(())
}

/// Replaces the person's choices: email is on exactly for the kinds in `email_on`, text
/// messages exactly for the kinds in `sms_on` that can come by text.
pub async fn set_preferences(
    db: &impl ConnectionTrait,
    user_id: i64,
    email_on: &[NotificationKind],
    sms_on: &[NotificationKind],
) -> Result<(), AppError> {
    sms_choice::Entity::delete_many()
        .filter(sms_choice::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    for kind in sms_on.iter().filter(|k| k.by_text()) {
        sms_choice::ActiveModel {
            user_id: Set(user_id),
            kind: Set(kind.code().to_owned()),
            created_at: Set(Utc::now()),
        }
        .insert(db)
        .await?;
    }
    email_opt_out::Entity::delete_many()
        .filter(email_opt_out::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    for kind in NotificationKind::ALL
        .into_iter()
        .filter(|k| !email_on.contains(k))
    {
        email_opt_out::ActiveModel {
            user_id: Set(user_id),
            kind: Set(kind.code().to_owned()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
