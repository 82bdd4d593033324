//! Creating organisations and granting or revoking staff roles.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::entity::{org_staff, organisation};
use super::model::{OrgKind, Organisation, OrganisationAdmin, StaffMember, check_names, slugify};
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
                        email: u.email.clone(),
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

pub async fn create(
    db: &impl ConnectionTrait,
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
    .insert(db)
    .await?;
    Ok(to_dto(model))
}

/// Makes the account with `email` staff of the organisation; returns its user id.
pub async fn grant_staff(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    email: &str,
    title: Option<String>,
) -> Result<i64, AppError> {
    if organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
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
    crate::participation::may_organise(
        db,
        organisation_id,
        crate::participation::Person {
            user_id: Some(account.id),
            email: &account.email,
        },
    )
    .await?;
    org_staff::ActiveModel {
        organisation_id: Set(organisation_id),
        user_id: Set(account.id),
        title: Set(title
            .map(|t| t.trim().chars().take(120).collect())
            .filter(|t: &String| !t.is_empty())),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(account.id)
}

pub async fn revoke_staff(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    user_id: i64,
) -> Result<(), AppError> {
    let removed = org_staff::Entity::delete_by_id((organisation_id, user_id))
        .exec(db)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Organisation, AppError> {
    organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_dto)
        .ok_or(AppError::NotFound)
}

pub async fn set_response_days(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    days: i32,
) -> Result<(), AppError> {
    let org = organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut active: organisation::ActiveModel = org.into();
    active.response_days = Set(days);
    active.update(db).await?;
    Ok(())
}
