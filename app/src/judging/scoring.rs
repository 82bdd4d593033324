//! Judges at work: their panels and queues, the entry beside the rubric as last submitted, the
//! files they may read, and their marks saved as drafts and submitted.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

use super::assignment::scoring_right;
use super::conflicts::{describe_conflict, team_token};
use super::entity::{assignment, conflict, judge, panel, score};
use super::model::*;
use super::panel::entry_code;
use super::panel::{criteria_of, refuse_if_closed, scale_of, seat};
use super::rules::{self, Marks};
use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::entry::entity::{entry, version};
use crate::entry::model::EntryFields;
use crate::error::AppError;
use crate::team::entity::team;

/// The challenges a person judges, with their progress.
pub async fn my_panels(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
) -> Result<Vec<JudgeChallenge>, AppError> {
    if viewer.office_waiting {
        return Err(AppError::TwoFactorNeeded);
    }
    let seats = judge::Entity::find()
        .filter(judge::Column::UserId.eq(viewer.id))
        .all(db)
        .await?;
    let ids: Vec<i64> = seats.iter().map(|j| j.challenge_id).collect();
    let challenges = challenge::Entity::find()
        .filter(challenge::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    let panels = panel::Entity::find()
        .filter(panel::Column::ChallengeId.is_in(ids))
        .all(db)
        .await?;
    let assigned = assignment::Entity::find()
        .filter(assignment::Column::UserId.eq(viewer.id))
        .filter(assignment::Column::RecusedAt.is_null())
        .all(db)
        .await?;
    let submitted = score::Entity::find()
        .filter(score::Column::UserId.eq(viewer.id))
        .filter(score::Column::Status.eq("submitted"))
        .all(db)
        .await?;
    Ok(seats
        .into_iter()
        .filter_map(|j| {
            let c = challenges.iter().find(|c| c.id == j.challenge_id)?;
            Some(JudgeChallenge {
                challenge_id: c.id,
                title: c.title.clone(),
                declared: j.declared_at.is_some(),
                closed: panels
                    .iter()
                    .any(|p| p.challenge_id == c.id && p.closed_at.is_some()),
                assigned: assigned.iter().filter(|a| a.challenge_id == c.id).count(),
                submitted: submitted.iter().filter(|s| s.challenge_id == c.id).count(),
            })
        })
        .collect())
}

/// A judge's page for one challenge: before the declaration, only the teams; after it, the queue.
pub async fn queue(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    challenge_id: i64,
) -> Result<JudgeQueue, AppError> {
    let (j, c, p) = seat(db, viewer, challenge_id).await?;
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(c.id))
        .order_by_asc(team::Column::Name)
        .all(db)
        .await?;
    let declared = j.declared_at.is_some();
    let conflicts = conflict::Entity::find()
        .filter(conflict::Column::ChallengeId.eq(c.id))
        .filter(conflict::Column::UserId.eq(viewer.id))
        .all(db)
        .await?
        .iter()
        .map(|x| describe_conflict(x, &teams))
        .collect();
    let mut items = Vec::new();
    if declared {
        let mine = assignment::Entity::find()
            .filter(assignment::Column::UserId.eq(viewer.id))
            .filter(assignment::Column::ChallengeId.eq(c.id))
            .all(db)
            .await?;
        let entries = entry::Entity::find()
            .filter(entry::Column::Id.is_in(mine.iter().map(|a| a.entry_id).collect::<Vec<_>>()))
            .order_by_asc(entry::Column::Id)
            .all(db)
            .await?;
        let scores = score::Entity::find()
            .filter(score::Column::UserId.eq(viewer.id))
            .filter(score::Column::ChallengeId.eq(c.id))
            .all(db)
            .await?;
        let mut titles = submitted_titles(db, &entries).await?;
        for e in entries {
            let a = mine.iter().find(|a| a.entry_id == e.id);
            items.push(QueueItem {
                entry_id: e.id,
                code: entry_code(&e),
                title: titles.remove(&e.id).unwrap_or_default(),
                team_name: (!p.blind)
                    .then(|| {
                        teams
                            .iter()
                            .find(|t| t.id == e.team_id)
                            .map(|t| t.name.clone())
                    })
                    .flatten(),
                state: scores
                    .iter()
                    .find(|s| s.entry_id == e.id)
                    .map_or("none".to_owned(), |s| s.status.clone()),
                recused: a.is_some_and(|a| a.recused_at.is_some()),
            });
        }
    }
    let key = crate::site_key::key(db, crate::site_key::Purpose::ConflictToken).await?;
    Ok(JudgeQueue {
        challenge_id: c.id,
        title: c.title,
        slug: c.slug,
        declared,
        closed: p.closed_at.is_some(),
        blind: p.blind,
        teams: teams
            .into_iter()
            .map(|t| TeamForConflict {
                token: team_token(&key, &t),
                name: t.name,
                organisation_name: t.organisation_name,
            })
            .collect(),
        conflicts,
        items,
    })
}

/// The last version a team submitted: what judges score.
pub(crate) async fn last_version(
    db: &impl ConnectionTrait,
    e: &entry::Model,
) -> Result<Option<version::Model>, AppError> {
    Ok(version::Entity::find()
        .filter(version::Column::EntryId.eq(e.id))
        .order_by_desc(version::Column::Number)
        .one(db)
        .await?)
}

pub(crate) async fn submitted_fields(
    db: &impl ConnectionTrait,
    e: &entry::Model,
) -> Result<EntryFields, AppError> {
    Ok(last_version(db, e)
        .await?
        .and_then(|v| serde_json::from_str(&v.content).ok())
        .unwrap_or_default())
}

/// The titles of several entries as last submitted, in one query: entry id → title.
pub(crate) async fn submitted_titles(
    db: &impl ConnectionTrait,
    entries: &[entry::Model],
) -> Result<HashMap<i64, String>, AppError> {
    let versions = version::Entity::find()
        .filter(version::Column::EntryId.is_in(entries.iter().map(|e| e.id).collect::<Vec<_>>()))
        .order_by_desc(version::Column::Number)
        .all(db)
        .await?;
    let mut titles = HashMap::new();
    for v in versions {
        // Newest first: the first version seen of each entry is its last.
        titles.entry(v.entry_id).or_insert_with(|| {
            serde_json::from_str::<EntryFields>(&v.content)
                .unwrap_or_default()
                .title
        });
    }
    Ok(titles)
}

/// The entry beside the rubric, for a judge assigned to it.
pub async fn sheet(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    entry_id: i64,
) -> Result<ScoreSheet, AppError> {
    let (e, c, p) = scoring_right(db, viewer, entry_id).await?;
    // Nothing of an entry reaches a judge while its team may still change it (a judge could pass
    // it on to a team that is still writing).
    if Utc::now() < crate::entry::service::closes_at(&c, &e) {
        return Err(AppError::conflict("error.judging_not_open"));
    }
    let v = last_version(db, &e).await?;
    let fields: EntryFields = v
        .as_ref()
        .and_then(|v| serde_json::from_str(&v.content).ok())
        .unwrap_or_default();
    let code = entry_code(&e);
    let file_ids = v.as_ref().map(|v| v.upload_ids()).unwrap_or_default();
    let mut files = crate::upload::service::links(db, file_ids.clone()).await?;
    files.sort_by_key(|f| file_ids.iter().position(|id| *id == f.id));
    if p.blind {
        // The team's own file names may name the team: judges get the entry code instead.
        for (i, f) in files.iter_mut().enumerate() {
            let ext = f.name.rsplit('.').next().unwrap_or("pdf").to_owned();
            f.name = format!("{}-{}.{ext}", code.to_lowercase(), i + 1);
        }
    }
    let marks = score::Entity::find_by_id((e.id, viewer.id)).one(db).await?;
    let mine: Vec<i64> = assignment::Entity::find()
        .filter(assignment::Column::UserId.eq(viewer.id))
        .filter(assignment::Column::ChallengeId.eq(c.id))
        .filter(assignment::Column::RecusedAt.is_null())
        .order_by_asc(assignment::Column::EntryId)
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.entry_id)
        .collect();
    let done: BTreeSet<i64> = score::Entity::find()
        .filter(score::Column::UserId.eq(viewer.id))
        .filter(score::Column::ChallengeId.eq(c.id))
        .filter(score::Column::Status.eq("submitted"))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.entry_id)
        .collect();
    let position = mine.iter().position(|id| *id == e.id).unwrap_or(0);
    let next_entry = mine
        .iter()
        .cycle()
        .skip(position + 1)
        .take(mine.len().saturating_sub(1))
        .find(|id| !done.contains(id))
        .copied();
    let team_name = if p.blind {
        None
    } else {
        team::Entity::find_by_id(e.team_id)
            .one(db)
            .await?
            .map(|t| t.name)
    };
    Ok(ScoreSheet {
        challenge_id: c.id,
        challenge_title: c.title.clone(),
        entry_id: e.id,
        code,
        team_name,
        title: fields.title.clone(),
        summary: fields.summary.clone(),
        solution_html: crate::markdown::to_safe_html(&fields.solution),
        pilot_plan: fields.pilot_plan.clone(),
        cost_vnd: crate::i18n::format::parse_vnd(&fields.cost).unwrap_or(0),
        experience: fields.experience.clone(),
        demo_url: fields.demo_url.clone(),
        files,
        criteria: criteria_of(db, c.id).await?,
        scale: scale_of(&p),
        marks: marks
            .as_ref()
            .and_then(|m| serde_json::from_str(&m.marks).ok())
            .unwrap_or_default(),
        submitted: marks.is_some_and(|m| m.status == "submitted"),
        closed: p.closed_at.is_some(),
        position: position + 1,
        of: mine.len(),
        next_entry,
    })
}

/// Whether `viewer` is a judge assigned to the entry holding upload `upload_id` (for `/files`),
/// once the entry's own deadline has passed, and the file is one the entry's last submitted
/// version holds: a file the team took off (a deck that named it) is not the judges' to read.
pub async fn judge_may_read(
    db: &impl ConnectionTrait,
    entry_id: i64,
    upload_id: i64,
    viewer: &Viewer,
) -> Result<bool, sea_orm::DbErr> {
    if !viewer.is_judge {
        return Ok(false);
    }
    let assigned = assignment::Entity::find_by_id((entry_id, viewer.id))
        .one(db)
        .await?
        .is_some_and(|a| a.recused_at.is_none());
    if !assigned {
        return Ok(false);
    }
    let Some(e) = entry::Entity::find_by_id(entry_id).one(db).await? else {
        return Ok(false);
    };
    let Some(c) = challenge::Entity::find_by_id(e.challenge_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    if Utc::now() < crate::entry::service::closes_at(&c, &e) {
        return Ok(false);
    }
    let submitted = version::Entity::find()
        .filter(version::Column::EntryId.eq(e.id))
        .order_by_desc(version::Column::Number)
        .one(db)
        .await?;
    Ok(submitted.is_some_and(|v| v.upload_ids().contains(&upload_id)))
}

/// Saves a judge's marks: as a draft, or submitted (complete, with the comments required).
/// Scores open when the entry's own deadline has passed and close when staff close judging.
pub async fn save_marks(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    entry_id: i64,
    marks: Marks,
    submit: bool,
) -> Result<DateTime<Utc>, AppError> {
    let (e, c, p) = scoring_right(db, viewer, entry_id).await?;
    refuse_if_closed(&p)?;
    let now = Utc::now();
    if now < crate::entry::service::closes_at(&c, &e) {
        return Err(AppError::conflict("error.judging_not_open"));
    }
    let criteria = criteria_of(db, c.id).await?;
    if criteria.is_empty() {
        return Err(AppError::conflict("error.rubric_missing"));
    }
    let errors = if submit {
        rules::check_submitted_marks(&criteria, scale_of(&p), &marks)
    } else {
        rules::check_draft_marks(&criteria, scale_of(&p), &marks)
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let existing = score::Entity::find_by_id((e.id, viewer.id)).one(db).await?;
    // A submitted score stays submitted: a later change is saved as the submitted score, once it
    // is complete.
    let was_submitted = existing.as_ref().is_some_and(|s| s.status == "submitted");
    if was_submitted && !submit {
        let errors = rules::check_submitted_marks(&criteria, scale_of(&p), &marks);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
    }
    let submitted = submit || was_submitted;
    let json = serde_json::to_string(&marks).map_err(crate::error::internal)?;
    let total = if submitted {
        rules::weighted_total(&criteria, &marks)
    } else {
        None
    };
    match existing {
        Some(s) => {
            let first_submit = s.submitted_at.is_none() && submitted;
            if was_submitted && s.marks != json {
                // A submitted score changed: what it was stays on the record, with the change.
                crate::audit::service::Record::new("score.change", "entry", Some(e.id))
                    .by(viewer)
                    .details(serde_json::json!({
                        "challenge": c.id,
                        "before": serde_json::from_str::<serde_json::Value>(&s.marks).unwrap_or_default(),
                        "before_total": s.total,
                        "after_total": total,
                    }))
                    .save(db)
                    .await?;
            }
            let mut active = s.into_active_model();
            active.marks = Set(json);
            active.status = Set(if submitted { "submitted" } else { "draft" }.into());
            active.total = Set(total);
            active.updated_at = Set(now);
            if first_submit {
                active.submitted_at = Set(Some(now));
            }
            active.update(db).await?;
        }
        None => {
            score::ActiveModel {
                entry_id: Set(e.id),
                user_id: Set(viewer.id),
                challenge_id: Set(c.id),
                marks: Set(json),
                status: Set(if submitted { "submitted" } else { "draft" }.into()),
                total: Set(total),
                updated_at: Set(now),
                submitted_at: Set(submitted.then_some(now)),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(now)
}
