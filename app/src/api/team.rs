//! Server functions for teams: signed-in people form and join teams; owners invite, hand over and
//! remove; members read and leave. Nobody else reads a team's page.

use leptos::prelude::*;

use crate::error::AppError;
use crate::query::model::{MyTeams, TeamDetail};
use crate::team::model::PendingInvitation;

#[server(prefix = "/api", endpoint = "teams/create")]
pub async fn create_team(
    challenge_id: i64,
    name: String,
    organisation_name: Option<String>,
    description: Option<String>,
    contact: String,
) -> Result<(), AppError> {
    use crate::ctx;
    let form = crate::team::service::TeamForm {
        name,
        organisation_name: organisation_name.unwrap_or_default(),
        description: description.unwrap_or_default(),
        contact,
    };
    let team =
        crate::team::service::create(&ctx::db()?, &ctx::requester()?, challenge_id, form).await?;
    leptos_axum::redirect(&format!("/teams/{}", team.id));
    Ok(())
}

#[server(prefix = "/api", endpoint = "teams/mine")]
pub async fn load_my_teams() -> Result<MyTeams, AppError> {
    use crate::ctx;
    let viewer = ctx::require_user()?;
    crate::query::team::mine(&ctx::db()?, &viewer).await
}

#[server(prefix = "/api", endpoint = "teams/get")]
pub async fn get_team(id: i64) -> Result<TeamDetail, AppError> {
    use crate::ctx;
    let viewer = ctx::require_user()?;
    crate::query::team::detail(&ctx::db()?, &viewer, id).await
}

#[server(prefix = "/api", endpoint = "teams/invite")]
pub async fn invite_member(team_id: i64, email: String) -> Result<(), AppError> {
    use crate::ctx;
    ctx::require_verified()?;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::team::service::invite(&db, &links, &requester, team_id, &email).await
}

#[server(prefix = "/api", endpoint = "teams/invitation")]
pub async fn invitation_preview(token: String) -> Result<PendingInvitation, AppError> {
    crate::team::service::preview(&crate::ctx::db()?, &token).await
}

/// Accepts or declines an invitation, by the emailed link's `token` or by `id` from one's own list.
#[server(prefix = "/api", endpoint = "teams/respond")]
pub async fn respond_invitation(
    token: Option<String>,
    id: Option<i64>,
    accept: bool,
) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    let team = crate::team::service::respond(&db, &links, &requester, token.as_deref(), id, accept)
        .await?;
    if accept {
        leptos_axum::redirect(&format!("/teams/{}", team.id));
    } else {
        leptos_axum::redirect("/teams");
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "teams/join")]
pub async fn join_team(code: String) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    let team = crate::team::service::join_by_code(&db, &links, &requester, &code).await?;
    leptos_axum::redirect(&format!("/teams/{}", team.id));
    Ok(())
}

#[server(prefix = "/api", endpoint = "teams/hand-over")]
pub async fn hand_over(team_id: i64, user_id: i64) -> Result<(), AppError> {
    use crate::ctx;
    crate::team::service::hand_over(&ctx::db()?, &ctx::requester()?, team_id, user_id).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "teams/remove")]
pub async fn remove_member(team_id: i64, user_id: i64) -> Result<(), AppError> {
    use crate::ctx;
    crate::team::service::remove(&ctx::db()?, &ctx::requester()?, team_id, user_id).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "teams/leave")]
pub async fn leave_team(team_id: i64) -> Result<(), AppError> {
    use crate::ctx;
    crate::team::service::leave(&ctx::db()?, &ctx::requester()?, team_id).await?;
    leptos_axum::redirect("/teams");
    Ok(())
}
