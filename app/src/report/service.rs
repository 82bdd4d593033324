//! Storing reports, listing them in public, and staff triage.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

use super::entity::{report, report_support};
use super::model::{Category, OrgName, ReportPage, ReportQuery, ReportStatus, ReportSummary};
use super::rules::{check_response, timeliness};
use crate::audit::service::Record;
use crate::auth::{Requester, Viewer};
use crate::error::AppError;
use crate::org::entity::organisation;

pub const PER_PAGE: u64 = 20;

/// The list's status filter for open reports past their deadline.
pub const OVERDUE: &str = "overdue";

pub(crate) fn org_name(o: &organisation::Model) -> OrgName {
    OrgName {
        id: o.id,
        name_vi: o.name_vi.clone(),
        name_en: o.name_en.clone(),
    }
}

/// The names of organisations `ids`, by id (an id no organisation has is left out).
pub(crate) async fn org_names(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<std::collections::HashMap<i64, OrgName>, AppError> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(db)
        .await?
        .iter()
        .map(|o| (o.id, org_name(o)))
        .collect())
}

pub(crate) fn summary(
    r: &report::Model,
    org: &organisation::Model,
    now: DateTime<Utc>,
) -> ReportSummary {
    ReportSummary {
        id: r.id,
        title: r.title.clone(),
        category: Category::from_code(&r.category).unwrap_or(Category::Other),
        status: ReportStatus::from_code(&r.status).unwrap_or(ReportStatus::New),
        organisation: org_name(org),
        supporters: r.supporters,
        created_at: r.created_at,
        response_due_at: r.response_due_at,
        timeliness: timeliness(r.response_due_at, r.responded_at, now),
        assisted: r.filed_for_name.is_some(),
        appointed_due_at: r.appointed_due_at,
        urgent: r.urgent_at.is_some(),
    }
}

pub use super::filing::NewReport;

/// Files a report for the person asking; its response deadline counts the organisation's
/// working days from today. The report, its photo and the record commit together.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &crate::upload::storage::Storage,
    requester: &Requester,
    new: NewReport,
) -> Result<i64, AppError> {
    Ok(
        super::filing::file(db, storage, requester, new, Vec::new(), None)
            .await?
            .id,
    )
}

pub async fn list(
    db: &impl ConnectionTrait,
    query: &ReportQuery,
    now: DateTime<Utc>,
) -> Result<ReportPage, AppError> {
    let mut select = report::Entity::find();
    if let Some(id) = query.organisation_id {
        select = select.filter(report::Column::OrganisationId.eq(id));
    }
    if let Some(category) = query.category.as_deref().and_then(Category::from_code) {
        select = select.filter(report::Column::Category.eq(category.code()));
    }
    // Overdue: still open past the deadline, the longest overdue first (as the dashboard lists
    // them).
    let overdue = query.status.as_deref() == Some(OVERDUE);
    if overdue {
        select = select
            .filter(
                report::Column::Status
                    .is_in([ReportStatus::New.code(), ReportStatus::Acknowledged.code()]),
            )
            .filter(report::Column::ResponseDueAt.lt(now));
    } else if let Some(status) = query.status.as_deref().and_then(ReportStatus::from_code) {
        select = select.filter(report::Column::Status.eq(status.code()));
    }
    select = if query.sort.as_deref() == Some("supported") {
        select
            .order_by_desc(report::Column::Supporters)
            .order_by_desc(report::Column::Id)
    } else if overdue {
        select
            .order_by_asc(report::Column::ResponseDueAt)
            .order_by_asc(report::Column::Id)
    } else {
        select.order_by_desc(report::Column::Id)
    };
    let total = select.clone().count(db).await?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows = select
        .find_also_related(organisation::Entity)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .all(db)
        .await?;
    let items = rows
        .iter()
        .filter_map(|(r, o)| o.as_ref().map(|o| summary(r, o, now)))
        .collect();
    Ok(ReportPage {
        items,
        total,
        page,
        pages,
    })
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<report::Model, AppError> {
    report::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Recounts a report's supporters from the table of supports, so the count never drifts.
async fn recount(db: &impl ConnectionTrait, report_id: i64) -> Result<(), AppError> {
    use sea_orm::sea_query::ExprTrait;
    let count = Query::select()
        .expr(Expr::col(report_support::Column::UserId).count())
        .from(report_support::Entity)
        .and_where(Expr::col(report_support::Column::ReportId).eq(report_id))
        .to_owned();
    report::Entity::update_many()
        .col_expr(
            report::Column::Supporters,
            Expr::SubQuery(None, Box::new(count.into())),
        )
        .filter(report::Column::Id.eq(report_id))
        .exec(db)
        .await?;
    Ok(())
}

/// "This affects me too", or taking it back. The author is counted by their report already.
pub async fn support(
    db: &(impl ConnectionTrait + TransactionTrait),
    report_id: i64,
    viewer: &Viewer,
    on: bool,
) -> Result<i32, AppError> {
    let r = find(db, report_id).await?;
    if r.author_id == Some(viewer.id) {
        return Err(AppError::conflict("error.support_own_report"));
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    if on {
        let insert = report_support::Entity::insert(report_support::ActiveModel {
            report_id: Set(report_id),
            user_id: Set(viewer.id),
            created_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing()
        .exec(&txn)
        .await;
        insert?;
    } else {
        report_support::Entity::delete_by_id((report_id, viewer.id))
            .exec(&txn)
            .await?;
    }
    recount(&txn, report_id).await?;
    txn.commit().await?;
    Ok(find(db, report_id).await?.supporters)
}

/// What staff do with a report.
pub enum Triage {
    Acknowledge,
    Answer(String),
    OutOfScope(String),
    MergeInto(i64),
}

/// A decision as a form sends it: `decision` is `acknowledge`, `answer` (with `text`),
/// `out_of_scope` (with `text`, the reason) or `merge` (with `into_id`).
pub struct TriageForm {
    pub decision: String,
    pub text: String,
    pub into_id: Option<i64>,
}

impl TryFrom<TriageForm> for Triage {
    type Error = AppError;

    fn try_from(form: TriageForm) -> Result<Self, AppError> {
        Ok(match form.decision.as_str() {
            "acknowledge" => Triage::Acknowledge,
            "answer" => Triage::Answer(form.text),
            "out_of_scope" => Triage::OutOfScope(form.text),
            "merge" => match form.into_id {
                Some(target) => Triage::MergeInto(target),
                None => return Err(AppError::invalid("into_id", "error.merge_target")),
            },
            _ => return Err(AppError::invalid("decision", "error.decision")),
        })
    }
}

impl Triage {
    /// The status a report takes by this decision.
    fn outcome(&self) -> ReportStatus {
        match self {
            Triage::Acknowledge => ReportStatus::Acknowledged,
            Triage::Answer(_) => ReportStatus::Answered,
            Triage::OutOfScope(_) => ReportStatus::OutOfScope,
            Triage::MergeInto(_) => ReportStatus::Merged,
        }
    }
}

/// Applies a staff decision (read only once the asker is known to be the report's staff): the
/// report, its public record (with the answer or reason) and, unless it is only acknowledged,
/// its author's notification, in one transaction. Returns the report as it was before.
pub async fn triage(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    report_id: i64,
    decision: impl TryInto<Triage, Error: Into<AppError>>,
) -> Result<report::Model, AppError> {
    let staff = requester.signed_in()?;
    let before = find(db, report_id).await?;
    if !staff.is_staff_of(before.organisation_id) {
        return Err(staff.refusal());
    }
    let decision = decision.try_into().map_err(Into::into)?;
    let status = ReportStatus::from_code(&before.status).unwrap_or(ReportStatus::New);
    if !status.is_open() {
        return Err(AppError::Conflict {
            key: "error.report_closed".into(),
            params: vec![("status".into(), status.code().into())],
        });
    }
    let now = Utc::now();
    let txn = crate::group_commit::begin_writing(db).await?;
    let mut active = before.clone().into_active_model();
    active.updated_at = Set(now);
    let mut responded = || {
        if before.responded_at.is_none() {
            active.responded_at = Set(Some(now));
        }
        active.responder_id = Set(Some(staff.id));
    };
    let answered = matches!(decision, Triage::Answer(_));
    let merged_into = match decision {
        Triage::MergeInto(target_id) => Some(target_id),
        _ => None,
    };
    let outcome = decision.outcome();
    let mut record = Record::new(
        &format!("report.{}", outcome.code()),
        "report",
        Some(report_id),
    )
    .by_requester(requester)
    .public();
    match decision {
        Triage::Acknowledge => {
            if status == ReportStatus::Acknowledged {
                return Err(AppError::conflict("error.report_already_acknowledged"));
            }
            active.acknowledged_at = Set(Some(now));
            active.status = Set(ReportStatus::Acknowledged.code().into());
        }
        Triage::Answer(text) | Triage::OutOfScope(text) => {
            let (field, status) = if answered {
                ("answer", ReportStatus::Answered)
            } else {
                ("reason", ReportStatus::OutOfScope)
            };
            let errors = check_response(field, &text);
            if !errors.is_empty() {
                return Err(AppError::Invalid(errors));
            }
            responded();
            record = record.reason(text.trim());
            active.response = Set(Some(text.trim().to_owned()));
            active.status = Set(status.code().into());
        }
        Triage::MergeInto(target_id) => {
            let target = report::Entity::find_by_id(target_id).one(&txn).await?;
            let target = match target {
                Some(t)
                    if t.id != before.id
                        && t.organisation_id == before.organisation_id
                        && t.merged_into_id.is_none() =>
                {
                    t
                }
                _ => return Err(AppError::invalid("into_id", "error.merge_target")),
            };
            responded();
            record = record.details(serde_json::json!({ "into_id": target.id }));
            active.merged_into_id = Set(Some(target.id));
            active.status = Set(ReportStatus::Merged.code().into());
            move_supporters(&txn, &before, target.id).await?;
        }
    }
    // Only if it is still where and as it was read (not forwarded or decided meanwhile): the
    // row is held from here to the commit.
    let held = report::Entity::update_many()
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .filter(report::Column::Id.eq(before.id))
        .filter(report::Column::OrganisationId.eq(before.organisation_id))
        .filter(report::Column::Status.eq(&before.status))
        .exec(&txn)
        .await?;
    if held.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::conflict("error.report_changed"));
    }
    active.update(&txn).await?;
    record.save(&txn).await?;
    super::sms::tell_followers(&txn, links, &before, super::sms::News::Decided(outcome)).await?;
    // Told it was merged, the numbers that followed the duplicate follow the original now.
    if let Some(target_id) = merged_into {
        super::sms::move_followers(&txn, before.id, target_id).await?;
    }
    if let (Some(author), false) = (before.author_id, outcome == ReportStatus::Acknowledged) {
        crate::notify::service::notify(
            &txn,
            links,
            author,
            crate::notify::model::NotificationKind::ReportResponded,
            &[
                ("report", &before.title),
                ("status", &format!("t:report.status.{}", outcome.code())),
            ],
            &format!("/reports/{report_id}"),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(before)
}

/// The person who filed a report says whether its answer solved the problem: its author, or,
/// for a report filed for someone without an account, whoever holds its `receipt` code. An
/// answer that did not reopens the report, once, with their reason and a new deadline counted
/// from today; the numbers that follow it are told. Each answer is rated once (two words sent
/// at once: one counts).
pub async fn rate(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    report_id: i64,
    satisfied: bool,
    reason: &str,
    receipt: Option<&str>,
) -> Result<(), AppError> {
    use super::rules::{Verdict, check_reopen_reason, reopens, verdict};
    let r = find(db, report_id).await?;
    let by_author = requester
        .viewer
        .as_ref()
        .is_some_and(|v| r.author_id == Some(v.id));
    let mut by_receipt_holder = false;
    if !by_author {
        match receipt.filter(|code| !code.trim().is_empty()) {
            Some(code) => {
                if !held_by_person_helped(db, requester, &r, code).await? {
                    return Err(AppError::invalid("code", "error.receipt_unknown"));
                }
                by_receipt_holder = true;
            }
            None => {
                requester.signed_in()?;
                return Err(AppError::Forbidden);
            }
        }
    }
    let status = ReportStatus::from_code(&r.status).unwrap_or(ReportStatus::New);
    match verdict(status.is_answer(), r.satisfied, r.rated_at, r.responded_at) {
        Verdict::Open => {}
        Verdict::NotYet => return Err(AppError::conflict("error.report_not_answered")),
        Verdict::Given { .. } => return Err(AppError::conflict("error.report_already_rated")),
    }
    let reason = reason.trim();
    if !satisfied {
        let errors = check_reopen_reason(reason);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
    }
    let reopen = reopens(satisfied, r.reopened_at.is_some());
    let now = Utc::now();
    let txn = crate::group_commit::begin_writing(db).await?;
    let mut update = report::Entity::update_many()
        .col_expr(report::Column::Satisfied, Expr::value(satisfied))
        .col_expr(report::Column::RatedAt, Expr::value(now))
        .col_expr(report::Column::UpdatedAt, Expr::value(now));
    if reopen {
        let org = organisation::Entity::find_by_id(r.organisation_id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        let calendar = crate::calendar::service::load(&txn).await?;
        let in_days = calendar.working_days_after(now, org.response_days.max(1) as u32);
        // An urgent report stays urgent: a working day of office hours again.
        let due = match r.urgent_at {
            Some(_) => super::rules::urgent_due(now, in_days, &calendar),
            None => in_days,
        };
        update = update
            .col_expr(
                report::Column::Status,
                Expr::value(ReportStatus::Acknowledged.code()),
            )
            .col_expr(report::Column::ReopenedAt, Expr::value(now))
            .col_expr(report::Column::ReopenReason, Expr::value(reason))
            .col_expr(
                report::Column::RespondedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(report::Column::ResponseDueAt, Expr::value(due))
            // A new deadline: what was appointed for the old one no longer stands.
            .col_expr(
                report::Column::AppointedDueAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            // On time stays counted by the first answer and its deadline (kept once).
            .col_expr(
                report::Column::FirstDueAt,
                Expr::value(r.first_due_at.or(Some(r.response_due_at))),
            )
            .col_expr(
                report::Column::FirstRespondedAt,
                Expr::value(r.first_responded_at.or(r.responded_at)),
            );
    }
    // Only if nobody rated it (or staff changed it) since it was read.
    let rated_before = match r.rated_at {
        Some(at) => report::Column::RatedAt.eq(at),
        None => report::Column::RatedAt.is_null(),
    };
    let done = update
        .filter(report::Column::Id.eq(report_id))
        .filter(report::Column::Status.eq(&r.status))
        .filter(rated_before)
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::conflict("error.report_already_rated"));
    }
    Record::new(
        if reopen {
            "report.reopen"
        } else {
            "report.rate"
        },
        "report",
        Some(report_id),
    )
    .by_requester(requester)
    .details(if satisfied {
        serde_json::json!({ "satisfied": true, "by_receipt": by_receipt_holder })
    } else {
        serde_json::json!({ "satisfied": false, "reason": reason, "by_receipt": by_receipt_holder })
    })
    .save(&txn)
    .await?;
    if reopen {
        super::sms::tell_followers(
            &txn,
            links,
            &r,
            super::sms::News::Decided(ReportStatus::Acknowledged),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The people a duplicate affected are affected by the original too: its author and supporters
/// become the original's supporters (its own author excepted).
async fn move_supporters(
    db: &impl ConnectionTrait,
    duplicate: &report::Model,
    target_id: i64,
) -> Result<(), AppError> {
    let target_author = report::Entity::find_by_id(target_id)
        .one(db)
        .await?
        .and_then(|t| t.author_id);
    let mut people: Vec<i64> = report_support::Entity::find()
        .filter(report_support::Column::ReportId.eq(duplicate.id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.user_id)
        .collect();
    people.extend(duplicate.author_id);
    for user_id in people.into_iter().filter(|u| Some(*u) != target_author) {
        report_support::Entity::insert(report_support::ActiveModel {
            report_id: Set(target_id),
            user_id: Set(user_id),
            created_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing()
        .exec(db)
        .await?;
    }
    recount(db, target_id).await
}

/// Marks reports as having become a challenge (they count as answered now); the numbers that
/// follow them are told.
pub async fn mark_became_challenge(
    db: &impl ConnectionTrait,
    links: &crate::links::Links,
    report_ids: &[i64],
    staff_id: i64,
) -> Result<Vec<report::Model>, AppError> {
    let now = Utc::now();
    let mut changed = Vec::new();
    for id in report_ids {
        let r = find(db, *id).await?;
        let mut active = r.clone().into_active_model();
        if r.responded_at.is_none() {
            active.responded_at = Set(Some(now));
        }
        active.responder_id = Set(Some(staff_id));
        active.status = Set(ReportStatus::BecameChallenge.code().into());
        active.updated_at = Set(now);
        active.update(db).await?;
        super::sms::tell_followers(
            db,
            links,
            &r,
            super::sms::News::Decided(ReportStatus::BecameChallenge),
        )
        .await?;
        changed.push(r);
    }
    Ok(changed)
}

/// Open reports of some organisations, most urgent first, for the staff dashboard and the
/// "made from reports" choice when creating a challenge.
pub async fn open_for(
    db: &impl ConnectionTrait,
    organisation_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<ReportSummary>, AppError> {
    let rows = report::Entity::find()
        .filter(report::Column::OrganisationId.is_in(organisation_ids.to_vec()))
        .filter(
            report::Column::Status
                .is_in([ReportStatus::New.code(), ReportStatus::Acknowledged.code()]),
        )
        .find_also_related(organisation::Entity)
        .order_by_asc(report::Column::ResponseDueAt)
        .limit(200)
        .all(db)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|(r, o)| o.as_ref().map(|o| summary(r, o, now)))
        .collect())
}

pub async fn author_of(db: &impl ConnectionTrait, id: i64) -> Result<Option<i64>, AppError> {
    Ok(find(db, id).await?.author_id)
}

/// Gives a receipt code to every report that has none (those filed before codes existed): run
/// at start-up, after the migrations. Returns how many it gave.
pub async fn give_receipts(
    db: &(impl ConnectionTrait + TransactionTrait),
) -> Result<u64, AppError> {
    let missing: Vec<i64> = report::Entity::find()
        .select_only()
        .column(report::Column::Id)
        .filter(report::Column::ReceiptCode.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut given = 0;
    for id in missing {
        let txn = crate::group_commit::begin_writing(db).await?;
        let code = super::filing::unused_receipt(&txn).await?;
        // Another instance starting at the same moment may have given it one.
        given += report::Entity::update_many()
            .col_expr(report::Column::ReceiptCode, Expr::value(code))
            .filter(report::Column::Id.eq(id))
            .filter(report::Column::ReceiptCode.is_null())
            .exec(&txn)
            .await?
            .rows_affected;
        txn.commit().await?;
    }
    Ok(given)
}

/// Wrong receipt codes one network address may try in an hour: a desk helping many people
/// mistypes some; finding one of 900 million codes at thirty an hour would take millennia.
const WRONG_RECEIPTS_PER_ADDRESS: crate::auth::throttle::Limit =
    crate::auth::throttle::Limit::new("receipt_lookup", 30, chrono::Duration::hours(1));

/// The report whose receipt code is `typed` (however it was written). Wrong codes are counted
/// per network address before the code is looked at (and given back when it is right), so codes
/// cannot be found by trying them; a code that is not one, and one no report has, read the same.
pub async fn by_receipt(
    db: &impl ConnectionTrait,
    requester: &Requester,
    typed: &str,
) -> Result<i64, AppError> {
    use crate::auth::throttle;
    let address = throttle::address_of(&requester.ip);
    let counted = throttle::hit(db, WRONG_RECEIPTS_PER_ADDRESS, &address).await?;
    let found = match super::receipt::read(typed) {
        Some(code) => {
            report::Entity::find()
                .select_only()
                .column(report::Column::Id)
                .filter(report::Column::ReceiptCode.eq(code))
                .into_tuple::<i64>()
                .one(db)
                .await?
        }
        None => None,
    };
    let Some(id) = found else {
        return Err(AppError::invalid("code", "error.receipt_unknown"));
    };
    throttle::give_back(db, counted).await?;
    Ok(id)
}

/// Whether the receipt code `typed` is the one of `r`, a report filed for someone who has not
/// taken it into an account: its holder is taken to be that person. Never the organisation's
/// staff nor the helper who filed it (they printed the receipt: their word is not the
/// person's). A code that is not this report's is counted against the network address, as every
/// wrong receipt lookup is ([`by_receipt`]); it is an error only once the address has used up
/// its tries.
pub async fn held_by_person_helped(
    db: &impl ConnectionTrait,
    requester: &Requester,
    r: &report::Model,
    typed: &str,
) -> Result<bool, AppError> {
    use crate::auth::throttle;
    let on_its_side = requester
        .viewer
        .as_ref()
        .is_some_and(|v| v.is_staff_of(r.organisation_id) || r.assisted_by_id == Some(v.id));
    if on_its_side {
        return Ok(false);
    }
    let right = super::receipt::read(typed)
        .is_some_and(|code| r.receipt_code.as_deref() == Some(code.as_str()));
    if !right {
        let address = throttle::address_of(&requester.ip);
        throttle::hit(db, WRONG_RECEIPTS_PER_ADDRESS, &address).await?;
        return Ok(false);
    }
    Ok(r.filed_for_name.is_some() && r.author_id.is_none())
}
