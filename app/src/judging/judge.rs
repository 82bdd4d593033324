//! What a judge does, each a command (the seat itself is taken in `panel::respond`): the
//! declaration, a step back from an entry and a submitted score, each written with its record
//! in one transaction.

use sea_orm::{ConnectionTrait, TransactionSession, TransactionTrait};

use super::conflicts::Declaration;
use super::rules::Marks;
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::challenge::entity::challenge;
use crate::error::AppError;

/// The judge's declaration of conflicts of interest, made once, before any entry is shown.
pub async fn declare(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    challenge_id: i64,
    declaration: Declaration,
) -> Result<(), AppError> {
    let viewer = requester.verified()?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let declared = super::conflicts::declare(&txn, viewer, challenge_id, declaration).await?;
    Record::new("judging.declare", "challenge", Some(challenge_id))
        .by_requester(requester)
        .details(serde_json::json!({ "conflicts": declared }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Steps back from an assigned entry, for a reason kept on the record. Returns the challenge.
pub async fn recuse(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    entry_id: i64,
    reason: &str,
) -> Result<challenge::Model, AppError> {
    let viewer = requester.verified()?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let (c, code) = super::assignment::recuse(&txn, viewer, entry_id, reason).await?;
    Record::new("judging.recuse", "challenge", Some(c.id))
        .by_requester(requester)
        .reason(reason.trim())
        .details(serde_json::json!({ "entry": code }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(c)
}

/// Submits a score: the marks, what they replaced (`score.change`) and the record commit
/// together or not at all. Returns when it was saved.
pub async fn submit(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    entry_id: i64,
    marks: Marks,
) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    let viewer = requester.verified()?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let at = super::scoring::save_marks(&txn, viewer, entry_id, marks, true).await?;
    Record::new("judging.score", "entry", Some(entry_id))
        .by_requester(requester)
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(at)
}

/// Saves a judge's marks as they are (a draft, or the submitted score being changed); returns
/// when it was saved. A room of judges saving as they type share durable commits (`writes`):
/// each draft is written in its turn of a shared transaction, alone if it fails.
pub async fn save_draft(
    writes: &crate::group_commit::GroupCommit,
    requester: &Requester,
    entry_id: i64,
    marks: Marks,
) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    let viewer = requester.verified()?.clone();
    writes
        .run(viewer.id, move |txn| {
            let (viewer, marks) = (viewer.clone(), marks.clone());
            Box::pin(async move {
                super::scoring::save_marks(txn, &viewer, entry_id, marks, false).await
            })
        })
        .await
}
