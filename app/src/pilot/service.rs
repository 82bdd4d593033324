//! Pilots on the server: made from an awarded entry, changed by staff and milestone owners
//! (every change in the audit log), followed, commented on and rated by citizens, read by all.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

use super::entity::{comment, follow, kpi, measurement, milestone, pilot, rating, update};
use super::model::{PilotCandidate, PilotCard, PilotForm};
use super::rules::{self, MilestoneFigures, MilestoneStatus, Outcome, Owner, PilotStatus, Terms};
use crate::account::entity::user;
use crate::audit::service::Record;
use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::entry::entity::entry;
use crate::error::{AppError, FieldError};
use crate::judging::entity::award;
use crate::notify::model::NotificationKind;
use crate::org::entity::org_staff;
use crate::team::entity::{member, team};

/// The form, checked: every problem at once, each next to its field.
struct Checked {
    title: String,
    summary: String,
    official_name: String,
    official_role: String,
    terms: Terms,
}

fn check_form(form: &PilotForm) -> Result<Checked, AppError> {
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

fn refuse_if_ended(p: &pilot::Model) -> Result<(), AppError> {
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
    staff: &Viewer,
    entry_id: i64,
    form: &PilotForm,
) -> Result<i64, AppError> {
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
    let txn = db.begin().await?;
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
        .by(staff)
        .details(serde_json::json!({ "entry": e.title, "award": cand.award }))
        .public()
        .save(&txn)
        .await?;
    txn.commit().await?;
    if let Some(t) = team::Entity::find_by_id(e.team_id).one(db).await? {
        for m in member::Entity::find()
            .filter(member::Column::TeamId.eq(t.id))
            .all(db)
            .await?
        {
            crate::notify::service::notify(
                db,
                links,
                m.user_id,
                NotificationKind::PilotStarted,
                &[("title", &p.title), ("team", &t.name)],
                &format!("/pilots/{}", p.id),
            )
            .await?;
        }
    }
    Ok(p.id)
}

/// Staff change what a pilot is, who answers for it, its budget and dates.
pub async fn update_terms(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    id: i64,
    form: &PilotForm,
) -> Result<(), AppError> {
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
        .by(staff)
        .details(serde_json::json!({
            "budget": crate::i18n::format_vnd(after.0),
            "disbursed": crate::i18n::format_vnd(after.1),
            "starts": after.2.format("%d/%m/%Y").to_string(),
            "ends": after.3.format("%d/%m/%Y").to_string(),
        }));
    if before != after {
        record = record.public();
    }
    record.save(db).await
}

pub async fn add_kpi(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    pilot_id: i64,
    name: &str,
    unit: &str,
    baseline: &str,
    target: &str,
) -> Result<(), AppError> {
    let p = find_managed(db, pilot_id, staff).await?;
    refuse_if_ended(&p)?;
    let mut errors: Vec<FieldError> = [
        FieldError::length("name", name, 3, 200),
        FieldError::length("unit", unit, 1, 40),
    ]
    .into_iter()
    .flatten()
    .collect();
    let baseline = rules::parse_figure("baseline", baseline).map_err(|e| errors.push(e));
    let target = rules::parse_figure("target", target).map_err(|e| errors.push(e));
    let (Ok(baseline), Ok(target)) = (baseline, target) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let position = kpi::Entity::find()
        .filter(kpi::Column::PilotId.eq(pilot_id))
        .count(db)
        .await? as i32;
    kpi::ActiveModel {
        pilot_id: Set(pilot_id),
        name: Set(name.trim().to_owned()),
        unit: Set(unit.trim().to_owned()),
        baseline: Set(baseline),
        target: Set(target),
        position: Set(position),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Record::new("pilot.kpi", "pilot", Some(pilot_id))
        .by(staff)
        .details(serde_json::json!({ "kpi": name.trim(), "unit": unit.trim(),
            "baseline": rules::format_figure(baseline), "target": rules::format_figure(target) }))
        .save(db)
        .await
}

/// Records a dated measurement of a KPI (staff of the pilot's organisation).
pub async fn measure(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    kpi_id: i64,
    measured_on: &str,
    value: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let k = kpi::Entity::find_by_id(kpi_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = find_managed(db, k.pilot_id, staff).await?;
    refuse_if_ended(&p)?;
    let mut errors: Vec<FieldError> = FieldError::length("note", note, 0, 500)
        .into_iter()
        .collect();
    let day = rules::parse_day("measured_on", measured_on).map_err(|e| errors.push(e));
    let value = rules::parse_figure("value", value).map_err(|e| errors.push(e));
    let (Ok(day), Ok(value)) = (day, value) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    rules::check_measured_on(day, now)?;
    measurement::ActiveModel {
        kpi_id: Set(k.id),
        measured_on: Set(day),
        value: Set(value),
        note: Set(note.trim().to_owned()),
        recorded_by: Set(Some(staff.id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Record::new("pilot.measure", "pilot", Some(p.id))
        .by(staff)
        .details(
            serde_json::json!({ "kpi": k.name, "on": day.format("%d/%m/%Y").to_string(),
            "value": rules::format_figure(value) }),
        )
        .save(db)
        .await
}

/// Whose a milestone is, from the form: "team", or an official's account id who must be staff
/// of the pilot's organisation.
async fn owner_from_form(
    db: &impl ConnectionTrait,
    p: &pilot::Model,
    owner: &str,
) -> Result<Owner, AppError> {
    if owner == "team" {
        return Ok(Owner::Team);
    }
    let id: i64 = owner
        .parse()
        .map_err(|_| AppError::invalid("owner", "error.milestone_owner"))?;
    let is_official = org_staff::Entity::find_by_id((p.organisation_id, id))
        .one(db)
        .await?
        .is_some();
    if is_official {
        Ok(Owner::Official(id))
    } else {
        Err(AppError::invalid("owner", "error.milestone_owner"))
    }
}

pub async fn add_milestone(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    pilot_id: i64,
    title: &str,
    owner: &str,
    due_on: &str,
) -> Result<i64, AppError> {
    let p = find_managed(db, pilot_id, staff).await?;
    refuse_if_ended(&p)?;
    let mut errors: Vec<FieldError> = FieldError::length("title", title, 3, 200)
        .into_iter()
        .collect();
    let due = rules::parse_day("due_on", due_on).map_err(|e| errors.push(e));
    let Ok(due) = due else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    rules::check_due(due, p.starts_on)?;
    let owner = owner_from_form(db, &p, owner).await?;
    let now = Utc::now();
    let m = milestone::ActiveModel {
        pilot_id: Set(pilot_id),
        title: Set(title.trim().to_owned()),
        owner_kind: Set(owner.kind().to_owned()),
        owner_user_id: Set(match owner {
            Owner::Official(id) => Some(id),
            Owner::Team => None,
        }),
        due_on: Set(due),
        original_due_on: Set(due),
        move_reason: Set(None),
        status: Set(MilestoneStatus::Planned.code().to_owned()),
        blocked_reason: Set(None),
        done_at: Set(None),
        evidence_text: Set(None),
        evidence_url: Set(None),
        evidence_upload_id: Set(None),
        reminded_soon_at: Set(None),
        reminded_late_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Record::new("milestone.add", "pilot", Some(pilot_id))
        .by(staff)
        .details(
            serde_json::json!({ "milestone": m.title, "due": due.format("%d/%m/%Y").to_string() }),
        )
        .public()
        .save(db)
        .await?;
    Ok(m.id)
}

/// Moves a milestone's due date, for a reason the public sees beside the first date.
pub async fn move_milestone(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    milestone_id: i64,
    due_on: &str,
    reason: &str,
) -> Result<(), AppError> {
    let m = milestone::Entity::find_by_id(milestone_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = find_managed(db, m.pilot_id, staff).await?;
    refuse_if_ended(&p)?;
    let mut errors: Vec<FieldError> = FieldError::length("reason", reason, 10, 1000)
        .into_iter()
        .collect();
    let due = rules::parse_day("due_on", due_on).map_err(|e| errors.push(e));
    let Ok(due) = due else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    rules::check_due(due, p.starts_on)?;
    if due == m.due_on {
        return Err(AppError::invalid("due_on", "error.milestone_same_date"));
    }
    if m.status == MilestoneStatus::Done.code() {
        return Err(AppError::conflict("error.milestone_done"));
    }
    let from = m.due_on;
    let title = m.title.clone();
    let mut a: milestone::ActiveModel = m.into();
    a.due_on = Set(due);
    a.move_reason = Set(Some(reason.trim().to_owned()));
    // A new date earns a new reminder.
    a.reminded_soon_at = Set(None);
    a.reminded_late_at = Set(None);
    a.updated_at = Set(Utc::now());
    a.update(db).await?;
    Record::new("milestone.move", "pilot", Some(p.id))
        .by(staff)
        .reason(reason.trim())
        .details(serde_json::json!({
            "milestone": title,
            "from": from.format("%d/%m/%Y").to_string(),
            "to": due.format("%d/%m/%Y").to_string(),
        }))
        .public()
        .save(db)
        .await
}

/// A status change as the form sends it.
#[derive(Default)]
pub struct StatusChange {
    pub status: String,
    pub blocked_reason: String,
    pub evidence_text: String,
    pub evidence_url: String,
    pub evidence_file: Option<crate::upload::form::Incoming>,
}

/// The owner of a milestone (or staff) moves it on. Blocked needs a reason; done needs evidence
/// (a text, a link or a file) and records when.
pub async fn set_status(
    db: &impl ConnectionTrait,
    storage: &crate::upload::storage::Storage,
    viewer: &Viewer,
    milestone_id: i64,
    change: StatusChange,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let m = milestone::Entity::find_by_id(milestone_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = find(db, m.pilot_id).await?;
    let owner = Owner::from_columns(&m.owner_kind, m.owner_user_id);
    let member = is_member(db, p.team_id, viewer.id).await?;
    if !rules::may_set_status(
        owner,
        viewer.id,
        viewer.is_staff_of(p.organisation_id),
        member,
    ) {
        return Err(AppError::conflict("error.milestone_not_owner"));
    }
    refuse_if_ended(&p)?;
    let status = MilestoneStatus::from_code(&change.status)
        .ok_or_else(|| AppError::invalid("status", "error.required"))?;
    let mut a: milestone::ActiveModel = m.clone().into();
    match status {
        MilestoneStatus::Blocked => {
            if let Some(e) = FieldError::length("blocked_reason", &change.blocked_reason, 10, 1000)
            {
                return Err(AppError::Invalid(vec![e]));
            }
            a.blocked_reason = Set(Some(change.blocked_reason.trim().to_owned()));
            a.done_at = Set(None);
        }
        MilestoneStatus::Done => {
            let text = change.evidence_text.trim();
            let url = change.evidence_url.trim();
            let mut errors: Vec<FieldError> = FieldError::length("evidence_text", text, 0, 2000)
                .into_iter()
                .collect();
            if !url.is_empty() && !crate::entry::rules::is_web_address(url) {
                errors.push(FieldError::new("evidence_url", "error.url_invalid"));
            }
            if text.is_empty() && url.is_empty() && change.evidence_file.is_none() {
                errors.push(FieldError::new("evidence_text", "error.evidence_required"));
            }
            if !errors.is_empty() {
                return Err(AppError::Invalid(errors));
            }
            if let Some(file) = change.evidence_file {
                let link = crate::upload::service::store(
                    db,
                    storage,
                    viewer.id,
                    crate::upload::service::Purpose::PilotFile,
                    "evidence_file",
                    file,
                )
                .await
                .map_err(AppError::Invalid)?;
                a.evidence_upload_id = Set(Some(link.id));
            }
            a.evidence_text = Set((!text.is_empty()).then(|| text.to_owned()));
            a.evidence_url = Set((!url.is_empty()).then(|| url.to_owned()));
            a.blocked_reason = Set(None);
            if m.done_at.is_none() {
                a.done_at = Set(Some(now));
            }
        }
        MilestoneStatus::Planned | MilestoneStatus::InProgress => {
            a.blocked_reason = Set(None);
            a.done_at = Set(None);
        }
    }
    a.status = Set(status.code().to_owned());
    a.updated_at = Set(now);
    a.update(db).await?;
    let mut record = Record::new("milestone.status", "pilot", Some(p.id))
        .by(viewer)
        .details(serde_json::json!({ "milestone": m.title, "status": status.code() }))
        .public();
    // A team member acts as one, whatever office they hold elsewhere: not named in public.
    if !viewer.is_staff_of(p.organisation_id) {
        record = record.acting_as("team");
    }
    if status == MilestoneStatus::Blocked {
        record = record.reason(change.blocked_reason.trim());
    }
    record.save(db).await?;
    Ok(p.id)
}

/// Staff or a team member posts a dated update; followers are told.
pub async fn post_update(
    db: &impl ConnectionTrait,
    links: &crate::links::Links,
    storage: &crate::upload::storage::Storage,
    viewer: &Viewer,
    pilot_id: i64,
    body: &str,
    photos: Vec<crate::upload::form::Incoming>,
) -> Result<(), AppError> {
    let p = find(db, pilot_id).await?;
    let staff = viewer.is_staff_of(p.organisation_id);
    let member = is_member(db, p.team_id, viewer.id).await?;
    if !staff && !member {
        return Err(AppError::Forbidden);
    }
    refuse_if_ended(&p)?;
    if let Some(e) = FieldError::length("body", body, 10, 5000) {
        return Err(AppError::Invalid(vec![e]));
    }
    if photos.len() > MAX_PHOTOS {
        return Err(AppError::Invalid(vec![
            FieldError::new("photos", "error.too_many_photos").with("max", MAX_PHOTOS),
        ]));
    }
    let mut ids = Vec::new();
    for photo in photos {
        let link = crate::upload::service::store(
            db,
            storage,
            viewer.id,
            crate::upload::service::Purpose::PilotPhoto,
            "photos",
            photo,
        )
        .await
        .map_err(AppError::Invalid)?;
        ids.push(link.id);
    }
    let u = update::ActiveModel {
        pilot_id: Set(pilot_id),
        author_id: Set(Some(viewer.id)),
        author_name: Set(viewer.display_name.clone()),
        by_team: Set(member && !staff),
        body: Set(body.trim().to_owned()),
        photos: Set(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Record::new("pilot.post", "pilot", Some(pilot_id))
        .by(viewer)
        .details(serde_json::json!({ "update": u.id }))
        .save(db)
        .await?;
    notify_followers(
        db,
        links,
        &p,
        NotificationKind::PilotUpdated,
        Some(viewer.id),
    )
    .await
}

/// Photos on one update.
pub const MAX_PHOTOS: usize = 4;

async fn notify_followers(
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

/// A verified citizen comments on an update.
pub async fn comment(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    update_id: i64,
    body: &str,
) -> Result<i64, AppError> {
    let u = update::Entity::find_by_id(update_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(e) = FieldError::length("body", body, 2, 1000) {
        return Err(AppError::Invalid(vec![e]));
    }
    comment::ActiveModel {
        pilot_id: Set(u.pilot_id),
        update_id: Set(u.id),
        user_id: Set(Some(viewer.id)),
        body: Set(body.trim().to_owned()),
        created_at: Set(Utc::now()),
        hidden_at: Set(None),
        hidden_by: Set(None),
        hidden_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(u.pilot_id)
}

/// Staff hide a comment, with a reason shown in its place.
pub async fn hide_comment(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    comment_id: i64,
    reason: &str,
) -> Result<i64, AppError> {
    let c = comment::Entity::find_by_id(comment_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = find_managed(db, c.pilot_id, staff).await?;
    if let Some(e) = FieldError::length("reason", reason, 5, 500) {
        return Err(AppError::Invalid(vec![e]));
    }
    if c.hidden_at.is_some() {
        return Err(AppError::conflict("error.comment_hidden"));
    }
    let mut a: comment::ActiveModel = c.into();
    a.hidden_at = Set(Some(Utc::now()));
    a.hidden_by = Set(Some(staff.id));
    a.hidden_reason = Set(Some(reason.trim().to_owned()));
    a.update(db).await?;
    Record::new("pilot.hide_comment", "pilot", Some(p.id))
        .by(staff)
        .reason(reason.trim())
        .details(serde_json::json!({ "comment": comment_id }))
        .public()
        .save(db)
        .await?;
    Ok(p.id)
}

/// A citizen rates how the piloted service works for them: one rating each, changeable.
pub async fn rate(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    pilot_id: i64,
    stars: i32,
    text: &str,
) -> Result<(), AppError> {
    find(db, pilot_id).await?;
    let mut errors: Vec<FieldError> = FieldError::length("comment", text, 0, 1000)
        .into_iter()
        .collect();
    if !(1..=5).contains(&stars) {
        errors.push(FieldError::new("stars", "error.stars_range"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = Utc::now();
    let existing = rating::Entity::find_by_id((pilot_id, viewer.id))
        .one(db)
        .await?;
    match existing {
        Some(r) => {
            let mut a: rating::ActiveModel = r.into();
            a.stars = Set(stars);
            a.comment = Set(text.trim().to_owned());
            a.updated_at = Set(now);
            a.update(db).await?;
        }
        None => {
            let inserted = rating::ActiveModel {
                pilot_id: Set(pilot_id),
                user_id: Set(viewer.id),
                stars: Set(stars),
                comment: Set(text.trim().to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await;
            // A second tab rated at the same moment: the rating exists, so this one changes it.
            if let Err(err) = inserted {
                if !crate::error::is_unique_violation(&err) {
                    return Err(err.into());
                }
                rating::Entity::update_many()
                    .set(rating::ActiveModel {
                        stars: Set(stars),
                        comment: Set(text.trim().to_owned()),
                        updated_at: Set(now),
                        ..Default::default()
                    })
                    .filter(rating::Column::PilotId.eq(pilot_id))
                    .filter(rating::Column::UserId.eq(viewer.id))
                    .exec(db)
                    .await?;
            }
        }
    }
    Ok(())
}

pub async fn set_follow(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    pilot_id: i64,
    on: bool,
) -> Result<(), AppError> {
    find(db, pilot_id).await?;
    let existing = follow::Entity::find_by_id((pilot_id, viewer.id))
        .one(db)
        .await?;
    match (on, existing) {
        (true, None) => {
            let inserted = follow::ActiveModel {
                pilot_id: Set(pilot_id),
                user_id: Set(viewer.id),
                created_at: Set(Utc::now()),
            }
            .insert(db)
            .await;
            match inserted {
                Err(err) if !crate::error::is_unique_violation(&err) => return Err(err.into()),
                _ => {}
            }
        }
        (false, Some(f)) => {
            follow::Entity::delete_by_id((f.pilot_id, f.user_id))
                .exec(db)
                .await?;
        }
        _ => {}
    }
    Ok(())
}

/// Ends a pilot's term: rolled out, stopped, or extended to a new end date; the closing statement
/// is public and followers are told.
pub async fn close(
    db: &impl ConnectionTrait,
    links: &crate::links::Links,
    staff: &Viewer,
    pilot_id: i64,
    outcome: &str,
    statement: &str,
    new_end_on: &str,
) -> Result<(), AppError> {
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
        .by(staff)
        .reason(statement.trim())
        .details(details)
        .public()
        .save(db)
        .await?;
    notify_followers(db, links, &p, NotificationKind::PilotEnded, None).await
}

pub(crate) fn status_of(p: &pilot::Model) -> PilotStatus {
    PilotStatus::from_code(&p.status).unwrap_or(PilotStatus::Running)
}

/// Cards for several pilots, in two queries whatever their number.
pub(crate) async fn cards(
    db: &impl ConnectionTrait,
    pilots: Vec<pilot::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<PilotCard>, AppError> {
    let ids: Vec<i64> = pilots.iter().map(|p| p.id).collect();
    let milestones = milestone::Entity::find()
        .filter(milestone::Column::PilotId.is_in(ids))
        .all(db)
        .await?;
    let orgs: HashMap<i64, crate::org::model::Organisation> = crate::org::service::list(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let challenge_ids: Vec<i64> = pilots.iter().map(|p| p.challenge_id).collect();
    let challenges: HashMap<i64, String> = challenge::Entity::find()
        .select_only()
        .columns([challenge::Column::Id, challenge::Column::Title])
        .filter(challenge::Column::Id.is_in(challenge_ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let team_ids: Vec<i64> = pilots.iter().map(|p| p.team_id).collect();
    let teams: HashMap<i64, String> = team::Entity::find()
        .select_only()
        .columns([team::Column::Id, team::Column::Name])
        .filter(team::Column::Id.is_in(team_ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(pilots
        .into_iter()
        .filter_map(|p| {
            let own: Vec<&milestone::Model> =
                milestones.iter().filter(|m| m.pilot_id == p.id).collect();
            let figures = MilestoneFigures::count(
                own.iter().map(|m| rules::timing(m.due_on, m.done_at, now)),
            );
            Some(PilotCard {
                id: p.id,
                organisation: orgs.get(&p.organisation_id)?.clone(),
                challenge_title: challenges.get(&p.challenge_id).cloned().unwrap_or_default(),
                team_name: teams.get(&p.team_id).cloned().unwrap_or_default(),
                status: status_of(&p),
                milestones_done: figures.finished,
                milestones_total: figures.total,
                late_now: figures.late_now,
                progress: rules::progress(figures.finished, figures.total),
                starts_on: p.starts_on,
                planned_end_on: p.planned_end_on,
                title: p.title,
            })
        })
        .collect())
}

/// Every pilot, the active ones first, newest first; optionally only one status.
pub async fn list(
    db: &impl ConnectionTrait,
    status: Option<PilotStatus>,
    now: DateTime<Utc>,
) -> Result<Vec<PilotCard>, AppError> {
    let mut q = pilot::Entity::find().order_by_desc(pilot::Column::StartsOn);
    if let Some(s) = status {
        q = q.filter(pilot::Column::Status.eq(s.code()));
    }
    let mut out = cards(db, q.all(db).await?, now).await?;
    out.sort_by_key(|c| !c.status.is_active());
    Ok(out)
}

/// The pilots made from one challenge's entries: (entry id, pilot id).
pub async fn of_challenge(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(pilot::Entity::find()
        .select_only()
        .columns([pilot::Column::EntryId, pilot::Column::Id])
        .filter(pilot::Column::ChallengeId.eq(challenge_id))
        .into_tuple()
        .all(db)
        .await?)
}

/// Reminds milestone owners three days before a due date and once when it passes unfinished;
/// each reminder claimed first, so that several instances send it once.
pub async fn remind_milestones(
    db: &sea_orm::DatabaseConnection,
    links: &crate::links::Links,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let open = milestone::Entity::find()
        .filter(milestone::Column::Status.ne(MilestoneStatus::Done.code()))
        .filter(
            sea_orm::Condition::any()
                .add(milestone::Column::RemindedSoonAt.is_null())
                .add(milestone::Column::RemindedLateAt.is_null()),
        )
        .all(db)
        .await?;
    let mut sent = 0;
    for m in open {
        let deadline = rules::end_of_day(m.due_on);
        let (kind, column) = if now >= deadline && m.reminded_late_at.is_none() {
            (
                NotificationKind::MilestoneOverdue,
                milestone::Column::RemindedLateAt,
            )
        } else if now < deadline
            && deadline - now <= chrono::Duration::days(REMIND_DAYS)
            && m.reminded_soon_at.is_none()
        {
            (
                NotificationKind::MilestoneDueSoon,
                milestone::Column::RemindedSoonAt,
            )
        } else {
            continue;
        };
        let Some(p) = pilot::Entity::find_by_id(m.pilot_id).one(db).await? else {
            continue;
        };
        if !status_of(&p).is_active() {
            continue;
        }
        let claim = milestone::Entity::update_many()
            .col_expr(column, sea_orm::sea_query::Expr::value(now))
            .filter(milestone::Column::Id.eq(m.id))
            .filter(column.is_null());
        let Some(txn) = crate::group_commit::claim(db, claim).await? else {
            continue;
        };
        let owners: Vec<i64> = match Owner::from_columns(&m.owner_kind, m.owner_user_id) {
            Owner::Official(uid) => vec![uid],
            Owner::Team => {
                member::Entity::find()
                    .select_only()
                    .column(member::Column::UserId)
                    .filter(member::Column::TeamId.eq(p.team_id))
                    .into_tuple()
                    .all(&txn)
                    .await?
            }
        };
        let due = m.due_on.format("%d/%m/%Y").to_string();
        for user_id in owners {
            crate::notify::service::notify(
                &txn,
                links,
                user_id,
                kind,
                &[("milestone", &m.title), ("title", &p.title), ("date", &due)],
                &format!("/pilots/{}", p.id),
            )
            .await?;
        }
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// Days before a due date that its owner is reminded.
pub const REMIND_DAYS: i64 = 3;
