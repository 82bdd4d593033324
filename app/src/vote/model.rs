//! The public vote as pages see it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The vote on a challenge's entries page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteBox {
    /// The vote is open now.
    pub open: bool,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Votes each citizen has.
    pub allowance: i32,
    /// The entries the viewer voted for.
    pub mine: Vec<i64>,
    pub signed_in: bool,
    pub verified: bool,
    /// Only accounts with a proved phone number vote (one number, one voter).
    pub requires_phone: bool,
    /// The viewer's account has a proved phone number.
    pub phone_proved: bool,
    /// Votes per entry, when staff show them during the vote, and once it is closed.
    pub totals: Option<Vec<(i64, u64)>>,
    /// People who voted, with the totals.
    pub voters: Option<u64>,
}

/// Running totals as the server pushes them while the vote is open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveTotals {
    /// (entry, votes)
    pub totals: Vec<(i64, u64)>,
    pub voters: u64,
}

/// The vote settings staff choose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteSettings {
    pub challenge_id: i64,
    /// The challenge has a public vote at all.
    pub enabled: bool,
    pub allowance: i32,
    pub live_totals: bool,
    /// Only accounts with a proved phone number vote.
    pub requires_phone: bool,
    /// Votes exist: the allowance and the phone rule can no longer change.
    pub locked: bool,
}

/// One counted (or voided) vote in the published ballots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    /// A keyed hash, the same for one person within this challenge, never the account.
    pub voter: String,
    pub entry_id: i64,
    pub entry_title: String,
    pub at: DateTime<Utc>,
    /// Why staff voided it, if they did.
    pub voided: Option<String>,
}

/// The ballots of a closed vote and the tally computed from them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballots {
    pub challenge_title: String,
    pub closed_at: DateTime<Utc>,
    pub ballots: Vec<Ballot>,
    /// (entry id, title, votes), most votes first.
    pub tally: Vec<(i64, String, u64)>,
    /// People who cast at least one counted vote.
    pub voters: u64,
}

impl Ballots {
    /// The ballots as CSV (UTF-8 with a byte-order mark, so a spreadsheet shows Vietnamese).
    pub fn to_csv(&self) -> String {
        let mut out = String::from(crate::csv::BOM);
        out.push_str(&crate::csv::line(&[
            "voter", "entry_id", "entry", "at", "voided",
        ]));
        for b in &self.ballots {
            out.push_str(&crate::csv::line(&[
                b.voter.clone(),
                b.entry_id.to_string(),
                b.entry_title.clone(),
                b.at.to_rfc3339(),
                b.voided.clone().unwrap_or_default(),
            ]));
        }
        out
    }
}

/// One vote on the staff's review page: who (by anonymous id), for what, from where, and why it
/// may deserve a look.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewVote {
    pub id: i64,
    pub voter: String,
    pub entry_title: String,
    pub network: String,
    pub at: DateTime<Utc>,
    pub account_created: DateTime<Utc>,
    pub signals: Vec<super::rules::Signal>,
    pub voided: Option<String>,
}

/// The staff's review of a challenge's vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteReview {
    pub challenge_id: i64,
    pub challenge_title: String,
    pub total: u64,
    /// Votes with at least one signal, or voided; newest first.
    pub flagged: Vec<ReviewVote>,
}
