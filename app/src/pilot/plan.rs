//! A pilot's plan on the database: made from an awarded entry, its terms changed by staff, and
//! closed with its outcome; who may change it. Every change is in the audit log.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

use super::entity::{follow, milestone, pilot};
use super::model::{PilotCandidate, PilotForm};
use super::rules::{self, Outcome, PilotStatus, Terms};

use crate::audit::service::Record;
use crate::auth::entity::user;
use crate::auth::{Requester, Viewer};
use crate::entry::entity::entry;
use crate::error::{AppError, FieldError};
use crate::judging::entity::award;
use crate::notify::model::NotificationKind;
use crate::team::entity::{member, team};

/// The form, checked: every problem at once, each next to its field.
pub(crate) struct Checked {
    title: String,
    summary: String,
    official_name: String,
    official_role: String,
    terms: Terms,
}

pub(crate) fn check_form(form: &PilotForm) -> Result<Checked, AppError> {
    let mut errors: Vec<FieldError> = [
        FieldError::length("title", &form.title, 5, 200),
        FieldError::length("summary", &form.summary, 1, 2000),
        FieldError::length("official_name", &form.official_name, 1, 120),
        FieldError::length("official_role", &form.official_role, 1, 120),
    ]
    .into_iter()
    .flatten()
    .collect();
    let money = |field: &str, value: &str, errors: &mut Vec<FieldError>| {
        crate::i18n::format::parse_vnd(value).unwrap_or_else(|| {
            errors.push(FieldError::new(field, "error.money_invalid"));
            0
        })
    };
    let budget_vnd = money("budget_vnd", &form.budget_vnd, &mut errors);
    let disbursed_vnd = money("disbursed_vnd", &form.disbursed_vnd, &mut errors);
    let mut day = |field: &str, value: &str| match rules::parse_day(field, value) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let starts_on = day("starts_on", &form.starts_on);
    let planned_end_on = day("planned_end_on", &form.planned_end_on);
    let (Some(starts_on), Some(planned_end_on)) = (starts_on, planned_end_on) else {
        return Err(AppError::Invalid(errors));
    };
    let terms = Terms {
        starts_on,
        planned_end_on,
        budget_vnd,
        disbursed_vnd,
    };
    errors.extend(rules::check_terms(&terms));
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(Checked {
        title: form.title.trim().to_owned(),
        summary: form.summary.trim().to_owned(),
        official_name: form.official_name.trim().to_owned(),
        official_role: form.official_role.trim().to_owned(),
        terms,
    })
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<pilot::Model, AppError> {
    pilot::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// A pilot its organisation's staff may change.
pub async fn find_managed(
    db: &impl ConnectionTrait,
    id: i64,
    staff: &Viewer,
) -> Result<pilot::Model, AppError> {
    let p = find(db, id).await?;
    if staff.is_staff_of(p.organisation_id) {
        Ok(p)
    } else {
        Err(AppError::Forbidden)
    }
}

pub(crate) fn refuse_if_ended(p: &pilot::Model) -> Result<(), AppError> {
    match PilotStatus::from_code(&p.status) {
        Some(s) if s.is_active() => Ok(()),
        _ => Err(AppError::conflict("error.pilot_ended")),
    }
}

pub(crate) async fn is_member(
    db: &impl ConnectionTrait,
    team_id: i64,
    user_id: i64,
) -> Result<bool, AppError> {
    Ok(member::Entity::find()
        .filter(member::Column::TeamId.eq(team_id))
        .filter(member::Column::UserId.eq(user_id))
        .count(db)
        .await?
        > 0)
}

pub(crate) async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, AppError> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::DisplayName])
        .filter(user::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The awarded entry behind a new pilot, for the form; staff of the challenge's organisation only.
pub async fn candidate(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    entry_id: i64,
) -> Result<PilotCandidate, AppError> {
    let e = entry::Entity::find_by_id(entry_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = crate::challenge::service::find_managed(db, e.challenge_id, staff).await?;
    let Some(a) = award::Entity::find()
        .filter(award::Column::EntryId.eq(e.id))
        .one(db)
        .await?
        .filter(|_| crate::judging::rules::results_out(c.results_published_at, Utc::now()))
    else {
        return Err(AppError::conflict("error.pilot_needs_award"));
    };
    let t = team::Entity::find_by_id(e.team_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = crate::org::service::find(db, c.organisation_id).await?;
    let pilot_id = pilot::Entity::find()
        .filter(pilot::Column::EntryId.eq(e.id))
        .one(db)
        .await?
        .map(|p| p.id);
    Ok(PilotCandidate {
        entry_id: e.id,
        entry_title: e.title,
        entry_summary: e.summary,
        team_name: t.name,
        challenge_title: c.title,
        challenge_slug: c.slug,
        organisation: org,
        award: a.prize,
        pilot_budget_vnd: c.pilot_budget_vnd,
        pilot_id,
    })
}

/// Turns an awarded entry into a pilot; its team is told.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    entry_id: i64,
    form: &PilotForm,
) -> Result<i64, AppError> {
    let staff = requester.signed_in()?;
    let cand = candidate(db, staff, entry_id).await?;
    if cand.pilot_id.is_some() {
        return Err(AppError::conflict("error.pilot_exists"));
    }
    let checked = check_form(form)?;
    let e = entry::Entity::find_by_id(entry_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let txn = crate::group_commit::begin_writing(db).await?;
    let p = pilot::ActiveModel {
        challenge_id: Set(e.challenge_id),
        entry_id: Set(e.id),
        team_id: Set(e.team_id),
        organisation_id: Set(cand.organisation.id),
        title: Set(checked.title),
        summary: Set(checked.summary),
        award: Set(cand.award.clone()),
        official_name: Set(checked.official_name),
        official_role: Set(checked.official_role),
        budget_vnd: Set(checked.terms.budget_vnd),
        disbursed_vnd: Set(checked.terms.disbursed_vnd),
        starts_on: Set(checked.terms.starts_on),
        planned_end_on: Set(checked.terms.planned_end_on),
        status: Set(PilotStatus::Running.code().to_owned()),
        closing_statement: Set(None),
        closed_at: Set(None),
        created_by: Set(Some(staff.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|err| {
        if crate::error::is_unique_violation(&err) {
            AppError::conflict("error.pilot_exists")
        } else {
            AppError::from(err)
        }
    })?;
    Record::new("pilot.create", "pilot", Some(p.id))
        .by_requester(requester)
        .details(serde_json::json!({ "entry": e.title, "award": cand.award }))
        .public()
        .save(&txn)
        .await?;
    if let Some(t) = team::Entity::find_by_id(e.team_id).one(&txn).await? {
        for m in member::Entity::find()
            .filter(member::Column::TeamId.eq(t.id))
            .all(&txn)
            .await?
        {
            crate::notify::service::notify(
                &txn,
                links,
                m.user_id,
                NotificationKind::PilotStarted,
                &[("title", &p.title), ("team", &t.name)],
                &format!("/pilots/{}", p.id),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(p.id)
}

/// Staff change what a pilot is, who answers for it, its budget and dates.
pub async fn update_terms(
    conn: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    id: i64,
    form: &PilotForm,
) -> Result<(), AppError> {
    let staff = requester.signed_in()?;
    let txn = crate::group_commit::begin_writing(conn).await?;
    let db = &txn;
    let p = find_managed(db, id, staff).await?;
    let checked = check_form(form)?;
    let first_due = milestone::Entity::find()
        .filter(milestone::Column::PilotId.eq(id))
        .order_by_asc(milestone::Column::DueOn)
        .one(db)
        .await?;
    if let Some(m) = first_due
        && m.due_on < checked.terms.starts_on
    {
        return Err(AppError::Invalid(vec![
            FieldError::new("starts_on", "error.pilot_start_after_milestone")
                .with("date", m.due_on.format("%d/%m/%Y")),
        ]));
    }
    let before = (p.budget_vnd, p.disbursed_vnd, p.starts_on, p.planned_end_on);
    let mut a: pilot::ActiveModel = p.into();
    a.title = Set(checked.title);
    a.summary = Set(checked.summary);
    a.official_name = Set(checked.official_name);
    a.official_role = Set(checked.official_role);
    a.budget_vnd = Set(checked.terms.budget_vnd);
    a.disbursed_vnd = Set(checked.terms.disbursed_vnd);
    a.starts_on = Set(checked.terms.starts_on);
    a.planned_end_on = Set(checked.terms.planned_end_on);
    a.updated_at = Set(Utc::now());
    a.update(db).await?;
    let after = (
        checked.terms.budget_vnd,
        checked.terms.disbursed_vnd,
        checked.terms.starts_on,
        checked.terms.planned_end_on,
    );
    let mut record = Record::new("pilot.terms", "pilot", Some(id))
        .by_requester(requester)
        .details(serde_json::json!({
            "budget": crate::i18n::format_vnd(after.0),
            "disbursed": crate::i18n::format_vnd(after.1),
            "starts": after.2.format("%d/%m/%Y").to_string(),
            "ends": after.3.format("%d/%m/%Y").to_string(),
        }));
    if before != after {
        record = record.public();
    }
    record.save(db).await?;
    txn.commit().await?;
    Ok(())
}

/// Ends a pilot's term: rolled out, stopped, or extended to a new end date; the closing statement
/// is public and followers are told.
pub async fn close(
    conn: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    pilot_id: i64,
    outcome: &str,
    statement: &str,
    new_end_on: &str,
) -> Result<(), AppError> {
    let staff = requester.signed_in()?;
    let txn = crate::group_commit::begin_writing(conn).await?;
    let db = &txn;
    let p = find_managed(db, pilot_id, staff).await?;
    refuse_if_ended(&p)?;
    let outcome = Outcome::from_code(outcome)
        .ok_or_else(|| AppError::invalid("outcome", "error.required"))?;
    if let Some(e) = FieldError::length("statement", statement, 20, 5000) {
        return Err(AppError::Invalid(vec![e]));
    }
    let mut a: pilot::ActiveModel = p.clone().into();
    let mut details = serde_json::json!({ "outcome": outcome.status().code() });
    if outcome == Outcome::Extended {
        let end =
            rules::parse_day("new_end_on", new_end_on).map_err(|e| AppError::Invalid(vec![e]))?;
        if end <= p.planned_end_on {
            return Err(AppError::invalid("new_end_on", "error.extension_not_later"));
        }
        a.planned_end_on = Set(end);
        details["from"] = p.planned_end_on.format("%d/%m/%Y").to_string().into();
        details["to"] = end.format("%d/%m/%Y").to_string().into();
    } else {
        a.closed_at = Set(Some(Utc::now()));
    }
    a.status = Set(outcome.status().code().to_owned());
    a.closing_statement = Set(Some(statement.trim().to_owned()));
    a.updated_at = Set(Utc::now());
    let p = a.update(db).await?;
    Record::new("pilot.close", "pilot", Some(p.id))
        .by_requester(requester)
        .reason(statement.trim())
        .details(details)
        .public()
        .save(db)
        .await?;
    notify_followers(db, links, &p, NotificationKind::PilotEnded, None).await?;
    txn.commit().await?;
    Ok(())
}

pub(crate) async fn notify_followers(
    db: &impl ConnectionTrait,
    links: &crate::links::Links,
    p: &pilot::Model,
    kind: NotificationKind,
    except: Option<i64>,
) -> Result<(), AppError> {
    let followers: Vec<i64> = follow::Entity::find()
        .select_only()
        .column(follow::Column::UserId)
        .filter(follow::Column::PilotId.eq(p.id))
        .into_tuple()
        .all(db)
        .await?;
    for user_id in followers.into_iter().filter(|u| Some(*u) != except) {
        crate::notify::service::notify(
            db,
            links,
            user_id,
            kind,
            &[("title", &p.title)],
            &format!("/pilots/{}", p.id),
        )
        .await?;
    }
    Ok(())
}
