//! The year's decisions over the calendar: read for every deadline, entered by an administrator
//! with the decision they come from, on the public record.

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};

use super::entity::{day, year};
use super::{Calendar, Decision, YearView};
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::error::{AppError, FieldError};

/// The first and last years a decision may be entered for.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The calendar every deadline is counted in: the law's holidays and every year's decisions.
pub async fn load(db: &impl ConnectionTrait) -> Result<Calendar, AppError> {
    let days = day::Entity::find().all(db).await?;
    Ok(Calendar::with_decisions(days.into_iter().filter_map(|d| {
        Decision::from_code(&d.decision).map(|decision| (d.day, decision))
    })))
}

/// The year `year` as the calendar page shows it: its days off with why, the Saturdays worked,
/// and the decision entered for it, if any.
pub async fn year_view(db: &impl ConnectionTrait, year: i32) -> Result<YearView, AppError> {
    if !YEARS.contains(&year) {
        return Err(AppError::NotFound);
    }
    let calendar = load(db).await?;
    let entered = year::Entity::find_by_id(year).one(db).await?;
    Ok(calendar.year_view(
        year,
        entered.map(|y| super::Entered {
            source: y.source,
            entered_at: y.entered_at,
            changed_at: y.changed_at,
        }),
    ))
}

/// The years whose decisions are entered, newest first.
pub async fn entered_years(db: &impl ConnectionTrait) -> Result<Vec<i32>, AppError> {
    Ok(year::Entity::find()
        .order_by_desc(year::Column::Year)
        .all(db)
        .await?
        .into_iter()
        .map(|y| y.year)
        .collect())
}

/// A year's decisions as an administrator types them: the year, the decision's number and date,
/// and the days it makes off and worked, one date (dd/mm/yyyy) per line or separated by commas.
#[derive(Clone, Debug, Default)]
pub struct YearForm {
    pub year: String,
    pub source: String,
    pub days_off: String,
    pub days_worked: String,
    /// The year whose decision this changes (the page's "change" form): a year entered already
    /// is replaced only when it is this one.
    pub replace: Option<i32>,
}

/// The dates typed in `text`, each in `year`; the first that is not one is the field's error.
fn dates_in(field: &str, text: &str, year: i32) -> Result<Vec<NaiveDate>, FieldError> {
    let mut dates = Vec::new();
    for part in text
        .split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let date = NaiveDate::parse_from_str(part, "%d/%m/%Y")
            .or_else(|_| NaiveDate::parse_from_str(part, "%Y-%m-%d"))
            .map_err(|_| {
                FieldError::new(field, "error.calendar_date_invalid")
                    .with("text", part.chars().take(40).collect::<String>())
            })?;
        if date.year() != year {
            return Err(FieldError::new(field, "error.calendar_date_outside_year")
                .with("date", date.format("%d/%m/%Y"))
                .with("year", year));
        }
        if !dates.contains(&date) {
            dates.push(date);
        }
    }
    dates.sort_unstable();
    Ok(dates)
}

/// Enters (or, with `form.replace`, changes) a year's decisions, with their record in public.
/// A year entered already is refused unless it is being changed: two administrators typing the
/// same year at once enter it once. Deadlines already given keep their date, as a receipt does.
pub async fn save_year(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    form: YearForm,
) -> Result<i32, AppError> {
    let mut errors = Vec::new();
    let year = match form.year.trim().parse::<i32>() {
        Ok(y) if YEARS.contains(&y) => Some(y),
        _ => {
            errors.push(FieldError::new("year", "error.calendar_year_invalid"));
            None
        }
    };
    let source = form.source.trim().to_owned();
    if let Some(e) = FieldError::length("source", &source, 5, 300) {
        errors.push(e);
    }
    let (mut off, mut worked) = (Vec::new(), Vec::new());
    if let Some(year) = year {
        match dates_in("days_off", &form.days_off, year) {
            Ok(dates) => off = dates,
            Err(e) => errors.push(e),
        }
        match dates_in("days_worked", &form.days_worked, year) {
            Ok(dates) => worked = dates,
            Err(e) => errors.push(e),
        }
        if let Some(both) = off.iter().find(|d| worked.contains(d)) {
            errors.push(
                FieldError::new("days_worked", "error.calendar_day_both")
                    .with("date", both.format("%d/%m/%Y")),
            );
        }
        if off.is_empty() && worked.is_empty() && errors.is_empty() {
            errors.push(FieldError::new("days_off", "error.calendar_no_days"));
        }
    }
    let Some(year) = year.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let now = Utc::now();
    let txn = crate::group_commit::begin_writing(db).await?;
    crate::sql::hold_row(&txn, ("calendar_years", "year"), i64::from(year)).await?;
    let existing = year::Entity::find_by_id(year).one(&txn).await?;
    let changing = existing.is_some();
    match existing {
        Some(_) if form.replace != Some(year) => {
            return Err(AppError::Invalid(vec![
                FieldError::new("year", "error.calendar_year_entered").with("year", year),
            ]));
        }
        Some(entered) => {
            let mut active: year::ActiveModel = entered.into();
            active.source = Set(source.clone());
            active.changed_at = Set(Some(now));
            active.update(&txn).await?;
            day::Entity::delete_many()
                .filter(day::Column::Year.eq(year))
                .exec(&txn)
                .await?;
        }
        None => {
            year::ActiveModel {
                year: Set(year),
                source: Set(source.clone()),
                entered_by: Set(requester.viewer.as_ref().map(|v| v.id)),
                entered_at: Set(now),
                changed_at: Set(None),
            }
            .insert(&txn)
            .await
            // Entered by someone else at this very moment.
            .map_err(|e| match e.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::Invalid(vec![
                    FieldError::new("year", "error.calendar_year_entered").with("year", year),
                ]),
                _ => e.into(),
            })?;
        }
    }
    let rows = off
        .iter()
        .map(|d| (*d, Decision::Off))
        .chain(worked.iter().map(|d| (*d, Decision::Worked)))
        .map(|(date, decision)| day::ActiveModel {
            day: Set(date),
            year: Set(year),
            decision: Set(decision.code().to_owned()),
        });
    day::Entity::insert_many(rows).exec(&txn).await?;
    let shown = |dates: &[NaiveDate]| -> Vec<String> {
        dates
            .iter()
            .map(|d| d.format("%d/%m/%Y").to_string())
            .collect()
    };
    Record::new(
        if changing {
            "calendar.change_year"
        } else {
            "calendar.enter_year"
        },
        "calendar",
        Some(i64::from(year)),
    )
    .by_requester(requester)
    .reason(&source)
    .details(serde_json::json!({ "off": shown(&off), "worked": shown(&worked) }))
    .public()
    .save(&txn)
    .await?;
    txn.commit().await?;
    Ok(year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_typed_one_per_line_or_with_commas_and_stay_in_their_year() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            dates_in("days_off", "03/02/2027\n 2027-02-12, 12/02/2027;", 2027),
            Ok(vec![d(2027, 2, 3), d(2027, 2, 12)])
        );
        assert_eq!(dates_in("days_off", "  \n", 2027), Ok(vec![]));
        let wrong = dates_in("days_off", "03/02/2027\n31/02/2027", 2027).unwrap_err();
        assert_eq!(wrong.key, "error.calendar_date_invalid");
        assert_eq!(wrong.params, vec![("text".into(), "31/02/2027".into())]);
        let outside = dates_in("days_worked", "30/12/2026", 2027).unwrap_err();
        assert_eq!(outside.key, "error.calendar_date_outside_year");
    }
}
