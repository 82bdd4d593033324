//! Commitments as pages show them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::rules::LinkKind;
use crate::pilot::rules::{MilestoneFigures, Timing};
use crate::report::model::OrgName;

/// One commitment in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentSummary {
    pub id: i64,
    pub organisation: OrgName,
    pub title: String,
    /// The official who gave it, and their office, as published.
    pub official_name: String,
    pub official_role: String,
    pub due_on: NaiveDate,
    /// The due date is a day off: the working day after it, when it may still be kept on time.
    pub last_day: Option<NaiveDate>,
    /// The date first promised, when it moved.
    pub original_due_on: Option<NaiveDate>,
    /// The date it passed unkept before its date moved: it stays late.
    pub missed_on: Option<NaiveDate>,
    pub timing: Timing,
    pub days_overdue: i64,
    pub done_at: Option<DateTime<Utc>>,
    pub followers: u64,
}

/// What a commitment answers, as a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentLink {
    pub kind: LinkKind,
    pub id: i64,
    pub title: String,
    pub href: String,
}

/// A due date moved, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveView {
    pub at: DateTime<Utc>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
    pub by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentDetail {
    pub summary: CommitmentSummary,
    pub body: String,
    /// What was done, when it was kept.
    pub done_note: Option<String>,
    pub links: Vec<CommitmentLink>,
    /// Oldest first.
    pub moves: Vec<MoveView>,
    /// The viewer follows it.
    pub following: bool,
    /// The viewer is staff of its organisation and it is not done: they may move its date or
    /// say it is kept.
    pub can_manage: bool,
}

/// An organisation's commitments, counted as milestones are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgCommitments {
    pub organisation: OrgName,
    pub slug: String,
    pub figures: MilestoneFigures,
}

/// What the commitments page and the dashboard show: every organisation's figures, and the
/// commitments, late ones first, then those ahead by date, then those kept (latest first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentBoard {
    pub organisations: Vec<OrgCommitments>,
    pub items: Vec<CommitmentSummary>,
    /// The viewer may publish a commitment for these organisations.
    pub may_publish_for: Vec<OrgName>,
    /// What a new commitment may answer (for those who may publish one): published challenges
    /// and pilots, by id and title.
    pub challenges: Vec<(i64, String)>,
    pub pilots: Vec<(i64, String)>,
}

/// A commitment as its form sends it (fields `form[title]`, …), every field as typed: the
/// service reads the numbers and the date, and says what is wrong with each.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CommitmentForm {
    pub organisation_id: String,
    pub title: String,
    pub body: String,
    /// The office of the official who gives it ("Chủ tịch UBND phường").
    pub official_role: String,
    pub due_on: String,
    /// The report numbers it answers, as people write them.
    pub reports: String,
    /// A published challenge's id, or empty.
    pub challenge_id: String,
    /// A pilot's id, or empty.
    pub pilot_id: String,
}
