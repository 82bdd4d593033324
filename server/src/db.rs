//! Connecting to SQLite (WAL, busy timeout, foreign keys) or PostgreSQL, and running migrations.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::config::Config;

pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    if config.is_sqlite()
        && let Some(path) = sqlite_path(&config.database_url)
        && let Some(parent) = std::path::Path::new(&path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_millis(config.db_acquire_timeout_ms))
        // Every statement is logged only when asked for (RUST_LOG=sqlx::query=info): the
        // benchmark counts the queries each page runs this way.
        .sqlx_logging(tracing::enabled!(target: "sqlx::query", tracing::Level::INFO))
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    Ok(Database::connect(options).await?)
}

/// Brings the schema up to date, then gives what the new schema asks of old rows and SQL cannot
/// give (a receipt code drawn at random for each report filed before codes existed; entries' and
/// teams' names folded for search as the application folds them).
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await?;
    app::report::service::give_receipts(db).await?;
    app::team::service::give_search_keys(db).await?;
    app::entry::service::give_search_keys(db).await?;
    Ok(())
}

/// Writes a consistent copy of a SQLite database to `target` while the server keeps running
/// (`VACUUM INTO` reads one snapshot; writers are not blocked). PostgreSQL has `pg_dump` for this.
pub async fn backup(db: &DatabaseConnection, target: &std::path::Path) -> anyhow::Result<()> {
    use sea_orm::{ConnectionTrait, DatabaseBackend};
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        anyhow::bail!("backup copies a SQLite database; for PostgreSQL use pg_dump");
    }
    if target.exists() {
        anyhow::bail!("{} exists already: choose a new file", target.display());
    }
    let path = target
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("the backup path is not valid UTF-8"))?;
    db.execute_unprepared(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
        .await?;
    Ok(())
}

/// The SQLite file a `DATABASE_URL` names, if it names one.
pub fn sqlite_file(url: &str) -> Option<String> {
    sqlite_path(url)
}

/// A SQLite site's server holds this while it serves: a shared lock on `<database>.lock` beside
/// the database, which the system lets go however the process ends (a power cut, SIGKILL).
/// `vidan restore` asks for it whole ([`nobody_serving`]), and is refused while a server runs.
pub struct Serving(#[allow(dead_code)] std::fs::File);

/// Takes the lock a serving server holds on `database`.
pub fn serving(database: &std::path::Path) -> anyhow::Result<Serving> {
    let file = lock_file(database)?;
    match file.try_lock_shared() {
        Ok(()) => Ok(Serving(file)),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "{} is being restored: start the server once the restore is done",
            database.display()
        ),
        Err(std::fs::TryLockError::Error(err)) => Err(err.into()),
    }
}

/// The lock on `database` whole, held while nothing serves it (a restore); refused while a
/// server does.
pub fn nobody_serving(database: &std::path::Path) -> anyhow::Result<std::fs::File> {
    let file = lock_file(database)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "a server is running on {}: stop it first (systemctl stop vidan)",
            database.display()
        ),
        Err(std::fs::TryLockError::Error(err)) => Err(err.into()),
    }
}

fn lock_file(database: &std::path::Path) -> anyhow::Result<std::fs::File> {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    if let Some(parent) = database.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    Ok(std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(name)?)
}

/// The file path inside a `sqlite://path?query` URL.
fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_found_in_a_sqlite_url() {
        assert_eq!(
            sqlite_path("sqlite://data/vidan.db?mode=rwc").as_deref(),
            Some("data/vidan.db")
        );
        assert_eq!(
            sqlite_path("sqlite:///tmp/x.db").as_deref(),
            Some("/tmp/x.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }
}
