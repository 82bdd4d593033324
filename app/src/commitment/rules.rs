//! The rules of a commitment as plain functions: what one must say, what it may answer, when its
//! date may move, and how it stands against its date (as a milestone does, on the same
//! working-day calendar).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::i18n::{Text, k};
use crate::pilot::rules::Timing;

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 3000;
pub const ROLE_MAX: usize = 120;
/// How far ahead a commitment may be dated: a term of office, not a decade.
pub const HORIZON_DAYS: i64 = 730;
/// How many reports one commitment may name.
pub const REPORTS_MAX: usize = 20;

/// What a commitment answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkKind {
    Report,
    Challenge,
    Pilot,
}

impl LinkKind {
    pub const ALL: [LinkKind; 3] = [LinkKind::Report, LinkKind::Challenge, LinkKind::Pilot];

    pub fn code(self) -> &'static str {
        match self {
            LinkKind::Report => "report",
            LinkKind::Challenge => "challenge",
            LinkKind::Pilot => "pilot",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            LinkKind::Report => k::COMMITMENT_LINK_REPORT,
            LinkKind::Challenge => k::COMMITMENT_LINK_CHALLENGE,
            LinkKind::Pilot => k::COMMITMENT_LINK_PILOT,
        }
    }
}

/// The report numbers a commitment answers, as people write them ("12, 15", "#12 #15", "12 15"):
/// each a number, none twice, at most [`REPORTS_MAX`].
pub fn parse_reports(value: &str) -> Result<Vec<i64>, FieldError> {
    let mut ids = Vec::new();
    for word in value
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(|w| w.trim().trim_start_matches('#'))
        .filter(|w| !w.is_empty())
    {
        let id = word
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| {
                FieldError::new("reports", "error.commitment_reports").with("word", word)
            })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() > REPORTS_MAX {
        return Err(
            FieldError::new("reports", "error.commitment_reports_many").with("max", REPORTS_MAX)
        );
    }
    Ok(ids)
}

/// A date a commitment is due by (`YYYY-MM-DD`): from `today`, within [`HORIZON_DAYS`].
fn check_due(field: &str, value: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let due = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "error.date_invalid"))?;
    if due < today {
        Err(FieldError::new(field, "error.commitment_past"))
    } else if due > today + chrono::Duration::days(HORIZON_DAYS) {
        Err(FieldError::new(field, "error.commitment_too_far").with("days", HORIZON_DAYS))
    } else {
        Ok(due)
    }
}

/// A new commitment: what (a title and what will be done), the official's office, and the date.
/// Returns every mistake, and the date when it is one.
pub fn check_commitment(
    title: &str,
    body: &str,
    role: &str,
    due_on: &str,
    today: NaiveDate,
) -> (Vec<FieldError>, Option<NaiveDate>) {
    let mut errors: Vec<FieldError> = [
        FieldError::length("title", title, 10, TITLE_MAX),
        FieldError::length("body", body, 20, BODY_MAX),
        FieldError::length("official_role", role, 2, ROLE_MAX),
    ]
    .into_iter()
    .flatten()
    .collect();
    let due = match check_due("due_on", due_on, today) {
        Ok(due) => Some(due),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    (errors, due)
}

/// A due date moved: a reason said in public, and a new date that is another one, from today.
pub fn check_move(
    reason: &str,
    due_on: &str,
    current: NaiveDate,
    today: NaiveDate,
) -> (Vec<FieldError>, Option<NaiveDate>) {
    let mut errors: Vec<FieldError> = FieldError::length("reason", reason, 10, 1000)
        .into_iter()
        .collect();
    let due = match check_due("due_on", due_on, today) {
        Ok(due) if due == current => {
            errors.push(FieldError::new("due_on", "error.milestone_same_date"));
            None
        }
        Ok(due) => Some(due),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    (errors, due)
}

/// What was done, when a commitment is kept: a sentence at least.
pub fn check_done(note: &str) -> Vec<FieldError> {
    FieldError::length("note", note, 10, 2000)
        .into_iter()
        .collect()
}

/// How a commitment stands at `now`, and by how many city days it is late: as a milestone
/// (its last day on the working-day calendar), except that one whose date passed unkept before it
/// moved (`missed_on`) stays late, kept or not, counted from that date.
pub fn standing(
    due_on: NaiveDate,
    missed_on: Option<NaiveDate>,
    done_at: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
    calendar: &crate::calendar::Calendar,
) -> (Timing, i64) {
    use crate::pilot::rules::{days_overdue, last_day, timing};
    match (missed_on, done_at) {
        (Some(_), Some(_)) => (Timing::DoneLate, 0),
        (Some(missed), None) => (
            Timing::Late,
            days_overdue(last_day(missed, calendar), now).max(1),
        ),
        (None, _) => {
            let last = last_day(due_on, calendar);
            match timing(last, done_at, now) {
                Timing::Late => (Timing::Late, days_overdue(last, now)),
                t => (t, 0),
            }
        }
    }
}

/// Whether moving a commitment's date at `now` comes after it was missed: its last day has
/// ended unkept.
pub fn missed(
    due_on: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
    calendar: &crate::calendar::Calendar,
) -> bool {
    use crate::pilot::rules::{end_of_day, last_day};
    now >= end_of_day(last_day(due_on, calendar))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, d).unwrap()
    }

    fn keys(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.key).collect()
    }

    #[test]
    fn report_numbers_are_read_as_people_write_them() {
        assert_eq!(parse_reports("12, 15").unwrap(), [12, 15]);
        assert_eq!(parse_reports("#12 #15; 12").unwrap(), [12, 15]);
        assert_eq!(parse_reports("  ").unwrap(), Vec::<i64>::new());
        let e = parse_reports("12, mười lăm").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.key.as_str()),
            ("reports", "error.commitment_reports")
        );
        assert!(parse_reports("0").is_err());
        let many = (1..=21)
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(
            parse_reports(&many).unwrap_err().key,
            "error.commitment_reports_many"
        );
    }

    #[test]
    fn a_commitment_says_what_by_when_and_who() {
        let today = day(3, 1);
        let body = "Mọi hồ sơ chứng thực nộp trước 10 giờ được trả trong ngày.";
        let (errors, due) = check_commitment(
            "Trả kết quả chứng thực trong ngày",
            body,
            "Chủ tịch UBND phường",
            "2027-03-31",
            today,
        );
        assert!(errors.is_empty());
        assert_eq!(due, Some(day(3, 31)));
        let (errors, due) = check_commitment("Nhanh", "Sẽ làm", "", "2027-02-01", today);
        assert_eq!(
            keys(errors),
            [
                "error.text_too_short",
                "error.text_too_short",
                "error.text_too_short",
                "error.commitment_past"
            ]
        );
        assert_eq!(due, None);
        let (errors, _) = check_commitment(
            "Trả kết quả chứng thực trong ngày",
            body,
            "Chủ tịch",
            "2030-01-01",
            today,
        );
        assert_eq!(keys(errors), ["error.commitment_too_far"]);
        let (errors, _) = check_commitment(
            "Trả kết quả chứng thực trong ngày",
            body,
            "Chủ tịch",
            "31/03/2027",
            today,
        );
        assert_eq!(keys(errors), ["error.date_invalid"]);
    }

    #[test]
    fn a_date_moves_to_another_day_with_a_reason() {
        let today = day(3, 1);
        let why = "Nhà thầu giao thiết bị chậm hai tuần.";
        assert_eq!(
            check_move(why, "2027-04-15", day(3, 31), today).1,
            Some(day(4, 15))
        );
        assert_eq!(
            keys(check_move(why, "2027-03-31", day(3, 31), today).0),
            ["error.milestone_same_date"]
        );
        assert_eq!(
            keys(check_move("Chậm", "2027-04-15", day(3, 31), today).0),
            ["error.text_too_short"]
        );
        assert_eq!(keys(check_done("Xong")), ["error.text_too_short"]);
        // Missed, then moved: late until kept, and kept late.
        let law = crate::calendar::Calendar::statutory();
        let noon = |d: NaiveDate| crate::pilot::rules::end_of_day(d) - chrono::Duration::hours(12);
        let (first, later) = (day(3, 1), day(3, 31));
        assert!(missed(first, noon(day(3, 2)), &law));
        assert!(!missed(first, noon(first), &law));
        assert_eq!(
            standing(later, None, None, noon(day(3, 2)), &law),
            (Timing::Ahead, 0)
        );
        assert_eq!(
            standing(later, Some(first), None, noon(day(3, 4)), &law),
            (Timing::Late, 3)
        );
        assert_eq!(
            standing(
                later,
                Some(first),
                Some(noon(day(3, 5))),
                noon(day(3, 6)),
                &law
            ),
            (Timing::DoneLate, 0)
        );
        assert_eq!(
            standing(later, None, Some(noon(day(3, 5))), noon(day(3, 6)), &law),
            (Timing::DoneOnTime, 0)
        );
        for kind in LinkKind::ALL {
            assert_eq!(LinkKind::from_code(kind.code()), Some(kind));
        }
    }
}
