//! The rules of a team as plain functions: what its form must say, when teams may form, whether one
//! more person fits, and how a join code is read.

use chrono::{DateTime, Utc};

use crate::challenge::rules::Phase;
use crate::error::{AppError, FieldError};

pub fn check_team(
    name: &str,
    organisation: &str,
    description: &str,
    contact: &str,
) -> Vec<FieldError> {
    [
        FieldError::length("name", name, 2, 120),
        FieldError::length("organisation_name", organisation, 0, 160),
        FieldError::length("description", description, 0, 1000),
        FieldError::length("contact", contact, 5, 200),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Teams form and change while a challenge is coming or open; after entries close they are what
/// they are. The refusal says when that was.
pub fn check_can_change(phase: Phase, entries_close_at: DateTime<Utc>) -> Result<(), AppError> {
    match phase {
        Phase::Upcoming | Phase::Open => Ok(()),
        Phase::Draft => Err(AppError::NotFound),
        _ => Err(AppError::Conflict {
            key: "error.teams_closed".into(),
            params: vec![("at".into(), crate::i18n::format_datetime(entries_close_at))],
        }),
    }
}

/// One more member fits a team of `size` when the challenge allows `max`.
pub fn check_room(size: u64, max: i32) -> Result<(), AppError> {
    if size < max.max(1) as u64 {
        Ok(())
    } else {
        Err(AppError::Conflict {
            key: "error.team_full".into(),
            params: vec![("max".into(), max.to_string())],
        })
    }
}

/// The alphabet of join codes: no 0/O or 1/I/L, which people misread when they copy a code.
pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const CODE_LENGTH: usize = 8;

/// A join code as people type it: any case, with spaces or dashes.
pub fn normalise_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_needs_a_name_and_a_way_to_reach_it() {
        let fields: Vec<String> = check_team("A", "", "", "")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "contact"]);
        assert!(check_team("Nhóm Sen Hồng", "ĐH Tây Ninh", "", "0909 123 456").is_empty());
    }

    #[test]
    fn teams_change_only_until_entries_close() {
        let at = Utc::now();
        assert!(check_can_change(Phase::Open, at).is_ok());
        assert!(check_can_change(Phase::Upcoming, at).is_ok());
        assert!(matches!(
            check_can_change(Phase::Judging, at),
            Err(AppError::Conflict { key, .. }) if key == "error.teams_closed"
        ));
        assert_eq!(check_can_change(Phase::Draft, at), Err(AppError::NotFound));
    }

    #[test]
    fn a_full_team_takes_no_one_more() {
        assert!(check_room(4, 5).is_ok());
        assert!(check_room(5, 5).is_err());
        assert!(check_room(1, 1).is_err());
    }

    #[test]
    fn join_codes_are_read_forgivingly() {
        assert_eq!(normalise_code(" abcd-23 ef "), "ABCD23EF");
    }
}
