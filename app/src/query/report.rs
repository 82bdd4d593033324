//! What a report's page shows (a read-model: it may read any room, and no service reads it).

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::error::AppError;
use crate::org::entity::organisation;
use crate::report::entity::{report, report_support};
use crate::report::model::{Assisted, Linked, ReportDetail, ReportStatus};
use crate::report::service::summary;

/// The report's page for `viewer`; `receipt`: the receipt code the page was opened with (counted
/// when wrong, as every receipt lookup is).
pub async fn detail(
    db: &impl ConnectionTrait,
    requester: &crate::auth::Requester,
    id: i64,
    receipt: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ReportDetail, AppError> {
    let viewer = requester.viewer.as_ref();
    let (r, org) = report::Entity::find_by_id(id)
        .find_also_related(organisation::Entity)
        .one(db)
        .await?
        .and_then(|(r, o)| o.map(|o| (r, o)))
        .ok_or(AppError::NotFound)?;
    let photo = match r.photo_id {
        Some(pid) => crate::upload::service::links(db, vec![pid])
            .await?
            .into_iter()
            .next(),
        None => None,
    };
    let responder = match r.responder_id {
        Some(uid) => crate::auth::entity::user::Entity::find_by_id(uid)
            .one(db)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    let merged_into = match r.merged_into_id {
        Some(mid) => report::Entity::find_by_id(mid)
            .one(db)
            .await?
            .map(|m| Linked {
                href: format!("/reports/{}", m.id),
                title: m.title,
            }),
        None => None,
    };
    let challenges = crate::challenge::service::linked_to_report(db, r.id).await?;
    let supported = match viewer {
        Some(v) => report_support::Entity::find_by_id((r.id, v.id))
            .one(db)
            .await?
            .is_some(),
        None => false,
    };
    let is_author = viewer.is_some_and(|v| Some(v.id) == r.author_id);
    let can_triage = viewer.is_some_and(|v| v.is_staff_of(r.organisation_id));
    let is_helper = viewer.is_some_and(|v| r.assisted_by_id == Some(v.id));
    let holder = match receipt.filter(|c| !c.trim().is_empty()) {
        Some(code) => {
            // A wrong code shows the public page (the page of a mistyped link), counted.
            match crate::report::service::held_by_person_helped(db, requester, &r, code).await {
                Err(AppError::RateLimited { .. }) => false,
                held => held?,
            }
        }
        None => false,
    };
    // Whoever holds the receipt says whether the answer solved it, so the office that answers
    // never holds it: its staff do not see it, except the one who filed the report at the desk,
    // on the day they filed it (to print it again). A helper of a group keeps seeing it.
    let filed_recently = now - r.created_at < chrono::Duration::hours(24);
    let helper_sees = is_helper && (!can_triage || filed_recently);
    let sees_receipt = is_author || helper_sees || holder;
    let assisted = match &r.filed_for_name {
        Some(name) => {
            let group = match r.helper_group_id {
                Some(g) => crate::helper::service::name_of(db, g).await?,
                None => None,
            };
            let helper = match r.assisted_by_id {
                Some(uid) if can_triage || is_helper => {
                    crate::auth::entity::user::Entity::find_by_id(uid)
                        .one(db)
                        .await?
                        .map(|u| u.display_name)
                }
                _ => None,
            };
            Some(Assisted {
                group,
                for_name: name.clone(),
                phone: r
                    .filed_for_phone
                    .as_deref()
                    .filter(|_| sees_receipt)
                    .map(crate::sms::rules::masked_phone),
                helper,
                claimed: r.claimed_at.is_some(),
            })
        }
        None => None,
    };
    let unclaimed = r.filed_for_phone.is_some() && r.author_id.is_none();
    // What the author said is shown beside the answer it was said of, never a later one.
    let verdict = crate::report::rules::verdict(
        ReportStatus::from_code(&r.status).is_some_and(ReportStatus::is_answer),
        r.satisfied,
        r.rated_at,
        r.responded_at,
    );
    let open = ReportStatus::from_code(&r.status).is_some_and(ReportStatus::is_open);
    let forward_to = if can_triage && open {
        // Only organisations someone answers for.
        use sea_orm::QuerySelect;
        let staffed: std::collections::HashSet<i64> = crate::org::entity::org_staff::Entity::find()
            .select_only()
            .column(crate::org::entity::org_staff::Column::OrganisationId)
            .into_tuple::<i64>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        crate::org::service::list(db)
            .await?
            .into_iter()
            .filter(|o| o.id != r.organisation_id && staffed.contains(&o.id))
            .map(|o| crate::report::model::OrgName::from(&o))
            .collect()
    } else {
        Vec::new()
    };
    let satisfied = match verdict {
        crate::report::rules::Verdict::Given { satisfied } => Some(satisfied),
        _ => None,
    };
    Ok(ReportDetail {
        summary: summary(&r, &org, now),
        description: r.description.clone(),
        photo,
        acknowledged_at: r.acknowledged_at,
        responded_at: r.responded_at,
        response: r.response.clone(),
        responder,
        merged_into,
        challenges,
        supported,
        is_author,
        can_triage,
        // The receipt is the author's (and the helper's who filed it): whoever holds it may
        // follow the report as its author does.
        receipt_code: sees_receipt.then(|| r.receipt_code.clone()).flatten(),
        receipt_link: None,
        sms_updates: false,
        satisfied,
        can_rate: (is_author || holder) && verdict == crate::report::rules::Verdict::Open,
        reopened: r.reopened_at.zip(r.reopen_reason.clone()),
        assisted,
        receipt_holder: holder.then(|| r.receipt_code.clone()).flatten(),
        claimable: unclaimed && viewer.is_some_and(|v| v.verified) && !can_triage && !is_helper,
        apologies: crate::report::apology::of_report(db, r.id).await?,
        can_apologise: can_triage
            && open
            && crate::report::rules::due_now(r.response_due_at, r.appointed_due_at) <= now,
        forwards: crate::report::routing::of_report(db, r.id).await?,
        urgent_at: r.urgent_at,
        can_set_urgency: can_triage
            && r.appointed_due_at.is_none()
            && crate::report::rules::may_change_urgency(open, r.response_due_at, now),
        forward_to,
    })
}

/// The city's answers to reports over the last twelve months, per organisation and month of
/// receipt (counted as [`crate::report::figures`] says), and the reports overdue now.
pub async fn board(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<crate::report::model::ReportBoard, AppError> {
    use std::collections::HashMap;

    use sea_orm::{ColumnTrait, Condition, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

    use crate::report::entity::{apology, forward};
    use crate::report::figures::{Held, Month, Passed, ReportFigures, tally};
    use crate::report::model::{OVERDUE_LISTED, OrgReportRow, OverdueReport, ReportBoard};

    let city_day = |at: DateTime<Utc>| {
        at.with_timezone(&crate::i18n::format::city_offset())
            .date_naive()
    };
    let months = Month::of(now).last(12);
    let first = months[0];
    let start = crate::i18n::format::city_offset()
        .with_ymd_and_hms(first.year, first.month, 1, 0, 0, 0)
        .single()
        .expect("a fixed offset")
        .with_timezone(&Utc);
    let received_since = Condition::any()
        .add(report::Column::ForwardedAt.gte(start))
        .add(
            Condition::all()
                .add(report::Column::ForwardedAt.is_null())
                .add(report::Column::CreatedAt.gte(start)),
        );
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        i64,
        i64,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        String,
        Option<bool>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    )> = report::Entity::find()
        .select_only()
        .columns([
            report::Column::Id,
            report::Column::OrganisationId,
            report::Column::CreatedAt,
            report::Column::ForwardedAt,
            report::Column::ResponseDueAt,
            report::Column::RespondedAt,
            report::Column::Status,
            report::Column::Satisfied,
            report::Column::FirstDueAt,
            report::Column::FirstRespondedAt,
        ])
        .filter(received_since)
        // A duplicate merged into another is counted once, as the other.
        .filter(report::Column::Status.ne(ReportStatus::Merged.code()))
        .into_tuple()
        .all(db)
        .await?;
    // Every forwarding, in order per report: whether each sent it back is read from those
    // before it, in the window or not.
    let all_forwards: Vec<forward::Model> = forward::Entity::find()
        .order_by_asc(forward::Column::Id)
        .all(db)
        .await?;
    let mut by_report: HashMap<i64, Vec<&forward::Model>> = HashMap::new();
    for f in &all_forwards {
        by_report.entry(f.report_id).or_default().push(f);
    }
    let mut returned_ids = std::collections::HashSet::new();
    for forwards in by_report.values() {
        let pairs: Vec<(i64, i64)> = forwards
            .iter()
            .map(|f| (f.from_organisation_id, f.to_organisation_id))
            .collect();
        for (f, back) in forwards
            .iter()
            .zip(crate::report::figures::returned(&pairs))
        {
            if back {
                returned_ids.insert(f.id);
            }
        }
    }
    let mut apologies: HashMap<i64, Vec<DateTime<Utc>>> = HashMap::new();
    for (report_id, at) in apology::Entity::find()
        .select_only()
        .columns([apology::Column::ReportId, apology::Column::CreatedAt])
        .filter(apology::Column::CreatedAt.gte(start))
        .into_tuple::<(i64, DateTime<Utc>)>()
        .all(db)
        .await?
    {
        apologies.entry(report_id).or_default().push(at);
    }
    let apologised = |report_id: i64, from: DateTime<Utc>, until: Option<DateTime<Utc>>| {
        apologies.get(&report_id).is_some_and(|ats| {
            ats.iter()
                .any(|at| *at >= from && until.is_none_or(|u| *at < u))
        })
    };
    let mut held = Vec::with_capacity(rows.len());
    // The city counts each report once: in the month it was filed, as it stands now.
    let mut city_held = Vec::with_capacity(rows.len());
    let mut city_forwarded: HashMap<Month, u32> = HashMap::new();
    for (id, org, created, forwarded, due, responded, status, satisfied, first_due, first_at) in
        &rows
    {
        let received_at = forwarded.unwrap_or(*created);
        let one = Held {
            organisation_id: *org,
            received_at,
            due_at: *due,
            responded_at: *responded,
            first: first_due.zip(*first_at),
            open: ReportStatus::from_code(status).is_some_and(ReportStatus::is_open),
            reappointed: apologised(*id, received_at, None),
            satisfied: *satisfied,
        };
        held.push(one);
        city_held.push(Held {
            organisation_id: 0,
            received_at: *created,
            reappointed: apologised(*id, *created, None),
            ..one
        });
        if by_report.contains_key(id) {
            *city_forwarded.entry(Month::of(*created)).or_default() += 1;
        }
    }
    let passed: Vec<Passed> = all_forwards
        .iter()
        .filter(|f| f.received_at >= start)
        .map(|f| Passed {
            organisation_id: f.from_organisation_id,
            received_at: f.received_at,
            due_at: f.due_at,
            forwarded_at: f.created_at,
            reappointed: apologised(f.report_id, f.received_at, Some(f.created_at)),
            returned: returned_ids.contains(&f.id),
        })
        .collect();
    let figures = tally(&held, &passed, now);
    let city_figures = tally(&city_held, &[], now);
    let orgs = crate::org::service::list(db).await?;
    let city: Vec<ReportFigures> = months
        .iter()
        .map(|m| {
            let mut f = city_figures.get(&(0, *m)).copied().unwrap_or_default();
            f.forwarded = city_forwarded.get(m).copied().unwrap_or(0);
            f
        })
        .collect();
    let mut organisations: Vec<OrgReportRow> = orgs
        .iter()
        .filter_map(|o| {
            let by_month: Vec<ReportFigures> = months
                .iter()
                .map(|m| figures.get(&(o.id, *m)).copied().unwrap_or_default())
                .collect();
            let mut total = ReportFigures::default();
            for f in &by_month {
                total.add(f);
            }
            (total.received > 0).then(|| OrgReportRow {
                organisation: o.into(),
                slug: o.slug.clone(),
                by_month,
                total,
            })
        })
        .collect();
    organisations.sort_by_key(|o| std::cmp::Reverse(o.total.received));
    let mut city_total = ReportFigures::default();
    for f in &city {
        city_total.add(f);
    }
    let overdue_query = report::Entity::find()
        .filter(
            report::Column::Status
                .is_in([ReportStatus::New.code(), ReportStatus::Acknowledged.code()]),
        )
        .filter(report::Column::ResponseDueAt.lt(now));
    let overdue_total = overdue_query.clone().count(db).await?;
    let overdue = overdue_query
        .order_by_asc(report::Column::ResponseDueAt)
        .order_by_asc(report::Column::Id)
        .limit(OVERDUE_LISTED)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            let o = orgs.iter().find(|o| o.id == r.organisation_id)?;
            Some(OverdueReport {
                id: r.id,
                title: r.title,
                organisation: o.into(),
                slug: o.slug.clone(),
                due_at: r.response_due_at,
                appointed_due_at: r.appointed_due_at,
                // Whole city days since the day it was due: 1 the day after.
                days: (city_day(now) - city_day(r.response_due_at))
                    .num_days()
                    .max(1),
            })
        })
        .collect();
    Ok(ReportBoard {
        months,
        city,
        city_total,
        organisations,
        overdue,
        overdue_total,
    })
}
