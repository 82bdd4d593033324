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
