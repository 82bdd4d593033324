//! Writing entries: drafts saved against the version they started from, explicit submissions kept
//! as numbered versions, and the deadline checked when a change is written.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};

use super::entity::{entry, version};
use super::model::{EntryFields, EntryStatus, EntryView};
use super::rules::{check_draft, check_open, check_submission};
use crate::auth::Viewer;
use crate::auth::entity::user;
use crate::challenge::entity::challenge;
use crate::error::AppError;
use crate::team::entity::{member, team};

/// The team and its challenge, if `viewer` is one of its members.
pub(crate) async fn team_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
) -> Result<(team::Model, challenge::Model), AppError> {
    let t = team::Entity::find_by_id(team_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if member::Entity::find_by_id((t.id, viewer.id))
        .one(db)
        .await?
        .is_none()
    {
        return Err(AppError::Forbidden);
    }
    let c = challenge::Entity::find_by_id(t.challenge_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((t, c))
}

pub(crate) async fn load_or_create(
    db: &impl ConnectionTrait,
    t: &team::Model,
) -> Result<entry::Model, AppError> {
    if let Some(e) = entry::Entity::find()
        .filter(entry::Column::TeamId.eq(t.id))
        .one(db)
        .await?
    {
        return Ok(e);
    }
    let now = Utc::now();
    let created = entry::ActiveModel {
        team_id: Set(t.id),
        challenge_id: Set(t.challenge_id),
        title: Set(String::new()),
        summary: Set(String::new()),
        solution_md: Set(String::new()),
        solution_html: Set(String::new()),
        pilot_plan: Set(String::new()),
        cost_vnd: Set(0),
        experience: Set(String::new()),
        demo_url: Set(String::new()),
        acknowledged: Set(false),
        status: Set(EntryStatus::Draft.code().into()),
        version: Set(0),
        submitted_version: Set(None),
        submitted_at: Set(None),
        ineligible_reason: Set(None),
        updated_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match created {
        Ok(e) => Ok(e),
        // Two members opened it at once: the other one created it.
        Err(_) => entry::Entity::find()
            .filter(entry::Column::TeamId.eq(t.id))
            .one(db)
            .await?
            .ok_or(AppError::NotFound),
    }
}

/// The team's own deadline: the challenge's, or later when staff extended it for this team.
pub(crate) fn closes_at(c: &challenge::Model, e: &entry::Model) -> DateTime<Utc> {
    e.extended_until
        .map_or(c.entries_close_at, |until| until.max(c.entries_close_at))
}

fn fields_of(e: &entry::Model) -> EntryFields {
    EntryFields {
        title: e.title.clone(),
        summary: e.summary.clone(),
        solution: e.solution_md.clone(),
        pilot_plan: e.pilot_plan.clone(),
        cost: if e.cost_vnd == 0 {
            String::new()
        } else {
            e.cost_vnd.to_string()
        },
        experience: e.experience.clone(),
        demo_url: e.demo_url.clone(),
        acknowledged: e.acknowledged.then(|| "on".to_owned()),
    }
}

/// Whether the draft (its fields written as a version stores them, and its files) differs from
/// the submitted version `v`.
fn differs(v: &version::Model, content: &str, attachments: &[i64]) -> bool {
    v.content != content || v.upload_ids() != attachments
}

async fn view_of(
    db: &impl ConnectionTrait,
    e: entry::Model,
    closes_at: DateTime<Utc>,
) -> Result<EntryView, AppError> {
    let last = version::Entity::find()
        .filter(version::Column::EntryId.eq(e.id))
        .order_by_desc(version::Column::Number)
        .one(db)
        .await?;
    let submissions = last.as_ref().map_or(0, |v| v.number as u64);
    let unsubmitted_changes = match &last {
        Some(v) => differs(
            v,
            &serde_json::to_string(&fields_of(&e)).map_err(crate::error::internal)?,
            &current_ids(db, e.id).await?,
        ),
        None => false,
    };
    let updated_by = match e.updated_by {
        Some(id) => user::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    Ok(EntryView {
        team_id: e.team_id,
        fields: fields_of(&e),
        status: EntryStatus::from_code(&e.status),
        version: e.version,
        unsubmitted_changes,
        submitted_at: e.submitted_at,
        submissions,
        ineligible_reason: e.ineligible_reason,
        updated_by,
        updated_at: e.updated_at,
        closes_at,
    })
}

pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
) -> Result<EntryView, AppError> {
    let (t, c) = team_of(db, viewer, team_id).await?;
    let e = load_or_create(db, &t).await?;
    let deadline = closes_at(&c, &e);
    view_of(db, e, deadline).await
}

/// The fields that differ between what is saved and what a save brought, to say what changed.
fn changed_fields(saved: &EntryFields, incoming: &EntryFields) -> Vec<&'static str> {
    [
        ("title", saved.title != incoming.title),
        ("summary", saved.summary != incoming.summary),
        ("solution", saved.solution != incoming.solution),
        ("pilot_plan", saved.pilot_plan != incoming.pilot_plan),
        ("cost", saved.cost != incoming.cost),
        ("experience", saved.experience != incoming.experience),
        ("demo_url", saved.demo_url != incoming.demo_url),
    ]
    .into_iter()
    .filter_map(|(name, differs)| differs.then_some(name))
    .collect()
}

async fn changed_since(
    db: &impl ConnectionTrait,
    current: &entry::Model,
    incoming: &EntryFields,
) -> Result<AppError, AppError> {
    let by = match current.updated_by {
        Some(id) => user::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    // Named by their keys: the message is shown in the language of whoever reads it.
    let fields: Vec<String> = changed_fields(&fields_of(current), incoming)
        .into_iter()
        .map(|f| format!("t:field.entry_{f}"))
        .collect();
    Ok(AppError::Conflict {
        key: "error.entry_changed".into(),
        params: vec![
            ("by".into(), by.unwrap_or_default()),
            ("fields".into(), fields.join(", ")),
            ("version".into(), current.version.to_string()),
        ],
    })
}

/// The ids of the files attached now, oldest first.
pub(crate) async fn current_ids(
    db: &impl ConnectionTrait,
    entry_id: i64,
) -> Result<Vec<i64>, AppError> {
    use super::entity::attachment;
    Ok(attachment::Entity::find()
        .filter(attachment::Column::EntryId.eq(entry_id))
        .filter(attachment::Column::RemovedAt.is_null())
        .order_by_asc(attachment::Column::CreatedAt)
        .order_by_asc(attachment::Column::UploadId)
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.upload_id)
        .collect())
}

/// Saves a draft over `base_version`. If someone saved since, nothing is overwritten: the save is
/// refused with who changed what.
pub async fn save(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
    base_version: i32,
    fields: EntryFields,
) -> Result<EntryView, AppError> {
    let (t, c) = team_of(db, viewer, team_id).await?;
    let current = load_or_create(db, &t).await?;
    let deadline = closes_at(&c, &current);
    check_open(deadline, Utc::now())?;
    let errors = check_draft(&fields);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if EntryStatus::from_code(&current.status) == EntryStatus::Ineligible {
        return Err(AppError::conflict("error.entry_ineligible"));
    }
    let now = Utc::now();
    check_open(deadline, now)?;
    let updated = entry::Entity::update_many()
        .set(entry::ActiveModel {
            title: Set(fields.title.trim().to_owned()),
            summary: Set(fields.summary.trim().to_owned()),
            solution_md: Set(fields.solution.clone()),
            solution_html: Set(crate::markdown::to_safe_html(&fields.solution)),
            pilot_plan: Set(fields.pilot_plan.clone()),
            cost_vnd: Set(crate::i18n::format::parse_vnd(&fields.cost).unwrap_or(0)),
            experience: Set(fields.experience.clone()),
            demo_url: Set(fields.demo_url.trim().to_owned()),
            acknowledged: Set(fields.acknowledged.is_some()),
            version: Set(base_version + 1),
            updated_by: Set(Some(viewer.id)),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(entry::Column::Id.eq(current.id))
        .filter(entry::Column::Version.eq(base_version))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        let latest = load_or_create(db, &t).await?;
        return Err(changed_since(db, &latest, &fields).await?);
    }
    let saved = load_or_create(db, &t).await?;
    view_of(db, saved, deadline).await
}

/// Saves the draft over `base_version` and, with `then_submit`, submits the version just saved:
/// the editor's submit button sends the fields with it, so what was typed before the page's code
/// arrived (or in a browser without JavaScript) is submitted, not left behind. Two steps on
/// purpose: a submission refused (incomplete, too late) keeps the draft saved.
pub async fn save_draft(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &crate::auth::Requester,
    team_id: i64,
    base_version: i32,
    fields: EntryFields,
    then_submit: bool,
) -> Result<EntryView, AppError> {
    let saved = save(db, requester.verified()?, team_id, base_version, fields).await?;
    if !then_submit {
        return Ok(saved);
    }
    submit(db, links, requester, team_id, saved.version).await
}

/// Submits what is saved (at `base_version`) as a new numbered version: the version, its
/// record and the team's notifications, in one transaction.
pub async fn submit(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &crate::auth::Requester,
    team_id: i64,
    base_version: i32,
) -> Result<EntryView, AppError> {
    let viewer = requester.verified()?;
    let (t, c) = team_of(db, viewer, team_id).await?;
    let deadline = closes_at(&c, &load_or_create(db, &t).await?);
    check_open(deadline, Utc::now())?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let current = load_or_create(&txn, &t).await?;
    if current.version != base_version {
        return Err(changed_since(&txn, &current, &fields_of(&current)).await?);
    }
    if EntryStatus::from_code(&current.status) == EntryStatus::Ineligible {
        return Err(AppError::conflict("error.entry_ineligible"));
    }
    let fields = fields_of(&current);
    let errors = check_submission(&fields);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    // Checked again as the submission is written: a request that started before the deadline
    // and arrives after it is too late.
    let now = Utc::now();
    check_open(deadline, now)?;
    // The entry's row first: on PostgreSQL a second submission of the same version waits here
    // for the first to commit, and then finds nothing new.
    let submitted = entry::Entity::update_many()
        .set(entry::ActiveModel {
            status: Set(EntryStatus::Submitted.code().into()),
            submitted_version: Set(Some(current.version)),
            submitted_at: Set(Some(now)),
            search_key: Set(Some(crate::i18n::format::fold_for_search(&fields.title))),
            ..Default::default()
        })
        .filter(entry::Column::Id.eq(current.id))
        .filter(entry::Column::Version.eq(base_version))
        .exec(&txn)
        .await?;
    if submitted.rows_affected != 1 {
        return Err(AppError::conflict("error.entry_changed"));
    }
    let content = serde_json::to_string(&fields).map_err(crate::error::internal)?;
    let attachments = current_ids(&txn, current.id).await?;
    let last = version::Entity::find()
        .filter(version::Column::EntryId.eq(current.id))
        .order_by_desc(version::Column::Number)
        .one(&txn)
        .await?;
    // The same text and files again are not a new submission (a second press, a client that
    // retries): judges and the team's history see each version once.
    if last
        .as_ref()
        .is_some_and(|v| !differs(v, &content, &attachments))
    {
        return Err(AppError::conflict("error.entry_nothing_new"));
    }
    let number = last.map_or(0, |v| v.number) + 1;
    version::ActiveModel {
        entry_id: Set(current.id),
        number: Set(number),
        content: Set(content),
        submitted_by: Set(Some(viewer.id)),
        submitted_at: Set(now),
        attachments: Set(serde_json::to_string(&attachments).map_err(crate::error::internal)?),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    crate::audit::service::Record::new("entry.submit", "team", Some(t.id))
        .by_requester(requester)
        .details(serde_json::json!({ "submission": number }))
        .save(&txn)
        .await?;
    crate::team::service::notify_members(
        &txn,
        links,
        &t,
        crate::notify::model::NotificationKind::EntrySubmitted,
        &[
            ("team", &t.name),
            ("name", &viewer.display_name),
            (crate::notify::model::ACTOR, &viewer.id.to_string()),
        ],
    )
    .await?;
    txn.commit().await?;
    let saved = load_or_create(db, &t).await?;
    view_of(db, saved, deadline).await
}

/// Gives a search key (the title last submitted) to each entry submitted before entries had one;
/// how many it gave.
pub async fn give_search_keys(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    use sea_orm::QuerySelect;
    let missing: Vec<(i64, i32)> = entry::Entity::find()
        .select_only()
        .columns([entry::Column::Id, entry::Column::SubmittedVersion])
        .filter(entry::Column::SearchKey.is_null())
        .filter(entry::Column::SubmittedVersion.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut given = 0;
    for chunk in missing.chunks(500) {
        let versions = version::Entity::find()
            .filter(version::Column::EntryId.is_in(chunk.iter().map(|(id, _)| *id)))
            .order_by_desc(version::Column::Number)
            .all(db)
            .await?;
        for (id, _) in chunk {
            // The newest version is what the entry last submitted.
            let Some(v) = versions.iter().find(|v| v.entry_id == *id) else {
                continue;
            };
            let fields: EntryFields = serde_json::from_str(&v.content).unwrap_or_default();
            given += entry::Entity::update_many()
                .col_expr(
                    entry::Column::SearchKey,
                    sea_orm::sea_query::Expr::value(crate::i18n::format::fold_for_search(
                        &fields.title,
                    )),
                )
                .filter(entry::Column::Id.eq(*id))
                .filter(entry::Column::SearchKey.is_null())
                .exec(db)
                .await?
                .rows_affected;
        }
    }
    Ok(given)
}
