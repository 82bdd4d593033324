//! Server functions for judging: staff set up the panel and close it; judges declare conflicts,
//! score and recuse; everyone reads published results; teams read their feedback.

use leptos::prelude::*;

use crate::error::AppError;
use crate::judging::model::{
    CriterionInput, JudgeChallenge, JudgeQueue, MarksInput, PanelInvitation, PanelSetup,
    PublicResults, ScoreSheet, TeamFeedback,
};

#[cfg(feature = "ssr")]
async fn managed(
    id: i64,
) -> Result<
    (
        crate::challenge::entity::challenge::Model,
        crate::auth::Viewer,
        sea_orm::DatabaseConnection,
    ),
    AppError,
> {
    use crate::ctx;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let c = crate::challenge::service::find_managed(&db, id, &staff).await?;
    Ok((c, staff, db))
}

#[server(prefix = "/api", endpoint = "judging/setup")]
pub async fn load_panel(challenge_id: i64) -> Result<PanelSetup, AppError> {
    let (c, _, db) = managed(challenge_id).await?;
    crate::query::judging::setup(&db, &c, chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "judging/settings")]
pub async fn save_panel_settings(
    challenge_id: i64,
    scale_min: i32,
    scale_max: i32,
    judges_per_entry: i32,
    blind: Option<String>,
    show_judge_names: Option<String>,
) -> Result<(), AppError> {
    use crate::ctx;
    let settings = crate::judging::staff::Settings {
        scale: crate::judging::rules::Scale {
            min: scale_min,
            max: scale_max,
        },
        judges_per_entry,
        blind: blind.is_some(),
        show_judge_names: show_judge_names.is_some(),
    };
    crate::judging::staff::configure(&ctx::db()?, &ctx::requester()?, challenge_id, settings).await
}

#[server(prefix = "/api", endpoint = "judging/rubric")]
pub async fn save_rubric(
    challenge_id: i64,
    #[server(default)] criteria: Vec<CriterionInput>,
) -> Result<(), AppError> {
    use crate::ctx;
    crate::judging::staff::set_rubric(&ctx::db()?, &ctx::requester()?, challenge_id, criteria).await
}

#[server(prefix = "/api", endpoint = "judging/invite")]
pub async fn invite_judge(challenge_id: i64, email: String) -> Result<(), AppError> {
    use crate::ctx;
    let (c, _, db) = managed(challenge_id).await?;
    let (links, requester) = (ctx::links()?, ctx::requester()?);
    crate::judging::panel::invite(&db, &links, &requester, &c, &email).await
}

#[server(prefix = "/api", endpoint = "judging/invitation")]
pub async fn load_panel_invitation(token: String) -> Result<PanelInvitation, AppError> {
    use crate::ctx;
    let viewer = ctx::viewer()?;
    crate::judging::panel::preview(&ctx::db()?, viewer.as_ref(), &token).await
}

#[server(prefix = "/api", endpoint = "judging/respond")]
pub async fn respond_panel_invitation(token: String, accept: bool) -> Result<(), AppError> {
    use crate::ctx;
    let c = crate::judging::panel::respond(&ctx::db()?, &ctx::requester()?, &token, accept).await?;
    leptos_axum::redirect(&if accept {
        format!("/judging/{}", c.id)
    } else {
        "/judging".to_owned()
    });
    Ok(())
}

#[server(prefix = "/api", endpoint = "judging/mine")]
pub async fn my_panels() -> Result<Vec<JudgeChallenge>, AppError> {
    use crate::ctx;
    let viewer = ctx::require_user()?;
    crate::judging::scoring::my_panels(&ctx::db()?, &viewer).await
}

#[server(prefix = "/api", endpoint = "judging/queue")]
pub async fn load_judge_queue(challenge_id: i64) -> Result<JudgeQueue, AppError> {
    use crate::ctx;
    let viewer = ctx::require_user()?;
    crate::judging::scoring::queue(&ctx::db()?, &viewer, challenge_id).await
}

/// A judge's declaration of conflicts of interest, made once, before any entry is shown.
#[server(prefix = "/api", endpoint = "judging/declare")]
pub async fn declare_conflicts(
    challenge_id: i64,
    #[server(default)] teams: Vec<String>,
    #[server(default)] team_reason: String,
    #[server(default)] organisation: String,
    #[server(default)] organisation_reason: String,
) -> Result<(), AppError> {
    use crate::ctx;
    let declaration = crate::judging::conflicts::Declaration {
        teams,
        team_reason,
        organisation,
        organisation_reason,
    };
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    crate::judging::judge::declare(&db, &requester, challenge_id, declaration).await
}

#[server(prefix = "/api", endpoint = "judging/assign")]
pub async fn assign_judges(challenge_id: i64) -> Result<(usize, Vec<(String, usize)>), AppError> {
    use crate::ctx;
    crate::judging::staff::assign_all(&ctx::db()?, &ctx::requester()?, challenge_id).await
}

/// Adds (`on`) or removes one judge on one entry by hand.
#[server(prefix = "/api", endpoint = "judging/assignment")]
pub async fn set_assignment(
    challenge_id: i64,
    entry_id: i64,
    judge_id: i64,
    on: bool,
) -> Result<(), AppError> {
    use crate::ctx;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    crate::judging::staff::assign_one(&db, &requester, challenge_id, entry_id, judge_id, on).await
}

#[server(prefix = "/api", endpoint = "judging/recuse")]
pub async fn recuse(entry_id: i64, reason: String) -> Result<(), AppError> {
    use crate::ctx;
    let c =
        crate::judging::judge::recuse(&ctx::db()?, &ctx::requester()?, entry_id, &reason).await?;
    leptos_axum::redirect(&format!("/judging/{}", c.id));
    Ok(())
}

#[server(prefix = "/api", endpoint = "judging/sheet")]
pub async fn load_score_sheet(entry_id: i64) -> Result<ScoreSheet, AppError> {
    use crate::ctx;
    let viewer = ctx::require_user()?;
    crate::judging::scoring::sheet(&ctx::db()?, &viewer, entry_id).await
}

/// Saves a judge's marks as they are (a draft, or the submitted score being changed); returns
/// when it was saved.
#[server(prefix = "/api", endpoint = "judging/save")]
pub async fn save_marks(
    entry_id: i64,
    #[server(default)] marks: MarksInput,
) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    use crate::ctx;
    let requester = ctx::requester()?;
    requester.verified()?;
    let marks = marks.parse().map_err(AppError::Invalid)?;
    crate::judging::judge::save_draft(&ctx::server_ctx()?.writes, &requester, entry_id, marks).await
}

#[server(prefix = "/api", endpoint = "judging/submit")]
pub async fn submit_marks(
    entry_id: i64,
    #[server(default)] marks: MarksInput,
) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    use crate::ctx;
    let requester = ctx::requester()?;
    requester.verified()?;
    let marks = marks.parse().map_err(AppError::Invalid)?;
    crate::judging::judge::submit(&ctx::db()?, &requester, entry_id, marks).await
}

#[server(prefix = "/api", endpoint = "judging/close")]
pub async fn close_judging(challenge_id: i64) -> Result<(), AppError> {
    use crate::ctx;
    crate::judging::staff::close(&ctx::db()?, &ctx::requester()?, challenge_id).await
}

/// Prize `i` goes to `winners[i]`; `reason` is required when that departs from the ranking.
#[server(prefix = "/api", endpoint = "judging/awards")]
pub async fn decide_awards(
    challenge_id: i64,
    #[server(default)] winners: Vec<i64>,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use crate::ctx;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    crate::judging::staff::award(&db, &requester, challenge_id, winners, &reason).await
}

/// Publishes the results now, or at `at` (city time) when staff choose a later moment.
#[server(prefix = "/api", endpoint = "judging/publish")]
pub async fn publish_results(challenge_id: i64, at: Option<String>) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::judging::staff::publish(&db, &links, &requester, challenge_id, at.as_deref()).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "judging/results")]
pub async fn load_public_results(slug: String) -> Result<PublicResults, AppError> {
    use crate::ctx;
    let viewer = ctx::viewer()?;
    crate::query::judging::public_results(&ctx::db()?, &slug, viewer.as_ref()).await
}

#[server(prefix = "/api", endpoint = "judging/feedback")]
pub async fn load_team_feedback(team_id: i64) -> Result<Option<TeamFeedback>, AppError> {
    use crate::ctx;
    let viewer = ctx::require_user()?;
    crate::judging::results::feedback(&ctx::db()?, &viewer, team_id).await
}
