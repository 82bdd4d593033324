//! Publishing a commitment, moving its date with a reason, saying it is kept, and following it.
//! Each act of an office is on the public record, and the people who follow it are told.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};

use super::entity::{commitment, follow, link, moved};
use super::rules::{LinkKind, check_commitment, check_done, check_move, parse_reports};
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::error::{AppError, FieldError};
use crate::links::Links;
use crate::notify::model::NotificationKind;
use crate::pilot::rules::city_today;

pub use super::model::CommitmentForm;

/// An optional id as a select sends it: empty is none; anything else must be a number.
fn optional_id(field: &str, value: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let id = value.parse::<i64>().ok();
    if id.is_none() {
        errors.push(FieldError::new(field, "error.commitment_link_unknown"));
    }
    id
}

/// What it answers, each checked to exist in public: the reports, a published challenge, a pilot.
async fn checked_links(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    form: &CommitmentForm,
    errors: &mut Vec<FieldError>,
) -> Result<Vec<(LinkKind, i64)>, AppError> {
    let mut links = Vec::new();
    match parse_reports(&form.reports) {
        Ok(ids) if !ids.is_empty() => {
            use crate::report::entity::report;
            let found: Vec<(i64, i64)> = report::Entity::find()
                .select_only()
                .columns([report::Column::Id, report::Column::OrganisationId])
                .filter(report::Column::Id.is_in(ids.clone()))
                .into_tuple()
                .all(db)
                .await?;
            if found.len() != ids.len() {
                errors.push(FieldError::new(
                    "reports",
                    "error.commitment_reports_unknown",
                ));
            } else if found.iter().any(|(_, org)| *org != organisation_id) {
                // A commitment answers its own organisation's reports.
                errors.push(FieldError::new(
                    "reports",
                    "error.commitment_reports_elsewhere",
                ));
            } else {
                links.extend(ids.into_iter().map(|id| (LinkKind::Report, id)));
            }
        }
        Ok(_) => {}
        Err(e) => errors.push(e),
    }
    if let Some(id) = optional_id("challenge_id", &form.challenge_id, errors) {
        let published = crate::challenge::entity::challenge::Entity::find_by_id(id)
            .filter(crate::challenge::entity::challenge::Column::PublishedAt.is_not_null())
            .count(db)
            .await?;
        if published == 1 {
            links.push((LinkKind::Challenge, id));
        } else {
            errors.push(FieldError::new(
                "challenge_id",
                "error.commitment_link_unknown",
            ));
        }
    }
    if let Some(id) = optional_id("pilot_id", &form.pilot_id, errors) {
        let found = crate::pilot::entity::pilot::Entity::find_by_id(id)
            .count(db)
            .await?;
        if found == 1 {
            links.push((LinkKind::Pilot, id));
        } else {
            errors.push(FieldError::new("pilot_id", "error.commitment_link_unknown"));
        }
    }
    Ok(links)
}

/// An official of the organisation publishes a commitment in their name and office. Every
/// mistake is said at once and nothing is saved. The commitment, what it answers and the public
/// record commit together. Returns its id.
pub async fn publish(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    form: CommitmentForm,
) -> Result<i64, AppError> {
    let official = requester.signed_in()?;
    let Some(org) = form.organisation_id.trim().parse::<i64>().ok() else {
        return Err(AppError::invalid(
            "organisation_id",
            "error.organisation_choose",
        ));
    };
    if !official.is_staff_of(org) {
        return Err(official.refusal());
    }
    if crate::org::entity::organisation::Entity::find_by_id(org)
        .one(db)
        .await?
        .is_none()
    {
        return Err(AppError::invalid(
            "organisation_id",
            "error.organisation_choose",
        ));
    }
    let now = Utc::now();
    let (mut errors, due) = check_commitment(
        &form.title,
        &form.body,
        &form.official_role,
        &form.due_on,
        city_today(now),
    );
    let links = checked_links(db, org, &form, &mut errors).await?;
    let (Some(due), true) = (due, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let txn = crate::group_commit::begin_writing(db).await?;
    let c = commitment::ActiveModel {
        organisation_id: Set(org),
        official_id: Set(Some(official.id)),
        official_name: Set(official.display_name.clone()),
        official_role: Set(form.official_role.trim().to_owned()),
        title: Set(form.title.trim().to_owned()),
        body: Set(form.body.trim().to_owned()),
        due_on: Set(due),
        original_due_on: Set(due),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (kind, target_id) in &links {
        link::ActiveModel {
            commitment_id: Set(c.id),
            kind: Set(kind.code().to_owned()),
            target_id: Set(*target_id),
        }
        .insert(&txn)
        .await?;
    }
    Record::new("commitment.publish", "commitment", Some(c.id))
        .by_requester(requester)
        .public()
        .details(serde_json::json!({
            "organisation_id": org,
            "due_on": due.format("%d/%m/%Y").to_string(),
            "answers": links
                .iter()
                .map(|(kind, id)| format!("{}:{id}", kind.code()))
                .collect::<Vec<_>>(),
        }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(c.id)
}

/// The commitment, for staff of its organisation, while it is not kept yet.
async fn managed(
    db: &impl ConnectionTrait,
    requester: &Requester,
    id: i64,
) -> Result<commitment::Model, AppError> {
    let staff = requester.signed_in()?;
    let c = commitment::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !staff.is_staff_of(c.organisation_id) {
        return Err(staff.refusal());
    }
    if c.done_at.is_some() {
        return Err(AppError::conflict("error.commitment_done"));
    }
    Ok(c)
}

/// Tells everyone who follows the commitment `what` happened (`t:` a text key), in the
/// transaction that records it.
pub async fn tell_followers(
    db: &impl ConnectionTrait,
    links: &Links,
    c: &commitment::Model,
    what: &str,
    date: &str,
) -> Result<(), AppError> {
    let followers: Vec<i64> = follow::Entity::find()
        .filter(follow::Column::CommitmentId.eq(c.id))
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.user_id)
        .collect();
    for user_id in followers {
        crate::notify::service::notify(
            db,
            links,
            user_id,
            NotificationKind::FollowedCommitment,
            &[("title", &c.title), ("what", what), ("date", date)],
            &format!("/commitments/{}", c.id),
        )
        .await?;
    }
    Ok(())
}

/// Staff of the organisation move the date, with a reason said in public (a commitment kept
/// does not move). The first date stays on the page beside the new one; each move is kept.
pub async fn move_due(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    id: i64,
    due_on: &str,
    reason: &str,
) -> Result<(), AppError> {
    let c = managed(db, requester, id).await?;
    let staff = requester.signed_in()?;
    let now = Utc::now();
    let (errors, due) = check_move(reason, due_on, c.due_on, city_today(now));
    let (Some(due), true) = (due, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let reason = reason.trim();
    // Moved after its last day ended unkept: it stays late, counted from the date it missed.
    let calendar = crate::calendar::service::load(db).await?;
    let missed_on = c
        .missed_on
        .or_else(|| super::rules::missed(c.due_on, now, &calendar).then_some(c.due_on));
    let txn = crate::group_commit::begin_writing(db).await?;
    // Only if nobody moved it (or kept it) since it was read.
    let changed = commitment::Entity::update_many()
        .col_expr(commitment::Column::DueOn, Expr::value(due))
        .col_expr(commitment::Column::MissedOn, Expr::value(missed_on))
        // A new date earns its own notice if it passes too.
        .col_expr(
            commitment::Column::LateToldAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(commitment::Column::UpdatedAt, Expr::value(now))
        .filter(commitment::Column::Id.eq(c.id))
        .filter(commitment::Column::DueOn.eq(c.due_on))
        .filter(commitment::Column::DoneAt.is_null())
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::conflict("error.commitment_changed"));
    }
    moved::ActiveModel {
        commitment_id: Set(c.id),
        from_due_on: Set(c.due_on),
        to_due_on: Set(due),
        reason: Set(reason.to_owned()),
        staff_id: Set(Some(staff.id)),
        signed_by: Set(staff.display_name.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let (from, to) = (
        c.due_on.format("%d/%m/%Y").to_string(),
        due.format("%d/%m/%Y").to_string(),
    );
    Record::new("commitment.move", "commitment", Some(c.id))
        .by_requester(requester)
        .public()
        .reason(reason)
        .details(serde_json::json!({ "from": from, "to": to }))
        .save(&txn)
        .await?;
    tell_followers(&txn, links, &c, "t:commitment.news.moved", &to).await?;
    txn.commit().await?;
    Ok(())
}

/// Staff of the organisation say the commitment is kept, with what was done. It is then done on
/// time or done late against its date (its last day, on the working-day calendar).
pub async fn complete(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    id: i64,
    note: &str,
) -> Result<(), AppError> {
    let c = managed(db, requester, id).await?;
    let errors = check_done(note);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let note = note.trim();
    let now = Utc::now();
    let txn = crate::group_commit::begin_writing(db).await?;
    let changed = commitment::Entity::update_many()
        .col_expr(commitment::Column::DoneAt, Expr::value(now))
        .col_expr(commitment::Column::DoneNote, Expr::value(note))
        .col_expr(commitment::Column::UpdatedAt, Expr::value(now))
        .filter(commitment::Column::Id.eq(c.id))
        .filter(commitment::Column::DoneAt.is_null())
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::conflict("error.commitment_done"));
    }
    Record::new("commitment.done", "commitment", Some(c.id))
        .by_requester(requester)
        .public()
        .reason(note)
        .save(&txn)
        .await?;
    let today = city_today(now).format("%d/%m/%Y").to_string();
    tell_followers(&txn, links, &c, "t:commitment.news.done", &today).await?;
    txn.commit().await?;
    Ok(())
}

/// A signed-in person follows a commitment (or stops): they are told when its date moves, when
/// it is kept, and when it passes unkept.
pub async fn set_follow(
    db: &impl ConnectionTrait,
    requester: &Requester,
    id: i64,
    on: bool,
) -> Result<(), AppError> {
    let viewer = requester.signed_in()?;
    commitment::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if on {
        follow::Entity::insert(follow::ActiveModel {
            commitment_id: Set(id),
            user_id: Set(viewer.id),
            created_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing()
        .exec(db)
        .await?;
    } else {
        follow::Entity::delete_by_id((id, viewer.id))
            .exec(db)
            .await?;
    }
    Ok(())
}
