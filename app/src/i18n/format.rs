//! Dates as dd/mm/yyyy in the city's time zone and money as VND with dot separators.

use chrono::{DateTime, FixedOffset, Utc};

/// Asia/Ho_Chi_Minh: UTC+7 all year (Vietnam keeps no daylight saving time).
pub fn city_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

pub fn format_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&city_offset())
        .format("%d/%m/%Y")
        .to_string()
}

pub fn format_datetime(at: DateTime<Utc>) -> String {
    at.with_timezone(&city_offset())
        .format("%H:%M %d/%m/%Y")
        .to_string()
}

/// 10350000 → "10.350.000 ₫"
pub fn format_vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}{grouped} ₫")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn money_is_grouped_with_dots() {
        assert_eq!(format_vnd(10_350_000), "10.350.000 ₫");
        assert_eq!(format_vnd(0), "0 ₫");
        assert_eq!(format_vnd(999), "999 ₫");
        assert_eq!(format_vnd(1_000), "1.000 ₫");
        assert_eq!(format_vnd(-2_500_000), "-2.500.000 ₫");
    }

    #[test]
    fn dates_are_shown_in_the_city_time_zone() {
        // 18:30 UTC on 31/12 is already 01:30 on 01/01 in Ho Chi Minh City.
        let at = Utc.with_ymd_and_hms(2025, 12, 31, 18, 30, 0).unwrap();
        assert_eq!(format_date(at), "01/01/2026");
        assert_eq!(format_datetime(at), "01:30 01/01/2026");
    }
}
