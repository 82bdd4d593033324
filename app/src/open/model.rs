//! What the public read API answers: a stable contract, separate from the pages' models, with
//! nothing personal in it (no emails, no account ids, no voters' identities). Times carry the
//! city's offset (+07:00); dates are city dates.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::format::city_offset;
use crate::upload::model::FileLink;

/// A moment in city time, written as ISO 8601 with its offset.
pub type Time = DateTime<FixedOffset>;

pub fn city_time(at: DateTime<Utc>) -> Time {
    at.with_timezone(&city_offset())
}

/// A file anyone may download.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct File {
    pub name: String,
    pub content_type: String,
    pub byte_size: i64,
    /// Path on this site.
    pub url: String,
}

impl From<&FileLink> for File {
    fn from(f: &FileLink) -> Self {
        File {
            name: f.name.clone(),
            content_type: f.content_type.clone(),
            byte_size: f.byte_size,
            url: f.url(),
        }
    }
}

/// A ward, commune or department that publishes challenges.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub slug: String,
    pub name_vi: String,
    pub name_en: String,
    /// `city`, `ward`, `commune` or `department`.
    pub kind: String,
    pub parent_id: Option<i64>,
    /// Working days the organisation gives itself to answer a report.
    pub response_days: i32,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrganisationList {
    pub items: Vec<Organisation>,
}

/// A problem a citizen reported. Who reported it is never published.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Report {
    pub id: i64,
    /// The organisation's slug.
    pub organisation: String,
    pub title: String,
    pub description: String,
    pub category: String,
    /// `new`, `acknowledged`, `answered`, `merged`, `out_of_scope` or `challenge` (it became one).
    pub status: String,
    pub supporters: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    pub response_due_at: DateTime<FixedOffset>,
    /// The deadline was missed: the new date the organisation appointed, with an apology on the
    /// report's page (timeliness is still counted against `response_due_at`).
    pub appointed_due_at: Option<DateTime<FixedOffset>>,
    pub responded_at: Option<DateTime<FixedOffset>>,
    pub response: Option<String>,
    /// `waiting`, `answered_on_time`, `answered_late` or `overdue`.
    pub timeliness: String,
    pub merged_into: Option<i64>,
    /// Filed for someone else, at a one-stop desk or by a helper group (who was helped is on
    /// the report's page, as they wished to be named; never their phone).
    pub assisted: bool,
    /// Staff marked it urgent: its deadline is counted in office hours (7:30–11:30 and
    /// 13:00–17:00 on working days).
    pub urgent: bool,
    /// When the organisation that holds it received it from another (its reason is on the
    /// report's page); `response_due_at` counts from then.
    pub forwarded_at: Option<DateTime<FixedOffset>>,
    pub photo: Option<File>,
    /// The report's page on this site.
    pub url: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<Report>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Prize {
    pub label: String,
    pub amount_vnd: i64,
}

/// The dates of a challenge.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Timetable {
    pub opens_at: DateTime<FixedOffset>,
    pub entries_close_at: DateTime<FixedOffset>,
    pub judging_closes_at: DateTime<FixedOffset>,
    pub vote_opens_at: Option<DateTime<FixedOffset>>,
    pub vote_closes_at: Option<DateTime<FixedOffset>>,
    pub results_at: DateTime<FixedOffset>,
}

/// A published (or cancelled) challenge.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Challenge {
    pub id: i64,
    pub slug: String,
    /// The organisation's slug.
    pub organisation: String,
    pub title: String,
    pub summary: String,
    /// The brief, in Markdown.
    pub brief_md: String,
    pub eligibility: String,
    pub category: String,
    /// `upcoming`, `open`, `judging`, `voting`, `results` or `cancelled`.
    pub phase: String,
    pub team_min: i32,
    pub team_max: i32,
    pub prizes: Vec<Prize>,
    pub pilot_budget_vnd: i64,
    pub has_public_vote: bool,
    pub timetable: Timetable,
    pub published_at: Option<DateTime<FixedOffset>>,
    pub results_published_at: Option<DateTime<FixedOffset>>,
    pub cancelled_at: Option<DateTime<FixedOffset>>,
    pub updated_at: DateTime<FixedOffset>,
    /// Whether its entries can be read (from the vote's opening or the results, whichever is first).
    pub entries_public: bool,
    /// Ids of the citizens' reports it came from.
    pub source_reports: Vec<i64>,
    pub url: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChallengeList {
    pub items: Vec<Challenge>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A decision recorded in public: who (an official's name and role), when and why.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Decision {
    pub action: String,
    pub by: String,
    pub by_role: Option<String>,
    pub reason: Option<String>,
    pub details: Vec<Detail>,
    pub at: DateTime<FixedOffset>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Detail {
    pub name: String,
    pub value: String,
}

/// A challenge with the public record of its decisions.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChallengeDetail {
    pub challenge: Challenge,
    pub history: Vec<Decision>,
}

/// An entry as the public reads it, once entries are public.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Entry {
    pub id: i64,
    pub title: String,
    pub summary: String,
    /// Empty while a blind panel is judging: teams are named once it closes.
    pub team: String,
    pub team_organisation: Option<String>,
    pub files: Vec<File>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EntryList {
    pub challenge: String,
    pub public: bool,
    /// When the entries become (or became) public, if that is known.
    pub public_from: Option<DateTime<FixedOffset>>,
    /// Ordered by id.
    pub items: Vec<Entry>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Criterion {
    pub name_vi: String,
    pub name_en: String,
    /// Percent; the weights add up to 100.
    pub weight: i32,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct JudgeTotal {
    pub judge: String,
    pub total: f64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Ranked {
    pub rank: usize,
    pub entry_id: i64,
    pub title: String,
    pub team: String,
    /// The average of the judges' weighted totals.
    pub raw_score: Option<f64>,
    /// The average after each judge's totals are normalised (the ranking's basis).
    pub normalised_score: Option<f64>,
    pub scores: usize,
    pub tied: bool,
    /// Fewer scores than the panel's judges per entry.
    pub short: bool,
    pub award: Option<String>,
    /// Why an award departs from the ranking, when it does.
    pub award_reason: Option<String>,
    pub pilot_id: Option<i64>,
    /// Each judge's weighted total, when the challenge names its judges.
    pub judges: Vec<JudgeTotal>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Winner {
    pub title: String,
    pub team: String,
    pub votes: u64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PeoplesChoice {
    pub winners: Vec<Winner>,
    pub voters: u64,
    pub votes: u64,
}

/// The published results of a challenge.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Results {
    pub challenge: String,
    pub published_at: DateTime<FixedOffset>,
    pub scale_min: i32,
    pub scale_max: i32,
    pub judges_per_entry: i32,
    pub criteria: Vec<Criterion>,
    pub ranking: Vec<Ranked>,
    pub peoples_choice: Option<PeoplesChoice>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TallyRow {
    pub entry_id: i64,
    pub title: String,
    pub votes: u64,
}

/// One vote. `voter` is a keyed hash, the same for one person within one challenge only.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Ballot {
    pub voter: String,
    pub entry_id: i64,
    pub at: DateTime<FixedOffset>,
    /// Why staff voided it; a voided ballot is not counted.
    pub voided_reason: Option<String>,
}

/// A closed public vote: every ballot and the tally computed from them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Votes {
    pub challenge: String,
    pub closed_at: DateTime<FixedOffset>,
    pub voters: u64,
    pub tally: Vec<TallyRow>,
    pub ballots: Vec<Ballot>,
}

/// A pilot in a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PilotItem {
    pub id: i64,
    pub title: String,
    /// The organisation's slug.
    pub organisation: String,
    pub challenge: String,
    pub team: String,
    /// `running`, `extended`, `rolled_out` or `stopped`.
    pub status: String,
    pub starts_on: NaiveDate,
    pub planned_end_on: NaiveDate,
    /// Share of milestones done, in percent.
    pub progress: u8,
    pub milestones_done: usize,
    pub milestones_total: usize,
    pub milestones_late_now: usize,
    pub url: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PilotList {
    pub items: Vec<PilotItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Milestone {
    pub id: i64,
    pub title: String,
    /// `official` or `team`.
    pub owner: String,
    pub owner_name: String,
    pub due_on: NaiveDate,
    /// `due_on` is a day off (a weekend, a holiday): the working day after it, the last day it
    /// may be done on time.
    pub last_day: Option<NaiveDate>,
    /// The first due date, when it was moved.
    pub original_due_on: Option<NaiveDate>,
    pub move_reason: Option<String>,
    /// `planned`, `in_progress`, `done` or `blocked`.
    pub status: String,
    pub blocked_reason: Option<String>,
    pub done_at: Option<DateTime<FixedOffset>>,
    /// `ahead`, `late`, `done_on_time` or `done_late`.
    pub timing: String,
    pub days_overdue: i64,
    pub evidence_text: Option<String>,
    pub evidence_url: Option<String>,
    pub evidence_file: Option<File>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Measurement {
    pub measured_on: NaiveDate,
    pub value: f64,
    pub note: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Kpi {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    pub measurements: Vec<Measurement>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Comment {
    pub id: i64,
    /// Always absent: commenters are citizens, and the open data names no citizen. (Kept so
    /// that clients written against earlier answers still read it.)
    pub author: Option<String>,
    /// Absent when staff hid the comment.
    pub body: Option<String>,
    pub hidden_reason: Option<String>,
    pub created_at: DateTime<FixedOffset>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Update {
    pub id: i64,
    /// The official who wrote for the city, or the team's name for the team's updates.
    pub author: String,
    pub by_team: bool,
    pub body: String,
    pub photos: Vec<File>,
    pub created_at: DateTime<FixedOffset>,
    pub comments: Vec<Comment>,
}

/// How citizens rate the piloted service (1 to 5). Raters are not named.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Ratings {
    pub count: usize,
    pub average: Option<f64>,
    /// Ratings with 1, 2, 3, 4 and 5 stars.
    pub histogram: Vec<usize>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Origin {
    pub challenge: String,
    pub entry_title: String,
    pub team: String,
    pub award: String,
    pub reports: Vec<i64>,
}

/// A pilot with everything the public page shows.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Pilot {
    #[serde(flatten)]
    pub item: PilotItem,
    pub summary: String,
    pub official_name: String,
    pub official_role: String,
    pub budget_vnd: i64,
    pub disbursed_vnd: i64,
    pub closing_statement: Option<String>,
    pub closed_at: Option<DateTime<FixedOffset>>,
    pub origin: Origin,
    pub milestones: Vec<Milestone>,
    pub kpis: Vec<Kpi>,
    pub updates: Vec<Update>,
    pub ratings: Ratings,
    pub followers: u64,
    pub history: Vec<Decision>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MilestoneFigures {
    pub total: usize,
    pub finished: usize,
    pub finished_on_time: usize,
    pub late_now: usize,
    /// Finished on time among finished, in percent; absent before any is finished.
    pub on_time_percent: Option<u8>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrganisationFigures {
    pub organisation: String,
    pub pilots: usize,
    pub milestones: MilestoneFigures,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OverdueMilestone {
    pub pilot_id: i64,
    pub pilot: String,
    pub milestone: String,
    pub owner_name: String,
    pub organisation: String,
    pub due_on: NaiveDate,
    pub days_overdue: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StatusCount {
    pub status: String,
    pub pilots: usize,
}

/// From a citizen's report to a service rolled out.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Chain {
    pub reports: u64,
    /// Of the reports, those filed for someone else (at a one-stop desk, or by a helper group).
    pub reports_assisted: u64,
    pub challenges: u64,
    pub entries: u64,
    pub pilots: u64,
    pub rolled_out: u64,
}

/// What an organisation (or the city) did with the reports it received, as the wards publish
/// it. A report counts in the month its organisation received it (filed there or forwarded to
/// it); a report forwarded elsewhere counts for the one that forwarded it as answered, on time
/// if it left before that one's deadline.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportCounts {
    pub received: u32,
    /// Answered, refused with a reason, merged, made a challenge of, or forwarded.
    pub answered: u32,
    /// Answered by the first deadline (a re-appointment does not make a late answer on time).
    pub answered_on_time: u32,
    /// Still open past the deadline.
    pub overdue_now: u32,
    /// Deadline missed, answered in public with an apology and a new date.
    pub reappointed: u32,
    pub forwarded: u32,
    /// Answers the person who filed rated, and those that solved the problem.
    pub rated: u32,
    pub satisfied: u32,
    /// `answered_on_time` among `answered` + `overdue_now`, in percent; absent when both are 0.
    pub on_time_percent: Option<u8>,
    /// `satisfied` among `rated`, in percent; absent before any rating.
    pub satisfaction_percent: Option<u8>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportMonth {
    /// `YYYY-MM`, in the city's time.
    pub month: String,
    #[serde(flatten)]
    pub counts: ReportCounts,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrganisationReports {
    /// The organisation's slug.
    pub organisation: String,
    /// Each month of the window, oldest first.
    pub months: Vec<ReportMonth>,
    pub total: ReportCounts,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OverdueReport {
    pub report_id: i64,
    pub title: String,
    /// The organisation's slug.
    pub organisation: String,
    pub due_at: DateTime<FixedOffset>,
    /// A new date the organisation appointed with an apology, if it did.
    pub appointed_due_at: Option<DateTime<FixedOffset>>,
    pub days_overdue: i64,
}

/// The city's answers to reports over the last twelve months.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportAnswers {
    /// The whole city, each month, oldest first.
    pub city: Vec<ReportMonth>,
    pub city_total: ReportCounts,
    /// Organisations that received a report in the window, most received first.
    pub organisations: Vec<OrganisationReports>,
    /// Open past the deadline, the longest overdue first (at most 20).
    pub overdue: Vec<OverdueReport>,
    pub overdue_total: u64,
}

/// An organisation's commitments, counted as milestones are.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrganisationCommitments {
    /// The organisation's slug.
    pub organisation: String,
    pub total: usize,
    pub kept: usize,
    pub kept_on_time: usize,
    pub late_now: usize,
    /// Kept on time among those whose outcome is known (kept, or late now), in percent; absent
    /// before any is known.
    pub on_time_percent: Option<u8>,
}

/// A leader's public commitment: what, by when, who gave it, what it answers, how it stands.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Commitment {
    pub id: i64,
    /// The organisation's slug.
    pub organisation: String,
    pub title: String,
    pub body: String,
    /// The official who gave it, and their office, as published.
    pub official_name: String,
    pub official_role: String,
    pub due_on: NaiveDate,
    /// `due_on` is a day off: the working day after it, the last day it may be kept on time.
    pub last_day: Option<NaiveDate>,
    /// The date first promised, when it moved (each move's reason is on its page).
    pub original_due_on: Option<NaiveDate>,
    /// `ahead`, `late`, `on-time` (kept on time) or `done-late`.
    pub timing: String,
    pub days_overdue: i64,
    pub done_at: Option<DateTime<FixedOffset>>,
    pub done_note: Option<String>,
    /// What it answers: `report:12`, `challenge:3`, `pilot:5`.
    pub answers: Vec<String>,
    pub moves: usize,
    pub followers: u64,
    /// Its page on this site.
    pub url: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CommitmentList {
    /// Late first, then ahead by date, then kept (latest first).
    pub items: Vec<Commitment>,
    pub organisations: Vec<OrganisationCommitments>,
}

/// The city dashboard's figures.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Dashboard {
    pub at: DateTime<FixedOffset>,
    pub city: MilestoneFigures,
    pub organisations: Vec<OrganisationFigures>,
    pub overdue: Vec<OverdueMilestone>,
    pub pilots_by_status: Vec<StatusCount>,
    pub chain: Chain,
    pub reports: ReportAnswers,
    /// Each organisation's commitments kept on time.
    pub commitments: Vec<OrganisationCommitments>,
}

/// What an error answers.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ApiError {
    /// A stable code: `not_found`, `invalid`, `conflict`, `rate_limited` or `internal`.
    pub error: String,
    /// What happened, in the language asked for (Vietnamese unless `lang=en`).
    pub message: String,
}
