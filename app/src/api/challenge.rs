//! Server functions for challenges: public reading for anyone, changes for the staff of the
//! owning organisation, following and questions for signed-in people.

use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

use crate::challenge::model::{
    ChallengeDetail, ChallengeEditor, ChallengeForm, ChallengePage, HomeData, StaffOrganisation,
};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "challenges/list")]
pub async fn list_challenges(
    q: Option<String>,
    organisation_id: Option<i64>,
    phase: Option<String>,
    category: Option<String>,
    page: Option<u64>,
) -> Result<ChallengePage, AppError> {
    let query = crate::challenge::model::ChallengeQuery {
        q,
        organisation_id,
        phase,
        category,
        page,
    };
    crate::query::challenge::list(&crate::ctx::db()?, &query, chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "challenges/home")]
pub async fn load_home() -> Result<HomeData, AppError> {
    crate::query::challenge::home(&crate::ctx::db()?, chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "challenges/get")]
pub async fn get_challenge(slug: String) -> Result<ChallengeDetail, AppError> {
    use crate::ctx;
    let viewer = ctx::viewer()?;
    crate::query::challenge::detail(&ctx::db()?, &slug, viewer.as_ref(), chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "staff/dashboard")]
pub async fn staff_dashboard() -> Result<Vec<StaffOrganisation>, AppError> {
    use crate::ctx;
    let viewer = ctx::require_user()?;
    if !viewer.is_staff() {
        return Err(AppError::Forbidden);
    }
    crate::query::challenge::managed(&ctx::db()?, &viewer, chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "challenges/create")]
pub async fn create_challenge(
    organisation_id: i64,
    form: ChallengeForm,
    #[server(default)] report_ids: Vec<i64>,
) -> Result<(), AppError> {
    use crate::ctx;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    let created = crate::challenge::staff::create(
        &db,
        &ctx::links()?,
        &requester,
        organisation_id,
        &form,
        &report_ids,
    )
    .await?;
    leptos_axum::redirect(&format!("/staff/challenges/{}", created.id));
    Ok(())
}

#[server(prefix = "/api", endpoint = "challenges/editor")]
pub async fn load_challenge_editor(id: i64) -> Result<ChallengeEditor, AppError> {
    use crate::ctx;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let m = crate::challenge::service::find_managed(&db, id, &staff).await?;
    crate::query::challenge::editor(&db, m, chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "challenges/update")]
pub async fn update_challenge(id: i64, form: ChallengeForm) -> Result<(), AppError> {
    use crate::ctx;
    crate::challenge::staff::update(&ctx::db()?, &ctx::requester()?, id, &form).await
}

#[server(prefix = "/api", endpoint = "challenges/publish")]
pub async fn publish_challenge(id: i64) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::challenge::staff::publish(&db, &links, &requester, id).await
}

#[server(prefix = "/api", endpoint = "challenges/move-deadline")]
pub async fn move_deadline(
    id: i64,
    milestone: String,
    new_at: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::challenge::staff::move_deadline(
        &db, &links, &requester, id, &milestone, &new_at, &reason,
    )
    .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "challenges/cancel")]
pub async fn cancel_challenge(id: i64, reason: String) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::challenge::staff::cancel(&db, &links, &requester, id, &reason).await
}

#[server(prefix = "/api", endpoint = "challenges/follow")]
pub async fn follow_challenge(id: i64, follow: bool) -> Result<(), AppError> {
    use crate::ctx;
    crate::challenge::service::set_follow(&ctx::db()?, &ctx::requester()?, id, follow).await
}

#[server(prefix = "/api", endpoint = "challenges/ask")]
pub async fn ask_question(id: i64, question: String) -> Result<(), AppError> {
    use crate::ctx;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    crate::challenge::service::ask(&db, &requester, id, &question, chrono::Utc::now()).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "challenges/answer")]
pub async fn answer_question(question_id: i64, answer: String) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::challenge::staff::answer(&db, &links, &requester, question_id, &answer).await
}

/// Adds a cover or an attachment: a form with `challenge_id`, `purpose` (`cover` or
/// `attachment`) and `file`.
#[server(prefix = "/api", endpoint = "challenges/files/add", input = MultipartFormData)]
pub async fn add_challenge_file(data: MultipartData) -> Result<(), AppError> {
    use crate::ctx;
    use crate::upload::form::MultipartForm;
    use crate::upload::service::Purpose;
    let requester = ctx::requester()?;
    requester.signed_in()?;
    let mut form = MultipartForm::read(data, Purpose::Attachment.max_bytes()).await?;
    let id: i64 = form
        .text("challenge_id")
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let purpose = match form.text("purpose").as_str() {
        "cover" => Purpose::Cover,
        _ => Purpose::Attachment,
    };
    let file = form
        .take_file("file", purpose.max_bytes())
        .map_err(|e| AppError::Invalid(vec![e]))?
        .ok_or_else(|| AppError::invalid("file", "error.file_empty"))?;
    let server = ctx::server_ctx()?;
    crate::challenge::staff::add_file(&server.db, &server.storage, &requester, id, purpose, file)
        .await?;
    leptos_axum::redirect(&format!("/staff/challenges/{id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "challenges/files/remove")]
pub async fn remove_challenge_file(id: i64, upload_id: i64) -> Result<(), AppError> {
    use crate::ctx;
    crate::challenge::staff::remove_file(&ctx::db()?, &ctx::requester()?, id, upload_id).await
}
