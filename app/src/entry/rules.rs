//! The rules of an entry as plain functions: what a draft may hold, what a submission needs, and
//! whether the deadline has passed.

use chrono::{DateTime, Utc};

use super::model::EntryFields;
use crate::error::{AppError, FieldError};

pub const SUMMARY_MAX: usize = 600;

/// A draft holds whatever the team typed, within the lengths of a submission.
pub fn check_draft(f: &EntryFields) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = [
        FieldError::length("title", &f.title, 0, 160),
        FieldError::length("summary", &f.summary, 0, SUMMARY_MAX),
        FieldError::length("solution", &f.solution, 0, 30_000),
        FieldError::length("pilot_plan", &f.pilot_plan, 0, 10_000),
        FieldError::length("experience", &f.experience, 0, 5_000),
        FieldError::length("demo_url", &f.demo_url, 0, 500),
    ]
    .into_iter()
    .flatten()
    .collect();
    if crate::i18n::format::parse_vnd(&f.cost).is_none() {
        errors.push(FieldError::new("cost", "error.money_invalid"));
    }
    if !f.demo_url.trim().is_empty() && !is_web_address(&f.demo_url) {
        errors.push(FieldError::new("demo_url", "error.url_invalid"));
    }
    errors
}

/// A submission is complete: every part written, the rules acknowledged.
pub fn check_submission(f: &EntryFields) -> Vec<FieldError> {
    let mut errors = check_draft(f);
    for (field, value, min) in [
        ("title", &f.title, 5),
        ("summary", &f.summary, 20),
        ("solution", &f.solution, 50),
        ("pilot_plan", &f.pilot_plan, 20),
    ] {
        if !errors.iter().any(|e| e.field == field)
            && let Some(e) = FieldError::length(field, value, min, usize::MAX)
        {
            errors.push(e);
        }
    }
    if f.acknowledged.is_none() {
        errors.push(FieldError::new("acknowledged", "error.acknowledge_rules"));
    }
    errors
}

/// An `http` or `https` address with a host.
pub fn is_web_address(url: &str) -> bool {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && host
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-.:".contains(c))
                && !url.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Entries change until the moment entries close, checked when the change is written (a request
/// that started a second before is still too late if it arrives after).
pub fn check_open(closes_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), AppError> {
    if now < closes_at {
        Ok(())
    } else {
        Err(AppError::Conflict {
            key: "error.entries_closed".into(),
            params: vec![("at".into(), crate::i18n::format_datetime(closes_at))],
        })
    }
}

/// How many files an entry may carry.
pub const MAX_ATTACHMENTS: usize = 10;

/// Whether this challenge's entries are public at `now`.
#[cfg(feature = "ssr")]
pub fn are_public(c: &crate::challenge::entity::challenge::Model, now: DateTime<Utc>) -> bool {
    c.status == crate::challenge::rules::Status::Published.code()
        && entries_public(c.vote_opens_at, c.results_published_at, now)
}

/// Entries are public (title, summary, team, the attachments marked public) from the moment the
/// public vote opens or the results are published, whichever comes first; never earlier.
pub fn entries_public(
    vote_opens_at: Option<DateTime<Utc>>,
    results_published_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    vote_opens_at.is_some_and(|at| at <= now) || results_published_at.is_some_and(|at| at <= now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> EntryFields {
        EntryFields {
            title: "Số thứ tự qua tin nhắn".into(),
            summary: "Người dân lấy số và nhận tin nhắn khi sắp đến lượt.".into(),
            solution: "Một máy lấy số nối với tổng đài tin nhắn; bảng điện tử ở sảnh; không cần điện thoại thông minh.".into(),
            pilot_plan: "Ba tháng ở bộ phận một cửa Phường 1, hai quầy.".into(),
            cost: "120.000.000".into(),
            experience: "Đã triển khai ở hai bệnh viện.".into(),
            demo_url: "https://github.com/sen-hong/xep-hang".into(),
            acknowledged: Some("on".into()),
        }
    }

    #[test]
    fn a_draft_may_be_unfinished_but_not_too_long() {
        assert!(check_draft(&EntryFields::default()).is_empty());
        let long = EntryFields {
            title: "x".repeat(161),
            ..Default::default()
        };
        assert_eq!(check_draft(&long)[0].field, "title");
    }

    #[test]
    fn a_submission_is_complete_and_acknowledges_the_rules() {
        assert!(check_submission(&complete()).is_empty());
        let mut f = complete();
        f.acknowledged = None;
        f.solution = "Ngắn".into();
        let fields: Vec<String> = check_submission(&f).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["solution", "acknowledged"]);
    }

    #[test]
    fn only_web_addresses_are_links() {
        assert!(is_web_address("https://example.vn/demo?x=1"));
        assert!(is_web_address("http://localhost.test:8080"));
        assert!(!is_web_address("javascript:alert(1)"));
        assert!(!is_web_address("ftp://example.vn"));
        assert!(!is_web_address("https://"));
        assert!(!is_web_address("https://exa mple.vn"));
    }

    #[test]
    fn the_deadline_is_to_the_second() {
        let closes = Utc::now();
        assert!(check_open(closes, closes - chrono::Duration::seconds(1)).is_ok());
        assert!(check_open(closes, closes).is_err());
    }

    #[test]
    fn entries_are_public_from_the_vote_or_the_results_whichever_comes_first() {
        let now = Utc::now();
        let hour = chrono::Duration::hours(1);
        assert!(!entries_public(None, None, now));
        assert!(!entries_public(Some(now + hour), None, now));
        assert!(entries_public(Some(now), None, now));
        assert!(entries_public(None, Some(now - hour), now));
        assert!(entries_public(Some(now + hour), Some(now - hour), now));
        assert!(!entries_public(Some(now + hour), Some(now + hour), now));
    }
}
