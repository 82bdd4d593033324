//! The pass that reminds milestone owners of a pilot three days before a due date, and once
//! when it passes unfinished; then the pilot's followers learn it is late too.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::error::AppError;
use crate::notify::model::NotificationKind;
use crate::pilot::cards::status_of;
use crate::pilot::entity::{milestone, pilot};
use crate::pilot::rules::{self, MilestoneStatus, Owner};
use crate::team::entity::member;

/// Reminds milestone owners three days before a due date and once when it passes unfinished;
/// each reminder claimed first, so that several instances send it once.
pub async fn remind_milestones(
    db: &sea_orm::DatabaseConnection,
    links: &crate::links::Links,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let open = milestone::Entity::find()
        .filter(milestone::Column::Status.ne(MilestoneStatus::Done.code()))
        .filter(
            sea_orm::Condition::any()
                .add(milestone::Column::RemindedSoonAt.is_null())
                .add(milestone::Column::RemindedLateAt.is_null()),
        )
        .all(db)
        .await?;
    let mut sent = 0;
    let calendar = crate::calendar::service::load(db).await?;
    for m in open {
        let deadline = rules::end_of_day(rules::last_day(m.due_on, &calendar));
        let (kind, column) = if now >= deadline && m.reminded_late_at.is_none() {
            (
                NotificationKind::MilestoneOverdue,
                milestone::Column::RemindedLateAt,
            )
        } else if now < deadline
            && deadline - now <= chrono::Duration::days(crate::pilot::milestones::REMIND_DAYS)
            && m.reminded_soon_at.is_none()
        {
            (
                NotificationKind::MilestoneDueSoon,
                milestone::Column::RemindedSoonAt,
            )
        } else {
            continue;
        };
        let Some(p) = pilot::Entity::find_by_id(m.pilot_id).one(db).await? else {
            continue;
        };
        if !status_of(&p).is_active() {
            continue;
        }
        let claim = milestone::Entity::update_many()
            .col_expr(column, sea_orm::sea_query::Expr::value(now))
            .filter(milestone::Column::Id.eq(m.id))
            .filter(column.is_null());
        let Some(txn) = crate::group_commit::claim(db, claim).await? else {
            continue;
        };
        let owners: Vec<i64> = match Owner::from_columns(&m.owner_kind, m.owner_user_id) {
            Owner::Official(uid) => vec![uid],
            Owner::Team => {
                member::Entity::find()
                    .select_only()
                    .column(member::Column::UserId)
                    .filter(member::Column::TeamId.eq(p.team_id))
                    .into_tuple()
                    .all(&txn)
                    .await?
            }
        };
        let due = m.due_on.format("%d/%m/%Y").to_string();
        let params = [
            ("milestone", m.title.as_str()),
            ("title", &p.title),
            ("date", &due),
        ];
        let link = format!("/pilots/{}", p.id);
        for user_id in &owners {
            crate::notify::service::notify(&txn, links, *user_id, kind, &params, &link).await?;
        }
        // Those who follow the pilot in public learn of a late milestone too (its owners were
        // told above).
        if kind == NotificationKind::MilestoneOverdue {
            let followers: Vec<i64> = crate::pilot::entity::follow::Entity::find()
                .select_only()
                .column(crate::pilot::entity::follow::Column::UserId)
                .filter(crate::pilot::entity::follow::Column::PilotId.eq(p.id))
                .into_tuple()
                .all(&txn)
                .await?;
            for user_id in followers.into_iter().filter(|u| !owners.contains(u)) {
                crate::notify::service::notify(
                    &txn,
                    links,
                    user_id,
                    NotificationKind::FollowedMilestoneLate,
                    &params,
                    &link,
                )
                .await?;
            }
        }
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
}
