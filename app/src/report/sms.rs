//! Following a report's answer by SMS, for people who have a phone and no account (or no
//! email): anyone proves a number with a code sent to it, and the number is then sent each
//! decision staff take on the report, until its holder stops it the same way.

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::entity::{report, sms_follower};
use super::model::ReportStatus;
use crate::auth::Requester;
use crate::error::AppError;
use crate::i18n::{Locale, k};
use crate::links::Links;
use crate::sms::rules::{display_phone, normalise_phone};
use crate::sms::service::{self as sms, Purpose};

/// Starting or stopping the messages: what a code proves.
fn purpose(report_id: i64, stop: bool) -> Purpose<'static> {
    Purpose {
        name: if stop {
            "report_sms_stop"
        } else {
            "report_sms_follow"
        },
        subject_id: Some(report_id),
    }
}

async fn report_of(db: &impl ConnectionTrait, id: i64) -> Result<report::Model, AppError> {
    report::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Sends `phone` a code that starts (or, with `stop`, stops) the report's messages. A closed
/// report has nothing more to tell, so it cannot be followed. Returns the number as people
/// write it.
pub async fn ask(
    db: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    requester: &Requester,
    report_id: i64,
    phone: &str,
    stop: bool,
) -> Result<String, AppError> {
    let phone = normalise_phone(phone).map_err(|e| AppError::Invalid(vec![e]))?;
    let r = report_of(db, report_id).await?;
    let open = ReportStatus::from_code(&r.status).is_some_and(ReportStatus::is_open);
    if !stop && !open {
        return Err(AppError::conflict("error.report_closed_for_sms"));
    }
    let locale = requester.locale;
    // The report's number, never its receipt code: anyone may follow a public report, and the
    // receipt is its author's.
    let number = r.id.to_string();
    let text = if stop {
        k::SMS_REPORT_STOP_CODE
    } else {
        k::SMS_REPORT_FOLLOW_CODE
    };
    sms::send_code(
        db,
        &requester.ip,
        &phone,
        purpose(report_id, stop),
        |code, minutes| {
            locale.tf(
                text,
                &[
                    ("code", code),
                    ("number", &number),
                    ("minutes", &minutes.to_string()),
                ],
            )
        },
    )
    .await?;
    Ok(display_phone(&phone))
}

/// Checks the code sent by [`ask`] and starts or stops the messages to that number, as the
/// holder asked when that code was sent (a code for the other, asked for meanwhile by anyone,
/// changes nothing). Returns whether the number follows the report now.
pub async fn confirm(
    db: &impl ConnectionTrait,
    requester: &Requester,
    report_id: i64,
    phone: &str,
    code: &str,
) -> Result<bool, AppError> {
    let phone = normalise_phone(phone).map_err(|e| AppError::Invalid(vec![e]))?;
    report_of(db, report_id).await?;
    let stop = purpose(report_id, true);
    let proved = sms::consume_code(
        db,
        &requester.ip,
        &phone,
        &[purpose(report_id, false), stop],
        code,
    )
    .await?;
    if proved == stop {
        sms_follower::Entity::delete_many()
            .filter(sms_follower::Column::ReportId.eq(report_id))
            .filter(sms_follower::Column::Phone.eq(&phone))
            .exec(db)
            .await?;
        return Ok(false);
    }
    sms_follower::Entity::insert(sms_follower::ActiveModel {
        report_id: Set(report_id),
        phone: Set(phone),
        locale: Set(requester.locale.code().to_owned()),
        created_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    Ok(true)
}

/// What a follower is told of a report.
pub enum News<'a> {
    /// Staff decided: the report's status now.
    Decided(ReportStatus),
    /// The deadline was missed: the organisation apologised and appointed this date (as the
    /// city writes it).
    Reappointed(&'a str),
    /// Sent on to the organisation that can act on it (its names, Vietnamese and English), with
    /// a new deadline (as the city writes it).
    Forwarded {
        to: (&'a str, &'a str),
        date: &'a str,
    },
}

/// Tells every number that follows the report the `news` (in the transaction that records it),
/// each in the language it chose, within each number's daily cap.
pub async fn tell_followers(
    db: &impl ConnectionTrait,
    links: &Links,
    r: &report::Model,
    news: News<'_>,
) -> Result<(), AppError> {
    let followers = sms_follower::Entity::find()
        .filter(sms_follower::Column::ReportId.eq(r.id))
        .all(db)
        .await?;
    let number = r.id.to_string();
    for f in followers {
        let link = follower_link(links, r, &f.phone);
        let locale = Locale::from_code(&f.locale);
        let body = match news {
            News::Decided(outcome) => {
                let status = crate::i18n::localise_value(
                    &format!("t:report.status.{}", outcome.code()),
                    locale,
                );
                locale.tf(
                    k::SMS_REPORT_UPDATE,
                    &[("number", &number), ("status", &status), ("link", &link)],
                )
            }
            News::Reappointed(date) => locale.tf(
                k::SMS_REPORT_REAPPOINTED,
                &[("number", &number), ("date", date), ("link", &link)],
            ),
            News::Forwarded { to, date } => locale.tf(
                k::SMS_REPORT_FORWARDED,
                &[
                    ("number", &number),
                    (
                        "organisation",
                        match locale {
                            Locale::Vi => to.0,
                            Locale::En => to.1,
                        },
                    ),
                    ("date", date),
                    ("link", &link),
                ],
            ),
        };
        sms::enqueue(db, &f.phone, "report_update", &body).await?;
    }
    Ok(())
}

/// Tells a report's news to the numbers that follow it and to its author (a notification whose
/// `status` is a text key, `t:report.status.…`), in the transaction that records it.
pub async fn tell_author_and_followers(
    db: &impl ConnectionTrait,
    links: &Links,
    r: &report::Model,
    news: News<'_>,
    status: &str,
) -> Result<(), AppError> {
    tell_followers(db, links, r, news).await?;
    if let Some(author) = r.author_id {
        crate::notify::service::notify(
            db,
            links,
            author,
            crate::notify::model::NotificationKind::ReportResponded,
            &[("report", &r.title), ("status", status)],
            &format!("/reports/{}", r.id),
        )
        .await?;
    }
    Ok(())
}

/// Where a follower's text leads: the person a report was filed for is sent its receipt's
/// address (holding it, they may say whether the answer solved it); anyone else, the report.
fn follower_link(links: &Links, r: &report::Model, phone: &str) -> String {
    match (&r.receipt_code, &r.filed_for_phone) {
        (Some(code), Some(given)) if given == phone && r.author_id.is_none() => {
            links.to(&format!("/receipt?code={code}"))
        }
        _ => links.to(&format!("/reports/{}", r.id)),
    }
}

/// The numbers that follow report `from` follow report `to` instead (a duplicate merged into
/// its original): a number that followed both follows it once.
pub async fn move_followers(db: &impl ConnectionTrait, from: i64, to: i64) -> Result<(), AppError> {
    let followers = sms_follower::Entity::find()
        .filter(sms_follower::Column::ReportId.eq(from))
        .all(db)
        .await?;
    for f in followers {
        sms_follower::Entity::insert(sms_follower::ActiveModel {
            report_id: Set(to),
            phone: Set(f.phone.clone()),
            locale: Set(f.locale.clone()),
            created_at: Set(f.created_at),
        })
        .on_conflict_do_nothing()
        .exec(db)
        .await?;
    }
    sms_follower::Entity::delete_many()
        .filter(sms_follower::Column::ReportId.eq(from))
        .exec(db)
        .await?;
    Ok(())
}

/// The number follows no report any more (its holder deleted their account).
pub async fn forget_number(db: &impl ConnectionTrait, phone: &str) -> Result<(), AppError> {
    sms_follower::Entity::delete_many()
        .filter(sms_follower::Column::Phone.eq(phone))
        .exec(db)
        .await?;
    Ok(())
}
