//! Server functions for entries: the members of a team read, save and submit their entry.

use leptos::prelude::*;

use crate::entry::model::{EntryFields, EntryView};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "entries/get")]
pub async fn get_entry(team_id: i64) -> Result<EntryView, AppError> {
    use crate::ctx;
    let viewer = ctx::require_user()?;
    crate::entry::service::get(&ctx::db()?, &viewer, team_id).await
}

/// Saves the draft; `version` is the version the editor started from. With `submit`, the draft
/// just saved is then submitted (see [`crate::entry::service::save_draft`]).
#[server(prefix = "/api", endpoint = "entries/save")]
pub async fn save_entry(
    team_id: i64,
    version: i32,
    entry: EntryFields,
    submit: Option<bool>,
) -> Result<EntryView, AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    let then_submit = submit == Some(true);
    crate::entry::service::save_draft(
        &db,
        &links,
        &requester,
        team_id,
        version,
        entry,
        then_submit,
    )
    .await
}

#[server(prefix = "/api", endpoint = "entries/submit")]
pub async fn submit_entry(team_id: i64, version: i32) -> Result<EntryView, AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::entry::service::submit(&db, &links, &requester, team_id, version).await
}

#[server(prefix = "/api", endpoint = "entries/for-challenge")]
pub async fn challenge_entries(
    challenge_id: i64,
) -> Result<Vec<crate::entry::model::StaffEntryRow>, AppError> {
    use crate::ctx;
    let staff = ctx::require_user()?;
    crate::entry::staff::for_challenge(&ctx::db()?, &staff, challenge_id).await
}

/// Staff find an entry ineligible; the team sees the reason.
#[server(prefix = "/api", endpoint = "entries/ineligible")]
pub async fn mark_ineligible(team_id: i64, reason: String) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::entry::staff::mark_ineligible(&db, &links, &requester, team_id, &reason).await
}

/// Staff give one team more time, for a reason shown on the challenge's public record.
#[server(prefix = "/api", endpoint = "entries/extend")]
pub async fn extend_deadline(team_id: i64, until: String, reason: String) -> Result<(), AppError> {
    use crate::ctx;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    crate::entry::staff::extend(&db, &requester, team_id, &until, &reason).await
}

#[server(prefix = "/api", endpoint = "entries/files")]
pub async fn entry_files(team_id: i64) -> Result<crate::entry::model::EntryFiles, AppError> {
    use crate::ctx;
    let viewer = ctx::require_user()?;
    crate::entry::files::list(&ctx::db()?, &viewer, team_id).await
}

/// Attaches a file: fields `team_id`, `public` (present when the file may be shown to everyone
/// once entries are public) and `file`.
#[server(prefix = "/api", endpoint = "entries/files/add", input = server_fn::codec::MultipartFormData)]
pub async fn add_entry_file(data: server_fn::codec::MultipartData) -> Result<(), AppError> {
    use crate::ctx;
    use crate::upload::form::MultipartForm;
    use crate::upload::service::Purpose;
    let viewer = ctx::require_verified()?;
    let db = ctx::db()?;
    let mut form = MultipartForm::read(data, Purpose::Attachment.max_bytes()).await?;
    let team_id: i64 = form
        .text("team_id")
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let public = !form.text("public").is_empty();
    let file = form
        .take_file("file", Purpose::Attachment.max_bytes())
        .map_err(|e| AppError::Invalid(vec![e]))?
        .ok_or_else(|| AppError::invalid("file", "error.file_empty"))?;
    crate::entry::files::add(
        &db,
        &crate::ctx::server_ctx()?.storage,
        &viewer,
        team_id,
        public,
        file,
    )
    .await?;
    leptos_axum::redirect(&format!("/teams/{team_id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "entries/files/remove")]
pub async fn remove_entry_file(team_id: i64, upload_id: i64) -> Result<(), AppError> {
    use crate::ctx;
    let viewer = ctx::require_verified()?;
    crate::entry::files::remove(&ctx::db()?, &viewer, team_id, upload_id).await?;
    Ok(())
}

/// Marks a file public or for the jury only; `public` is present to make it public.
#[server(prefix = "/api", endpoint = "entries/files/public")]
pub async fn set_entry_file_public(
    team_id: i64,
    upload_id: i64,
    public: Option<String>,
) -> Result<(), AppError> {
    use crate::ctx;
    let viewer = ctx::require_verified()?;
    crate::entry::files::set_public(&ctx::db()?, &viewer, team_id, upload_id, public.is_some())
        .await?;
    Ok(())
}

/// The entries of a challenge as everyone sees them (none before they are public).
#[server(prefix = "/api", endpoint = "entries/public")]
pub async fn public_entries(
    slug: String,
    q: Option<String>,
) -> Result<crate::query::model::PublicEntries, AppError> {
    use crate::ctx;
    let auth = ctx::request_auth()?;
    // Each visitor sees the entries in an order of their own: by account, or else by address and
    // browser, so that a reload keeps the order.
    let seed = match (&auth.viewer, &auth.session_id) {
        (Some(v), _) => format!("user:{}", v.id),
        (None, _) => format!(
            "{}:{}",
            auth.ip,
            auth.user_agent.clone().unwrap_or_default()
        ),
    };
    let server = ctx::server_ctx()?;
    crate::query::entry::list(
        &server.db,
        // A page shared by many people may show totals a moment old; a person's own request
        // (the list again after their vote) counts their change.
        (&server.votes.totals, auth.shared),
        &slug,
        (auth.viewer.as_ref(), &seed),
        q.as_deref().unwrap_or_default(),
        chrono::Utc::now(),
    )
    .await
}

/// Public entries found by a word of their title or their team's name (not while a blind panel
/// judges: then by title only).
#[server(prefix = "/api", endpoint = "entries/search")]
pub async fn search_entries(q: Option<String>) -> Result<crate::query::model::EntryHits, AppError> {
    use crate::ctx;
    crate::query::entry::search(
        &ctx::db()?,
        q.as_deref().unwrap_or_default(),
        chrono::Utc::now(),
    )
    .await
}
