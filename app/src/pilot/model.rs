//! Pilots as pages show them: a card in a list, the public page, the manage page, the dashboard.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::rules::{MilestoneFigures, MilestoneStatus, PilotStatus, Timing};
use crate::challenge::model::HistoryEntry;
use crate::org::model::Organisation;
use crate::upload::model::FileLink;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PilotCard {
    pub id: i64,
    pub title: String,
    pub organisation: Organisation,
    pub challenge_title: String,
    pub team_name: String,
    pub status: PilotStatus,
    pub milestones_done: usize,
    pub milestones_total: usize,
    pub late_now: usize,
    pub progress: u8,
    pub starts_on: NaiveDate,
    pub planned_end_on: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneView {
    pub id: i64,
    pub title: String,
    /// The official's name, or the team's.
    pub owner_name: String,
    pub owner_is_team: bool,
    pub owner_user_id: Option<i64>,
    pub due_on: NaiveDate,
    /// The due date is a day off: the working day after it, when it may still be done on time.
    pub last_day: Option<NaiveDate>,
    /// Set when the due date moved: the first one, and why it moved.
    pub original_due_on: Option<NaiveDate>,
    pub move_reason: Option<String>,
    pub status: MilestoneStatus,
    pub blocked_reason: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    pub evidence_text: Option<String>,
    pub evidence_url: Option<String>,
    pub evidence_file: Option<FileLink>,
    pub timing: Timing,
    pub days_overdue: i64,
    /// The viewer may change its status.
    pub can_update: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub measured_on: NaiveDate,
    pub value: f64,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiView {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    /// Oldest first.
    pub measurements: Vec<Measurement>,
}

impl KpiView {
    pub fn latest(&self) -> Option<&Measurement> {
        self.measurements.last()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: i64,
    /// Empty for a deleted account.
    pub author_name: String,
    /// Empty when hidden (the reason shows instead).
    pub body: String,
    pub hidden_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateView {
    pub id: i64,
    pub author_name: String,
    pub by_team: bool,
    pub body: String,
    pub photos: Vec<FileLink>,
    pub created_at: DateTime<Utc>,
    pub comments: Vec<CommentView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingView {
    pub stars: i32,
    pub comment: String,
    pub author_name: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ratings {
    pub count: usize,
    /// One decimal; none without ratings.
    pub average: Option<f64>,
    /// How many gave 1 to 5 stars.
    pub histogram: [usize; 5],
    /// The newest with a text.
    pub recent: Vec<RatingView>,
    /// The viewer's own rating.
    pub mine: Option<(i32, String)>,
}

/// Where the pilot came from, each step a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub reports: Vec<(i64, String)>,
    pub challenge_slug: String,
    pub challenge_title: String,
    pub entry_title: String,
    pub team_id: i64,
    pub team_name: String,
    pub award: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PilotPage {
    pub card: PilotCard,
    pub summary: String,
    pub official_name: String,
    pub official_role: String,
    pub budget_vnd: i64,
    pub disbursed_vnd: i64,
    pub closing_statement: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub origin: Origin,
    pub milestones: Vec<MilestoneView>,
    pub kpis: Vec<KpiView>,
    pub updates: Vec<UpdateView>,
    pub ratings: Ratings,
    pub history: Vec<HistoryEntry>,
    pub followers: u64,
    pub following: bool,
    /// Staff of the pilot's organisation.
    pub can_manage: bool,
    /// Staff or a member of the team: may post updates.
    pub can_post: bool,
    /// A member of the team (updates are posted for the team).
    pub is_team_member: bool,
    /// The staff of the organisation, who may own a milestone.
    pub officials: Vec<(i64, String)>,
}

/// An awarded entry that may become a pilot, for the form that creates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PilotCandidate {
    pub entry_id: i64,
    pub entry_title: String,
    pub entry_summary: String,
    pub team_name: String,
    pub challenge_title: String,
    pub challenge_slug: String,
    pub organisation: Organisation,
    pub award: String,
    pub pilot_budget_vnd: i64,
    /// Already a pilot: its id.
    pub pilot_id: Option<i64>,
}

/// One organisation's row on the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgRow {
    pub organisation: Organisation,
    pub milestones: MilestoneFigures,
    pub pilots: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overdue {
    pub pilot_id: i64,
    pub pilot_title: String,
    pub milestone: String,
    pub owner_name: String,
    pub organisation: String,
    pub due_on: NaiveDate,
    pub days: i64,
}

/// The chain from a citizen's report to a service rolled out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    pub reports: u64,
    /// Of the reports, those filed for someone else (a one-stop desk, a helper group).
    pub reports_assisted: u64,
    pub challenges: u64,
    pub entries: u64,
    pub pilots: u64,
    pub rolled_out: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub city: MilestoneFigures,
    pub organisations: Vec<OrgRow>,
    /// Longest overdue first.
    pub overdue: Vec<Overdue>,
    /// How many pilots in each status, in the order of [`PilotStatus::ALL`].
    pub by_status: Vec<(PilotStatus, usize)>,
    pub chain: Chain,
    /// The city's answers to its citizens' reports.
    pub reports: crate::report::model::ReportBoard,
    pub at: DateTime<Utc>,
}

/// What staff enter about a pilot, as the form sends it (fields `terms[title]`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PilotForm {
    pub title: String,
    pub summary: String,
    pub official_name: String,
    pub official_role: String,
    pub budget_vnd: String,
    pub disbursed_vnd: String,
    pub starts_on: String,
    pub planned_end_on: String,
}
