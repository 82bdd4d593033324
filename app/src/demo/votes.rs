//! Demo votes: the hotline challenge's vote under way, with running totals shown, and the closed
//! vote of the booking challenge with its ballots.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::teams::{challenge_by_slug, viewer};
use crate::entry::entity::entry;
use crate::error::AppError;
use crate::vote::entity::vote;

async fn entries_of(db: &impl ConnectionTrait, challenge_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(entry::Entity::find()
        .filter(entry::Column::ChallengeId.eq(challenge_id))
        .filter(entry::Column::Status.eq("submitted"))
        .order_by_asc(entry::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect())
}

pub async fn seed(db: &impl ConnectionTrait) -> Result<(), AppError> {
    // Under way: totals shown as people vote.
    let hotline = challenge_by_slug(
        db,
        "tiep-nhan-phan-anh-qua-dien-thoai-cho-nguoi-khong-dung-mang",
    )
    .await?;
    crate::vote::service::save_settings(
        db,
        &hotline,
        crate::vote::service::Choice {
            allowance: 1,
            live_totals: true,
            requires_phone: false,
        },
    )
    .await?;
    let entries = entries_of(db, hotline.id).await?;
    for (i, email) in ["dan@vidan.local", "doi@vidan.local", "mai@vidan.local"]
        .iter()
        .enumerate()
    {
        let v = viewer(db, email).await?;
        let choice = entries[usize::from(i == 2) % entries.len()];
        let ask = crate::vote::ballot_box::Ask {
            viewer: v,
            entry: choice,
            network: "203.113.5.0/24".into(),
            act: crate::vote::decision::Act::Cast,
        };
        crate::vote::ballot_box::vote_now(db, &ask).await?;
    }

    // Closed: every ballot is published.
    let booking = challenge_by_slug(db, "dat-lich-hen-truoc-khi-den-lam-thu-tuc").await?;
    crate::vote::service::save_settings(
        db,
        &booking,
        crate::vote::service::Choice {
            allowance: 1,
            live_totals: false,
            requires_phone: false,
        },
    )
    .await?;
    let entries = entries_of(db, booking.id).await?;
    let opened = booking.vote_opens_at.unwrap_or_else(Utc::now);
    let choices = [0usize, 1, 1, 0, 0, 1, 1];
    let voters = [
        "dan@vidan.local",
        "doi@vidan.local",
        "tuan@vidan.local",
        "hung@vidan.local",
        "lan@vidan.local",
        "vy@vidan.local",
        "mai@vidan.local",
    ];
    for (i, email) in voters.iter().enumerate() {
        let v = viewer(db, email).await?;
        vote::ActiveModel {
            challenge_id: Set(booking.id),
            entry_id: Set(entries[choices[i] % entries.len()]),
            user_id: Set(v.id),
            slot: Set(1),
            network: Set(format!("14.161.{}.0/24", 20 + i)),
            created_at: Set(opened + Duration::hours(3 + 7 * i as i64)),
            voided_at: Set(None),
            void_reason: Set(None),
            voided_by: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
