//! Backups of a SQLite site, and putting one back.
//!
//! `vidan backup FOLDER` writes a consistent copy of the database (`vidan.db`, one snapshot taken
//! while the server keeps running) and then the files' folder (`files/`), and `backup.json`
//! saying what it holds. Files are named by their content and never change, and a file is
//! stored before the row that names it is committed: so every file the snapshot names is in the
//! folder by the time it is copied (files stored later come along too, harmless).
//!
//! `vidan restore FOLDER` checks the copy before it touches anything (the database whole, every
//! file it names present and unchanged), then puts the database where `DATABASE_URL` says and
//! the files where `VIDAN_FILES_DIR` says. A database already there is kept aside, renamed, and
//! only with `--replace`: the server must be stopped first.
//!
//! PostgreSQL sites use `pg_dump` and `pg_restore`, and their bucket's own copies (README).

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

/// What a backup folder holds, written beside it as `backup.json`.
#[derive(Debug, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// When the database's snapshot was taken (RFC 3339).
    pub taken_at: String,
    /// The files copied, and their bytes in all.
    pub files: usize,
    pub bytes: u64,
}

/// Backs up a SQLite site into `target` (a new or empty folder): the database's snapshot, then
/// the files of the folder store at `files_dir` (none for a bucket, which keeps its own copies).
pub async fn backup(
    db: &DatabaseConnection,
    files_dir: Option<&Path>,
    target: &Path,
) -> anyhow::Result<Manifest> {
    if target.exists() && std::fs::read_dir(target)?.next().is_some() {
        anyhow::bail!("{} is not empty: choose a new folder", target.display());
    }
    std::fs::create_dir_all(target)?;
    let taken_at = chrono::Utc::now().to_rfc3339();
    crate::db::backup(db, &target.join("vidan.db")).await?;
    let (mut files, mut bytes) = (0, 0);
    if let Some(dir) = files_dir.filter(|d| d.is_dir()) {
        for (from, relative) in stored_files(dir)? {
            let to = target.join("files").join(&relative);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            bytes += std::fs::copy(&from, &to)?;
            files += 1;
        }
    }
    let manifest = Manifest {
        taken_at,
        files,
        bytes,
    };
    std::fs::write(
        target.join("backup.json"),
        serde_json::to_vec_pretty(&manifest)?,
    )?;
    // Checked as a restore would check it, before it is called a backup: the database whole
    // and, for a folder store, every file it names.
    if files_dir.is_some() {
        check(&target.join("vidan.db"), &target.join("files")).await?;
    }
    Ok(manifest)
}

/// The stored files under a folder store (`ab/abcdef…`), as (path, path from the folder); what
/// is not a stored file (a health check's probe, a half-written file) is left out.
fn stored_files(dir: &Path) -> anyhow::Result<Vec<(PathBuf, PathBuf)>> {
    let mut found = Vec::new();
    for shard in std::fs::read_dir(dir)? {
        let shard = shard?.path();
        if !shard.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&shard)? {
            let file = file?.path();
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if file.is_file() && !name.is_empty() && name.bytes().all(|b| b.is_ascii_hexdigit()) {
                let relative = file.strip_prefix(dir)?.to_path_buf();
                found.push((file, relative));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Where a restore puts things.
pub struct Destination<'a> {
    /// The SQLite file of `DATABASE_URL`.
    pub database: &'a Path,
    /// The folder store of `VIDAN_FILES_DIR` (files in a bucket are restored with its tools).
    pub files_dir: &'a Path,
    /// Whether a database already there may be set aside (the server is stopped).
    pub replace: bool,
}

/// What a restore put back.
#[derive(Debug)]
pub struct Restored {
    pub files: usize,
    /// Where the database that was there before now is, if there was one.
    pub set_aside: Option<PathBuf>,
}

/// Puts the backup in `source` back, once it is checked whole: the database opens and passes
/// SQLite's integrity check, and every file its uploads name as stored is in the backup with
/// the content its name says. Refused while a server runs on the database. The files go first
/// (each copied aside, then renamed into place), the database last: stopped halfway, the site
/// is as it was, with some files more. A database already there is set aside whole, its
/// write-ahead log with it. What is put back belongs to whoever owns the folder it goes into
/// (the service's user, when an administrator restores as root).
pub async fn restore(source: &Path, to: Destination<'_>) -> anyhow::Result<Restored> {
    let copy = source.join("vidan.db");
    if !copy.is_file() {
        anyhow::bail!(
            "{} holds no vidan.db: is it a backup folder?",
            source.display()
        );
    }
    let needed = check(&copy, &source.join("files")).await?;
    let _nobody_serving = crate::db::nobody_serving(to.database)?;
    if to.database.exists() && !to.replace {
        anyhow::bail!(
            "{} exists: stop the server, then restore with --replace (the database there is \
             kept aside, renamed)",
            to.database.display()
        );
    }
    let mut files = 0;
    for relative in needed {
        let to_file = to.files_dir.join(&relative);
        if !to_file.exists() {
            let parent = to_file.parent().unwrap_or(to.files_dir);
            folder_as_its_parent(parent)?;
            let partial = parent.join(format!(".restoring-{}", std::process::id()));
            std::fs::copy(source.join("files").join(&relative), &partial)?;
            owned_as(&partial, to.files_dir)?;
            std::fs::rename(&partial, &to_file)?;
        }
        files += 1;
    }
    let folder = match to.database.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    folder_as_its_parent(folder)?;
    // Copied aside and renamed: a database is never half there.
    let partial = to.database.with_extension("restoring");
    std::fs::copy(&copy, &partial)?;
    owned_as(&partial, folder)?;
    let set_aside = if to.database.exists() {
        let aside = to.database.with_extension(format!(
            "before-restore-{}.db",
            chrono::Utc::now().format("%Y%m%d%H%M%S")
        ));
        // The log holds what was written since the last checkpoint: it goes with its database.
        for (from, to) in [
            (sidecar(to.database, "-wal"), sidecar(&aside, "-wal")),
            (sidecar(to.database, "-shm"), sidecar(&aside, "-shm")),
        ] {
            if from.exists() {
                std::fs::rename(from, to)?;
            }
        }
        std::fs::rename(to.database, &aside)?;
        Some(aside)
    } else {
        for stale in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(sidecar(to.database, stale));
        }
        None
    };
    std::fs::rename(&partial, to.database)?;
    Ok(Restored { files, set_aside })
}

/// `database` with `suffix` after its whole name (SQLite's `vidan.db-wal`).
fn sidecar(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Makes `folder` where it is not yet there, each folder made belonging to the owner of the one
/// it is made in.
fn folder_as_its_parent(folder: &Path) -> anyhow::Result<()> {
    if folder.as_os_str().is_empty() || folder.is_dir() {
        return Ok(());
    }
    let parent = folder.parent().unwrap_or(Path::new("/"));
    folder_as_its_parent(parent)?;
    std::fs::create_dir(folder)?;
    owned_as(
        folder,
        if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        },
    )
}

/// Gives `path`, made by root (a restore run as root into the service's folder), the owner of
/// `folder`: the server must be able to write what was put back. What anyone else made is
/// theirs already.
fn owned_as(path: &Path, folder: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let (want, have) = (std::fs::metadata(folder)?, std::fs::metadata(path)?);
    if have.uid() == 0 && (want.uid(), want.gid()) != (have.uid(), have.gid()) {
        std::os::unix::fs::chown(path, Some(want.uid()), Some(want.gid())).map_err(|err| {
            anyhow::anyhow!(
                "{} could not be given to the owner of {} ({err}): restore as that user or as root",
                path.display(),
                folder.display()
            )
        })?;
    }
    Ok(())
}

/// Checks a backup's database and files; returns the files it needs (paths from the folder).
async fn check(database: &Path, files: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let url = format!(
        "sqlite://{}?mode=ro",
        database
            .to_str()
            .ok_or_else(|| anyhow::anyhow!("the backup's path is not valid UTF-8"))?
    );
    let db = sea_orm::Database::connect(url).await?;
    let backend = DatabaseBackend::Sqlite;
    let verdict = db
        .query_one_raw(Statement::from_string(backend, "PRAGMA integrity_check"))
        .await?
        .and_then(|row| row.try_get_by_index::<String>(0).ok())
        .unwrap_or_default();
    if verdict != "ok" {
        anyhow::bail!("the backup's database is damaged: {verdict}");
    }
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT DISTINCT sha256 FROM uploads WHERE storage = 'store'",
        ))
        .await?;
    db.close().await?;
    let mut needed = Vec::with_capacity(rows.len());
    let mut missing = Vec::new();
    for row in rows {
        let sha: String = row.try_get("", "sha256")?;
        let relative = PathBuf::from(&sha[..2.min(sha.len())]).join(&sha);
        match std::fs::read(files.join(&relative)) {
            Ok(bytes) if app::token::sha256_hex_bytes(&bytes) == sha => needed.push(relative),
            _ => missing.push(sha),
        }
    }
    if !missing.is_empty() {
        anyhow::bail!(
            "the backup lacks {} of its {} files, or holds them changed (first: {})",
            missing.len(),
            needed.len() + missing.len(),
            missing[0]
        );
    }
    Ok(needed)
}
