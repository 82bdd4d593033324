//! What a challenge's staff do to its judging, each a command: who asks is settled first (staff
//! of the organisation that runs the challenge), then the change and its record are written in
//! one transaction.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, TransactionSession, TransactionTrait};

use super::model::CriterionInput;
use super::rules::Scale;
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::challenge::entity::challenge;
use crate::error::AppError;

/// The challenge `challenge_id`, if the person asking is its staff.
async fn managed(
    db: &impl ConnectionTrait,
    requester: &Requester,
    challenge_id: i64,
) -> Result<challenge::Model, AppError> {
    crate::challenge::service::find_managed(db, challenge_id, requester.signed_in()?).await
}

/// How the panel judges, as staff set it.
pub struct Settings {
    pub scale: Scale,
    pub judges_per_entry: i32,
    pub blind: bool,
    pub show_judge_names: bool,
}

/// Sets the panel's scale, judges per entry, blindness and whether judges are named.
pub async fn configure(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    challenge_id: i64,
    settings: Settings,
) -> Result<(), AppError> {
    let c = managed(db, requester, challenge_id).await?;
    let Settings {
        scale,
        judges_per_entry,
        blind,
        show_judge_names,
    } = settings;
    let txn = crate::group_commit::begin_writing(db).await?;
    super::panel::save_settings(&txn, &c, scale, judges_per_entry, blind, show_judge_names).await?;
    Record::new("judging.settings", "challenge", Some(c.id))
        .by_requester(requester)
        .details(serde_json::json!({
            "scale": [scale.min, scale.max],
            "judges_per_entry": judges_per_entry,
            "blind": blind,
            "show_judge_names": show_judge_names,
        }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Sets the rubric: named criteria whose weights add up to 100.
pub async fn set_rubric(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    challenge_id: i64,
    criteria: Vec<CriterionInput>,
) -> Result<(), AppError> {
    let c = managed(db, requester, challenge_id).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let saved = super::panel::save_rubric(&txn, &c, criteria).await?;
    let named: Vec<String> = saved
        .iter()
        .map(|c| format!("{} ({} %)", c.name_vi, c.weight))
        .collect();
    Record::new("judging.rubric", "challenge", Some(c.id))
        .by_requester(requester)
        .details(serde_json::json!({ "criteria": named }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Assigns every entry its judges; returns how many assignments were added and the entries
/// still short of judges.
pub async fn assign_all(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    challenge_id: i64,
) -> Result<(usize, Vec<(String, usize)>), AppError> {
    let c = managed(db, requester, challenge_id).await?;
    let staff = requester.signed_in()?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let (added, short) = super::assignment::auto_assign(&txn, staff, &c).await?;
    Record::new("judging.assign", "challenge", Some(c.id))
        .by_requester(requester)
        .details(serde_json::json!({ "added": added, "short": short }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok((added, short))
}

/// Adds (`on`) or removes one judge on one entry by hand.
pub async fn assign_one(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    challenge_id: i64,
    entry_id: i64,
    judge_id: i64,
    on: bool,
) -> Result<(), AppError> {
    let c = managed(db, requester, challenge_id).await?;
    let staff = requester.signed_in()?;
    let txn = crate::group_commit::begin_writing(db).await?;
    super::assignment::set_assignment(&txn, staff, &c, entry_id, judge_id, on).await?;
    let action = if on {
        "judging.assign_one"
    } else {
        "judging.unassign_one"
    };
    Record::new(action, "challenge", Some(c.id))
        .by_requester(requester)
        .details(serde_json::json!({ "entry_id": entry_id, "judge_id": judge_id }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Closes judging, on the public record: scores are final.
pub async fn close(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    challenge_id: i64,
) -> Result<(), AppError> {
    let c = managed(db, requester, challenge_id).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    super::panel::close(&txn, requester.signed_in()?, &c).await?;
    Record::new("judging.close", "challenge", Some(c.id))
        .by_requester(requester)
        .public()
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Prize `i` goes to `winners[i]` (ids of 0 or less are empty places); a departure from the
/// ranking needs `reason`, and is public with it.
pub async fn award(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    challenge_id: i64,
    winners: Vec<i64>,
    reason: &str,
) -> Result<(), AppError> {
    let c = managed(db, requester, challenge_id).await?;
    let winners: Vec<i64> = winners.into_iter().filter(|w| *w > 0).collect();
    let txn = crate::group_commit::begin_writing(db).await?;
    let departs =
        super::results::decide_awards(&txn, requester.signed_in()?, &c, &winners, reason).await?;
    let mut record = Record::new("judging.awards", "challenge", Some(c.id))
        .by_requester(requester)
        .details(serde_json::json!({ "winners": winners }));
    if departs {
        record = record.reason(reason.trim()).public();
    }
    record.save(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Publishes the results now, or at `at` (the city's time, as a form writes it) when staff
/// choose a later moment, on the public record. Returns when they are out.
pub async fn publish(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    challenge_id: i64,
    at: Option<&str>,
) -> Result<DateTime<Utc>, AppError> {
    let c = managed(db, requester, challenge_id).await?;
    let now = Utc::now();
    let at = match at.map(str::trim).filter(|s| !s.is_empty()) {
        None => now,
        Some(text) => match crate::i18n::format::parse_city_datetime(text) {
            None => return Err(AppError::invalid("at", "error.date_invalid")),
            Some(at) if at < now - Duration::minutes(1) => {
                return Err(AppError::invalid("at", "error.date_in_past"));
            }
            Some(at) => at,
        },
    };
    let txn = crate::group_commit::begin_writing(db).await?;
    // Read again inside: another publish may have gone meanwhile.
    let c = {
        use sea_orm::EntityTrait;
        challenge::Entity::find_by_id(c.id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let c = super::results::publish(&txn, &c, at).await?;
    let out = at.max(now);
    Record::new("judging.publish", "challenge", Some(c.id))
        .by_requester(requester)
        .details(serde_json::json!({ "at": crate::i18n::format_datetime(out) }))
        .public()
        .save(&txn)
        .await?;
    // Results out now are announced with them (later ones by the scheduled pass), once: the
    // announcement is claimed by a conditional update, so two publishes at once tell teams once.
    if out <= now {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let claimed = challenge::Entity::update_many()
            .col_expr(
                challenge::Column::ResultsNotifiedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(challenge::Column::Id.eq(c.id))
            .filter(challenge::Column::ResultsNotifiedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            super::results::tell_teams(&txn, links, &c).await?;
        }
    }
    txn.commit().await?;
    Ok(out)
}
