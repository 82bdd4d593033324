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

use std::any::Any;
use std::sync::Arc;

use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};
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

/// A handle on the writer task; cheap to clone. One per server instance.
#[derive(Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer task on the given database.
    pub fn start(db: DatabaseConnection) -> GroupCommit {
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(writer(db, rx));
        GroupCommit { jobs }
    }

    /// Runs `work` in the next batch and returns its result once the batch is committed. `work`
    /// may run twice (alone, after its batch failed to commit), so it must not have effects
    /// outside the transaction it is given.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
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
        self.jobs
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

/// One transaction, a savepoint per write; the answers in order, once committed.
async fn run_batch(db: &DatabaseConnection, batch: &[Job]) -> Result<Vec<Answer>, sea_orm::DbErr> {
    let txn = db.begin().await?;
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
    let txn = db.begin().await?;
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
                "SELECT COUNT(*) AS c FROM t",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "c").unwrap()
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
                writes.run(move |txn| Box::pin(insert(txn, n))).await
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
    async fn an_answer_comes_back_with_its_type() {
        let db = counter().await;
        let writes = GroupCommit::start(db.clone());
        let n: i64 = writes.run(|txn| Box::pin(insert(txn, 42))).await.unwrap();
        assert_eq!(n, 42);
        assert_eq!(count(&db).await, 1);
    }
}
