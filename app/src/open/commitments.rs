//! Leaders' commitments as open data.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::model::{self as api, city_time};
use crate::error::AppError;

pub fn organisations(
    board: &crate::commitment::model::CommitmentBoard,
) -> Vec<api::OrganisationCommitments> {
    board
        .organisations
        .iter()
        .map(|o| api::OrganisationCommitments {
            organisation: o.slug.clone(),
            total: o.figures.total,
            kept: o.figures.finished,
            kept_on_time: o.figures.finished_on_time,
            late_now: o.figures.late_now,
            on_time_percent: o.figures.known_share(),
        })
        .collect()
}

/// Every commitment, with what it answers, and each organisation's figures.
pub async fn commitments(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<api::CommitmentList, AppError> {
    let board = crate::query::commitment::board(db, None, None, now).await?;
    let slugs: std::collections::HashMap<i64, String> = crate::org::service::list(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.slug))
        .collect();
    // What each one adds, read for all of them at once (not a page's worth of reads each).
    let mut parts = crate::query::commitment::open_parts(db).await?;
    let mut items = Vec::with_capacity(board.items.len());
    for s in &board.items {
        let Some(d) = parts.remove(&s.id) else {
            continue;
        };
        items.push(api::Commitment {
            id: s.id,
            organisation: slugs.get(&s.organisation.id).cloned().unwrap_or_default(),
            title: s.title.clone(),
            body: d.body,
            official_name: s.official_name.clone(),
            official_role: s.official_role.clone(),
            due_on: s.due_on,
            last_day: s.last_day,
            original_due_on: s.original_due_on,
            timing: s.timing.code().to_owned(),
            days_overdue: s.days_overdue,
            done_at: s.done_at.map(city_time),
            done_note: d.done_note,
            answers: d.answers,
            moves: d.moves,
            followers: s.followers,
            url: format!("/commitments/{}", s.id),
        });
    }
    Ok(api::CommitmentList {
        organisations: organisations(&board),
        items,
    })
}
