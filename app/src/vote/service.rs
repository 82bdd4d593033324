//! The public vote on the database: settings, casting, changing and withdrawing votes, the box on
//! the entries page, and the ballots once the vote is closed.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entity::{settings, vote};
use super::model::{Ballot, Ballots, VoteBox, VoteSettings};
use super::rules::{self, Cast};
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
        voter_key: Set(crate::auth::token::random_token(32)),
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
        locked: any_vote(db, c.id).await?,
    })
}

/// Staff set the allowance (locked once votes exist) and whether totals show during the vote.
pub async fn save_settings(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    allowance: i32,
    live_totals: bool,
) -> Result<(), AppError> {
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
    if s.allowance != allowance && any_vote(db, c.id).await? {
        return Err(AppError::conflict("error.vote_settings_locked"));
    }
    let mut active = s.into_active_model();
    active.allowance = Set(allowance);
    active.live_totals = Set(live_totals);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// Whether the vote of `c` is open at `now`; refused with when it opens or closed otherwise.
pub(super) fn check_open(c: &challenge::Model, now: DateTime<Utc>) -> Result<(), AppError> {
    let (Some(opens), Some(closes)) = (c.vote_opens_at, c.vote_closes_at) else {
        return Err(AppError::conflict("error.vote_not_enabled"));
    };
    if c.status != crate::challenge::rules::Status::Published.code() || !c.vote_enabled {
        return Err(AppError::conflict("error.vote_not_enabled"));
    }
    let at = |key: &str, when: DateTime<Utc>| AppError::Conflict {
        key: key.into(),
        params: vec![("at".into(), crate::i18n::format_datetime(when))],
    };
    if now < opens {
        return Err(at("error.vote_not_open", opens));
    }
    if now >= closes {
        return Err(at("error.vote_closed", closes));
    }
    Ok(())
}

/// The entry voted for and its challenge, if it may receive votes now.
async fn votable(
    db: &impl ConnectionTrait,
    entry_id: i64,
) -> Result<(entry::Model, challenge::Model), AppError> {
    let e = entry::Entity::find_by_id(entry_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = crate::challenge::service::find(db, e.challenge_id).await?;
    check_votable(&e, &c, Utc::now())?;
    Ok((e, c))
}

/// Whether the entry `e` of `c` may receive votes at `now`.
pub(super) fn check_votable(
    e: &entry::Model,
    c: &challenge::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    check_open(c, now)?;
    if EntryStatus::from_code(&e.status) != EntryStatus::Submitted {
        return Err(AppError::conflict("error.vote_entry_ineligible"));
    }
    Ok(())
}

/// Refused: every vote of the allowance is used.
pub(super) fn allowance_used(allowance: i32) -> AppError {
    AppError::Conflict {
        key: "error.vote_allowance".into(),
        params: vec![("max".into(), allowance.to_string())],
    }
}

/// Refused: too many attempts from the account or its network lately.
pub(super) fn too_many_attempts() -> AppError {
    AppError::RateLimited {
        retry_after_secs: chrono::Duration::minutes(rules::RATE_WINDOW_MINUTES).num_seconds(),
    }
}

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

/// Casts a vote for an entry (with one vote each, it moves the voter's vote there). The unique
/// indexes decide between simultaneous requests: whatever arrives at once, one person ends with at
/// most their allowance, and never two votes for one entry.
pub async fn cast(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    entry_id: i64,
    network: &str,
) -> Result<challenge::Model, AppError> {
    let ballot = ballot_for(db, entry_id).await?;
    cast_ballot(db, viewer, &ballot, network).await
}

/// What a vote for an entry needs to know before it is written: the entry, open to votes now,
/// its challenge and the vote's settings. Read outside the writing transaction, so a rush of
/// votes keeps the shared writer busy only with what must be written together.
#[derive(Clone, Debug)]
pub struct BallotFor {
    pub entry: entry::Model,
    pub challenge: challenge::Model,
    pub settings: settings::Model,
}

pub async fn ballot_for(db: &impl ConnectionTrait, entry_id: i64) -> Result<BallotFor, AppError> {
    let (entry, challenge) = votable(db, entry_id).await?;
    let settings = settings_of(db, challenge.id).await?;
    Ok(BallotFor {
        entry,
        challenge,
        settings,
    })
}

/// What a vote changed, as the audit log keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteAct {
    Cast { entry: i64 },
    Change { from: i64, to: i64 },
    Withdraw { entry: i64 },
}

/// The trace a change of a citizen's vote leaves, written in the same transaction as the change.
/// It is never public (it says who voted for what) and names the voter by account number only,
/// so deleting the account leaves nothing of them in it.
pub fn trace(
    voter: i64,
    challenge: i64,
    act: VoteAct,
    at: chrono::DateTime<Utc>,
) -> crate::audit::entity::ActiveModel {
    let (action, entry, details) = match act {
        VoteAct::Cast { entry } => (
            "vote.cast",
            entry,
            serde_json::json!({ "challenge": challenge }),
        ),
        VoteAct::Change { from, to } => (
            "vote.change",
            to,
            serde_json::json!({ "challenge": challenge, "from_entry": from }),
        ),
        VoteAct::Withdraw { entry } => (
            "vote.withdraw",
            entry,
            serde_json::json!({ "challenge": challenge }),
        ),
    };
    crate::audit::entity::ActiveModel {
        actor_id: Set(Some(voter)),
        actor_name: Set(format!("#{voter}")),
        actor_role: Set("citizen".into()),
        action: Set(action.into()),
        target_kind: Set("entry".into()),
        target_id: Set(Some(entry)),
        reason: Set(None),
        details: Set(details.to_string()),
        is_public: Set(false),
        ip: Set(None),
        created_at: Set(at),
        ..Default::default()
    }
}

/// Casts a vote whose entry and settings were read beforehand (see [`ballot_for`]).
pub async fn cast_ballot(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ballot: &BallotFor,
    network: &str,
) -> Result<challenge::Model, AppError> {
    let (e, c, s) = (&ballot.entry, ballot.challenge.clone(), &ballot.settings);
    let mine = current(db, c.id, viewer.id).await?;
    let slots: Vec<(i32, i64)> = mine.iter().map(|v| (v.slot, v.entry_id)).collect();
    match rules::cast(&slots, e.id, s.allowance) {
        Cast::Same => Ok(c),
        Cast::Full => Err(allowance_used(s.allowance)),
        Cast::Move { from } => {
            let moved = vote::Entity::update_many()
                .set(vote::ActiveModel {
                    entry_id: Set(e.id),
                    network: Set(network.to_owned()),
                    created_at: Set(Utc::now()),
                    ..Default::default()
                })
                .filter(vote::Column::ChallengeId.eq(c.id))
                .filter(vote::Column::UserId.eq(viewer.id))
                .filter(vote::Column::EntryId.eq(from))
                .filter(vote::Column::VoidedAt.is_null())
                .exec(db)
                .await;
            match moved {
                Ok(r) if r.rows_affected == 1 => {
                    let act = VoteAct::Change { from, to: e.id };
                    trace(viewer.id, c.id, act, Utc::now()).insert(db).await?;
                    super::totals::bump(db, c.id).await?;
                    Ok(c)
                }
                Ok(_) => Err(AppError::conflict("error.vote_changed_meanwhile")),
                Err(err) if crate::error::is_unique_violation(&err) => Ok(c),
                Err(err) => Err(err.into()),
            }
        }
        Cast::New { slot } => {
            let inserted = vote::ActiveModel {
                challenge_id: Set(c.id),
                entry_id: Set(e.id),
                user_id: Set(viewer.id),
                slot: Set(slot),
                network: Set(network.to_owned()),
                created_at: Set(Utc::now()),
                voided_at: Set(None),
                void_reason: Set(None),
                voided_by: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await;
            match inserted {
                Ok(_) => {
                    let act = VoteAct::Cast { entry: e.id };
                    trace(viewer.id, c.id, act, Utc::now()).insert(db).await?;
                    super::totals::bump(db, c.id).await?;
                    Ok(c)
                }
                // Another request of the same person took this slot or this entry first.
                Err(err) if crate::error::is_unique_violation(&err) => Ok(c),
                Err(err) => Err(err.into()),
            }
        }
    }
}

/// Withdraws the viewer's vote for an entry, while the vote is open. A voided vote stays.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    entry_id: i64,
) -> Result<challenge::Model, AppError> {
    let e = entry::Entity::find_by_id(entry_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = crate::challenge::service::find(db, e.challenge_id).await?;
    check_open(&c, Utc::now())?;
    let gone = vote::Entity::delete_many()
        .filter(vote::Column::ChallengeId.eq(c.id))
        .filter(vote::Column::UserId.eq(viewer.id))
        .filter(vote::Column::EntryId.eq(e.id))
        .filter(vote::Column::VoidedAt.is_null())
        .exec(db)
        .await?;
    if gone.rows_affected > 0 {
        let act = VoteAct::Withdraw { entry: e.id };
        trace(viewer.id, c.id, act, Utc::now()).insert(db).await?;
        super::totals::bump(db, c.id).await?;
    }
    Ok(c)
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

/// The vote as the entries page shows it, if the challenge has one.
pub async fn vote_box(
    db: &impl ConnectionTrait,
    kept: &TotalsCache,
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
        let (t, n) = tallied(&*kept.get(db, c.id).await?, entries);
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
        totals,
        voters,
    }))
}

/// Ballot downloads one network address may ask for in an hour: a recount needs one.
pub const BALLOTS_PER_ADDRESS: crate::auth::throttle::Limit =
    crate::auth::throttle::Limit::new("ballots_address", 10, chrono::Duration::hours(1));

/// Ballots listed at once on an instance: a city-wide vote's are hundreds of thousands of rows,
/// and a burst of downloads waits its turn instead of taking every connection.
static BALLOTS_AT_ONCE: std::sync::LazyLock<tokio::sync::Semaphore> =
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

/// [`current_totals`] from this instance's kept count when it is current, for the live
/// followers, who ask after every change: never a count from before that change.
pub async fn kept_totals(
    db: &impl ConnectionTrait,
    kept: &TotalsCache,
    c: &challenge::Model,
) -> Result<(Vec<(i64, u64)>, u64), AppError> {
    let entries = submitted(db, c).await?;
    Ok(tallied(&*kept.current(db, c.id).await?, &entries))
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

/// Limits how fast one account and one network cast or withdraw votes; the attempts are in the
/// database, so the limit holds across server instances.
/// An account's and a network's attempts since a moment (`?1` the account, `?2` the network,
/// `?3` the moment; see [`crate::sql::numbered`]).
const THROTTLE_COUNTS: &str = "SELECT \
    (SELECT COUNT(*) FROM vote_attempts WHERE user_id = ?1 AND \"at\" >= ?3) AS by_account, \
    (SELECT COUNT(*) FROM vote_attempts WHERE network = ?2 AND \"at\" >= ?3) AS by_network";

pub async fn throttle(
    db: &impl ConnectionTrait,
    user_id: i64,
    network: &str,
) -> Result<(), AppError> {
    use super::entity::attempt;
    let now = Utc::now();
    let window = chrono::Duration::minutes(rules::RATE_WINDOW_MINUTES);
    // Both counts in one statement: in a vote rush every statement is a turn of the one writer.
    let row = db
        .query_one_raw(crate::sql::numbered(
            db.get_database_backend(),
            THROTTLE_COUNTS,
            [user_id.into(), network.into(), (now - window).into()],
        ))
        .await?
        .ok_or_else(|| crate::error::internal("the attempt counts returned no row"))?;
    let by_account: i64 = row.try_get("", "by_account")?;
    let by_network: i64 = row.try_get("", "by_network")?;
    if rules::throttled(by_account as u64, by_network as u64) {
        return Err(too_many_attempts());
    }
    attempt::ActiveModel {
        user_id: Set(user_id),
        network: Set(network.to_owned()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The votes of a challenge that deserve a look (see [`rules::signals`]), and those voided.
pub async fn review(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
) -> Result<super::model::VoteReview, AppError> {
    use crate::account::entity::user;
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
