//! Invitations on the database: sent once per address and owner, found by their link or by the
//! invitee's own list, answered once (whoever answers first wins), declined together when their
//! invitee takes another role, and forgotten with the address.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::entity::invitation;
use crate::account::rules::{mailbox_key, normalise_email};
use crate::auth::entity::user;
use crate::error::AppError;
use crate::i18n::{Locale, Text};
use crate::links::Links;
use crate::notify::model::NotificationKind;
use crate::token::{random_token, sha256_hex};

/// Who sends an invitation: a team (of a challenge) or a challenge's panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Team { challenge_id: i64, team_id: i64 },
    Panel { challenge_id: i64 },
}

/// What an invitation asks: to join a team, or to sit on a panel. A link of one kind opens
/// nothing of the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Team,
    Panel,
}

impl Kind {
    fn condition(self) -> Condition {
        match self {
            Kind::Team => Condition::all().add(invitation::Column::TeamId.is_not_null()),
            Kind::Panel => Condition::all().add(invitation::Column::TeamId.is_null()),
        }
    }
}

impl Owner {
    pub fn of(i: &invitation::Model) -> Owner {
        match i.team_id {
            Some(team_id) => Owner::Team {
                challenge_id: i.challenge_id,
                team_id,
            },
            None => Owner::Panel {
                challenge_id: i.challenge_id,
            },
        }
    }

    fn condition(self) -> Condition {
        match self {
            Owner::Team { team_id, .. } => {
                Condition::all().add(invitation::Column::TeamId.eq(team_id))
            }
            Owner::Panel { challenge_id } => Condition::all()
                .add(invitation::Column::ChallengeId.eq(challenge_id))
                .add(invitation::Column::TeamId.is_null()),
        }
    }
}

/// The pending invitations of `owner`, oldest first.
pub async fn pending_of(
    db: &impl ConnectionTrait,
    owner: Owner,
) -> Result<Vec<invitation::Model>, AppError> {
    Ok(invitation::Entity::find()
        .filter(owner.condition())
        .filter(invitation::Column::Status.eq("pending"))
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await?)
}

/// Sends an invitation from `owner` to `email` (normalised, checked by the caller); returns the
/// token of its link. Refused while the same mailbox has one of `owner`'s waiting.
pub async fn issue(
    db: &impl ConnectionTrait,
    owner: Owner,
    email: &str,
    invited_by: i64,
) -> Result<String, AppError> {
    let mailbox = mailbox_key(email);
    if pending_of(db, owner)
        .await?
        .iter()
        .any(|i| i.mailbox_key == mailbox)
    {
        return Err(AppError::invalid("email", "error.already_invited"));
    }
    // Teams' invitations to one mailbox are bounded a day, so that many accounts cannot bury an
    // inbox. A panel's, sent by the challenge's staff (counted per account), are not counted
    // with them: teams cannot keep a judge off a panel by using up the mailbox's day.
    if let Owner::Team { .. } = owner {
        let per_mailbox = crate::account::rules::INVITATIONS_PER_MAILBOX;
        crate::auth::throttle::hit(db, per_mailbox, &mailbox).await?;
    }
    let (challenge_id, team_id) = match owner {
        Owner::Team {
            challenge_id,
            team_id,
        } => (challenge_id, Some(team_id)),
        Owner::Panel { challenge_id } => (challenge_id, None),
    };
    let token = random_token(24);
    invitation::ActiveModel {
        challenge_id: Set(challenge_id),
        team_id: Set(team_id),
        email: Set(email.to_owned()),
        mailbox_key: Set(mailbox),
        token_hash: Set(sha256_hex(&token)),
        invited_by: Set(Some(invited_by)),
        status: Set("pending".into()),
        created_at: Set(Utc::now()),
        responded_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// How an invitee is told: a notification when their address has an account, otherwise an email
/// carrying the link (in Vietnamese: nobody chose another language yet).
pub struct Letter<'a> {
    pub kind: NotificationKind,
    /// The notification's words, which are also the email's subject.
    pub subject: Text,
    /// The email's body, filled with `params` and the `link`.
    pub body: Text,
    pub params: &'a [(&'a str, &'a str)],
    /// What the outbox calls the email.
    pub purpose: &'static str,
    /// The page the link opens, the token following it.
    pub page: &'static str,
}

/// Who sends an invitation: the signed-in person asking, whose invitations count against their
/// day and against their network address's hour. (The invited mailbox's day is counted by
/// [`issue`].)
pub async fn inviter<'a>(
    db: &impl ConnectionTrait,
    requester: &'a crate::auth::Requester,
) -> Result<&'a crate::auth::Viewer, AppError> {
    use crate::account::rules::{INVITATIONS_PER_ADDRESS, INVITATIONS_PER_DAY};
    use crate::auth::throttle;
    let by = requester.viewer.as_ref().ok_or(AppError::Unauthenticated)?;
    throttle::hit(db, INVITATIONS_PER_DAY, &by.id.to_string()).await?;
    let address = throttle::address_of(&requester.ip);
    throttle::hit(db, INVITATIONS_PER_ADDRESS, &address).await?;
    Ok(by)
}

/// The address an invitation goes to, normalised, or why it cannot be one.
pub fn address(email: &str) -> Result<String, AppError> {
    let email = normalise_email(email);
    crate::account::rules::check_email(&email).map_err(|e| AppError::Invalid(vec![e]))?;
    Ok(email)
}

/// The account behind an address, found by its mailbox (`lan+x@` is Lan's).
pub async fn account_of(db: &impl ConnectionTrait, email: &str) -> Result<Option<i64>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::MailboxKey.eq(mailbox_of(email)))
        .one(db)
        .await?
        .map(|u| u.id))
}

/// Sends an invitation from `owner` to `email` (normalised, checked by the caller) on behalf of
/// `invited_by`, and tells its invitee by `letter`.
pub async fn send(
    db: &impl ConnectionTrait,
    links: &Links,
    owner: Owner,
    email: &str,
    invited_by: i64,
    letter: Letter<'_>,
) -> Result<(), AppError> {
    let token = issue(db, owner, email, invited_by).await?;
    let link = format!("{}{token}", letter.page);
    match account_of(db, email).await? {
        Some(user_id) => {
            crate::notify::service::notify(db, links, user_id, letter.kind, letter.params, &link)
                .await
        }
        None => {
            let locale = Locale::Vi;
            let subject = locale.tf(letter.subject, letter.params);
            let url = links.to(&link);
            let mut params = letter.params.to_vec();
            params.push(("link", &url));
            let body = locale.tf(letter.body, &params);
            crate::mail::service::enqueue(db, email, letter.purpose, &subject, &body).await
        }
    }
}

/// The waiting invitation of `kind` whose link carries `token`.
pub async fn pending_by_token(
    db: &impl ConnectionTrait,
    kind: Kind,
    token: &str,
) -> Result<invitation::Model, AppError> {
    invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(sha256_hex(token.trim())))
        .filter(kind.condition())
        .one(db)
        .await?
        .filter(|i| i.status == "pending")
        .ok_or(AppError::NotFound)
}

/// The waiting invitation of `kind` numbered `id`, if it was sent to `email`'s mailbox (the
/// invitee's own list).
pub async fn pending_to_me(
    db: &impl ConnectionTrait,
    kind: Kind,
    id: i64,
    email: &str,
) -> Result<invitation::Model, AppError> {
    invitation::Entity::find_by_id(id)
        .filter(kind.condition())
        .one(db)
        .await?
        .filter(|i| i.status == "pending" && is_for(i, email))
        .ok_or(AppError::NotFound)
}

/// Whether the invitation was sent to `email`'s mailbox, however either is written.
pub fn is_for(i: &invitation::Model, email: &str) -> bool {
    i.mailbox_key == mailbox_of(email)
}

fn mailbox_of(email: &str) -> String {
    mailbox_key(&normalise_email(email))
}

/// The waiting invitations sent to `email`'s mailbox from teams (of one challenge, or of every
/// challenge when `None`), oldest first.
pub async fn pending_team_invitations_to(
    db: &impl ConnectionTrait,
    email: &str,
    challenge_id: Option<i64>,
) -> Result<Vec<invitation::Model>, AppError> {
    let mut find = invitation::Entity::find()
        .filter(Kind::Team.condition())
        .filter(invitation::Column::MailboxKey.eq(mailbox_of(email)))
        .filter(invitation::Column::Status.eq("pending"));
    if let Some(id) = challenge_id {
        find = find.filter(invitation::Column::ChallengeId.eq(id));
    }
    Ok(find.order_by_asc(invitation::Column::Id).all(db).await?)
}

/// Answers a waiting invitation: accepted or declined. Only one answer counts: an invitation
/// answered meanwhile (by another tab, or declined by a seat taken elsewhere) is not found.
pub async fn answer(
    db: &impl ConnectionTrait,
    i: &invitation::Model,
    accept: bool,
) -> Result<(), AppError> {
    let status = if accept { "accepted" } else { "declined" };
    close(db, i.id, status).await?;
    Ok(())
}

/// Declines every invitation in `ids` still waiting; returns how many were (one answered
/// meanwhile is not).
pub async fn decline_all(db: &impl ConnectionTrait, ids: &[i64]) -> Result<usize, AppError> {
    let mut declined = 0;
    for id in ids {
        match close(db, *id, "declined").await {
            Ok(()) => declined += 1,
            Err(AppError::NotFound) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(declined)
}

/// Moves invitation `id` from waiting to `status`, or says it was not waiting.
async fn close(db: &impl ConnectionTrait, id: i64, status: &str) -> Result<(), AppError> {
    let closed = invitation::Entity::update_many()
        .col_expr(invitation::Column::Status, status.into())
        .col_expr(invitation::Column::RespondedAt, Utc::now().into())
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::Status.eq("pending"))
        .exec(db)
        .await?;
    if closed.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The name of who sent the invitation, if their account still exists.
pub async fn inviter_name(
    db: &impl ConnectionTrait,
    i: &invitation::Model,
) -> Result<Option<String>, AppError> {
    Ok(match i.invited_by {
        Some(id) => user::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|u| u.display_name),
        None => None,
    })
}

/// The addresses, as written, that invitations to `email`'s mailbox were sent to.
pub async fn addresses_of_mailbox(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Vec<String>, AppError> {
    let sent = invitation::Entity::find()
        .filter(invitation::Column::MailboxKey.eq(mailbox_of(email)))
        .all(db)
        .await?;
    Ok(sent.into_iter().map(|i| i.email).collect())
}

/// Forgets every invitation sent to `email`'s mailbox, however the address was written (its
/// account is deleted).
pub async fn forget_address(db: &impl ConnectionTrait, email: &str) -> Result<(), AppError> {
    invitation::Entity::delete_many()
        .filter(invitation::Column::MailboxKey.eq(mailbox_of(email)))
        .exec(db)
        .await?;
    Ok(())
}
