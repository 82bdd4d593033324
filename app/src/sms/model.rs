//! A text message as the development SMS page shows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SmsMessage {
    pub id: i64,
    /// As people write it: `0912 345 678`.
    pub to_phone: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent: bool,
    pub gave_up: bool,
}
