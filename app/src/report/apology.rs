//! A missed deadline answered in public, as the wards send their "phiếu xin lỗi và hẹn lại"
//! privately today: staff of the organisation post an apology with its reason and a new
//! appointment date. The report keeps its first deadline (on time is counted against it), shows
//! both, and counts each re-appointment; its author and the numbers that follow it are told.

use chrono::{TimeZone, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};

use super::entity::{apology, report};
use super::model::{ApologyView, ReportStatus};
use super::rules::{check_apology, due_now};
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::error::AppError;
use crate::i18n::format::city_offset;
use crate::links::Links;

/// Staff of the report's organisation apologise for its missed deadline, with `reason`, and
/// appoint `new_date` (`YYYY-MM-DD`, a working day after today; the end of that day is the new
/// deadline). Only an open report whose deadline (first, or last appointed) has passed. The
/// apology, the report's appointment, the public record and the messages commit together.
pub async fn apologise(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    report_id: i64,
    reason: &str,
    new_date: &str,
) -> Result<(), AppError> {
    let staff = requester.signed_in()?;
    let r = report::Entity::find_by_id(report_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !staff.is_staff_of(r.organisation_id) {
        return Err(staff.refusal());
    }
    let status = ReportStatus::from_code(&r.status).unwrap_or(ReportStatus::New);
    if !status.is_open() {
        return Err(AppError::conflict("error.report_closed"));
    }
    let now = Utc::now();
    let missed = due_now(r.response_due_at, r.appointed_due_at);
    if missed > now {
        return Err(AppError::conflict("error.apology_not_late"));
    }
    let calendar = crate::calendar::service::load(db).await?;
    let today = now.with_timezone(&city_offset()).date_naive();
    let reason = reason.trim();
    let (errors, date) = check_apology(reason, new_date, today, &calendar);
    let (Some(date), true) = (date, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let end = date.and_hms_opt(23, 59, 59).expect("a valid time");
    let new_due = city_offset()
        .from_local_datetime(&end)
        .single()
        .expect("a fixed offset")
        .with_timezone(&Utc);
    let txn = crate::group_commit::begin_writing(db).await?;
    // Only if nobody apologised (or answered) since it was read: one apology per missed date.
    let moved = report::Entity::update_many()
        .col_expr(report::Column::AppointedDueAt, Expr::value(new_due))
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .filter(report::Column::Id.eq(r.id))
        .filter(report::Column::OrganisationId.eq(r.organisation_id))
        .filter(report::Column::Status.eq(&r.status))
        .filter(match r.appointed_due_at {
            Some(at) => report::Column::AppointedDueAt.eq(at),
            None => report::Column::AppointedDueAt.is_null(),
        })
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::conflict("error.apology_not_late"));
    }
    apology::ActiveModel {
        report_id: Set(r.id),
        staff_id: Set(Some(staff.id)),
        signed_by: Set(staff.display_name.clone()),
        reason: Set(reason.to_owned()),
        missed_due_at: Set(missed),
        new_due_at: Set(new_due),
        created_at: Set(now),
        organisation_id: Set(Some(r.organisation_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Record::new("report.reappoint", "report", Some(r.id))
        .by_requester(requester)
        .public()
        .reason(reason)
        .details(serde_json::json!({ "missed": missed, "new_due_at": new_due }))
        .save(&txn)
        .await?;
    let date_shown = crate::i18n::format::format_date(new_due);
    super::sms::tell_author_and_followers(
        &txn,
        links,
        &r,
        super::sms::News::Reappointed(&date_shown),
        "t:report.status.reappointed",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A report's apologies, oldest first, each with the name of the official who signed it.
pub async fn of_report(
    db: &impl ConnectionTrait,
    report_id: i64,
) -> Result<Vec<ApologyView>, AppError> {
    let rows = apology::Entity::find()
        .filter(apology::Column::ReportId.eq(report_id))
        .order_by_asc(apology::Column::Id)
        .all(db)
        .await?;
    let orgs =
        super::service::org_names(db, rows.iter().filter_map(|a| a.organisation_id).collect())
            .await?;
    Ok(rows
        .into_iter()
        .map(|a| ApologyView {
            at: a.created_at,
            reason: a.reason,
            missed_due_at: a.missed_due_at,
            new_due_at: a.new_due_at,
            by: Some(a.signed_by).filter(|name| !name.is_empty()),
            organisation: a.organisation_id.and_then(|id| orgs.get(&id).cloned()),
        })
        .collect())
}
