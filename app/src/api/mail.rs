//! The development mailbox and SMS outbox: what would have been emailed or texted, when no SMTP
//! server or SMS gateway is configured.

use leptos::prelude::*;

use crate::error::AppError;
use crate::mail::model::MailboxMessage;

#[server(prefix = "/api", endpoint = "dev/mailbox")]
pub async fn list_mailbox() -> Result<Vec<MailboxMessage>, AppError> {
    let ctx = crate::ctx::server_ctx()?;
    if !ctx.settings.dev_mailbox {
        return Err(AppError::NotFound);
    }
    crate::mail::service::recent(&ctx.db, 50).await
}

/// The development SMS outbox: what would have been sent to phones, when no SMS gateway is set.
#[server(prefix = "/api", endpoint = "dev/sms")]
pub async fn list_sms() -> Result<Vec<crate::sms::model::SmsMessage>, AppError> {
    let ctx = crate::ctx::server_ctx()?;
    if !ctx.settings.dev_sms {
        return Err(AppError::NotFound);
    }
    crate::sms::service::recent(&ctx.db, 50).await
}
