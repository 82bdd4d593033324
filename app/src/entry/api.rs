//! Server functions for entries: the members of a team read, save and submit their entry.

use leptos::prelude::*;

use super::model::{EntryFields, EntryView};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "entries/get")]
pub async fn get_entry(team_id: i64) -> Result<EntryView, AppError> {
    use crate::auth::ctx;
    let viewer = ctx::require_user()?;
    super::service::get(&ctx::db()?, &viewer, team_id).await
}

/// Saves the draft; `version` is the version the editor started from.
#[server(prefix = "/api", endpoint = "entries/save")]
pub async fn save_entry(
    team_id: i64,
    version: i32,
    entry: EntryFields,
) -> Result<EntryView, AppError> {
    use crate::auth::ctx;
    let viewer = ctx::require_verified()?;
    super::service::save(&ctx::db()?, &viewer, team_id, version, entry).await
}

#[server(prefix = "/api", endpoint = "entries/submit")]
pub async fn submit_entry(team_id: i64, version: i32) -> Result<EntryView, AppError> {
    use crate::audit::service::Record;
    use crate::auth::ctx;
    use crate::notify::model::NotificationKind;
    let viewer = ctx::require_verified()?;
    let db = ctx::db()?;
    let (view, team) = super::service::submit(&db, &viewer, team_id, version).await?;
    Record::new("entry.submit", "team", Some(team.id))
        .by_requester()
        .details(serde_json::json!({ "submission": view.submissions }))
        .save(&db)
        .await?;
    for user_id in crate::team::service::member_ids(&db, team.id).await? {
        crate::notify::service::notify(
            &db,
            user_id,
            NotificationKind::EntrySubmitted,
            &[("team", &team.name), ("name", &viewer.display_name)],
            &format!("/teams/{}", team.id),
        )
        .await?;
    }
    Ok(view)
}
