//! Group commit: many small writes share one durable transaction.
//!
//! A vote must survive a power cut once the citizen is told it counted, so each one needs a
//! synced commit. SQLite with `synchronous=FULL` manages about a thousand synced commits a second
//! under contention; a vote-night rush asks for more. The writer below takes whatever writes are
//! waiting, runs each in its own savepoint of one transaction, commits once, and only then answers
//! each request: a write that fails rolls back alone, a batch that cannot commit answers every
//! request in it with the error, and none is acknowledged before it is on disk.
//!
//! While a batch commits, the next one gathers, so batches grow with the load and a lone write
//! goes straight through without waiting for company.
//!
//! A write may also ask for a statement to run once before its batch commits, however many of
//! the batch's writes ask for it ([`once_before_commit`]): a hundred votes for one challenge move
//! its revision on once, and the row that every one of them would have updated is locked only
//! for the moment of the commit. That is what lets PostgreSQL run several writers side by side
//! ([`writers_for`]); SQLite takes one writer at a time, so it gets one.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, Statement,
    TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};

use crate::error::AppError;

/// A write's future, borrowing the transaction it runs in.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The most writes one transaction takes.
pub const MAX_BATCH: usize = 512;

type Answer = Result<Box<dyn Any + Send>, AppError>;
type Work = Arc<dyn for<'a> Fn(&'a DatabaseTransaction) -> BoxFuture<'a, Answer> + Send + Sync>;

struct Job {
    work: Work,
    reply: oneshot::Sender<Answer>,
}

/// Statements keyed by what they do to which row, run once per batch in key order (so that
/// writers side by side take the rows' locks in the same order).
type Closing = BTreeMap<(&'static str, i64), Statement>;

tokio::task_local! {
    /// The statements that the write being run asked to have run before its batch commits.
    static CLOSING: Arc<Mutex<Closing>>;
}

/// Runs `statement` once before the batch of the write that calls this commits (once for all
/// the batch's writes that name the same `key`), or at once outside a batch. Dropped with the
/// write's savepoint if the write fails.
pub async fn once_before_commit(
    db: &impl ConnectionTrait,
    key: (&'static str, i64),
    statement: Statement,
) -> Result<(), DbErr> {
    let mut statement = Some(statement);
    let _outside_a_batch = CLOSING.try_with(|closing| {
        if let Some(statement) = statement.take() {
            closing
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .insert(key, statement);
        }
    });
    if let Some(statement) = statement {
        db.execute_raw(statement).await?;
    }
    Ok(())
}

/// How many writers run side by side: PostgreSQL commits several transactions at once, SQLite
/// writes one at a time.
pub fn writers_for(backend: DatabaseBackend) -> usize {
    match backend {
        DatabaseBackend::Postgres => 4,
        _ => 1,
    }
}

/// A handle on the writer tasks; cheap to clone. One per server instance.
#[derive(Clone)]
pub struct GroupCommit {
    writers: Arc<[mpsc::Sender<Job>]>,
}

impl GroupCommit {
    /// Starts the writer tasks on the given database ([`writers_for`] its kind).
    pub fn start(db: DatabaseConnection) -> GroupCommit {
        let writers = writers_for(db.get_database_backend());
        Self::with_writers(db, writers)
    }

    /// Starts `writers` writer tasks; a person's writes go to one of them (see [`GroupCommit::run`]).
    pub fn with_writers(db: DatabaseConnection, writers: usize) -> GroupCommit {
        let senders = (0..writers.max(1))
            .map(|_| {
                let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
                tokio::spawn(writer(db.clone(), rx));
                jobs
            })
            .collect();
        GroupCommit { writers: senders }
    }

    /// Runs `work`, written on behalf of the person `who`, in the next batch and returns its result
    /// once the batch is committed. One person's writes always go to the same writer, one after
    /// the other: two clicks of one person never wait on each other's uncommitted rows in two
    /// writers, and a limit counted per person sees every earlier attempt. `work` may run twice
    /// (alone, after its batch failed to commit), so it must not have effects outside the
    /// transaction it is given.
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
        let (reply, answer) = oneshot::channel();
        let turn = who.unsigned_abs() % self.writers.len() as u64;
        self.writers[turn as usize]
            .send(Job { work, reply })
            .await
            .map_err(|_| crate::error::internal("the writer has stopped"))?;
        let value = answer
            .await
            .map_err(|_| crate::error::internal("the writer dropped a write"))??;
        value
            .downcast::<T>()
            .map(|v| *v)
            .map_err(|_| crate::error::internal("a write answered with the wrong type"))
    }
}

async fn writer(db: DatabaseConnection, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match run_batch(&db, &batch).await {
            Ok(answers) => {
                for (job, answer) in batch.into_iter().zip(answers) {
                    let _ = job.reply.send(answer);
                }
            }
            Err(err) => {
                // The batch could not commit: each write gets its own transaction, so one
                // write's trouble is its own.
                tracing::warn!(%err, size = batch.len(), "a batch of writes failed; retrying one by one");
                for job in batch {
                    let answer = run_alone(&db, &job.work).await;
                    let _ = job.reply.send(answer);
                }
            }
        }
    }
}

/// Runs one write, collecting the statements it asks to have run before the commit.
async fn run_collecting(work: &Work, txn: &DatabaseTransaction) -> (Answer, Closing) {
    let closing = Arc::new(Mutex::new(Closing::new()));
    let answer = CLOSING.scope(closing.clone(), work(txn)).await;
    let closing = std::mem::take(&mut *closing.lock().unwrap_or_else(|p| p.into_inner()));
    (answer, closing)
}

async fn close(txn: &DatabaseTransaction, closing: Closing) -> Result<(), DbErr> {
    for statement in closing.into_values() {
        txn.execute_raw(statement).await?;
    }
    Ok(())
}

/// One transaction, a savepoint per write; the answers in order, once committed.
async fn run_batch(db: &DatabaseConnection, batch: &[Job]) -> Result<Vec<Answer>, DbErr> {
    let txn = db.begin().await?;
    let mut answers = Vec::with_capacity(batch.len());
    let mut closing = Closing::new();
    for job in batch {
        let savepoint = txn.begin().await?;
        let (answer, asked) = run_collecting(&job.work, &savepoint).await;
        if answer.is_ok() {
            savepoint.commit().await?;
            closing.extend(asked);
        } else {
            savepoint.rollback().await?;
        }
        answers.push(answer);
    }
    close(&txn, closing).await?;
    txn.commit().await?;
    Ok(answers)
}

async fn run_alone(db: &DatabaseConnection, work: &Work) -> Answer {
    let txn = db.begin().await?;
    let (answer, closing) = run_collecting(work, &txn).await;
    if answer.is_ok() {
        close(&txn, closing).await?;
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

    /// The one number `sql` selects (as `v`).
    async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "v").unwrap()
    }

    async fn count(db: &DatabaseConnection) -> i64 {
        scalar(db, "SELECT COUNT(*) AS v FROM t").await
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

    /// A write that inserts `n` and asks for the batch's counter to move on before the commit.
    fn counted_insert(n: i64) -> Job {
        let work: Work = Arc::new(move |txn| {
            Box::pin(async move {
                insert(txn, n).await?;
                once_before_commit(
                    txn,
                    ("counter", 1),
                    Statement::from_string(txn.get_database_backend(), "UPDATE c SET n = n + 1"),
                )
                .await?;
                Ok(Box::new(n) as Box<dyn Any + Send>)
            })
        });
        Job {
            work,
            reply: oneshot::channel().0,
        }
    }

    async fn counter_value(db: &DatabaseConnection) -> i64 {
        scalar(db, "SELECT n AS v FROM c").await
    }

    #[tokio::test]
    async fn a_statement_asked_for_by_many_writes_runs_once_and_not_for_a_failed_write() {
        let db = counter().await;
        for sql in [
            "CREATE TABLE c (n INTEGER NOT NULL)",
            "INSERT INTO c VALUES (0)",
        ] {
            db.execute_unprepared(sql).await.unwrap();
        }
        // Three writes ask for the counter; the third clashes with the first and rolls back.
        let answers = run_batch(
            &db,
            &[counted_insert(1), counted_insert(2), counted_insert(1)],
        )
        .await
        .unwrap();
        assert_eq!(answers.iter().filter(|a| a.is_ok()).count(), 2);
        assert_eq!(count(&db).await, 2);
        assert_eq!(counter_value(&db).await, 1, "once for the batch");
        // A batch whose only write fails runs nothing.
        let answers = run_batch(&db, &[counted_insert(2)]).await.unwrap();
        assert!(answers[0].is_err());
        assert_eq!(counter_value(&db).await, 1);
        // Outside a batch, the statement runs at once.
        once_before_commit(
            &db,
            ("counter", 1),
            Statement::from_string(db.get_database_backend(), "UPDATE c SET n = n + 1"),
        )
        .await
        .unwrap();
        assert_eq!(counter_value(&db).await, 2);
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
}
