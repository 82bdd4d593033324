//! A pilot in public: dated updates with photos, citizens' comments (hidden by staff with a reason),
//! ratings of the piloted service, and followers who are told of each update.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

use super::entity::{comment, follow, rating, update};
use super::plan::{find, find_managed, is_member, notify_followers, refuse_if_ended};
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::error::{AppError, FieldError};
use crate::notify::model::NotificationKind;

/// Staff or a team member posts a dated update; followers are told.
pub async fn post_update(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    storage: &crate::upload::storage::Storage,
    requester: &Requester,
    pilot_id: i64,
    body: &str,
    photos: Vec<crate::upload::form::Incoming>,
) -> Result<(), AppError> {
    let viewer = requester.verified()?;
    let p = find(db, pilot_id).await?;
    let staff = viewer.is_staff_of(p.organisation_id);
    let member = is_member(db, p.team_id, viewer.id).await?;
    if !staff && !member {
        return Err(AppError::Forbidden);
    }
    refuse_if_ended(&p)?;
    if let Some(e) = FieldError::length("body", body, 10, 5000) {
        return Err(AppError::Invalid(vec![e]));
    }
    if photos.len() > MAX_PHOTOS {
        return Err(AppError::Invalid(vec![
            FieldError::new("photos", "error.too_many_photos").with("max", MAX_PHOTOS),
        ]));
    }
    let mut ids = Vec::new();
    for photo in photos {
        let link = crate::upload::service::store(
            db,
            storage,
            viewer.id,
            crate::upload::service::Purpose::PilotPhoto,
            "photos",
            photo,
        )
        .await
        .map_err(AppError::Invalid)?;
        ids.push(link.id);
    }
    // The photos are stored first (each is cleaned, which takes a while); the update, its record
    // and the followers' notices are written together.
    let txn = crate::group_commit::begin_writing(db).await?;
    let u = update::ActiveModel {
        pilot_id: Set(pilot_id),
        author_id: Set(Some(viewer.id)),
        author_name: Set(viewer.display_name.clone()),
        by_team: Set(member && !staff),
        body: Set(body.trim().to_owned()),
        photos: Set(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Record::new("pilot.post", "pilot", Some(pilot_id))
        .by_requester(requester)
        .details(serde_json::json!({ "update": u.id }))
        .save(&txn)
        .await?;
    notify_followers(
        &txn,
        links,
        &p,
        NotificationKind::PilotUpdated,
        Some(viewer.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Photos on one update.
pub const MAX_PHOTOS: usize = 4;

/// A verified citizen comments on an update.
pub async fn comment(
    db: &impl ConnectionTrait,
    requester: &Requester,
    update_id: i64,
    body: &str,
) -> Result<i64, AppError> {
    let viewer = requester.verified()?;
    let u = update::Entity::find_by_id(update_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(e) = FieldError::length("body", body, 2, 1000) {
        return Err(AppError::Invalid(vec![e]));
    }
    comment::ActiveModel {
        pilot_id: Set(u.pilot_id),
        update_id: Set(u.id),
        user_id: Set(Some(viewer.id)),
        body: Set(body.trim().to_owned()),
        created_at: Set(Utc::now()),
        hidden_at: Set(None),
        hidden_by: Set(None),
        hidden_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(u.pilot_id)
}

/// Staff hide a comment, with a reason shown in its place.
pub async fn hide_comment(
    conn: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    comment_id: i64,
    reason: &str,
) -> Result<i64, AppError> {
    let staff = requester.signed_in()?;
    let txn = crate::group_commit::begin_writing(conn).await?;
    let db = &txn;
    let c = comment::Entity::find_by_id(comment_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = find_managed(db, c.pilot_id, staff).await?;
    if let Some(e) = FieldError::length("reason", reason, 5, 500) {
        return Err(AppError::Invalid(vec![e]));
    }
    if c.hidden_at.is_some() {
        return Err(AppError::conflict("error.comment_hidden"));
    }
    let mut a: comment::ActiveModel = c.into();
    a.hidden_at = Set(Some(Utc::now()));
    a.hidden_by = Set(Some(staff.id));
    a.hidden_reason = Set(Some(reason.trim().to_owned()));
    a.update(db).await?;
    Record::new("pilot.hide_comment", "pilot", Some(p.id))
        .by_requester(requester)
        .reason(reason.trim())
        .details(serde_json::json!({ "comment": comment_id }))
        .public()
        .save(db)
        .await?;
    txn.commit().await?;
    Ok(p.id)
}

/// A citizen rates how the piloted service works for them: one rating each, changeable.
pub async fn rate(
    db: &impl ConnectionTrait,
    requester: &Requester,
    pilot_id: i64,
    stars: i32,
    text: &str,
) -> Result<(), AppError> {
    let viewer = requester.verified()?;
    find(db, pilot_id).await?;
    let mut errors: Vec<FieldError> = FieldError::length("comment", text, 0, 1000)
        .into_iter()
        .collect();
    if !(1..=5).contains(&stars) {
        errors.push(FieldError::new("stars", "error.stars_range"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = Utc::now();
    let existing = rating::Entity::find_by_id((pilot_id, viewer.id))
        .one(db)
        .await?;
    match existing {
        Some(r) => {
            let mut a: rating::ActiveModel = r.into();
            a.stars = Set(stars);
            a.comment = Set(text.trim().to_owned());
            a.updated_at = Set(now);
            a.update(db).await?;
        }
        None => {
            let inserted = rating::ActiveModel {
                pilot_id: Set(pilot_id),
                user_id: Set(viewer.id),
                stars: Set(stars),
                comment: Set(text.trim().to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await;
            // A second tab rated at the same moment: the rating exists, so this one changes it.
            if let Err(err) = inserted {
                if !crate::error::is_unique_violation(&err) {
                    return Err(err.into());
                }
                rating::Entity::update_many()
                    .set(rating::ActiveModel {
                        stars: Set(stars),
                        comment: Set(text.trim().to_owned()),
                        updated_at: Set(now),
                        ..Default::default()
                    })
                    .filter(rating::Column::PilotId.eq(pilot_id))
                    .filter(rating::Column::UserId.eq(viewer.id))
                    .exec(db)
                    .await?;
            }
        }
    }
    Ok(())
}

pub async fn set_follow(
    db: &impl ConnectionTrait,
    requester: &Requester,
    pilot_id: i64,
    on: bool,
) -> Result<(), AppError> {
    let viewer = requester.signed_in()?;
    find(db, pilot_id).await?;
    let existing = follow::Entity::find_by_id((pilot_id, viewer.id))
        .one(db)
        .await?;
    match (on, existing) {
        (true, None) => {
            let inserted = follow::ActiveModel {
                pilot_id: Set(pilot_id),
                user_id: Set(viewer.id),
                created_at: Set(Utc::now()),
            }
            .insert(db)
            .await;
            match inserted {
                Err(err) if !crate::error::is_unique_violation(&err) => return Err(err.into()),
                _ => {}
            }
        }
        (false, Some(f)) => {
            follow::Entity::delete_by_id((f.pilot_id, f.user_id))
                .exec(db)
                .await?;
        }
        _ => {}
    }
    Ok(())
}
