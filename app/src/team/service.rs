//! Forming teams: creating one, inviting by email, joining by invitation or code, handing over
//! ownership, removing members, leaving; and reading a person's teams.

use chrono::Utc;
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, Set, SqlErr, TransactionSession, TransactionTrait,
};

use super::entity::{departure, member, team};
use super::model::PendingInvitation;
use super::rules::{
    CODE_ALPHABET, CODE_LENGTH, check_can_change, check_room, check_team, normalise_code,
};
use crate::audit::service::Record;
use crate::auth::entity::user;
use crate::auth::{Requester, Viewer};
use crate::challenge::entity::challenge;
use crate::challenge::service::phase_of;
use crate::error::{AppError, FieldError};
use crate::i18n::k;
use crate::invitation::entity::invitation;
use crate::invitation::service::{self as invitations, Kind, Owner};
use crate::notify::model::NotificationKind;

pub struct TeamForm {
    pub name: String,
    pub organisation_name: String,
    pub description: String,
    pub contact: String,
}

fn join_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LENGTH)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// The challenge, if teams may still form or change in it.
async fn open_challenge(db: &impl ConnectionTrait, id: i64) -> Result<challenge::Model, AppError> {
    let c = challenge::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    check_can_change(phase_of(&c, Utc::now()), c.entries_close_at)?;
    Ok(c)
}

pub(crate) async fn find(db: &impl ConnectionTrait, id: i64) -> Result<team::Model, AppError> {
    team::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The team, if `viewer` owns it.
async fn owned(
    db: &impl ConnectionTrait,
    id: i64,
    viewer: &Viewer,
) -> Result<team::Model, AppError> {
    let t = find(db, id).await?;
    if t.owner_id == viewer.id {
        Ok(t)
    } else {
        Err(AppError::Forbidden)
    }
}

pub(crate) async fn is_member(
    db: &impl ConnectionTrait,
    team_id: i64,
    user_id: i64,
) -> Result<bool, AppError> {
    Ok(member::Entity::find_by_id((team_id, user_id))
        .one(db)
        .await?
        .is_some())
}

/// The database's own refusal of a second team in one challenge, said in words.
fn one_team_per_challenge(err: DbErr) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AppError::conflict("error.already_in_a_team"),
        _ => crate::error::internal(err),
    }
}

/// Adds a person to a team, within the challenge's size limit, unless they organise or judge
/// the challenge. Run inside a transaction, before anything else in it names the person: it
/// first holds the person, so that a role given to them (or their account's deletion) at the
/// same moment is seen, then takes the team's row, so that joins arriving at once are counted
/// one after another and the limit holds exactly.
async fn add_member(
    db: &impl ConnectionTrait,
    t: &team::Model,
    c: &challenge::Model,
    user: &Viewer,
) -> Result<(), AppError> {
    use sea_orm::sea_query::Expr;
    if !crate::participation::hold(db, user.id).await? {
        return Err(AppError::Unauthenticated);
    }
    let touched = team::Entity::update_many()
        .col_expr(team::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(team::Column::Id.eq(t.id))
        .exec(db)
        .await?;
    // Dissolved at this moment by its owner: there is no team to join.
    if touched.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    crate::participation::may_compete(
        db,
        c.id,
        crate::participation::Person {
            user_id: Some(user.id),
            email: user.reached_at(),
        },
    )
    .await?;
    let size = member::Entity::find()
        .filter(member::Column::TeamId.eq(t.id))
        .count(db)
        .await?;
    check_room(size, c.team_max)?;
    member::ActiveModel {
        team_id: Set(t.id),
        user_id: Set(user.id),
        challenge_id: Set(t.challenge_id),
        joined_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .map_err(one_team_per_challenge)?;
    Ok(())
}

/// Undoes `txn` after `err`; a refused role is recorded, outside the undone transaction.
async fn refused(
    db: &impl ConnectionTrait,
    txn: impl TransactionSession,
    viewer: &Viewer,
    challenge_id: i64,
    err: AppError,
) -> AppError {
    if let Err(undo) = txn.rollback().await {
        return undo.into();
    }
    if crate::participation::is_role_refusal(&err)
        && let Err(record) =
            crate::participation::record_refusal(db, viewer, challenge_id, &err).await
    {
        return record;
    }
    err
}

/// Forms a team whose owner is the person asking: the team, its first member and the record,
/// in one transaction.
/// What a team is found by: its name and organisation, folded as search folds what is typed.
pub fn search_key(name: &str, organisation: Option<&str>) -> String {
    crate::i18n::format::fold_for_search(&format!("{name} {}", organisation.unwrap_or_default()))
}

pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    challenge_id: i64,
    form: TeamForm,
) -> Result<team::Model, AppError> {
    let owner = requester.verified()?;
    let c = open_challenge(db, challenge_id).await?;
    let mut errors = check_team(
        &form.name,
        &form.organisation_name,
        &form.description,
        &form.contact,
    );
    let name = form.name.trim().to_owned();
    if team::Entity::find()
        .filter(team::Column::ChallengeId.eq(c.id))
        .filter(team::Column::Name.eq(&name))
        .one(db)
        .await?
        .is_some()
    {
        errors.push(FieldError::new("name", "error.team_name_taken"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = Utc::now();
    let txn = crate::group_commit::begin_writing(db).await?;
    // The owner is held before the team that names them is written (see `add_member`).
    if !crate::participation::hold(&txn, owner.id).await? {
        txn.rollback().await?;
        return Err(AppError::Unauthenticated);
    }
    let organisation_name =
        Some(form.organisation_name.trim().to_owned()).filter(|o| !o.is_empty());
    let created = team::ActiveModel {
        challenge_id: Set(c.id),
        search_key: Set(Some(search_key(&name, organisation_name.as_deref()))),
        name: Set(name),
        organisation_name: Set(organisation_name),
        description: Set(form.description.trim().to_owned()),
        contact: Set(form.contact.trim().to_owned()),
        join_code: Set(join_code()),
        owner_id: Set(owner.id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let Err(err) = add_member(&txn, &created, &c, owner).await {
        return Err(refused(db, txn, owner, c.id, err).await);
    }
    Record::new("team.create", "team", Some(created.id))
        .by_requester(requester)
        .details(serde_json::json!({ "challenge_id": c.id, "name": created.name }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(created)
}

/// The team's owner invites someone by email: the invitation, how its invitee is told and the
/// record, in one transaction. Invitations count against the owner's day.
pub async fn invite(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    team_id: i64,
    email: &str,
) -> Result<(), AppError> {
    let owner = invitations::inviter(db, requester).await?;
    let t = owned(db, team_id, owner).await?;
    let c = open_challenge(db, t.challenge_id).await?;
    let email = invitations::address(email)?;
    if let Some(account) = invitations::account_of(db, &email).await?
        && is_member(db, t.id, account).await?
    {
        return Err(AppError::invalid("email", "error.already_member"));
    }
    let size = member::Entity::find()
        .filter(member::Column::TeamId.eq(t.id))
        .count(db)
        .await?;
    check_room(size, c.team_max)?;
    let actor = owner.id.to_string();
    let params = [
        ("team", t.name.as_str()),
        ("challenge", c.title.as_str()),
        ("name", owner.display_name.as_str()),
        (crate::notify::model::ACTOR, actor.as_str()),
    ];
    let letter = invitations::Letter {
        kind: NotificationKind::TeamInvitation,
        subject: k::NOTIFY_TEAM_INVITATION,
        body: k::MAIL_TEAM_INVITATION_BODY,
        params: &params,
        purpose: "team_invitation",
        page: "/teams/invitations/",
    };
    let sender = Owner::Team {
        challenge_id: c.id,
        team_id: t.id,
    };
    let txn = crate::group_commit::begin_writing(db).await?;
    invitations::send(&txn, links, sender, &email, owner.id, letter).await?;
    Record::new("team.invite", "team", Some(t.id))
        .by_requester(requester)
        .details(serde_json::json!({ "email": email }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub(crate) async fn describe(
    db: &impl ConnectionTrait,
    i: &invitation::Model,
) -> Result<PendingInvitation, AppError> {
    let t = find(db, i.team_id.ok_or(AppError::NotFound)?).await?;
    let c = challenge::Entity::find_by_id(t.challenge_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let inviter = invitations::inviter_name(db, i).await?;
    Ok(PendingInvitation {
        id: i.id,
        team_name: t.name,
        challenge_title: c.title,
        invited_by: inviter.unwrap_or_default(),
    })
}

pub async fn preview(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<PendingInvitation, AppError> {
    let i = invitations::pending_by_token(db, Kind::Team, token).await?;
    describe(db, &i).await
}

/// Accepts or declines: by the link's token, or by id when the invitation was sent to the
/// viewer's own address.
/// The answer, the record and (on joining) the owner's notification commit together.
pub async fn respond(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    token: Option<&str>,
    id: Option<i64>,
    accept: bool,
) -> Result<team::Model, AppError> {
    let viewer = requester.verified()?;
    let i = match (token.filter(|t| !t.trim().is_empty()), id) {
        (Some(token), _) => invitations::pending_by_token(db, Kind::Team, token).await?,
        (None, Some(id)) => {
            invitations::pending_to_me(db, Kind::Team, id, viewer.reached_at()).await?
        }
        (None, None) => return Err(AppError::NotFound),
    };
    let t = find(db, i.team_id.ok_or(AppError::NotFound)?).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    if accept {
        let c = open_challenge(&txn, t.challenge_id).await?;
        if let Err(err) = add_member(&txn, &t, &c, viewer).await {
            return Err(refused(db, txn, viewer, c.id, err).await);
        }
    }
    invitations::answer(&txn, &i, accept).await?;
    let action = if accept { "team.join" } else { "team.decline" };
    Record::new(action, "team", Some(t.id))
        .by_requester(requester)
        .save(&txn)
        .await?;
    if accept {
        tell_owner_of_new_member(&txn, links, &t, viewer).await?;
    }
    txn.commit().await?;
    Ok(t)
}

/// Tells a team's owner who joined.
async fn tell_owner_of_new_member(
    db: &impl ConnectionTrait,
    links: &crate::links::Links,
    team: &team::Model,
    member: &Viewer,
) -> Result<(), AppError> {
    crate::notify::service::notify(
        db,
        links,
        team.owner_id,
        NotificationKind::TeamMemberJoined,
        &[
            ("name", &member.display_name),
            ("team", &team.name),
            (crate::notify::model::ACTOR, &member.id.to_string()),
        ],
        &format!("/teams/{}", team.id),
    )
    .await
}

/// The pending invitations to teams of challenge `challenge_id` sent to `email`'s mailbox, with
/// their team's name.
pub async fn invitations_to(
    db: &impl ConnectionTrait,
    challenge_id: i64,
    email: &str,
) -> Result<Vec<(invitation::Model, String)>, AppError> {
    let pending = invitations::pending_team_invitations_to(db, email, Some(challenge_id)).await?;
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(challenge_id))
        .all(db)
        .await?;
    Ok(pending
        .into_iter()
        .filter_map(|i| {
            let name = teams.iter().find(|t| Some(t.id) == i.team_id)?.name.clone();
            Some((i, name))
        })
        .collect())
}

/// Declines, for the person at `email`, every pending invitation to a team of challenge
/// `challenge_id`: they took a seat on its panel. Returns how many.
pub async fn decline_invitations_to(
    db: &impl ConnectionTrait,
    challenge_id: i64,
    email: &str,
) -> Result<usize, AppError> {
    let pending = invitations::pending_team_invitations_to(db, email, Some(challenge_id)).await?;
    let ids: Vec<i64> = pending.iter().map(|i| i.id).collect();
    invitations::decline_all(db, &ids).await
}

/// Joins the team whose code is `code`. Tries are counted, by account before the code is looked
/// at (all at once count as many) and wrong ones by the asker's network address, so that codes
/// cannot be guessed. The membership, the record and the owner's notification commit together.
pub async fn join_by_code(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    code: &str,
) -> Result<team::Model, AppError> {
    use crate::account::rules::{JOIN_CODE_TRIES_PER_DAY, WRONG_JOIN_CODES_PER_ADDRESS};
    use crate::auth::throttle;
    let viewer = requester.verified()?;
    let address = throttle::address_of(&requester.ip);
    // Counted against the account's day, then the address's hour, before the code is read
    // (codes sent at once count as many), and given back when it is right. A try the account's
    // day refuses takes nothing of the address's.
    let account = viewer.id.to_string();
    let from_the_day = throttle::hit(db, JOIN_CODE_TRIES_PER_DAY, &account).await?;
    let from_the_address = match throttle::hit(db, WRONG_JOIN_CODES_PER_ADDRESS, &address).await {
        Ok(counted) => counted,
        Err(refused) => {
            throttle::give_back(db, from_the_day).await?;
            return Err(refused);
        }
    };
    let Some(t) = team::Entity::find()
        .filter(team::Column::JoinCode.eq(normalise_code(code)))
        .one(db)
        .await?
    else {
        return Err(AppError::invalid("code", "error.join_code"));
    };
    // A right code is no guess.
    throttle::give_back(db, from_the_day).await?;
    throttle::give_back(db, from_the_address).await?;
    let c = open_challenge(db, t.challenge_id).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    if let Err(err) = add_member(&txn, &t, &c, viewer).await {
        return Err(refused(db, txn, viewer, c.id, err).await);
    }
    Record::new("team.join", "team", Some(t.id))
        .by_requester(requester)
        .details(serde_json::json!({ "by": "code" }))
        .save(&txn)
        .await?;
    tell_owner_of_new_member(&txn, links, &t, viewer).await?;
    txn.commit().await?;
    Ok(t)
}

/// The owner hands the team to another member, on the record.
pub async fn hand_over(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    team_id: i64,
    new_owner: i64,
) -> Result<team::Model, AppError> {
    let owner = requester.signed_in()?;
    let t = owned(db, team_id, owner).await?;
    if !is_member(db, t.id, new_owner).await? || new_owner == owner.id {
        return Err(AppError::invalid("user_id", "error.not_a_member"));
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    // Held, then asked again: a member who leaves (or whose account goes) at this moment is
    // not handed a team they are no longer in.
    if !crate::participation::hold(&txn, new_owner).await?
        || !is_member(&txn, t.id, new_owner).await?
    {
        txn.rollback().await?;
        return Err(AppError::invalid("user_id", "error.not_a_member"));
    }
    let mut active = t.into_active_model();
    active.owner_id = Set(new_owner);
    active.updated_at = Set(Utc::now());
    let t = active.update(&txn).await?;
    Record::new("team.hand_over", "team", Some(t.id))
        .by_requester(requester)
        .details(serde_json::json!({ "new_owner": new_owner }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(t)
}

/// The owner removes a member: the membership goes, the departure is kept (they may not judge
/// the challenge), the team gets a new code, and the record says so, in one transaction.
pub async fn remove(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    team_id: i64,
    user_id: i64,
) -> Result<team::Model, AppError> {
    let owner = requester.signed_in()?;
    let t = owned(db, team_id, owner).await?;
    if user_id == owner.id {
        return Err(AppError::conflict("error.owner_cannot_be_removed"));
    }
    open_challenge(db, t.challenge_id).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    // The person is held before their departure, which names them, is written.
    crate::participation::hold(&txn, user_id).await?;
    let removed = member::Entity::delete_by_id((t.id, user_id))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::invalid("user_id", "error.not_a_member"));
    }
    record_departure(&txn, &t, user_id).await?;
    // The code they know no longer lets them back in: the team has a new one.
    let mut active = t.into_active_model();
    active.join_code = Set(join_code());
    active.updated_at = Set(Utc::now());
    let t = active.update(&txn).await?;
    Record::new("team.remove", "team", Some(t.id))
        .by_requester(requester)
        .details(serde_json::json!({ "user_id": user_id }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(t)
}

/// Keeps that `user_id` was in team `t`: they may not judge its challenge, under this account
/// or another on the same mailbox.
pub async fn record_departure(
    db: &impl ConnectionTrait,
    t: &team::Model,
    user_id: i64,
) -> Result<(), AppError> {
    let email = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|u| crate::account::service::identity(&u).to_owned())
        .unwrap_or_default();
    departure::ActiveModel {
        challenge_id: Set(t.challenge_id),
        team_id: Set(t.id),
        user_id: Set(Some(user_id)),
        mailbox_hash: Set(crate::account::rules::mailbox_hash(&email)),
        left_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Leaves a team. An owner hands over first; an owner alone dissolves the team. The departure
/// and its record commit together.
pub async fn leave(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &Requester,
    team_id: i64,
) -> Result<bool, AppError> {
    let viewer = requester.signed_in()?;
    let t = find(db, team_id).await?;
    if !is_member(db, t.id, viewer.id).await? {
        return Err(AppError::Forbidden);
    }
    open_challenge(db, t.challenge_id).await?;
    let size = member::Entity::find()
        .filter(member::Column::TeamId.eq(t.id))
        .count(db)
        .await?;
    if t.owner_id == viewer.id && size > 1 {
        return Err(AppError::conflict("error.owner_hands_over_first"));
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    // The person is held before their departure, which names them, is written; a handover to
    // them at this moment waits, and then finds them gone.
    if !crate::participation::hold(&txn, viewer.id).await? {
        txn.rollback().await?;
        return Err(AppError::Unauthenticated);
    }
    let dissolved = t.owner_id == viewer.id;
    if dissolved {
        team::Entity::delete_by_id(t.id).exec(&txn).await?;
    } else {
        member::Entity::delete_by_id((t.id, viewer.id))
            .exec(&txn)
            .await?;
    }
    record_departure(&txn, &t, viewer.id).await?;
    let action = if dissolved {
        "team.dissolve"
    } else {
        "team.leave"
    };
    Record::new(action, "team", Some(t.id))
        .by_requester(requester)
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(dissolved)
}

/// Tells every member of a team, with a link to the team's page.
pub async fn notify_members(
    db: &impl ConnectionTrait,
    links: &crate::links::Links,
    t: &team::Model,
    kind: crate::notify::model::NotificationKind,
    params: &[(&str, &str)],
) -> Result<(), AppError> {
    let members = member::Entity::find()
        .filter(member::Column::TeamId.eq(t.id))
        .all(db)
        .await?;
    for m in members {
        crate::notify::service::notify(
            db,
            links,
            m.user_id,
            kind,
            params,
            &format!("/teams/{}", t.id),
        )
        .await?;
    }
    Ok(())
}

/// Gives a search key to each team written before teams had one; how many it gave.
pub async fn give_search_keys(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    use sea_orm::QuerySelect;
    let missing: Vec<(i64, String, Option<String>)> = team::Entity::find()
        .select_only()
        .columns([
            team::Column::Id,
            team::Column::Name,
            team::Column::OrganisationName,
        ])
        .filter(team::Column::SearchKey.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut given = 0;
    for (id, name, organisation) in missing {
        given += team::Entity::update_many()
            .col_expr(
                team::Column::SearchKey,
                sea_orm::sea_query::Expr::value(search_key(&name, organisation.as_deref())),
            )
            .filter(team::Column::Id.eq(id))
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(given)
}
