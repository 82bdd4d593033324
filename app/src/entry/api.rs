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
    crate::team::service::notify_members(
        &db,
        &team,
        NotificationKind::EntrySubmitted,
        &[("team", &team.name), ("name", &viewer.display_name)],
    )
    .await?;
    Ok(view)
}

#[server(prefix = "/api", endpoint = "entries/for-challenge")]
pub async fn challenge_entries(
    challenge_id: i64,
) -> Result<Vec<super::model::StaffEntryRow>, AppError> {
    use crate::auth::ctx;
    let staff = ctx::require_user()?;
    super::staff::for_challenge(&ctx::db()?, &staff, challenge_id).await
}

/// Staff find an entry ineligible; the team sees the reason.
#[server(prefix = "/api", endpoint = "entries/ineligible")]
pub async fn mark_ineligible(team_id: i64, reason: String) -> Result<(), AppError> {
    use crate::audit::service::Record;
    use crate::auth::ctx;
    use crate::notify::model::NotificationKind;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let (team, challenge) = super::staff::mark_ineligible(&db, &staff, team_id, &reason).await?;
    Record::new("entry.ineligible", "challenge", Some(challenge.id))
        .by_requester()
        .reason(reason.trim())
        .details(serde_json::json!({ "team": team.name }))
        .save(&db)
        .await?;
    crate::team::service::notify_members(
        &db,
        &team,
        NotificationKind::EntryIneligible,
        &[("team", &team.name), ("challenge", &challenge.title)],
    )
    .await?;
    Ok(())
}

/// Staff give one team more time, for a reason shown on the challenge's public record.
#[server(prefix = "/api", endpoint = "entries/extend")]
pub async fn extend_deadline(team_id: i64, until: String, reason: String) -> Result<(), AppError> {
    use crate::audit::service::Record;
    use crate::auth::ctx;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let Some(at) = crate::i18n::format::parse_city_datetime(&until) else {
        return Err(AppError::invalid("until", "error.date_invalid"));
    };
    let (team, challenge) = super::staff::extend(&db, &staff, team_id, at, &reason).await?;
    Record::new("challenge.extension", "challenge", Some(challenge.id))
        .by_requester()
        .reason(reason.trim())
        .details(serde_json::json!({ "team": team.name, "to": crate::i18n::format_datetime(at) }))
        .public()
        .save(&db)
        .await
}
