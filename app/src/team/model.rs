//! Teams as pages show them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::challenge::rules::Phase;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: i64,
    pub display_name: String,
    pub is_owner: bool,
    pub joined_at: DateTime<Utc>,
}

/// The challenge a team entered, as the team's pages name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamChallenge {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub phase: Phase,
    pub team_max: i32,
    pub next: Option<(crate::challenge::rules::Milestone, DateTime<Utc>)>,
}

/// An invitation waiting for the person it was sent to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: i64,
    pub team_name: String,
    pub challenge_title: String,
    pub invited_by: String,
}
