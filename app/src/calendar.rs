//! The city's working days: Monday to Friday without public holidays, and the deadlines counted
//! in them ("answered within 5 working days").

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc, Weekday};

use crate::i18n::format::city_offset;

/// Fixed-date public holidays in Vietnam (month, day). Tết and Hùng Kings' day follow the lunar
/// calendar; an organisation adds those dates itself each year.
const FIXED_HOLIDAYS: [(u32, u32); 5] = [(1, 1), (4, 30), (5, 1), (9, 1), (9, 2)];

/// A working day in the city: Monday to Friday, not a fixed public holiday nor in `extra`.
pub fn is_working_day(date: NaiveDate, extra: &[NaiveDate]) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
        && !FIXED_HOLIDAYS.contains(&(date.month(), date.day()))
        && !extra.contains(&date)
}

/// The end (23:59:59 city time) of the `days`-th working day after the day of `from`, as a
/// citizen reads "answered within 5 working days".
pub fn working_days_after(from: DateTime<Utc>, days: u32, extra: &[NaiveDate]) -> DateTime<Utc> {
    let offset = city_offset();
    let mut date = from.with_timezone(&offset).date_naive();
    let mut left = days;
    while left > 0 {
        date = date
            .checked_add_days(Days::new(1))
            .expect("date within range");
        if is_working_day(date, extra) {
            left -= 1;
        }
    }
    let end = date.and_hms_opt(23, 59, 59).expect("valid time");
    offset
        .from_local_datetime(&end)
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        // Hours given in city time (UTC+7).
        city_offset()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn working_days_skip_weekends_and_public_holidays() {
        // Friday 24/04/2026 + 5 working days: 27, 28, 29 (30/4 and 1/5 are holidays), 4, 5 May.
        let due = working_days_after(at(2026, 4, 24, 10), 5, &[]);
        assert_eq!(
            due,
            city_offset()
                .with_ymd_and_hms(2026, 5, 5, 23, 59, 59)
                .unwrap()
                .with_timezone(&Utc)
        );
        // An extra holiday the organisation declared moves it one more day.
        let extra = [NaiveDate::from_ymd_opt(2026, 5, 4).unwrap()];
        let due = working_days_after(at(2026, 4, 24, 10), 5, &extra);
        assert_eq!(
            due.with_timezone(&city_offset()).date_naive(),
            NaiveDate::from_ymd_opt(2026, 5, 6).unwrap()
        );
    }

    #[test]
    fn a_report_late_at_night_counts_from_its_city_date() {
        // 23:30 on Friday in the city is still Friday, though UTC says 16:30 Friday too;
        // 00:30 on Saturday city time is Friday 17:30 UTC, and counts from Saturday.
        let friday_night = at(2026, 3, 6, 23);
        let saturday_early = city_offset()
            .with_ymd_and_hms(2026, 3, 7, 0, 30, 0)
            .unwrap()
            .with_timezone(&Utc);
        let a = working_days_after(friday_night, 1, &[])
            .with_timezone(&city_offset())
            .date_naive();
        let b = working_days_after(saturday_early, 1, &[])
            .with_timezone(&city_offset())
            .date_naive();
        assert_eq!(
            a,
            NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            "Friday + 1 working day = Monday"
        );
        assert_eq!(
            b,
            NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            "Saturday + 1 working day = Monday"
        );
    }
}
