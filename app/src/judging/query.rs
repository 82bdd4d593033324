//! What the public results page shows (a read-model: it may read any room, and no service
//! reads it): the ranking with its awards, the pilots they became, and the people's choice.

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::entity::{panel, score};
use super::model::{PeoplesChoice, PublicResult, PublicResults};
use super::rules;
use super::service::{criteria_of, names, new_panel, ranking, scale_of, submitted_fields};
use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::entry::entity::entry;
use crate::error::AppError;
use crate::team::entity::team;

/// The published results of a challenge, for everyone; nothing before they are published.
pub async fn public_results(
    db: &impl ConnectionTrait,
    slug: &str,
    viewer: Option<&Viewer>,
) -> Result<PublicResults, AppError> {
    let c = crate::challenge::service::public_by_slug(db, slug).await?;
    // Read, not made: a visitor's page writes nothing.
    let p = panel::Entity::find_by_id(c.id)
        .one(db)
        .await?
        .unwrap_or_else(|| new_panel(c.id));
    let out = rules::results_out(c.results_published_at, Utc::now());
    let results = if out {
        let ranked = ranking(db, &c, &p).await?;
        let pilots = crate::pilot::service::of_challenge(db, c.id).await?;
        let named = if p.show_judge_names {
            let scores = score::Entity::find()
                .filter(score::Column::ChallengeId.eq(c.id))
                .filter(score::Column::Status.eq("submitted"))
                .all(db)
                .await?;
            let people = names(db, scores.iter().map(|s| s.user_id).collect()).await?;
            scores
                .into_iter()
                .filter_map(|s| {
                    let name = people.get(&s.user_id)?.display_name.clone();
                    Some((s.entry_id, name, s.total?))
                })
                .collect()
        } else {
            Vec::new()
        };
        ranked
            .into_iter()
            .map(|r| PublicResult {
                entry_id: r.standing.entry,
                pilot_id: pilots
                    .iter()
                    .find(|(e, _)| *e == r.standing.entry)
                    .map(|(_, p)| *p),
                rank: r.standing.rank,
                judges: named
                    .iter()
                    .filter(|(e, _, _)| *e == r.standing.entry)
                    .map(|(_, n, t)| (n.clone(), *t))
                    .collect(),
                team_name: r.team_name,
                title: r.title,
                raw: r.standing.raw,
                normalised: r.standing.normalised,
                scores: r.standing.scores,
                tied: r.standing.tied,
                short: r.standing.short,
                award: r.award,
                award_reason: r.award_reason,
            })
            .collect()
    } else {
        Vec::new()
    };
    let vote_closed = c.vote_enabled && c.vote_closes_at.is_some_and(|at| Utc::now() >= at);
    let peoples_choice = if out && vote_closed {
        Some(peoples_choice(db, &c).await?)
    } else {
        None
    };
    Ok(PublicResults {
        can_manage: viewer.is_some_and(|v| v.is_staff_of(c.organisation_id)),
        peoples_choice,
        challenge_title: c.title.clone(),
        slug: c.slug.clone(),
        published_at: c.results_published_at.filter(|_| out),
        scale: scale_of(&p),
        judges_per_entry: p.judges_per_entry,
        criteria: criteria_of(db, c.id).await?,
        results,
    })
}

/// The people's choice of a closed vote: the most voted entries (all of them when tied).
async fn peoples_choice(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
) -> Result<PeoplesChoice, AppError> {
    let (totals, voters) = crate::vote::service::current_totals(db, c).await?;
    let top = totals.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let mut winners = Vec::new();
    for (entry_id, n) in totals.iter().filter(|(_, n)| top > 0 && *n == top) {
        let Some(e) = entry::Entity::find_by_id(*entry_id).one(db).await? else {
            continue;
        };
        let team_name = teams
            .iter()
            .find(|t| t.id == e.team_id)
            .map(|t| t.name.clone())
            .unwrap_or_default();
        winners.push((submitted_fields(db, &e).await?.title, team_name, *n));
    }
    Ok(PeoplesChoice {
        winners,
        voters,
        votes: totals.iter().map(|(_, n)| n).sum(),
    })
}
