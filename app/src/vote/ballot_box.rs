//! The ballot box: citizens' votes written many at a time.
//!
//! On vote night thousands of citizens vote within minutes, and each is told the vote counted
//! only once it is on disk, in a commit shared with the votes cast meanwhile
//! ([`crate::group_commit`]). Written one at a time, a vote costs the one writer about ten
//! statements. The ballot box reads what a whole batch needs in a few statements (the entries,
//! their challenges and vote settings, the voters' votes and their recent attempts), decides each
//! vote in memory in the order they came ([`super::decision`], the one decision of a vote), then
//! writes the batch's attempts and new votes with one statement each.
//!
//! A batch that cannot be written that way (say a unique index refuses a row, because the same
//! person voted through another server instance at that moment) is written again one vote at a
//! time: each vote a batch of one in a transaction of its own, read and decided afresh.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TryGetable, Value,
};
use tokio::sync::oneshot;

use super::decision::{Act, Change, Held, Ledger, Voter, What, check_open, check_votable};
use super::entity::{attempt, settings, vote};
use super::rules;
use super::service;
use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::entry::entity::entry;
use crate::error::AppError;
use crate::group_commit::{Lanes, answer, begin_writing, writers_for};

/// A citizen's vote or withdrawal: who, for which entry, from which network.
pub struct Ask {
    pub viewer: Viewer,
    pub entry: i64,
    pub network: String,
    pub act: Act,
}

struct Request {
    ask: Ask,
    reply: oneshot::Sender<Result<challenge::Model, AppError>>,
}

/// One per server instance; cheap to clone.
#[derive(Clone)]
pub struct BallotBox {
    lanes: Lanes<Request>,
    tally: Arc<Tally>,
}

/// What the ballot box has written since the instance started, for its metrics.
#[derive(Default)]
pub struct Tally {
    /// Batches committed, and how long each took, from its first statement to its commit.
    pub batches: crate::measure::Histogram,
    /// Votes decided in committed batches.
    pub votes: AtomicU64,
    /// Batches that failed whole (their votes were then written one by one).
    pub failed: AtomicU64,
}

impl BallotBox {
    /// Starts the writers on the given database ([`writers_for`] its kind).
    pub fn start(db: DatabaseConnection) -> BallotBox {
        let writers = writers_for(db.get_database_backend());
        let tally = Arc::new(Tally::default());
        let counted = tally.clone();
        BallotBox {
            lanes: Lanes::start(writers, move |batch| {
                write(db.clone(), counted.clone(), batch)
            }),
            tally,
        }
    }

    /// What this instance's ballot box has written.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// Casts or withdraws `viewer`'s vote for an entry, seen from `network`; answers with the
    /// entry's challenge once the change is committed.
    pub async fn put(
        &self,
        viewer: &Viewer,
        entry: i64,
        network: String,
        act: Act,
    ) -> Result<challenge::Model, AppError> {
        let (reply, rx) = oneshot::channel();
        let request = Request {
            ask: Ask {
                viewer: viewer.clone(),
                entry,
                network,
                act,
            },
            reply,
        };
        self.lanes.send(viewer.id, request).await?;
        answer(rx).await
    }
}

async fn write(db: DatabaseConnection, tally: Arc<Tally>, batch: Vec<Request>) {
    let (asks, replies): (Vec<Ask>, Vec<_>) = batch.into_iter().map(|r| (r.ask, r.reply)).unzip();
    let started = std::time::Instant::now();
    match write_batch(&db, &asks).await {
        Ok(answers) => {
            tally.batches.observe(started.elapsed());
            tally.votes.fetch_add(asks.len() as u64, Ordering::Relaxed);
            for (reply, answer) in replies.into_iter().zip(answers) {
                let _ = reply.send(answer);
            }
        }
        Err(err) => {
            tally.failed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(%err, size = asks.len(), "a batch of votes failed; writing them one by one");
            for (ask, reply) in asks.iter().zip(replies) {
                let _ = reply.send(write_alone(&db, ask).await);
            }
        }
    }
}

/// How many times a vote written alone is read and decided again when the person's votes changed
/// through another instance meanwhile.
const TRIES_ALONE: usize = 3;

/// One vote in a transaction of its own: a batch of one.
async fn write_alone(db: &DatabaseConnection, ask: &Ask) -> Result<challenge::Model, AppError> {
    let mut tries = 1;
    loop {
        match write_batch(db, std::slice::from_ref(ask)).await {
            Ok(mut answers) => return answers.pop().unwrap_or(Err(AppError::NotFound)),
            Err(err) if changed_meanwhile(&err) && tries < TRIES_ALONE => tries += 1,
            Err(err) => return Err(err),
        }
    }
}

/// Takes one vote on `db` as it stands, outside the ballot box's writers (the demo data).
pub async fn vote_now(db: &impl ConnectionTrait, ask: &Ask) -> Result<challenge::Model, AppError> {
    let mut answers = decide_and_write(db, std::slice::from_ref(ask), Utc::now()).await?;
    answers.pop().unwrap_or(Err(AppError::NotFound))
}

fn changed_meanwhile(err: &AppError) -> bool {
    matches!(err, AppError::Conflict { key, .. } if key == CHANGED_MEANWHILE)
}

const CHANGED_MEANWHILE: &str = "error.vote_changed_meanwhile";

/// The whole batch in one transaction: each request's answer, in order, once committed.
async fn write_batch(
    db: &DatabaseConnection,
    batch: &[Ask],
) -> Result<Vec<Result<challenge::Model, AppError>>, AppError> {
    let started = std::time::Instant::now();
    let txn = begin_writing(db).await?;
    let locked = started.elapsed();
    let answers = decide_and_write(&txn, batch, Utc::now()).await?;
    let written = started.elapsed();
    txn.commit().await?;
    // Where a batch's time goes (`RUST_LOG=app::vote::ballot_box=debug`): waiting for the write
    // lock, reading, deciding and writing, and the synced commit.
    tracing::debug!(
        size = batch.len(),
        lock_ms = locked.as_secs_f64() * 1e3,
        write_ms = (written - locked).as_secs_f64() * 1e3,
        commit_ms = (started.elapsed() - written).as_secs_f64() * 1e3,
        "a batch of votes committed"
    );
    Ok(answers)
}

/// Reads what the batch needs, decides each vote in turn and writes the changes and attempts.
async fn decide_and_write(
    txn: &impl ConnectionTrait,
    batch: &[Ask],
    now: DateTime<Utc>,
) -> Result<Vec<Result<challenge::Model, AppError>>, AppError> {
    let known = Known::read(txn, batch, now).await?;
    let mut ledger = known.ledger;
    let mut changes = Vec::new();
    let mut attempts = Vec::new();
    let answers: Vec<_> = batch
        .iter()
        .map(|r| {
            let Some(&phone_proved) = known.live.get(&r.viewer.id) else {
                return Err(AppError::Unauthenticated);
            };
            let e = known.entries.get(&r.entry).ok_or(AppError::NotFound)?;
            let c = known
                .challenges
                .get(&e.challenge_id)
                .ok_or(AppError::NotFound)?;
            // One number, one voter: a number is one account's at most.
            if r.act == Act::Cast && known.phone_only.contains(&c.id) && !phone_proved {
                return Err(AppError::conflict("error.vote_needs_phone"));
            }
            match r.act {
                Act::Cast => check_votable(e, c, now)?,
                Act::Withdraw => check_open(c, now)?,
            }
            let allowance = known.allowance.get(&c.id).copied().unwrap_or(1);
            let voter = Voter {
                user: r.viewer.id,
                network: &r.network,
            };
            changes.extend(ledger.decide(voter, c.id, e.id, allowance, r.act)?);
            attempts.push(attempt::ActiveModel {
                user_id: Set(r.viewer.id),
                network: Set(r.network.clone()),
                at: Set(now),
                ..Default::default()
            });
            Ok(c.clone())
        })
        .collect();
    if !attempts.is_empty() {
        attempt::Entity::insert_many(attempts).exec(txn).await?;
    }
    apply(txn, &changes, now).await?;
    Ok(answers)
}

/// Writes the votes' changes and moves each changed challenge's revision on once.
async fn apply(
    txn: &impl ConnectionTrait,
    changes: &[Change],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut new_votes = Vec::new();
    let mut changed = BTreeSet::new();
    let traces: Vec<_> = changes.iter().map(|change| trace(change, now)).collect();
    for change in changes {
        changed.insert(change.challenge);
        // The person's counted votes in the challenge, for a move or a withdrawal.
        let held = || {
            Condition::all()
                .add(vote::Column::ChallengeId.eq(change.challenge))
                .add(vote::Column::UserId.eq(change.voter))
                .add(vote::Column::VoidedAt.is_null())
        };
        let touched = match change.what {
            What::New { entry, slot } => {
                new_votes.push(vote::ActiveModel {
                    challenge_id: Set(change.challenge),
                    entry_id: Set(entry),
                    user_id: Set(change.voter),
                    slot: Set(slot),
                    network: Set(change.network.clone()),
                    created_at: Set(now),
                    voided_at: Set(None),
                    void_reason: Set(None),
                    voided_by: Set(None),
                    ..Default::default()
                });
                continue;
            }
            What::Move { from, to } => {
                // Votes decided earlier in the batch go in first: this may be one of them.
                insert_votes(txn, &mut new_votes).await?;
                vote::Entity::update_many()
                    .set(vote::ActiveModel {
                        entry_id: Set(to),
                        network: Set(change.network.clone()),
                        created_at: Set(now),
                        ..Default::default()
                    })
                    .filter(held())
                    .filter(vote::Column::EntryId.eq(from))
                    .exec(txn)
                    .await?
                    .rows_affected
            }
            What::Withdraw { entry } => {
                insert_votes(txn, &mut new_votes).await?;
                vote::Entity::delete_many()
                    .filter(held())
                    .filter(vote::Column::EntryId.eq(entry))
                    .exec(txn)
                    .await?
                    .rows_affected
            }
        };
        if touched != 1 {
            // Another instance changed this person's votes since they were read: the batch
            // is written again, one vote at a time.
            return Err(AppError::conflict(CHANGED_MEANWHILE));
        }
    }
    insert_votes(txn, &mut new_votes).await?;
    if !traces.is_empty() {
        crate::audit::entity::Entity::insert_many(traces)
            .exec(txn)
            .await?;
    }
    for challenge_id in changed {
        super::totals::bump(txn, challenge_id).await?;
    }
    Ok(())
}

/// Inserts the votes gathered so far, with one statement, and empties the list.
async fn insert_votes(
    txn: &impl ConnectionTrait,
    new_votes: &mut Vec<vote::ActiveModel>,
) -> Result<(), AppError> {
    if !new_votes.is_empty() {
        let inserted = vote::Entity::insert_many(std::mem::take(new_votes))
            .exec(txn)
            .await;
        match inserted {
            // The same person voted through another instance since their votes were read.
            Err(err) if crate::error::is_unique_violation(&err) => {
                return Err(AppError::conflict(CHANGED_MEANWHILE));
            }
            other => {
                other?;
            }
        }
    }
    Ok(())
}

/// The trace a change of a citizen's vote leaves, written in the same transaction as the change.
/// It is never public (it says who voted for what) and names the voter by account number only,
/// so deleting the account leaves nothing of them in it.
fn trace(change: &Change, at: DateTime<Utc>) -> crate::audit::entity::ActiveModel {
    let challenge = change.challenge;
    let (action, entry, details) = match change.what {
        What::New { entry, .. } => (
            "vote.cast",
            entry,
            serde_json::json!({ "challenge": challenge }),
        ),
        What::Move { from, to } => (
            "vote.change",
            to,
            serde_json::json!({ "challenge": challenge, "from_entry": from }),
        ),
        What::Withdraw { entry } => (
            "vote.withdraw",
            entry,
            serde_json::json!({ "challenge": challenge }),
        ),
    };
    crate::audit::entity::ActiveModel {
        actor_id: Set(Some(change.voter)),
        actor_name: Set(format!("#{}", change.voter)),
        actor_role: Set("citizen".into()),
        action: Set(action.into()),
        target_kind: Set("entry".into()),
        target_id: Set(Some(entry)),
        reason: Set(None),
        details: Set(details.to_string()),
        is_public: Set(false),
        ip: Set(None),
        created_at: Set(at),
        ..Default::default()
    }
}

/// Of `users`, those whose accounts are still there (verified, not deleted), and whether each
/// has a proved phone number, each held until the
/// batch commits: on PostgreSQL a share lock, so that an account's deletion (which holds its
/// row) either comes first and its vote is refused here, or waits and then withdraws it. SQLite
/// writes one transaction at a time.
async fn live_voters(
    txn: &impl ConnectionTrait,
    users: &BTreeSet<i64>,
) -> Result<HashMap<i64, bool>, AppError> {
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = txn.get_database_backend();
    let ids = users
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let share = match backend {
        sea_orm::DatabaseBackend::Postgres => " ORDER BY id FOR SHARE",
        _ => "",
    };
    let rows = txn
        .query_all_raw(sea_orm::Statement::from_string(
            backend,
            format!(
                "SELECT id, (phone IS NOT NULL AND phone_verified_at IS NOT NULL) AS phone_proved \
                 FROM users \
                 WHERE id IN ({ids}) \
                 AND (email_verified_at IS NOT NULL OR phone_verified_at IS NOT NULL){share}"
            ),
        ))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<i64>("", "id")?,
                row.try_get::<bool>("", "phone_proved")?,
            ))
        })
        .collect()
}

/// What the batch read before deciding.
struct Known {
    /// The batch's voters whose accounts are still there (an account deleted as its vote
    /// waited in the batch does not vote), and whether each has a proved phone number.
    live: HashMap<i64, bool>,
    entries: HashMap<i64, entry::Model>,
    challenges: HashMap<i64, challenge::Model>,
    allowance: HashMap<i64, i32>,
    /// The challenges whose vote needs a proved phone number.
    phone_only: BTreeSet<i64>,
    ledger: Ledger,
}

impl Known {
    async fn read(
        txn: &impl ConnectionTrait,
        batch: &[Ask],
        now: DateTime<Utc>,
    ) -> Result<Known, AppError> {
        let users: BTreeSet<i64> = batch.iter().map(|r| r.viewer.id).collect();
        let live = live_voters(txn, &users).await?;
        let entry_ids: BTreeSet<i64> = batch.iter().map(|r| r.entry).collect();
        let entries: HashMap<i64, entry::Model> = entry::Entity::find()
            .filter(entry::Column::Id.is_in(entry_ids))
            .all(txn)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let challenge_ids: BTreeSet<i64> = entries.values().map(|e| e.challenge_id).collect();
        let challenges: HashMap<i64, challenge::Model> = challenge::Entity::find()
            .filter(challenge::Column::Id.is_in(challenge_ids.iter().copied()))
            .all(txn)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let mut found: HashMap<i64, settings::Model> = settings::Entity::find()
            .filter(settings::Column::ChallengeId.is_in(challenge_ids.iter().copied()))
            .all(txn)
            .await?
            .into_iter()
            .map(|s| (s.challenge_id, s))
            .collect();
        for id in &challenge_ids {
            if !found.contains_key(id) {
                found.insert(*id, service::settings_of(txn, *id).await?);
            }
        }
        let allowance = found
            .values()
            .map(|s| (s.challenge_id, s.allowance))
            .collect();
        let phone_only = found
            .values()
            .filter(|s| s.requires_phone)
            .map(|s| s.challenge_id)
            .collect();
        let networks: BTreeSet<&str> = batch.iter().map(|r| r.network.as_str()).collect();
        let since = now - chrono::Duration::minutes(rules::RATE_WINDOW_MINUTES);
        let votes = vote::Entity::find()
            .filter(vote::Column::ChallengeId.is_in(challenge_ids.iter().copied()))
            .filter(vote::Column::UserId.is_in(users.iter().copied()))
            .order_by_asc(vote::Column::Slot)
            .all(txn)
            .await?;
        let mut ledger = Ledger {
            by_account: attempts_since(txn, attempt::Column::UserId, users, since).await?,
            by_network: attempts_since(txn, attempt::Column::Network, networks, since).await?,
            ..Default::default()
        };
        for v in votes {
            ledger
                .held
                .entry((v.challenge_id, v.user_id))
                .or_default()
                .push(Held {
                    slot: v.slot,
                    entry: v.entry_id,
                    voided: v.voided_at.is_some(),
                });
        }
        Ok(Known {
            live,
            entries,
            challenges,
            allowance,
            phone_only,
            ledger,
        })
    }
}

/// The attempts made `since`, counted by `by` (the account or the network), for each of `among`.
async fn attempts_since<K, V>(
    txn: &impl ConnectionTrait,
    by: attempt::Column,
    among: BTreeSet<V>,
    since: DateTime<Utc>,
) -> Result<HashMap<K, u64>, AppError>
where
    K: TryGetable + Eq + std::hash::Hash,
    V: Into<Value>,
{
    let counted: Vec<(K, i64)> = attempt::Entity::find()
        .select_only()
        .column(by)
        .column_as(Expr::col(attempt::Column::Id).count(), "n")
        .filter(by.is_in(among))
        .filter(attempt::Column::At.gte(since))
        .group_by(by)
        .into_tuple()
        .all(txn)
        .await?;
    Ok(counted
        .into_iter()
        .map(|(k, n)| (k, u64::try_from(n).unwrap_or(0)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NET: &str = "203.113.5.0/24";

    /// The demo data on a new SQLite file: the hotline challenge's vote is open, one vote each,
    /// and dan@, doi@ and mai@ have voted.
    async fn demo() -> DatabaseConnection {
        use migrations::MigratorTrait;
        let dir = std::env::temp_dir().join(format!(
            "vidan-ballot-box-{}-{}",
            std::process::id(),
            crate::token::random_token(8)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("test.db").display());
        let db = sea_orm::Database::connect(url).await.unwrap();
        migrations::Migrator::up(&db, None).await.unwrap();
        let storage = crate::upload::storage::Storage::folder(dir.join("files"));
        crate::demo::seed_if_empty(&db, &crate::links::Links::new("http://127.0.0.1"), &storage)
            .await
            .unwrap();
        db
    }

    async fn request(db: &DatabaseConnection, email: &str, entry: i64, act: Act) -> Ask {
        Ask {
            viewer: crate::demo::teams::viewer(db, email).await.unwrap(),
            entry,
            network: NET.into(),
            act,
        }
    }

    /// (voter's email, entry) of every vote of the challenge.
    async fn votes_of(db: &DatabaseConnection, challenge: i64) -> BTreeSet<(String, i64)> {
        let votes = vote::Entity::find()
            .filter(vote::Column::ChallengeId.eq(challenge))
            .all(db)
            .await
            .unwrap();
        let mut found = BTreeSet::new();
        for v in votes {
            let who = crate::auth::entity::user::Entity::find_by_id(v.user_id)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            found.insert((who.email.unwrap_or_default(), v.entry_id));
        }
        found
    }

    #[tokio::test]
    async fn one_batch_writes_each_persons_votes_in_the_order_they_came() {
        let db = demo().await;
        let hotline = crate::demo::teams::challenge_by_slug(
            &db,
            "tiep-nhan-phan-anh-qua-dien-thoai-cho-nguoi-khong-dung-mang",
        )
        .await
        .unwrap();
        let entries: Vec<i64> = votes_of(&db, hotline.id)
            .await
            .into_iter()
            .map(|(_, e)| e)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let (e0, e1) = (entries[0], entries[1]);
        let revision = || async {
            super::super::entity::revision::Entity::find_by_id(hotline.id)
                .one(&db)
                .await
                .unwrap()
                .map_or(0, |r| r.revision)
        };
        let before = revision().await;
        let attempts_before = attempt::Entity::find().all(&db).await.unwrap().len();
        let batch = vec![
            // A vote, withdrawn and cast elsewhere, all in one batch.
            request(&db, "tuan@vidan.local", e0, Act::Cast).await,
            request(&db, "tuan@vidan.local", e0, Act::Withdraw).await,
            request(&db, "tuan@vidan.local", e1, Act::Cast).await,
            // dan@ voted for e0 before: the vote moves; the same again changes nothing.
            request(&db, "dan@vidan.local", e1, Act::Cast).await,
            request(&db, "dan@vidan.local", e1, Act::Cast).await,
            request(&db, "hung@vidan.local", e0, Act::Cast).await,
            // No such entry: refused alone.
            request(&db, "lan@vidan.local", -1, Act::Cast).await,
        ];
        let answers = write_batch(&db, &batch)
            .await
            .expect("written as one batch, not vote by vote");
        let refused: Vec<bool> = answers.iter().map(Result::is_err).collect();
        assert_eq!(refused, [false, false, false, false, false, false, true]);
        let votes = votes_of(&db, hotline.id).await;
        for expected in [
            ("tuan@vidan.local", e1),
            ("dan@vidan.local", e1),
            ("hung@vidan.local", e0),
        ] {
            assert!(
                votes.contains(&(expected.0.to_owned(), expected.1)),
                "{expected:?} in {votes:?}"
            );
        }
        assert_eq!(
            votes
                .iter()
                .filter(|(who, _)| who == "tuan@vidan.local")
                .count(),
            1
        );
        assert_eq!(
            revision().await,
            before + 1,
            "the revision moves on once a batch"
        );
        let attempts = attempt::Entity::find().all(&db).await.unwrap().len();
        assert_eq!(
            attempts,
            attempts_before + 6,
            "every vote taken is an attempt"
        );
    }
}
