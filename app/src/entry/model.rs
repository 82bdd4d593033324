//! An entry as its team edits it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The fields a team writes; also the content of each submitted version. A form saves all of
/// them at once; a field it leaves out is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EntryFields {
    pub title: String,
    pub summary: String,
    pub solution: String,
    pub pilot_plan: String,
    pub cost: String,
    pub experience: String,
    pub demo_url: String,
    pub acknowledged: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryStatus {
    Draft,
    Submitted,
    Ineligible,
}

impl EntryStatus {
    pub fn code(self) -> &'static str {
        match self {
            EntryStatus::Draft => "draft",
            EntryStatus::Submitted => "submitted",
            EntryStatus::Ineligible => "ineligible",
        }
    }

    pub fn label(self) -> crate::i18n::Text {
        use crate::i18n::k;
        match self {
            EntryStatus::Draft => k::ENTRY_STATE_DRAFT,
            EntryStatus::Submitted => k::ENTRY_STATE_SUBMITTED,
            EntryStatus::Ineligible => k::ENTRY_STATE_INELIGIBLE,
        }
    }

    pub fn from_code(code: &str) -> Self {
        match code {
            "submitted" => EntryStatus::Submitted,
            "ineligible" => EntryStatus::Ineligible,
            _ => EntryStatus::Draft,
        }
    }
}

/// The entry as its team sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryView {
    pub team_id: i64,
    pub fields: EntryFields,
    pub status: EntryStatus,
    /// Counts saves; a save names the version it started from.
    pub version: i32,
    /// Saved changes that are not in the last submission.
    pub unsubmitted_changes: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submissions: u64,
    pub ineligible_reason: Option<String>,
    pub updated_by: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

/// A file the team attached to its entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryFile {
    pub file: crate::upload::model::FileLink,
    /// Shown with the entry once entries are public.
    pub public: bool,
}

/// The files of an entry as its team manages them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryFiles {
    pub team_id: i64,
    pub files: Vec<EntryFile>,
    /// Whether files can still be added or removed (the team's deadline has not passed).
    pub open: bool,
    pub max: usize,
}

/// An entry as everyone sees it once entries are public: what the team last submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicEntry {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub team_name: String,
    pub organisation_name: Option<String>,
    pub files: Vec<crate::upload::model::FileLink>,
}

/// One team's entry on the staff list of a challenge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffEntryRow {
    pub team_id: i64,
    pub team_name: String,
    pub organisation_name: Option<String>,
    pub members: u64,
    pub title: String,
    pub status: EntryStatus,
    pub submissions: u64,
    pub submitted_at: Option<DateTime<Utc>>,
    pub ineligible_reason: Option<String>,
    pub extended_until: Option<DateTime<Utc>>,
}

/// The staff list as CSV: UTF-8 with a byte-order mark, so a spreadsheet shows Vietnamese right.
pub fn to_csv(
    rows: &[StaffEntryRow],
    header: [&str; 8],
    status: impl Fn(EntryStatus) -> String,
) -> String {
    let mut out = String::from(crate::csv::BOM);
    out.push_str(&crate::csv::line(&header));
    for r in rows {
        let line = [
            r.team_name.clone(),
            r.organisation_name.clone().unwrap_or_default(),
            r.members.to_string(),
            r.title.clone(),
            status(r.status),
            r.submissions.to_string(),
            r.submitted_at
                .map(crate::i18n::format_datetime)
                .unwrap_or_default(),
            r.ineligible_reason.clone().unwrap_or_default(),
        ];
        out.push_str(&crate::csv::line(&line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_starts_with_a_bom_and_quotes_what_needs_it() {
        let row = StaffEntryRow {
            team_id: 1,
            team_name: "Nhóm \"Sen\", Hồng".into(),
            organisation_name: None,
            members: 3,
            title: "Số thứ tự\nqua tin nhắn".into(),
            status: EntryStatus::Submitted,
            submissions: 2,
            submitted_at: None,
            ineligible_reason: None,
            extended_until: None,
        };
        let csv = to_csv(&[row], ["a", "b", "c", "d", "e", "f", "g", "h"], |s| {
            s.code().into()
        });
        assert!(csv.starts_with('\u{feff}'));
        let line = csv.lines().nth(1).unwrap();
        assert!(
            line.starts_with("\"Nhóm \"\"Sen\"\", Hồng\",,3,\"Số thứ tự"),
            "{line}"
        );
        assert!(csv.contains("qua tin nhắn\",submitted,2,,\r\n"));
    }
}
