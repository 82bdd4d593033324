//! Organisations: anyone may list them; only admins create them and manage their staff.

use leptos::prelude::*;

use crate::error::AppError;
use crate::org::model::{Organisation, OrganisationAdmin};

#[server(prefix = "/api", endpoint = "organisations")]
pub async fn list_organisations() -> Result<Vec<Organisation>, AppError> {
    crate::org::service::list(&crate::ctx::db()?).await
}

#[server(prefix = "/api", endpoint = "admin/organisations")]
pub async fn admin_organisations() -> Result<Vec<OrganisationAdmin>, AppError> {
    crate::ctx::require_admin()?;
    crate::org::service::list_with_staff(&crate::ctx::db()?).await
}

#[server(prefix = "/api", endpoint = "admin/organisations/create")]
pub async fn create_organisation(
    name_vi: String,
    name_en: String,
    kind: String,
    parent_id: Option<i64>,
) -> Result<Organisation, AppError> {
    use crate::ctx;
    ctx::require_admin()?;
    let new = crate::org::service::NewOrganisation {
        name_vi,
        name_en,
        kind,
        parent_id,
    };
    crate::org::service::create(&ctx::db()?, &ctx::requester()?, new).await
}

#[server(prefix = "/api", endpoint = "admin/organisations/staff/add")]
pub async fn add_staff(
    organisation_id: i64,
    email: String,
    title: Option<String>,
) -> Result<(), AppError> {
    use crate::ctx;
    ctx::require_admin()?;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::org::service::grant_staff(&db, &links, &requester, organisation_id, &email, title)
        .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "admin/organisations/staff/remove")]
pub async fn remove_staff(organisation_id: i64, user_id: i64) -> Result<(), AppError> {
    use crate::ctx;
    ctx::require_admin()?;
    crate::org::service::revoke_staff(&ctx::db()?, &ctx::requester()?, organisation_id, user_id)
        .await
}

/// Staff set how many working days their organisation gives itself to answer a report.
#[server(prefix = "/api", endpoint = "organisations/settings")]
pub async fn save_org_settings(
    organisation_id: i64,
    response_days: String,
) -> Result<(), AppError> {
    use crate::ctx;
    ctx::require_staff_of(organisation_id)?;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    crate::org::service::set_response_days(&db, &requester, organisation_id, &response_days).await
}
