//! Changing challenges: drafts, publishing, moving deadlines, cancelling, files, questions and
//! followers. Reading them for pages is in `crate::query::challenge`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect, Set,
};

use super::draft::ChallengeFields;
use super::entity::{challenge, follow, question, source_report};
use super::model::Prize;
use super::rules::{Phase, Status, Timetable, VoteWindow};
use crate::auth::Viewer;
use crate::error::{AppError, FieldError};
use crate::i18n::format::fold_for_search;
use crate::org::entity::organisation;
use crate::report::entity::report;
use crate::report::model::{Category, Linked};

pub(crate) fn timetable_of(m: &challenge::Model) -> Timetable {
    Timetable {
        opens_at: m.opens_at,
        entries_close_at: m.entries_close_at,
        judging_closes_at: m.judging_closes_at,
        vote: m
            .vote_opens_at
            .zip(m.vote_closes_at)
            .filter(|_| m.vote_enabled)
            .map(|(opens_at, closes_at)| VoteWindow {
                opens_at,
                closes_at,
            }),
        results_at: m.results_at,
    }
}

pub(crate) fn status_of(m: &challenge::Model) -> Status {
    Status::from_code(&m.status).unwrap_or(Status::Draft)
}

pub(crate) fn phase_of(m: &challenge::Model, now: DateTime<Utc>) -> Phase {
    timetable_of(m).phase_at(status_of(m), now)
}

pub(crate) fn prizes_of(m: &challenge::Model) -> Vec<Prize> {
    serde_json::from_str::<Vec<(String, i64)>>(&m.prizes)
        .unwrap_or_default()
        .into_iter()
        .map(|(label, amount_vnd)| Prize { label, amount_vnd })
        .collect()
}

pub(crate) fn fields_of(m: &challenge::Model) -> ChallengeFields {
    ChallengeFields {
        title: m.title.clone(),
        summary: m.summary.clone(),
        brief_md: m.brief_md.clone(),
        eligibility: m.eligibility.clone(),
        team_min: m.team_min,
        team_max: m.team_max,
        category: Category::from_code(&m.category).unwrap_or(Category::Other),
        prizes: prizes_of(m),
        pilot_budget_vnd: m.pilot_budget_vnd,
        timetable: timetable_of(m),
    }
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<challenge::Model, AppError> {
    challenge::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The challenge, if `staff` may manage it: staff of its organisation, or an admin.
pub async fn find_managed(
    db: &impl ConnectionTrait,
    id: i64,
    staff: &Viewer,
) -> Result<challenge::Model, AppError> {
    let m = find(db, id).await?;
    if staff.is_staff_of(m.organisation_id) {
        Ok(m)
    } else {
        Err(AppError::Forbidden)
    }
}

fn search_key(fields: &ChallengeFields, org: &organisation::Model) -> String {
    fold_for_search(&format!(
        "{} {} {} {}",
        fields.title, fields.summary, org.name_vi, org.name_en
    ))
}

/// Writes the form's fields onto a row (new or existing).
pub(super) fn apply(
    active: &mut challenge::ActiveModel,
    fields: &ChallengeFields,
    org: &organisation::Model,
) {
    let t = &fields.timetable;
    let prizes: Vec<(&str, i64)> = fields
        .prizes
        .iter()
        .map(|p| (p.label.as_str(), p.amount_vnd))
        .collect();
    active.title = Set(fields.title.clone());
    active.summary = Set(fields.summary.clone());
    active.brief_md = Set(fields.brief_md.clone());
    active.brief_html = Set(crate::markdown::to_safe_html(&fields.brief_md));
    active.eligibility = Set(fields.eligibility.clone());
    active.team_min = Set(fields.team_min);
    active.team_max = Set(fields.team_max);
    active.prizes = Set(serde_json::json!(prizes).to_string());
    active.pilot_budget_vnd = Set(fields.pilot_budget_vnd);
    active.category = Set(fields.category.code().to_owned());
    active.vote_enabled = Set(t.vote.is_some());
    active.opens_at = Set(t.opens_at);
    active.entries_close_at = Set(t.entries_close_at);
    active.judging_closes_at = Set(t.judging_closes_at);
    active.vote_opens_at = Set(t.vote.as_ref().map(|v| v.opens_at));
    active.vote_closes_at = Set(t.vote.as_ref().map(|v| v.closes_at));
    active.results_at = Set(t.results_at);
    active.search_key = Set(search_key(fields, org));
    active.updated_at = Set(Utc::now());
}

pub(super) async fn unique_slug(
    db: &impl ConnectionTrait,
    title: &str,
) -> Result<String, AppError> {
    let base: String = crate::org::model::slugify(title).chars().take(70).collect();
    let base = if base.is_empty() {
        "thu-thach".to_owned()
    } else {
        base
    };
    let taken: Vec<String> = challenge::Entity::find()
        .select_only()
        .column(challenge::Column::Slug)
        .filter(challenge::Column::Slug.starts_with(&base))
        .into_tuple()
        .all(db)
        .await?;
    let mut slug = base.clone();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}

pub fn check_reason(reason: &str) -> Result<(), AppError> {
    match FieldError::length("reason", reason, 10, 500) {
        Some(e) => Err(AppError::Invalid(vec![e])),
        None => Ok(()),
    }
}

/// The SQL form of [`shown_to_public`]: published once; a draft, or a draft cancelled before it
/// was ever published, stays with its staff.
pub fn seen_by_public() -> Condition {
    Condition::all()
        .add(challenge::Column::Status.ne(Status::Draft.code()))
        .add(challenge::Column::PublishedAt.is_not_null())
}

/// The challenge at `slug`, if the public may see it.
pub async fn public_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<challenge::Model, AppError> {
    challenge::Entity::find()
        .filter(challenge::Column::Slug.eq(slug))
        .filter(seen_by_public())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Whether anyone may see the challenge (see [`seen_by_public`]).
pub fn shown_to_public(m: &challenge::Model) -> bool {
    status_of(m) != Status::Draft && m.published_at.is_some()
}

/// The person asking follows a challenge (told of its new phases), or stops.
pub async fn set_follow(
    db: &impl ConnectionTrait,
    requester: &crate::auth::Requester,
    challenge_id: i64,
    on: bool,
) -> Result<(), AppError> {
    let user_id = requester.signed_in()?.id;
    let m = &find(db, challenge_id).await?;
    if status_of(m) == Status::Draft {
        return Err(AppError::NotFound);
    }
    if on {
        follow::Entity::insert(follow::ActiveModel {
            challenge_id: Set(m.id),
            user_id: Set(user_id),
            created_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing()
        .exec(db)
        .await?;
    } else {
        follow::Entity::delete_by_id((m.id, user_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

pub async fn followers(db: &impl ConnectionTrait, challenge_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(follow::Entity::find()
        .select_only()
        .column(follow::Column::UserId)
        .filter(follow::Column::ChallengeId.eq(challenge_id))
        .into_tuple()
        .all(db)
        .await?)
}

/// A public question from the person asking, while entries are open; refused after with the
/// moment it closed.
pub async fn ask(
    db: &impl ConnectionTrait,
    requester: &crate::auth::Requester,
    challenge_id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let author_id = requester.verified()?.id;
    let m = &find(db, challenge_id).await?;
    let phase = phase_of(m, now);
    if phase == Phase::Draft {
        return Err(AppError::NotFound);
    }
    if !super::rules::questions_open(phase) {
        return Err(AppError::Conflict {
            key: "error.questions_closed".into(),
            params: vec![(
                "at".into(),
                crate::i18n::format_datetime(m.entries_close_at),
            )],
        });
    }
    if let Some(e) = FieldError::length("question", text, 10, 1000) {
        return Err(AppError::Invalid(vec![e]));
    }
    let q = question::ActiveModel {
        challenge_id: Set(m.id),
        author_id: Set(Some(author_id)),
        question: Set(text.trim().to_owned()),
        answer: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(q.id)
}

/// The challenges a report became, for the report's page.
pub async fn linked_to_report(
    db: &impl ConnectionTrait,
    report_id: i64,
) -> Result<Vec<Linked>, AppError> {
    let ids: Vec<i64> = source_report::Entity::find()
        .select_only()
        .column(source_report::Column::ChallengeId)
        .filter(source_report::Column::ReportId.eq(report_id))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(challenge::Entity::find()
        .filter(challenge::Column::Id.is_in(ids))
        .filter(seen_by_public())
        .all(db)
        .await?
        .into_iter()
        .map(|c| Linked {
            href: format!("/challenges/{}", c.slug),
            title: c.title,
        })
        .collect())
}

/// The reports a challenge was made from: id and title.
pub async fn source_reports(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<Vec<(i64, String)>, AppError> {
    let ids: Vec<i64> = source_report::Entity::find()
        .select_only()
        .column(source_report::Column::ReportId)
        .filter(source_report::Column::ChallengeId.eq(challenge_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(report::Entity::find()
        .filter(report::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.title))
        .collect())
}

/// Who may read an uploaded file that is a challenge's cover or attachment: everyone once the
/// challenge is published; before that, its organisation's staff. `None` when no challenge holds
/// it.
pub async fn file_access(
    db: &impl ConnectionTrait,
    upload_id: i64,
    viewer: Option<&Viewer>,
) -> Result<Option<crate::upload::service::Access>, sea_orm::DbErr> {
    use super::entity::attachment;
    use crate::upload::service::Access;
    use sea_orm::Condition;
    let attached_to: Vec<i64> = attachment::Entity::find()
        .filter(attachment::Column::UploadId.eq(upload_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.challenge_id)
        .collect();
    let owner = challenge::Entity::find()
        .filter(
            Condition::any()
                .add(challenge::Column::CoverId.eq(upload_id))
                .add(challenge::Column::Id.is_in(attached_to)),
        )
        .one(db)
        .await?;
    Ok(owner.map(|owner| {
        if shown_to_public(&owner) {
            Access::Public
        } else if viewer.is_some_and(|v| v.is_staff_of(owner.organisation_id)) {
            Access::Private
        } else {
            Access::Refused
        }
    }))
}
