//! Reading challenges for pages: the public list with search and filters, the home page, one
//! challenge with its brief, questions and history, and the staff dashboard.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use crate::auth::Viewer;
use crate::auth::entity::user;
use crate::challenge::draft::to_form;
use crate::challenge::entity::{attachment, challenge, follow, question, source_report};
use crate::challenge::model::{
    ChallengeCard, ChallengeDetail, ChallengeEditor, ChallengePage, ChallengeQuery, HistoryEntry,
    HomeData, ManagedChallenge, Question, StaffOrganisation,
};
use crate::challenge::rules::{Phase, Status};
use crate::challenge::service::{fields_of, phase_of, prizes_of, timetable_of};
use crate::error::AppError;
use crate::i18n::format::search_words;
use crate::org::entity::{org_staff, organisation};
use crate::report::entity::report;
use crate::report::model::{Category, Linked, ReportQuery};
use crate::report::service::org_name;

pub const PER_PAGE: u64 = 12;

/// Turns rows into cards, with their organisations' names and covers in two more queries.
async fn cards(
    db: &impl ConnectionTrait,
    rows: Vec<(challenge::Model, Option<organisation::Model>)>,
    now: DateTime<Utc>,
) -> Result<Vec<ChallengeCard>, AppError> {
    let cover_ids: Vec<i64> = rows.iter().filter_map(|(c, _)| c.cover_id).collect();
    let covers = crate::upload::service::links(db, cover_ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(c, o)| o.map(|o| (c, o)))
        .map(|(c, o)| {
            let timetable = timetable_of(&c);
            let phase = timetable.phase_at(crate::challenge::service::status_of(&c), now);
            ChallengeCard {
                id: c.id,
                slug: c.slug.clone(),
                title: c.title.clone(),
                summary: c.summary.clone(),
                organisation: org_name(&o),
                category: Category::from_code(&c.category).unwrap_or(Category::Other),
                phase,
                next: match phase {
                    Phase::Draft | Phase::Cancelled => None,
                    _ => timetable.next_deadline(now),
                },
                prize_total_vnd: prizes_of(&c).iter().map(|p| p.amount_vnd).sum(),
                cover: c
                    .cover_id
                    .and_then(|id| covers.iter().find(|f| f.id == id).cloned()),
            }
        })
        .collect())
}

/// The SQL form of "in this phase at `now`", matching [`crate::challenge::rules::Timetable::phase_at`].
pub(crate) fn in_phase(phase: Phase, now: DateTime<Utc>) -> Condition {
    use challenge::Column as C;
    let published = Condition::all().add(C::Status.eq(Status::Published.code()));
    let voting = Condition::all()
        .add(C::EntriesCloseAt.lte(now))
        .add(C::VoteOpensAt.lte(now))
        .add(C::VoteClosesAt.gt(now));
    match phase {
        Phase::Draft => Condition::all().add(C::Status.eq(Status::Draft.code())),
        Phase::Cancelled => Condition::all()
            .add(C::Status.eq(Status::Cancelled.code()))
            .add(C::PublishedAt.is_not_null()),
        Phase::Upcoming => published.add(C::OpensAt.gt(now)),
        Phase::Open => published
            .add(C::OpensAt.lte(now))
            .add(C::EntriesCloseAt.gt(now)),
        Phase::Voting => published.add(voting),
        Phase::Judging => published
            .add(C::EntriesCloseAt.lte(now))
            .add(voting.not())
            .add(
                Condition::any()
                    .add(C::JudgingClosesAt.gt(now))
                    .add(C::VoteOpensAt.gt(now)),
            ),
        Phase::Results => published
            .add(C::EntriesCloseAt.lte(now))
            .add(C::JudgingClosesAt.lte(now))
            .add(
                Condition::any()
                    .add(C::VoteClosesAt.is_null())
                    .add(C::VoteClosesAt.lte(now)),
            ),
    }
}

fn public_select(query: &ChallengeQuery, now: DateTime<Utc>) -> Select<challenge::Entity> {
    let mut select = challenge::Entity::find();
    select = match query.phase.as_deref().and_then(Phase::from_code) {
        Some(Phase::Draft) | None => {
            select.filter(challenge::Column::Status.eq(Status::Published.code()))
        }
        Some(phase) => select.filter(in_phase(phase, now)),
    };
    if let Some(id) = query.organisation_id {
        select = select.filter(challenge::Column::OrganisationId.eq(id));
    }
    if let Some(category) = query.category.as_deref().and_then(Category::from_code) {
        select = select.filter(challenge::Column::Category.eq(category.code()));
    }
    for word in search_words(query.q.as_deref().unwrap_or_default()) {
        select = select.filter(challenge::Column::SearchKey.contains(word));
    }
    select
}

pub async fn list(
    db: &impl ConnectionTrait,
    query: &ChallengeQuery,
    now: DateTime<Utc>,
) -> Result<ChallengePage, AppError> {
    let select = public_select(query, now);
    let total = select.clone().count(db).await?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows = select
        .order_by_desc(challenge::Column::OpensAt)
        .order_by_desc(challenge::Column::Id)
        .find_also_related(organisation::Entity)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .all(db)
        .await?;
    Ok(ChallengePage {
        items: cards(db, rows, now).await?,
        total,
        page,
        pages,
    })
}

pub async fn home(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<HomeData, AppError> {
    let open = challenge::Entity::find()
        .filter(in_phase(Phase::Open, now))
        .order_by_asc(challenge::Column::EntriesCloseAt)
        .find_also_related(organisation::Entity)
        .limit(6)
        .all(db)
        .await?;
    let upcoming = challenge::Entity::find()
        .filter(in_phase(Phase::Upcoming, now))
        .order_by_asc(challenge::Column::OpensAt)
        .find_also_related(organisation::Entity)
        .limit(3)
        .all(db)
        .await?;
    let reports = crate::report::service::list(db, &ReportQuery::default(), now).await?;
    Ok(HomeData {
        open: cards(db, open, now).await?,
        upcoming: cards(db, upcoming, now).await?,
        reports: reports.items.into_iter().take(4).collect(),
    })
}

async fn attachments(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<Vec<crate::upload::model::FileLink>, AppError> {
    let ids: Vec<i64> = attachment::Entity::find()
        .select_only()
        .column(attachment::Column::UploadId)
        .filter(attachment::Column::ChallengeId.eq(challenge_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(crate::upload::service::links(db, ids).await?)
}

async fn questions(
    db: &impl ConnectionTrait,
    challenge_id: i64,
    answered_only: bool,
) -> Result<Vec<Question>, AppError> {
    let mut select = question::Entity::find()
        .filter(question::Column::ChallengeId.eq(challenge_id))
        .order_by_asc(question::Column::Id);
    if answered_only {
        select = select.filter(question::Column::AnsweredAt.is_not_null());
    }
    let rows = select.all(db).await?;
    let answerer_ids: Vec<i64> = rows.iter().filter_map(|q| q.answered_by).collect();
    let names: Vec<(i64, String)> = user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::DisplayName])
        .filter(user::Column::Id.is_in(answerer_ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|q| Question {
            id: q.id,
            question: q.question,
            asked_at: q.created_at,
            answer: q.answer,
            answered_by: q
                .answered_by
                .and_then(|id| names.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone())),
            answered_at: q.answered_at,
        })
        .collect())
}

/// The public decisions on a challenge, oldest first, with each official's title.
pub async fn history(
    db: &impl ConnectionTrait,
    m: &challenge::Model,
) -> Result<Vec<HistoryEntry>, AppError> {
    public_history(db, "challenge", m.id, m.organisation_id).await
}

/// The public decisions on anything the audit log records (a challenge, a pilot), oldest first,
/// with each official's title at `organisation_id`.
pub async fn public_history(
    db: &impl ConnectionTrait,
    target_kind: &str,
    target_id: i64,
    organisation_id: i64,
) -> Result<Vec<HistoryEntry>, AppError> {
    use crate::audit::entity as audit_log;
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::TargetKind.eq(target_kind))
        .filter(audit_log::Column::TargetId.eq(target_id))
        .filter(audit_log::Column::IsPublic.eq(true))
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await?;
    // While a blind panel judges, an extension does not say whose entry it was given to (nor
    // why, in words that may name the team): a judge could pair the team with the entry that
    // stays open longer.
    let blind = target_kind == "challenge"
        && rows.iter().any(|r| r.action == "challenge.extension")
        && crate::participation::blind_judging_runs(db, target_id).await?;
    let titles: Vec<(i64, Option<String>)> = org_staff::Entity::find()
        .select_only()
        .columns([org_staff::Column::UserId, org_staff::Column::Title])
        .filter(org_staff::Column::OrganisationId.eq(organisation_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let details =
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&r.details)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|(k, _)| !(blind && k == "team"))
                    .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
                    .collect();
            let reason = r
                .reason
                .filter(|_| !(blind && r.action == "challenge.extension"));
            HistoryEntry {
                action: r.action,
                actor_name: if crate::audit::model::named_in_public(&r.actor_role) {
                    r.actor_name
                } else {
                    String::new()
                },
                actor_title: r.actor_id.and_then(|id| {
                    titles
                        .iter()
                        .find(|(u, _)| *u == id)
                        .and_then(|(_, t)| t.clone())
                }),
                reason,
                details,
                at: r.created_at,
            }
        })
        .collect())
}

pub async fn detail(
    db: &impl ConnectionTrait,
    slug: &str,
    viewer: Option<&Viewer>,
    now: DateTime<Utc>,
) -> Result<ChallengeDetail, AppError> {
    let (m, org) = challenge::Entity::find()
        .filter(challenge::Column::Slug.eq(slug))
        .find_also_related(organisation::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let can_manage = viewer.is_some_and(|v| v.is_staff_of(m.organisation_id));
    if !crate::challenge::service::shown_to_public(&m) && !can_manage {
        return Err(AppError::NotFound);
    }
    let card = cards(db, vec![(m.clone(), org)], now)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let report_ids: Vec<i64> = source_report::Entity::find()
        .select_only()
        .column(source_report::Column::ReportId)
        .filter(source_report::Column::ChallengeId.eq(m.id))
        .into_tuple()
        .all(db)
        .await?;
    let reports = report::Entity::find()
        .filter(report::Column::Id.is_in(report_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| Linked {
            href: format!("/reports/{}", r.id),
            title: r.title,
        })
        .collect();
    let followers = follow::Entity::find()
        .filter(follow::Column::ChallengeId.eq(m.id))
        .count(db)
        .await?;
    let following = match viewer {
        Some(v) => follow::Entity::find_by_id((m.id, v.id))
            .one(db)
            .await?
            .is_some(),
        None => false,
    };
    Ok(ChallengeDetail {
        card,
        brief_md: m.brief_md.clone(),
        brief_html: m.brief_html.clone(),
        eligibility: m.eligibility.clone(),
        team_min: m.team_min,
        team_max: m.team_max,
        prizes: prizes_of(&m),
        pilot_budget_vnd: m.pilot_budget_vnd,
        timetable: timetable_of(&m),
        attachments: attachments(db, m.id).await?,
        reports,
        questions: questions(db, m.id, !can_manage).await?,
        history: history(db, &m).await?,
        followers,
        following,
        can_manage,
        published_at: m.published_at,
        public_entries: if crate::entry::rules::are_public(&m, now) {
            Some(crate::query::entry::count(db, &m, now).await?)
        } else {
            None
        },
        results_published_at: m.results_published_at.filter(|at| *at <= now),
    })
}

pub async fn editor(
    db: &impl ConnectionTrait,
    m: challenge::Model,
    now: DateTime<Utc>,
) -> Result<ChallengeEditor, AppError> {
    let org = organisation::Entity::find_by_id(m.organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let cover = match m.cover_id {
        Some(id) => crate::upload::service::links(db, vec![id]).await?.pop(),
        None => None,
    };
    Ok(ChallengeEditor {
        id: m.id,
        slug: m.slug.clone(),
        organisation: org_name(&org),
        phase: phase_of(&m, now),
        form: to_form(&fields_of(&m)),
        timetable: timetable_of(&m),
        cover,
        attachments: attachments(db, m.id).await?,
        questions: questions(db, m.id, false).await?,
    })
}

/// For each organisation the viewer acts for: its challenges (drafts and live ones first) and
/// its open reports (the most urgent first).
pub async fn managed(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    now: DateTime<Utc>,
) -> Result<Vec<StaffOrganisation>, AppError> {
    let orgs = if viewer.is_admin {
        organisation::Entity::find()
            .order_by_asc(organisation::Column::Id)
            .all(db)
            .await?
    } else {
        let ids: Vec<i64> = viewer.staff.iter().map(|s| s.organisation_id).collect();
        organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(ids))
            .order_by_asc(organisation::Column::Id)
            .all(db)
            .await?
    };
    let org_ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let rows = challenge::Entity::find()
        .filter(challenge::Column::OrganisationId.is_in(org_ids.clone()))
        .order_by_desc(challenge::Column::UpdatedAt)
        .find_also_related(organisation::Entity)
        .all(db)
        .await?;
    let challenge_ids: Vec<i64> = rows.iter().map(|(c, _)| c.id).collect();
    let unanswered: Vec<i64> = question::Entity::find()
        .select_only()
        .column(question::Column::ChallengeId)
        .filter(question::Column::ChallengeId.is_in(challenge_ids))
        .filter(question::Column::AnsweredAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let all_cards = cards(db, rows, now).await?;
    let reports = crate::report::service::open_for(db, &org_ids, now).await?;
    Ok(orgs
        .iter()
        .map(|o| {
            let mut challenges: Vec<ManagedChallenge> = all_cards
                .iter()
                .filter(|c| c.organisation.id == o.id)
                .map(|c| ManagedChallenge {
                    card: c.clone(),
                    unanswered_questions: unanswered.iter().filter(|id| **id == c.id).count()
                        as u64,
                })
                .collect();
            // What needs action first: unanswered questions, then drafts, then the rest.
            challenges.sort_by_key(|c| {
                (
                    c.unanswered_questions == 0,
                    c.card.phase != Phase::Draft,
                    matches!(c.card.phase, Phase::Results | Phase::Cancelled),
                )
            });
            StaffOrganisation {
                organisation: org_name(o),
                response_days: o.response_days,
                challenges,
                reports: reports
                    .iter()
                    .filter(|r| r.organisation.id == o.id)
                    .cloned()
                    .collect(),
            }
        })
        .collect())
}
