//! Registering helper groups, keeping their members, and the desks a person may file a report
//! at for someone else.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};

use super::entity::{group, member};
use super::model::{Desk, DeskChoice, HelperGroup, HelperMember, Helping};
use crate::account::rules::Login;
use crate::audit::service::Record;
use crate::auth::entity::user;
use crate::auth::{Requester, Viewer};
use crate::error::{AppError, FieldError};
use crate::org::entity::organisation;

pub const NAME_MAX: usize = 160;

/// The groups `viewer` belongs to (every group, for an administrator), with their members.
async fn groups_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
) -> Result<Vec<group::Model>, AppError> {
    let mut select = group::Entity::find().order_by_asc(group::Column::Name);
    if !viewer.is_admin {
        let mine: Vec<i64> = member::Entity::find()
            .filter(member::Column::UserId.eq(viewer.id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.group_id)
            .collect();
        select = select.filter(group::Column::Id.is_in(mine));
    }
    Ok(select.all(db).await?)
}

/// What the helpers' page shows `viewer`: their groups with the members, and where they may file
/// for someone else (their organisations' desks, every one for an administrator, and their
/// groups).
pub async fn overview(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<Helping, AppError> {
    let groups = groups_of(db, viewer).await?;
    let orgs: HashMap<i64, crate::org::model::Organisation> = crate::org::service::list(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let members = member::Entity::find()
        .filter(member::Column::GroupId.is_in(groups.iter().map(|g| g.id).collect::<Vec<_>>()))
        .order_by_desc(member::Column::Coordinator)
        .order_by_asc(member::Column::CreatedAt)
        .all(db)
        .await?;
    let people: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(members.iter().map(|m| m.user_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut shown = Vec::new();
    let mut desks: Vec<DeskChoice> = Vec::new();
    for g in &groups {
        let Some(org) = orgs.get(&g.organisation_id) else {
            continue;
        };
        let of_group: Vec<&member::Model> = members.iter().filter(|m| m.group_id == g.id).collect();
        let manages = viewer.is_admin
            || of_group
                .iter()
                .any(|m| m.user_id == viewer.id && m.coordinator);
        if of_group.iter().any(|m| m.user_id == viewer.id) {
            desks.push(DeskChoice {
                desk: Desk::Group(g.id),
                name: g.name.clone(),
            });
        }
        shown.push(HelperGroup {
            id: g.id,
            name: g.name.clone(),
            organisation: org.clone(),
            members: of_group
                .iter()
                .filter_map(|m| {
                    let person = people.get(&m.user_id)?;
                    Some(HelperMember {
                        user_id: m.user_id,
                        name: person.display_name.clone(),
                        // Half hidden: a coordinator who names a member by their number
                        // does not learn their address from the list.
                        reached_at: manages.then(|| {
                            Login::read(crate::account::service::identity(person)).masked()
                        }),
                        coordinator: m.coordinator,
                        you: m.user_id == viewer.id,
                    })
                })
                .collect(),
            manages,
            reports_filed: 0,
        });
    }
    let mut org_desks: Vec<&crate::org::model::Organisation> = orgs
        .values()
        .filter(|o| viewer.is_staff_of(o.id) && !viewer.office_waiting)
        .collect();
    org_desks.sort_by_key(|o| o.id);
    desks.splice(
        0..0,
        org_desks.into_iter().map(|o| DeskChoice {
            desk: Desk::Organisation(o.id),
            name: o.name_vi.clone(),
        }),
    );
    Ok(Helping {
        groups: shown,
        desks,
        registers: viewer.is_admin,
    })
}

/// Whether the account is a member of any helper group.
pub async fn helps_in_a_group(db: &impl ConnectionTrait, user_id: i64) -> Result<bool, AppError> {
    Ok(member::Entity::find()
        .filter(member::Column::UserId.eq(user_id))
        .count(db)
        .await?
        > 0)
}

/// Whether `viewer` may file at `desk`: staff of the organisation (an administrator at every
/// one), or a member of the group. Returns the group's organisation or the desk's.
pub async fn may_file_at(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    desk: Desk,
) -> Result<bool, AppError> {
    Ok(match desk {
        Desk::Organisation(id) => viewer.is_staff_of(id),
        Desk::Group(id) => member::Entity::find_by_id((id, viewer.id))
            .one(db)
            .await?
            .is_some(),
    })
}

fn check_name(name: &str) -> Vec<FieldError> {
    FieldError::length("name", name, 3, NAME_MAX)
        .into_iter()
        .collect()
}

/// Members a coordinator may try to add in a day, whether or not the account is found.
pub const MEMBERS_TRIED_PER_DAY: crate::auth::throttle::Limit =
    crate::auth::throttle::Limit::new("helper_member_tries", 30, chrono::Duration::days(1));

/// The account a coordinator or administrator names by its email or phone number.
async fn account_named(
    db: &impl ConnectionTrait,
    field: &str,
    login: &str,
) -> Result<user::Model, AppError> {
    if login.trim().is_empty() {
        return Err(AppError::invalid(field, "error.login_required"));
    }
    let found = crate::account::service::find_by_login(db, &Login::read(login)).await?;
    match found {
        Some(account)
            if !crate::account::rules::is_deleted_address(crate::account::service::identity(
                &account,
            )) =>
        {
            Ok(account)
        }
        _ => Err(AppError::invalid(field, "error.no_such_account")),
    }
}

/// An administrator registers a helper group working with an organisation, and its first
/// coordinator (an account named by email or phone). The group, its coordinator and the public
/// record commit together. Returns the group's id.
pub async fn register(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    organisation_id: Option<i64>,
    name: &str,
    coordinator: &str,
) -> Result<i64, AppError> {
    let admin = requester.signed_in()?;
    if !admin.is_admin || admin.office_waiting {
        return Err(admin.refusal());
    }
    let name = name.trim();
    let mut errors = check_name(name);
    let org = match organisation_id {
        Some(id) => organisation::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    if org.is_none() {
        errors.push(FieldError::new(
            "organisation_id",
            "error.organisation_choose",
        ));
    }
    let account = match account_named(db, "coordinator", coordinator).await {
        Ok(account) => Some(account),
        Err(AppError::Invalid(e)) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    let (Some(org), Some(account), true) = (org, account, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let now = Utc::now();
    let txn = crate::group_commit::begin_writing(db).await?;
    let g = group::ActiveModel {
        organisation_id: Set(org.id),
        name: Set(name.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    member::ActiveModel {
        group_id: Set(g.id),
        user_id: Set(account.id),
        coordinator: Set(true),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    // Who may file in the name of the people they help is the city's decision, in public.
    Record::new("helper_group.create", "helper_group", Some(g.id))
        .by_requester(requester)
        .public()
        .details(serde_json::json!({ "name": name, "organisation_id": org.id }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(g.id)
}

/// The group, if `viewer` manages it (its coordinator, or an administrator); a group they do not
/// manage reads as one that does not exist.
async fn managed(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    group_id: i64,
) -> Result<group::Model, AppError> {
    let g = group::Entity::find_by_id(group_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if viewer.is_admin && !viewer.office_waiting {
        return Ok(g);
    }
    let coordinates = member::Entity::find_by_id((group_id, viewer.id))
        .one(db)
        .await?
        .is_some_and(|m| m.coordinator);
    if coordinates {
        Ok(g)
    } else {
        Err(AppError::NotFound)
    }
}

/// A coordinator (or an administrator) adds a member, named by email or phone; `coordinator`
/// makes them one too. Returns the member's account id.
pub async fn add_member(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    group_id: i64,
    login: &str,
    coordinator: bool,
) -> Result<i64, AppError> {
    let viewer = requester.signed_in()?;
    let g = managed(db, viewer, group_id).await?;
    // Each name tried counts, found or not: a coordinator cannot run through numbers to learn
    // who has an account.
    crate::auth::throttle::hit(db, MEMBERS_TRIED_PER_DAY, &viewer.id.to_string()).await?;
    let account = account_named(db, "login", login).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let added = member::Entity::insert(member::ActiveModel {
        group_id: Set(g.id),
        user_id: Set(account.id),
        coordinator: Set(coordinator),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([member::Column::GroupId, member::Column::UserId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if added == 0 {
        txn.rollback().await?;
        return Err(AppError::invalid("login", "error.already_helper"));
    }
    Record::new("helper_group.add", "helper_group", Some(g.id))
        .by_requester(requester)
        .details(serde_json::json!({ "user_id": account.id, "coordinator": coordinator }))
        .save(&txn)
        .await?;
    // Named by their address or number, the person learns who added them, and where.
    crate::notify::service::notify(
        &txn,
        links,
        account.id,
        crate::notify::model::NotificationKind::HelperGroupAdded,
        &[
            ("name", &viewer.display_name),
            ("group", &g.name),
            (crate::notify::model::ACTOR, &viewer.id.to_string()),
        ],
        "/helpers",
    )
    .await?;
    txn.commit().await?;
    Ok(account.id)
}

/// A coordinator (or an administrator) takes a member off the group, or a member leaves it. The
/// last coordinator stays: a group nobody manages could not take anyone on again.
pub async fn remove_member(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    group_id: i64,
    user_id: i64,
) -> Result<(), AppError> {
    let viewer = requester.signed_in()?;
    // A member leaves of their own accord; anyone else is taken off by a coordinator.
    let g = if user_id == viewer.id {
        group::Entity::find_by_id(group_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?
    } else {
        managed(db, viewer, group_id).await?
    };
    let txn = crate::group_commit::begin_writing(db).await?;
    // Held first: two coordinators taking each other off at once are counted one after the other.
    crate::sql::hold_row(&txn, ("helper_groups", "id"), g.id).await?;
    let Some(leaving) = member::Entity::find_by_id((g.id, user_id))
        .one(&txn)
        .await?
    else {
        txn.rollback().await?;
        return Err(AppError::NotFound);
    };
    if leaving.coordinator {
        let coordinators = member::Entity::find()
            .filter(member::Column::GroupId.eq(g.id))
            .filter(member::Column::Coordinator.eq(true))
            .count(&txn)
            .await?;
        if coordinators <= 1 {
            txn.rollback().await?;
            return Err(AppError::conflict("error.helper_last_coordinator"));
        }
    }
    member::Entity::delete_by_id((g.id, user_id))
        .exec(&txn)
        .await?;
    Record::new("helper_group.remove", "helper_group", Some(g.id))
        .by_requester(requester)
        .details(serde_json::json!({ "user_id": user_id }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The name of the group a report was filed through.
pub async fn name_of(db: &impl ConnectionTrait, group_id: i64) -> Result<Option<String>, AppError> {
    Ok(group::Entity::find_by_id(group_id)
        .one(db)
        .await?
        .map(|g| g.name))
}
