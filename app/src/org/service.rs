//! Creating organisations and granting or revoking staff roles.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};

use super::entity::{org_staff, organisation, staff_departure};
use super::model::{OrgKind, Organisation, OrganisationAdmin, StaffMember, check_names, slugify};
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::auth::entity::user;
use crate::error::{AppError, FieldError};

fn to_dto(m: organisation::Model) -> Organisation {
    Organisation {
        id: m.id,
        slug: m.slug,
        name_vi: m.name_vi,
        name_en: m.name_en,
        kind: OrgKind::from_code(&m.kind).unwrap_or(OrgKind::Department),
        parent_id: m.parent_id,
        response_days: m.response_days,
    }
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Organisation>, AppError> {
    Ok(organisation::Entity::find()
        .order_by_asc(organisation::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_dto)
        .collect())
}

pub async fn list_with_staff(
    db: &impl ConnectionTrait,
) -> Result<Vec<OrganisationAdmin>, AppError> {
    let orgs = list(db).await?;
    let staff = org_staff::Entity::find()
        .find_also_related(user::Entity)
        .all(db)
        .await?;
    Ok(orgs
        .into_iter()
        .map(|organisation| {
            let staff = staff
                .iter()
                .filter(|(s, _)| s.organisation_id == organisation.id)
                .filter_map(|(s, u)| {
                    u.as_ref().map(|u| StaffMember {
                        user_id: u.id,
                        display_name: u.display_name.clone(),
                        email: u.email.clone().unwrap_or_default(),
                        title: s.title.clone(),
                    })
                })
                .collect();
            OrganisationAdmin {
                organisation,
                staff,
            }
        })
        .collect())
}

pub struct NewOrganisation {
    pub name_vi: String,
    pub name_en: String,
    pub kind: String,
    pub parent_id: Option<i64>,
}

/// Creates an organisation, on the public record.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    new: NewOrganisation,
) -> Result<Organisation, AppError> {
    let mut errors = check_names(&new.name_vi, &new.name_en)
        .err()
        .unwrap_or_default();
    let kind = OrgKind::from_code(&new.kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "error.org_kind"));
    }
    if let Some(parent) = new.parent_id
        && organisation::Entity::find_by_id(parent)
            .one(db)
            .await?
            .is_none()
    {
        errors.push(FieldError::new("parent_id", "error.org_parent"));
    }
    let slug = slugify(&new.name_vi);
    if slug.is_empty() {
        errors.push(FieldError::new("name_vi", "error.org_name_length").with("max", 160));
    } else if organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(&slug))
        .one(db)
        .await?
        .is_some()
    {
        errors.push(FieldError::new("name_vi", "error.org_exists"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    let model = organisation::ActiveModel {
        slug: Set(slug),
        name_vi: Set(new.name_vi.trim().to_owned()),
        name_en: Set(new.name_en.trim().to_owned()),
        kind: Set(kind.map(OrgKind::code).unwrap_or("department").to_owned()),
        parent_id: Set(new.parent_id),
        response_days: Set(5),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Record::new("organisation.create", "organisation", Some(model.id))
        .by_requester(requester)
        .details(serde_json::json!({ "name_vi": model.name_vi, "kind": model.kind }))
        .public()
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(to_dto(model))
}

/// Makes the account with `email` staff of the organisation: the role, its record and the
/// person's notification, in one transaction. Someone who competes in one of the
/// organisation's challenges is refused, and the refusal is on the record with its reason (not
/// public: it names a person). Returns the user id.
pub async fn grant_staff(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    organisation_id: i64,
    email: &str,
    title: Option<String>,
) -> Result<i64, AppError> {
    let Some(org) = organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
    else {
        return Err(AppError::NotFound);
    };
    let email = crate::account::rules::normalise_email(email);
    let Some(account) = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await?
    else {
        return Err(AppError::invalid("email", "error.no_such_account"));
    };
    if org_staff::Entity::find_by_id((organisation_id, account.id))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::invalid("email", "error.already_staff"));
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    // Held, then checked: a seat on a team or a panel given at the same moment is seen.
    if !crate::participation::hold(&txn, account.id).await? {
        txn.rollback().await?;
        return Err(AppError::invalid("email", "error.no_such_account"));
    }
    let person = crate::participation::Person {
        user_id: Some(account.id),
        email: crate::account::service::identity(&account),
    };
    if let Err(err) = crate::participation::may_organise(&txn, organisation_id, person).await {
        txn.rollback().await?;
        if crate::participation::is_role_refusal(&err)
            && let AppError::Conflict { key, .. } = &err
        {
            Record::new("staff.refused", "organisation", Some(organisation_id))
                .by_requester(requester)
                .reason(key)
                .details(serde_json::json!({ "email": email }))
                .save(db)
                .await?;
        }
        return Err(err);
    }
    org_staff::ActiveModel {
        organisation_id: Set(organisation_id),
        user_id: Set(account.id),
        title: Set(title
            .map(|t| t.trim().chars().take(120).collect())
            .filter(|t: &String| !t.is_empty())),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    Record::new("staff.grant", "organisation", Some(organisation_id))
        .by_requester(requester)
        .details(serde_json::json!({ "user_id": account.id }))
        .save(&txn)
        .await?;
    crate::notify::service::notify(
        &txn,
        links,
        account.id,
        crate::notify::model::NotificationKind::StaffRoleGranted,
        &[("organisation", &org.name_vi)],
        "/account",
    )
    .await?;
    txn.commit().await?;
    Ok(account.id)
}

/// Makes an administrator (the command line, a first start): a new verified account, or the
/// account already on the address. Not someone who competes in a challenge that is not over,
/// nor someone seated on a blind panel that still judges: an administrator organises every
/// challenge and reads every entry with its team. A refusal is on the record with its reason.
pub async fn appoint_admin(
    db: &(impl ConnectionTrait + TransactionTrait),
    email: &str,
    display_name: &str,
    password: String,
) -> Result<user::Model, AppError> {
    let admin = crate::account::service::NewAdmin::check(email, display_name, password).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let existing = crate::account::service::find_by_email(&txn, &admin.email).await?;
    if !existing.as_ref().is_some_and(|u| u.is_admin) {
        // Held, then checked: a seat on a team or a panel given at the same moment is seen.
        let user_id = existing.as_ref().map(|u| u.id);
        if let Some(id) = user_id
            && !crate::participation::hold(&txn, id).await?
        {
            txn.rollback().await?;
            return Err(AppError::invalid("email", "error.no_such_account"));
        }
        let person = crate::participation::Person {
            user_id,
            email: &admin.email,
        };
        if let Err(err) = crate::participation::may_administer(&txn, person).await {
            txn.rollback().await?;
            if let AppError::Conflict { key, .. } = &err {
                Record::new("admin.refused", "user", user_id)
                    .reason(key)
                    .details(serde_json::json!({ "email": admin.email }))
                    .save(db)
                    .await?;
            }
            return Err(err);
        }
    }
    let account = crate::account::service::make_admin(&txn, existing, admin).await?;
    txn.commit().await?;
    Ok(account)
}

/// Ends a person's staff role, on the record. That they were staff is kept
/// ([`record_departure`]): they do not compete in, nor judge blind, a challenge of the
/// organisation's that existed meanwhile.
pub async fn revoke_staff(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    organisation_id: i64,
    user_id: i64,
) -> Result<(), AppError> {
    let txn = crate::group_commit::begin_writing(db).await?;
    // Held first, as every change of a person's roles is.
    crate::participation::hold(&txn, user_id).await?;
    let removed = org_staff::Entity::delete_by_id((organisation_id, user_id))
        .exec(&txn)
        .await?;
    let account = user::Entity::find_by_id(user_id).one(&txn).await?;
    let (1.., Some(account)) = (removed.rows_affected, account) else {
        return Err(AppError::NotFound);
    };
    record_departure(&txn, Some(organisation_id), &account).await?;
    Record::new("staff.revoke", "organisation", Some(organisation_id))
        .by_requester(requester)
        .details(serde_json::json!({ "user_id": user_id }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Keeps that `account` stops, now, being staff of the organisation `organisation_id` (`None`:
/// an administrator, of every organisation), by account and by mailbox: an account deleted and
/// registered again on the same address is still the person who read those teams.
pub async fn record_departure(
    db: &impl ConnectionTrait,
    organisation_id: Option<i64>,
    account: &user::Model,
) -> Result<(), AppError> {
    staff_departure::ActiveModel {
        organisation_id: Set(organisation_id),
        user_id: Set(Some(account.id)),
        mailbox_hash: Set(crate::account::rules::mailbox_hash(
            crate::account::service::identity(account),
        )),
        left_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Organisation, AppError> {
    organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_dto)
        .ok_or(AppError::NotFound)
}

/// Sets how many working days (1 to 30, as typed) the organisation gives itself to answer a
/// report, on the public record.
pub async fn set_response_days(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    organisation_id: i64,
    typed: &str,
) -> Result<(), AppError> {
    let days = match typed.trim().parse::<i32>() {
        Ok(d) if (1..=30).contains(&d) => d,
        _ => return Err(AppError::invalid("response_days", "error.response_days")),
    };
    let org = organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let mut active: organisation::ActiveModel = org.into();
    active.response_days = Set(days);
    active.update(&txn).await?;
    Record::new(
        "organisation.response_days",
        "organisation",
        Some(organisation_id),
    )
    .by_requester(requester)
    .details(serde_json::json!({ "response_days": days }))
    .public()
    .save(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}
