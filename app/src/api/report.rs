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

/// A report's page; `receipt`, the receipt code it was opened with, shows the person a report
/// was filed for what its author would see (its receipt, the word on its answer).
#[server(prefix = "/api", endpoint = "reports/get")]
pub async fn get_report(
    id: i64,
    #[server(default)] receipt: Option<String>,
) -> Result<ReportDetail, AppError> {
    use crate::ctx;
    let requester = ctx::requester()?;
    let mut detail = crate::query::report::detail(
        &ctx::db()?,
        &requester,
        id,
        receipt.as_deref(),
        chrono::Utc::now(),
    )
    .await?;
    if let Some(code) = &detail.receipt_code {
        let url = ctx::links()?.to(&format!("/receipt?code={code}"));
        let qr = crate::auth::two_factor::qr_svg(&url)?;
        detail.receipt_link = Some((url, qr));
    }
    // A closed report is not followed anew, but the numbers that follow it can still stop: it
    // texts them again if it reopens.
    detail.sms_updates = ctx::server_ctx()?.settings.sms;
    Ok(detail)
}

/// The report a receipt code belongs to (the code written any way: `pa 7k3m q9`). Wrong codes
/// are counted per network address.
#[server(prefix = "/api", endpoint = "reports/receipt")]
pub async fn find_receipt(code: String) -> Result<i64, AppError> {
    use crate::ctx;
    crate::report::service::by_receipt(&ctx::db()?, &ctx::requester()?, &code).await
}

/// Sends a code to `phone` that starts (or, with `stop`, stops) SMS messages about the report's
/// answer; returns the number as people write it. Only where the site can send SMS.
#[server(prefix = "/api", endpoint = "reports/sms")]
pub async fn ask_report_sms(
    report_id: i64,
    phone: String,
    #[server(default)] stop: bool,
) -> Result<String, AppError> {
    use crate::ctx;
    if !ctx::server_ctx()?.settings.sms {
        return Err(AppError::NotFound);
    }
    let shown =
        crate::report::sms::ask(&ctx::db()?, &ctx::requester()?, report_id, &phone, stop).await?;
    // Sent without the page's code: back to the report, which says where the code went (the
    // number's last digits: the whole number stays out of addresses, logs and histories) and
    // opens the step that takes it.
    if ctx::plain_form_post() {
        let last: String = shown.chars().filter(char::is_ascii_digit).collect();
        let last = &last[last.len().saturating_sub(3)..];
        leptos_axum::redirect(&format!("/reports/{report_id}?sms_sent={last}#sms-heading"));
    }
    Ok(shown)
}

/// The code [`ask_report_sms`] sent: the number follows the report (or, if the code was asked
/// to stop, no longer does). Returns whether it follows it now.
#[server(prefix = "/api", endpoint = "reports/sms_confirm")]
pub async fn confirm_report_sms(
    report_id: i64,
    phone: String,
    code: String,
) -> Result<bool, AppError> {
    use crate::ctx;
    if !ctx::server_ctx()?.settings.sms {
        return Err(AppError::NotFound);
    }
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    let following = crate::report::sms::confirm(&db, &requester, report_id, &phone, &code).await?;
    if ctx::plain_form_post() {
        let now = if following { "following" } else { "stopped" };
        leptos_axum::redirect(&format!("/reports/{report_id}?sms={now}#sms-heading"));
    }
    Ok(following)
}

/// The person who filed the report says whether its answer solved the problem; `satisfied`
/// false needs a `reason`, and reopens the report once. The person a report was filed for
/// sends its `receipt` code instead of signing in.
#[server(prefix = "/api", endpoint = "reports/rate")]
pub async fn rate_report(
    report_id: i64,
    satisfied: bool,
    #[server(default)] reason: String,
    #[server(default)] receipt: Option<String>,
) -> Result<(), AppError> {
    use crate::ctx;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    crate::report::service::rate(
        &db,
        &ctx::links()?,
        &requester,
        report_id,
        satisfied,
        &reason,
        receipt.as_deref(),
    )
    .await
}

/// Files a report: a form with `title`, `description`, `category`, `organisation_id` and an
/// optional `photo`.
#[server(prefix = "/api", endpoint = "reports/create", input = MultipartFormData)]
pub async fn create_report(data: MultipartData) -> Result<(), AppError> {
    use crate::ctx;
    use crate::upload::form::MultipartForm;
    use crate::upload::service::Purpose;
    let requester = ctx::requester()?;
    requester.verified()?;
    let max = Purpose::ReportPhoto.max_bytes();
    let mut form = MultipartForm::read(data, max).await?;
    let new = crate::report::service::NewReport {
        organisation_id: form.text("organisation_id").parse().ok(),
        title: form.text("title"),
        description: form.text("description"),
        category: form.text("category"),
        photo: form.take_file("photo", max),
    };
    let server = ctx::server_ctx()?;
    let id = crate::report::service::create(&server.db, &server.storage, &requester, new).await?;
    leptos_axum::redirect(&format!("/reports/{id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "reports/support")]
pub async fn support_report(id: i64, support: bool) -> Result<i32, AppError> {
    use crate::ctx;
    let viewer = ctx::require_verified()?;
    crate::report::service::support(&ctx::db()?, id, &viewer, support).await
}

/// Staff of the organisation concerned decide on a report (see
/// [`crate::report::service::TriageForm`]).
#[server(prefix = "/api", endpoint = "reports/triage")]
pub async fn triage_report(
    id: i64,
    decision: String,
    text: Option<String>,
    into_id: Option<i64>,
) -> Result<(), AppError> {
    use crate::ctx;
    let form = crate::report::service::TriageForm {
        decision,
        text: text.unwrap_or_default(),
        into_id,
    };
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::report::service::triage(&db, &links, &requester, id, form).await?;
    Ok(())
}

/// A helper files a report for someone else (a form as [`create_report`]'s, with `desk`,
/// `filed_for_name`, `filed_for_phone`, `consent` and the `consented` box), then opens it, its
/// receipt ready to print.
#[server(prefix = "/api", endpoint = "reports/create_assisted", input = MultipartFormData)]
pub async fn create_assisted_report(data: MultipartData) -> Result<(), AppError> {
    use crate::ctx;
    use crate::upload::form::MultipartForm;
    use crate::upload::service::Purpose;
    let requester = ctx::requester()?;
    requester.verified()?;
    let max = Purpose::ReportPhoto.max_bytes();
    let mut form = MultipartForm::read(data, max).await?;
    let report = crate::report::service::NewReport {
        organisation_id: form.text("organisation_id").parse().ok(),
        title: form.text("title"),
        description: form.text("description"),
        category: form.text("category"),
        photo: form.take_file("photo", max),
    };
    let new = crate::report::assisted::NewAssisted {
        desk: form.text("desk"),
        filed_for_name: form.text("filed_for_name"),
        filed_for_phone: form.text("filed_for_phone"),
        consent: form.text("consent"),
        consented: !form.text("consented").is_empty(),
        report,
    };
    let server = ctx::server_ctx()?;
    let links = ctx::links()?;
    let texts = server.settings.sms.then_some(&links);
    let id = crate::report::assisted::create(&server.db, &server.storage, texts, &requester, new)
        .await?;
    leptos_axum::redirect(&format!("/reports/{id}"));
    Ok(())
}

/// The person a report was filed for takes it into their account: its receipt `code`, signed in
/// with the phone number given at the desk proved. Opens the report.
#[server(prefix = "/api", endpoint = "reports/claim")]
pub async fn claim_report(code: String) -> Result<i64, AppError> {
    use crate::ctx;
    let id = crate::report::assisted::claim(&ctx::db()?, &ctx::requester()?, &code).await?;
    leptos_axum::redirect(&format!("/reports/{id}"));
    Ok(id)
}

/// Staff of the organisation concerned answer a missed deadline in public: an apology with its
/// `reason` and a new appointment `new_date` (`YYYY-MM-DD`, a working day after today).
#[server(prefix = "/api", endpoint = "reports/apologise")]
pub async fn apologise_report(id: i64, reason: String, new_date: String) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::report::apology::apologise(&db, &links, &requester, id, &reason, &new_date).await
}

/// Staff of the organisation concerned send a report on to the organisation `organisation_id`
/// that can act on it, with a public `reason` (see [`crate::report::routing::forward`]).
#[server(prefix = "/api", endpoint = "reports/forward")]
pub async fn forward_report(
    id: i64,
    organisation_id: Option<i64>,
    reason: String,
) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::report::routing::forward(&db, &links, &requester, id, organisation_id, &reason).await
}

/// Staff of the organisation concerned mark a report `urgent` (answered within a working day of
/// office hours) or no longer urgent.
#[server(prefix = "/api", endpoint = "reports/urgency")]
pub async fn set_report_urgency(id: i64, urgent: bool) -> Result<(), AppError> {
    use crate::ctx;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    crate::report::routing::set_urgency(&db, &requester, id, urgent).await
}
