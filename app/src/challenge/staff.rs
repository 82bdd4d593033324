//! What a challenge's staff do to it, each a command: the change, its record (public where the
//! public may see the challenge) and the notifications it owes, in one transaction. Who may act
//! is settled first, then what they sent is read.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

use super::draft::{check_publishable, read_form};
use super::entity::{attachment, challenge, question, source_report};
use super::model::ChallengeForm;
use super::rules::{Milestone, Phase, Status};
use super::service::{
    apply, check_reason, fields_of, find_managed, followers, phase_of, shown_to_public,
    source_reports, status_of, timetable_of, unique_slug,
};
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::error::AppError;
use crate::i18n::format::parse_city_datetime;
use crate::links::Links;
use crate::notify::model::NotificationKind;
use crate::org::entity::organisation;
use crate::report::entity::report;
use crate::report::model::ReportStatus;
use crate::upload::form::Incoming;
use crate::upload::model::FileLink;
use crate::upload::service::Purpose;

/// A new draft of `organisation_id`'s, made from its open reports `report_ids` (linked and
/// marked as having become a challenge).
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    organisation_id: i64,
    form: &ChallengeForm,
    report_ids: &[i64],
) -> Result<challenge::Model, AppError> {
    use sea_orm::ColumnTrait;
    let staff = requester.signed_in()?;
    if !staff.is_staff_of(organisation_id) {
        return Err(staff.refusal());
    }
    let org = organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = read_form(form).map_err(AppError::Invalid)?;
    let sources = report::Entity::find()
        .filter(report::Column::Id.is_in(report_ids.to_vec()))
        .all(db)
        .await?;
    if sources.len() != report_ids.len()
        || sources.iter().any(|r| {
            r.organisation_id != organisation_id
                || !ReportStatus::from_code(&r.status).is_some_and(ReportStatus::is_open)
        })
    {
        return Err(AppError::invalid("report_ids", "error.source_reports"));
    }
    let now = Utc::now();
    let txn = crate::group_commit::begin_writing(db).await?;
    let mut active = challenge::ActiveModel {
        organisation_id: Set(organisation_id),
        slug: Set(unique_slug(&txn, &fields.title).await?),
        status: Set(Status::Draft.code().to_owned()),
        cover_id: Set(None),
        notified_phase: Set(None),
        created_by: Set(Some(staff.id)),
        published_at: Set(None),
        cancelled_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, &fields, &org);
    let created = active.insert(&txn).await?;
    for r in &sources {
        source_report::ActiveModel {
            challenge_id: Set(created.id),
            report_id: Set(r.id),
        }
        .insert(&txn)
        .await?;
    }
    crate::report::service::mark_became_challenge(&txn, links, report_ids, staff.id).await?;
    Record::new("challenge.create", "challenge", Some(created.id))
        .by_requester(requester)
        .details(serde_json::json!({ "title": created.title, "reports": report_ids }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(created)
}

/// Saves the form. A published challenge keeps its timetable: dates move one at a time, with a
/// public reason, through [`move_deadline`].
pub async fn update(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    id: i64,
    form: &ChallengeForm,
) -> Result<(), AppError> {
    let m = find_managed(db, id, requester.signed_in()?).await?;
    let status = status_of(&m);
    if status == Status::Cancelled {
        return Err(AppError::conflict("error.challenge_cancelled"));
    }
    let fields = read_form(form).map_err(AppError::Invalid)?;
    if status == Status::Published && fields.timetable != timetable_of(&m) {
        return Err(AppError::conflict("error.challenge_dates_move"));
    }
    let org = organisation::Entity::find_by_id(m.organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let mut active = m.into_active_model();
    apply(&mut active, &fields, &org);
    let updated = active.update(&txn).await?;
    Record::new("challenge.update", "challenge", Some(updated.id))
        .by_requester(requester)
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Publishes a draft, on the public record; the citizens whose reports it was made from learn
/// that it is out.
pub async fn publish(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    id: i64,
) -> Result<(), AppError> {
    let m = find_managed(db, id, requester.signed_in()?).await?;
    let now = Utc::now();
    if status_of(&m) != Status::Draft {
        return Err(AppError::conflict("error.challenge_not_draft"));
    }
    let errors = check_publishable(&fields_of(&m), now);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let phase = timetable_of(&m).phase_at(Status::Published, now);
    let txn = crate::group_commit::begin_writing(db).await?;
    let mut active = m.into_active_model();
    active.status = Set(Status::Published.code().to_owned());
    active.published_at = Set(Some(now));
    active.notified_phase = Set(Some(phase.code().to_owned()));
    active.updated_at = Set(now);
    let published = active.update(&txn).await?;
    Record::new("challenge.publish", "challenge", Some(published.id))
        .by_requester(requester)
        .public()
        .save(&txn)
        .await?;
    for (report_id, title) in source_reports(&txn, published.id).await? {
        if let Some(author) = crate::report::service::author_of(&txn, report_id).await? {
            crate::notify::service::notify(
                &txn,
                links,
                author,
                NotificationKind::ReportBecameChallenge,
                &[("report", &title), ("challenge", &published.title)],
                &format!("/challenges/{}", published.slug),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Moves one deadline of a published challenge (`milestone` as the form names it, to `new_at`
/// in the city's time) for a public reason; its followers are told. Returns the moment before.
pub async fn move_deadline(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    id: i64,
    milestone: &str,
    new_at: &str,
    reason: &str,
) -> Result<DateTime<Utc>, AppError> {
    let m = find_managed(db, id, requester.signed_in()?).await?;
    let Some(milestone) = Milestone::from_field(milestone) else {
        return Err(AppError::invalid("milestone", "error.milestone_unknown"));
    };
    let Some(to) = parse_city_datetime(new_at) else {
        return Err(AppError::invalid("new_at", "error.date_invalid"));
    };
    check_reason(reason)?;
    if status_of(&m) != Status::Published {
        return Err(AppError::conflict("error.challenge_not_published"));
    }
    let now = Utc::now();
    let before = timetable_of(&m);
    let moved = before
        .moved(milestone, to, now)
        .map_err(AppError::Invalid)?;
    let from = before.moment(milestone).unwrap_or(to);
    let txn = crate::group_commit::begin_writing(db).await?;
    let mut active = m.into_active_model();
    active.opens_at = Set(moved.opens_at);
    active.entries_close_at = Set(moved.entries_close_at);
    active.judging_closes_at = Set(moved.judging_closes_at);
    active.vote_opens_at = Set(moved.vote.as_ref().map(|v| v.opens_at));
    active.vote_closes_at = Set(moved.vote.as_ref().map(|v| v.closes_at));
    active.results_at = Set(moved.results_at);
    active.updated_at = Set(now);
    let moved = active.update(&txn).await?;
    let (from_text, to_text) = (
        crate::i18n::format_datetime(from),
        crate::i18n::format_datetime(to),
    );
    Record::new("challenge.deadline_move", "challenge", Some(moved.id))
        .by_requester(requester)
        .reason(reason.trim())
        .details(serde_json::json!({
            "milestone": milestone.field(),
            "from": from_text,
            "to": to_text,
        }))
        .public()
        .save(&txn)
        .await?;
    for user_id in followers(&txn, moved.id).await? {
        crate::notify::service::notify(
            &txn,
            links,
            user_id,
            NotificationKind::ChallengeDeadlineMoved,
            &[
                ("challenge", &moved.title),
                ("milestone", &format!("t:milestone.{}", milestone.key())),
                ("to", &to_text),
            ],
            &format!("/challenges/{}", moved.slug),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(from)
}

/// Cancels a draft or a published challenge whose results are not out yet, for a reason: public
/// once the public has seen the challenge (a draft cancelled before it was ever published stays
/// its staff's, and so does why). Its followers are told.
pub async fn cancel(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let m = find_managed(db, id, requester.signed_in()?).await?;
    check_reason(reason)?;
    let now = Utc::now();
    match phase_of(&m, now) {
        Phase::Cancelled => return Err(AppError::conflict("error.challenge_cancelled")),
        Phase::Results => return Err(AppError::conflict("error.challenge_finished")),
        _ => {}
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    let mut active = m.into_active_model();
    active.status = Set(Status::Cancelled.code().to_owned());
    active.cancelled_at = Set(Some(now));
    active.updated_at = Set(now);
    let cancelled = active.update(&txn).await?;
    let record = Record::new("challenge.cancel", "challenge", Some(cancelled.id))
        .by_requester(requester)
        .reason(reason.trim());
    if shown_to_public(&cancelled) {
        record.public()
    } else {
        record
    }
    .save(&txn)
    .await?;
    for user_id in followers(&txn, cancelled.id).await? {
        crate::notify::service::notify(
            &txn,
            links,
            user_id,
            NotificationKind::ChallengeCancelled,
            &[("challenge", &cancelled.title)],
            &format!("/challenges/{}", cancelled.slug),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Adds a cover (replacing the old one) or an attachment. The file is cleaned and stored before
/// anything is written; the link, the challenge and the record commit together.
pub async fn add_file(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &crate::upload::storage::Storage,
    requester: &Requester,
    id: i64,
    purpose: Purpose,
    file: Incoming,
) -> Result<FileLink, AppError> {
    let staff = requester.signed_in()?;
    let m = find_managed(db, id, staff).await?;
    if status_of(&m) == Status::Cancelled {
        return Err(AppError::conflict("error.challenge_cancelled"));
    }
    let prepared = crate::upload::service::prepare(db, storage, staff.id, purpose, "file", file)
        .await
        .map_err(AppError::Invalid)?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let link = crate::upload::service::record(&txn, prepared, "file")
        .await
        .map_err(AppError::Invalid)?;
    match purpose {
        Purpose::Cover => {
            let mut active = m.clone().into_active_model();
            active.cover_id = Set(Some(link.id));
            active.updated_at = Set(Utc::now());
            active.update(&txn).await?;
        }
        _ => {
            attachment::ActiveModel {
                challenge_id: Set(m.id),
                upload_id: Set(link.id),
                created_at: Set(Utc::now()),
            }
            .insert(&txn)
            .await?;
        }
    }
    Record::new("challenge.file_add", "challenge", Some(m.id))
        .by_requester(requester)
        .details(serde_json::json!({ "upload_id": link.id, "purpose": purpose.code() }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(link)
}

/// Takes a cover or an attachment off the challenge, on the record.
pub async fn remove_file(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    id: i64,
    upload_id: i64,
) -> Result<(), AppError> {
    let m = find_managed(db, id, requester.signed_in()?).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    if m.cover_id == Some(upload_id) {
        let mut active = m.clone().into_active_model();
        active.cover_id = Set(None);
        active.update(&txn).await?;
    } else {
        let removed = attachment::Entity::delete_by_id((m.id, upload_id))
            .exec(&txn)
            .await?;
        if removed.rows_affected == 0 {
            return Err(AppError::NotFound);
        }
    }
    Record::new("challenge.file_remove", "challenge", Some(m.id))
        .by_requester(requester)
        .details(serde_json::json!({ "upload_id": upload_id }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Answers (or corrects the answer to) a question in public; its asker is told of the first
/// answer.
pub async fn answer(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &Requester,
    question_id: i64,
    text: &str,
) -> Result<(), AppError> {
    let staff = requester.signed_in()?;
    let q = question::Entity::find_by_id(question_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let m = find_managed(db, q.challenge_id, staff).await?;
    if let Some(e) = crate::error::FieldError::length("answer", text, 2, 3000) {
        return Err(AppError::Invalid(vec![e]));
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    let first = q.answered_at.is_none();
    let mut active = q.clone().into_active_model();
    active.answer = Set(Some(text.trim().to_owned()));
    active.answered_by = Set(Some(staff.id));
    active.answered_at = Set(Some(Utc::now()));
    active.update(&txn).await?;
    if let Some(author) = q.author_id.filter(|_| first) {
        crate::notify::service::notify(
            &txn,
            links,
            author,
            NotificationKind::QuestionAnswered,
            &[("challenge", &m.title)],
            &format!("/challenges/{}#faq", m.slug),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
