//! Reading the audit log (admins only).

use leptos::prelude::*;

use crate::audit::model::AuditPage;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "admin/audit")]
pub async fn list_audit(action: Option<String>, page: Option<u64>) -> Result<AuditPage, AppError> {
    crate::ctx::require_admin()?;
    let db = crate::ctx::db()?;
    crate::audit::service::page(&db, action, page.unwrap_or(0)).await
}
