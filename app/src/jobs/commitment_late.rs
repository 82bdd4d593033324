//! The pass that tells the followers of a commitment, once, that it passed its date unkept (its
//! last day on the working-day calendar).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::commitment::entity::commitment;
use crate::commitment::service::tell_followers;
use crate::error::AppError;
use crate::links::Links;
use crate::pilot::rules::city_today;

/// Tells the followers of each commitment that passed its last day unkept, once (claimed first,
/// so that several instances tell it once). Returns how many commitments were told of.
pub async fn tell_late(
    db: &sea_orm::DatabaseConnection,
    links: &Links,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let calendar = crate::calendar::service::load(db).await?;
    let open = commitment::Entity::find()
        .filter(commitment::Column::DoneAt.is_null())
        .filter(commitment::Column::LateToldAt.is_null())
        .filter(commitment::Column::DueOn.lt(city_today(now)))
        .all(db)
        .await?;
    let mut told = 0;
    for c in open {
        let last_day = crate::pilot::rules::last_day(c.due_on, &calendar);
        if now < crate::pilot::rules::end_of_day(last_day) {
            continue;
        }
        // Claimed only as it was read (not kept or moved since), with its notices in the same
        // transaction: told once, or not at all.
        let claim = commitment::Entity::update_many()
            .col_expr(commitment::Column::LateToldAt, Expr::value(now))
            .filter(commitment::Column::Id.eq(c.id))
            .filter(commitment::Column::LateToldAt.is_null())
            .filter(commitment::Column::DoneAt.is_null())
            .filter(commitment::Column::DueOn.eq(c.due_on));
        let Some(txn) = crate::group_commit::claim(db, claim).await? else {
            continue;
        };
        let date = c.due_on.format("%d/%m/%Y").to_string();
        tell_followers(&txn, links, &c, "t:commitment.news.late", &date).await?;
        txn.commit().await?;
        told += 1;
    }
    Ok(told)
}
