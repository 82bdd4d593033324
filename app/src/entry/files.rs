//! The files a team attaches to its entry: added and removed until its deadline, each marked
//! public or not, and readable by whoever may read the entry that holds them.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};

use super::entity::{attachment, entry, version};
use super::model::{EntryFile, EntryFiles, EntryStatus};
use super::rules::{MAX_ATTACHMENTS, check_open, entries_public};
use super::service::{closes_at, current_ids, load_or_create, team_of};
use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::error::AppError;
use crate::team::entity::{member, team};
use crate::upload::form::Incoming;
use crate::upload::service::Purpose;

pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
) -> Result<EntryFiles, AppError> {
    let (t, c) = team_of(db, viewer, team_id).await?;
    let e = load_or_create(db, &t).await?;
    files_of(db, &c, &e).await
}

async fn files_of(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    e: &entry::Model,
) -> Result<EntryFiles, AppError> {
    let rows = attachment::Entity::find()
        .filter(attachment::Column::EntryId.eq(e.id))
        .filter(attachment::Column::RemovedAt.is_null())
        .order_by_asc(attachment::Column::CreatedAt)
        .order_by_asc(attachment::Column::UploadId)
        .all(db)
        .await?;
    let links =
        crate::upload::service::links(db, rows.iter().map(|a| a.upload_id).collect()).await?;
    let files = rows
        .iter()
        .filter_map(|a| {
            links
                .iter()
                .find(|l| l.id == a.upload_id)
                .map(|l| EntryFile {
                    file: l.clone(),
                    public: a.public,
                })
        })
        .collect();
    Ok(EntryFiles {
        team_id: e.team_id,
        files,
        open: Utc::now() < closes_at(c, e)
            && EntryStatus::from_code(&e.status) != EntryStatus::Ineligible,
        max: MAX_ATTACHMENTS,
    })
}

/// The entry a member may change now: the team's deadline has not passed, it is not ineligible.
async fn changeable(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
) -> Result<(team::Model, challenge::Model, entry::Model), AppError> {
    let (t, c) = team_of(db, viewer, team_id).await?;
    let e = load_or_create(db, &t).await?;
    check_open(closes_at(&c, &e), Utc::now())?;
    if EntryStatus::from_code(&e.status) == EntryStatus::Ineligible {
        return Err(AppError::conflict("error.entry_ineligible"));
    }
    Ok((t, c, e))
}

/// Attaches a file (PDF or image, checked by its bytes, images stripped of location data).
pub async fn add(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &crate::upload::storage::Storage,
    viewer: &Viewer,
    team_id: i64,
    public: bool,
    file: Incoming,
) -> Result<EntryFiles, AppError> {
    let (_, c, e) = changeable(db, viewer, team_id).await?;
    let too_many = || {
        AppError::Invalid(vec![
            crate::error::FieldError::new("file", "error.too_many_files")
                .with("max", MAX_ATTACHMENTS),
        ])
    };
    if current_ids(db, e.id).await?.len() >= MAX_ATTACHMENTS {
        return Err(too_many());
    }
    // Cleaned and stored before the entry is locked for writing (see `upload::service::prepare`).
    let prepared =
        crate::upload::service::prepare(db, storage, viewer.id, Purpose::Attachment, "file", file)
            .await
            .map_err(AppError::Invalid)?;
    let txn = crate::group_commit::begin_writing(db).await?;
    if current_ids(&txn, e.id).await?.len() >= MAX_ATTACHMENTS {
        return Err(too_many());
    }
    let link = crate::upload::service::record(&txn, prepared, "file")
        .await
        .map_err(AppError::Invalid)?;
    attachment::ActiveModel {
        entry_id: Set(e.id),
        upload_id: Set(link.id),
        public: Set(public),
        created_at: Set(Utc::now()),
        removed_at: Set(None),
    }
    .insert(&txn)
    .await?;
    // Checked again as the file is written, like every change to an entry.
    check_open(closes_at(&c, &e), Utc::now())?;
    txn.commit().await?;
    files_of(db, &c, &e).await
}

async fn attached(
    db: &impl ConnectionTrait,
    e: &entry::Model,
    upload_id: i64,
) -> Result<attachment::Model, AppError> {
    attachment::Entity::find_by_id((e.id, upload_id))
        .filter(attachment::Column::RemovedAt.is_null())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Takes a file off the entry. A version already submitted keeps it.
pub async fn remove(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
    upload_id: i64,
) -> Result<EntryFiles, AppError> {
    let (_, c, e) = changeable(db, viewer, team_id).await?;
    let a = attached(db, &e, upload_id).await?;
    let mut active: attachment::ActiveModel = a.into();
    active.removed_at = Set(Some(Utc::now()));
    active.update(db).await?;
    files_of(db, &c, &e).await
}

/// Marks a file public (shown with the entry once entries are public) or for the jury only.
pub async fn set_public(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
    upload_id: i64,
    public: bool,
) -> Result<EntryFiles, AppError> {
    let (_, c, e) = changeable(db, viewer, team_id).await?;
    let a = attached(db, &e, upload_id).await?;
    let mut active: attachment::ActiveModel = a.into();
    active.public = Set(public);
    active.update(db).await?;
    files_of(db, &c, &e).await
}

/// The entry an uploaded file is attached to, and whether `viewer` may read it as far as the
/// entry's team and challenge say: its members and the challenge's staff always; everyone once
/// entries are public, if the team marked it public and the submitted entry holds it. (The
/// judges assigned to the entry are judging's to say.) `None` when the file belongs to no entry.
pub async fn may_read(
    db: &impl ConnectionTrait,
    upload_id: i64,
    viewer: Option<&Viewer>,
) -> Result<Option<(i64, bool)>, sea_orm::DbErr> {
    let Some(a) = attachment::Entity::find()
        .filter(attachment::Column::UploadId.eq(upload_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(e) = entry::Entity::find_by_id(a.entry_id).one(db).await? else {
        return Ok(Some((a.entry_id, false)));
    };
    let Some(c) = challenge::Entity::find_by_id(e.challenge_id)
        .one(db)
        .await?
    else {
        return Ok(Some((e.id, false)));
    };
    if let Some(v) = viewer {
        if v.is_staff_of(c.organisation_id) {
            return Ok(Some((e.id, true)));
        }
        if member::Entity::find_by_id((e.team_id, v.id))
            .one(db)
            .await?
            .is_some()
        {
            return Ok(Some((e.id, true)));
        }
    }
    if !a.public
        || EntryStatus::from_code(&e.status) != EntryStatus::Submitted
        || !entries_public(c.vote_opens_at, c.results_published_at, Utc::now())
    {
        return Ok(Some((e.id, false)));
    }
    let last = version::Entity::find()
        .filter(version::Column::EntryId.eq(e.id))
        .order_by_desc(version::Column::Number)
        .one(db)
        .await?;
    Ok(Some((
        e.id,
        last.is_some_and(|v| v.upload_ids().contains(&upload_id)),
    )))
}
