//! The Vietnamese lunar calendar, computed: a lunar month starts on the day (in Vietnam's time,
//! UTC+7) of a new moon, the month holding the winter solstice is the 11th, and a year of 13
//! months repeats the first month that holds no principal term of the sun. The new moons and the
//! sun's longitude come from the standard astronomical series (Jean Meeus, *Astronomical
//! Algorithms*), which are exact to well under a day for the years a city's deadlines reach.

use std::f64::consts::PI;

use chrono::{Datelike, NaiveDate};

/// Vietnam's time, in hours east of Greenwich: a new moon at 23:30 UTC+7 starts that day's
/// month here, and the next day's in China (UTC+8), which is why the two calendars differ.
const ZONE_HOURS: f64 = 7.0;

/// The Julian day number of 1 January 1900, from which lunations are counted.
const EPOCH: f64 = 2_415_021.076_998_695;
/// The mean length of a lunation, in days.
const LUNATION: f64 = 29.530_588_853;

/// A date of the lunar calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LunarDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    /// The repeated month of a 13-month year.
    pub leap: bool,
}

fn day_number(date: NaiveDate) -> i64 {
    // Days from 1 January 4713 BC (Julian), as astronomers count: chrono counts from 1 January
    // of year 1 (its day 1), which is Julian day 1,721,426.
    i64::from(date.num_days_from_ce()) + 1_721_425
}

fn date_of(day_number: i64) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt((day_number - 1_721_425) as i32)
        .expect("a date within chrono's range")
}

/// The moment (Julian day, dynamical time close enough to universal) of the `k`-th new moon
/// after that of 1 January 1900.
fn new_moon(k: f64) -> f64 {
    let t = k / 1236.85;
    let (t2, t3) = (t * t, t * t * t);
    let rad = PI / 180.0;
    let mut jd = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * rad).sin();
    // The sun's and the moon's mean anomalies, and the moon's argument of latitude.
    let m = (359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3) * rad;
    let mp = (306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3) * rad;
    let f = (21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3) * rad;
    let correction = (0.1734 - 0.000_393 * t) * m.sin() + 0.0021 * (2.0 * m).sin()
        - 0.4068 * mp.sin()
        + 0.0161 * (2.0 * mp).sin()
        - 0.0004 * (3.0 * mp).sin()
        + 0.0104 * (2.0 * f).sin()
        - 0.0051 * (m + mp).sin()
        - 0.0074 * (m - mp).sin()
        + 0.0004 * (2.0 * f + m).sin()
        - 0.0004 * (2.0 * f - m).sin()
        - 0.0006 * (2.0 * f + mp).sin()
        + 0.0010 * (2.0 * f - mp).sin()
        + 0.0005 * (2.0 * mp + m).sin();
    // Dynamical time runs ahead of universal time by about a minute in these centuries.
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd + correction - delta_t
}

/// The day (in Vietnam) of the `k`-th new moon.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k as f64) + 0.5 + ZONE_HOURS / 24.0).floor() as i64
}

/// The sun's apparent longitude, in radians from 0 to 2π, at the Julian day `jd`.
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36_525.0;
    let t2 = t * t;
    let rad = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let centre = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (rad * m).sin()
        + (0.019_993 - 0.000_101 * t) * (rad * 2.0 * m).sin()
        + 0.000_290 * (rad * 3.0 * m).sin();
    let l = (l0 + centre) * rad;
    l.rem_euclid(2.0 * PI)
}

/// Which of the twelve 30° sectors the sun is in at the start of day `day` in Vietnam: the
/// principal term a month holds is the sector its first day and the next month's differ by.
fn sun_sector(day: i64) -> i64 {
    (sun_longitude(day as f64 - 0.5 - ZONE_HOURS / 24.0) / PI * 6.0).floor() as i64
}

/// The first day of the 11th lunar month that ends the Gregorian year `year` (the month holding
/// the winter solstice).
fn month_11_start(year: i32) -> i64 {
    let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid year");
    let off = day_number(last) as f64 - 2_415_021.0;
    let k = (off / LUNATION).floor() as i64;
    let start = new_moon_day(k);
    // Past the solstice's sector already: the 11th month began one lunation earlier.
    if sun_sector(start) >= 9 {
        new_moon_day(k - 1)
    } else {
        start
    }
}

/// Of a 13-month year whose 11th month starts on `month_11`, how many months after it the leap
/// month comes: the first month in which the sun stays in one sector.
fn leap_month_offset(month_11: i64) -> i64 {
    let k = ((month_11 as f64 - EPOCH) / LUNATION + 0.5).floor() as i64;
    let mut i = 1;
    let mut sector = sun_sector(new_moon_day(k + i));
    loop {
        let last = sector;
        i += 1;
        sector = sun_sector(new_moon_day(k + i));
        if sector == last || i >= 14 {
            return i - 1;
        }
    }
}

/// The lunar date of `date`.
pub fn to_lunar(date: NaiveDate) -> LunarDate {
    let day = day_number(date);
    let k = ((day as f64 - EPOCH) / LUNATION).floor() as i64;
    let mut month_start = new_moon_day(k + 1);
    if month_start > day {
        month_start = new_moon_day(k);
    }
    let mut a11 = month_11_start(date.year());
    let mut b11 = a11;
    let mut year = date.year();
    if a11 >= month_start {
        a11 = month_11_start(date.year() - 1);
    } else {
        year += 1;
        b11 = month_11_start(date.year() + 1);
    }
    let lunar_day = (day - month_start + 1) as u32;
    let diff = (month_start - a11) / 29;
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11);
        if diff >= leap_diff {
            month = diff + 10;
            if diff == leap_diff {
                leap = true;
            }
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        year -= 1;
    }
    LunarDate {
        year,
        month: month as u32,
        day: lunar_day,
        leap,
    }
}

/// The Gregorian date of the lunar date `lunar`, if there is one (a leap month exists in few
/// years, and a month has 29 or 30 days).
pub fn to_solar(lunar: LunarDate) -> Option<NaiveDate> {
    if !(1..=12).contains(&lunar.month) || !(1..=30).contains(&lunar.day) {
        return None;
    }
    let (a11, b11) = if lunar.month < 11 {
        (month_11_start(lunar.year - 1), month_11_start(lunar.year))
    } else {
        (month_11_start(lunar.year), month_11_start(lunar.year + 1))
    };
    let k = (0.5 + (a11 as f64 - EPOCH) / LUNATION).floor() as i64;
    let mut off = i64::from(lunar.month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if lunar.leap && i64::from(lunar.month) != leap_month {
            return None;
        }
        if lunar.leap || off >= leap_off {
            off += 1;
        }
    } else if lunar.leap {
        return None;
    }
    let start = new_moon_day(k + off);
    let date = date_of(start + i64::from(lunar.day) - 1);
    // The 30th of a month of 29 days is the next month's first.
    (to_lunar(date).day == lunar.day).then_some(date)
}

/// The first day of the lunar year that starts in the Gregorian year `year` (Tết Nguyên Đán).
pub fn new_year(year: i32) -> NaiveDate {
    to_solar(LunarDate {
        year,
        month: 1,
        day: 1,
        leap: false,
    })
    .expect("every lunar year has a first day")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn tet_falls_on_the_dates_the_government_announced() {
        // Mùng 1 Tết of each year, as published.
        let known = [
            (2020, ymd(2020, 1, 25)),
            (2021, ymd(2021, 2, 12)),
            (2022, ymd(2022, 2, 1)),
            (2023, ymd(2023, 1, 22)),
            (2024, ymd(2024, 2, 10)),
            (2025, ymd(2025, 1, 29)),
            (2026, ymd(2026, 2, 17)),
            (2027, ymd(2027, 2, 6)),
            (2028, ymd(2028, 1, 26)),
            (2029, ymd(2029, 2, 13)),
            // The new moon comes at 23:07 in Vietnam, 00:07 the next day in China: Tết here is
            // on the 2nd, a day before China's Spring Festival.
            (2030, ymd(2030, 2, 2)),
        ];
        for (year, tet) in known {
            assert_eq!(new_year(year), tet, "Tết {year}");
        }
    }

    #[test]
    fn a_date_goes_to_the_lunar_calendar_and_back() {
        // Giỗ Tổ Hùng Vương, the 10th of the third month.
        assert_eq!(
            to_lunar(ymd(2025, 4, 7)),
            LunarDate {
                year: 2025,
                month: 3,
                day: 10,
                leap: false
            }
        );
        // 2025 repeats its sixth month (from 25 July 2025).
        assert_eq!(
            to_lunar(ymd(2025, 7, 25)),
            LunarDate {
                year: 2025,
                month: 6,
                day: 1,
                leap: true
            }
        );
        // The last day of the year of the Snake, the eve of Tết 2026.
        assert_eq!(
            to_lunar(ymd(2026, 2, 16)),
            LunarDate {
                year: 2025,
                month: 12,
                day: 29,
                leap: false
            }
        );
        let mut day = ymd(2026, 12, 1);
        while day < ymd(2029, 3, 1) {
            assert_eq!(to_solar(to_lunar(day)), Some(day), "{day}");
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn a_lunar_date_that_does_not_exist_has_no_solar_date() {
        // 2026 has no leap month.
        let leap = LunarDate {
            year: 2026,
            month: 4,
            day: 1,
            leap: true,
        };
        assert_eq!(to_solar(leap), None);
        assert_eq!(to_solar(LunarDate { month: 13, ..leap }), None);
    }
}
