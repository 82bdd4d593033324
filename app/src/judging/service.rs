//! Judging on the database: the panel and its rubric, judges and their declared conflicts, who
//! judges which entry, score sheets saved as drafts and submitted, closing and results.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionSession, TransactionTrait,
};

use super::entity::{assignment, award, conflict, criterion, invitation, judge, panel, score};
use super::model::*;
use super::rules::{self, Criterion, Marks, Scale};
use crate::account::entity::user;
use crate::auth::Viewer;
use crate::auth::token::{random_token, sha256_hex};
use crate::challenge::entity::challenge;
use crate::entry::entity::{entry, version};
use crate::entry::model::{EntryFields, EntryStatus};
use crate::error::{AppError, FieldError};
use crate::team::entity::team;

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

async fn any_score(db: &impl ConnectionTrait, challenge_id: i64) -> Result<bool, AppError> {
    Ok(score::Entity::find()
        .filter(score::Column::ChallengeId.eq(challenge_id))
        .count(db)
        .await?
        > 0)
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

/// The entries judges score: submitted, not found ineligible.
async fn eligible(
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

fn same_organisation(a: &str, b: &str) -> bool {
    let fold = |s: &str| crate::org::model::slugify(s);
    !fold(a).is_empty() && fold(a) == fold(b)
}

/// Pairs (judge, entry) that a declared conflict forbids.
async fn conflict_pairs(
    db: &impl ConnectionTrait,
    challenge_id: i64,
    entries: &[entry::Model],
) -> Result<BTreeSet<(i64, i64)>, AppError> {
    let declared = conflict::Entity::find()
        .filter(conflict::Column::ChallengeId.eq(challenge_id))
        .all(db)
        .await?;
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(challenge_id))
        .all(db)
        .await?;
    let mut pairs = BTreeSet::new();
    // A judge who is or was in a team of the challenge (joined before the rule, or by a way it
    // missed) scores none of its entries.
    let competing = crate::team::entity::member::Entity::find()
        .filter(crate::team::entity::member::Column::ChallengeId.eq(challenge_id))
        .all(db)
        .await?;
    let departed = crate::team::entity::departure::Entity::find()
        .filter(crate::team::entity::departure::Column::ChallengeId.eq(challenge_id))
        .all(db)
        .await?;
    for user_id in competing
        .iter()
        .map(|m| m.user_id)
        .chain(departed.iter().filter_map(|d| d.user_id))
    {
        for e in entries {
            pairs.insert((user_id, e.id));
        }
    }
    for c in &declared {
        for e in entries {
            let t = teams.iter().find(|t| t.id == e.team_id);
            let by_team = c.team_id == Some(e.team_id);
            let by_org = match (
                &c.organisation_name,
                t.and_then(|t| t.organisation_name.as_ref()),
            ) {
                (Some(a), Some(b)) => same_organisation(a, b),
                _ => false,
            };
            if by_team || by_org {
                pairs.insert((c.user_id, e.id));
            }
        }
    }
    Ok(pairs)
}

pub(crate) async fn names(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<BTreeMap<i64, user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

fn describe_conflict(c: &conflict::Model, teams: &[team::Model]) -> String {
    let against = match (c.team_id, &c.organisation_name) {
        (Some(id), _) => teams
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.clone())
            .unwrap_or_default(),
        (None, Some(org)) => org.clone(),
        (None, None) => String::new(),
    };
    format!("{against}: {}", c.reason)
}

/// The staff's page of a challenge's judging.
pub async fn setup(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    now: DateTime<Utc>,
) -> Result<PanelSetup, AppError> {
    let p = panel_of(db, c.id).await?;
    let criteria = criteria_of(db, c.id).await?;
    let judges = judge::Entity::find()
        .filter(judge::Column::ChallengeId.eq(c.id))
        .order_by_asc(judge::Column::JoinedAt)
        .all(db)
        .await?;
    let people = names(db, judges.iter().map(|j| j.user_id).collect()).await?;
    let entries = eligible(db, c.id).await?;
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let assignments = assignment::Entity::find()
        .filter(assignment::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let scores = score::Entity::find()
        .filter(score::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let declared = conflict::Entity::find()
        .filter(conflict::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let conflicts = conflict_pairs(db, c.id, &entries).await?;
    let submitted = |j: i64, e: i64| {
        scores
            .iter()
            .any(|s| s.user_id == j && s.entry_id == e && s.status == "submitted")
    };
    let name = |id: i64| {
        people
            .get(&id)
            .map(|u| u.display_name.clone())
            .unwrap_or_default()
    };
    let panel_judges = judges
        .iter()
        .map(|j| PanelJudge {
            user_id: j.user_id,
            name: name(j.user_id),
            email: people
                .get(&j.user_id)
                .map(|u| u.email.clone())
                .unwrap_or_default(),
            declared: j.declared_at.is_some(),
            conflicts: declared
                .iter()
                .filter(|c| c.user_id == j.user_id)
                .map(|c| describe_conflict(c, &teams))
                .collect(),
            assigned: assignments
                .iter()
                .filter(|a| a.user_id == j.user_id && a.recused_at.is_none())
                .count(),
            submitted: scores
                .iter()
                .filter(|s| s.user_id == j.user_id && s.status == "submitted")
                .count(),
        })
        .collect();
    let k = p.judges_per_entry as usize;
    let mut short = Vec::new();
    let panel_entries = entries
        .iter()
        .map(|e| {
            let on: Vec<&assignment::Model> =
                assignments.iter().filter(|a| a.entry_id == e.id).collect();
            let active = on.iter().filter(|a| a.recused_at.is_none()).count();
            if active < k {
                short.push((entry_code(e), active));
            }
            PanelEntry {
                entry_id: e.id,
                code: entry_code(e),
                team_name: teams
                    .iter()
                    .find(|t| t.id == e.team_id)
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                title: e.title.clone(),
                judges: on
                    .iter()
                    .map(|a| {
                        (
                            a.user_id,
                            name(a.user_id),
                            submitted(a.user_id, e.id),
                            a.recused_at.is_some(),
                        )
                    })
                    .collect(),
                can_add: judges
                    .iter()
                    .filter(|j| j.declared_at.is_some())
                    .filter(|j| !conflicts.contains(&(j.user_id, e.id)))
                    .filter(|j| !on.iter().any(|a| a.user_id == j.user_id))
                    .map(|j| (j.user_id, name(j.user_id)))
                    .collect(),
            }
        })
        .collect();
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::ChallengeId.eq(c.id))
        .filter(invitation::Column::Status.eq("pending"))
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.email)
        .collect();
    let results = if p.closed_at.is_some() {
        Some(ranking(db, c, &p).await?)
    } else {
        None
    };
    Ok(PanelSetup {
        challenge_id: c.id,
        challenge_title: c.title.clone(),
        slug: c.slug.clone(),
        scale: scale_of(&p),
        judges_per_entry: p.judges_per_entry,
        blind: p.blind,
        show_judge_names: p.show_judge_names,
        criteria,
        locked: any_score(db, c.id).await?,
        judges: panel_judges,
        invitations,
        entries: panel_entries,
        short,
        entries_closed: now >= c.entries_close_at,
        closed_at: p.closed_at,
        results,
        results_published_at: c.results_published_at,
        prizes: crate::challenge::service::prizes_of(c)
            .into_iter()
            .map(|p| p.label)
            .collect(),
    })
}

fn refuse_if_closed(p: &panel::Model) -> Result<(), AppError> {
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

/// Invites someone to the panel by email; returns the link's token and their account, if any.
pub async fn invite(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    c: &challenge::Model,
    email: &str,
) -> Result<(String, Option<i64>), AppError> {
    let p = panel_of(db, c.id).await?;
    refuse_if_closed(&p)?;
    let email = crate::account::rules::normalise_email(email);
    crate::account::rules::check_email(&email).map_err(|e| AppError::Invalid(vec![e]))?;
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await?;
    if let Some(a) = &account
        && judge::Entity::find_by_id((c.id, a.id))
            .one(db)
            .await?
            .is_some()
    {
        return Err(AppError::invalid("email", "error.already_judge"));
    }
    let person = crate::participation::Person {
        user_id: account.as_ref().map(|a| a.id),
        email: &email,
    };
    if let Err(err) = crate::participation::may_judge(db, c.id, person).await {
        crate::participation::record_refusal(db, staff, c.id, &err).await?;
        return Err(err);
    }
    let pending = invitation::Entity::find()
        .filter(invitation::Column::ChallengeId.eq(c.id))
        .filter(invitation::Column::Email.eq(&email))
        .filter(invitation::Column::Status.eq("pending"))
        .count(db)
        .await?;
    if pending > 0 {
        return Err(AppError::invalid("email", "error.already_invited"));
    }
    let token = random_token(24);
    invitation::ActiveModel {
        challenge_id: Set(c.id),
        email: Set(email),
        token_hash: Set(sha256_hex(&token)),
        invited_by: Set(Some(staff.id)),
        status: Set("pending".into()),
        created_at: Set(Utc::now()),
        responded_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((token, account.map(|a| a.id)))
}

async fn pending_invitation(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<invitation::Model, AppError> {
    invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(sha256_hex(token.trim())))
        .one(db)
        .await?
        .filter(|i| i.status == "pending")
        .ok_or(AppError::NotFound)
}

pub async fn preview(
    db: &impl ConnectionTrait,
    viewer: Option<&Viewer>,
    token: &str,
) -> Result<PanelInvitation, AppError> {
    let i = pending_invitation(db, token).await?;
    // Only the invitee, signed in, is told which of their team invitations a seat declines.
    let declines_teams = match viewer {
        Some(v) if crate::account::rules::normalise_email(&v.email) == i.email => {
            crate::team::service::invitations_to(db, i.challenge_id, &v.email)
                .await?
                .into_iter()
                .map(|(_, name)| name)
                .collect()
        }
        _ => Vec::new(),
    };
    let c = crate::challenge::service::find(db, i.challenge_id).await?;
    let by = match i.invited_by {
        Some(id) => user::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    Ok(PanelInvitation {
        challenge_title: c.title,
        invited_by: by.unwrap_or_default(),
        declines_teams,
    })
}

/// Accepts or declines an invitation; on accepting, the viewer joins the panel, and their
/// invitations to the challenge's teams are declined. Returns the challenge and how many team
/// invitations were declined.
pub async fn respond(
    db: &(impl ConnectionTrait + TransactionTrait),
    viewer: &Viewer,
    token: &str,
    accept: bool,
) -> Result<(challenge::Model, usize), AppError> {
    let i = pending_invitation(db, token).await?;
    let c = crate::challenge::service::find(db, i.challenge_id).await?;
    // The link is for the address it was sent to: whoever else holds it cannot sit on the panel.
    if crate::account::rules::normalise_email(&viewer.email) != i.email {
        return Err(AppError::conflict("error.invitation_other_email"));
    }
    if accept {
        let person = crate::participation::Person {
            user_id: Some(viewer.id),
            email: &viewer.email,
        };
        if let Err(err) = crate::participation::may_judge(db, c.id, person).await {
            crate::participation::record_refusal(db, viewer, c.id, &err).await?;
            return Err(err);
        }
    }
    let txn = crate::group_commit::begin_writing(db).await?;
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
        crate::team::service::decline_invitations_to(&txn, c.id, &viewer.email).await?
    } else {
        0
    };
    let mut active = i.into_active_model();
    active.status = Set(if accept { "accepted" } else { "declined" }.into());
    active.responded_at = Set(Some(Utc::now()));
    active.update(&txn).await?;
    txn.commit().await?;
    Ok((c, declined))
}

/// The viewer's seat on the panel of `challenge_id`.
async fn seat(
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

/// How a judge names a team when declaring a conflict: the team's number keyed with a secret of
/// the site, so the token cannot be worked back to the number that appears in public addresses,
/// nor made from it.
pub fn team_token(key: &crate::site_key::Key, t: &team::Model) -> String {
    key.digest(&format!("team:{}", t.id), 16)
}

/// The conflicts a judge declares before seeing any entry: against teams (by the token the
/// declaration page gives each) and against an organisation (by name), each with a reason; none
/// at all is a declaration too.
pub struct Declaration {
    pub teams: Vec<String>,
    pub team_reason: String,
    pub organisation: String,
    pub organisation_reason: String,
}

pub async fn declare(
    db: &(impl ConnectionTrait + TransactionTrait),
    viewer: &Viewer,
    challenge_id: i64,
    d: Declaration,
) -> Result<Vec<String>, AppError> {
    let (j, c, p) = seat(db, viewer, challenge_id).await?;
    refuse_if_closed(&p)?;
    if j.declared_at.is_some() {
        return Err(AppError::conflict("error.already_declared"));
    }
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let mut errors = Vec::new();
    let key = crate::site_key::key(db, crate::site_key::Purpose::ConflictToken).await?;
    let by_token: std::collections::HashMap<String, i64> =
        teams.iter().map(|t| (team_token(&key, t), t.id)).collect();
    let mut team_ids = Vec::with_capacity(d.teams.len());
    for token in &d.teams {
        match by_token.get(token.trim()) {
            Some(id) if !team_ids.contains(id) => team_ids.push(*id),
            Some(_) => {}
            None => {
                errors.push(FieldError::new("teams", "error.not_found_field"));
                break;
            }
        }
    }
    if !team_ids.is_empty()
        && let Some(e) = FieldError::length("team_reason", &d.team_reason, 5, 500)
    {
        errors.push(e);
    }
    let organisation = d.organisation.trim();
    if !organisation.is_empty() {
        if let Some(e) = FieldError::length("organisation", organisation, 2, 160) {
            errors.push(e);
        }
        if let Some(e) = FieldError::length("organisation_reason", &d.organisation_reason, 5, 500) {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = Utc::now();
    let txn = crate::group_commit::begin_writing(db).await?;
    let mut made = Vec::new();
    for id in &team_ids {
        made.push(
            conflict::ActiveModel {
                challenge_id: Set(c.id),
                user_id: Set(viewer.id),
                team_id: Set(Some(*id)),
                organisation_name: Set(None),
                reason: Set(d.team_reason.trim().to_owned()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
        );
    }
    if !organisation.is_empty() {
        made.push(
            conflict::ActiveModel {
                challenge_id: Set(c.id),
                user_id: Set(viewer.id),
                team_id: Set(None),
                organisation_name: Set(Some(organisation.to_owned())),
                reason: Set(d.organisation_reason.trim().to_owned()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
        );
    }
    let mut active = j.into_active_model();
    active.declared_at = Set(Some(now));
    active.update(&txn).await?;
    // A conflict declared after an assignment was made undoes it, unless a score was submitted.
    let entries = eligible(&txn, c.id).await?;
    for (judge_id, entry_id) in conflict_pairs(&txn, c.id, &entries).await? {
        if judge_id == viewer.id {
            assignment::Entity::delete_by_id((entry_id, judge_id))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(made.iter().map(|m| describe_conflict(m, &teams)).collect())
}

/// Gives every eligible entry judges until it has k, least-loaded judges first, never one with a
/// declared conflict; judges who have not declared yet are not assigned. Returns how many
/// assignments were added and the codes of entries still short of k.
pub async fn auto_assign(
    db: &(impl ConnectionTrait + TransactionTrait),
    staff: &Viewer,
    c: &challenge::Model,
) -> Result<(usize, Vec<(String, usize)>), AppError> {
    let p = panel_of(db, c.id).await?;
    refuse_if_closed(&p)?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let entries = eligible(&txn, c.id).await?;
    let judges: Vec<i64> = judge::Entity::find()
        .filter(judge::Column::ChallengeId.eq(c.id))
        .filter(judge::Column::DeclaredAt.is_not_null())
        .all(&txn)
        .await?
        .into_iter()
        .map(|j| j.user_id)
        .collect();
    let current = assignment::Entity::find()
        .filter(assignment::Column::ChallengeId.eq(c.id))
        .all(&txn)
        .await?;
    let existing: BTreeSet<(i64, i64)> = current
        .iter()
        .filter(|a| a.recused_at.is_none())
        .map(|a| (a.user_id, a.entry_id))
        .collect();
    let mut blocked = conflict_pairs(&txn, c.id, &entries).await?;
    blocked.extend(
        current
            .iter()
            .filter(|a| a.recused_at.is_some())
            .map(|a| (a.user_id, a.entry_id)),
    );
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let plan = rules::assign(
        &ids,
        &judges,
        p.judges_per_entry as usize,
        &existing,
        &blocked,
    );
    let now = Utc::now();
    let mut added = 0;
    for (j, e) in plan.pairs.difference(&existing) {
        assignment::ActiveModel {
            entry_id: Set(*e),
            user_id: Set(*j),
            challenge_id: Set(c.id),
            assigned_by: Set(Some(staff.id)),
            created_at: Set(now),
            recused_at: Set(None),
            recusal_reason: Set(None),
        }
        .insert(&txn)
        .await?;
        added += 1;
    }
    txn.commit().await?;
    let short = plan
        .short
        .iter()
        .filter_map(|(e, n)| {
            entries
                .iter()
                .find(|x| x.id == *e)
                .map(|x| (entry_code(x), *n))
        })
        .collect();
    Ok((added, short))
}

/// Adds one judge to one entry by hand (never against a declared conflict), or takes them off
/// (not once they submitted a score).
pub async fn set_assignment(
    db: &impl ConnectionTrait,
    staff: &Viewer,
    c: &challenge::Model,
    entry_id: i64,
    judge_id: i64,
    on: bool,
) -> Result<(), AppError> {
    let p = panel_of(db, c.id).await?;
    refuse_if_closed(&p)?;
    let entries = eligible(db, c.id).await?;
    if !entries.iter().any(|e| e.id == entry_id) {
        return Err(AppError::NotFound);
    }
    let seat = judge::Entity::find_by_id((c.id, judge_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if on {
        if seat.declared_at.is_none() {
            return Err(AppError::conflict("error.judge_not_declared"));
        }
        if conflict_pairs(db, c.id, &entries)
            .await?
            .contains(&(judge_id, entry_id))
        {
            return Err(AppError::conflict("error.judge_conflict"));
        }
        if assignment::Entity::find_by_id((entry_id, judge_id))
            .one(db)
            .await?
            .is_none()
        {
            assignment::ActiveModel {
                entry_id: Set(entry_id),
                user_id: Set(judge_id),
                challenge_id: Set(c.id),
                assigned_by: Set(Some(staff.id)),
                created_at: Set(Utc::now()),
                recused_at: Set(None),
                recusal_reason: Set(None),
            }
            .insert(db)
            .await?;
        }
    } else {
        let submitted = score::Entity::find_by_id((entry_id, judge_id))
            .one(db)
            .await?
            .is_some_and(|s| s.status == "submitted");
        if submitted {
            return Err(AppError::conflict("error.assignment_scored"));
        }
        score::Entity::delete_by_id((entry_id, judge_id))
            .exec(db)
            .await?;
        assignment::Entity::delete_by_id((entry_id, judge_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The assignment that lets the viewer score an entry: theirs, not recused, no conflict.
async fn scoring_right(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    entry_id: i64,
) -> Result<(entry::Model, challenge::Model, panel::Model), AppError> {
    let a = assignment::Entity::find_by_id((entry_id, viewer.id))
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    let e = entry::Entity::find_by_id(entry_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, c, p) = seat(db, viewer, a.challenge_id).await?;
    if a.recused_at.is_some() {
        return Err(AppError::conflict("error.recused"));
    }
    if conflict_pairs(db, c.id, std::slice::from_ref(&e))
        .await?
        .contains(&(viewer.id, e.id))
    {
        return Err(AppError::Forbidden);
    }
    Ok((e, c, p))
}

/// A judge steps back from one entry, with a reason (audit log); their draft score goes.
pub async fn recuse(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    entry_id: i64,
    reason: &str,
) -> Result<(challenge::Model, String), AppError> {
    let (e, c, p) = scoring_right(db, viewer, entry_id).await?;
    refuse_if_closed(&p)?;
    crate::challenge::service::check_reason(reason)?;
    let a = assignment::Entity::find_by_id((entry_id, viewer.id))
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    let mut active = a.into_active_model();
    active.recused_at = Set(Some(Utc::now()));
    active.recusal_reason = Set(Some(reason.trim().to_owned()));
    active.update(db).await?;
    score::Entity::delete_by_id((entry_id, viewer.id))
        .exec(db)
        .await?;
    Ok((c, entry_code(&e)))
}

/// The challenges a person judges, with their progress.
pub async fn my_panels(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
) -> Result<Vec<JudgeChallenge>, AppError> {
    if viewer.office_waiting {
        return Err(AppError::TwoFactorNeeded);
    }
    let seats = judge::Entity::find()
        .filter(judge::Column::UserId.eq(viewer.id))
        .all(db)
        .await?;
    let ids: Vec<i64> = seats.iter().map(|j| j.challenge_id).collect();
    let challenges = challenge::Entity::find()
        .filter(challenge::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    let panels = panel::Entity::find()
        .filter(panel::Column::ChallengeId.is_in(ids))
        .all(db)
        .await?;
    let assigned = assignment::Entity::find()
        .filter(assignment::Column::UserId.eq(viewer.id))
        .filter(assignment::Column::RecusedAt.is_null())
        .all(db)
        .await?;
    let submitted = score::Entity::find()
        .filter(score::Column::UserId.eq(viewer.id))
        .filter(score::Column::Status.eq("submitted"))
        .all(db)
        .await?;
    Ok(seats
        .into_iter()
        .filter_map(|j| {
            let c = challenges.iter().find(|c| c.id == j.challenge_id)?;
            Some(JudgeChallenge {
                challenge_id: c.id,
                title: c.title.clone(),
                declared: j.declared_at.is_some(),
                closed: panels
                    .iter()
                    .any(|p| p.challenge_id == c.id && p.closed_at.is_some()),
                assigned: assigned.iter().filter(|a| a.challenge_id == c.id).count(),
                submitted: submitted.iter().filter(|s| s.challenge_id == c.id).count(),
            })
        })
        .collect())
}

/// A judge's page for one challenge: before the declaration, only the teams; after it, the queue.
pub async fn queue(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    challenge_id: i64,
) -> Result<JudgeQueue, AppError> {
    let (j, c, p) = seat(db, viewer, challenge_id).await?;
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(c.id))
        .order_by_asc(team::Column::Name)
        .all(db)
        .await?;
    let declared = j.declared_at.is_some();
    let conflicts = conflict::Entity::find()
        .filter(conflict::Column::ChallengeId.eq(c.id))
        .filter(conflict::Column::UserId.eq(viewer.id))
        .all(db)
        .await?
        .iter()
        .map(|x| describe_conflict(x, &teams))
        .collect();
    let mut items = Vec::new();
    if declared {
        let mine = assignment::Entity::find()
            .filter(assignment::Column::UserId.eq(viewer.id))
            .filter(assignment::Column::ChallengeId.eq(c.id))
            .all(db)
            .await?;
        let entries = entry::Entity::find()
            .filter(entry::Column::Id.is_in(mine.iter().map(|a| a.entry_id).collect::<Vec<_>>()))
            .order_by_asc(entry::Column::Id)
            .all(db)
            .await?;
        let scores = score::Entity::find()
            .filter(score::Column::UserId.eq(viewer.id))
            .filter(score::Column::ChallengeId.eq(c.id))
            .all(db)
            .await?;
        let mut titles = submitted_titles(db, &entries).await?;
        for e in entries {
            let a = mine.iter().find(|a| a.entry_id == e.id);
            items.push(QueueItem {
                entry_id: e.id,
                code: entry_code(&e),
                title: titles.remove(&e.id).unwrap_or_default(),
                team_name: (!p.blind)
                    .then(|| {
                        teams
                            .iter()
                            .find(|t| t.id == e.team_id)
                            .map(|t| t.name.clone())
                    })
                    .flatten(),
                state: scores
                    .iter()
                    .find(|s| s.entry_id == e.id)
                    .map_or("none".to_owned(), |s| s.status.clone()),
                recused: a.is_some_and(|a| a.recused_at.is_some()),
            });
        }
    }
    let key = crate::site_key::key(db, crate::site_key::Purpose::ConflictToken).await?;
    Ok(JudgeQueue {
        challenge_id: c.id,
        title: c.title,
        slug: c.slug,
        declared,
        closed: p.closed_at.is_some(),
        blind: p.blind,
        teams: teams
            .into_iter()
            .map(|t| TeamForConflict {
                token: team_token(&key, &t),
                name: t.name,
                organisation_name: t.organisation_name,
            })
            .collect(),
        conflicts,
        items,
    })
}

/// The last version a team submitted: what judges score.
async fn last_version(
    db: &impl ConnectionTrait,
    e: &entry::Model,
) -> Result<Option<version::Model>, AppError> {
    Ok(version::Entity::find()
        .filter(version::Column::EntryId.eq(e.id))
        .order_by_desc(version::Column::Number)
        .one(db)
        .await?)
}

pub(crate) async fn submitted_fields(
    db: &impl ConnectionTrait,
    e: &entry::Model,
) -> Result<EntryFields, AppError> {
    Ok(last_version(db, e)
        .await?
        .and_then(|v| serde_json::from_str(&v.content).ok())
        .unwrap_or_default())
}

/// The titles of several entries as last submitted, in one query: entry id → title.
async fn submitted_titles(
    db: &impl ConnectionTrait,
    entries: &[entry::Model],
) -> Result<HashMap<i64, String>, AppError> {
    let versions = version::Entity::find()
        .filter(version::Column::EntryId.is_in(entries.iter().map(|e| e.id).collect::<Vec<_>>()))
        .order_by_desc(version::Column::Number)
        .all(db)
        .await?;
    let mut titles = HashMap::new();
    for v in versions {
        // Newest first: the first version seen of each entry is its last.
        titles.entry(v.entry_id).or_insert_with(|| {
            serde_json::from_str::<EntryFields>(&v.content)
                .unwrap_or_default()
                .title
        });
    }
    Ok(titles)
}

/// The entry beside the rubric, for a judge assigned to it.
pub async fn sheet(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    entry_id: i64,
) -> Result<ScoreSheet, AppError> {
    let (e, c, p) = scoring_right(db, viewer, entry_id).await?;
    // Nothing of an entry reaches a judge while its team may still change it (a judge could pass
    // it on to a team that is still writing).
    if Utc::now() < crate::entry::service::closes_at(&c, &e) {
        return Err(AppError::conflict("error.judging_not_open"));
    }
    let v = last_version(db, &e).await?;
    let fields: EntryFields = v
        .as_ref()
        .and_then(|v| serde_json::from_str(&v.content).ok())
        .unwrap_or_default();
    let code = entry_code(&e);
    let file_ids = v.as_ref().map(|v| v.upload_ids()).unwrap_or_default();
    let mut files = crate::upload::service::links(db, file_ids.clone()).await?;
    files.sort_by_key(|f| file_ids.iter().position(|id| *id == f.id));
    if p.blind {
        // The team's own file names may name the team: judges get the entry code instead.
        for (i, f) in files.iter_mut().enumerate() {
            let ext = f.name.rsplit('.').next().unwrap_or("pdf").to_owned();
            f.name = format!("{}-{}.{ext}", code.to_lowercase(), i + 1);
        }
    }
    let marks = score::Entity::find_by_id((e.id, viewer.id)).one(db).await?;
    let mine: Vec<i64> = assignment::Entity::find()
        .filter(assignment::Column::UserId.eq(viewer.id))
        .filter(assignment::Column::ChallengeId.eq(c.id))
        .filter(assignment::Column::RecusedAt.is_null())
        .order_by_asc(assignment::Column::EntryId)
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.entry_id)
        .collect();
    let done: BTreeSet<i64> = score::Entity::find()
        .filter(score::Column::UserId.eq(viewer.id))
        .filter(score::Column::ChallengeId.eq(c.id))
        .filter(score::Column::Status.eq("submitted"))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.entry_id)
        .collect();
    let position = mine.iter().position(|id| *id == e.id).unwrap_or(0);
    let next_entry = mine
        .iter()
        .cycle()
        .skip(position + 1)
        .take(mine.len().saturating_sub(1))
        .find(|id| !done.contains(id))
        .copied();
    let team_name = if p.blind {
        None
    } else {
        team::Entity::find_by_id(e.team_id)
            .one(db)
            .await?
            .map(|t| t.name)
    };
    Ok(ScoreSheet {
        challenge_id: c.id,
        challenge_title: c.title.clone(),
        entry_id: e.id,
        code,
        team_name,
        title: fields.title.clone(),
        summary: fields.summary.clone(),
        solution_html: crate::markdown::to_safe_html(&fields.solution),
        pilot_plan: fields.pilot_plan.clone(),
        cost_vnd: crate::i18n::format::parse_vnd(&fields.cost).unwrap_or(0),
        experience: fields.experience.clone(),
        demo_url: fields.demo_url.clone(),
        files,
        criteria: criteria_of(db, c.id).await?,
        scale: scale_of(&p),
        marks: marks
            .as_ref()
            .and_then(|m| serde_json::from_str(&m.marks).ok())
            .unwrap_or_default(),
        submitted: marks.is_some_and(|m| m.status == "submitted"),
        closed: p.closed_at.is_some(),
        position: position + 1,
        of: mine.len(),
        next_entry,
    })
}

/// Whether `viewer` is a judge assigned to the entry holding upload `upload_id` (for `/files`),
/// once the entry's own deadline has passed, and the file is one the entry's last submitted
/// version holds: a file the team took off (a deck that named it) is not the judges' to read.
pub async fn judge_may_read(
    db: &impl ConnectionTrait,
    entry_id: i64,
    upload_id: i64,
    viewer: &Viewer,
) -> Result<bool, sea_orm::DbErr> {
    if !viewer.is_judge {
        return Ok(false);
    }
    let assigned = assignment::Entity::find_by_id((entry_id, viewer.id))
        .one(db)
        .await?
        .is_some_and(|a| a.recused_at.is_none());
    if !assigned {
        return Ok(false);
    }
    let Some(e) = entry::Entity::find_by_id(entry_id).one(db).await? else {
        return Ok(false);
    };
    let Some(c) = challenge::Entity::find_by_id(e.challenge_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    if Utc::now() < crate::entry::service::closes_at(&c, &e) {
        return Ok(false);
    }
    let submitted = version::Entity::find()
        .filter(version::Column::EntryId.eq(e.id))
        .order_by_desc(version::Column::Number)
        .one(db)
        .await?;
    Ok(submitted.is_some_and(|v| v.upload_ids().contains(&upload_id)))
}

/// Saves a judge's marks: as a draft, or submitted (complete, with the comments required).
/// Scores open when the entry's own deadline has passed and close when staff close judging.
pub async fn save_marks(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    entry_id: i64,
    marks: Marks,
    submit: bool,
) -> Result<DateTime<Utc>, AppError> {
    let (e, c, p) = scoring_right(db, viewer, entry_id).await?;
    refuse_if_closed(&p)?;
    let now = Utc::now();
    if now < crate::entry::service::closes_at(&c, &e) {
        return Err(AppError::conflict("error.judging_not_open"));
    }
    let criteria = criteria_of(db, c.id).await?;
    if criteria.is_empty() {
        return Err(AppError::conflict("error.rubric_missing"));
    }
    let errors = if submit {
        rules::check_submitted_marks(&criteria, scale_of(&p), &marks)
    } else {
        rules::check_draft_marks(&criteria, scale_of(&p), &marks)
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let existing = score::Entity::find_by_id((e.id, viewer.id)).one(db).await?;
    // A submitted score stays submitted: a later change is saved as the submitted score, once it
    // is complete.
    let was_submitted = existing.as_ref().is_some_and(|s| s.status == "submitted");
    if was_submitted && !submit {
        let errors = rules::check_submitted_marks(&criteria, scale_of(&p), &marks);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
    }
    let submitted = submit || was_submitted;
    let json = serde_json::to_string(&marks).map_err(crate::error::internal)?;
    let total = if submitted {
        rules::weighted_total(&criteria, &marks)
    } else {
        None
    };
    match existing {
        Some(s) => {
            let first_submit = s.submitted_at.is_none() && submitted;
            if was_submitted && s.marks != json {
                // A submitted score changed: what it was stays on the record, with the change.
                crate::audit::service::Record::new("score.change", "entry", Some(e.id))
                    .by(viewer)
                    .details(serde_json::json!({
                        "challenge": c.id,
                        "before": serde_json::from_str::<serde_json::Value>(&s.marks).unwrap_or_default(),
                        "before_total": s.total,
                        "after_total": total,
                    }))
                    .save(db)
                    .await?;
            }
            let mut active = s.into_active_model();
            active.marks = Set(json);
            active.status = Set(if submitted { "submitted" } else { "draft" }.into());
            active.total = Set(total);
            active.updated_at = Set(now);
            if first_submit {
                active.submitted_at = Set(Some(now));
            }
            active.update(db).await?;
        }
        None => {
            score::ActiveModel {
                entry_id: Set(e.id),
                user_id: Set(viewer.id),
                challenge_id: Set(c.id),
                marks: Set(json),
                status: Set(if submitted { "submitted" } else { "draft" }.into()),
                total: Set(total),
                updated_at: Set(now),
                submitted_at: Set(submitted.then_some(now)),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(now)
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

/// The ranking of the eligible entries from the submitted scores, with the awards decided.
pub async fn ranking(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    p: &panel::Model,
) -> Result<Vec<RankedEntry>, AppError> {
    let entries = eligible(db, c.id).await?;
    let sheets: Vec<rules::Sheet> = score::Entity::find()
        .filter(score::Column::ChallengeId.eq(c.id))
        .filter(score::Column::Status.eq("submitted"))
        .all(db)
        .await?
        .into_iter()
        .filter(|s| entries.iter().any(|e| e.id == s.entry_id))
        .filter_map(|s| {
            s.total.map(|total| rules::Sheet {
                judge: s.user_id,
                entry: s.entry_id,
                total,
            })
        })
        .collect();
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let standings = rules::standings(&sheets, &ids, p.judges_per_entry as usize, scale_of(p));
    let teams = team::Entity::find()
        .filter(team::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let awards = award::Entity::find()
        .filter(award::Column::ChallengeId.eq(c.id))
        .all(db)
        .await?;
    let mut titles = submitted_titles(db, &entries).await?;
    let mut out = Vec::new();
    for s in standings {
        let Some(e) = entries.iter().find(|e| e.id == s.entry) else {
            continue;
        };
        let a = awards.iter().find(|a| a.entry_id == e.id);
        out.push(RankedEntry {
            code: entry_code(e),
            team_name: teams
                .iter()
                .find(|t| t.id == e.team_id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            title: titles.remove(&e.id).unwrap_or_default(),
            award: a.map(|a| a.prize.clone()),
            award_reason: a.and_then(|a| a.reason.clone()),
            standing: s,
        });
    }
    Ok(out)
}

/// Decides the awards: prize `i` (in the challenge's order) goes to `winners[i]`. A choice that
/// departs from the ranking needs a written reason, published with the results.
pub async fn decide_awards(
    db: &(impl ConnectionTrait + TransactionTrait),
    staff: &Viewer,
    c: &challenge::Model,
    winners: &[i64],
    reason: &str,
) -> Result<bool, AppError> {
    let p = panel_of(db, c.id).await?;
    if p.closed_at.is_none() {
        return Err(AppError::conflict("error.judging_still_open"));
    }
    if rules::results_out(c.results_published_at, Utc::now()) {
        return Err(AppError::conflict("error.results_published"));
    }
    let prizes = crate::challenge::service::prizes_of(c);
    let ranked = ranking(db, c, &p).await?;
    let mut errors = Vec::new();
    for (i, w) in winners.iter().enumerate() {
        if i >= prizes.len() || !ranked.iter().any(|r| r.standing.entry == *w) {
            errors.push(FieldError::new(
                &format!("winner_{i}"),
                "error.not_found_field",
            ));
        }
    }
    let distinct: BTreeSet<&i64> = winners.iter().collect();
    if distinct.len() != winners.len() {
        errors.push(FieldError::new("winners", "error.award_twice"));
    }
    let ranks: Vec<(i64, usize)> = ranked
        .iter()
        .map(|r| (r.standing.entry, r.standing.rank))
        .collect();
    let departs = !rules::follows_ranking(&ranks, winners);
    if departs && let Some(e) = FieldError::length("reason", reason, 10, 1000) {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let txn = db.begin().await?;
    award::Entity::delete_many()
        .filter(award::Column::ChallengeId.eq(c.id))
        .exec(&txn)
        .await?;
    for (i, w) in winners.iter().enumerate() {
        award::ActiveModel {
            challenge_id: Set(c.id),
            entry_id: Set(*w),
            prize: Set(prizes[i].label.clone()),
            position: Set(i as i32),
            reason: Set(departs.then(|| reason.trim().to_owned())),
            decided_by: Set(Some(staff.id)),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(departs)
}

/// Publishes the results at `at` (now, or a moment staff choose). Entries become public from
/// then, if the vote had not made them so already; until then staff may move the moment.
pub async fn publish(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    at: DateTime<Utc>,
) -> Result<challenge::Model, AppError> {
    let p = panel_of(db, c.id).await?;
    if p.closed_at.is_none() {
        return Err(AppError::conflict("error.judging_still_open"));
    }
    let now = Utc::now();
    if rules::results_out(c.results_published_at, now) {
        return Err(AppError::conflict("error.results_published"));
    }
    let mut active = c.clone().into_active_model();
    active.results_published_at = Set(Some(at.max(now)));
    active.updated_at = Set(now);
    Ok(active.update(db).await?)
}

/// Tells the members of every team with an eligible entry that results are out, once per
/// challenge: each challenge is claimed with a conditional update, so several instances send it
/// once. Returns how many challenges were announced.
pub async fn notify_results(
    db: &sea_orm::DatabaseConnection,
    links: &crate::links::Links,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    use crate::notify::model::NotificationKind;
    let due = challenge::Entity::find()
        .filter(challenge::Column::ResultsPublishedAt.lte(now))
        .filter(challenge::Column::ResultsNotifiedAt.is_null())
        .all(db)
        .await?;
    let mut sent = 0;
    for c in due {
        let claim = challenge::Entity::update_many()
            .set(challenge::ActiveModel {
                results_notified_at: Set(Some(now)),
                ..Default::default()
            })
            .filter(challenge::Column::Id.eq(c.id))
            .filter(challenge::Column::ResultsNotifiedAt.is_null());
        let Some(txn) = crate::group_commit::claim(db, claim).await? else {
            continue;
        };
        for t in teams_with_entries(&txn, c.id).await? {
            crate::team::service::notify_members(
                &txn,
                links,
                &t,
                NotificationKind::ResultsPublished,
                &[("team", &t.name), ("challenge", &c.title)],
            )
            .await?;
        }
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// What a team's members read once results are published: their standing and their judges'
/// comments (judges named only if the challenge says so).
pub async fn feedback(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_id: i64,
) -> Result<Option<TeamFeedback>, AppError> {
    let (t, c) = crate::entry::service::team_of(db, viewer, team_id).await?;
    if !rules::results_out(c.results_published_at, Utc::now()) {
        return Ok(None);
    }
    let Some(e) = entry::Entity::find()
        .filter(entry::Column::TeamId.eq(t.id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let p = panel_of(db, c.id).await?;
    let standing = ranking(db, &c, &p)
        .await?
        .into_iter()
        .find(|r| r.standing.entry == e.id)
        .map(|r| r.standing);
    let scores = score::Entity::find()
        .filter(score::Column::EntryId.eq(e.id))
        .filter(score::Column::Status.eq("submitted"))
        .order_by_asc(score::Column::SubmittedAt)
        .all(db)
        .await?;
    let people = names(db, scores.iter().map(|s| s.user_id).collect()).await?;
    let comments = scores
        .iter()
        .map(|s| {
            let marks: Marks = serde_json::from_str(&s.marks).unwrap_or_default();
            JudgeComments {
                judge: p
                    .show_judge_names
                    .then(|| people.get(&s.user_id).map(|u| u.display_name.clone()))
                    .flatten(),
                per_criterion: marks
                    .comments
                    .into_iter()
                    .filter(|(_, c)| !c.trim().is_empty())
                    .collect(),
                overall: marks.overall,
            }
        })
        .collect();
    Ok(Some(TeamFeedback {
        standing,
        criteria: criteria_of(db, c.id).await?,
        comments,
    }))
}

/// The members of every team with an eligible entry, to tell them the results are out.
pub async fn teams_with_entries(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<Vec<team::Model>, AppError> {
    let ids: Vec<i64> = eligible(db, challenge_id)
        .await?
        .into_iter()
        .map(|e| e.team_id)
        .collect();
    Ok(team::Entity::find()
        .filter(team::Column::Id.is_in(ids))
        .all(db)
        .await?)
}
