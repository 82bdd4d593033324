//! Vote totals kept between requests. Counting a city-wide vote reads hundreds of thousands of
//! rows, and during a rush every page view and every live follower wants the totals: each
//! instance keeps the last count of each challenge with the vote revision it was counted at
//! (`vote_revisions`, moved on in the same transaction as every change to the votes).
//!
//! A request reads the revision first (one row by key), and uses the kept count when it was
//! counted at that revision, so a reader after a change never sees the totals from before it.
//! Only one count of a challenge runs at a time; while one runs, page readers get the last count
//! instead of queueing behind it (during a rush, the totals shown trail by one count). A live
//! follower woken because the votes changed waits for a count begun after that change instead:
//! it is sent nothing more until the next change, so a stale count would stay on its screen.
//!
//! During a rush the votes change many times a second, and each count reads every vote. A page
//! rendered once for many people (who see others' doings a moment later anyway: the page
//! cache's moment) takes a count made within that moment whatever changed since, and a live
//! follower is sent totals at most once per moment; so each instance counts about once per
//! moment however many people vote, read or follow. A person's own request (their vote, then
//! the page it brings back) still gets a count of their change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Set,
};

use super::entity::{revision, vote};
use crate::error::AppError;

/// Votes changed outside this program (an operator's SQL) show after at most this long.
const MAX_AGE: Duration = Duration::from_secs(60);

/// A challenge's counted votes: per entry, and how many people voted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counted {
    pub per_entry: Vec<(i64, u64)>,
    pub voters: u64,
}

struct Kept {
    revision: i64,
    /// When its count began (after its revision was read): it holds every change before then.
    started: Instant,
    at: Instant,
    counted: Arc<Counted>,
}

#[derive(Default)]
struct Slot {
    last: Mutex<Option<Kept>>,
    counting: tokio::sync::Mutex<()>,
}

impl Slot {
    /// The last count, if it was counted at `revision` or later, and recently enough.
    fn current(&self, revision: i64) -> Option<Arc<Counted>> {
        self.kept(|k| k.revision >= revision && k.at.elapsed() < MAX_AGE)
    }

    /// Keeps a count made at `revision` (it may hold later votes too: the revision is read before
    /// counting), unless the one kept was made at a later revision: a reader that waited never
    /// puts an older count back.
    fn keep(&self, revision: i64, started: Instant, counted: Arc<Counted>) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.as_ref().is_none_or(|k| {
            k.revision < revision
                || (k.revision == revision && (k.at.elapsed() >= MAX_AGE || k.started < started))
        }) {
            *last = Some(Kept {
                revision,
                started,
                at: Instant::now(),
                counted,
            });
        }
    }

    /// The last count, whatever its revision.
    fn last(&self) -> Option<Arc<Counted>> {
        self.kept(|_| true)
    }

    fn kept(&self, usable: impl Fn(&Kept) -> bool) -> Option<Arc<Counted>> {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        last.as_ref()
            .filter(|k| usable(k))
            .map(|k| k.counted.clone())
    }
}

/// One per server instance (inside the vote hub, `super::live::Hub`).
#[derive(Clone, Default)]
pub struct TotalsCache {
    slots: Arc<Mutex<HashMap<i64, Arc<Slot>>>>,
    /// How old a count may be for a page shared by many people, and how often a live follower
    /// is sent totals (the page cache's moment; zero: always exact).
    moment: Duration,
}

impl TotalsCache {
    /// Counts kept for shared pages and live followers for `moment` (see the module's notes).
    pub fn new(moment: Duration) -> TotalsCache {
        TotalsCache {
            moment,
            ..Default::default()
        }
    }

    /// How often a live follower is sent totals at most.
    pub fn moment(&self) -> Duration {
        self.moment
    }

    /// For a page rendered once for many people: the last count if it was made within the
    /// moment, whatever changed since (no statement at all), else as [`TotalsCache::get`].
    pub async fn shared(
        &self,
        db: &impl ConnectionTrait,
        challenge_id: i64,
    ) -> Result<Arc<Counted>, AppError> {
        if !self.moment.is_zero()
            && let Some(kept) = self
                .slot(challenge_id)
                .kept(|k| k.at.elapsed() < self.moment)
        {
            return Ok(kept);
        }
        self.get(db, challenge_id).await
    }

    /// For a live follower woken at `woken` by a change: a count begun after then, which holds
    /// that change (waiting for one that runs, or counting).
    pub async fn since(
        &self,
        db: &impl ConnectionTrait,
        challenge_id: i64,
        woken: Instant,
    ) -> Result<Arc<Counted>, AppError> {
        let slot = self.slot(challenge_id);
        let fresh = |k: &Kept| k.started >= woken;
        if let Some(kept) = slot.kept(fresh) {
            return Ok(kept);
        }
        let _counting = slot.counting.lock().await;
        if let Some(kept) = slot.kept(fresh) {
            return Ok(kept);
        }
        let revision = revision(db, challenge_id).await?;
        count_and_keep(db, &slot, challenge_id, revision).await
    }

    fn slot(&self, challenge_id: i64) -> Arc<Slot> {
        self.slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(challenge_id)
            .or_default()
            .clone()
    }

    /// The counted votes of a challenge, from this instance's last count when it is current (or,
    /// while another count runs, the last count).
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        challenge_id: i64,
    ) -> Result<Arc<Counted>, AppError> {
        let revision = revision(db, challenge_id).await?;
        let slot = self.slot(challenge_id);
        if let Some(kept) = slot.current(revision) {
            return Ok(kept);
        }
        let _counting = match slot.counting.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                // Someone is counting already: show the last count rather than wait for theirs.
                if let Some(kept) = slot.last() {
                    return Ok(kept);
                }
                slot.counting.lock().await
            }
        };
        // The count that held the lock may have been of this revision.
        if let Some(kept) = slot.current(revision) {
            return Ok(kept);
        }
        count_and_keep(db, &slot, challenge_id, revision).await
    }
}

/// Counts now, with the slot's counting lock held and `revision` read before, and keeps it.
async fn count_and_keep(
    db: &impl ConnectionTrait,
    slot: &Slot,
    challenge_id: i64,
    revision: i64,
) -> Result<Arc<Counted>, AppError> {
    let started = Instant::now();
    let counted = Arc::new(count(db, challenge_id).await?);
    slot.keep(revision, started, counted.clone());
    Ok(counted)
}

/// Counts a challenge's votes in the database: not voided ones per entry, and distinct voters.
pub async fn count(db: &impl ConnectionTrait, challenge_id: i64) -> Result<Counted, AppError> {
    let per_entry: Vec<(i64, i64)> = vote::Entity::find()
        .select_only()
        .column(vote::Column::EntryId)
        .column_as(Expr::col(vote::Column::Id).count(), "n")
        .filter(vote::Column::ChallengeId.eq(challenge_id))
        .filter(vote::Column::VoidedAt.is_null())
        .group_by(vote::Column::EntryId)
        .into_tuple()
        .all(db)
        .await?;
    let voters: Option<i64> = vote::Entity::find()
        .select_only()
        .column_as(Expr::col(vote::Column::UserId).count_distinct(), "voters")
        .filter(vote::Column::ChallengeId.eq(challenge_id))
        .filter(vote::Column::VoidedAt.is_null())
        .into_tuple()
        .one(db)
        .await?;
    Ok(Counted {
        per_entry: per_entry
            .into_iter()
            .map(|(e, n)| (e, u64::try_from(n).unwrap_or(0)))
            .collect(),
        voters: u64::try_from(voters.unwrap_or(0)).unwrap_or(0),
    })
}

/// The revision of a challenge's votes (0 before any change).
async fn revision(db: &impl ConnectionTrait, challenge_id: i64) -> Result<i64, AppError> {
    Ok(revision::Entity::find_by_id(challenge_id)
        .select_only()
        .column(revision::Column::Revision)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .unwrap_or(0))
}

/// Moves the revision of a challenge's votes on and, on PostgreSQL, tells every instance when the
/// transaction commits (see `super::live`); call once in the transaction that changes the votes
/// (a batch of votes calls it once per challenge).
pub async fn bump(db: &impl ConnectionTrait, challenge_id: i64) -> Result<(), AppError> {
    let backend = db.get_database_backend();
    let statement = revision::Entity::insert(revision::ActiveModel {
        challenge_id: Set(challenge_id),
        revision: Set(1),
    })
    .on_conflict(
        OnConflict::column(revision::Column::ChallengeId)
            .value(
                revision::Column::Revision,
                Expr::col((revision::Entity, revision::Column::Revision)).add(1),
            )
            .to_owned(),
    )
    .build(backend);
    db.execute_raw(statement).await?;
    // After the revision: an instance woken by the notification must find the new revision.
    if let Some(notify) = notify_statement(backend, challenge_id) {
        db.execute_raw(notify).await?;
    }
    Ok(())
}

/// The PostgreSQL channel instances tell each other on (see `super::live`).
pub const CHANNEL: &str = "vidan_votes";

/// On PostgreSQL, the statement that tells every instance, when the transaction that runs it
/// commits, that the votes of `challenge_id` changed ([`bump`] runs it with every change, once
/// per batch of votes). SQLite has one instance: `super::live::announce` wakes it.
pub fn notify_statement(
    backend: sea_orm::DatabaseBackend,
    challenge_id: i64,
) -> Option<sea_orm::Statement> {
    (backend == sea_orm::DatabaseBackend::Postgres).then(|| {
        sea_orm::Statement::from_string(backend, format!("NOTIFY {CHANNEL}, '{challenge_id}'"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

    async fn db() -> DatabaseConnection {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        for sql in [
            "CREATE TABLE votes (id INTEGER PRIMARY KEY, challenge_id INTEGER NOT NULL, \
             entry_id INTEGER NOT NULL, user_id INTEGER NOT NULL, slot INTEGER NOT NULL, \
             network TEXT NOT NULL, created_at TEXT NOT NULL, voided_at TEXT, void_reason TEXT, \
             voided_by INTEGER)",
            "CREATE TABLE vote_revisions (challenge_id INTEGER PRIMARY KEY, revision INTEGER NOT NULL)",
        ] {
            db.execute_unprepared(sql).await.unwrap();
        }
        db
    }

    async fn vote(db: &DatabaseConnection, entry: i64, user: i64) {
        db.execute_unprepared(&format!(
            "INSERT INTO votes (challenge_id, entry_id, user_id, slot, network, created_at) \
             VALUES (1, {entry}, {user}, 1, 'n', '2026-11-23T00:00:00Z')"
        ))
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn kept_totals_are_used_until_the_revision_moves_on() {
        let (db, kept) = (db().await, TotalsCache::default());
        vote(&db, 10, 1).await;
        let first = kept.get(&db, 1).await.unwrap();
        assert_eq!((first.per_entry.clone(), first.voters), (vec![(10, 1)], 1));
        // A vote written without moving the revision on is not seen: the count was kept.
        vote(&db, 11, 2).await;
        assert_eq!(kept.get(&db, 1).await.unwrap(), first);
        bump(&db, 1).await.unwrap();
        let second = kept.get(&db, 1).await.unwrap();
        assert_eq!(second.per_entry, vec![(10, 1), (11, 1)]);
        assert_eq!(second.voters, 2);
        // Each challenge has its own revision and count.
        assert_eq!(kept.get(&db, 2).await.unwrap().voters, 0);
    }

    #[test]
    fn a_later_count_serves_earlier_readers_and_is_never_put_back_by_an_older_one() {
        let slot = Slot::default();
        let counted = |voters| {
            Arc::new(Counted {
                per_entry: vec![],
                voters,
            })
        };
        let now = Instant::now();
        slot.keep(6, now, counted(60));
        assert_eq!(slot.current(5).unwrap().voters, 60, "newer than asked");
        assert_eq!(slot.current(6).unwrap().voters, 60);
        assert!(slot.current(7).is_none());
        // A reader that read revision 5 and counted after waiting does not replace it.
        slot.keep(5, now, counted(50));
        assert_eq!(slot.current(6).unwrap().voters, 60);
        slot.keep(7, now, counted(70));
        assert_eq!(slot.current(7).unwrap().voters, 70);
    }

    #[tokio::test]
    async fn while_one_count_runs_readers_get_the_last_count() {
        let (db, kept) = (db().await, TotalsCache::default());
        vote(&db, 10, 1).await;
        let first = kept.get(&db, 1).await.unwrap();
        vote(&db, 10, 2).await;
        bump(&db, 1).await.unwrap();
        let slot = kept.slots.lock().unwrap().get(&1).unwrap().clone();
        let counting = slot.counting.lock().await;
        assert_eq!(
            kept.get(&db, 1).await.unwrap(),
            first,
            "the last count, not a wait"
        );
        drop(counting);
        assert_eq!(kept.get(&db, 1).await.unwrap().voters, 2);
    }

    #[tokio::test]
    async fn a_follower_woken_by_a_change_waits_for_its_count() {
        let (db, kept) = (db().await, TotalsCache::default());
        vote(&db, 10, 1).await;
        kept.get(&db, 1).await.unwrap();
        vote(&db, 10, 2).await;
        bump(&db, 1).await.unwrap();
        let slot = kept.slots.lock().unwrap().get(&1).unwrap().clone();
        let counting = slot.counting.lock().await;
        let woken = {
            let (db, kept) = (db.clone(), kept.clone());
            let woken = Instant::now();
            tokio::spawn(async move { kept.since(&db, 1, woken).await.unwrap() })
        };
        // Ample time to read the revision and, were it allowed, to take the last count.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            !woken.is_finished(),
            "it waits rather than take the last count"
        );
        drop(counting);
        assert_eq!(woken.await.unwrap().voters, 2);
    }

    #[tokio::test]
    async fn a_shared_page_takes_a_count_of_the_moment_and_a_person_their_own_change() {
        let (db, kept) = (db().await, TotalsCache::new(Duration::from_millis(300)));
        vote(&db, 10, 1).await;
        assert_eq!(kept.shared(&db, 1).await.unwrap().voters, 1);
        vote(&db, 10, 2).await;
        bump(&db, 1).await.unwrap();
        assert_eq!(
            kept.shared(&db, 1).await.unwrap().voters,
            1,
            "within the moment, whatever changed"
        );
        assert_eq!(
            kept.get(&db, 1).await.unwrap().voters,
            2,
            "a person's own request counts the change"
        );
        vote(&db, 10, 3).await;
        bump(&db, 1).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            kept.shared(&db, 1).await.unwrap().voters,
            3,
            "past the moment, counted again"
        );
        // Without a moment (the page cache off), every shared page is exact.
        let exact = TotalsCache::default();
        assert_eq!(exact.shared(&db, 1).await.unwrap().voters, 3);
        vote(&db, 11, 4).await;
        bump(&db, 1).await.unwrap();
        assert_eq!(exact.shared(&db, 1).await.unwrap().voters, 4);
    }

    #[tokio::test]
    async fn followers_woken_before_a_count_began_share_it_and_later_ones_do_not() {
        let (db, kept) = (db().await, TotalsCache::default());
        vote(&db, 10, 1).await;
        let early = Instant::now();
        bump(&db, 1).await.unwrap();
        assert_eq!(kept.since(&db, 1, early).await.unwrap().voters, 1);
        // A vote nobody was told of: a follower woken before the last count began takes that
        // count; one woken after it needs a count of its own, which sees the vote.
        vote(&db, 10, 2).await;
        assert_eq!(kept.since(&db, 1, early).await.unwrap().voters, 1);
        let later = Instant::now();
        assert_eq!(kept.since(&db, 1, later).await.unwrap().voters, 2);
    }
}
