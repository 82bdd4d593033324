//! Helper groups: administrators register them, their coordinators keep their members, and
//! their members (with the organisations' staff) file reports for people who cannot.

use leptos::prelude::*;

use crate::error::AppError;
use crate::helper::model::Helping;

/// The viewer's helper groups (every group, for an administrator) and the desks where they may
/// file a report for someone else.
#[server(prefix = "/api", endpoint = "helpers")]
pub async fn helper_overview() -> Result<Helping, AppError> {
    use crate::ctx;
    let viewer = ctx::require_user()?;
    let db = ctx::db()?;
    let mut helping = crate::helper::service::overview(&db, &viewer).await?;
    let ids: Vec<i64> = helping.groups.iter().map(|g| g.id).collect();
    let filed = crate::report::assisted::filed_by_groups(&db, &ids).await?;
    for g in &mut helping.groups {
        g.reports_filed = filed.get(&g.id).copied().unwrap_or_default();
    }
    Ok(helping)
}

/// An administrator registers a helper group working with an organisation, and its coordinator
/// (an account's email or phone number).
#[server(prefix = "/api", endpoint = "helpers/register")]
pub async fn register_helper_group(
    organisation_id: Option<i64>,
    name: String,
    coordinator: String,
) -> Result<i64, AppError> {
    use crate::ctx;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    crate::helper::service::register(&db, &requester, organisation_id, &name, &coordinator).await
}

/// A coordinator (or an administrator) adds a member by email or phone number; `as_coordinator`
/// makes them one too.
#[server(prefix = "/api", endpoint = "helpers/add")]
pub async fn add_helper(
    group_id: i64,
    login: String,
    #[server(default)] as_coordinator: bool,
) -> Result<i64, AppError> {
    use crate::ctx;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    crate::helper::service::add_member(
        &db,
        &ctx::links()?,
        &requester,
        group_id,
        &login,
        as_coordinator,
    )
    .await
}

/// A coordinator (or an administrator) takes a member off the group.
#[server(prefix = "/api", endpoint = "helpers/remove")]
pub async fn remove_helper(group_id: i64, user_id: i64) -> Result<(), AppError> {
    use crate::ctx;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    crate::helper::service::remove_member(&db, &requester, group_id, user_id).await
}
