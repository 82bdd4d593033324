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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub page: u64,
    pub pages: u64,
}
