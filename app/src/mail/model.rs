//! An outbox message as the development mailbox page shows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailboxMessage {
    pub id: i64,
    pub to_email: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: DateTime<Utc>,
    pub sent: bool,
}

/// How long to wait before the next try after `attempts` failed deliveries: 1, 2, 4, … minutes,
/// at most 6 hours. The message stays in the outbox whatever happens.
pub fn retry_delay_secs(attempts: i32) -> i64 {
    let exp = attempts.clamp(1, 20) - 1;
    (60_i64 << exp).min(6 * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stay_within_six_hours() {
        assert_eq!(retry_delay_secs(1), 60);
        assert_eq!(retry_delay_secs(2), 120);
        assert_eq!(retry_delay_secs(3), 240);
        assert_eq!(retry_delay_secs(50), 6 * 3600);
    }
}
