//! A person's notifications and email preferences.

use leptos::prelude::*;

use crate::error::AppError;
use crate::notify::model::{EmailPreference, NotificationItem};

#[server(prefix = "/api", endpoint = "notifications/list")]
pub async fn list_notifications() -> Result<Vec<NotificationItem>, AppError> {
    let viewer = crate::ctx::require_user()?;
    crate::notify::service::list(&crate::ctx::db()?, viewer.id).await
}

#[server(prefix = "/api", endpoint = "notifications/read-all")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let viewer = crate::ctx::require_user()?;
    crate::notify::service::mark_all_read(&crate::ctx::db()?, viewer.id).await
}

#[server(prefix = "/api", endpoint = "notifications/preferences")]
pub async fn email_preferences() -> Result<Vec<EmailPreference>, AppError> {
    let viewer = crate::ctx::require_user()?;
    crate::notify::service::preferences(&crate::ctx::db()?, viewer.id).await
}

/// `email_on` lists the codes of the kinds that should also come by email, `sms_on` those that
/// should also come by text message (checked boxes).
#[server(prefix = "/api", endpoint = "notifications/preferences/save")]
pub async fn save_email_preferences(
    #[server(default)] email_on: Vec<String>,
    #[server(default)] sms_on: Vec<String>,
) -> Result<(), AppError> {
    use crate::notify::model::NotificationKind;
    let viewer = crate::ctx::require_user()?;
    let kinds = |codes: &[String]| -> Vec<NotificationKind> {
        codes
            .iter()
            .filter_map(|code| NotificationKind::from_code(code))
            .collect()
    };
    crate::notify::service::set_preferences(
        &crate::ctx::db()?,
        viewer.id,
        &kinds(&email_on),
        &kinds(&sms_on),
    )
    .await
}
