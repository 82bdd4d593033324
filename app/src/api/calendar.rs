//! The working-day calendar: anyone reads a year of it; administrators enter each year's
//! decisions.

use leptos::prelude::*;

use crate::calendar::YearView;
use crate::error::AppError;

/// The year `year` (this year in the city when none is given): its days off, its Saturdays
/// worked, and the decision entered for it; with the years whose decisions are entered.
#[server(prefix = "/api", endpoint = "calendar")]
pub async fn calendar_year(year: Option<i32>) -> Result<(YearView, Vec<i32>), AppError> {
    use chrono::Datelike;
    let db = crate::ctx::db()?;
    let year = year.unwrap_or_else(|| {
        chrono::Utc::now()
            .with_timezone(&crate::i18n::format::city_offset())
            .year()
    });
    let view = crate::calendar::service::year_view(&db, year).await?;
    Ok((view, crate::calendar::service::entered_years(&db).await?))
}

/// Enters a year's decisions (or changes those of the year `replace`), on the public record.
#[server(prefix = "/api", endpoint = "admin/calendar/save")]
pub async fn save_calendar_year(
    year: String,
    source: String,
    days_off: String,
    days_worked: String,
    replace: Option<String>,
) -> Result<i32, AppError> {
    use crate::ctx;
    ctx::require_admin()?;
    let form = crate::calendar::service::YearForm {
        year,
        source,
        days_off,
        days_worked,
        replace: replace.and_then(|r| r.trim().parse().ok()),
    };
    crate::calendar::service::save_year(&ctx::db()?, &ctx::requester()?, form).await
}
