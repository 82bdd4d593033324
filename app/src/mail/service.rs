//! Writing to the outbox and claiming messages for delivery, safely across several instances.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::entity as outbox;
use super::model::{MailboxMessage, retry_delay_secs};
use crate::error::AppError;

pub async fn enqueue(
    db: &impl ConnectionTrait,
    to: &str,
    kind: &str,
    subject: &str,
    body: &str,
) -> Result<(), AppError> {
    let now = Utc::now();
    outbox::ActiveModel {
        to_email: Set(to.to_owned()),
        subject: Set(subject.chars().take(200).collect()),
        body_text: Set(body.to_owned()),
        kind: Set(kind.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        sent_at: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Takes up to `limit` due messages for this worker: each is locked for five minutes, so another
/// instance does not send it too, and a worker that dies lets it go again.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<outbox::Model>, AppError> {
    let now = Utc::now();
    let due = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(outbox::Column::LockedUntil.is_null())
                .add(outbox::Column::LockedUntil.lt(now)),
        )
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
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

pub async fn mark_sent(db: &impl ConnectionTrait, message: outbox::Model) -> Result<(), AppError> {
    let attempts = message.attempts + 1;
    let mut active: outbox::ActiveModel = message.into();
    active.sent_at = Set(Some(Utc::now()));
    active.attempts = Set(attempts);
    active.locked_until = Set(None);
    active.last_error = Set(None);
    active.update(db).await?;
    Ok(())
}

pub async fn mark_failed(
    db: &impl ConnectionTrait,
    message: outbox::Model,
    error: &str,
) -> Result<(), AppError> {
    let attempts = message.attempts + 1;
    let mut active: outbox::ActiveModel = message.into();
    active.attempts = Set(attempts);
    active.next_attempt_at = Set(Utc::now() + Duration::seconds(retry_delay_secs(attempts)));
    active.locked_until = Set(None);
    active.last_error = Set(Some(error.chars().take(500).collect()));
    active.update(db).await?;
    Ok(())
}

/// The newest messages, for the development mailbox page.
pub async fn recent(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<MailboxMessage>, AppError> {
    Ok(outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| MailboxMessage {
            id: m.id,
            to_email: m.to_email,
            subject: m.subject,
            body_text: m.body_text,
            created_at: m.created_at,
            sent: m.sent_at.is_some(),
        })
        .collect())
}
