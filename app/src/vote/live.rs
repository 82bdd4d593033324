//! Running totals without a reload. When votes change, every server instance hears which
//! challenge: through PostgreSQL's LISTEN/NOTIFY when instances share one PostgreSQL, through
//! an in-process broadcast on SQLite (one instance). Each instance's hub then wakes the pages
//! following that challenge's totals.

use sea_orm::{DatabaseBackend, DatabaseConnection, Statement};
use tokio::sync::broadcast;

/// The PostgreSQL channel instances tell each other on.
pub const CHANNEL: &str = "vidan_votes";

/// One per server instance: says "votes of challenge N changed" to whoever follows.
#[derive(Clone)]
pub struct Hub {
    tx: broadcast::Sender<i64>,
    /// The last totals counted on this instance.
    pub totals: super::totals::TotalsCache,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            tx: broadcast::channel(256).0,
            totals: Default::default(),
        }
    }
}

impl Hub {
    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.tx.subscribe()
    }

    /// Wakes this instance's followers of `challenge_id` (no follower is fine).
    pub fn wake(&self, challenge_id: i64) {
        let _ = self.tx.send(challenge_id);
    }
}

/// On PostgreSQL, the statement that tells every instance, when the transaction that runs it
/// commits, that the votes of `challenge_id` changed ([`super::totals::bump`] runs it with every
/// change, once per batch of votes). SQLite has one instance: [`announce`] wakes it.
pub fn notify_statement(backend: DatabaseBackend, challenge_id: i64) -> Option<Statement> {
    (backend == DatabaseBackend::Postgres)
        .then(|| Statement::from_string(backend, format!("NOTIFY {CHANNEL}, '{challenge_id}'")))
}

/// Wakes the followers of `challenge_id` once its change has committed: on SQLite this
/// instance's; on PostgreSQL the change's own `NOTIFY` reaches every instance, this one included.
pub fn announce(backend: DatabaseBackend, hub: &Hub, challenge_id: i64) {
    if backend != DatabaseBackend::Postgres {
        hub.wake(challenge_id);
    }
}

/// On PostgreSQL, forwards every notification on [`CHANNEL`] to this instance's hub, for as long
/// as the process runs (reconnecting after a lost connection). Does nothing on SQLite.
pub fn listen(db: DatabaseConnection, hub: Hub) {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return;
    }
    tokio::spawn(async move {
        loop {
            let pool = db.get_postgres_connection_pool().clone();
            match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(mut listener) => {
                    if let Err(err) = listener.listen(CHANNEL).await {
                        tracing::error!(%err, "listening for vote notifications");
                    } else {
                        while let Ok(note) = listener.recv().await {
                            if let Ok(id) = note.payload().parse::<i64>() {
                                hub.wake(id);
                            }
                        }
                    }
                }
                Err(err) => tracing::error!(%err, "connecting to listen for vote notifications"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        }
    });
}
