//! The ballot box: citizens' votes written many at a time.
//!
//! On vote night thousands of citizens vote within minutes, and each is told the vote counted
//! only once it is on disk, in a commit shared with the votes cast meanwhile
//! ([`crate::group_commit`]). Written one at a time, a vote costs the one writer about ten
//! statements. The ballot box reads what a whole batch needs in a few statements (the entries,
//! their challenges and vote settings, the voters' votes and their recent attempts), decides each
//! vote in memory by the same rules and in the order they came ([`Ledger`]), then writes the
//! batch's attempts and new votes with one statement each.
//!
//! A batch that cannot be written that way (say a unique index refuses a row, because the same
//! person voted through another server instance at that moment) is written again one vote at a
//! time, each in a transaction of its own, by the code that serves a single vote.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TryGetable, Value,
};
use tokio::sync::oneshot;

use super::entity::{attempt, settings, vote};
use super::rules::{self, Cast};
use super::service;
use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::entry::entity::entry;
use crate::error::AppError;
use crate::group_commit::{Lanes, answer, begin_writing, writers_for};

/// What a citizen asks of the ballot box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// A vote for the entry (with one vote each, the vote moves there).
    Cast,
    /// The vote for the entry is withdrawn.
    Withdraw,
}

struct Request {
    viewer: Viewer,
    entry: i64,
    network: String,
    act: Act,
    reply: oneshot::Sender<Result<challenge::Model, AppError>>,
}

/// One per server instance; cheap to clone.
#[derive(Clone)]
pub struct BallotBox {
    lanes: Lanes<Request>,
}

impl BallotBox {
    /// Starts the writers on the given database ([`writers_for`] its kind).
    pub fn start(db: DatabaseConnection) -> BallotBox {
        let writers = writers_for(db.get_database_backend());
        BallotBox {
            lanes: Lanes::start(writers, move |batch| write(db.clone(), batch)),
        }
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
            viewer: viewer.clone(),
            entry,
            network,
            act,
            reply,
        };
        self.lanes.send(viewer.id, request).await?;
        answer(rx).await
    }
}

async fn write(db: DatabaseConnection, batch: Vec<Request>) {
    match write_batch(&db, &batch).await {
        Ok(answers) => {
            for (request, answer) in batch.into_iter().zip(answers) {
                let _ = request.reply.send(answer);
            }
        }
        Err(err) => {
            tracing::warn!(%err, size = batch.len(), "a batch of votes failed; writing them one by one");
            for request in batch {
                let answer = write_alone(&db, &request).await;
                let _ = request.reply.send(answer);
            }
        }
    }
}

/// One vote in a transaction of its own, as a single vote is written.
async fn write_alone(db: &DatabaseConnection, r: &Request) -> Result<challenge::Model, AppError> {
    let txn = begin_writing(db).await?;
    let answer = async {
        match r.act {
            Act::Cast => {
                let ballot = service::ballot_for(&txn, r.entry).await?;
                service::throttle(&txn, r.viewer.id, &r.network).await?;
                service::cast_ballot(&txn, &r.viewer, &ballot, &r.network).await
            }
            Act::Withdraw => {
                service::throttle(&txn, r.viewer.id, &r.network).await?;
                service::withdraw(&txn, &r.viewer, r.entry).await
            }
        }
    }
    .await;
    if answer.is_ok() {
        txn.commit().await?;
    } else {
        txn.rollback().await?;
    }
    answer
}

/// The whole batch in one transaction: each request's answer, in order, once committed.
async fn write_batch(
    db: &DatabaseConnection,
    batch: &[Request],
) -> Result<Vec<Result<challenge::Model, AppError>>, AppError> {
    let now = Utc::now();
    let started = std::time::Instant::now();
    let txn = begin_writing(db).await?;
    let locked = started.elapsed();
    let known = Known::read(&txn, batch, now).await?;
    let read = started.elapsed();
    let mut ledger = known.ledger;
    let mut changes = Vec::new();
    let mut attempts = Vec::new();
    let answers: Vec<_> = batch
        .iter()
        .map(|r| {
            let e = known.entries.get(&r.entry).ok_or(AppError::NotFound)?;
            let c = known
                .challenges
                .get(&e.challenge_id)
                .ok_or(AppError::NotFound)?;
            match r.act {
                Act::Cast => service::check_votable(e, c, now)?,
                Act::Withdraw => service::check_open(c, now)?,
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
        attempt::Entity::insert_many(attempts).exec(&txn).await?;
    }
    apply(&txn, &changes, now).await?;
    let written = started.elapsed();
    txn.commit().await?;
    // Where a batch's time goes (`RUST_LOG=app::vote::ballot_box=debug`): waiting for the write
    // lock, reading what the rules need, writing, and the synced commit.
    tracing::debug!(
        size = batch.len(),
        lock_ms = locked.as_secs_f64() * 1e3,
        read_ms = (read - locked).as_secs_f64() * 1e3,
        write_ms = (written - read).as_secs_f64() * 1e3,
        commit_ms = (started.elapsed() - written).as_secs_f64() * 1e3,
        "a batch of votes committed"
    );
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
    let traces: Vec<_> = changes
        .iter()
        .map(|change| {
            let act = match change.what {
                What::New { entry, .. } => service::VoteAct::Cast { entry },
                What::Move { from, to } => service::VoteAct::Change { from, to },
                What::Withdraw { entry } => service::VoteAct::Withdraw { entry },
            };
            service::trace(change.voter, change.challenge, act, now)
        })
        .collect();
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
            return Err(AppError::conflict("error.vote_changed_meanwhile"));
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
        vote::Entity::insert_many(std::mem::take(new_votes))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// What the batch read before deciding.
struct Known {
    entries: HashMap<i64, entry::Model>,
    challenges: HashMap<i64, challenge::Model>,
    allowance: HashMap<i64, i32>,
    ledger: Ledger,
}

impl Known {
    async fn read(
        txn: &impl ConnectionTrait,
        batch: &[Request],
        now: DateTime<Utc>,
    ) -> Result<Known, AppError> {
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
        let mut allowance: HashMap<i64, i32> = settings::Entity::find()
            .filter(settings::Column::ChallengeId.is_in(challenge_ids.iter().copied()))
            .all(txn)
            .await?
            .into_iter()
            .map(|s| (s.challenge_id, s.allowance))
            .collect();
        for id in &challenge_ids {
            if !allowance.contains_key(id) {
                allowance.insert(*id, service::settings_of(txn, *id).await?.allowance);
            }
        }
        let users: BTreeSet<i64> = batch.iter().map(|r| r.viewer.id).collect();
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
            entries,
            challenges,
            allowance,
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

/// Who votes: the account and the network it votes from.
#[derive(Clone, Copy, Debug)]
struct Voter<'a> {
    user: i64,
    network: &'a str,
}

/// A vote a person holds in a challenge (voided ones too: they keep their slot).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Held {
    slot: i32,
    entry: i64,
    voided: bool,
}

/// A change to one person's votes in one challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Change {
    challenge: i64,
    voter: i64,
    network: String,
    what: What,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum What {
    New { entry: i64, slot: i32 },
    Move { from: i64, to: i64 },
    Withdraw { entry: i64 },
}

/// The votes and recent attempts the batch knows of, kept up to date as it decides each vote in
/// turn: a person who votes twice in one batch is decided as if the votes came one after the
/// other.
#[derive(Debug, Default)]
struct Ledger {
    by_account: HashMap<i64, u64>,
    by_network: HashMap<String, u64>,
    /// (challenge, account) → the votes held, by slot.
    held: HashMap<(i64, i64), Vec<Held>>,
}

impl Ledger {
    /// Decides one vote or withdrawal by the rules of a single vote (`allowance` the
    /// challenge's); the attempt counts towards the limits when it is taken.
    fn decide(
        &mut self,
        voter: Voter<'_>,
        challenge: i64,
        entry: i64,
        allowance: i32,
        act: Act,
    ) -> Result<Option<Change>, AppError> {
        let by_account = self.by_account.get(&voter.user).copied().unwrap_or(0);
        let by_network = self.by_network.get(voter.network).copied().unwrap_or(0);
        if rules::throttled(by_account, by_network) {
            return Err(service::too_many_attempts());
        }
        let held = self.held.entry((challenge, voter.user)).or_default();
        let what = match act {
            Act::Cast => {
                let slots: Vec<(i32, i64)> = held.iter().map(|h| (h.slot, h.entry)).collect();
                match rules::cast(&slots, entry, allowance) {
                    Cast::Same => None,
                    Cast::Full => return Err(service::allowance_used(allowance)),
                    Cast::Move { from } => {
                        let Some(h) = held.iter_mut().find(|h| h.entry == from && !h.voided) else {
                            // The vote to move was voided: as a single vote finds it.
                            return Err(AppError::conflict("error.vote_changed_meanwhile"));
                        };
                        h.entry = entry;
                        Some(What::Move { from, to: entry })
                    }
                    Cast::New { slot } => {
                        held.push(Held {
                            slot,
                            entry,
                            voided: false,
                        });
                        held.sort_by_key(|h| h.slot);
                        Some(What::New { entry, slot })
                    }
                }
            }
            Act::Withdraw => held
                .iter()
                .position(|h| h.entry == entry && !h.voided)
                .map(|at| {
                    held.remove(at);
                    What::Withdraw { entry }
                }),
        };
        *self.by_account.entry(voter.user).or_default() += 1;
        *self.by_network.entry(voter.network.to_owned()).or_default() += 1;
        Ok(what.map(|what| Change {
            challenge,
            voter: voter.user,
            network: voter.network.to_owned(),
            what,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NET: &str = "203.113.5.0/24";

    fn voter(user: i64) -> Voter<'static> {
        Voter { user, network: NET }
    }

    fn what(decided: Result<Option<Change>, AppError>) -> Option<What> {
        decided.unwrap().map(|c| c.what)
    }

    fn new(entry: i64, slot: i32) -> Option<What> {
        Some(What::New { entry, slot })
    }

    fn conflict(refused: AppError) -> String {
        match refused {
            AppError::Conflict { key, .. } => key,
            other => panic!("not a conflict: {other:?}"),
        }
    }

    /// The demo data on a new SQLite file: the hotline challenge's vote is open, one vote each,
    /// and dan@, doi@ and mai@ have voted.
    async fn demo() -> DatabaseConnection {
        use migrations::MigratorTrait;
        let dir = std::env::temp_dir().join(format!(
            "vidan-ballot-box-{}-{}",
            std::process::id(),
            crate::auth::token::random_token(8)
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

    async fn request(db: &DatabaseConnection, email: &str, entry: i64, act: Act) -> Request {
        Request {
            viewer: crate::demo::teams::viewer(db, email).await.unwrap(),
            entry,
            network: NET.into(),
            act,
            reply: oneshot::channel().0,
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
            let who = crate::account::entity::user::Entity::find_by_id(v.user_id)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            found.insert((who.email, v.entry_id));
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

    #[test]
    fn a_second_vote_in_one_batch_sees_the_first() {
        let mut ledger = Ledger::default();
        let first = ledger.decide(voter(1), 10, 100, 1, Act::Cast);
        assert_eq!(what(first), new(100, 1));
        // With one vote each, the same person's next vote moves it; the same entry again is no change.
        let second = ledger.decide(voter(1), 10, 200, 1, Act::Cast);
        assert_eq!(what(second), Some(What::Move { from: 100, to: 200 }));
        assert_eq!(what(ledger.decide(voter(1), 10, 200, 1, Act::Cast)), None);
        // Another person, another challenge: their own first votes.
        let other = ledger.decide(voter(2), 10, 100, 1, Act::Cast);
        assert_eq!(what(other), new(100, 1));
        let elsewhere = ledger.decide(voter(1), 11, 300, 1, Act::Cast);
        assert_eq!(what(elsewhere), new(300, 1));
    }

    #[test]
    fn the_allowance_fills_and_a_withdrawal_frees_its_slot() {
        let mut ledger = Ledger::default();
        for (entry, slot) in [(100, 1), (200, 2)] {
            let cast = ledger.decide(voter(1), 10, entry, 2, Act::Cast);
            assert_eq!(what(cast), Some(What::New { entry, slot }));
        }
        let full = ledger.decide(voter(1), 10, 300, 2, Act::Cast).unwrap_err();
        assert_eq!(conflict(full), "error.vote_allowance");
        let gone = ledger.decide(voter(1), 10, 100, 2, Act::Withdraw);
        assert_eq!(what(gone), Some(What::Withdraw { entry: 100 }));
        // Withdrawing what is not held changes nothing.
        assert_eq!(
            what(ledger.decide(voter(1), 10, 100, 2, Act::Withdraw)),
            None
        );
        let again = ledger.decide(voter(1), 10, 300, 2, Act::Cast);
        assert_eq!(what(again), new(300, 1));
    }

    #[test]
    fn a_voided_vote_keeps_its_slot_and_cannot_be_moved_or_withdrawn() {
        let mut ledger = Ledger::default();
        ledger.held.insert(
            (10, 1),
            vec![Held {
                slot: 1,
                entry: 100,
                voided: true,
            }],
        );
        let moved = ledger.decide(voter(1), 10, 200, 1, Act::Cast).unwrap_err();
        assert_eq!(conflict(moved), "error.vote_changed_meanwhile");
        assert_eq!(
            what(ledger.decide(voter(1), 10, 100, 1, Act::Withdraw)),
            None
        );
        // With two votes each, the voided one still takes slot 1.
        let cast = ledger.decide(voter(1), 10, 200, 2, Act::Cast);
        assert_eq!(what(cast), new(200, 2));
    }

    #[test]
    fn the_limits_count_the_attempts_taken_in_the_batch_and_not_the_refused() {
        let mut ledger = Ledger::default();
        ledger.by_account.insert(1, rules::RATE_PER_ACCOUNT - 2);
        assert!(ledger.decide(voter(1), 10, 100, 1, Act::Cast).is_ok());
        // A refused vote (the allowance) is not an attempt that counts.
        let held = |slot, entry| Held {
            slot,
            entry,
            voided: false,
        };
        ledger.held.insert((11, 1), vec![held(1, 7), held(2, 9)]);
        assert!(ledger.decide(voter(1), 11, 8, 2, Act::Cast).is_err());
        assert!(ledger.decide(voter(1), 10, 100, 1, Act::Cast).is_ok());
        let limited = ledger.decide(voter(1), 10, 100, 1, Act::Cast).unwrap_err();
        assert!(matches!(limited, AppError::RateLimited { .. }));
        // The network's limit holds across accounts.
        let mut ledger = Ledger::default();
        ledger
            .by_network
            .insert(NET.into(), rules::RATE_PER_NETWORK - 1);
        assert!(ledger.decide(voter(5), 10, 100, 1, Act::Cast).is_ok());
        let limited = ledger.decide(voter(6), 10, 100, 1, Act::Cast).unwrap_err();
        assert!(matches!(limited, AppError::RateLimited { .. }));
    }
}
