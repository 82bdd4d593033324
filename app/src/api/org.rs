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
    use crate::audit::service::Record;
    use crate::ctx;
    ctx::require_admin()?;
    let db = ctx::db()?;
    let created = crate::org::service::create(
        &db,
        crate::org::service::NewOrganisation {
            name_vi,
            name_en,
            kind,
            parent_id,
        },
    )
    .await?;
    Record::new("organisation.create", "organisation", Some(created.id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({ "name_vi": created.name_vi, "kind": created.kind.code() }))
        .public()
        .save(&db)
        .await?;
    Ok(created)
}

#[server(prefix = "/api", endpoint = "admin/organisations/staff/add")]
pub async fn add_staff(
    organisation_id: i64,
    email: String,
    title: Option<String>,
) -> Result<(), AppError> {
    use crate::audit::service::Record;
    use crate::ctx;
    use crate::notify::model::NotificationKind;
    ctx::require_admin()?;
    let db = ctx::db()?;
    let organisation = crate::org::service::find(&db, organisation_id).await?;
    let user_id = match crate::org::service::grant_staff(&db, organisation_id, &email, title).await
    {
        Ok(id) => id,
        // Refused because the person competes in one of the organisation's challenges: on the
        // record, with the reason (not public: it names a person).
        Err(e) if crate::participation::is_role_refusal(&e) => {
            if let AppError::Conflict { key, .. } = &e {
                Record::new("staff.refused", "organisation", Some(organisation_id))
                    .by_requester(&crate::ctx::requester()?)
                    .reason(key)
                    .details(serde_json::json!({ "email": email }))
                    .save(&db)
                    .await?;
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    Record::new("staff.grant", "organisation", Some(organisation_id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({ "user_id": user_id }))
        .save(&db)
        .await?;
    crate::notify::service::notify(
        &db,
        &crate::ctx::links()?,
        user_id,
        NotificationKind::StaffRoleGranted,
        &[("organisation", &organisation.name_vi)],
        "/account",
    )
    .await
}

#[server(prefix = "/api", endpoint = "admin/organisations/staff/remove")]
pub async fn remove_staff(organisation_id: i64, user_id: i64) -> Result<(), AppError> {
    use crate::audit::service::Record;
    use crate::ctx;
    ctx::require_admin()?;
    let db = ctx::db()?;
    crate::org::service::revoke_staff(&db, organisation_id, user_id).await?;
    Record::new("staff.revoke", "organisation", Some(organisation_id))
        .by_requester(&crate::ctx::requester()?)
        .details(serde_json::json!({ "user_id": user_id }))
        .save(&db)
        .await
}

/// Staff set how many working days their organisation gives itself to answer a report.
#[server(prefix = "/api", endpoint = "organisations/settings")]
pub async fn save_org_settings(
    organisation_id: i64,
    response_days: String,
) -> Result<(), AppError> {
    use crate::audit::service::Record;
    use crate::ctx;
    ctx::require_staff_of(organisation_id)?;
    let db = ctx::db()?;
    let days = match response_days.trim().parse::<i32>() {
        Ok(d) if (1..=30).contains(&d) => d,
        _ => return Err(AppError::invalid("response_days", "error.response_days")),
    };
    crate::org::service::set_response_days(&db, organisation_id, days).await?;
    Record::new(
        "organisation.response_days",
        "organisation",
        Some(organisation_id),
    )
    .by_requester(&crate::ctx::requester()?)
    .details(serde_json::json!({ "response_days": days }))
    .public()
    .save(&db)
    .await
}
