//! The development mailbox: what would have been emailed, when no SMTP server is configured.

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
