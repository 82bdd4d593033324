//! The rules of accounts as plain functions: what a valid email, name and password are, and when
//! repeated failed sign-ins slow down and then lock an account or an address.

use chrono::{DateTime, Duration, Utc};

use crate::error::FieldError;

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const NAME_MAX_CHARS: usize = 80;

/// Failures counted within this window.
pub const LOCKOUT_WINDOW_MINUTES: i64 = 15;
/// This many failures for one account lock it for the rest of the window.
pub const ACCOUNT_LOCK_AFTER: usize = 5;
/// This many failures from one address lock that address for the rest of the window.
pub const ADDRESS_LOCK_AFTER: usize = 20;

static COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Emails are compared in lower case and without surrounding spaces.
pub fn normalise_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

pub fn check_email(email: &str) -> Result<(), FieldError> {
    let invalid = || FieldError::new("email", "error.email_invalid");
    if email.is_empty() || email.len() > 254 || email.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@');
    if local.is_empty() || !domain_ok {
        return Err(invalid());
    }
    Ok(())
}

pub fn check_display_name(name: &str) -> Result<(), FieldError> {
    let count = name.chars().count();
    if !(2..=NAME_MAX_CHARS).contains(&count) || name.chars().any(char::is_control) {
        return Err(FieldError::new("display_name", "error.display_name_length")
            .with("max", NAME_MAX_CHARS));
    }
    Ok(())
}

/// Checks a new password; `field` is the form field it came from.
pub fn check_new_password(field: &str, password: &str, email: &str) -> Result<(), FieldError> {
    let count = password.chars().count();
    if count < PASSWORD_MIN_CHARS {
        return Err(
            FieldError::new(field, "error.password_too_short").with("min", PASSWORD_MIN_CHARS)
        );
    }
    if count > PASSWORD_MAX_CHARS {
        return Err(
            FieldError::new(field, "error.password_too_long").with("max", PASSWORD_MAX_CHARS)
        );
    }
    let lowered = password.trim().to_lowercase();
    if lowered == email
        || COMMON_PASSWORDS
            .lines()
            .any(|common| common.trim() == lowered)
    {
        return Err(FieldError::new(field, "error.password_common"));
    }
    Ok(())
}

/// A sign-in attempt as the lockout rules see it.
#[derive(Clone, Copy, Debug)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub succeeded: bool,
}

/// Failures since the last success, within the window.
fn recent_failures(attempts: &[Attempt], now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let since = now - Duration::minutes(LOCKOUT_WINDOW_MINUTES);
    let last_success = attempts.iter().filter(|a| a.succeeded).map(|a| a.at).max();
    let mut failures: Vec<_> = attempts
        .iter()
        .filter(|a| !a.succeeded && a.at > since && last_success.is_none_or(|s| a.at > s))
        .map(|a| a.at)
        .collect();
    failures.sort();
    failures
}

/// Until when sign-in is refused, given the attempts on one account or from one address.
pub fn locked_until(
    attempts: &[Attempt],
    limit: usize,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let failures = recent_failures(attempts, now);
    if failures.len() < limit {
        return None;
    }
    // Locked until the oldest of the last `limit` failures leaves the window.
    let oldest_counted = failures[failures.len() - limit];
    Some(oldest_counted + Duration::minutes(LOCKOUT_WINDOW_MINUTES))
}

/// How long to wait before answering, growing with each recent failure (0 ms, 250 ms, 500 ms, …,
/// at most 2 s), so guessing is slow well before the account locks.
pub fn slowdown_ms(attempts: &[Attempt], now: DateTime<Utc>) -> u64 {
    let failures = recent_failures(attempts, now).len() as u64;
    (failures * 250).min(2_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(minutes_ago: i64, now: DateTime<Utc>) -> Attempt {
        Attempt {
            at: now - Duration::minutes(minutes_ago),
            succeeded: false,
        }
    }

    #[test]
    fn emails_are_trimmed_and_lowered_and_must_look_like_emails() {
        assert_eq!(
            normalise_email("  Lan.Nguyen@Example.VN "),
            "lan.nguyen@example.vn"
        );
        assert!(check_email("lan@example.vn").is_ok());
        for bad in [
            "",
            "lan",
            "lan@",
            "@example.vn",
            "lan@example",
            "lan @example.vn",
            "a@b@c.vn",
        ] {
            assert!(check_email(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn a_short_or_common_password_is_refused() {
        assert_eq!(
            check_new_password("password", "ngắn", "a@b.vn")
                .unwrap_err()
                .key,
            "error.password_too_short"
        );
        assert_eq!(
            check_new_password("password", "1234567890", "a@b.vn")
                .unwrap_err()
                .key,
            "error.password_common"
        );
        assert_eq!(
            check_new_password("password", "Password123", "a@b.vn")
                .unwrap_err()
                .key,
            "error.password_common"
        );
        assert!(check_new_password("password", "sông Hương chiều thu", "a@b.vn").is_ok());
    }

    #[test]
    fn a_password_that_is_the_email_is_refused() {
        assert!(check_new_password("password", "lan@example.vn", "lan@example.vn").is_err());
    }

    #[test]
    fn display_names_need_two_to_eighty_characters() {
        assert!(check_display_name("Lê").is_ok());
        assert!(check_display_name("L").is_err());
        assert!(check_display_name(&"a".repeat(81)).is_err());
    }

    #[test]
    fn an_account_locks_after_five_recent_failures() {
        let now = Utc::now();
        let four: Vec<_> = (1..=4).map(|m| fail(m, now)).collect();
        assert_eq!(locked_until(&four, ACCOUNT_LOCK_AFTER, now), None);
        let mut five = four.clone();
        five.push(fail(5, now));
        let until = locked_until(&five, ACCOUNT_LOCK_AFTER, now).expect("locked");
        assert_eq!(
            until,
            now - Duration::minutes(5) + Duration::minutes(LOCKOUT_WINDOW_MINUTES)
        );
    }

    #[test]
    fn failures_older_than_the_window_or_before_a_success_do_not_count() {
        let now = Utc::now();
        let mut attempts: Vec<_> = (20..25).map(|m| fail(m, now)).collect();
        assert_eq!(locked_until(&attempts, ACCOUNT_LOCK_AFTER, now), None);
        attempts = (2..7).map(|m| fail(m, now)).collect();
        attempts.push(Attempt {
            at: now - Duration::minutes(1),
            succeeded: true,
        });
        assert_eq!(locked_until(&attempts, ACCOUNT_LOCK_AFTER, now), None);
    }

    #[test]
    fn answers_slow_down_with_each_failure_up_to_two_seconds() {
        let now = Utc::now();
        assert_eq!(slowdown_ms(&[], now), 0);
        assert_eq!(slowdown_ms(&[fail(1, now), fail(2, now)], now), 500);
        let many: Vec<_> = (0..12).map(|m| fail(m, now)).collect();
        assert_eq!(slowdown_ms(&many, now), 2_000);
    }
}
