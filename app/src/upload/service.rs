//! Checking and storing files, and reading them back for `/files/{id}/{name}`.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use sha2::{Digest, Sha256};

use super::clean::strip_metadata;
use super::entity as upload;
use super::file_type::{FileKind, sniff};
use super::form::Incoming;
use super::model::FileLink;
use crate::error::FieldError;

/// What a file is for: each purpose has its own types and size limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    ReportPhoto,
    Cover,
    Attachment,
    /// A photo on a pilot's update: public.
    PilotPhoto,
    /// Evidence that a pilot's milestone is done: public.
    PilotFile,
}

impl Purpose {
    pub fn code(self) -> &'static str {
        match self {
            Purpose::ReportPhoto => "report_photo",
            Purpose::Cover => "cover",
            Purpose::Attachment => "attachment",
            Purpose::PilotPhoto => "pilot_photo",
            Purpose::PilotFile => "pilot_file",
        }
    }

    pub fn max_bytes(self) -> usize {
        match self {
            Purpose::ReportPhoto | Purpose::Cover | Purpose::PilotPhoto => 5_000_000,
            Purpose::Attachment | Purpose::PilotFile => 10_000_000,
        }
    }

    fn accepts(self, kind: FileKind) -> bool {
        match self {
            Purpose::ReportPhoto | Purpose::Cover | Purpose::PilotPhoto => kind.is_image(),
            Purpose::Attachment | Purpose::PilotFile => true,
        }
    }

    /// The translation key that lists the accepted types, for the refusal message.
    fn accepted_key(self) -> &'static str {
        match self {
            Purpose::ReportPhoto | Purpose::Cover | Purpose::PilotPhoto => "error.file_type_image",
            Purpose::Attachment | Purpose::PilotFile => "error.file_type_attachment",
        }
    }
}

pub(crate) fn to_link(m: &upload::Model) -> FileLink {
    FileLink {
        id: m.id,
        name: m.file_name.clone(),
        content_type: m.content_type.clone(),
        byte_size: m.byte_size,
    }
}

/// A file name safe in a URL and a header: the device's name without its path or extension,
/// folded to ASCII, with the extension of what the file really is.
fn clean_name(original: &str, kind: FileKind) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map(|(s, _)| s).unwrap_or(base);
    let mut slug = crate::org::model::slugify(stem);
    if slug.is_empty() {
        slug = "tep".into();
    }
    format!("{slug}.{}", kind.extension())
}

/// Whether a file suits its purpose: not empty, not too large, of an accepted type by its bytes.
pub fn check(purpose: Purpose, field: &str, file: &Incoming) -> Result<FileKind, Vec<FieldError>> {
    if file.bytes.is_empty() {
        return Err(vec![FieldError::new(field, "error.file_empty")]);
    }
    if file.bytes.len() > purpose.max_bytes() {
        return Err(vec![
            FieldError::new(field, "error.file_too_large")
                .with("max_mb", purpose.max_bytes() / 1_000_000),
        ]);
    }
    sniff(&file.bytes)
        .filter(|k| purpose.accepts(*k))
        .ok_or_else(|| vec![FieldError::new(field, purpose.accepted_key())])
}

/// Bytes one account may upload in a day: a team's entry with its largest files several times
/// over, not a disk filled overnight.
pub const BYTES_PER_ACCOUNT_PER_DAY: crate::auth::throttle::Limit =
    crate::auth::throttle::Limit::new("upload_bytes", 300 * 1024 * 1024, chrono::Duration::days(1));

/// Files being cleaned at once in this process (a PDF's rewrite holds it whole in memory).
static REWRITES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Checks a file against its purpose, strips location metadata from images, and stores it.
pub async fn store(
    db: &impl ConnectionTrait,
    storage: &super::storage::Storage,
    owner_id: i64,
    purpose: Purpose,
    field: &str,
    file: Incoming,
) -> Result<FileLink, Vec<FieldError>> {
    let prepared = prepare(db, storage, owner_id, purpose, field, file).await?;
    record(db, prepared, field).await
}

/// A file checked, cleaned and its bytes stored, waiting for its row ([`record`]).
pub struct Prepared {
    owner_id: i64,
    purpose: Purpose,
    kind: FileKind,
    file_name: String,
    byte_size: i64,
    sha256: String,
}

/// The slow part of [`store`]: checks the file, charges the owner's daily quota, cleans it and
/// stores its bytes. Call it before a transaction begins, on the pool: the quota stays charged
/// whatever comes next (a damaged or refused file counts as sent), and the cleaning and the
/// storing (seconds for a large PDF, a round trip to the bucket) hold no lock that every vote
/// and sign-in would wait for.
pub async fn prepare(
    db: &impl ConnectionTrait,
    storage: &super::storage::Storage,
    owner_id: i64,
    purpose: Purpose,
    field: &str,
    file: Incoming,
) -> Result<Prepared, Vec<FieldError>> {
    let refuse = |key: &str| vec![FieldError::new(field, key)];
    let kind = check(purpose, field, &file)?;
    // Counted as sent, before any work is done on it.
    crate::auth::throttle::hit_by(
        db,
        BYTES_PER_ACCOUNT_PER_DAY,
        &owner_id.to_string(),
        file.bytes.len() as i64,
    )
    .await
    .map_err(|e| match e {
        crate::error::AppError::RateLimited { .. } => refuse("error.upload_quota"),
        other => {
            let _ = crate::error::internal(other);
            refuse("error.file_not_stored")
        }
    })?;
    // Rewriting a PDF of several megabytes is work for a blocking thread, not the request's, and
    // only so many at once: a burst of uploads waits rather than fill the memory.
    let Incoming { file_name, bytes } = file;
    let cleaned = {
        let _turn = REWRITES
            .acquire()
            .await
            .map_err(|_| refuse("error.file_not_stored"))?;
        tokio::task::spawn_blocking(move || strip_metadata(kind, &bytes))
            .await
            .map_err(|_| refuse("error.file_not_stored"))?
    };
    let data = cleaned.map_err(|_| match kind {
        FileKind::Pdf => refuse("error.pdf_unreadable"),
        _ => refuse("error.file_unreadable"),
    })?;
    let sha256 = hex::encode(Sha256::digest(&data));
    // The bytes first: a row never points at bytes that are not there. (Bytes whose row is
    // then rolled back stay, unreferenced, under their hash.)
    storage.put(&sha256, &data).await.map_err(|e| {
        let _ = crate::error::internal(e);
        refuse("error.file_not_stored")
    })?;
    Ok(Prepared {
        owner_id,
        purpose,
        kind,
        file_name: clean_name(&file_name, kind),
        byte_size: data.len() as i64,
        sha256,
    })
}

/// The row of a [`prepare`]d file, in the caller's transaction with what the file belongs to.
pub async fn record(
    db: &impl ConnectionTrait,
    file: Prepared,
    field: &str,
) -> Result<FileLink, Vec<FieldError>> {
    let model = upload::ActiveModel {
        owner_id: Set(Some(file.owner_id)),
        purpose: Set(file.purpose.code().to_owned()),
        content_type: Set(file.kind.content_type().to_owned()),
        file_name: Set(file.file_name),
        byte_size: Set(file.byte_size),
        sha256: Set(file.sha256),
        data: Set(Vec::new()),
        storage: Set(super::storage::IN_STORE.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| {
        let _ = crate::error::internal(e);
        vec![FieldError::new(field, "error.file_unreadable")]
    })?;
    Ok(to_link(&model))
}

/// The bytes of a stored file, wherever they are.
pub async fn bytes_of(
    storage: &super::storage::Storage,
    file: upload::Model,
) -> Result<Vec<u8>, super::storage::StorageError> {
    if file.storage == super::storage::IN_DATABASE {
        Ok(file.data)
    } else {
        storage.get(&file.sha256).await
    }
}

/// What the owner of a file (a challenge, an entry) says of it to one viewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Everyone may read it.
    Public,
    /// This viewer may, not everyone.
    Private,
    /// This viewer may not.
    Refused,
}

/// A stored file that a viewer may see, and whether everyone may.
#[derive(Clone, Debug)]
pub struct Visible {
    pub file: upload::Model,
    /// Anyone may see it (a report's photo, a published challenge's cover): it goes out under
    /// the name it was sent with and may be kept in a browser's cache. A file that is not for
    /// everyone (a draft's, an entry's) goes out under the server's own name and is never kept.
    pub public: bool,
}

impl Visible {
    /// The name the file goes out under.
    pub fn file_name(&self) -> String {
        if self.public {
            return self.file.file_name.clone();
        }
        server_name(self.file.id, &self.file.file_name)
    }
}

/// The server's own name for file `id`: its number and the extension of `file_name`, nothing
/// of what the sender called it.
pub fn server_name(id: i64, file_name: &str) -> String {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| {
            !ext.is_empty() && ext.len() <= 5 && ext.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        .unwrap_or("bin");
    format!("vidan-{id}.{extension}")
}

/// A stored file, if there is one.
pub async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<upload::Model>, sea_orm::DbErr> {
    upload::Entity::find_by_id(id).one(db).await
}

/// Whether what `file` was sent for makes it everyone's: a report's photo, a pilot's photos and
/// evidence (reports and pilots are public, and so is what is posted on them). Who may see any
/// other file, its owner says (an entry, a challenge); the store does not know its owners.
pub fn public_by_purpose(file: &upload::Model) -> bool {
    [
        Purpose::ReportPhoto,
        Purpose::PilotPhoto,
        Purpose::PilotFile,
    ]
    .iter()
    .any(|p| p.code() == file.purpose)
}

/// The links of several files at once, without their bytes.
pub async fn links(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<Vec<FileLink>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, String, String, i64)> = upload::Entity::find()
        .select_only()
        .columns([
            upload::Column::Id,
            upload::Column::FileName,
            upload::Column::ContentType,
            upload::Column::ByteSize,
        ])
        .filter(upload::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, content_type, byte_size)| FileLink {
            id,
            name,
            content_type,
            byte_size,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_the_stem_and_take_the_real_extension() {
        assert_eq!(
            clean_name("C:\\Users\\Hoa\\Ảnh hàng chờ.PNG", FileKind::Jpeg),
            "anh-hang-cho.jpg"
        );
        assert_eq!(clean_name("../../etc/passwd", FileKind::Pdf), "passwd.pdf");
        assert_eq!(clean_name("", FileKind::Png), "tep.png");
    }
}
