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
    use crate::audit::service::Record;
    let (c, _, db) = managed(challenge_id).await?;
    let scale = crate::judging::rules::Scale {
        min: scale_min,
        max: scale_max,
    };
    crate::judging::panel::save_settings(
        &db,
        &c,
        scale,
        judges_per_entry,
        blind.is_some(),
        show_judge_names.is_some(),
    )
    .await?;
    Record::new("judging.settings", "challenge", Some(c.id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({
            "scale": [scale_min, scale_max],
            "judges_per_entry": judges_per_entry,
            "blind": blind.is_some(),
            "show_judge_names": show_judge_names.is_some(),
        }))
        .save(&db)
        .await
}

#[server(prefix = "/api", endpoint = "judging/rubric")]
pub async fn save_rubric(
    challenge_id: i64,
    #[server(default)] criteria: Vec<CriterionInput>,
) -> Result<(), AppError> {
    use crate::audit::service::Record;
    let (c, _, db) = managed(challenge_id).await?;
    let saved = crate::judging::panel::save_rubric(&db, &c, criteria).await?;
    Record::new("judging.rubric", "challenge", Some(c.id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({
            "criteria": saved.iter().map(|c| format!("{} ({} %)", c.name_vi, c.weight)).collect::<Vec<_>>(),
        }))
        .save(&db)
        .await
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
    use crate::audit::service::Record;
    use crate::ctx;
    let viewer = ctx::require_verified()?;
    let db = ctx::db()?;
    let (c, declined) = crate::judging::panel::respond(&db, &viewer, &token, accept).await?;
    let mut record = Record::new(
        if accept {
            "judging.join"
        } else {
            "judging.decline"
        },
        "challenge",
        Some(c.id),
    )
    .by_requester(&crate::ctx::requester()?);
    if declined > 0 {
        record = record.details(serde_json::json!({ "team_invitations_declined": declined }));
    }
    record.save(&db).await?;
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
    use crate::audit::service::Record;
    use crate::ctx;
    let viewer = ctx::require_verified()?;
    let db = ctx::db()?;
    let declared = crate::judging::conflicts::declare(
        &db,
        &viewer,
        challenge_id,
        crate::judging::conflicts::Declaration {
            teams,
            team_reason,
            organisation,
            organisation_reason,
        },
    )
    .await?;
    Record::new("judging.declare", "challenge", Some(challenge_id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({ "conflicts": declared }))
        .save(&db)
        .await
}

#[server(prefix = "/api", endpoint = "judging/assign")]
pub async fn assign_judges(challenge_id: i64) -> Result<(usize, Vec<(String, usize)>), AppError> {
    use crate::audit::service::Record;
    let (c, staff, db) = managed(challenge_id).await?;
    let (added, short) = crate::judging::assignment::auto_assign(&db, &staff, &c).await?;
    Record::new("judging.assign", "challenge", Some(c.id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({ "added": added, "short": short }))
        .save(&db)
        .await?;
    Ok((added, short))
}

/// Adds (`on`) or removes one judge on one entry by hand.
#[server(prefix = "/api", endpoint = "judging/assignment")]
pub async fn set_assignment(
    challenge_id: i64,
    entry_id: i64,
    judge_id: i64,
    on: bool,
) -> Result<(), AppError> {
    use crate::audit::service::Record;
    let (c, staff, db) = managed(challenge_id).await?;
    crate::judging::assignment::set_assignment(&db, &staff, &c, entry_id, judge_id, on).await?;
    Record::new(
        if on {
            "judging.assign_one"
        } else {
            "judging.unassign_one"
        },
        "challenge",
        Some(c.id),
    )
    .by_requester(&crate::ctx::requester()?)
    .details(serde_json::json!({ "entry_id": entry_id, "judge_id": judge_id }))
    .save(&db)
    .await
}

#[server(prefix = "/api", endpoint = "judging/recuse")]
pub async fn recuse(entry_id: i64, reason: String) -> Result<(), AppError> {
    use crate::audit::service::Record;
    use crate::ctx;
    let viewer = ctx::require_verified()?;
    let db = ctx::db()?;
    let (c, code) = crate::judging::assignment::recuse(&db, &viewer, entry_id, &reason).await?;
    Record::new("judging.recuse", "challenge", Some(c.id))
        .by_requester(&crate::ctx::requester()?)
        .reason(reason.trim())
        .details(serde_json::json!({ "entry": code }))
        .save(&db)
        .await?;
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
    let viewer = ctx::require_verified()?;
    let marks = marks.parse().map_err(AppError::Invalid)?;
    // A room of judges saving as they type: their drafts share durable commits.
    ctx::server_ctx()?
        .writes
        .run(viewer.id, move |txn| {
            let (viewer, marks) = (viewer.clone(), marks.clone());
            Box::pin(async move {
                crate::judging::scoring::save_marks(txn, &viewer, entry_id, marks, false).await
            })
        })
        .await
}

#[server(prefix = "/api", endpoint = "judging/submit")]
pub async fn submit_marks(
    entry_id: i64,
    #[server(default)] marks: MarksInput,
) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    use crate::audit::service::Record;
    use crate::ctx;
    let viewer = ctx::require_verified()?;
    let db = ctx::db()?;
    let marks = marks.parse().map_err(AppError::Invalid)?;
    // The score, what it replaced (`score.change`) and its record commit together or not at all.
    let txn = crate::group_commit::begin_writing(&db).await?;
    let at = crate::judging::scoring::save_marks(&txn, &viewer, entry_id, marks, true).await?;
    Record::new("judging.score", "entry", Some(entry_id))
        .by_requester(&crate::ctx::requester()?)
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(at)
}

#[server(prefix = "/api", endpoint = "judging/close")]
pub async fn close_judging(challenge_id: i64) -> Result<(), AppError> {
    use crate::audit::service::Record;
    let (c, staff, db) = managed(challenge_id).await?;
    crate::judging::panel::close(&db, &staff, &c).await?;
    Record::new("judging.close", "challenge", Some(c.id))
        .by_requester(&crate::ctx::requester()?)
        .public()
        .save(&db)
        .await
}

/// Prize `i` goes to `winners[i]`; `reason` is required when that departs from the ranking.
#[server(prefix = "/api", endpoint = "judging/awards")]
pub async fn decide_awards(
    challenge_id: i64,
    #[server(default)] winners: Vec<i64>,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use crate::audit::service::Record;
    let (c, staff, db) = managed(challenge_id).await?;
    let winners: Vec<i64> = winners.into_iter().filter(|w| *w > 0).collect();
    let departs =
        crate::judging::results::decide_awards(&db, &staff, &c, &winners, &reason).await?;
    let mut record = Record::new("judging.awards", "challenge", Some(c.id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({ "winners": winners }));
    if departs {
        record = record.reason(reason.trim()).public();
    }
    record.save(&db).await
}

/// Publishes the results now, or at `at` (city time) when staff choose a later moment.
#[server(prefix = "/api", endpoint = "judging/publish")]
pub async fn publish_results(challenge_id: i64, at: Option<String>) -> Result<(), AppError> {
    use crate::audit::service::Record;
    let (c, _, db) = managed(challenge_id).await?;
    let now = chrono::Utc::now();
    let at = match at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => now,
        Some(text) => match crate::i18n::format::parse_city_datetime(text) {
            None => return Err(AppError::invalid("at", "error.date_invalid")),
            Some(at) if at < now - chrono::Duration::minutes(1) => {
                return Err(AppError::invalid("at", "error.date_in_past"));
            }
            Some(at) => at,
        },
    };
    let c = crate::judging::results::publish(&db, &c, at).await?;
    Record::new("judging.publish", "challenge", Some(c.id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({ "at": crate::i18n::format_datetime(at.max(now)) }))
        .public()
        .save(&db)
        .await?;
    crate::judging::results::notify_results(&db, &crate::ctx::links()?, chrono::Utc::now()).await?;
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
