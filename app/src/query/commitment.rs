//! What the commitments pages and the dashboard show.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::auth::Viewer;
use crate::commitment::entity::{commitment, follow, link, moved};
use crate::commitment::model::{
    CommitmentBoard, CommitmentDetail, CommitmentLink, CommitmentSummary, MoveView, OrgCommitments,
};
use crate::commitment::rules::LinkKind;
use crate::error::AppError;
use crate::pilot::rules::{self, MilestoneFigures, Timing};
use crate::report::model::OrgName;

fn summary(
    c: &commitment::Model,
    org: OrgName,
    followers: u64,
    calendar: &crate::calendar::Calendar,
    now: DateTime<Utc>,
) -> CommitmentSummary {
    let last_day = rules::last_day(c.due_on, calendar);
    let (timing, days_overdue) =
        crate::commitment::rules::standing(c.due_on, c.missed_on, c.done_at, now, calendar);
    CommitmentSummary {
        id: c.id,
        organisation: org,
        title: c.title.clone(),
        official_name: c.official_name.clone(),
        official_role: c.official_role.clone(),
        due_on: c.due_on,
        last_day: (last_day != c.due_on).then_some(last_day),
        original_due_on: (c.original_due_on != c.due_on).then_some(c.original_due_on),
        timing,
        days_overdue,
        missed_on: c.missed_on,
        done_at: c.done_at,
        followers,
    }
}

async fn follower_counts(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, u64>, AppError> {
    let mut counts = HashMap::new();
    for id in follow::Entity::find()
        .select_only()
        .column(follow::Column::CommitmentId)
        .filter(follow::Column::CommitmentId.is_in(ids))
        .into_tuple::<i64>()
        .all(db)
        .await?
    {
        *counts.entry(id).or_insert(0) += 1;
    }
    Ok(counts)
}

/// Every commitment (of one organisation, if asked), late first, then ahead by date, then kept
/// (latest first); each organisation's figures; where the viewer may publish one.
pub async fn board(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    organisation: Option<i64>,
    now: DateTime<Utc>,
) -> Result<CommitmentBoard, AppError> {
    let orgs = crate::org::service::list(db).await?;
    let mut select = commitment::Entity::find();
    if let Some(org) = organisation {
        select = select.filter(commitment::Column::OrganisationId.eq(org));
    }
    let rows = select.order_by_asc(commitment::Column::Id).all(db).await?;
    let followers = follower_counts(db, rows.iter().map(|c| c.id).collect()).await?;
    let calendar = crate::calendar::service::load(db).await?;
    let names: HashMap<i64, OrgName> = orgs.iter().map(|o| (o.id, OrgName::from(o))).collect();
    let mut items: Vec<CommitmentSummary> = rows
        .iter()
        .filter_map(|c| {
            let org = names.get(&c.organisation_id)?.clone();
            let n = followers.get(&c.id).copied().unwrap_or(0);
            Some(summary(c, org, n, &calendar, now))
        })
        .collect();
    let rank = |s: &CommitmentSummary| match s.timing {
        Timing::Late => 0,
        Timing::Ahead => 1,
        Timing::DoneOnTime | Timing::DoneLate => 2,
    };
    items.sort_by(|a, b| {
        rank(a).cmp(&rank(b)).then_with(|| match rank(a) {
            2 => b.done_at.cmp(&a.done_at),
            _ => a.due_on.cmp(&b.due_on),
        })
    });
    let organisations = orgs
        .iter()
        .filter_map(|o| {
            let own: Vec<Timing> = items
                .iter()
                .filter(|s| s.organisation.id == o.id)
                .map(|s| s.timing)
                .collect();
            (!own.is_empty()).then(|| OrgCommitments {
                organisation: OrgName::from(o),
                slug: o.slug.clone(),
                figures: MilestoneFigures::count(own),
            })
        })
        .collect();
    let may_publish_for: Vec<OrgName> = orgs
        .iter()
        .filter(|o| viewer.is_some_and(|v| v.is_staff_of(o.id)))
        .map(OrgName::from)
        .collect();
    let (challenges, pilots) = if may_publish_for.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        use crate::challenge::entity::challenge;
        use crate::pilot::entity::pilot;
        (
            challenge::Entity::find()
                .select_only()
                .columns([challenge::Column::Id, challenge::Column::Title])
                .filter(challenge::Column::PublishedAt.is_not_null())
                .order_by_desc(challenge::Column::Id)
                .into_tuple::<(i64, String)>()
                .all(db)
                .await?,
            pilot::Entity::find()
                .select_only()
                .columns([pilot::Column::Id, pilot::Column::Title])
                .order_by_desc(pilot::Column::Id)
                .into_tuple::<(i64, String)>()
                .all(db)
                .await?,
        )
    };
    Ok(CommitmentBoard {
        organisations,
        items,
        may_publish_for,
        challenges,
        pilots,
    })
}

/// What a commitment answers, as links with the titles the public sees.
async fn links_of(db: &impl ConnectionTrait, id: i64) -> Result<Vec<CommitmentLink>, AppError> {
    let rows = link::Entity::find()
        .filter(link::Column::CommitmentId.eq(id))
        .all(db)
        .await?;
    let mut links = Vec::new();
    for row in rows {
        let Some(kind) = LinkKind::from_code(&row.kind) else {
            continue;
        };
        let found = match kind {
            LinkKind::Report => crate::report::entity::report::Entity::find_by_id(row.target_id)
                .one(db)
                .await?
                .map(|r| (r.title, format!("/reports/{}", r.id))),
            LinkKind::Challenge => {
                crate::challenge::entity::challenge::Entity::find_by_id(row.target_id)
                    .one(db)
                    .await?
                    .filter(|c| c.published_at.is_some())
                    .map(|c| (c.title, format!("/challenges/{}", c.slug)))
            }
            LinkKind::Pilot => crate::pilot::entity::pilot::Entity::find_by_id(row.target_id)
                .one(db)
                .await?
                .map(|p| (p.title, format!("/pilots/{}", p.id))),
        };
        if let Some((title, href)) = found {
            links.push(CommitmentLink {
                kind,
                id: row.target_id,
                title,
                href,
            });
        }
    }
    Ok(links)
}

/// What open data adds to each commitment of the list, read for all of them at once: its text,
/// the note it was kept with, what it answers (`kind:id`, as its page lists it: a challenge
/// only once published) and how many times its date moved.
pub struct OpenParts {
    pub body: String,
    pub done_note: Option<String>,
    pub answers: Vec<String>,
    pub moves: usize,
}

pub async fn open_parts(db: &impl ConnectionTrait) -> Result<HashMap<i64, OpenParts>, AppError> {
    use crate::challenge::entity::challenge;
    use crate::pilot::entity::pilot;
    use crate::report::entity::report;
    let links = link::Entity::find()
        .order_by_asc(link::Column::CommitmentId)
        .all(db)
        .await?;
    let targets = |kind: LinkKind| -> Vec<i64> {
        links
            .iter()
            .filter(|l| l.kind == kind.code())
            .map(|l| l.target_id)
            .collect()
    };
    let reports =
        ids_among::<report::Entity>(db, report::Column::Id, targets(LinkKind::Report), None)
            .await?;
    let published = challenge::Column::PublishedAt.is_not_null();
    let challenges = ids_among::<challenge::Entity>(
        db,
        challenge::Column::Id,
        targets(LinkKind::Challenge),
        Some(published),
    )
    .await?;
    let pilots =
        ids_among::<pilot::Entity>(db, pilot::Column::Id, targets(LinkKind::Pilot), None).await?;
    let mut moves: HashMap<i64, usize> = HashMap::new();
    for id in moved::Entity::find()
        .select_only()
        .column(moved::Column::CommitmentId)
        .into_tuple::<i64>()
        .all(db)
        .await?
    {
        *moves.entry(id).or_insert(0) += 1;
    }
    let mut parts: HashMap<i64, OpenParts> = commitment::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| {
            let parts = OpenParts {
                body: c.body,
                done_note: c.done_note,
                answers: Vec::new(),
                moves: moves.get(&c.id).copied().unwrap_or(0),
            };
            (c.id, parts)
        })
        .collect();
    for l in links {
        let shown = match LinkKind::from_code(&l.kind) {
            Some(LinkKind::Report) => reports.contains(&l.target_id),
            Some(LinkKind::Challenge) => challenges.contains(&l.target_id),
            Some(LinkKind::Pilot) => pilots.contains(&l.target_id),
            None => false,
        };
        if let (true, Some(p)) = (shown, parts.get_mut(&l.commitment_id)) {
            p.answers.push(format!("{}:{}", l.kind, l.target_id));
        }
    }
    Ok(parts)
}

/// Which of `ids` name a row of `id`'s table (that also meets `also`).
async fn ids_among<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id: E::Column,
    ids: Vec<i64>,
    also: Option<sea_orm::sea_query::SimpleExpr>,
) -> Result<std::collections::HashSet<i64>, AppError> {
    let mut found = E::find().select_only().column(id).filter(id.is_in(ids));
    if let Some(also) = also {
        found = found.filter(also);
    }
    Ok(found
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// One commitment's page for `viewer`.
pub async fn detail(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<CommitmentDetail, AppError> {
    let c = commitment::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = crate::org::service::find(db, c.organisation_id).await?;
    let followers = follower_counts(db, vec![c.id]).await?;
    let calendar = crate::calendar::service::load(db).await?;
    let following = match viewer {
        Some(v) => follow::Entity::find_by_id((c.id, v.id))
            .one(db)
            .await?
            .is_some(),
        None => false,
    };
    let moves = moved::Entity::find()
        .filter(moved::Column::CommitmentId.eq(c.id))
        .order_by_asc(moved::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| MoveView {
            at: m.created_at,
            from: m.from_due_on,
            to: m.to_due_on,
            reason: m.reason,
            by: Some(m.signed_by).filter(|name| !name.is_empty()),
        })
        .collect();
    Ok(CommitmentDetail {
        summary: summary(
            &c,
            OrgName::from(&org),
            followers.get(&c.id).copied().unwrap_or(0),
            &calendar,
            now,
        ),
        body: c.body.clone(),
        done_note: c.done_note.clone(),
        links: links_of(db, c.id).await?,
        moves,
        following,
        can_manage: c.done_at.is_none() && viewer.is_some_and(|v| v.is_staff_of(c.organisation_id)),
    })
}
