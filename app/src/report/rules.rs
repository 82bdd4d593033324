//! The rules of a report as plain functions: what a new report must say, and whether its answer
//! came on time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::i18n::{Text, k};

pub const TITLE_MAX: usize = 160;
pub const DESCRIPTION_MAX: usize = 5000;

/// How a report's response deadline stands, as the public sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Timeliness {
    /// Not answered yet, deadline still ahead.
    Waiting,
    AnsweredOnTime,
    AnsweredLate,
    /// Not answered and the deadline has passed.
    Overdue,
}

impl Timeliness {
    pub fn label(self) -> Text {
        match self {
            Timeliness::Waiting => k::REPORT_TIMELINESS_WAITING,
            Timeliness::AnsweredOnTime => k::REPORT_TIMELINESS_ON_TIME,
            Timeliness::AnsweredLate => k::REPORT_TIMELINESS_LATE,
            Timeliness::Overdue => k::REPORT_TIMELINESS_OVERDUE,
        }
    }

    /// The CSS modifier of its badge.
    pub fn tone(self) -> &'static str {
        match self {
            Timeliness::Waiting => "neutral",
            Timeliness::AnsweredOnTime => "good",
            Timeliness::AnsweredLate => "warn",
            Timeliness::Overdue => "bad",
        }
    }
}

pub fn timeliness(
    due_at: DateTime<Utc>,
    responded_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Timeliness {
    match responded_at {
        Some(at) if at <= due_at => Timeliness::AnsweredOnTime,
        Some(_) => Timeliness::AnsweredLate,
        None if now > due_at => Timeliness::Overdue,
        None => Timeliness::Waiting,
    }
}

pub fn check_report(title: &str, description: &str) -> Vec<FieldError> {
    [
        FieldError::length("title", title, 10, TITLE_MAX),
        FieldError::length("description", description, 30, DESCRIPTION_MAX),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A staff answer or a reason: long enough to say something, short enough to read.
pub fn check_response(field: &str, text: &str) -> Vec<FieldError> {
    FieldError::length(field, text, 10, 3000)
        .into_iter()
        .collect()
}

/// What the person who filed a report may say of its answer now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Nothing to rate: no answer yet (or the report was merged, or became a challenge).
    NotYet,
    /// An answer (or a reason it is out of scope) waits for their word.
    Open,
    /// They said it, for this answer.
    Given { satisfied: bool },
}

/// Whether the answer a report has can be rated: `answered` (an answer, or a reason it is out
/// of scope: `ReportStatus::is_answer`), not rated since it was given. A report reopened once
/// and answered again is rated again.
pub fn verdict(
    answered: bool,
    satisfied: Option<bool>,
    rated_at: Option<DateTime<Utc>>,
    responded_at: Option<DateTime<Utc>>,
) -> Verdict {
    if !answered {
        return Verdict::NotYet;
    }
    match (satisfied, rated_at, responded_at) {
        (Some(satisfied), Some(rated), Some(answered)) if rated >= answered => {
            Verdict::Given { satisfied }
        }
        _ => Verdict::Open,
    }
}

/// An answer that did not solve the problem reopens the report, once: a second answer that does
/// not is recorded, and the report stays closed.
pub fn reopens(satisfied: bool, reopened_before: bool) -> bool {
    !satisfied && !reopened_before
}

/// Why an answer did not solve it: a sentence, at least.
pub fn check_reopen_reason(text: &str) -> Vec<FieldError> {
    FieldError::length("reason", text, 10, 2000)
        .into_iter()
        .collect()
}

/// How a person helped to file a report agreed to it being filed in their name, as the helper
/// records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Consent {
    /// They said so, in front of the helper.
    Spoken,
    /// They signed (or put their fingerprint on) the desk's paper form.
    Signed,
    /// A relative or guardian agreed for them.
    Relative,
}

impl Consent {
    pub const ALL: [Consent; 3] = [Consent::Spoken, Consent::Signed, Consent::Relative];

    pub fn code(self) -> &'static str {
        match self {
            Consent::Spoken => "spoken",
            Consent::Signed => "signed",
            Consent::Relative => "relative",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            Consent::Spoken => k::CONSENT_SPOKEN,
            Consent::Signed => k::CONSENT_SIGNED,
            Consent::Relative => k::CONSENT_RELATIVE,
        }
    }
}

pub const FILED_FOR_NAME_MAX: usize = 120;

/// What a helper must record besides the report: the person's name as they wish it shown, and
/// their consent, asked (`consented`, the box the helper ticks) and how it was given.
pub fn check_assisted(name: &str, consent: &str, consented: bool) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> =
        FieldError::length("filed_for_name", name, 2, FILED_FOR_NAME_MAX)
            .into_iter()
            .collect();
    if !consented || Consent::from_code(consent).is_none() {
        errors.push(FieldError::new("consent", "error.consent_required"));
    }
    errors
}

/// The deadline a report must be answered by now: the latest appointment the organisation gave
/// after missing one, or else its first deadline.
pub fn due_now(
    response_due_at: DateTime<Utc>,
    appointed_due_at: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    appointed_due_at.unwrap_or(response_due_at)
}

pub const APOLOGY_REASON_MAX: usize = 2000;

/// How far ahead a new appointment may be: a missed deadline is not put off for months.
pub const APPOINTMENT_MAX_DAYS: i64 = 60;

/// A new appointment after a missed deadline: the reason (a sentence at least), and a date
/// (`YYYY-MM-DD`, as a date field sends it) after `today` that is a working day in `calendar`.
/// Returns the errors, and the date if it is one.
pub fn check_apology(
    reason: &str,
    date: &str,
    today: chrono::NaiveDate,
    calendar: &crate::calendar::Calendar,
) -> (Vec<FieldError>, Option<chrono::NaiveDate>) {
    let mut errors: Vec<FieldError> = FieldError::length("reason", reason, 10, APOLOGY_REASON_MAX)
        .into_iter()
        .collect();
    let date = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok();
    match date {
        None => errors.push(FieldError::new("new_date", "error.appointment_date")),
        Some(d) if d <= today => errors.push(FieldError::new("new_date", "error.appointment_past")),
        Some(d) if d > today + chrono::Duration::days(APPOINTMENT_MAX_DAYS) => errors.push(
            FieldError::new("new_date", "error.appointment_too_far")
                .with("days", APPOINTMENT_MAX_DAYS),
        ),
        Some(d) if !calendar.is_working_day(d) => {
            errors.push(FieldError::new("new_date", "error.appointment_day_off"))
        }
        Some(_) => {}
    }
    (errors, date)
}

/// How long an urgent report may wait for its answer: one working day of office hours, counted
/// in the offices' sessions from when staff marked it urgent.
pub const URGENT_MINUTES: u32 = 8 * 60;

/// A report's deadline once it is marked urgent at `now`: `URGENT_MINUTES` of office hours, or
/// its deadline as it stood if that is sooner.
pub fn urgent_due(
    now: DateTime<Utc>,
    due_as_it_stood: DateTime<Utc>,
    calendar: &crate::calendar::Calendar,
) -> DateTime<Utc> {
    calendar
        .working_minutes_after(now, URGENT_MINUTES)
        .min(due_as_it_stood)
}

/// A report's urgency changes only while it is open and within its deadline: a deadline already
/// missed is not moved by calling the report urgent (or no longer urgent) after the fact.
pub fn may_change_urgency(open: bool, due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    open && now <= due
}

pub const FORWARD_REASON_MAX: usize = 2000;

/// Why a report goes to another organisation: a sentence at least, said in public.
pub fn check_forward(from: i64, to: Option<i64>, reason: &str) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = FieldError::length("reason", reason, 10, FORWARD_REASON_MAX)
        .into_iter()
        .collect();
    match to {
        Some(to) if to != from => {}
        Some(_) => errors.push(FieldError::new("organisation_id", "error.forward_same")),
        None => errors.push(FieldError::new("organisation_id", "error.required")),
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, d, 10, 0, 0).unwrap()
    }

    #[test]
    fn a_report_filed_for_someone_names_them_and_records_their_consent() {
        assert!(check_assisted("Bà Tư", "spoken", true).is_empty());
        let fields = |errors: Vec<FieldError>| -> Vec<String> {
            errors.into_iter().map(|e| e.field).collect()
        };
        assert_eq!(
            fields(check_assisted(" ", "spoken", true)),
            ["filed_for_name"]
        );
        assert_eq!(
            fields(check_assisted("Bà Tư", "spoken", false)),
            ["consent"]
        );
        assert_eq!(fields(check_assisted("Bà Tư", "", true)), ["consent"]);
        assert_eq!(fields(check_assisted("Bà Tư", "nodded", true)), ["consent"]);
        for c in Consent::ALL {
            assert_eq!(Consent::from_code(c.code()), Some(c));
        }
    }

    #[test]
    fn a_new_appointment_is_a_later_working_day_with_a_reason() {
        let calendar = crate::calendar::Calendar::statutory();
        let today = chrono::NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
        let reason = "Hồ sơ cần xin ý kiến của Sở Tài nguyên và Môi trường.";
        let fields = |(errors, _): (Vec<FieldError>, Option<chrono::NaiveDate>)| -> Vec<String> {
            errors.into_iter().map(|e| e.key).collect()
        };
        assert_eq!(
            fields(check_apology(reason, "2027-02-03", today, &calendar)),
            Vec::<String>::new()
        );
        assert_eq!(
            fields(check_apology(reason, "2027-02-01", today, &calendar)),
            ["error.appointment_past"]
        );
        assert_eq!(
            fields(check_apology(reason, "03/02/2027", today, &calendar)),
            ["error.appointment_date"]
        );
        assert_eq!(
            fields(check_apology(reason, "2027-04-05", today, &calendar)),
            ["error.appointment_too_far"]
        );
        // Tết 2027: the Lunar New Year falls on 6 February; the days around it are off.
        assert_eq!(
            fields(check_apology(reason, "2027-02-08", today, &calendar)),
            ["error.appointment_day_off"]
        );
        // A Sunday.
        assert_eq!(
            fields(check_apology(reason, "2027-02-28", today, &calendar)),
            ["error.appointment_day_off"]
        );
        assert_eq!(
            fields(check_apology("Xin lỗi", "2027-02-03", today, &calendar)),
            ["error.text_too_short"]
        );
        let first = day(10);
        assert_eq!(due_now(first, None), first);
        assert_eq!(due_now(first, Some(day(20))), day(20));
    }

    #[test]
    fn an_urgent_report_is_due_within_a_working_day_of_office_hours() {
        let calendar = crate::calendar::Calendar::statutory();
        let city = crate::i18n::format::city_offset();
        let local = |d: u32, h: u32| {
            city.with_ymd_and_hms(2026, 3, d, h, 0, 0)
                .unwrap()
                .with_timezone(&Utc)
        };
        // Marked urgent on Friday 6 March 2026 at 10:00: due Monday at 10:00.
        let due_in_days = local(13, 23);
        assert_eq!(
            urgent_due(local(6, 10), due_in_days, &calendar),
            local(9, 10)
        );
        // A deadline already sooner stays.
        assert_eq!(
            urgent_due(local(6, 10), local(6, 17), &calendar),
            local(6, 17)
        );
        assert!(may_change_urgency(true, local(9, 10), local(9, 9)));
        assert!(
            !may_change_urgency(true, local(9, 10), local(9, 11)),
            "missed"
        );
        assert!(
            !may_change_urgency(false, local(9, 10), local(9, 9)),
            "closed"
        );
    }

    #[test]
    fn a_report_is_forwarded_elsewhere_with_a_reason() {
        let reason = "Tuyến đường do Sở Giao thông vận tải quản lý.";
        assert!(check_forward(1, Some(2), reason).is_empty());
        let keys = |errors: Vec<FieldError>| -> Vec<String> {
            errors.into_iter().map(|e| e.key).collect()
        };
        assert_eq!(
            keys(check_forward(1, Some(1), reason)),
            ["error.forward_same"]
        );
        assert_eq!(keys(check_forward(1, None, reason)), ["error.required"]);
        assert_eq!(
            keys(check_forward(1, Some(2), "Sai")),
            ["error.text_too_short"]
        );
    }

    #[test]
    fn an_answer_is_rated_once_and_reopens_the_report_once() {
        let answered = Some(day(9));
        assert_eq!(verdict(false, None, None, None), Verdict::NotYet);
        assert_eq!(verdict(false, None, None, answered), Verdict::NotYet);
        assert_eq!(verdict(true, None, None, answered), Verdict::Open);
        assert_eq!(
            verdict(true, Some(false), Some(day(10)), answered),
            Verdict::Given { satisfied: false }
        );
        // Reopened and answered again after the first word: the new answer waits for one.
        assert_eq!(
            verdict(true, Some(false), Some(day(10)), Some(day(12))),
            Verdict::Open
        );
        assert!(reopens(false, false));
        assert!(!reopens(false, true), "once");
        assert!(!reopens(true, false));
        assert_eq!(check_reopen_reason("Chưa").len(), 1);
        assert!(check_reopen_reason("Quầy mới vẫn chưa mở.").is_empty());
    }

    #[test]
    fn an_answer_before_the_deadline_is_on_time_and_after_it_late() {
        assert_eq!(
            timeliness(day(10), Some(day(9)), day(20)),
            Timeliness::AnsweredOnTime
        );
        assert_eq!(
            timeliness(day(10), Some(day(10)), day(20)),
            Timeliness::AnsweredOnTime
        );
        assert_eq!(
            timeliness(day(10), Some(day(11)), day(20)),
            Timeliness::AnsweredLate
        );
    }

    #[test]
    fn an_unanswered_report_is_overdue_only_once_the_deadline_passed() {
        assert_eq!(timeliness(day(10), None, day(9)), Timeliness::Waiting);
        assert_eq!(timeliness(day(10), None, day(11)), Timeliness::Overdue);
    }

    #[test]
    fn a_report_needs_a_real_title_and_description() {
        let errors = check_report("Xếp hàng", "ngắn");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "description"]);
        assert!(
            check_report(
                "Xếp hàng hai tiếng ở bộ phận một cửa",
                "Sáng nào cũng phải đến từ 6 giờ để lấy số, trưa mới tới lượt."
            )
            .is_empty()
        );
        let long = "a".repeat(TITLE_MAX + 1);
        assert_eq!(
            check_report(&long, &"b".repeat(40))[0].key,
            "error.text_too_long"
        );
    }
}
