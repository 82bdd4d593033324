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
    use crate::audit::service::Record;
    use crate::ctx;
    let staff = ctx::require_staff_of(organisation_id)?;
    let db = ctx::db()?;
    let (created, _) =
        crate::challenge::service::create(&db, &staff, organisation_id, &form, &report_ids).await?;
    Record::new("challenge.create", "challenge", Some(created.id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({ "title": created.title, "reports": report_ids }))
        .save(&db)
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
    use crate::audit::service::Record;
    use crate::ctx;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let m = crate::challenge::service::find_managed(&db, id, &staff).await?;
    let updated = crate::challenge::service::update(&db, m, &form).await?;
    Record::new("challenge.update", "challenge", Some(updated.id))
        .by_requester(&crate::ctx::requester()?)
        .save(&db)
        .await
}

#[server(prefix = "/api", endpoint = "challenges/publish")]
pub async fn publish_challenge(id: i64) -> Result<(), AppError> {
    use crate::audit::service::Record;
    use crate::ctx;
    use crate::notify::model::NotificationKind;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let m = crate::challenge::service::find_managed(&db, id, &staff).await?;
    let published = crate::challenge::service::publish(&db, m, chrono::Utc::now()).await?;
    Record::new("challenge.publish", "challenge", Some(published.id))
        .by_requester(&crate::ctx::requester()?)
        .public()
        .save(&db)
        .await?;
    // The citizens whose reports this challenge was made from learn that it is out.
    for (report_id, title) in crate::challenge::service::source_reports(&db, published.id).await? {
        if let Some(author) = crate::report::service::author_of(&db, report_id).await? {
            crate::notify::service::notify(
                &db,
                &crate::ctx::links()?,
                author,
                NotificationKind::ReportBecameChallenge,
                &[("report", &title), ("challenge", &published.title)],
                &format!("/challenges/{}", published.slug),
            )
            .await?;
        }
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "challenges/move-deadline")]
pub async fn move_deadline(
    id: i64,
    milestone: String,
    new_at: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::audit::service::Record;
    use crate::challenge::rules::Milestone;
    use crate::ctx;
    use crate::i18n::format::parse_city_datetime;
    use crate::notify::model::NotificationKind;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let m = crate::challenge::service::find_managed(&db, id, &staff).await?;
    let Some(milestone) = Milestone::from_field(&milestone) else {
        return Err(AppError::invalid("milestone", "error.milestone_unknown"));
    };
    let Some(to) = parse_city_datetime(&new_at) else {
        return Err(AppError::invalid("new_at", "error.date_invalid"));
    };
    crate::challenge::service::check_reason(&reason)?;
    let (from, moved) =
        crate::challenge::service::move_deadline(&db, m, milestone, to, chrono::Utc::now()).await?;
    let (from_text, to_text) = (
        crate::i18n::format_datetime(from),
        crate::i18n::format_datetime(to),
    );
    Record::new("challenge.deadline_move", "challenge", Some(moved.id))
        .by_requester(&crate::ctx::requester()?)
        .reason(reason.trim())
        .details(serde_json::json!({
            "milestone": milestone.field(),
            "from": from_text,
            "to": to_text,
        }))
        .public()
        .save(&db)
        .await?;
    for user_id in crate::challenge::service::followers(&db, moved.id).await? {
        crate::notify::service::notify(
            &db,
            &crate::ctx::links()?,
            user_id,
            NotificationKind::ChallengeDeadlineMoved,
            &[
                ("challenge", &moved.title),
                ("milestone", &format!("t:milestone.{}", milestone.key())),
                ("to", &to_text),
            ],
            &format!("/challenges/{}", moved.slug),
        )
        .await?;
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "challenges/cancel")]
pub async fn cancel_challenge(id: i64, reason: String) -> Result<(), AppError> {
    use crate::audit::service::Record;
    use crate::ctx;
    use crate::notify::model::NotificationKind;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let m = crate::challenge::service::find_managed(&db, id, &staff).await?;
    crate::challenge::service::check_reason(&reason)?;
    let cancelled = crate::challenge::service::cancel(&db, m, chrono::Utc::now()).await?;
    let record = Record::new("challenge.cancel", "challenge", Some(cancelled.id))
        .by_requester(&crate::ctx::requester()?)
        .reason(reason.trim());
    // A draft cancelled before it was ever published stays its staff's: so does why.
    if crate::challenge::service::shown_to_public(&cancelled) {
        record.public()
    } else {
        record
    }
    .save(&db)
    .await?;
    for user_id in crate::challenge::service::followers(&db, cancelled.id).await? {
        crate::notify::service::notify(
            &db,
            &crate::ctx::links()?,
            user_id,
            NotificationKind::ChallengeCancelled,
            &[("challenge", &cancelled.title)],
            &format!("/challenges/{}", cancelled.slug),
        )
        .await?;
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "challenges/follow")]
pub async fn follow_challenge(id: i64, follow: bool) -> Result<(), AppError> {
    use crate::ctx;
    let viewer = ctx::require_user()?;
    let db = ctx::db()?;
    let m = crate::challenge::service::find(&db, id).await?;
    crate::challenge::service::set_follow(&db, &m, viewer.id, follow).await
}

#[server(prefix = "/api", endpoint = "challenges/ask")]
pub async fn ask_question(id: i64, question: String) -> Result<(), AppError> {
    use crate::ctx;
    let viewer = ctx::require_verified()?;
    let db = ctx::db()?;
    let m = crate::challenge::service::find(&db, id).await?;
    crate::challenge::service::ask(&db, &m, viewer.id, &question, chrono::Utc::now()).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "challenges/answer")]
pub async fn answer_question(question_id: i64, answer: String) -> Result<(), AppError> {
    use crate::ctx;
    use crate::notify::model::NotificationKind;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let (question, challenge) =
        crate::challenge::service::answer(&db, question_id, &staff, &answer).await?;
    if let Some(author) = question
        .author_id
        .filter(|_| question.answered_at.is_none())
    {
        crate::notify::service::notify(
            &db,
            &crate::ctx::links()?,
            author,
            NotificationKind::QuestionAnswered,
            &[("challenge", &challenge.title)],
            &format!("/challenges/{}#faq", challenge.slug),
        )
        .await?;
    }
    Ok(())
}

/// Adds a cover or an attachment: a form with `challenge_id`, `purpose` (`cover` or
/// `attachment`) and `file`.
#[server(prefix = "/api", endpoint = "challenges/files/add", input = MultipartFormData)]
pub async fn add_challenge_file(data: MultipartData) -> Result<(), AppError> {
    use crate::ctx;
    use crate::upload::form::MultipartForm;
    use crate::upload::service::Purpose;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let mut form = MultipartForm::read(data, Purpose::Attachment.max_bytes()).await?;
    let id: i64 = form
        .text("challenge_id")
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let m = crate::challenge::service::find_managed(&db, id, &staff).await?;
    let purpose = match form.text("purpose").as_str() {
        "cover" => Purpose::Cover,
        _ => Purpose::Attachment,
    };
    let file = form
        .take_file("file", purpose.max_bytes())
        .map_err(|e| AppError::Invalid(vec![e]))?
        .ok_or_else(|| AppError::invalid("file", "error.file_empty"))?;
    let link = crate::challenge::service::add_file(
        &db,
        &crate::ctx::server_ctx()?.storage,
        &m,
        &staff,
        purpose,
        file,
    )
    .await?;
    crate::audit::service::Record::new("challenge.file_add", "challenge", Some(m.id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({ "upload_id": link.id, "purpose": purpose.code() }))
        .save(&db)
        .await?;
    leptos_axum::redirect(&format!("/staff/challenges/{id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "challenges/files/remove")]
pub async fn remove_challenge_file(id: i64, upload_id: i64) -> Result<(), AppError> {
    use crate::ctx;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let m = crate::challenge::service::find_managed(&db, id, &staff).await?;
    crate::challenge::service::remove_attachment(&db, &m, upload_id).await?;
    crate::audit::service::Record::new("challenge.file_remove", "challenge", Some(m.id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({ "upload_id": upload_id }))
        .save(&db)
        .await
}
