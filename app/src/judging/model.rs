//! Judging as pages see it: the staff's set-up of a panel, a judge's queue and score sheet.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::rules::{Criterion, Marks, Scale, Standing};
use crate::upload::model::FileLink;

/// One criterion as the rubric form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CriterionInput {
    pub name_vi: String,
    pub name_en: String,
    pub guidance_vi: String,
    pub guidance_en: String,
    pub weight: String,
    pub comment_required: Option<String>,
}

impl CriterionInput {
    pub fn is_blank(&self) -> bool {
        self.name_vi.trim().is_empty()
            && self.name_en.trim().is_empty()
            && self.weight.trim().is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelJudge {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub declared: bool,
    /// Conflicts the judge declared, as "team or organisation: reason".
    pub conflicts: Vec<String>,
    pub assigned: usize,
    pub submitted: usize,
}

/// One eligible entry on the staff's assignment table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelEntry {
    pub entry_id: i64,
    pub code: String,
    pub team_name: String,
    pub title: String,
    /// (judge id, judge name, submitted their score, recused)
    pub judges: Vec<(i64, String, bool, bool)>,
    /// Judges who may still be added (no conflict, not yet assigned).
    pub can_add: Vec<(i64, String)>,
}

/// Everything staff see and set for the judging of one challenge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PanelSetup {
    pub challenge_id: i64,
    pub challenge_title: String,
    pub slug: String,
    pub scale: Scale,
    pub judges_per_entry: i32,
    pub blind: bool,
    pub show_judge_names: bool,
    pub criteria: Vec<Criterion>,
    /// A score exists: the rubric and scale can no longer change.
    pub locked: bool,
    pub judges: Vec<PanelJudge>,
    pub invitations: Vec<String>,
    pub entries: Vec<PanelEntry>,
    /// Entries below k judges: (code, judges they have).
    pub short: Vec<(String, usize)>,
    /// On a blind panel: judges who score, or would be given, every entry but the ones they
    /// declared a conflict with, so that the public list of entries tells them which is whose.
    pub exposed: Vec<String>,
    pub entries_closed: bool,
    pub closed_at: Option<DateTime<Utc>>,
    pub results: Option<Vec<RankedEntry>>,
    pub results_published_at: Option<DateTime<Utc>>,
    pub prizes: Vec<String>,
}

/// An entry in the ranking, with what the public and the team may read of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RankedEntry {
    pub standing: Standing,
    pub code: String,
    pub team_name: String,
    pub title: String,
    pub award: Option<String>,
    pub award_reason: Option<String>,
}

/// A challenge on a judge's own page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgeChallenge {
    pub challenge_id: i64,
    pub title: String,
    pub declared: bool,
    pub closed: bool,
    pub assigned: usize,
    pub submitted: usize,
}

/// A team, as a judge sees it to declare a conflict of interest: named by a token, never by its
/// number (entries are numbered in the order teams first saved them, so a team's number would
/// say which entry is whose).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamForConflict {
    pub token: String,
    pub name: String,
    pub organisation_name: Option<String>,
}

/// One line of a judge's queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub entry_id: i64,
    pub code: String,
    pub title: String,
    /// Shown only when judging is not blind.
    pub team_name: Option<String>,
    /// `none`, `draft` or `submitted`.
    pub state: String,
    pub recused: bool,
}

/// A judge's page for one challenge: the declaration first, then the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgeQueue {
    pub challenge_id: i64,
    pub title: String,
    pub slug: String,
    pub declared: bool,
    pub closed: bool,
    pub blind: bool,
    /// The teams, to declare conflicts against (before any entry is shown).
    pub teams: Vec<TeamForConflict>,
    pub conflicts: Vec<String>,
    pub items: Vec<QueueItem>,
}

/// The entry beside the rubric, as a judge scores it: the last version submitted in time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreSheet {
    pub challenge_id: i64,
    pub challenge_title: String,
    pub entry_id: i64,
    pub code: String,
    pub team_name: Option<String>,
    pub title: String,
    pub summary: String,
    pub solution_html: String,
    pub pilot_plan: String,
    pub cost_vnd: i64,
    pub experience: String,
    pub demo_url: String,
    pub files: Vec<FileLink>,
    pub criteria: Vec<Criterion>,
    pub scale: Scale,
    pub marks: Marks,
    pub submitted: bool,
    pub closed: bool,
    /// Where this entry sits in the judge's queue, and the next one to score.
    pub position: usize,
    pub of: usize,
    pub next_entry: Option<i64>,
}

/// A pending invitation to a panel, as the invitee sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelInvitation {
    pub challenge_title: String,
    pub invited_by: String,
    /// The teams of this challenge that invited the viewer, whose invitations taking the seat
    /// declines (a judge competes in no team).
    pub declines_teams: Vec<String>,
}

/// What a team reads once results are published: its standing and its judges' comments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamFeedback {
    pub standing: Option<Standing>,
    pub criteria: Vec<Criterion>,
    pub comments: Vec<JudgeComments>,
}

/// What one judge wrote to a team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgeComments {
    /// The judge's name, if the challenge names its judges.
    pub judge: Option<String>,
    /// (criterion id, comment)
    pub per_criterion: Vec<(i64, String)>,
    pub overall: String,
}

/// A score sheet as the form sends it: values and comments keyed by criterion id, as text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MarksInput {
    pub values: std::collections::BTreeMap<String, String>,
    pub comments: std::collections::BTreeMap<String, String>,
    pub overall: String,
}

impl MarksInput {
    /// The marks, or the fields whose value is not a whole number.
    pub fn parse(&self) -> Result<Marks, Vec<crate::error::FieldError>> {
        let mut marks = Marks {
            overall: self.overall.clone(),
            ..Default::default()
        };
        let mut errors = Vec::new();
        for (id, value) in &self.values {
            let Ok(id) = id.parse::<i64>() else { continue };
            if value.trim().is_empty() {
                continue;
            }
            match value.trim().parse::<i32>() {
                Ok(v) => {
                    marks.values.insert(id, v);
                }
                Err(_) => errors.push(crate::error::FieldError::new(
                    &format!("value_{id}"),
                    "error.score_number",
                )),
            }
        }
        for (id, comment) in &self.comments {
            if let Ok(id) = id.parse::<i64>()
                && !comment.trim().is_empty()
            {
                marks.comments.insert(id, comment.clone());
            }
        }
        if errors.is_empty() {
            Ok(marks)
        } else {
            Err(errors)
        }
    }
}

/// One entry in the published results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicResult {
    pub entry_id: i64,
    /// The pilot this entry became, if it did.
    pub pilot_id: Option<i64>,
    pub rank: usize,
    pub team_name: String,
    pub title: String,
    pub raw: Option<f64>,
    pub normalised: Option<f64>,
    pub scores: usize,
    pub tied: bool,
    pub short: bool,
    pub award: Option<String>,
    pub award_reason: Option<String>,
    /// (judge name, weighted total), when the challenge names its judges.
    pub judges: Vec<(String, f64)>,
}

/// The results of a challenge as everyone reads them once published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicResults {
    pub challenge_title: String,
    pub slug: String,
    pub published_at: Option<DateTime<Utc>>,
    pub scale: Scale,
    pub judges_per_entry: i32,
    pub criteria: Vec<Criterion>,
    pub results: Vec<PublicResult>,
    /// The people's choice, once the vote is closed and the results are out.
    pub peoples_choice: Option<PeoplesChoice>,
    /// The viewer is staff of the challenge's organisation (may turn an award into a pilot).
    pub can_manage: bool,
}

/// The entry (or entries, when tied) with the most counted votes, and the turnout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeoplesChoice {
    /// (title, team, votes)
    pub winners: Vec<(String, String, u64)>,
    /// People who cast at least one counted vote.
    pub voters: u64,
    pub votes: u64,
}
