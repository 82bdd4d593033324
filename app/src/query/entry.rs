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
use crate::i18n::format::{has_words, search_words};
use crate::query::model::{EntryHit, EntryHits, PublicEntries};
use crate::team::entity::team;

/// The submitted entries of a published challenge, once they are public; none before.
pub async fn list(
    db: &impl ConnectionTrait,
    totals: (&crate::vote::totals::TotalsCache, bool),
    slug: &str,
    (viewer, visitor_seed): (Option<&crate::auth::Viewer>, &str),
    query: &str,
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
    let key = crate::site_key::key(db, crate::site_key::Purpose::EntryOrder).await?;
    crate::vote::rules::visitor_order(&mut order, &key, &format!("{}:{visitor_seed}", c.id));
    entries.sort_by_key(|e| order.iter().position(|id| *id == e.id));
    // The vote box is for every public entry (the voter's own votes among them), whatever the
    // search shows.
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let total = entries.len();
    let words = search_words(query);
    // Found by its team only while teams are shown (the team name is empty meanwhile).
    entries.retain(|e| {
        has_words(
            &format!(
                "{} {} {}",
                e.title,
                e.team_name,
                e.organisation_name.as_deref().unwrap_or_default()
            ),
            &words,
        )
    });
    let vote = if public {
        crate::vote::service::vote_box(db, totals, &c, viewer, &ids, now).await?
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
        query: query.trim().to_owned(),
        total,
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

/// How many entries a search shows at most.
pub const HITS: usize = 20;

/// The public entries whose title, or whose team's name while teams are shown, has each word of
/// `typed`; the first [`HITS`], newest challenges first.
pub async fn search(
    db: &impl ConnectionTrait,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<EntryHits, AppError> {
    use sea_orm::{FromQueryResult, Value};
    let words = search_words(typed);
    if words.is_empty() {
        return Ok(EntryHits::default());
    }
    let challenges: Vec<challenge::Model> = challenge::Entity::find()
        .filter(challenge::Column::Status.eq(crate::challenge::rules::Status::Published.code()))
        .filter(
            sea_orm::Condition::any()
                .add(challenge::Column::VoteOpensAt.lte(now))
                .add(challenge::Column::ResultsPublishedAt.lte(now)),
        )
        .all(db)
        .await?;
    let public: Vec<i64> = challenges
        .iter()
        .filter(|c| are_public(c, now))
        .map(|c| c.id)
        .collect();
    if public.is_empty() {
        return Ok(EntryHits::default());
    }
    let hidden = crate::participation::blind_judging_runs_among(db, &public).await?;
    let teams_hidden = !hidden.is_empty();
    let (hidden, shown): (Vec<i64>, Vec<i64>) = public.iter().partition(|id| hidden.contains(id));
    // Each word in the title, or (teams shown) in the title or the team's name. The words are
    // folded: letters, digits and single spaces, nothing LIKE reads as a wildcard.
    let mut values: Vec<Value> = Vec::new();
    let mut param = |v: Value| {
        values.push(v);
        format!("?{}", values.len())
    };
    let in_list = |ids: &[i64], param: &mut dyn FnMut(Value) -> String| {
        if ids.is_empty() {
            "NULL".to_owned()
        } else {
            ids.iter()
                .map(|id| param((*id).into()))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut in_title = Vec::new();
    let mut in_either = Vec::new();
    for w in &words {
        let p = param(format!("%{w}%").into());
        in_title.push(format!("e.search_key LIKE {p}"));
        in_either.push(format!("(e.search_key LIKE {p} OR t.search_key LIKE {p})"));
    }
    let shown_ids = in_list(&shown, &mut param);
    let hidden_ids = in_list(&hidden, &mut param);
    let status = param(EntryStatus::Submitted.code().into());
    let sql = format!(
        "SELECT e.id AS id, e.challenge_id AS challenge_id, e.team_id AS team_id \
         FROM entries e JOIN teams t ON t.id = e.team_id \
         WHERE e.status = {status} AND ( \
           (e.challenge_id IN ({shown_ids}) AND {}) \
           OR (e.challenge_id IN ({hidden_ids}) AND {}) ) \
         ORDER BY e.challenge_id DESC, e.id ASC LIMIT {}",
        in_either.join(" AND "),
        in_title.join(" AND "),
        HITS + 1
    );
    #[derive(FromQueryResult)]
    struct Found {
        id: i64,
        challenge_id: i64,
        team_id: i64,
    }
    let mut found = Found::find_by_statement(crate::sql::numbered(
        db.get_database_backend(),
        &sql,
        values,
    ))
    .all(db)
    .await?;
    let more = found.len() > HITS;
    found.truncate(HITS);
    let ids: Vec<i64> = found.iter().map(|f| f.id).collect();
    let versions = version::Entity::find()
        .filter(version::Column::EntryId.is_in(ids))
        .order_by_desc(version::Column::Number)
        .all(db)
        .await?;
    let teams = team::Entity::find()
        .filter(team::Column::Id.is_in(found.iter().map(|f| f.team_id)))
        .all(db)
        .await?;
    let hits = found
        .iter()
        .filter_map(|f| {
            let c = challenges.iter().find(|c| c.id == f.challenge_id)?;
            let v = versions.iter().find(|v| v.entry_id == f.id)?;
            let fields: EntryFields = serde_json::from_str(&v.content).unwrap_or_default();
            let team_name = if hidden.contains(&c.id) {
                String::new()
            } else {
                teams
                    .iter()
                    .find(|t| t.id == f.team_id)
                    .map(|t| t.name.clone())
                    .unwrap_or_default()
            };
            Some(EntryHit {
                id: f.id,
                title: fields.title,
                team_name,
                challenge_title: c.title.clone(),
                slug: c.slug.clone(),
                voting: c.vote_opens_at.is_some_and(|at| at <= now)
                    && c.vote_closes_at.is_some_and(|at| now < at),
            })
        })
        .collect();
    Ok(EntryHits {
        hits,
        more,
        teams_hidden,
    })
}
