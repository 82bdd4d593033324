//! Running totals without a reload. When votes change, every server instance hears which
//! challenge: through PostgreSQL's LISTEN/NOTIFY when instances share one PostgreSQL, through
//! an in-process broadcast on SQLite (one instance). Each instance's hub then wakes the pages
//! following that challenge's totals.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sea_orm::{DatabaseBackend, DatabaseConnection};

use super::totals::CHANNEL;
use tokio::sync::broadcast;

/// Pages one network address may keep following at once on an instance (a school's computer
/// room behind one address, each pupil's page open on the vote).
pub const FOLLOWERS_PER_ADDRESS: usize = 30;
/// Pages an instance keeps following at once; past it, the page shows the totals it loaded.
pub const FOLLOWERS_PER_INSTANCE: usize = 5_000;

/// One per server instance: says "votes of challenge N changed" to whoever follows.
#[derive(Clone)]
pub struct Hub {
    tx: broadcast::Sender<i64>,
    /// The last totals counted on this instance.
    pub totals: super::totals::TotalsCache,
    followers: Arc<Mutex<Followers>>,
}

#[derive(Default)]
struct Followers {
    all: usize,
    by_address: HashMap<String, usize>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            tx: broadcast::channel(256).0,
            totals: Default::default(),
            followers: Default::default(),
        }
    }
}

/// A page following the totals, counted against its address until the stream ends.
pub struct Follower {
    followers: Arc<Mutex<Followers>>,
    address: String,
}

impl Drop for Follower {
    fn drop(&mut self) {
        let mut f = self.followers.lock().unwrap_or_else(|e| e.into_inner());
        f.all = f.all.saturating_sub(1);
        if let Some(n) = f.by_address.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                f.by_address.remove(&self.address);
            }
        }
    }
}

impl Hub {
    /// A hub whose totals are kept for shared pages and sent to live followers at most once per
    /// `moment` (see `super::totals`).
    pub fn new(moment: std::time::Duration) -> Hub {
        Hub {
            totals: super::totals::TotalsCache::new(moment),
            ..Hub::default()
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.tx.subscribe()
    }

    /// A place among the followers for a page from `address`, if its address and this instance
    /// have room (`per_address`, `per_instance`).
    pub fn follow(
        &self,
        address: &str,
        per_address: usize,
        per_instance: usize,
    ) -> Option<Follower> {
        let mut f = self.followers.lock().unwrap_or_else(|e| e.into_inner());
        let mine = f.by_address.get(address).copied().unwrap_or(0);
        if mine >= per_address || f.all >= per_instance {
            return None;
        }
        f.all += 1;
        f.by_address.insert(address.to_owned(), mine + 1);
        Some(Follower {
            followers: self.followers.clone(),
            address: address.to_owned(),
        })
    }

    /// Wakes this instance's followers of `challenge_id` (no follower is fine).
    pub fn wake(&self, challenge_id: i64) {
        let _ = self.tx.send(challenge_id);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn followers_are_bounded_per_address_and_per_instance_and_leave_room_when_gone() {
        let hub = Hub::default();
        let (per_address, per_instance) = (2, 3);
        let a1 = hub.follow("10.0.0.1", per_address, per_instance);
        let a2 = hub.follow("10.0.0.1", per_address, per_instance);
        assert!(a1.is_some() && a2.is_some());
        assert!(
            hub.follow("10.0.0.1", per_address, per_instance).is_none(),
            "a third page from one address"
        );
        let b = hub.follow("10.0.0.2", per_address, per_instance);
        assert!(b.is_some());
        assert!(
            hub.follow("10.0.0.3", per_address, per_instance).is_none(),
            "the instance is full, whoever asks"
        );
        drop(a1);
        assert!(hub.follow("10.0.0.3", per_address, per_instance).is_some());
        drop((a2, b));
        let all: Vec<_> = (0..per_instance)
            .map(|i| hub.follow(&format!("10.0.1.{i}"), per_address, per_instance))
            .collect();
        assert!(all.iter().all(Option::is_some), "every place came back");
    }
}
