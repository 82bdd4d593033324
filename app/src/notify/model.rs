//! Kinds of notification and a notification as the list shows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::{Text, k};

/// Every kind of event a person can be told about. Each has a text with parameters and can be
/// switched off for email (never in the app: the list is the record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotificationKind {
    /// An admin made you staff of an organisation.
    StaffRoleGranted,
    /// Your password was changed or reset.
    PasswordChanged,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 2] = [
        NotificationKind::StaffRoleGranted,
        NotificationKind::PasswordChanged,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NotificationKind::StaffRoleGranted => "staff_role_granted",
            NotificationKind::PasswordChanged => "password_changed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The sentence shown in the list and used as the email's subject.
    pub fn text(self) -> Text {
        match self {
            NotificationKind::StaffRoleGranted => k::NOTIFY_STAFF_ROLE_GRANTED,
            NotificationKind::PasswordChanged => k::NOTIFY_PASSWORD_CHANGED,
        }
    }

    /// The label of this kind on the email preferences form.
    pub fn preference_label(self) -> Text {
        match self {
            NotificationKind::StaffRoleGranted => k::PREFS_STAFF_ROLE_GRANTED,
            NotificationKind::PasswordChanged => k::PREFS_PASSWORD_CHANGED,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationItem {
    pub id: i64,
    pub kind: NotificationKind,
    pub params: Vec<(String, String)>,
    pub link: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmailPreference {
    pub kind: NotificationKind,
    pub email: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_codes_round_trip() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(NotificationKind::from_code("nonsense"), None);
    }
}
