//! Where a report goes and how fast: staff mark a report urgent (its deadline is then counted in
//! office hours), or forward one sent to the wrong ward or department to the organisation that
//! can act on it, with a reason said in public.
//!
//! The clock rule for a forwarded report, as the page states it: the organisation that receives
//! it has its own number of working days, counted from the day it was forwarded; the one that
//! forwarded it has answered on time if it forwarded before its own deadline.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};

use super::entity::{forward, report};
use super::model::{ForwardView, ReportStatus};
use super::rules::{check_forward, may_change_urgency, urgent_due};
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::error::AppError;
use crate::links::Links;
use crate::org::entity::organisation;

async fn open_report_of_staff(
    db: &impl ConnectionTrait,
    requester: &Requester,
    report_id: i64,
) -> Result<report::Model, AppError> {
    let staff = requester.signed_in()?;
    let r = report::Entity::find_by_id(report_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !staff.is_staff_of(r.organisation_id) {
        return Err(staff.refusal());
    }
    if !ReportStatus::from_code(&r.status).is_some_and(ReportStatus::is_open) {
        return Err(AppError::conflict("error.report_closed"));
    }
    Ok(r)
}

/// Staff of the report's organisation send it on to organisation `to`, saying why in public. It
/// arrives there as new, with that organisation's deadline counted from now (in office hours if
/// it is urgent); an appointment the first organisation gave no longer stands. The forwarding,
/// the report, the public record and the messages to its author and followers commit together.
pub async fn forward(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    report_id: i64,
    to: Option<i64>,
    reason: &str,
) -> Result<(), AppError> {
    let r = open_report_of_staff(db, requester, report_id).await?;
    let staff = requester.signed_in()?;
    let reason = reason.trim();
    let errors = check_forward(r.organisation_id, to, reason);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let target = match to {
        Some(id) => organisation::Entity::find_by_id(id).one(db).await?,
        None => None,
    }
    .ok_or_else(|| AppError::invalid("organisation_id", "error.organisation_choose"))?;
    // An organisation nobody answers for would hold it unanswered: it cannot receive one.
    let staffed = crate::org::entity::org_staff::Entity::find()
        .filter(crate::org::entity::org_staff::Column::OrganisationId.eq(target.id))
        .count(db)
        .await?;
    if staffed == 0 {
        return Err(AppError::invalid(
            "organisation_id",
            "error.forward_no_staff",
        ));
    }
    let now = Utc::now();
    let calendar = crate::calendar::service::load(db).await?;
    let in_days = calendar.working_days_after(now, target.response_days.max(1) as u32);
    let mut due = match r.urgent_at {
        Some(_) => urgent_due(now, in_days, &calendar),
        None => in_days,
    };
    // Sent back to an organisation that held it before: its first deadline still stands (a
    // report passed to and fro does not earn a fresh clock).
    let earlier = forward::Entity::find()
        .filter(forward::Column::ReportId.eq(r.id))
        .filter(forward::Column::FromOrganisationId.eq(target.id))
        .order_by_asc(forward::Column::Id)
        .one(db)
        .await?;
    if let Some(earlier) = earlier {
        due = due.min(earlier.due_at);
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    // Only if nobody forwarded, answered or changed it since it was read.
    let moved = report::Entity::update_many()
        .col_expr(report::Column::OrganisationId, Expr::value(target.id))
        .col_expr(
            report::Column::Status,
            Expr::value(ReportStatus::New.code()),
        )
        .col_expr(
            report::Column::AcknowledgedAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(report::Column::ResponseDueAt, Expr::value(due))
        .col_expr(
            report::Column::AppointedDueAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(report::Column::ForwardedAt, Expr::value(now))
        .col_expr(
            report::Column::FirstDueAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(
            report::Column::FirstRespondedAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .filter(report::Column::Id.eq(r.id))
        .filter(report::Column::OrganisationId.eq(r.organisation_id))
        .filter(report::Column::Status.eq(&r.status))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::conflict("error.report_changed"));
    }
    forward::ActiveModel {
        report_id: Set(r.id),
        from_organisation_id: Set(r.organisation_id),
        to_organisation_id: Set(target.id),
        staff_id: Set(Some(staff.id)),
        signed_by: Set(staff.display_name.clone()),
        reason: Set(reason.to_owned()),
        received_at: Set(r.forwarded_at.unwrap_or(r.created_at)),
        due_at: Set(r.response_due_at),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Record::new("report.forward", "report", Some(r.id))
        .by_requester(requester)
        .public()
        .reason(reason)
        .details(serde_json::json!({
            "from": r.organisation_id,
            "to": target.id,
            "due_at": due,
        }))
        .save(&txn)
        .await?;
    // An urgent deadline is a matter of hours: its time is said too.
    let date = match r.urgent_at {
        Some(_) => crate::i18n::format::format_datetime(due),
        None => crate::i18n::format::format_date(due),
    };
    super::sms::tell_author_and_followers(
        &txn,
        links,
        &r,
        super::sms::News::Forwarded {
            to: (&target.name_vi, &target.name_en),
            date: &date,
        },
        "t:report.status.forwarded",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Staff of the report's organisation mark it urgent (its deadline becomes a working day of
/// office hours from now, or stays if sooner) or no longer urgent (its deadline is again its
/// organisation's working days from when its clock started: filed, forwarded, or reopened).
/// Only while it is open and its deadline has not been missed; saying what it already is
/// changes nothing.
pub async fn set_urgency(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    report_id: i64,
    urgent: bool,
) -> Result<(), AppError> {
    let r = open_report_of_staff(db, requester, report_id).await?;
    if r.urgent_at.is_some() == urgent {
        return Ok(());
    }
    let now = Utc::now();
    if r.appointed_due_at.is_some() || !may_change_urgency(true, r.response_due_at, now) {
        return Err(AppError::conflict("error.urgency_after_deadline"));
    }
    let calendar = crate::calendar::service::load(db).await?;
    let due = if urgent {
        urgent_due(now, r.response_due_at, &calendar)
    } else {
        let org = organisation::Entity::find_by_id(r.organisation_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        // From when its clock last started: filed, forwarded here, or reopened.
        let started = [Some(r.created_at), r.forwarded_at, r.reopened_at]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(r.created_at);
        calendar.working_days_after(started, org.response_days.max(1) as u32)
    };
    let txn = crate::group_commit::begin_writing(db).await?;
    let changed = report::Entity::update_many()
        .col_expr(report::Column::UrgentAt, Expr::value(urgent.then_some(now)))
        .col_expr(report::Column::ResponseDueAt, Expr::value(due))
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .filter(report::Column::Id.eq(r.id))
        .filter(report::Column::OrganisationId.eq(r.organisation_id))
        .filter(report::Column::Status.eq(&r.status))
        .filter(match r.urgent_at {
            Some(at) => report::Column::UrgentAt.eq(at),
            None => report::Column::UrgentAt.is_null(),
        })
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::conflict("error.report_changed"));
    }
    Record::new(
        if urgent {
            "report.urgent"
        } else {
            "report.not_urgent"
        },
        "report",
        Some(r.id),
    )
    .by_requester(requester)
    .public()
    .details(serde_json::json!({ "due_at": due }))
    .save(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A report's forwardings, oldest first, each with both organisations' names.
pub async fn of_report(
    db: &impl ConnectionTrait,
    report_id: i64,
) -> Result<Vec<ForwardView>, AppError> {
    let rows = forward::Entity::find()
        .filter(forward::Column::ReportId.eq(report_id))
        .order_by_asc(forward::Column::Id)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows
        .iter()
        .flat_map(|f| [f.from_organisation_id, f.to_organisation_id])
        .collect();
    let orgs = super::service::org_names(db, ids).await?;
    let returned = super::figures::returned(
        &rows
            .iter()
            .map(|f| (f.from_organisation_id, f.to_organisation_id))
            .collect::<Vec<_>>(),
    );
    Ok(rows
        .into_iter()
        .zip(returned)
        .filter_map(|(f, returned)| {
            let from = orgs.get(&f.from_organisation_id)?;
            let to = orgs.get(&f.to_organisation_id)?;
            Some(ForwardView {
                at: f.created_at,
                from: from.clone(),
                to: to.clone(),
                reason: f.reason,
                by: Some(f.signed_by).filter(|name| !name.is_empty()),
                due_before: f.due_at,
                on_time: f.created_at <= f.due_at && !returned,
                returned,
            })
        })
        .collect())
}
