//! What the public entries page reads (a read-model: it may read any room, and no service
//! reads it). Entries as everyone sees them once the public vote opens or the results are published: what
//! each team last submitted, and only the files it marked public; while a blind panel judges,
//! without the teams' names.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::challenge::entity::challenge;
use crate::entry::entity::{attachment, entry, version};
use crate::entry::model::{EntryFields, EntryStatus, PublicEntry};
use crate::entry::rules::are_public;
use crate::error::AppError;
use crate::query::model::PublicEntries;
use crate::team::entity::team;

/// The submitted entries of a published challenge, once they are public; none before.
pub async fn list(
    db: &impl ConnectionTrait,
    kept: &crate::vote::totals::TotalsCache,
    slug: &str,
    viewer: Option<&crate::auth::Viewer>,
    visitor_seed: &str,
    now: DateTime<Utc>,
) -> Result<PublicEntries, AppError> {
    let c = crate::challenge::service::public_by_slug(db, slug).await?;
    let public = are_public(&c, now);
    let teams_hidden = public && crate::participation::blind_judging_runs(db, c.id).await?;
    let mut entries = if public {
        entries_of(db, &c, teams_hidden).await?
    } else {
        Vec::new()
    };
    let mut order: Vec<i64> = entries.iter().map(|e| e.id).collect();
    crate::vote::rules::visitor_order(&mut order, &format!("{}:{visitor_seed}", c.id));
    entries.sort_by_key(|e| order.iter().position(|id| *id == e.id));
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let vote = if public {
        crate::vote::service::vote_box(db, kept, &c, viewer, &ids, now).await?
    } else {
        None
    };
    let public_from = match (c.vote_opens_at, c.results_published_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Ok(PublicEntries {
        challenge_title: c.title,
        slug: c.slug,
        public,
        public_from,
        teams_hidden,
        entries,
        vote,
    })
}

/// How many entries a challenge shows the public now.
pub async fn count(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    use sea_orm::PaginatorTrait;
    if !are_public(c, now) {
        return Ok(0);
    }
    Ok(entry::Entity::find()
        .filter(entry::Column::ChallengeId.eq(c.id))
        .filter(entry::Column::Status.eq(EntryStatus::Submitted.code()))
        .count(db)
        .await?)
}

/// The public entries; `teams_hidden` while a blind panel judges.
async fn entries_of(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    teams_hidden: bool,
) -> Result<Vec<PublicEntry>, AppError> {
    let entries = entry::Entity::find()
        .filter(entry::Column::ChallengeId.eq(c.id))
        .filter(entry::Column::Status.eq(EntryStatus::Submitted.code()))
        .order_by_asc(entry::Column::Id)
        .all(db)
        .await?;
    let entry_ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let team_ids: Vec<i64> = entries.iter().map(|e| e.team_id).collect();
    let teams = team::Entity::find()
        .filter(team::Column::Id.is_in(team_ids))
        .all(db)
        .await?;
    // The last submitted version of each entry: versions come newest first, the first seen wins.
    let versions = version::Entity::find()
        .filter(version::Column::EntryId.is_in(entry_ids.clone()))
        .order_by_desc(version::Column::Number)
        .all(db)
        .await?;
    let public_files: Vec<(i64, i64)> = attachment::Entity::find()
        .filter(attachment::Column::EntryId.is_in(entry_ids))
        .filter(attachment::Column::Public.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.entry_id, a.upload_id))
        .collect();
    let mut out = Vec::with_capacity(entries.len());
    let mut wanted_files = Vec::new();
    for e in &entries {
        let Some(v) = versions.iter().find(|v| v.entry_id == e.id) else {
            continue;
        };
        let fields: EntryFields = serde_json::from_str(&v.content).unwrap_or_default();
        let files: Vec<i64> = v
            .upload_ids()
            .into_iter()
            .filter(|id| public_files.contains(&(e.id, *id)))
            .collect();
        wanted_files.extend(files.iter().copied());
        let t = teams
            .iter()
            .find(|t| t.id == e.team_id)
            .filter(|_| !teams_hidden);
        out.push((
            files,
            PublicEntry {
                id: e.id,
                title: fields.title,
                summary: fields.summary,
                team_name: t.map(|t| t.name.clone()).unwrap_or_default(),
                organisation_name: t.and_then(|t| t.organisation_name.clone()),
                files: Vec::new(),
            },
        ));
    }
    let mut links = crate::upload::service::links(db, wanted_files).await?;
    if teams_hidden {
        // A file's own name may name its team ("nhom-sen-hong.pdf"): the server's name instead.
        for link in &mut links {
            link.name = crate::upload::service::server_name(link.id, &link.name);
        }
    }
    Ok(out
        .into_iter()
        .map(|(ids, mut entry)| {
            entry.files = ids
                .iter()
                .filter_map(|id| links.iter().find(|l| l.id == *id).cloned())
                .collect();
            entry
        })
        .collect())
}
