//! Writing text messages to the outbox within each number's daily cap, claiming them for the
//! gateway safely across several instances, and the one-time codes that prove a number.

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::entity::{outbox, phone_code};
use super::model::SmsMessage;
use super::rules::{MAX_SMS_ATTEMPTS, display_phone};
use crate::auth::throttle::{self, Limit};
use crate::error::AppError;
use crate::mail::model::retry_delay_secs;
use crate::token;

/// Messages one number may be sent in a day, whoever asks: nobody can make the site pester a
/// phone (or spend the city's credit on one).
pub const PER_NUMBER_PER_DAY: Limit = Limit::new("sms_number", 8, Duration::days(1));
/// Code messages one number may be sent in a day: codes have a budget of their own, so that
/// nobody who asks for codes to someone else's number can use up the day of messages that
/// number follows. A refused request is not counted.
pub const CODE_TEXTS_PER_NUMBER: Limit = Limit::new("sms_code_number", 3, Duration::days(1));
/// Code messages one network address may ask for in an hour, whatever the numbers.
pub const CODES_PER_NETWORK: Limit = Limit::new("sms_code_ip", 20, Duration::hours(1));
/// Tries of one code, the right one included.
pub const CODE_MAX_ATTEMPTS: i32 = 5;
/// Tries of any code for one number a day, across new codes.
pub const GUESSES_PER_NUMBER: Limit = Limit::new("sms_code_guess", 10, Duration::days(1));
/// Wrong codes from one network address an hour, across numbers.
pub const GUESSES_PER_ADDRESS: Limit = Limit::new("sms_code_guess_ip", 30, Duration::hours(1));
pub const CODE_MINUTES: i64 = 15;

/// Texts about an account (its codes, its notices) one number may be sent in a day, whoever
/// asks: a budget of their own, so that strangers who ask for codes to a number cannot use up
/// the day of updates that number follows.
pub const ACCOUNT_TEXTS_PER_NUMBER: Limit = Limit::new("sms_account_number", 6, Duration::days(1));

/// Queues a text about an account to `phone` unless the number has had its day's account texts
/// ([`ACCOUNT_TEXTS_PER_NUMBER`]); says which.
pub async fn enqueue_for_account(
    db: &impl ConnectionTrait,
    phone: &str,
    kind: &str,
    body: &str,
) -> Result<bool, AppError> {
    enqueue_within(db, ACCOUNT_TEXTS_PER_NUMBER, phone, kind, body).await
}

/// Queues a message to `phone` (international form) unless the number has had its day's
/// messages; says which.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    phone: &str,
    kind: &str,
    body: &str,
) -> Result<bool, AppError> {
    enqueue_within(db, PER_NUMBER_PER_DAY, phone, kind, body).await
}

/// Queues a message to `phone` unless the number has used up `budget` today; says which.
async fn enqueue_within(
    db: &impl ConnectionTrait,
    budget: Limit,
    phone: &str,
    kind: &str,
    body: &str,
) -> Result<bool, AppError> {
    if throttle::hit(db, budget, phone).await.is_err() {
        tracing::warn!(
            kind,
            budget = budget.scope,
            "an SMS was not queued: the number had its day's share of these"
        );
        return Ok(false);
    }
    queue(db, phone, kind, body, None).await?;
    Ok(true)
}

/// Writes a message to the outbox; `expires_at`: when it is no longer worth sending (a code's).
async fn queue(
    db: &impl ConnectionTrait,
    phone: &str,
    kind: &str,
    body: &str,
    expires_at: Option<chrono::DateTime<Utc>>,
) -> Result<(), AppError> {
    let now = Utc::now();
    outbox::ActiveModel {
        to_phone: Set(phone.to_owned()),
        kind: Set(kind.to_owned()),
        body: Set(body.to_owned()),
        request_id: Set(token::random_token(16)),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        sent_at: Set(None),
        gave_up_at: Set(None),
        provider_id: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Takes up to `limit` due messages for this worker, codes among them up to `codes`, each
/// locked for five minutes (another instance does not send it too; a worker that dies lets it
/// go again). Codes first (they stop working in minutes), then the rest, oldest first.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    limit: u64,
    codes: u64,
) -> Result<Vec<outbox::Model>, AppError> {
    let now = Utc::now();
    // A code still queued when it stops working is given up, not sent (the day's cap or the
    // gateway held it back): it would only confuse its reader.
    outbox::Entity::update_many()
        .col_expr(outbox::Column::GaveUpAt, Expr::value(now))
        .col_expr(
            outbox::Column::LastError,
            Expr::value("the code expired before it could be sent"),
        )
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::GaveUpAt.is_null())
        .filter(outbox::Column::ExpiresAt.lte(now))
        .filter(
            Condition::any()
                .add(outbox::Column::LockedUntil.is_null())
                .add(outbox::Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    let due_now = || {
        outbox::Entity::find()
            .filter(outbox::Column::SentAt.is_null())
            .filter(outbox::Column::GaveUpAt.is_null())
            .filter(outbox::Column::NextAttemptAt.lte(now))
            .filter(
                Condition::any()
                    .add(outbox::Column::LockedUntil.is_null())
                    .add(outbox::Column::LockedUntil.lt(now)),
            )
            .order_by_asc(outbox::Column::Id)
    };
    // A code's text is the one kind that expires: codes go first, within their share (a long
    // queue of updates would keep them until they stop working), then everything else.
    let mut due = match Ord::min(codes, limit) {
        0 => Vec::new(),
        codes => {
            due_now()
                .filter(outbox::Column::ExpiresAt.is_not_null())
                .limit(codes)
                .all(db)
                .await?
        }
    };
    let rest = limit.saturating_sub(due.len() as u64);
    if rest > 0 {
        due.extend(
            due_now()
                .filter(outbox::Column::ExpiresAt.is_null())
                .limit(rest)
                .all(db)
                .await?,
        );
    }
    Ok(crate::sql::claim_outbox_rows(db, due, now).await?)
}

impl crate::sql::OutboxRow for outbox::Model {
    type Entity = outbox::Entity;
    fn id_column() -> outbox::Column {
        outbox::Column::Id
    }
    fn locked_until_column() -> outbox::Column {
        outbox::Column::LockedUntil
    }
    fn sent_at_column() -> outbox::Column {
        outbox::Column::SentAt
    }
    fn id(&self) -> i64 {
        self.id
    }
    fn locked_until(&mut self) -> &mut Option<chrono::DateTime<Utc>> {
        &mut self.locked_until
    }
}

/// Messages the gateway took since `since`, and codes among them: the site's daily cap counts
/// them.
pub async fn sent_since(
    db: &impl ConnectionTrait,
    since: chrono::DateTime<Utc>,
) -> Result<(u64, u64), AppError> {
    use sea_orm::PaginatorTrait;
    let sent = || outbox::Entity::find().filter(outbox::Column::SentAt.gte(since));
    Ok((
        sent().count(db).await?,
        sent()
            .filter(outbox::Column::ExpiresAt.is_not_null())
            .count(db)
            .await?,
    ))
}

pub async fn mark_sent(
    db: &impl ConnectionTrait,
    message: outbox::Model,
    provider_id: Option<String>,
) -> Result<(), AppError> {
    let attempts = message.attempts + 1;
    let mut active: outbox::ActiveModel = message.into();
    active.sent_at = Set(Some(Utc::now()));
    active.attempts = Set(attempts);
    active.locked_until = Set(None);
    active.last_error = Set(None);
    active.provider_id = Set(provider_id.map(|id| id.chars().take(80).collect()));
    active.update(db).await?;
    Ok(())
}

/// What became of a try that did not send the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failed {
    /// No answer came (or none that could be read): the next try keeps the request id, so the
    /// gateway recognises the message if it took it after all.
    Unanswered,
    /// The gateway answered no: the next try has a new request id.
    Refused,
    /// It can never be sent.
    ForGood,
}

/// A failed try: tried again later with the outbox's back-off, or given up (for good, or after
/// [`MAX_SMS_ATTEMPTS`]). A message given up stays, with why, for staff to read.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    message: outbox::Model,
    error: &str,
    failed: Failed,
) -> Result<(), AppError> {
    let attempts = message.attempts + 1;
    let now = Utc::now();
    let for_good = failed == Failed::ForGood;
    let mut active: outbox::ActiveModel = message.into();
    if failed == Failed::Refused {
        active.request_id = Set(token::random_token(16));
    }
    active.attempts = Set(attempts);
    active.locked_until = Set(None);
    active.last_error = Set(Some(error.chars().take(500).collect()));
    if for_good || attempts >= MAX_SMS_ATTEMPTS {
        active.gave_up_at = Set(Some(now));
    } else {
        active.next_attempt_at = Set(now + Duration::seconds(retry_delay_secs(attempts)));
    }
    active.update(db).await?;
    Ok(())
}

/// The sender's account cannot send now (its keys, its balance, its brand name): the message
/// waits ten minutes without a try counted against it, until staff have fixed the account, and
/// goes then under a new request id (the gateway refused this one).
pub async fn mark_waiting(
    db: &impl ConnectionTrait,
    message: outbox::Model,
    error: &str,
) -> Result<(), AppError> {
    let mut active: outbox::ActiveModel = message.into();
    active.request_id = Set(token::random_token(16));
    active.locked_until = Set(None);
    active.next_attempt_at = Set(Utc::now() + Duration::minutes(10));
    active.last_error = Set(Some(error.chars().take(500).collect()));
    active.update(db).await?;
    Ok(())
}

/// The newest messages, for the development SMS page.
pub async fn recent(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<SmsMessage>, AppError> {
    Ok(outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| SmsMessage {
            id: m.id,
            to_phone: display_phone(&m.to_phone),
            body: m.body,
            created_at: m.created_at,
            sent: m.sent_at.is_some(),
            gave_up: m.gave_up_at.is_some(),
        })
        .collect())
}

/// What a code proves a number's holder wants, and for what (a report's number, say).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Purpose<'a> {
    pub name: &'a str,
    pub subject_id: Option<i64>,
}

/// Sends `phone` a new code for `purpose` (an open one is replaced), in the words `body` makes
/// of it. Refused (and nothing sent) once the asker's network address has asked for its hour's
/// codes, or the number has had its day's codes.
pub async fn send_code(
    db: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    ip: &str,
    phone: &str,
    purpose: Purpose<'_>,
    body: impl FnOnce(&str, i64) -> String,
) -> Result<(), AppError> {
    use sea_orm::TransactionSession;
    throttle::hit(db, CODES_PER_NETWORK, &throttle::address_of(ip)).await?;
    let code = token::one_time_code();
    // The number's codes, the message and the code that replaces an open one, together: a
    // refused request leaves the code already sent working, and counts for nothing.
    let txn = crate::group_commit::begin_writing(db).await?;
    throttle::hit(&txn, CODE_TEXTS_PER_NUMBER, phone).await?;
    let now = Utc::now();
    let expires_at = now + Duration::minutes(CODE_MINUTES);
    queue(
        &txn,
        phone,
        purpose.name,
        &body(&code, CODE_MINUTES),
        Some(expires_at),
    )
    .await?;
    let open = phone_code::Entity::delete_many()
        .filter(phone_code::Column::Phone.eq(phone))
        .filter(phone_code::Column::Purpose.eq(purpose.name))
        .filter(phone_code::Column::UsedAt.is_null());
    for_subject(open, purpose.subject_id).exec(&txn).await?;
    phone_code::ActiveModel {
        phone: Set(phone.to_owned()),
        purpose: Set(purpose.name.to_owned()),
        subject_id: Set(purpose.subject_id),
        code_hash: Set(code_hash(phone, &code)),
        attempts: Set(0),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Narrows a query of codes to those for `subject_id` (none: codes for no subject).
fn for_subject<Q: QueryFilter>(query: Q, subject_id: Option<i64>) -> Q {
    match subject_id {
        Some(id) => query.filter(phone_code::Column::SubjectId.eq(id)),
        None => query.filter(phone_code::Column::SubjectId.is_null()),
    }
}

fn code_hash(phone: &str, code: &str) -> String {
    token::sha256_hex(&format!("{phone}:{code}"))
}

/// Checks a code sent to `phone` for any of `purposes` and marks it used; returns the purpose it
/// was sent for (one form takes the code whichever the holder asked for, and a code asked for
/// at the same moment for another purpose, by anyone, does not change what this one does).
/// Every try counts before any code is compared (against the asker's network address, and,
/// once an open code is found, the number's day and each open code), so tries sent at once
/// cannot outrun the limits; every wrong answer reads the same.
pub async fn consume_code<'p>(
    db: &impl ConnectionTrait,
    ip: &str,
    phone: &str,
    purposes: &[Purpose<'p>],
    code: &str,
) -> Result<Purpose<'p>, AppError> {
    let address = throttle::address_of(ip);
    let from_the_address = throttle::hit(db, GUESSES_PER_ADDRESS, &address).await?;
    let wrong = || AppError::invalid("code", "error.code_invalid");
    let now = Utc::now();
    let mut asked = Condition::any();
    for purpose in purposes {
        let this = Condition::all().add(phone_code::Column::Purpose.eq(purpose.name));
        asked = asked.add(match purpose.subject_id {
            Some(id) => this.add(phone_code::Column::SubjectId.eq(id)),
            None => this.add(phone_code::Column::SubjectId.is_null()),
        });
    }
    let open = phone_code::Entity::find()
        .filter(phone_code::Column::Phone.eq(phone))
        .filter(asked)
        .filter(phone_code::Column::UsedAt.is_null())
        .filter(phone_code::Column::ExpiresAt.gt(now))
        .order_by_desc(phone_code::Column::Id)
        .all(db)
        .await?;
    if open.is_empty() {
        return Err(wrong());
    }
    // The number's day counts tries at a code it was sent: guesses while none is open lock
    // nobody out.
    if let Err(refused) = throttle::hit(db, GUESSES_PER_NUMBER, phone).await {
        throttle::give_back(db, from_the_address).await?;
        return Err(refused);
    }
    let given: String = code.chars().filter(char::is_ascii_digit).collect();
    let given_hash = code_hash(phone, &given);
    let mut right = None;
    for candidate in open {
        // A try at each open code, whichever is right: each code has its own few.
        let taken = phone_code::Entity::update_many()
            .col_expr(
                phone_code::Column::Attempts,
                Expr::col(phone_code::Column::Attempts).add(1),
            )
            .filter(phone_code::Column::Id.eq(candidate.id))
            .filter(phone_code::Column::Attempts.lt(CODE_MAX_ATTEMPTS))
            .filter(phone_code::Column::UsedAt.is_null())
            .exec(db)
            .await?;
        if taken.rows_affected == 1 && right.is_none() && candidate.code_hash == given_hash {
            right = Some(candidate);
        }
    }
    let right = right.ok_or_else(wrong)?;
    let used = phone_code::Entity::update_many()
        .col_expr(phone_code::Column::UsedAt, Expr::value(now))
        .filter(phone_code::Column::Id.eq(right.id))
        .filter(phone_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if used.rows_affected != 1 {
        return Err(wrong());
    }
    throttle::give_back(db, from_the_address).await?;
    purposes
        .iter()
        .copied()
        .find(|p| p.name == right.purpose && p.subject_id == right.subject_id)
        .ok_or_else(wrong)
}
