//! The pass that reminds a team, once, that its draft is due within a day.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::challenge::entity::challenge;
use crate::entry::entity::entry;
use crate::entry::model::EntryStatus;
use crate::error::AppError;
use crate::team::entity::team;

/// Tells the members of each draft, once, when their deadline is less than a day away. Each
/// reminder is claimed with a conditional update, so several server instances send it once.
pub async fn remind_drafts(
    db: &sea_orm::DatabaseConnection,
    links: &crate::links::Links,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    use crate::notify::model::NotificationKind;
    let drafts = entry::Entity::find()
        .filter(entry::Column::Status.eq(EntryStatus::Draft.code()))
        .filter(entry::Column::RemindedAt.is_null())
        .all(db)
        .await?;
    let mut sent = 0;
    for e in drafts {
        let Some(c) = challenge::Entity::find_by_id(e.challenge_id)
            .one(db)
            .await?
        else {
            continue;
        };
        let deadline = crate::entry::service::closes_at(&c, &e);
        if c.status != "published"
            || deadline <= now
            || deadline > now + chrono::Duration::hours(24)
        {
            continue;
        }
        let claim = entry::Entity::update_many()
            .set(entry::ActiveModel {
                reminded_at: Set(Some(now)),
                ..Default::default()
            })
            .filter(entry::Column::Id.eq(e.id))
            .filter(entry::Column::RemindedAt.is_null());
        let Some(txn) = crate::group_commit::claim(db, claim).await? else {
            continue;
        };
        let Some(t) = team::Entity::find_by_id(e.team_id).one(&txn).await? else {
            txn.rollback().await?;
            continue;
        };
        crate::team::service::notify_members(
            &txn,
            links,
            &t,
            NotificationKind::EntryDeadlineSoon,
            &[
                ("team", &t.name),
                ("challenge", &c.title),
                ("at", &crate::i18n::format_datetime(deadline)),
            ],
        )
        .await?;
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
}
