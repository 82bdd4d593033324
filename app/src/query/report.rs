//! What a report's page shows (a read-model: it may read any room, and no service reads it).

use chrono::{DateTime, Utc};
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
    let sees_receipt = is_author || can_triage || is_helper || holder;
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
        // The receipt is the author's (and the desk's that answers it, and the helper's who
        // filed it): whoever holds it may follow the report as its author does.
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
            && ReportStatus::from_code(&r.status).is_some_and(ReportStatus::is_open)
            && crate::report::rules::due_now(r.response_due_at, r.appointed_due_at) <= now,
    })
}
