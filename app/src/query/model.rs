//! The types of the read-models that gather more than one domain folder, shared with the browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::entry::model::{EntryStatus, PublicEntry};
use crate::team::model::{Member, PendingInvitation, TeamChallenge};
use crate::vote::model::VoteBox;

/// A team as its members see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamDetail {
    pub id: i64,
    pub name: String,
    pub organisation_name: Option<String>,
    pub description: String,
    pub contact: String,
    pub join_code: String,
    pub challenge: TeamChallenge,
    pub members: Vec<Member>,
    pub pending_invitations: Vec<String>,
    /// The viewer owns the team.
    pub is_owner: bool,
    pub viewer_id: i64,
    /// Where the team's entry stands, once someone opened it.
    pub entry_status: Option<EntryStatus>,
}

/// Everything of a person's participation: their teams and the invitations waiting for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTeams {
    pub teams: Vec<TeamDetail>,
    pub invitations: Vec<PendingInvitation>,
}

/// An entry found by a word of its title or, once teams are shown, of its team's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryHit {
    pub id: i64,
    pub title: String,
    /// Empty while a blind panel judges the challenge.
    pub team_name: String,
    pub challenge_title: String,
    pub slug: String,
    /// The challenge's public vote is open now.
    pub voting: bool,
}

/// What a search found among public entries: the first ones, and whether there are more.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryHits {
    pub hits: Vec<EntryHit>,
    pub more: bool,
    /// Some public entries are searched by title only now: a blind panel judges them.
    pub teams_hidden: bool,
}

/// The public entries of a challenge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicEntries {
    pub challenge_title: String,
    pub slug: String,
    /// False until the vote opens or results are published: then the list is empty.
    pub public: bool,
    /// When entries become public, if the timetable says.
    pub public_from: Option<DateTime<Utc>>,
    /// A blind panel is judging: entries are shown without their teams until it closes.
    pub teams_hidden: bool,
    /// In an order of this visitor's own, so that no entry gains from being first; only those
    /// that match `query`, when there is one.
    pub entries: Vec<PublicEntry>,
    /// The words the entries were filtered by (as typed), or empty.
    pub query: String,
    /// How many entries are public, matched or not.
    pub total: usize,
    /// The public vote, if the challenge has one.
    pub vote: Option<VoteBox>,
}
