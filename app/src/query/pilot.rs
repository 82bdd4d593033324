//! What a pilot's page and the city's dashboard show (read-models: they may read any room, and
//! no service reads them).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::entry::entity::entry;
use crate::error::AppError;
use crate::org::entity::org_staff;
use crate::pilot::cards::{cards, status_of};
use crate::pilot::entity::{comment, follow, kpi, measurement, milestone, pilot, rating, update};
use crate::pilot::model::{
    Chain, CommentView, Dashboard, KpiView, Measurement, MilestoneView, OrgRow, Origin, Overdue,
    PilotPage, RatingView, Ratings, UpdateView,
};
use crate::pilot::plan::{find, is_member, names};
use crate::pilot::rules::{self, MilestoneFigures, MilestoneStatus, Owner, PilotStatus, Timing};
use crate::team::entity::team;

/// The pilot page, for anyone; what the viewer may do is marked on it.
pub async fn page(
    db: &impl ConnectionTrait,
    id: i64,
    viewer: Option<&Viewer>,
    now: DateTime<Utc>,
) -> Result<PilotPage, AppError> {
    let p = find(db, id).await?;
    let card = cards(db, vec![p.clone()], now)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let c = crate::challenge::service::find(db, p.challenge_id).await?;
    let e = entry::Entity::find_by_id(p.entry_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let can_manage = viewer.is_some_and(|v| v.is_staff_of(p.organisation_id));
    let is_team_member = match viewer {
        Some(v) => is_member(db, p.team_id, v.id).await?,
        None => false,
    };
    let active = status_of(&p).is_active();

    let officials: Vec<(i64, String)> = {
        let ids: Vec<i64> = org_staff::Entity::find()
            .select_only()
            .column(org_staff::Column::UserId)
            .filter(org_staff::Column::OrganisationId.eq(p.organisation_id))
            .into_tuple()
            .all(db)
            .await?;
        let mut named: Vec<(i64, String)> = names(db, ids).await?.into_iter().collect();
        named.sort_by(|a, b| a.1.cmp(&b.1));
        named
    };

    let ms = milestone::Entity::find()
        .filter(milestone::Column::PilotId.eq(id))
        .order_by_asc(milestone::Column::DueOn)
        .order_by_asc(milestone::Column::Id)
        .all(db)
        .await?;
    let owner_names = names(db, ms.iter().filter_map(|m| m.owner_user_id)).await?;
    let evidence: HashMap<i64, crate::upload::model::FileLink> =
        crate::upload::service::links(db, ms.iter().filter_map(|m| m.evidence_upload_id).collect())
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
    let calendar = crate::calendar::service::load(db).await?;
    let milestones = ms
        .into_iter()
        .map(|m| {
            let owner = Owner::from_columns(&m.owner_kind, m.owner_user_id);
            let last_day = rules::last_day(m.due_on, &calendar);
            let timing = rules::timing(last_day, m.done_at, now);
            MilestoneView {
                id: m.id,
                owner_name: match owner {
                    Owner::Official(uid) => owner_names.get(&uid).cloned().unwrap_or_default(),
                    Owner::Team => card.team_name.clone(),
                },
                owner_is_team: owner == Owner::Team,
                owner_user_id: m.owner_user_id,
                due_on: m.due_on,
                original_due_on: (m.original_due_on != m.due_on).then_some(m.original_due_on),
                move_reason: m.move_reason,
                status: MilestoneStatus::from_code(&m.status).unwrap_or(MilestoneStatus::Planned),
                blocked_reason: m.blocked_reason,
                done_at: m.done_at,
                evidence_text: m.evidence_text,
                evidence_url: m.evidence_url,
                evidence_file: m.evidence_upload_id.and_then(|u| evidence.get(&u).cloned()),
                days_overdue: if timing == Timing::Late {
                    rules::days_overdue(last_day, now)
                } else {
                    0
                },
                last_day: (last_day != m.due_on).then_some(last_day),
                timing,
                can_update: active
                    && viewer.is_some_and(|v| {
                        rules::may_set_status(owner, v.id, can_manage, is_team_member)
                    }),
                title: m.title,
            }
        })
        .collect();

    let ks = kpi::Entity::find()
        .filter(kpi::Column::PilotId.eq(id))
        .order_by_asc(kpi::Column::Position)
        .all(db)
        .await?;
    let ms_rows = measurement::Entity::find()
        .filter(measurement::Column::KpiId.is_in(ks.iter().map(|k| k.id).collect::<Vec<_>>()))
        .order_by_asc(measurement::Column::MeasuredOn)
        .order_by_asc(measurement::Column::Id)
        .all(db)
        .await?;
    let kpis = ks
        .into_iter()
        .map(|k| KpiView {
            measurements: ms_rows
                .iter()
                .filter(|m| m.kpi_id == k.id)
                .map(|m| Measurement {
                    measured_on: m.measured_on,
                    value: m.value,
                    note: m.note.clone(),
                })
                .collect(),
            id: k.id,
            name: k.name,
            unit: k.unit,
            baseline: k.baseline,
            target: k.target,
        })
        .collect();

    let us = update::Entity::find()
        .filter(update::Column::PilotId.eq(id))
        .order_by_desc(update::Column::CreatedAt)
        .order_by_desc(update::Column::Id)
        .all(db)
        .await?;
    let photo_ids: Vec<Vec<i64>> = us
        .iter()
        .map(|u| serde_json::from_str(&u.photos).unwrap_or_default())
        .collect();
    let photos: HashMap<i64, crate::upload::model::FileLink> =
        crate::upload::service::links(db, photo_ids.iter().flatten().copied().collect())
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
    let cs = comment::Entity::find()
        .filter(comment::Column::PilotId.eq(id))
        .order_by_asc(comment::Column::Id)
        .all(db)
        .await?;
    let commenters = names(db, cs.iter().filter_map(|c| c.user_id)).await?;
    let updates = us
        .into_iter()
        .zip(photo_ids)
        .map(|(u, ids)| UpdateView {
            id: u.id,
            author_name: u.author_name,
            by_team: u.by_team,
            body: u.body,
            photos: ids.iter().filter_map(|i| photos.get(i).cloned()).collect(),
            created_at: u.created_at,
            comments: cs
                .iter()
                .filter(|c| c.update_id == u.id)
                .map(|c| CommentView {
                    id: c.id,
                    author_name: c
                        .user_id
                        .and_then(|uid| commenters.get(&uid).cloned())
                        .unwrap_or_default(),
                    body: if c.hidden_at.is_some() {
                        String::new()
                    } else {
                        c.body.clone()
                    },
                    hidden_reason: c.hidden_at.and(c.hidden_reason.clone()),
                    created_at: c.created_at,
                })
                .collect(),
        })
        .collect();

    let rs = rating::Entity::find()
        .filter(rating::Column::PilotId.eq(id))
        .order_by_desc(rating::Column::UpdatedAt)
        .all(db)
        .await?;
    let mut histogram = [0usize; 5];
    for r in &rs {
        if let Some(slot) = histogram.get_mut((r.stars - 1).clamp(0, 4) as usize) {
            *slot += 1;
        }
    }
    let raters = names(
        db,
        rs.iter()
            .filter(|r| !r.comment.is_empty())
            .take(10)
            .map(|r| r.user_id),
    )
    .await?;
    let ratings = Ratings {
        count: rs.len(),
        average: (!rs.is_empty()).then(|| {
            let sum: i64 = rs.iter().map(|r| i64::from(r.stars)).sum();
            (sum as f64 / rs.len() as f64 * 10.0).round() / 10.0
        }),
        histogram,
        recent: rs
            .iter()
            .filter(|r| !r.comment.is_empty())
            .take(10)
            .map(|r| RatingView {
                stars: r.stars,
                comment: r.comment.clone(),
                author_name: raters.get(&r.user_id).cloned().unwrap_or_default(),
                at: r.updated_at,
            })
            .collect(),
        mine: viewer.and_then(|v| {
            rs.iter()
                .find(|r| r.user_id == v.id)
                .map(|r| (r.stars, r.comment.clone()))
        }),
    };

    let followers = follow::Entity::find()
        .filter(follow::Column::PilotId.eq(id))
        .count(db)
        .await?;
    let following = match viewer {
        Some(v) => follow::Entity::find_by_id((id, v.id))
            .one(db)
            .await?
            .is_some(),
        None => false,
    };
    let team_name = card.team_name.clone();
    Ok(PilotPage {
        summary: p.summary.clone(),
        official_name: p.official_name.clone(),
        official_role: p.official_role.clone(),
        budget_vnd: p.budget_vnd,
        disbursed_vnd: p.disbursed_vnd,
        closing_statement: p.closing_statement.clone(),
        closed_at: p.closed_at,
        origin: Origin {
            reports: crate::challenge::service::source_reports(db, c.id).await?,
            challenge_slug: c.slug,
            challenge_title: c.title,
            entry_title: e.title,
            team_id: p.team_id,
            team_name,
            award: p.award.clone(),
        },
        milestones,
        kpis,
        updates,
        ratings,
        history: crate::query::challenge::public_history(db, "pilot", id, p.organisation_id)
            .await?,
        followers,
        following,
        can_manage,
        can_post: active && (can_manage || is_team_member),
        is_team_member,
        officials,
        card,
    })
}

/// The city's figures: per organisation how many milestones finished on time, what is overdue
/// now, pilots by status, and the chain from reports to services rolled out.
pub async fn dashboard(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Dashboard, AppError> {
    let pilots = pilot::Entity::find().all(db).await?;
    let ms = milestone::Entity::find()
        .select_only()
        .columns([
            milestone::Column::PilotId,
            milestone::Column::Title,
            milestone::Column::OwnerKind,
            milestone::Column::OwnerUserId,
            milestone::Column::DueOn,
            milestone::Column::DoneAt,
        ])
        .into_tuple::<(
            i64,
            String,
            String,
            Option<i64>,
            NaiveDate,
            Option<DateTime<Utc>>,
        )>()
        .all(db)
        .await?;
    let orgs = crate::org::service::list(db).await?;
    let by_pilot: HashMap<i64, &pilot::Model> = pilots.iter().map(|p| (p.id, p)).collect();
    let owner_names = names(db, ms.iter().filter_map(|m| m.3)).await?;
    let team_names: HashMap<i64, String> = team::Entity::find()
        .select_only()
        .columns([team::Column::Id, team::Column::Name])
        .filter(team::Column::Id.is_in(pilots.iter().map(|p| p.team_id).collect::<Vec<_>>()))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let calendar = crate::calendar::service::load(db).await?;
    let mut per_org: HashMap<i64, Vec<Timing>> = HashMap::new();
    let mut overdue = Vec::new();
    let mut all = Vec::new();
    for (pilot_id, title, kind, owner_id, due_on, done_at) in &ms {
        let Some(p) = by_pilot.get(pilot_id) else {
            continue;
        };
        // A stopped pilot's unfinished milestones will never be done: they are not "late now".
        let last_day = rules::last_day(*due_on, &calendar);
        let timing = match rules::timing(last_day, *done_at, now) {
            Timing::Late if !status_of(p).is_active() => continue,
            t => t,
        };
        all.push(timing);
        per_org.entry(p.organisation_id).or_default().push(timing);
        if timing == Timing::Late {
            let org = orgs.iter().find(|o| o.id == p.organisation_id);
            overdue.push(Overdue {
                pilot_id: p.id,
                pilot_title: p.title.clone(),
                milestone: title.clone(),
                owner_name: match Owner::from_columns(kind, *owner_id) {
                    Owner::Official(uid) => owner_names.get(&uid).cloned().unwrap_or_default(),
                    Owner::Team => team_names.get(&p.team_id).cloned().unwrap_or_default(),
                },
                organisation: org.map(|o| o.name_vi.clone()).unwrap_or_default(),
                due_on: *due_on,
                days: rules::days_overdue(last_day, now),
            });
        }
    }
    overdue.sort_by(|a, b| b.days.cmp(&a.days).then(a.pilot_id.cmp(&b.pilot_id)));
    let mut organisations: Vec<OrgRow> = orgs
        .into_iter()
        .filter_map(|o| {
            let n = pilots.iter().filter(|p| p.organisation_id == o.id).count();
            (n > 0).then(|| OrgRow {
                milestones: MilestoneFigures::count(per_org.remove(&o.id).unwrap_or_default()),
                pilots: n,
                organisation: o,
            })
        })
        .collect();
    organisations.sort_by_key(|o| std::cmp::Reverse(o.milestones.total));
    let by_status = PilotStatus::ALL
        .into_iter()
        .map(|s| (s, pilots.iter().filter(|p| status_of(p) == s).count()))
        .collect();
    let chain = Chain {
        reports: crate::report::entity::report::Entity::find()
            .count(db)
            .await?,
        reports_assisted: crate::report::entity::report::Entity::find()
            .filter(crate::report::entity::report::Column::FiledForName.is_not_null())
            .count(db)
            .await?,
        challenges: challenge::Entity::find()
            .filter(challenge::Column::PublishedAt.is_not_null())
            .count(db)
            .await?,
        entries: entry::Entity::find()
            .filter(entry::Column::SubmittedAt.is_not_null())
            .count(db)
            .await?,
        pilots: pilots.len() as u64,
        rolled_out: pilots
            .iter()
            .filter(|p| status_of(p) == PilotStatus::RolledOut)
            .count() as u64,
    };
    Ok(Dashboard {
        city: MilestoneFigures::count(all),
        organisations,
        overdue,
        by_status,
        chain,
        reports: crate::query::report::board(db, now).await?,
        at: now,
    })
}
