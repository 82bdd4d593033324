//! The city's working days, as Vietnam's offices count them: Monday to Friday, less the public
//! holidays of the Labour Code (New Year's Day, five days of Tết, the Hùng Kings' day on the 10th
//! of the third lunar month, 30 April, 1 May, and two days for National Day), a day in lieu for a
//! holiday that falls on a weekend, and each year's decisions of the government (a bridge day off,
//! a Saturday worked to make it up) that an administrator enters with their source. One calendar
//! counts every deadline ("answered within 5 working days") and dates every milestone.

#[cfg(feature = "ssr")]
pub mod entity;
pub mod lunar;
#[cfg(feature = "ssr")]
pub mod service;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::i18n::format::city_offset;

/// Why a day is not worked (or, for a Saturday, is).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Holiday {
    NewYear,
    /// The last day of the lunar year, and the first four of the next.
    Tet,
    HungKings,
    Reunification,
    Labour,
    National,
    /// A holiday fell on a Saturday or a Sunday: the next working day is off instead.
    InLieu,
    /// Off by a decision for the year (a bridge between a holiday and a weekend).
    Decided,
}

impl Holiday {
    /// The message key of the holiday's name.
    pub fn key(self) -> &'static str {
        match self {
            Self::NewYear => "calendar.new_year",
            Self::Tet => "calendar.tet",
            Self::HungKings => "calendar.hung_kings",
            Self::Reunification => "calendar.reunification",
            Self::Labour => "calendar.labour",
            Self::National => "calendar.national",
            Self::InLieu => "calendar.in_lieu",
            Self::Decided => "calendar.decided",
        }
    }
}

/// What a year's decision makes of a day: off, or worked (a Saturday worked to make up a bridge
/// day, or a holiday's day in lieu moved elsewhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Decision {
    Off,
    Worked,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Worked => "worked",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "off" => Some(Self::Off),
            "worked" => Some(Self::Worked),
            _ => None,
        }
    }
}

/// The public holidays the law gives in `year`, each day with its reason, before any decision:
/// the fixed days, Tết and the Hùng Kings' day from the lunar calendar, and a day in lieu (the
/// next weekday that is no holiday) for each that falls on a weekend.
pub fn statutory_holidays(year: i32) -> BTreeMap<NaiveDate, Holiday> {
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("a valid date");
    let mut days = BTreeMap::new();
    days.insert(day(1, 1), Holiday::NewYear);
    days.insert(day(4, 30), Holiday::Reunification);
    days.insert(day(5, 1), Holiday::Labour);
    // National Day and the day before it (the government may move it to the day after).
    days.insert(day(9, 1), Holiday::National);
    days.insert(day(9, 2), Holiday::National);
    let tet = lunar::new_year(year);
    let eve = tet.pred_opt().expect("a valid date");
    for date in eve.iter_days().take(5) {
        days.insert(date, Holiday::Tet);
    }
    if let Some(hung) = lunar::to_solar(lunar::LunarDate {
        year,
        month: 3,
        day: 10,
        leap: false,
    }) {
        days.insert(hung, Holiday::HungKings);
    }
    let weekend = |d: NaiveDate| matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    let owed: Vec<NaiveDate> = days.keys().copied().filter(|d| weekend(*d)).collect();
    for holiday in owed {
        let mut date = holiday;
        while weekend(date) || days.contains_key(&date) {
            date = date.succ_opt().expect("a valid date");
        }
        days.insert(date, Holiday::InLieu);
    }
    days
}

/// A day off in a year, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOff {
    pub date: NaiveDate,
    pub why: Holiday,
}

/// The decision entered for a year: its number and date as published, when it was entered and
/// last changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entered {
    pub source: String,
    pub entered_at: DateTime<Utc>,
    pub changed_at: Option<DateTime<Utc>>,
}

/// A year of the calendar as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearView {
    pub year: i32,
    /// Every day off that is not a plain weekend, in order (a holiday on a Saturday is listed).
    pub days_off: Vec<DayOff>,
    /// Weekend days worked by decision.
    pub days_worked: Vec<NaiveDate>,
    /// The year's decisions as entered, in order (what the change form starts from).
    pub decisions: Vec<(NaiveDate, Decision)>,
    /// The year's decision, if one is entered: without it, the law's holidays alone count.
    pub entered: Option<Entered>,
}

/// The working-day calendar: the law's holidays, with each year's decisions over them.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    decisions: BTreeMap<NaiveDate, Decision>,
}

impl Calendar {
    /// The law's holidays alone (no year's decisions entered).
    pub fn statutory() -> Self {
        Self::default()
    }

    /// The law's holidays with `decisions` over them.
    pub fn with_decisions(decisions: impl IntoIterator<Item = (NaiveDate, Decision)>) -> Self {
        Self {
            decisions: decisions.into_iter().collect(),
        }
    }

    /// Why `date` is not worked, if it is not: a holiday, a decision, or the weekend (`None`
    /// with `false` then).
    pub fn day_off(&self, date: NaiveDate) -> Option<Holiday> {
        self.day_off_in(date, &statutory_holidays(date.year()))
    }

    /// As [`Self::day_off`], with the law's `holidays` of the date's year computed already.
    fn day_off_in(
        &self,
        date: NaiveDate,
        holidays: &BTreeMap<NaiveDate, Holiday>,
    ) -> Option<Holiday> {
        match self.decisions.get(&date) {
            Some(Decision::Worked) => None,
            Some(Decision::Off) => Some(holidays.get(&date).copied().unwrap_or(Holiday::Decided)),
            None => holidays.get(&date).copied(),
        }
    }

    /// The year `year`, with `entered` (its decision, if any).
    pub fn year_view(&self, year: i32, entered: Option<Entered>) -> YearView {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a valid year");
        let days = first.iter_days().take_while(|d| d.year() == year);
        let mut days_off = Vec::new();
        let mut days_worked = Vec::new();
        let holidays = statutory_holidays(year);
        for date in days {
            let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
            match self.day_off_in(date, &holidays) {
                Some(why) => days_off.push(DayOff { date, why }),
                None if weekend && self.decisions.get(&date) == Some(&Decision::Worked) => {
                    days_worked.push(date)
                }
                None => {}
            }
        }
        let decisions = self
            .decisions
            .range(first..=NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid date"))
            .map(|(date, decision)| (*date, *decision))
            .collect();
        YearView {
            year,
            days_off,
            days_worked,
            decisions,
            entered,
        }
    }

    /// Whether offices work on `date`.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.works_in(date, &statutory_holidays(date.year()))
    }

    /// As [`Self::is_working_day`], with the law's `holidays` of the date's year computed already.
    fn works_in(&self, date: NaiveDate, holidays: &BTreeMap<NaiveDate, Holiday>) -> bool {
        match self.decisions.get(&date) {
            Some(decision) => *decision == Decision::Worked,
            None => {
                !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
                    && !holidays.contains_key(&date)
            }
        }
    }

    /// The `days`-th working day after `date`.
    pub fn add_working_days(&self, date: NaiveDate, days: u32) -> NaiveDate {
        let mut date = date;
        let mut left = days;
        let mut holidays = statutory_holidays(date.year());
        while left > 0 {
            date = date
                .checked_add_days(Days::new(1))
                .expect("date within range");
            if date.ordinal() == 1 {
                holidays = statutory_holidays(date.year());
            }
            if self.works_in(date, &holidays) {
                left -= 1;
            }
        }
        date
    }

    /// The working day `days` working days after `date` (before it, when negative); `date`
    /// itself for 0.
    pub fn shift_working_days(&self, date: NaiveDate, days: i64) -> NaiveDate {
        if days >= 0 {
            return self.add_working_days(date, days as u32);
        }
        let mut date = date;
        let mut left = days.unsigned_abs();
        while left > 0 {
            date = date.pred_opt().expect("date within range");
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// The first working day from `date` on (`date` itself if it is one).
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        if self.is_working_day(date) {
            date
        } else {
            self.add_working_days(date, 1)
        }
    }

    /// The end (23:59:59 city time) of the `days`-th working day after the day of `from`, as a
    /// citizen reads "answered within 5 working days".
    pub fn working_days_after(&self, from: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let offset = city_offset();
        let date = self.add_working_days(from.with_timezone(&offset).date_naive(), days);
        let end = date.and_hms_opt(23, 59, 59).expect("valid time");
        offset
            .from_local_datetime(&end)
            .single()
            .expect("fixed offset")
            .with_timezone(&Utc)
    }

    /// The moment `minutes` of office hours after `from` have passed, as "answered within 8
    /// working hours" is read: only the offices' sessions ([`OFFICE_HOURS`], city time) of
    /// working days count. A report received outside them starts at the next session.
    pub fn working_minutes_after(&self, from: DateTime<Utc>, minutes: u32) -> DateTime<Utc> {
        let offset = city_offset();
        let local = from.with_timezone(&offset).naive_local();
        let mut date = local.date();
        let mut left = i64::from(minutes);
        loop {
            if self.is_working_day(date) {
                for (open, close) in OFFICE_HOURS {
                    let open = date.and_time(session_time(open));
                    let close = date.and_time(session_time(close));
                    let start = open.max(local);
                    if start >= close {
                        continue;
                    }
                    let here = (close - start).num_minutes();
                    if left <= here {
                        let at = start + chrono::Duration::minutes(left);
                        return offset
                            .from_local_datetime(&at)
                            .single()
                            .expect("fixed offset")
                            .with_timezone(&Utc);
                    }
                    left -= here;
                }
            }
            date = date.succ_opt().expect("date within range");
        }
    }
}

/// The offices' sessions on a working day, city time, as hours and minutes: the morning and the
/// afternoon, eight hours in all.
pub const OFFICE_HOURS: [((u32, u32), (u32, u32)); 2] = [((7, 30), (11, 30)), ((13, 0), (17, 0))];

fn session_time((hour, minute): (u32, u32)) -> chrono::NaiveTime {
    chrono::NaiveTime::from_hms_opt(hour, minute, 0).expect("a valid time")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        // Hours given in city time (UTC+7).
        city_offset()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn end_of(date: NaiveDate) -> DateTime<Utc> {
        city_offset()
            .from_local_datetime(&date.and_hms_opt(23, 59, 59).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn working_days_skip_weekends_and_public_holidays() {
        let law = Calendar::statutory();
        // Friday 24/04/2026 + 5 working days: not Monday 27th (the Hùng Kings' day fell on
        // Sunday 26th, and is taken in lieu), 28, 29 (30/4 and 1/5 are holidays), 4, 5, 6 May.
        assert_eq!(law.day_off(ymd(2026, 4, 27)), Some(Holiday::InLieu));
        assert_eq!(
            law.working_days_after(at(2026, 4, 24, 10), 5),
            end_of(ymd(2026, 5, 6))
        );
        // A day off decided for the year moves it one more day.
        let decided = Calendar::with_decisions([(ymd(2026, 5, 4), Decision::Off)]);
        assert_eq!(
            decided.working_days_after(at(2026, 4, 24, 10), 5),
            end_of(ymd(2026, 5, 7))
        );
        assert_eq!(decided.day_off(ymd(2026, 5, 4)), Some(Holiday::Decided));
    }

    #[test]
    fn working_days_shift_both_ways() {
        let law = Calendar::statutory();
        // Monday 15 February 2027 back 3 working days: Friday 12th, then over Tết to Thursday 4th
        // and Wednesday 3rd.
        assert_eq!(
            law.shift_working_days(ymd(2027, 2, 15), -3),
            ymd(2027, 2, 3)
        );
        assert_eq!(law.shift_working_days(ymd(2027, 2, 3), 3), ymd(2027, 2, 15));
        assert_eq!(law.shift_working_days(ymd(2027, 2, 6), 0), ymd(2027, 2, 6));
    }

    #[test]
    fn tet_2027_stops_the_clock_for_a_week() {
        let law = Calendar::statutory();
        // Tết Đinh Mùi: mùng 1 is Saturday 6 February 2027. Off: the eve (Friday 5th), the 6th
        // and 7th (a weekend, each owed a day in lieu), the 8th and 9th (mùng 3 and 4), and the
        // 10th and 11th in lieu.
        for d in 5..=11 {
            assert!(!law.is_working_day(ymd(2027, 2, d)), "{d}/2/2027");
        }
        assert_eq!(law.day_off(ymd(2027, 2, 5)), Some(Holiday::Tet));
        assert_eq!(law.day_off(ymd(2027, 2, 10)), Some(Holiday::InLieu));
        assert!(law.is_working_day(ymd(2027, 2, 12)));
        // A report filed on Thursday 4 February, answered within 5 working days: the 12th, 15th,
        // 16th, 17th, 18th.
        assert_eq!(
            law.working_days_after(at(2027, 2, 4, 9), 5),
            end_of(ymd(2027, 2, 18))
        );
        // The Hùng Kings' day, 10/3 of the lunar year: Friday 16 April 2027.
        assert_eq!(law.day_off(ymd(2027, 4, 16)), Some(Holiday::HungKings));
    }

    #[test]
    fn tet_2028_and_a_decided_saturday_worked() {
        // Tết Mậu Thân: mùng 1 is Wednesday 26 January 2028; the eve is Tuesday the 25th, and
        // mùng 2 to 4 are Thursday to Saturday (the Saturday owes Monday 31st).
        let law = Calendar::statutory();
        let off: Vec<u32> = (24..=31)
            .filter(|d| !law.is_working_day(ymd(2028, 1, *d)))
            .collect();
        assert_eq!(off, vec![25, 26, 27, 28, 29, 30, 31]);
        assert_eq!(law.day_off(ymd(2028, 1, 31)), Some(Holiday::InLieu));
        // The government gives Monday 24th off as a bridge, made up on Saturday 15 January.
        let year = Calendar::with_decisions([
            (ymd(2028, 1, 24), Decision::Off),
            (ymd(2028, 1, 15), Decision::Worked),
        ]);
        assert!(!year.is_working_day(ymd(2028, 1, 24)));
        assert!(year.is_working_day(ymd(2028, 1, 15)));
        // Filed on Friday 14 January: the 15th (worked), 17th, 18th, 19th, 20th.
        assert_eq!(year.add_working_days(ymd(2028, 1, 14), 5), ymd(2028, 1, 20));
        // Filed on Friday 21 January: 1, 2, 3, 4 and 7 February.
        assert_eq!(year.add_working_days(ymd(2028, 1, 21), 5), ymd(2028, 2, 7));
    }

    #[test]
    fn a_year_lists_its_days_off_and_its_saturdays_worked() {
        let year = Calendar::with_decisions([
            (ymd(2028, 1, 24), Decision::Off),
            (ymd(2028, 1, 15), Decision::Worked),
        ])
        .year_view(2028, None);
        let off: Vec<(NaiveDate, Holiday)> =
            year.days_off.iter().map(|d| (d.date, d.why)).collect();
        // New Year's Day is a Saturday: Monday 3 January in lieu.
        assert_eq!(off[0], (ymd(2028, 1, 1), Holiday::NewYear));
        assert_eq!(off[1], (ymd(2028, 1, 3), Holiday::InLieu));
        assert_eq!(off[2], (ymd(2028, 1, 24), Holiday::Decided));
        assert!(off.contains(&(ymd(2028, 4, 4), Holiday::HungKings)));
        // Plain weekends are not listed; the Tết weekend is.
        assert!(!off.iter().any(|(d, _)| *d == ymd(2028, 1, 30)));
        assert!(off.contains(&(ymd(2028, 1, 29), Holiday::Tet)));
        assert_eq!(year.days_worked, vec![ymd(2028, 1, 15)]);
    }

    #[test]
    fn a_holiday_on_a_weekend_gives_the_next_working_day() {
        let law = Calendar::statutory();
        // 1 May 2027 is a Saturday: Monday 3 May is off in lieu.
        assert_eq!(law.day_off(ymd(2027, 5, 3)), Some(Holiday::InLieu));
        assert!(law.is_working_day(ymd(2027, 5, 4)));
        // 30 April and 1 May 2028 are Sunday and Monday: Tuesday 2 May is off in lieu.
        assert_eq!(law.day_off(ymd(2028, 5, 2)), Some(Holiday::InLieu));
        assert_eq!(law.next_working_day(ymd(2028, 4, 29)), ymd(2028, 5, 3));
    }

    fn at_minute(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        city_offset()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn working_hours_count_only_the_offices_sessions() {
        let law = Calendar::statutory();
        let hours = |h: u32| h * 60;
        // Tuesday 3 March 2026, 9:00: four hours is 13:30 (two before noon, the lunch break
        // skipped, one and a half after).
        assert_eq!(
            law.working_minutes_after(at_minute(2026, 3, 3, 9, 0), hours(4)),
            at_minute(2026, 3, 3, 14, 30)
        );
        // Friday 16:00 + 8 hours: one on Friday, then Monday 7:30 to 11:30 and 13:00 to 16:00.
        assert_eq!(
            law.working_minutes_after(at_minute(2026, 3, 6, 16, 0), hours(8)),
            at_minute(2026, 3, 9, 16, 0)
        );
        // Received at night or at lunch: the clock starts when the office opens.
        assert_eq!(
            law.working_minutes_after(at_minute(2026, 3, 3, 21, 0), hours(8)),
            at_minute(2026, 3, 4, 17, 0)
        );
        assert_eq!(
            law.working_minutes_after(at_minute(2026, 3, 3, 12, 15), 30),
            at_minute(2026, 3, 3, 13, 30)
        );
        // Exactly at closing: the next morning.
        assert_eq!(
            law.working_minutes_after(at_minute(2026, 3, 3, 17, 0), 60),
            at_minute(2026, 3, 4, 8, 30)
        );
        // Thursday 4 February 2027, 15:00, the day before Tết's eve: 2 hours today, then the
        // offices are closed until Friday 12 February.
        assert_eq!(
            law.working_minutes_after(at_minute(2027, 2, 4, 15, 0), hours(8)),
            at_minute(2027, 2, 12, 15, 0)
        );
        // Tết 2028 (eve Tuesday 25 January) with a bridge Monday 24th off: Friday 21st at 16:00
        // runs to 1 February.
        let year = Calendar::with_decisions([(ymd(2028, 1, 24), Decision::Off)]);
        assert_eq!(
            year.working_minutes_after(at_minute(2028, 1, 21, 16, 0), hours(8)),
            at_minute(2028, 2, 1, 16, 0)
        );
    }

    #[test]
    fn a_report_late_at_night_counts_from_its_city_date() {
        let law = Calendar::statutory();
        // 23:00 on Friday in the city is still Friday; 00:30 on Saturday city time is Friday
        // 17:30 UTC, and counts from Saturday. Both are answered by Monday.
        let friday_night = at(2026, 3, 6, 23);
        let saturday_early = city_offset()
            .with_ymd_and_hms(2026, 3, 7, 0, 30, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            law.working_days_after(friday_night, 1),
            end_of(ymd(2026, 3, 9))
        );
        assert_eq!(
            law.working_days_after(saturday_early, 1),
            end_of(ymd(2026, 3, 9))
        );
    }
}
