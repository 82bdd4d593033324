//! Server functions for reports: anyone reads, verified citizens report and support, staff of
//! the organisation concerned triage.

use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

use crate::error::AppError;
use crate::report::model::{ReportDetail, ReportPage};

#[server(prefix = "/api", endpoint = "reports/list")]
pub async fn list_reports(
    organisation_id: Option<i64>,
    category: Option<String>,
    status: Option<String>,
    sort: Option<String>,
    page: Option<u64>,
) -> Result<ReportPage, AppError> {
    let query = crate::report::model::ReportQuery {
        organisation_id,
        category,
        status,
        sort,
        page,
    };
    crate::report::service::list(&crate::ctx::db()?, &query, chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "reports/get")]
pub async fn get_report(id: i64) -> Result<ReportDetail, AppError> {
    use crate::ctx;
    let viewer = ctx::viewer()?;
    crate::query::report::detail(&ctx::db()?, id, viewer.as_ref(), chrono::Utc::now()).await
}

/// Files a report: a form with `title`, `description`, `category`, `organisation_id` and an
/// optional `photo`.
#[server(prefix = "/api", endpoint = "reports/create", input = MultipartFormData)]
pub async fn create_report(data: MultipartData) -> Result<(), AppError> {
    use crate::audit::service::Record;
    use crate::ctx;
    use crate::upload::form::MultipartForm;
    use crate::upload::service::Purpose;
    let viewer = ctx::require_verified()?;
    let db = ctx::db()?;
    let max = Purpose::ReportPhoto.max_bytes();
    let mut form = MultipartForm::read(data, max).await?;
    let new = crate::report::service::NewReport {
        organisation_id: form.text("organisation_id").parse().ok(),
        title: form.text("title"),
        description: form.text("description"),
        category: form.text("category"),
        photo: form.take_file("photo", max),
    };
    let id = crate::report::service::create(&db, &crate::ctx::server_ctx()?.storage, &viewer, new)
        .await?;
    Record::new("report.create", "report", Some(id))
        .by_requester(&crate::ctx::requester()?)
        .save(&db)
        .await?;
    leptos_axum::redirect(&format!("/reports/{id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "reports/support")]
pub async fn support_report(id: i64, support: bool) -> Result<i32, AppError> {
    use crate::ctx;
    let viewer = ctx::require_verified()?;
    crate::report::service::support(&ctx::db()?, id, &viewer, support).await
}

/// Staff of the organisation concerned decide on a report: `decision` is `acknowledge`,
/// `answer` (with `text`), `out_of_scope` (with `text`, the reason) or `merge` (with `into_id`).
#[server(prefix = "/api", endpoint = "reports/triage")]
pub async fn triage_report(
    id: i64,
    decision: String,
    text: Option<String>,
    into_id: Option<i64>,
) -> Result<(), AppError> {
    use crate::audit::service::Record;
    use crate::ctx;
    use crate::notify::model::NotificationKind;
    use crate::report::service::Triage;
    let staff = ctx::require_user()?;
    let db = ctx::db()?;
    let text = text.unwrap_or_default();
    let (decision, status_key) = match decision.as_str() {
        "acknowledge" => (Triage::Acknowledge, "report.status.acknowledged"),
        "answer" => (Triage::Answer(text.clone()), "report.status.answered"),
        "out_of_scope" => (
            Triage::OutOfScope(text.clone()),
            "report.status.out_of_scope",
        ),
        "merge" => match into_id {
            Some(target) => (Triage::MergeInto(target), "report.status.merged"),
            None => return Err(AppError::invalid("into_id", "error.merge_target")),
        },
        _ => return Err(AppError::invalid("decision", "error.decision")),
    };
    let acknowledged = matches!(decision, Triage::Acknowledge);
    let before = crate::report::service::triage(&db, id, &staff, decision).await?;
    let action = format!(
        "report.{}",
        status_key.rsplit('.').next().unwrap_or_default()
    );
    let mut record = Record::new(&action, "report", Some(id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({ "into_id": into_id }))
        .public();
    if !text.trim().is_empty() && !acknowledged {
        record = record.reason(text.trim());
    }
    record.save(&db).await?;
    if let (Some(author), false) = (before.author_id, acknowledged) {
        crate::notify::service::notify(
            &db,
            &crate::ctx::links()?,
            author,
            NotificationKind::ReportResponded,
            &[
                ("report", &before.title),
                ("status", &format!("t:{status_key}")),
            ],
            &format!("/reports/{id}"),
        )
        .await?;
    }
    Ok(())
}
