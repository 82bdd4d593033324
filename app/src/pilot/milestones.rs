//! A pilot's progress: its KPIs and their measurements, milestones with owners, moved for a reason
//! the public sees, their status and evidence, and reminders before they are due.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

use super::entity::{kpi, measurement, milestone, pilot};
use super::plan::{find, find_managed, is_member, refuse_if_ended};
use super::rules::{self, MilestoneStatus, Owner};
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::error::{AppError, FieldError};
use crate::org::entity::org_staff;

pub async fn add_kpi(
    conn: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    pilot_id: i64,
    name: &str,
    unit: &str,
    baseline: &str,
    target: &str,
) -> Result<(), AppError> {
    let staff = requester.signed_in()?;
    let txn = crate::group_commit::begin_writing(conn).await?;
    let db = &txn;
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
        .by_requester(requester)
        .details(serde_json::json!({ "kpi": name.trim(), "unit": unit.trim(),
            "baseline": rules::format_figure(baseline), "target": rules::format_figure(target) }))
        .save(db)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Records a dated measurement of a KPI (staff of the pilot's organisation).
pub async fn measure(
    conn: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    kpi_id: i64,
    measured_on: &str,
    value: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let staff = requester.signed_in()?;
    let txn = crate::group_commit::begin_writing(conn).await?;
    let db = &txn;
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
        .by_requester(requester)
        .details(
            serde_json::json!({ "kpi": k.name, "on": day.format("%d/%m/%Y").to_string(),
            "value": rules::format_figure(value) }),
        )
        .save(db)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Whose a milestone is, from the form: "team", or an official's account id who must be staff
/// of the pilot's organisation.
pub(crate) async fn owner_from_form(
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

/// The day typed into `due_on` and a text field (name, text, shortest, longest), both checked
/// before either is refused, so the form shows every error at once.
fn due_with_text(
    due_on: &str,
    (field, text, min, max): (&str, &str, usize, usize),
) -> Result<chrono::NaiveDate, AppError> {
    let mut errors: Vec<FieldError> = FieldError::length(field, text, min, max)
        .into_iter()
        .collect();
    match rules::parse_day("due_on", due_on) {
        Ok(due) if errors.is_empty() => Ok(due),
        Ok(_) => Err(AppError::Invalid(errors)),
        Err(e) => {
            errors.push(e);
            Err(AppError::Invalid(errors))
        }
    }
}

pub async fn add_milestone(
    conn: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    pilot_id: i64,
    title: &str,
    owner: &str,
    due_on: &str,
) -> Result<i64, AppError> {
    let staff = requester.signed_in()?;
    let txn = crate::group_commit::begin_writing(conn).await?;
    let db = &txn;
    let p = find_managed(db, pilot_id, staff).await?;
    refuse_if_ended(&p)?;
    let due = due_with_text(due_on, ("title", title, 3, 200))?;
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
        .by_requester(requester)
        .details(
            serde_json::json!({ "milestone": m.title, "due": due.format("%d/%m/%Y").to_string() }),
        )
        .public()
        .save(db)
        .await?;
    txn.commit().await?;
    Ok(m.id)
}

/// Moves a milestone's due date, for a reason the public sees beside the first date.
pub async fn move_milestone(
    conn: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    milestone_id: i64,
    due_on: &str,
    reason: &str,
) -> Result<(), AppError> {
    let staff = requester.signed_in()?;
    let txn = crate::group_commit::begin_writing(conn).await?;
    let db = &txn;
    let m = milestone::Entity::find_by_id(milestone_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = find_managed(db, m.pilot_id, staff).await?;
    refuse_if_ended(&p)?;
    let due = due_with_text(due_on, ("reason", reason, 10, 1000))?;
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
        .by_requester(requester)
        .reason(reason.trim())
        .details(serde_json::json!({
            "milestone": title,
            "from": from.format("%d/%m/%Y").to_string(),
            "to": due.format("%d/%m/%Y").to_string(),
        }))
        .public()
        .save(db)
        .await?;
    txn.commit().await?;
    Ok(())
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
/// (a text, a link or a file) and records when. A file is stored first (cleaning a PDF takes a
/// while, and no write waits for it); the milestone and its record are written together.
pub async fn set_status(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &crate::upload::storage::Storage,
    requester: &Requester,
    milestone_id: i64,
    change: StatusChange,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let viewer = requester.verified()?;
    let m = milestone::Entity::find_by_id(milestone_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = find(db, m.pilot_id).await?;
    let owner = Owner::from_columns(&m.owner_kind, m.owner_user_id);
    let member = is_member(db, p.team_id, viewer.id).await?;
    let staff = viewer.is_staff_of(p.organisation_id);
    // Someone outside the pilot is refused for who they are; a member of it who does not own
    // this milestone is told whose it is.
    if !staff && !member {
        return Err(viewer.refusal());
    }
    if !rules::may_set_status(owner, viewer.id, staff, member) {
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
    let txn = crate::group_commit::begin_writing(db).await?;
    a.update(&txn).await?;
    let mut record = Record::new("milestone.status", "pilot", Some(p.id))
        .by_requester(requester)
        .details(serde_json::json!({ "milestone": m.title, "status": status.code() }))
        .public();
    // A team member acts as one, whatever office they hold elsewhere: not named in public.
    if !staff {
        record = record.acting_as("team");
    }
    if status == MilestoneStatus::Blocked {
        record = record.reason(change.blocked_reason.trim());
    }
    record.save(&txn).await?;
    txn.commit().await?;
    Ok(p.id)
}

/// Days before a due date that its owner is reminded.
pub const REMIND_DAYS: i64 = 3;
