//! Challenges as pages show them and as staff edit them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::rules::{Milestone, Phase, Timetable};
use crate::report::model::{Category, Linked, OrgName};
use crate::upload::model::FileLink;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prize {
    pub label: String,
    pub amount_vnd: i64,
}

/// A challenge in a list: enough to choose which to open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeCard {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub organisation: OrgName,
    pub category: Category,
    pub phase: Phase,
    pub next: Option<(Milestone, DateTime<Utc>)>,
    pub prize_total_vnd: i64,
    pub cover: Option<FileLink>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: i64,
    pub question: String,
    pub asked_at: DateTime<Utc>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// One public decision on a challenge's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub action: String,
    pub actor_name: String,
    pub actor_title: Option<String>,
    pub reason: Option<String>,
    /// For a moved deadline: the milestone's field and both dates.
    pub details: Vec<(String, String)>,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeDetail {
    pub card: ChallengeCard,
    pub brief_md: String,
    pub brief_html: String,
    pub eligibility: String,
    pub team_min: i32,
    pub team_max: i32,
    pub prizes: Vec<Prize>,
    pub pilot_budget_vnd: i64,
    pub timetable: Timetable,
    pub attachments: Vec<FileLink>,
    pub reports: Vec<Linked>,
    pub questions: Vec<Question>,
    pub history: Vec<HistoryEntry>,
    pub followers: u64,
    pub following: bool,
    /// The viewer is staff of the owning organisation (or an admin).
    pub can_manage: bool,
    pub published_at: Option<DateTime<Utc>>,
    /// How many entries everyone can read, once entries are public.
    pub public_entries: Option<u64>,
    /// When the results were published.
    pub results_published_at: Option<DateTime<Utc>>,
}

/// The public list's filters, read from the address bar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeQuery {
    pub q: Option<String>,
    pub organisation_id: Option<i64>,
    pub phase: Option<String>,
    pub category: Option<String>,
    pub page: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengePage {
    pub items: Vec<ChallengeCard>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

/// What the home page shows: open now, coming soon, and the latest reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub open: Vec<ChallengeCard>,
    pub upcoming: Vec<ChallengeCard>,
    pub reports: Vec<crate::report::model::ReportSummary>,
}

/// A challenge on the staff dashboard, with what needs doing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedChallenge {
    pub card: ChallengeCard,
    pub unanswered_questions: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOrganisation {
    pub organisation: OrgName,
    pub response_days: i32,
    pub challenges: Vec<ManagedChallenge>,
    pub reports: Vec<crate::report::model::ReportSummary>,
}

/// The fields of the create and edit forms, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeForm {
    pub title: String,
    pub summary: String,
    pub brief: String,
    pub eligibility: String,
    pub team_min: String,
    pub team_max: String,
    pub category: String,
    #[serde(default)]
    pub prize_label: Vec<String>,
    #[serde(default)]
    pub prize_amount: Vec<String>,
    pub pilot_budget: String,
    #[serde(default)]
    pub vote_enabled: Option<String>,
    pub opens_at: String,
    pub entries_close_at: String,
    pub judging_closes_at: String,
    #[serde(default)]
    pub vote_opens_at: String,
    #[serde(default)]
    pub vote_closes_at: String,
    pub results_at: String,
}

/// The editor's view of one challenge: the form as saved, and what it may still do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeEditor {
    pub id: i64,
    pub slug: String,
    pub organisation: OrgName,
    pub phase: Phase,
    pub form: ChallengeForm,
    pub timetable: Timetable,
    pub cover: Option<FileLink>,
    pub attachments: Vec<FileLink>,
    pub questions: Vec<Question>,
}
