//! The signed-in person as the pages see them, and the roles they hold.

use serde::{Deserialize, Serialize};

use crate::i18n::Locale;

/// A staff role: this person acts for this organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRole {
    pub organisation_id: i64,
    pub organisation_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    /// The account's id. Pages never send it to the browser (which has no use for it): a page
    /// rendered for one person of a class is sent to the others ([`Viewer::stand_in`]).
    #[serde(skip_serializing, default)]
    pub id: i64,
    pub display_name: String,
    /// The account's email address; an account made with a phone number may have none.
    pub email: Option<String>,
    /// The account's mobile number (international form), once proved.
    pub phone: Option<String>,
    pub is_admin: bool,
    /// The account's address or number is proved.
    pub verified: bool,
    /// The account's phone number is proved (a vote may ask for one).
    pub phone_verified: bool,
    pub staff: Vec<StaffRole>,
    pub unread_notifications: u64,
    /// Sits on at least one judging panel.
    pub is_judge: bool,
    /// The language chosen on the account (a language cookie overrides it).
    pub locale: Locale,
    /// Signs in with a second step (an authenticator app's code).
    pub two_factor: bool,
    /// Holds an office (administrator, staff, judge) that waits for two-step sign-in: until it
    /// is on, the roles above are withheld and the person acts as a citizen.
    pub office_waiting: bool,
}

/// The stand-ins for a person's own words in a page shared by their class: letters and digits
/// only (so that HTML and JSON write them as they are), random per process (so that nobody can
/// name a team after one).
#[cfg(feature = "ssr")]
pub struct StandInMarks {
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[cfg(feature = "ssr")]
pub fn stand_in_marks() -> &'static StandInMarks {
    static MARKS: std::sync::LazyLock<StandInMarks> = std::sync::LazyLock::new(|| StandInMarks {
        name: format!("vdname{}", crate::token::random_token(12)),
        email: format!("vdemail{}", crate::token::random_token(12)),
        phone: format!("vdphone{}", crate::token::random_token(12)),
    });
    &MARKS
}

/// Who is asking, as the edge of a request finds them (their account, if signed in, their
/// network address, their language): built once per request and passed down as a value, so
/// that nothing below the edge reads the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requester {
    pub viewer: Option<Viewer>,
    pub ip: String,
    pub locale: Locale,
}

impl Requester {
    /// Someone acting outside a request (the demo data, a worker): `viewer`, from no network
    /// address.
    pub fn acting(viewer: &Viewer) -> Self {
        Requester {
            viewer: Some(viewer.clone()),
            ip: String::new(),
            locale: viewer.locale,
        }
    }

    /// The site itself, acting on its first start (the demo data): nobody signed in.
    pub fn site() -> Self {
        Requester {
            viewer: None,
            ip: String::new(),
            locale: Locale::Vi,
        }
    }

    /// The signed-in person asking, or "sign in".
    pub fn signed_in(&self) -> Result<&Viewer, crate::error::AppError> {
        self.viewer
            .as_ref()
            .ok_or(crate::error::AppError::Unauthenticated)
    }

    /// The signed-in person asking, whose email is verified.
    pub fn verified(&self) -> Result<&Viewer, crate::error::AppError> {
        let viewer = self.signed_in()?;
        if viewer.verified {
            Ok(viewer)
        } else {
            Err(crate::error::AppError::Forbidden)
        }
    }
}

impl Viewer {
    /// Where the account is reached: its email address, or else its phone number.
    pub fn reached_at(&self) -> &str {
        self.email
            .as_deref()
            .or(self.phone.as_deref())
            .unwrap_or_default()
    }

    /// Why an office's act is refused: an official whose roles wait for two-step sign-in is told
    /// so; anyone else is simply not allowed.
    pub fn refusal(&self) -> crate::error::AppError {
        if self.office_waiting {
            crate::error::AppError::TwoFactorNeeded
        } else {
            crate::error::AppError::Forbidden
        }
    }

    /// Admins act for every organisation; staff only for their own.
    pub fn is_staff_of(&self, organisation_id: i64) -> bool {
        self.is_admin
            || self
                .staff
                .iter()
                .any(|s| s.organisation_id == organisation_id)
    }

    pub fn is_staff(&self) -> bool {
        self.is_admin || !self.staff.is_empty()
    }

    /// This person as a page shared with everyone of their class is rendered for (see
    /// `query::page_class`): their own account, so what is read by it is theirs and, by their
    /// class, everyone's; with [`stand_in_marks`] for their name, email address and phone
    /// number, which each answer fills in with its own person's.
    #[cfg(feature = "ssr")]
    pub fn stand_in(&self) -> Viewer {
        let marks = stand_in_marks();
        Viewer {
            display_name: marks.name.clone(),
            email: self.email.as_ref().map(|_| marks.email.clone()),
            phone: self.phone.as_ref().map(|_| marks.phone.clone()),
            ..self.clone()
        }
    }

    /// Whether this person's name, email address and phone number read the same wherever a page
    /// writes them (HTML text and attributes, JSON inside a script): only then can they be filled
    /// into a shared page as they are. Letters, digits, spaces and `.-_@+` do; anything else
    /// (`&`, quotes, a combining mark) gets a page rendered for this person alone.
    pub fn plainly_written(&self) -> bool {
        let plain = |s: &str| {
            s.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_' | '@' | '+'))
                && format!("{s:?}") == format!("\"{s}\"")
        };
        plain(&self.display_name)
            && self.email.as_deref().is_none_or(plain)
            && self.phone.as_deref().is_none_or(plain)
    }

    /// The role shown beside this person's name in the audit log.
    pub fn role_code(&self) -> &'static str {
        if self.is_admin {
            "admin"
        } else if !self.staff.is_empty() {
            "staff"
        } else if self.verified {
            "citizen"
        } else {
            "unverified"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn citizen() -> Viewer {
        Viewer {
            id: 1,
            display_name: "Lan".into(),
            email: Some("lan@example.vn".into()),
            phone: None,
            is_admin: false,
            verified: true,
            phone_verified: false,
            staff: vec![],
            unread_notifications: 0,
            is_judge: false,
            locale: Locale::Vi,
            two_factor: false,
            office_waiting: false,
        }
    }

    #[test]
    fn staff_act_only_for_their_own_organisation() {
        let mut v = citizen();
        v.staff.push(StaffRole {
            organisation_id: 2,
            organisation_name: "Phường 1".into(),
        });
        assert!(v.is_staff_of(2));
        assert!(!v.is_staff_of(3));
        assert_eq!(v.role_code(), "staff");
    }

    #[test]
    fn admins_act_for_every_organisation() {
        let mut v = citizen();
        v.is_admin = true;
        assert!(v.is_staff_of(42));
        assert_eq!(v.role_code(), "admin");
    }

    #[test]
    fn a_verified_account_without_other_roles_is_a_citizen() {
        assert_eq!(citizen().role_code(), "citizen");
        assert!(!citizen().is_staff());
    }

    #[test]
    fn only_words_that_every_part_of_a_page_writes_as_they_are_can_be_filled_in() {
        let named = |name: &str| Viewer {
            display_name: name.into(),
            ..citizen()
        };
        for plain in [
            "Lan",
            "Nguyễn Thị Hồng Nhung",
            "Tổ 5 - P.Bến Nghé",
            "Мария",
            "李雷",
        ] {
            assert!(named(plain).plainly_written(), "{plain}");
        }
        // Escaped by HTML, JSON or a script's string; a combining mark (the decomposed "ế")
        // is escaped when written into a script.
        for odd in [
            "A & B",
            "<b>",
            "O'Neil",
            "\"Ba\"",
            "a\\b",
            "Ne\u{301}",
            "tab\there",
        ] {
            assert!(!named(odd).plainly_written(), "{odd}");
        }
        let phone = Viewer {
            phone: Some("+84912345678".into()),
            ..citizen()
        };
        assert!(phone.plainly_written());
    }

    #[test]
    fn the_account_id_never_goes_to_the_browser() {
        let sent = serde_json::to_string(&citizen()).unwrap();
        assert!(!sent.contains("\"id\""), "{sent}");
        let back: Viewer = serde_json::from_str(&sent).unwrap();
        assert_eq!(back.id, 0);
    }
}

/// One of a person's signed-in browsers, as their account page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Names the session to end it (derived from its key; signs nobody in).
    pub handle: String,
    /// The browser this page was asked from.
    pub this_browser: bool,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    /// What the browser said it is, shortened.
    pub device: String,
    pub ip: String,
}
