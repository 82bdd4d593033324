//! The pass that tells followers and team members when a published challenge enters a new
//! phase (entries open, entries close, the vote, the results), and its voters when the results
//! are out.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::challenge::entity::challenge;
use crate::challenge::rules::Status;
use crate::error::AppError;

/// Tells followers and team members when a published challenge enters a new phase. Each change is claimed with a
/// conditional update, so with several server instances only one sends it.
pub async fn notify_phase_changes(
    db: &sea_orm::DatabaseConnection,
    links: &crate::links::Links,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    use crate::notify::model::NotificationKind;
    let published = challenge::Entity::find()
        .filter(challenge::Column::Status.eq(Status::Published.code()))
        .filter(challenge::Column::ResultsAt.gt(now - chrono::Duration::days(30)))
        .all(db)
        .await?;
    let mut sent = 0;
    for m in published {
        let phase = crate::challenge::service::phase_of(&m, now);
        if m.notified_phase.as_deref() == Some(phase.code()) {
            continue;
        }
        let mut claim = challenge::Entity::update_many()
            .col_expr(
                challenge::Column::NotifiedPhase,
                sea_orm::sea_query::Expr::value(phase.code()),
            )
            .filter(challenge::Column::Id.eq(m.id));
        claim = match &m.notified_phase {
            Some(old) => claim.filter(challenge::Column::NotifiedPhase.eq(old.as_str())),
            None => claim.filter(challenge::Column::NotifiedPhase.is_null()),
        };
        // One write however many people follow.
        let Some(txn) = crate::group_commit::claim(db, claim).await? else {
            continue;
        };
        // Followers, and the members of its teams, whether or not they follow it.
        let mut people = crate::challenge::service::followers(&txn, m.id).await?;
        people.extend(
            crate::team::entity::member::Entity::find()
                .filter(crate::team::entity::member::Column::ChallengeId.eq(m.id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|member| member.user_id),
        );
        // The results are news to everyone who voted, too.
        if phase == crate::challenge::rules::Phase::Results {
            use crate::vote::entity::vote;
            use sea_orm::QuerySelect;
            let voters: Vec<i64> = vote::Entity::find()
                .select_only()
                .column(vote::Column::UserId)
                .filter(vote::Column::ChallengeId.eq(m.id))
                .filter(vote::Column::VoidedAt.is_null())
                .into_tuple()
                .all(&txn)
                .await?;
            people.extend(voters);
        }
        people.sort_unstable();
        people.dedup();
        for user_id in &people {
            crate::notify::service::notify(
                &txn,
                links,
                *user_id,
                NotificationKind::ChallengePhaseChanged,
                &[
                    ("challenge", &m.title),
                    ("phase", &format!("t:phase.{}", phase.code())),
                ],
                &format!("/challenges/{}", m.slug),
            )
            .await?;
        }
        txn.commit().await?;
        sent += people.len();
    }
    Ok(sent)
}
