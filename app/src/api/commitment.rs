//! Server functions for leaders' commitments: anyone reads them, a signed-in person follows
//! one, staff of the organisation publish, move (with a reason) and keep them.

use leptos::prelude::*;

use crate::commitment::model::{CommitmentBoard, CommitmentDetail, CommitmentForm};
use crate::error::AppError;

/// Every commitment (of one organisation, if asked) with each organisation's figures.
#[server(prefix = "/api", endpoint = "commitments/list")]
pub async fn list_commitments(organisation_id: Option<i64>) -> Result<CommitmentBoard, AppError> {
    use crate::ctx;
    let viewer = ctx::viewer()?;
    crate::query::commitment::board(
        &ctx::db()?,
        viewer.as_ref(),
        organisation_id,
        chrono::Utc::now(),
    )
    .await
}

#[server(prefix = "/api", endpoint = "commitments/get")]
pub async fn get_commitment(id: i64) -> Result<CommitmentDetail, AppError> {
    use crate::ctx;
    let viewer = ctx::viewer()?;
    crate::query::commitment::detail(&ctx::db()?, viewer.as_ref(), id, chrono::Utc::now()).await
}

/// An official publishes a commitment for their organisation (see
/// [`crate::commitment::model::CommitmentForm`]), then opens it.
#[server(prefix = "/api", endpoint = "commitments/publish")]
pub async fn publish_commitment(form: CommitmentForm) -> Result<i64, AppError> {
    use crate::ctx;
    let id = crate::commitment::service::publish(&ctx::db()?, &ctx::requester()?, form).await?;
    leptos_axum::redirect(&format!("/commitments/{id}"));
    Ok(id)
}

/// Staff move a commitment's date (`due_on`, `YYYY-MM-DD`) with a public `reason`.
#[server(prefix = "/api", endpoint = "commitments/move")]
pub async fn move_commitment(id: i64, due_on: String, reason: String) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::commitment::service::move_due(&db, &links, &requester, id, &due_on, &reason).await
}

/// Staff say a commitment is kept, with what was done (`note`).
#[server(prefix = "/api", endpoint = "commitments/complete")]
pub async fn complete_commitment(id: i64, note: String) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::commitment::service::complete(&db, &links, &requester, id, &note).await
}

/// A signed-in person follows a commitment (`follow`: true) or stops.
#[server(prefix = "/api", endpoint = "commitments/follow")]
pub async fn follow_commitment(id: i64, follow: bool) -> Result<(), AppError> {
    use crate::ctx;
    crate::commitment::service::set_follow(&ctx::db()?, &ctx::requester()?, id, follow).await
}
