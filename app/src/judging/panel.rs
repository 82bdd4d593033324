//! A challenge's panel on the database: its settings and rubric, the staff's page of it, judges
//! invited by email and their answers, and closing judging.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionSession, TransactionTrait,
};

use super::entity::{criterion, judge, panel, score};
use super::model::*;
use super::rules::{self, Criterion, Scale};
use crate::audit::service::Record;
use crate::auth::{Requester, Viewer};
use crate::challenge::entity::challenge;
use crate::entry::entity::entry;
use crate::entry::model::EntryStatus;
use crate::error::{AppError, FieldError};
use crate::i18n::k;
use crate::invitation::service::{self as invitations, Kind, Owner};
use crate::notify::model::NotificationKind;
use crate::token::sha256_hex;

/// The panel a challenge has before staff set it up: blind, ten-point scale, three judges an
/// entry.
pub(crate) fn new_panel(challenge_id: i64) -> panel::Model {
    let now = Utc::now();
    panel::Model {
        challenge_id,
        scale_min: 1,
        scale_max: 10,
        judges_per_entry: 3,
        blind: true,
        show_judge_names: false,
        closed_at: None,
        closed_by: None,
        created_at: now,
        updated_at: now,
    }
}

/// The panel of a challenge, made with the defaults (1–10, three judges, blind) the first time.
pub(crate) async fn panel_of(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<panel::Model, AppError> {
    if let Some(p) = panel::Entity::find_by_id(challenge_id).one(db).await? {
        return Ok(p);
    }
    let made = new_panel(challenge_id)
        .into_active_model()
        .reset_all()
        .insert(db)
        .await;
    match made {
        Ok(p) => Ok(p),
        // Made at the same moment by another request.
        Err(_) => panel::Entity::find_by_id(challenge_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound),
    }
}

pub(crate) fn scale_of(p: &panel::Model) -> Scale {
    Scale {
        min: p.scale_min,
        max: p.scale_max,
    }
}

pub(crate) async fn criteria_of(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<Vec<Criterion>, AppError> {
    Ok(criterion::Entity::find()
        .filter(criterion::Column::ChallengeId.eq(challenge_id))
        .order_by_asc(criterion::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|c| Criterion {
            id: c.id,
            name_vi: c.name_vi,
            name_en: c.name_en,
            guidance_vi: c.guidance_vi,
            guidance_en: c.guidance_en,
            weight: c.weight,
            comment_required: c.comment_required,
        })
        .collect())
}

pub(crate) async fn any_score(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<bool, AppError> {
    Ok(score::Entity::find()
        .filter(score::Column::ChallengeId.eq(challenge_id))
        .count(db)
        .await?
        > 0)
}

pub(crate) fn refuse_if_closed(p: &panel::Model) -> Result<(), AppError> {
    match p.closed_at {
        Some(at) => Err(AppError::Conflict {
            key: "error.judging_closed".into(),
            params: vec![("at".into(), crate::i18n::format_datetime(at))],
        }),
        None => Ok(()),
    }
}

/// Scale, judges per entry, blind judging and whether results name the judges. The scale is
/// locked once a score exists, and so is blind judging once on: judges who scored without
/// knowing the teams must not learn them before the panel closes.
pub async fn save_settings(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    scale: Scale,
    k: i32,
    blind: bool,
    show_judge_names: bool,
) -> Result<(), AppError> {
    // Held until the settings are saved: a seat taken at the same moment is seen.
    crate::sql::hold_row(db, ("panels", "challenge_id"), c.id).await?;
    let p = panel_of(db, c.id).await?;
    refuse_if_closed(&p)?;
    let mut errors = Vec::new();
    if !(1..=10).contains(&k) {
        errors.push(FieldError::new(
            "judges_per_entry",
            "error.judges_per_entry",
        ));
    }
    if scale.min < 0 || scale.max > 100 || scale.max - scale.min < 1 {
        errors.push(FieldError::new("scale", "error.scale_invalid"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let scale_changes = scale != scale_of(&p);
    let unblinds = p.blind && !blind;
    // Once the public has read the entries with their teams, or a judge has scored one with its
    // team in view, judging blind keeps nothing from the judges: saying it would be a promise
    // the record cannot keep.
    if !p.blind
        && blind
        && (crate::entry::rules::are_public(c, Utc::now()) || any_score(db, c.id).await?)
    {
        return Err(AppError::conflict("error.blind_too_late"));
    }
    // Staff of the organiser read every entry with its team: a panel they sit on cannot be
    // blind (they are refused a seat on one; here, one cannot be made blind around them).
    if blind && !p.blind && crate::participation::organiser_seated(db, c.id).await? {
        return Err(AppError::conflict("error.blind_with_organiser"));
    }
    if (scale_changes || unblinds) && any_score(db, c.id).await? {
        return Err(AppError::conflict(if unblinds {
            "error.blind_locked"
        } else {
            "error.rubric_locked"
        }));
    }
    let mut active = p.into_active_model();
    active.scale_min = Set(scale.min);
    active.scale_max = Set(scale.max);
    active.judges_per_entry = Set(k);
    active.blind = Set(blind);
    active.show_judge_names = Set(show_judge_names);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// Replaces the rubric. Refused once the first score is saved: scores against another rubric
/// could not be compared.
pub async fn save_rubric(
    db: &(impl ConnectionTrait + TransactionTrait),
    c: &challenge::Model,
    rows: Vec<CriterionInput>,
) -> Result<Vec<Criterion>, AppError> {
    let p = panel_of(db, c.id).await?;
    let mut errors = Vec::new();
    let criteria: Vec<Criterion> = rows
        .iter()
        .filter(|r| !r.is_blank())
        .enumerate()
        .map(|(i, r)| Criterion {
            id: i as i64,
            name_vi: r.name_vi.trim().to_owned(),
            name_en: r.name_en.trim().to_owned(),
            guidance_vi: r.guidance_vi.trim().to_owned(),
            guidance_en: r.guidance_en.trim().to_owned(),
            weight: r
                .weight
                .trim()
                .trim_end_matches('%')
                .trim()
                .parse()
                .unwrap_or_else(|_| {
                    errors.push(FieldError::new(
                        &format!("weight_{i}"),
                        "error.weight_range",
                    ));
                    0
                }),
            comment_required: r.comment_required.is_some(),
        })
        .collect();
    let mut found = rules::check_rubric(&criteria, scale_of(&p));
    found.retain(|e| !errors.iter().any(|x: &FieldError| x.field == e.field));
    errors.extend(found);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    if any_score(&txn, c.id).await? {
        return Err(AppError::conflict("error.rubric_locked"));
    }
    criterion::Entity::delete_many()
        .filter(criterion::Column::ChallengeId.eq(c.id))
        .exec(&txn)
        .await?;
    for (i, cr) in criteria.iter().enumerate() {
        criterion::ActiveModel {
            challenge_id: Set(c.id),
            position: Set(i as i32),
            name_vi: Set(cr.name_vi.clone()),
            name_en: Set(cr.name_en.clone()),
            guidance_vi: Set(cr.guidance_vi.clone()),
            guidance_en: Set(cr.guidance_en.clone()),
            weight: Set(cr.weight),
            comment_required: Set(cr.comment_required),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    criteria_of(db, c.id).await
}

/// Staff invite someone to the panel by email: the invitation, how its invitee is told and the
/// record, in one transaction. Someone who may not judge the challenge is refused, on the record.
/// Invitations count against the inviter's day.
pub async fn invite(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    requester: &Requester,
    c: &challenge::Model,
    email: &str,
) -> Result<(), AppError> {
    let staff = invitations::inviter(db, requester).await?;
    let p = panel_of(db, c.id).await?;
    refuse_if_closed(&p)?;
    let email = invitations::address(email)?;
    let account = invitations::account_of(db, &email).await?;
    if let Some(id) = account
        && judge::Entity::find_by_id((c.id, id))
            .one(db)
            .await?
            .is_some()
    {
        return Err(AppError::invalid("email", "error.already_judge"));
    }
    let person = crate::participation::Person {
        user_id: account,
        email: &email,
    };
    if let Err(err) = crate::participation::may_judge(db, c.id, person, p.blind).await {
        crate::participation::record_refusal(db, staff, c.id, &err).await?;
        return Err(err);
    }
    let actor = staff.id.to_string();
    let params = [
        ("challenge", c.title.as_str()),
        ("name", staff.display_name.as_str()),
        (crate::notify::model::ACTOR, actor.as_str()),
    ];
    let letter = invitations::Letter {
        kind: NotificationKind::PanelInvitation,
        subject: k::NOTIFY_PANEL_INVITATION,
        body: k::MAIL_PANEL_INVITATION_BODY,
        params: &params,
        purpose: "panel_invitation",
        page: "/judging/invitations/",
    };
    let txn = crate::group_commit::begin_writing(db).await?;
    let sender = Owner::Panel { challenge_id: c.id };
    invitations::send(&txn, links, sender, &email, staff.id, letter).await?;
    Record::new("judging.invite", "challenge", Some(c.id))
        .by_requester(requester)
        .details(serde_json::json!({ "email": email }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn preview(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    token: &str,
) -> Result<PanelInvitation, AppError> {
    let i = invitations::pending_by_token(db, Kind::Panel, token).await?;
    // Only the invitee, signed in, is told which of their team invitations a seat declines.
    let declines_teams = match viewer {
        Some(v) if invitations::is_for(&i, v.reached_at()) => {
            crate::team::service::invitations_to(db, i.challenge_id, v.reached_at())
                .await?
                .into_iter()
                .map(|(_, name)| name)
                .collect()
        }
        _ => Vec::new(),
    };
    let c = crate::challenge::service::find(db, i.challenge_id).await?;
    let by = invitations::inviter_name(db, &i).await?;
    Ok(PanelInvitation {
        challenge_title: c.title,
        invited_by: by.unwrap_or_default(),
        declines_teams,
    })
}

/// Accepts or declines an invitation; on accepting, the person asking joins the panel, and
/// their invitations to the challenge's teams are declined. The seat, the answer and the record
/// (saying how many team invitations were declined) commit together; a refused seat is on the
/// record with its reason. Returns the challenge.
pub async fn respond(
    db: &(impl ConnectionTrait + TransactionTrait),
    requester: &crate::auth::Requester,
    token: &str,
    accept: bool,
) -> Result<challenge::Model, AppError> {
    let viewer = requester.verified()?;
    let i = invitations::pending_by_token(db, Kind::Panel, token).await?;
    let c = crate::challenge::service::find(db, i.challenge_id).await?;
    // The link is for the address it was sent to: whoever else holds it cannot sit on the panel.
    if !invitations::is_for(&i, viewer.reached_at()) {
        return Err(AppError::conflict("error.invitation_other_email"));
    }
    if accept {
        panel_of(db, c.id).await?;
    }
    let txn = crate::group_commit::begin_writing(db).await?;
    if accept {
        // The panel, then the person: a panel made blind, or a role given to them, at the same
        // moment is seen.
        crate::sql::hold_row(&txn, ("panels", "challenge_id"), c.id).await?;
        if !crate::participation::hold(&txn, viewer.id).await? {
            txn.rollback().await?;
            return Err(AppError::Unauthenticated);
        }
        let person = crate::participation::Person {
            user_id: Some(viewer.id),
            email: viewer.reached_at(),
        };
        let blind = panel_of(&txn, c.id).await?.blind;
        if let Err(err) = crate::participation::may_judge(&txn, c.id, person, blind).await {
            txn.rollback().await?;
            crate::participation::record_refusal(db, viewer, c.id, &err).await?;
            return Err(err);
        }
    }
    if accept
        && judge::Entity::find_by_id((c.id, viewer.id))
            .one(&txn)
            .await?
            .is_none()
    {
        judge::ActiveModel {
            challenge_id: Set(c.id),
            user_id: Set(viewer.id),
            declared_at: Set(None),
            invited_by: Set(i.invited_by),
            joined_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
    }
    let declined = if accept {
        crate::team::service::decline_invitations_to(&txn, c.id, viewer.reached_at()).await?
    } else {
        0
    };
    invitations::answer(&txn, &i, accept).await?;
    let action = if accept {
        "judging.join"
    } else {
        "judging.decline"
    };
    let mut record = Record::new(action, "challenge", Some(c.id)).by_requester(requester);
    if declined > 0 {
        record = record.details(serde_json::json!({ "team_invitations_declined": declined }));
    }
    record.save(&txn).await?;
    txn.commit().await?;
    Ok(c)
}

/// The viewer's seat on the panel of `challenge_id`.
pub(crate) async fn seat(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    challenge_id: i64,
) -> Result<(judge::Model, challenge::Model, panel::Model), AppError> {
    let j = judge::Entity::find_by_id((challenge_id, viewer.id))
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    if !viewer.is_judge {
        // A judge whose seat waits for two-step sign-in.
        return Err(viewer.refusal());
    }
    let c = crate::challenge::service::find(db, challenge_id).await?;
    let p = panel_of(db, challenge_id).await?;
    Ok((j, c, p))
}

/// Closes judging: scores are final and results can be computed.
pub async fn close(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    c: &challenge::Model,
) -> Result<panel::Model, AppError> {
    let p = panel_of(db, c.id).await?;
    refuse_if_closed(&p)?;
    if Utc::now() < c.entries_close_at {
        return Err(AppError::conflict("error.judging_not_open"));
    }
    let mut active = p.into_active_model();
    active.closed_at = Set(Some(Utc::now()));
    active.closed_by = Set(Some(staff.id));
    Ok(active.update(db).await?)
}

/// The entries judges score: submitted, not found ineligible.
pub(crate) async fn eligible(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<Vec<entry::Model>, AppError> {
    Ok(entry::Entity::find()
        .filter(entry::Column::ChallengeId.eq(challenge_id))
        .filter(entry::Column::Status.eq(EntryStatus::Submitted.code()))
        .order_by_asc(entry::Column::Id)
        .all(db)
        .await?)
}

/// The code a judge sees instead of the team: stable, short, and telling nothing of the team.
pub fn entry_code(e: &entry::Model) -> String {
    rules::code_from_digest(&sha256_hex(&format!(
        "{}:{}:{}",
        e.id,
        e.team_id,
        e.created_at.timestamp_micros()
    )))
}
