//! Reports filed for someone else. A person with no account, or who cannot write, is helped at
//! the one-stop desk by the organisation's staff, or by a volunteer of a helper group; the
//! report names them as they wish, records how they consented, and sends its receipt code by
//! text message to the phone they gave (which then follows the report). Whoever holds the
//! receipt may rate the answer; the person may later take the report into their own account,
//! signed in with that phone number proved.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionSession,
    TransactionTrait,
};

use super::entity::report;
use super::filing::{Helped, NewReport};
use super::rules::{Consent, check_assisted};
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::error::{AppError, FieldError};
use crate::helper::model::Desk;
use crate::links::Links;

/// A report for someone else, as the helper's form sends it.
pub struct NewAssisted {
    /// `org:3` (an organisation's one-stop desk) or `group:5` (a helper group).
    pub desk: String,
    pub filed_for_name: String,
    /// Optional: the person may have no phone.
    pub filed_for_phone: String,
    pub consent: String,
    /// The helper ticked "they agreed".
    pub consented: bool,
    pub report: NewReport,
}

/// A helper files a report for someone else at a desk they may file at (staff at their
/// organisation's, a volunteer at their group's): the report as [`super::service::create`]
/// checks it, the person's name, their phone if they have one, and their consent. Every
/// mistake is reported at once. `texts`: where the receipt's text message leads, where the site
/// sends them. Returns the report's id.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &crate::upload::storage::Storage,
    texts: Option<&Links>,
    requester: &Requester,
    new: NewAssisted,
) -> Result<i64, AppError> {
    let helper = requester.verified()?;
    let helps =
        helper.is_staff() || crate::helper::service::helps_in_a_group(db, helper.id).await?;
    if !helps {
        return Err(helper.refusal());
    }
    let name = new.filed_for_name.trim().to_owned();
    let mut errors = check_assisted(&name, &new.consent, new.consented);
    let desk = match Desk::from_code(&new.desk) {
        Some(desk) if crate::helper::service::may_file_at(db, helper, desk).await? => Some(desk),
        _ => {
            errors.push(FieldError::new("desk", "error.desk_choose"));
            None
        }
    };
    // A one-stop desk files about its own organisation (the page says "filed at the desk of"
    // the organisation concerned); a helper group may help with any.
    if let (Some(Desk::Organisation(at)), Some(to)) = (desk, new.report.organisation_id)
        && at != to
    {
        errors.push(FieldError::new("desk", "error.desk_other_organisation"));
    }
    let phone = match new.filed_for_phone.trim() {
        "" => None,
        typed => match crate::sms::rules::normalise_phone(typed) {
            Ok(phone) => Some(phone),
            Err(mut e) => {
                e.field = "filed_for_phone".into();
                errors.push(e);
                None
            }
        },
    };
    let helped = match (desk, Consent::from_code(&new.consent)) {
        (Some(desk), Some(consent)) if errors.is_empty() => Some(Helped {
            desk,
            name,
            phone,
            consent,
            locale: requester.locale,
            texts,
        }),
        _ => None,
    };
    if helped.is_none() && errors.is_empty() {
        errors.push(FieldError::new("consent", "error.consent_required"));
    }
    let filed = super::filing::file(db, storage, requester, new.report, errors, helped).await?;
    Ok(filed.id)
}

/// The person a report was filed for takes it into their account: signed in, with the receipt
/// code, and with the phone number given at the desk proved on the account. A code that is
/// not a report's, and one of a report that is not theirs to take, read the same. Returns the
/// report's id.
pub async fn claim(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    typed: &str,
) -> Result<i64, AppError> {
    let viewer = requester.verified()?;
    let id = super::service::by_receipt(db, requester, typed).await?;
    let r = report::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.author_id == Some(viewer.id) {
        return Ok(r.id);
    }
    let (true, None) = (r.filed_for_name.is_some(), r.author_id) else {
        return Err(AppError::invalid("code", "error.receipt_unknown"));
    };
    let Some(phone) = &r.filed_for_phone else {
        return Err(AppError::conflict("error.claim_no_phone"));
    };
    if !viewer.phone_verified || viewer.phone.is_none() {
        return Err(AppError::conflict("error.claim_needs_phone"));
    }
    if viewer.phone.as_deref() != Some(phone.as_str()) {
        return Err(AppError::conflict("error.claim_wrong_phone"));
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    let now = Utc::now();
    let done = report::Entity::update_many()
        .col_expr(report::Column::AuthorId, Expr::value(viewer.id))
        .col_expr(report::Column::ClaimedAt, Expr::value(now))
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .filter(report::Column::Id.eq(r.id))
        .filter(report::Column::AuthorId.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        txn.rollback().await?;
        // Taken a moment ago: by this person (a second press of the button) it is done.
        let now_by = report::Entity::find_by_id(r.id)
            .one(db)
            .await?
            .and_then(|r| r.author_id);
        return match now_by {
            Some(author) if author == viewer.id => Ok(r.id),
            _ => Err(AppError::invalid("code", "error.receipt_unknown")),
        };
    }
    Record::new("report.claim", "report", Some(r.id))
        .by_requester(requester)
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(r.id)
}

/// How many reports each helper group filed.
pub async fn filed_by_groups(
    db: &impl ConnectionTrait,
    group_ids: &[i64],
) -> Result<HashMap<i64, u64>, AppError> {
    use sea_orm::sea_query::ExprTrait;
    let rows: Vec<(Option<i64>, i64)> = report::Entity::find()
        .select_only()
        .column(report::Column::HelperGroupId)
        .column_as(Expr::col(report::Column::Id).count(), "n")
        .filter(report::Column::HelperGroupId.is_in(group_ids.to_vec()))
        .group_by(report::Column::HelperGroupId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(g, n)| g.map(|g| (g, n as u64)))
        .collect())
}
