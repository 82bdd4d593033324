//! Server functions for pilots: staff make and run them, milestone owners move them on, the
//! team and staff post updates, citizens follow, comment and rate; anyone reads.

use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

use crate::error::AppError;
use crate::pilot::model::{Dashboard, PilotCandidate, PilotCard, PilotForm, PilotPage};

/// The awarded entry a new pilot would come from (staff of its challenge).
#[server(prefix = "/api", endpoint = "pilots/candidate")]
pub async fn load_candidate(entry_id: i64) -> Result<PilotCandidate, AppError> {
    use crate::ctx;
    let staff = ctx::require_user()?;
    crate::pilot::plan::candidate(&ctx::db()?, &staff, entry_id).await
}

#[server(prefix = "/api", endpoint = "pilots/create")]
pub async fn create_pilot(entry_id: i64, terms: PilotForm) -> Result<i64, AppError> {
    use crate::ctx;
    let id = crate::pilot::plan::create(
        &ctx::db()?,
        &ctx::links()?,
        &ctx::requester()?,
        entry_id,
        &terms,
    )
    .await?;
    leptos_axum::redirect(&format!("/pilots/{id}/manage"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "pilots/terms")]
pub async fn save_pilot_terms(id: i64, terms: PilotForm) -> Result<(), AppError> {
    use crate::ctx;
    crate::pilot::plan::update_terms(&ctx::db()?, &ctx::requester()?, id, &terms).await
}

/// Every pilot; `status` keeps only one kind (running, extended, rolled_out, stopped).
#[server(prefix = "/api", endpoint = "pilots/list")]
pub async fn list_pilots(
    #[server(default)] status: Option<String>,
) -> Result<Vec<PilotCard>, AppError> {
    let status = status
        .as_deref()
        .and_then(crate::pilot::rules::PilotStatus::from_code);
    crate::pilot::cards::list(&crate::ctx::db()?, status, chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "pilots/get")]
pub async fn get_pilot(id: i64) -> Result<PilotPage, AppError> {
    use crate::ctx;
    let viewer = ctx::viewer()?;
    crate::query::pilot::page(&ctx::db()?, id, viewer.as_ref(), chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "pilots/dashboard")]
pub async fn load_dashboard() -> Result<Dashboard, AppError> {
    crate::query::pilot::dashboard(&crate::ctx::db()?, chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "pilots/kpis/add")]
pub async fn add_kpi(
    pilot_id: i64,
    name: String,
    unit: String,
    baseline: String,
    target: String,
) -> Result<(), AppError> {
    use crate::ctx;
    crate::pilot::milestones::add_kpi(
        &ctx::db()?,
        &ctx::requester()?,
        pilot_id,
        &name,
        &unit,
        &baseline,
        &target,
    )
    .await
}

#[server(prefix = "/api", endpoint = "pilots/kpis/measure")]
pub async fn record_measurement(
    kpi_id: i64,
    measured_on: String,
    value: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use crate::ctx;
    crate::pilot::milestones::measure(
        &ctx::db()?,
        &ctx::requester()?,
        kpi_id,
        &measured_on,
        &value,
        &note,
        chrono::Utc::now(),
    )
    .await
}

/// `owner` is "team" or the account id of an official of the pilot's organisation.
#[server(prefix = "/api", endpoint = "pilots/milestones/add")]
pub async fn add_milestone(
    pilot_id: i64,
    title: String,
    owner: String,
    due_on: String,
) -> Result<i64, AppError> {
    use crate::ctx;
    crate::pilot::milestones::add_milestone(
        &ctx::db()?,
        &ctx::requester()?,
        pilot_id,
        &title,
        &owner,
        &due_on,
    )
    .await
}

#[server(prefix = "/api", endpoint = "pilots/milestones/move")]
pub async fn move_milestone(
    milestone_id: i64,
    due_on: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::ctx;
    crate::pilot::milestones::move_milestone(
        &ctx::db()?,
        &ctx::requester()?,
        milestone_id,
        &due_on,
        &reason,
    )
    .await
}

/// Fields: `milestone_id`, `status`, and for blocked `blocked_reason`, for done any of
/// `evidence_text`, `evidence_url`, `evidence_file`.
#[server(prefix = "/api", endpoint = "pilots/milestones/status", input = MultipartFormData)]
pub async fn set_milestone_status(data: MultipartData) -> Result<(), AppError> {
    use crate::ctx;
    use crate::upload::form::MultipartForm;
    use crate::upload::service::Purpose;
    // Who asks is known before the form is read.
    let requester = ctx::requester()?;
    requester.verified()?;
    let max = Purpose::PilotFile.max_bytes();
    let mut form = MultipartForm::read(data, max).await?;
    let milestone_id: i64 = form
        .text("milestone_id")
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let change = crate::pilot::milestones::StatusChange {
        status: form.text("status"),
        blocked_reason: form.text("blocked_reason"),
        evidence_text: form.text("evidence_text"),
        evidence_url: form.text("evidence_url"),
        evidence_file: form
            .take_file("evidence_file", max)
            .map_err(|e| AppError::Invalid(vec![e]))?,
    };
    let pilot_id = crate::pilot::milestones::set_status(
        &ctx::db()?,
        &ctx::server_ctx()?.storage,
        &requester,
        milestone_id,
        change,
        chrono::Utc::now(),
    )
    .await?;
    leptos_axum::redirect(&format!("/pilots/{pilot_id}#milestone-{milestone_id}"));
    Ok(())
}

/// Fields: `pilot_id`, `body`, and up to four `photos`.
#[server(prefix = "/api", endpoint = "pilots/updates/post", input = MultipartFormData)]
pub async fn post_pilot_update(data: MultipartData) -> Result<(), AppError> {
    use crate::ctx;
    use crate::upload::form::MultipartForm;
    use crate::upload::service::Purpose;
    let requester = ctx::requester()?;
    requester.verified()?;
    let max = Purpose::PilotPhoto.max_bytes();
    let mut form = MultipartForm::read(data, max).await?;
    let pilot_id: i64 = form
        .text("pilot_id")
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let photos = form
        .take_files("photos", max)
        .map_err(|e| AppError::Invalid(vec![e]))?;
    crate::pilot::updates::post_update(
        &ctx::db()?,
        &ctx::links()?,
        &ctx::server_ctx()?.storage,
        &requester,
        pilot_id,
        &form.text("body"),
        photos,
    )
    .await?;
    leptos_axum::redirect(&format!("/pilots/{pilot_id}#updates"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "pilots/comments/add")]
pub async fn comment_on_update(update_id: i64, body: String) -> Result<(), AppError> {
    use crate::ctx;
    crate::pilot::updates::comment(&ctx::db()?, &ctx::requester()?, update_id, &body).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "pilots/comments/hide")]
pub async fn hide_pilot_comment(comment_id: i64, reason: String) -> Result<(), AppError> {
    use crate::ctx;
    crate::pilot::updates::hide_comment(&ctx::db()?, &ctx::requester()?, comment_id, &reason)
        .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "pilots/rate")]
pub async fn rate_pilot(
    pilot_id: i64,
    #[server(default)] stars: i32,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    use crate::ctx;
    crate::pilot::updates::rate(&ctx::db()?, &ctx::requester()?, pilot_id, stars, &comment).await?;
    // Sent without the page's code: back to the ratings, which show the one just given.
    if ctx::plain_form_post() {
        leptos_axum::redirect(&format!("/pilots/{pilot_id}#ratings"));
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "pilots/follow")]
pub async fn follow_pilot(id: i64, follow: bool) -> Result<(), AppError> {
    use crate::ctx;
    crate::pilot::updates::set_follow(&ctx::db()?, &ctx::requester()?, id, follow).await
}

/// Ends the pilot: `outcome` is rolled_out, extended (with `new_end_on`) or stopped.
#[server(prefix = "/api", endpoint = "pilots/close")]
pub async fn close_pilot(
    id: i64,
    outcome: String,
    statement: String,
    #[server(default)] new_end_on: String,
) -> Result<(), AppError> {
    use crate::ctx;
    crate::pilot::plan::close(
        &ctx::db()?,
        &ctx::links()?,
        &ctx::requester()?,
        id,
        &outcome,
        &statement,
        &new_end_on,
    )
    .await
}
