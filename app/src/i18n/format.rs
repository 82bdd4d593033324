//! Dates as dd/mm/yyyy in the city's time zone and money as VND with dot separators, both ways:
//! for showing, and for reading what people type into forms.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

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

/// Reads a `datetime-local` field ("2026-03-01T08:00"), which people fill in city time.
pub fn parse_city_datetime(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    city_offset()
        .from_local_datetime(&naive)
        .single()
        .map(|at| at.with_timezone(&Utc))
}

/// The value of a `datetime-local` field for `at`, in city time.
pub fn city_datetime_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&city_offset())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Reads an amount of money as people write it: "50.000.000", "50 000 000 ₫", "50000000đ".
/// Empty means zero; anything else that is not a whole non-negative number is refused.
pub fn parse_vnd(value: &str) -> Option<i64> {
    let digits: String = value
        .trim()
        .trim_end_matches(['₫', 'đ', 'Đ'])
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() {
        return Some(0);
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 15 {
        return None;
    }
    digits.parse().ok()
}

/// Text folded for search: lower case, Vietnamese marks removed, anything else a single space,
/// so that "thu tuc" and "Thủ tục" meet.
pub fn fold_for_search(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        let base = strip_diacritic(ch);
        if base.is_alphanumeric() {
            out.push(base);
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim_end().to_owned()
}

/// The words of what was typed, folded for search: at most eight, as the search queries take.
pub fn search_words(typed: &str) -> Vec<String> {
    fold_for_search(typed)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_owned)
        .collect()
}

/// Whether each of `words` (from [`search_words`]) is in `text` (folded here), as the database's
/// search finds them: anywhere, also inside a longer word.
pub fn has_words(text: &str, words: &[String]) -> bool {
    let folded = fold_for_search(text);
    words.iter().all(|w| folded.contains(w.as_str()))
}

/// The base letter of a lower-case Vietnamese letter (đ → d, ắ → a, ợ → o, …).
pub fn strip_diacritic(ch: char) -> char {
    const GROUPS: [(&str, char); 7] = [
        ("àáạảãâầấậẩẫăằắặẳẵ", 'a'),
        ("èéẹẻẽêềếệểễ", 'e'),
        ("ìíịỉĩ", 'i'),
        ("òóọỏõôồốộổỗơờớợởỡ", 'o'),
        ("ùúụủũưừứựửữ", 'u'),
        ("ỳýỵỷỹ", 'y'),
        ("đ", 'd'),
    ];
    GROUPS
        .iter()
        .find(|(letters, _)| letters.contains(ch))
        .map(|(_, base)| *base)
        .unwrap_or(ch)
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

    #[test]
    fn form_dates_are_read_in_city_time() {
        let at = parse_city_datetime("2026-03-01T08:00").unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 3, 1, 1, 0, 0).unwrap());
        assert_eq!(city_datetime_input(at), "2026-03-01T08:00");
        assert_eq!(parse_city_datetime("01/03/2026"), None);
        assert_eq!(parse_city_datetime(""), None);
    }

    #[test]
    fn money_is_read_as_people_write_it() {
        assert_eq!(parse_vnd("50.000.000"), Some(50_000_000));
        assert_eq!(parse_vnd("50 000 000 ₫"), Some(50_000_000));
        assert_eq!(parse_vnd("1,500,000đ"), Some(1_500_000));
        assert_eq!(parse_vnd(""), Some(0));
        assert_eq!(parse_vnd("-5"), None);
        assert_eq!(parse_vnd("năm triệu"), None);
    }

    #[test]
    fn search_folds_away_marks_and_case() {
        assert_eq!(
            fold_for_search("Thủ tục HÀNH CHÍNH, một cửa!"),
            "thu tuc hanh chinh mot cua"
        );
        assert_eq!(fold_for_search("Đất đai"), "dat dai");
    }

    #[test]
    fn words_are_found_with_or_without_marks_in_any_order() {
        let words = search_words("tong DAI");
        assert_eq!(words, ["tong", "dai"]);
        assert!(has_words("Tổng đài 1022 cho người cao tuổi", &words));
        assert!(has_words("Đài tổng hợp", &words));
        assert!(!has_words("Tổng hợp ý kiến", &words));
        assert!(has_words("anything", &search_words(" ,, ")));
        assert_eq!(search_words("a b c d e f g h i j").len(), 8);
    }
}
