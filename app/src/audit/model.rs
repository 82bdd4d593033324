//! An audit entry as pages show it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: Option<i64>,
    pub reason: Option<String>,
    pub details: String,
    pub is_public: bool,
    pub created_at: DateTime<Utc>,
}

/// Whether a record's actor is named in public: officials acting in their office (and the
/// platform itself, or an anonymous visitor) are; a citizen never is: a team member who moves
/// their pilot's milestone shows as "a team member" on the page, the feed and the open data.
pub fn named_in_public(actor_role: &str) -> bool {
    matches!(actor_role, "admin" | "staff" | "system" | "visitor")
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub page: u64,
    pub pages: u64,
}
