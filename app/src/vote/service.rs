//! The public vote on the database: its settings, the box on the entries page, the totals, the
//! ballots once the vote is closed, and the review of suspicious votes. Votes are taken by the
//! ballot box.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

use super::decision::check_open;
use super::entity::{settings, vote};
use super::model::{Ballot, Ballots, VoteBox, VoteSettings};
use super::rules::{self};
use super::totals::{Counted, TotalsCache};
use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::entry::entity::entry;
use crate::entry::model::EntryStatus;
use crate::error::AppError;

/// The vote settings of a challenge, made with one vote each and hidden totals the first time.
pub(crate) async fn settings_of(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<settings::Model, AppError> {
    if let Some(s) = settings::Entity::find_by_id(challenge_id).one(db).await? {
        return Ok(s);
    }
    let made = settings::ActiveModel {
        challenge_id: Set(challenge_id),
        allowance: Set(1),
        live_totals: Set(false),
        requires_phone: Set(false),
        voter_key: Set(crate::token::random_token(32)),
        updated_at: Set(Utc::now()),
    }
    .insert(db)
    .await;
    match made {
        Ok(s) => Ok(s),
        Err(_) => settings::Entity::find_by_id(challenge_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound),
    }
}

async fn any_vote(db: &impl ConnectionTrait, challenge_id: i64) -> Result<bool, AppError> {
    Ok(vote::Entity::find()
        .filter(vote::Column::ChallengeId.eq(challenge_id))
        .count(db)
        .await?
        > 0)
}

pub async fn settings_view(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
) -> Result<VoteSettings, AppError> {
    let s = settings_of(db, c.id).await?;
    Ok(VoteSettings {
        challenge_id: c.id,
        enabled: c.vote_enabled,
        allowance: s.allowance,
        live_totals: s.live_totals,
        requires_phone: s.requires_phone,
        locked: any_vote(db, c.id).await?,
    })
}

/// How staff set a vote.
#[derive(Clone, Copy, Debug)]
pub struct Choice {
    /// Votes each voter has.
    pub allowance: i32,
    /// Totals show while the vote runs.
    pub live_totals: bool,
    /// Only accounts with a proved phone number vote.
    pub requires_phone: bool,
}

/// Staff set the allowance and whether a proved phone is needed (both locked once votes exist:
/// the rules of a vote do not change while people vote), and whether totals show during it.
pub async fn save_settings(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    choice: Choice,
) -> Result<(), AppError> {
    let Choice {
        allowance,
        live_totals,
        requires_phone,
    } = choice;
    if !c.vote_enabled {
        return Err(AppError::conflict("error.vote_not_enabled"));
    }
    if !rules::check_allowance(allowance) {
        return Err(AppError::Invalid(vec![
            crate::error::FieldError::new("allowance", "error.vote_allowance_range")
                .with("max", rules::MAX_ALLOWANCE),
        ]));
    }
    let s = settings_of(db, c.id).await?;
    if (s.allowance != allowance || s.requires_phone != requires_phone)
        && any_vote(db, c.id).await?
    {
        return Err(AppError::conflict("error.vote_settings_locked"));
    }
    let mut active = s.into_active_model();
    active.allowance = Set(allowance);
    active.live_totals = Set(live_totals);
    active.requires_phone = Set(requires_phone);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// Staff of the challenge set its vote's allowance and whether totals show while it runs, on
/// the public record (the settings and the record in one transaction).
pub async fn configure(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &crate::auth::Requester,
    challenge_id: i64,
    choice: Choice,
) -> Result<(), AppError> {
    let staff = requester.signed_in()?;
    let c = crate::challenge::service::find_managed(db, challenge_id, staff).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    save_settings(&txn, &c, choice).await?;
    crate::audit::service::Record::new("vote.settings", "challenge", Some(c.id))
        .by_requester(requester)
        .details(serde_json::json!({
            "allowance": choice.allowance,
            "live_totals": choice.live_totals,
            "requires_phone": choice.requires_phone,
        }))
        .public()
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Staff of the challenge void votes for a public reason: the votes, the totals' revision and
/// the public record in one transaction. Returns the challenge, whose followers the caller
/// wakes once this has committed.
pub async fn void_for_reason(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &crate::auth::Requester,
    challenge_id: i64,
    ids: &[i64],
    reason: &str,
) -> Result<i64, AppError> {
    let staff = requester.signed_in()?;
    let c = crate::challenge::service::find_managed(db, challenge_id, staff).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let n = void(&txn, staff, &c, ids, reason).await?;
    crate::audit::service::Record::new("vote.void", "challenge", Some(c.id))
        .by_requester(requester)
        .reason(reason.trim())
        .details(serde_json::json!({ "votes": n, "ids": ids }))
        .public()
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(c.id)
}

/// The votes `user_id` holds in a challenge, by slot.
async fn current(
    db: &impl ConnectionTrait,
    challenge_id: i64,
    user_id: i64,
) -> Result<Vec<vote::Model>, AppError> {
    Ok(vote::Entity::find()
        .filter(vote::Column::ChallengeId.eq(challenge_id))
        .filter(vote::Column::UserId.eq(user_id))
        .order_by_asc(vote::Column::Slot)
        .all(db)
        .await?)
}

/// Counted votes per entry and the number of people who voted, counted by the database now (a
/// city-wide vote has hundreds of thousands of ballots).
pub async fn totals(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    entries: &[i64],
) -> Result<(Vec<(i64, u64)>, u64), AppError> {
    Ok(tallied(&super::totals::count(db, c.id).await?, entries))
}

fn tallied(counted: &Counted, entries: &[i64]) -> (Vec<(i64, u64)>, u64) {
    (rules::tally(&counted.per_entry, entries), counted.voters)
}

/// The vote as the entries page shows it, if the challenge has one; `shared`: the page is
/// rendered once for many people, whose totals may be a moment old (see `super::totals`).
pub async fn vote_box(
    db: &impl ConnectionTrait,
    (kept, shared): (&TotalsCache, bool),
    c: &challenge::Model,
    viewer: Option<&Viewer>,
    entries: &[i64],
    now: DateTime<Utc>,
) -> Result<Option<VoteBox>, AppError> {
    let (Some(opens_at), Some(closes_at)) = (c.vote_opens_at, c.vote_closes_at) else {
        return Ok(None);
    };
    if !c.vote_enabled {
        return Ok(None);
    }
    let s = settings_of(db, c.id).await?;
    let mine = match viewer {
        Some(v) => current(db, c.id, v.id)
            .await?
            .into_iter()
            .filter(|x| x.voided_at.is_none())
            .map(|x| x.entry_id)
            .collect(),
        None => Vec::new(),
    };
    let show = s.live_totals || now >= closes_at;
    let (totals, voters) = if show {
        let counted = match shared {
            true => kept.shared(db, c.id).await?,
            false => kept.get(db, c.id).await?,
        };
        let (t, n) = tallied(&counted, entries);
        (Some(t), Some(n))
    } else {
        (None, None)
    };
    Ok(Some(VoteBox {
        open: check_open(c, now).is_ok(),
        opens_at,
        closes_at,
        allowance: s.allowance,
        mine,
        signed_in: viewer.is_some(),
        verified: viewer.is_some_and(|v| v.verified),
        requires_phone: s.requires_phone,
        phone_proved: viewer.is_some_and(|v| v.phone_verified),
        totals,
        voters,
    }))
}

/// Ballot downloads one network address may ask for in an hour: a recount needs one.
pub const BALLOTS_PER_ADDRESS: crate::auth::throttle::Limit =
    crate::auth::throttle::Limit::new("ballots_address", 10, chrono::Duration::hours(1));

/// Ballots listed at once on an instance: a city-wide vote's are hundreds of thousands of rows,
/// and a burst of downloads waits its turn instead of taking every connection.
pub static BALLOTS_AT_ONCE: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(2));

/// [`ballots`] for a caller at `ip`, within [`BALLOTS_PER_ADDRESS`] and two at a time per
/// instance.
pub async fn ballots_for(
    db: &impl ConnectionTrait,
    slug: &str,
    ip: &str,
) -> Result<Ballots, AppError> {
    use crate::auth::throttle;
    throttle::hit(db, BALLOTS_PER_ADDRESS, &throttle::address_of(ip)).await?;
    let _turn = BALLOTS_AT_ONCE
        .acquire()
        .await
        .map_err(crate::error::internal)?;
    ballots(db, slug).await
}

/// The ballots of a closed vote: one row per vote, an anonymous voter id each, voided ones with
/// their reason; and the tally from them. Nothing before the close.
pub async fn ballots(db: &impl ConnectionTrait, slug: &str) -> Result<Ballots, AppError> {
    let c = crate::challenge::service::public_by_slug(db, slug).await?;
    let Some(closed_at) = c.vote_closes_at.filter(|_| c.vote_enabled) else {
        return Err(AppError::NotFound);
    };
    if Utc::now() < closed_at {
        return Err(AppError::Conflict {
            key: "error.ballots_after_close".into(),
            params: vec![("at".into(), crate::i18n::format_datetime(closed_at))],
        });
    }
    let s = settings_of(db, c.id).await?;
    let votes = vote::Entity::find()
        .filter(vote::Column::ChallengeId.eq(c.id))
        .order_by_asc(vote::Column::CreatedAt)
        .order_by_asc(vote::Column::Id)
        .all(db)
        .await?;
    let entries = entry::Entity::find()
        .filter(entry::Column::ChallengeId.eq(c.id))
        .filter(entry::Column::Status.eq(EntryStatus::Submitted.code()))
        .order_by_asc(entry::Column::Id)
        .all(db)
        .await?;
    let title = |id: i64| {
        entries
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.title.clone())
            .unwrap_or_default()
    };
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let (tally, voters) = totals(db, &c, &ids).await?;
    Ok(Ballots {
        challenge_title: c.title.clone(),
        closed_at,
        ballots: votes
            .iter()
            .map(|v| Ballot {
                voter: rules::voter_id(&s.voter_key, c.id, v.user_id),
                entry_id: v.entry_id,
                entry_title: title(v.entry_id),
                at: v.created_at,
                voided: v
                    .voided_at
                    .map(|_| v.void_reason.clone().unwrap_or_default()),
            })
            .collect(),
        tally: tally
            .into_iter()
            .map(|(id, n)| (id, title(id), n))
            .collect(),
        voters,
    })
}

/// The challenge whose running totals may be followed live, by slug: one with a vote whose staff
/// show totals during it, or whose vote has closed.
pub async fn followable(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<challenge::Model, AppError> {
    let c = challenge::Entity::find()
        .filter(challenge::Column::Slug.eq(slug))
        .filter(challenge::Column::Status.eq(crate::challenge::rules::Status::Published.code()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let closed = c.vote_closes_at.is_some_and(|at| Utc::now() >= at);
    if !c.vote_enabled || !(settings_of(db, c.id).await?.live_totals || closed) {
        return Err(AppError::NotFound);
    }
    Ok(c)
}

/// The current totals of a challenge's submitted entries: (entry, votes), and the voters.
pub async fn current_totals(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
) -> Result<(Vec<(i64, u64)>, u64), AppError> {
    totals(db, c, &submitted(db, c).await?).await
}

/// [`current_totals`] from this instance's kept count, for a live follower woken at `woken` by
/// a change: never a count begun before that change.
pub async fn kept_totals(
    db: &impl ConnectionTrait,
    kept: &TotalsCache,
    c: &challenge::Model,
    woken: std::time::Instant,
) -> Result<(Vec<(i64, u64)>, u64), AppError> {
    let entries = submitted(db, c).await?;
    Ok(tallied(&*kept.since(db, c.id, woken).await?, &entries))
}

async fn submitted(db: &impl ConnectionTrait, c: &challenge::Model) -> Result<Vec<i64>, AppError> {
    Ok(entry::Entity::find()
        .select_only()
        .column(entry::Column::Id)
        .filter(entry::Column::ChallengeId.eq(c.id))
        .filter(entry::Column::Status.eq(EntryStatus::Submitted.code()))
        .into_tuple()
        .all(db)
        .await?)
}

/// The votes of a challenge that deserve a look (see [`rules::signals`]), and those voided.
pub async fn review(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
) -> Result<super::model::VoteReview, AppError> {
    use crate::auth::entity::user;
    let s = settings_of(db, c.id).await?;
    let votes = vote::Entity::find()
        .filter(vote::Column::ChallengeId.eq(c.id))
        .order_by_desc(vote::Column::CreatedAt)
        .all(db)
        .await?;
    let users: Vec<user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(votes.iter().map(|v| v.user_id).collect::<Vec<_>>()))
        .all(db)
        .await?;
    let created = |id: i64| {
        users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.created_at)
            .unwrap_or_else(Utc::now)
    };
    let facts: Vec<rules::VoteFact> = votes
        .iter()
        .map(|v| rules::VoteFact {
            entry: v.entry_id,
            network: v.network.clone(),
            at: v.created_at,
            account_created: created(v.user_id),
        })
        .collect();
    let opened = c.vote_opens_at.unwrap_or_else(Utc::now);
    let found = rules::signals(&facts, opened);
    let entries = entry::Entity::find()
        .filter(entry::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let flagged = votes
        .iter()
        .zip(found)
        .filter(|(v, sig)| !sig.is_empty() || v.voided_at.is_some())
        .map(|(v, sig)| super::model::ReviewVote {
            id: v.id,
            voter: rules::voter_id(&s.voter_key, c.id, v.user_id),
            entry_title: entries
                .iter()
                .find(|e| e.id == v.entry_id)
                .map(|e| e.title.clone())
                .unwrap_or_default(),
            network: v.network.clone(),
            at: v.created_at,
            account_created: created(v.user_id),
            signals: sig,
            voided: v
                .voided_at
                .map(|_| v.void_reason.clone().unwrap_or_default()),
        })
        .collect();
    Ok(super::model::VoteReview {
        challenge_id: c.id,
        challenge_title: c.title.clone(),
        total: votes.len() as u64,
        flagged,
    })
}

/// Voids votes of this challenge, with a reason everyone sees in the ballots; never silently.
/// Returns how many were voided.
pub async fn void(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    c: &challenge::Model,
    ids: &[i64],
    reason: &str,
) -> Result<u64, AppError> {
    crate::challenge::service::check_reason(reason)?;
    if ids.is_empty() {
        return Err(AppError::invalid("vote_ids", "error.choose_votes"));
    }
    let done = vote::Entity::update_many()
        .set(vote::ActiveModel {
            voided_at: Set(Some(Utc::now())),
            void_reason: Set(Some(reason.trim().to_owned())),
            voided_by: Set(Some(staff.id)),
            ..Default::default()
        })
        .filter(vote::Column::ChallengeId.eq(c.id))
        .filter(vote::Column::Id.is_in(ids.to_vec()))
        .filter(vote::Column::VoidedAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected > 0 {
        super::totals::bump(db, c.id).await?;
    }
    Ok(done.rows_affected)
}
