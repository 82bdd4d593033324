//! Server functions for the public vote: citizens cast and withdraw votes; staff choose the
//! allowance and whether totals show during the vote; anyone reads the ballots after the close.

use leptos::prelude::*;

use crate::error::AppError;
use crate::vote::model::{Ballots, VoteReview, VoteSettings};

/// A plain form (the page's code not loaded) goes back to the entry voted on, in the list as the
/// voter had narrowed it, where the page says what the vote did. The page's code stays where it
/// is and shows it in place: a reload would lose the voter's place in a long list.
#[cfg(feature = "ssr")]
fn back_to_entries(slug: &str, entry_id: i64, q: Option<&str>) {
    if !crate::ctx::plain_form_post() {
        return;
    }
    let search = match q.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => format!("?q={}", crate::links::url_encode(q)),
        None => String::new(),
    };
    leptos_axum::redirect(&format!(
        "/challenges/{slug}/entries{search}#entry-{entry_id}"
    ));
}

/// Votes for an entry (with one vote each, moves the vote there). Works as a plain form.
#[server(prefix = "/api", endpoint = "votes/cast")]
pub async fn cast_vote(entry_id: i64, q: Option<String>) -> Result<(), AppError> {
    use crate::ctx;
    let viewer = ctx::require_verified()?;
    let network = crate::vote::rules::network_of(&ctx::request_auth()?.ip);
    let server = ctx::server_ctx()?;
    // Answered once the vote is on disk, in a commit shared with the votes cast meanwhile.
    let c = server
        .ballots
        .put(&viewer, entry_id, network, crate::vote::decision::Act::Cast)
        .await?;
    let backend = sea_orm::ConnectionTrait::get_database_backend(&server.db);
    crate::vote::live::announce(backend, &server.votes, c.id);
    back_to_entries(&c.slug, entry_id, q.as_deref());
    Ok(())
}

#[server(prefix = "/api", endpoint = "votes/withdraw")]
pub async fn withdraw_vote(entry_id: i64, q: Option<String>) -> Result<(), AppError> {
    use crate::ctx;
    let viewer = ctx::require_verified()?;
    let network = crate::vote::rules::network_of(&ctx::request_auth()?.ip);
    let server = ctx::server_ctx()?;
    let c = server
        .ballots
        .put(
            &viewer,
            entry_id,
            network,
            crate::vote::decision::Act::Withdraw,
        )
        .await?;
    let backend = sea_orm::ConnectionTrait::get_database_backend(&server.db);
    crate::vote::live::announce(backend, &server.votes, c.id);
    back_to_entries(&c.slug, entry_id, q.as_deref());
    Ok(())
}

#[server(prefix = "/api", endpoint = "votes/settings")]
pub async fn load_vote_settings(challenge_id: i64) -> Result<VoteSettings, AppError> {
    use crate::ctx;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let c = crate::challenge::service::find_managed(&db, challenge_id, &staff).await?;
    crate::vote::service::settings_view(&db, &c).await
}

#[server(prefix = "/api", endpoint = "votes/settings/save")]
pub async fn save_vote_settings(
    challenge_id: i64,
    allowance: i32,
    live_totals: Option<String>,
    requires_phone: Option<String>,
) -> Result<(), AppError> {
    use crate::ctx;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    let choice = crate::vote::service::Choice {
        allowance,
        live_totals: live_totals.is_some(),
        requires_phone: requires_phone.is_some(),
    };
    crate::vote::service::configure(&db, &requester, challenge_id, choice).await
}

/// The ballots and the tally of a closed vote, for anyone to recount.
#[server(prefix = "/api", endpoint = "votes/ballots")]
pub async fn load_ballots(slug: String) -> Result<Ballots, AppError> {
    use crate::ctx;
    crate::vote::service::ballots_for(&ctx::db()?, &slug, &ctx::request_auth()?.ip).await
}

/// The votes that deserve a look, for the challenge's staff.
#[server(prefix = "/api", endpoint = "votes/review")]
pub async fn load_vote_review(challenge_id: i64) -> Result<VoteReview, AppError> {
    use crate::ctx;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let c = crate::challenge::service::find_managed(&db, challenge_id, &staff).await?;
    crate::vote::service::review(&db, &c).await
}

/// Voids votes with a public reason (the audit log and the ballots keep it).
#[server(prefix = "/api", endpoint = "votes/void")]
pub async fn void_votes(
    challenge_id: i64,
    #[server(default)] vote_ids: Vec<i64>,
    reason: String,
) -> Result<(), AppError> {
    use crate::ctx;
    let (server, requester) = (ctx::server_ctx()?, ctx::requester()?);
    let challenge = crate::vote::service::void_for_reason(
        &server.db,
        &requester,
        challenge_id,
        &vote_ids,
        &reason,
    )
    .await?;
    let backend = sea_orm::ConnectionTrait::get_database_backend(&server.db);
    crate::vote::live::announce(backend, &server.votes, challenge);
    Ok(())
}
