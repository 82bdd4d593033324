//! The demo city's working calendar: next year's decision, entered as an administrator enters
//! one, with its source (marked as demo data): a Friday in October taken off and a Saturday two
//! weeks on worked in its place, months away from any deadline the demo's reports run to. The
//! holidays of this year and the next (Tết from the lunar calendar among them) need no entry.

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::teams::viewer;
use crate::auth::Requester;
use crate::calendar::service::{YearForm, save_year};
use crate::error::AppError;
use crate::pilot::rules::city_today;

pub async fn seed(db: &(impl ConnectionTrait + TransactionTrait)) -> Result<(), AppError> {
    let admin = viewer(db, "admin@vidan.local").await?;
    let year = city_today(Utc::now()).year() + 1;
    let shown = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let off = second_friday_of_october(year);
    let worked = off + Duration::days(15);
    save_year(
        db,
        &Requester::acting(&admin),
        YearForm {
            year: year.to_string(),
            source: format!(
                "Thông báo số 12/TB-UBND ngày 15/11/{} của UBND thành phố về hoán đổi ngày làm \
                 việc năm {year} (dữ liệu mẫu)",
                year - 1
            ),
            days_off: shown(off),
            days_worked: shown(worked),
            replace: None,
        },
    )
    .await?;
    Ok(())
}

fn second_friday_of_october(year: i32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, 10, 1).unwrap_or(NaiveDate::MIN);
    let to_friday =
        (7 + Weekday::Fri.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    first + Duration::days(i64::from(to_friday) + 7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_swap_is_a_friday_off_and_a_saturday_worked() {
        for year in 2026..2035 {
            let off = second_friday_of_october(year);
            assert_eq!(off.weekday(), Weekday::Fri, "{year}");
            assert!((8..=14).contains(&off.day()), "{off}");
            assert_eq!((off + Duration::days(15)).weekday(), Weekday::Sat);
        }
    }
}
