//! Helper groups as pages show them, and the desks a person may file a report at for someone
//! else.

use serde::{Deserialize, Serialize};

use crate::org::model::Organisation;

/// Where a report filed for someone else comes from: an organisation's one-stop desk (its staff)
/// or a helper group (its volunteers). Forms send it as `org:3` or `group:5`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Desk {
    Organisation(i64),
    Group(i64),
}

impl Desk {
    pub fn code(self) -> String {
        match self {
            Desk::Organisation(id) => format!("org:{id}"),
            Desk::Group(id) => format!("group:{id}"),
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        let (kind, id) = code.trim().split_once(':')?;
        let id = id.parse().ok()?;
        match kind {
            "org" => Some(Desk::Organisation(id)),
            "group" => Some(Desk::Group(id)),
            _ => None,
        }
    }
}

/// A desk the viewer may file at, as the form's choice shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskChoice {
    pub desk: Desk,
    /// The group's name, or the organisation's (the page adds "one-stop desk of").
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelperMember {
    pub user_id: i64,
    pub name: String,
    /// How the account is reached (email, or phone as people write it), half hidden: shown to
    /// the group's coordinators and administrators only.
    pub reached_at: Option<String>,
    pub coordinator: bool,
    /// The person reading: they may leave the group.
    pub you: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelperGroup {
    pub id: i64,
    pub name: String,
    pub organisation: Organisation,
    pub members: Vec<HelperMember>,
    /// The viewer adds and removes its members (its coordinator, or an administrator).
    pub manages: bool,
    /// Reports its volunteers filed (counted by the reports' side).
    pub reports_filed: u64,
}

/// What the helpers' page shows the viewer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Helping {
    /// The groups the viewer belongs to (every group, for an administrator).
    pub groups: Vec<HelperGroup>,
    /// Where the viewer may file a report for someone else.
    pub desks: Vec<DeskChoice>,
    /// The viewer registers groups (an administrator).
    pub registers: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desks_read_back_what_they_write() {
        for desk in [Desk::Organisation(3), Desk::Group(12)] {
            assert_eq!(Desk::from_code(&desk.code()), Some(desk));
        }
        for bad in ["", "org", "org:", "org:x", "team:3", "group:-", "3"] {
            assert_eq!(Desk::from_code(bad), None, "{bad}");
        }
    }
}
