//! The pass that tells teams their challenge's results are out, for results published for a
//! later moment.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::challenge::entity::challenge;
use crate::error::AppError;

/// Tells the members of every team with an eligible entry that results are out, once per
/// challenge: each challenge is claimed with a conditional update, so several instances send it
/// once. Returns how many challenges were announced. (Results published for now are announced
/// by [`crate::judging::staff::publish`] itself; this pass is for those published for later.)
pub async fn notify_results(
    db: &sea_orm::DatabaseConnection,
    links: &crate::links::Links,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let due = challenge::Entity::find()
        .filter(challenge::Column::ResultsPublishedAt.lte(now))
        .filter(challenge::Column::ResultsNotifiedAt.is_null())
        .all(db)
        .await?;
    let mut sent = 0;
    for c in due {
        let claim = challenge::Entity::update_many()
            .set(challenge::ActiveModel {
                results_notified_at: Set(Some(now)),
                ..Default::default()
            })
            .filter(challenge::Column::Id.eq(c.id))
            .filter(challenge::Column::ResultsNotifiedAt.is_null());
        let Some(txn) = crate::group_commit::claim(db, claim).await? else {
            continue;
        };
        crate::judging::results::tell_teams(&txn, links, &c).await?;
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
}
