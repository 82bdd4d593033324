//! Group commit: many small writes share one durable transaction.
//!
//! A vote must survive a power cut once the citizen is told it counted, so each one needs a
//! synced commit. SQLite with `synchronous=FULL` manages about a thousand synced commits a second
//! under contention; a vote-night rush asks for more. A writer takes whatever writes are waiting,
//! writes them in one transaction, commits once, and only then answers each request: none is
//! acknowledged before it is on disk.
//!
//! While a batch commits, the next one gathers, so batches grow with the load and a lone write
//! goes straight through without waiting for company.
//!
//! [`Lanes`] is the part every kind of write shares: writer tasks side by side, each handing its
//! waiting jobs to a handler as one batch. [`GroupCommit`] runs any write, each in its own
//! savepoint (judges' drafts); the votes have a writer of their own that writes a whole batch in
//! a handful of statements (`crate::vote::ballot_box`).

use std::any::Any;
use std::future::Future;
use std::sync::Arc;

use sea_orm::{
    DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};

use crate::error::AppError;

/// A write's future, borrowing the transaction it runs in.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The most writes one transaction takes.
pub const MAX_BATCH: usize = 512;

/// How many writers run side by side: PostgreSQL commits several transactions at once, SQLite
/// writes one at a time.
pub fn writers_for(backend: DatabaseBackend) -> usize {
    match backend {
        DatabaseBackend::Postgres => 4,
        _ => 1,
    }
}

/// Writer tasks side by side; each hands the jobs waiting for it, at most [`MAX_BATCH`], to the
/// handler as one batch, and gathers the next batch while the handler works. Reads that many
/// requests make at once batch the same way (`crate::auth::session::SessionReader`). Cheap to
/// clone.
pub struct Lanes<J> {
    lanes: Arc<[mpsc::Sender<J>]>,
}

impl<J> Clone for Lanes<J> {
    fn clone(&self) -> Self {
        Lanes {
            lanes: self.lanes.clone(),
        }
    }
}

impl<J: Send + 'static> Lanes<J> {
    /// Starts `count` writer tasks (at least one), each calling `handle` with its batches.
    pub fn start<H, F>(count: usize, handle: H) -> Lanes<J>
    where
        H: Fn(Vec<J>) -> F + Clone + Send + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let lanes = (0..count.max(1))
            .map(|_| {
                let (jobs, mut rx) = mpsc::channel::<J>(4 * MAX_BATCH);
                let handle = handle.clone();
                tokio::spawn(async move {
                    while let Some(first) = rx.recv().await {
                        let mut batch = vec![first];
                        while batch.len() < MAX_BATCH {
                            match rx.try_recv() {
                                Ok(job) => batch.push(job),
                                Err(_) => break,
                            }
                        }
                        handle(batch).await;
                    }
                });
                jobs
            })
            .collect();
        Lanes { lanes }
    }

    /// Queues a job written on behalf of the person `who`. One person's jobs always go to the
    /// same writer, one after the other: two clicks of one person never wait on each other's
    /// uncommitted rows in two writers, and a limit counted per person sees every earlier attempt.
    pub async fn send(&self, who: i64, job: J) -> Result<(), AppError> {
        let turn = who.unsigned_abs() % self.lanes.len() as u64;
        self.lanes[turn as usize]
            .send(job)
            .await
            .map_err(|_| crate::error::internal("the writer has stopped"))
    }
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once, waiting its
/// turn (the busy timeout): one that read first would fail at its first write, without waiting,
/// if another connection had written in between.
pub async fn begin_writing<C: sea_orm::TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Claims a piece of work that should happen once, whichever server instance gets there first
/// (a reminder, an announcement): runs `claim`, a conditional update of one row, in a new writing
/// transaction. The transaction, to do the work in and commit, if the update took the row; `None`
/// (nothing written) if another instance or an earlier pass had it. Committing the claim with its
/// work means a pass that fails claims nothing and the next one tries again.
pub async fn claim<E: sea_orm::EntityTrait>(
    db: &DatabaseConnection,
    claim: sea_orm::UpdateMany<E>,
) -> Result<Option<DatabaseTransaction>, DbErr> {
    let txn = begin_writing(db).await?;
    if claim.exec(&txn).await?.rows_affected == 1 {
        Ok(Some(txn))
    } else {
        txn.rollback().await?;
        Ok(None)
    }
}

/// Waits for a writer's answer to one job.
pub async fn answer<T>(rx: oneshot::Receiver<Result<T, AppError>>) -> Result<T, AppError> {
    rx.await
        .map_err(|_| crate::error::internal("the writer dropped a write"))?
}

type Answer = Result<Box<dyn Any + Send>, AppError>;
type Work = Arc<dyn for<'a> Fn(&'a DatabaseTransaction) -> BoxFuture<'a, Answer> + Send + Sync>;

struct Job {
    work: Work,
    reply: oneshot::Sender<Answer>,
}

/// Runs any write in a shared commit, each in a savepoint of its own: a write that fails rolls
/// back alone, and a batch that cannot commit is written again one write at a time. One per
/// server instance; cheap to clone.
#[derive(Clone)]
pub struct GroupCommit {
    lanes: Lanes<Job>,
}

impl GroupCommit {
    /// Starts the writer tasks on the given database ([`writers_for`] its kind).
    pub fn start(db: DatabaseConnection) -> GroupCommit {
        let writers = writers_for(db.get_database_backend());
        Self::with_writers(db, writers)
    }

    /// Starts `writers` writer tasks; a person's writes go to one of them (see [`Lanes::send`]).
    pub fn with_writers(db: DatabaseConnection, writers: usize) -> GroupCommit {
        let lanes = Lanes::start(writers, move |batch| write(db.clone(), batch));
        GroupCommit { lanes }
    }

    /// Runs `work`, written on behalf of the person `who`, in the next batch and returns its result
    /// once the batch is committed. `work` may run twice (alone, after its batch failed to
    /// commit), so it must not have effects outside the transaction it is given.
    pub async fn run<T, F>(&self, who: i64, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'a> Fn(&'a DatabaseTransaction) -> BoxFuture<'a, Result<T, AppError>>
            + Send
            + Sync
            + 'static,
    {
        let work: Work = Arc::new(move |txn| {
            let fut = work(txn);
            Box::pin(async move { fut.await.map(|v| Box::new(v) as Box<dyn Any + Send>) })
        });
        let (reply, rx) = oneshot::channel();
        self.lanes.send(who, Job { work, reply }).await?;
        answer(rx)
            .await?
            .downcast::<T>()
            .map(|v| *v)
            .map_err(|_| crate::error::internal("a write answered with the wrong type"))
    }
}

async fn write(db: DatabaseConnection, batch: Vec<Job>) {
    match run_batch(&db, &batch).await {
        Ok(answers) => {
            for (job, answer) in batch.into_iter().zip(answers) {
                let _ = job.reply.send(answer);
            }
        }
        Err(err) => {
            // The batch could not commit: each write gets its own transaction, so one write's
            // trouble is its own.
            tracing::warn!(%err, size = batch.len(), "a batch of writes failed; retrying one by one");
            for job in batch {
                let answer = run_alone(&db, &job.work).await;
                let _ = job.reply.send(answer);
            }
        }
    }
}

/// One transaction, a savepoint per write; the answers in order, once committed.
async fn run_batch(db: &DatabaseConnection, batch: &[Job]) -> Result<Vec<Answer>, DbErr> {
    let txn = begin_writing(db).await?;
    let mut answers = Vec::with_capacity(batch.len());
    for job in batch {
        let savepoint = txn.begin().await?;
        let answer = (job.work)(&savepoint).await;
        if answer.is_ok() {
            savepoint.commit().await?;
        } else {
            savepoint.rollback().await?;
        }
        answers.push(answer);
    }
    txn.commit().await?;
    Ok(answers)
}

async fn run_alone(db: &DatabaseConnection, work: &Work) -> Answer {
    let txn = begin_writing(db).await?;
    let answer = work(&txn).await;
    if answer.is_ok() {
        txn.commit().await?;
    } else {
        txn.rollback().await?;
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, Database, Statement};

    async fn counter() -> DatabaseConnection {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL UNIQUE)")
            .await
            .unwrap();
        db
    }

    async fn insert(txn: &DatabaseTransaction, n: i64) -> Result<i64, AppError> {
        txn.execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            "INSERT INTO t (n) VALUES (?)",
            [n.into()],
        ))
        .await?;
        Ok(n)
    }

    async fn count(db: &DatabaseConnection) -> i64 {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS v FROM t",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "v").unwrap()
    }

    #[tokio::test]
    async fn every_write_is_answered_and_a_failing_one_rolls_back_alone() {
        let db = counter().await;
        let writes = GroupCommit::start(db.clone());
        // 200 writes at once, two of them clashing with the unique index.
        let mut tasks = Vec::new();
        for i in 0..200i64 {
            let writes = writes.clone();
            let n = if i == 50 || i == 150 { 7 } else { i };
            tasks.push(tokio::spawn(async move {
                writes.run(i, move |txn| Box::pin(insert(txn, n))).await
            }));
        }
        let mut ok = 0;
        let mut failed = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => ok += 1,
                Err(_) => failed += 1,
            }
        }
        assert_eq!((ok, failed), (198, 2));
        assert_eq!(count(&db).await, 198);
    }

    #[tokio::test]
    async fn writes_spread_over_several_writers_are_each_answered() {
        let db = counter().await;
        let writes = GroupCommit::with_writers(db.clone(), 3);
        let tasks: Vec<_> = (0..30i64)
            .map(|i| {
                let writes = writes.clone();
                tokio::spawn(
                    async move { writes.run(i, move |txn| Box::pin(insert(txn, i))).await },
                )
            })
            .collect();
        for (i, task) in tasks.into_iter().enumerate() {
            assert_eq!(task.await.unwrap().unwrap(), i as i64);
        }
        assert_eq!(count(&db).await, 30);
    }

    #[tokio::test]
    async fn an_answer_comes_back_with_its_type() {
        let db = counter().await;
        let writes = GroupCommit::start(db.clone());
        let n: i64 = writes
            .run(7, |txn| Box::pin(insert(txn, 42)))
            .await
            .unwrap();
        assert_eq!(n, 42);
        assert_eq!(count(&db).await, 1);
    }

    #[tokio::test]
    async fn jobs_that_wait_while_a_batch_is_written_make_the_next_batch_and_one_person_keeps_one_lane()
     {
        // The handler reports each batch (lane, jobs) and holds the first one until told to go on.
        let (seen_tx, mut seen) = mpsc::unbounded_channel::<Vec<(i64, i64)>>();
        let go = Arc::new(tokio::sync::Notify::new());
        let lanes = {
            let go = go.clone();
            Lanes::start(2, move |batch: Vec<(i64, i64)>| {
                let (seen_tx, go) = (seen_tx.clone(), go.clone());
                async move {
                    let first = batch.iter().any(|(_, n)| *n == 0);
                    let _ = seen_tx.send(batch);
                    if first {
                        go.notified().await;
                    }
                }
            })
        };
        lanes.send(4, (4, 0)).await.unwrap();
        assert_eq!(
            seen.recv().await.unwrap(),
            vec![(4, 0)],
            "a lone job goes straight through"
        );
        for n in 1..=5 {
            lanes.send(4, (4, n)).await.unwrap();
        }
        lanes.send(7, (7, 9)).await.unwrap();
        // The other lane is not held up by the first.
        assert_eq!(seen.recv().await.unwrap(), vec![(7, 9)]);
        go.notify_one();
        let next = seen.recv().await.unwrap();
        assert_eq!(
            next,
            (1..=5).map(|n| (4, n)).collect::<Vec<_>>(),
            "in order, in one batch"
        );
    }
}
