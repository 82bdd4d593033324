//! Who takes part in a challenge, and in which role: its organisers (the running organisation's
//! staff, and those who were while it existed), its judges (on the panel or invited to it) and its competitors (in a team, or once
//! in one). A person holds at most one of judge and competitor, and an organiser never competes:
//! nobody has to declare these conflicts, they are refused. And while a blind panel judges,
//! nobody learns from a public page which team wrote which entry. This room reads the tables of
//! the rooms that keep those roles and imports none of them, so teams, entries and judging all
//! ask it.

use sea_orm::ConnectionTrait;

use crate::error::AppError;

/// A role in one challenge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Organiser,
    /// Was staff of the organiser (or an administrator) while the challenge existed: they have
    /// read its entries with their teams, or could have.
    FormerOrganiser,
    Judge,
    Competitor,
}

/// The person asked about: an account, its email (invitations go to addresses), or both.
#[derive(Clone, Copy, Debug)]
pub struct Person<'a> {
    pub user_id: Option<i64>,
    pub email: &'a str,
}

/// The roles `person` holds in challenge `challenge_id`.
pub async fn roles_of(
    db: &impl ConnectionTrait,
    challenge_id: i64,
    person: Person<'_>,
) -> Result<Vec<Role>, AppError> {
    // Invitations go to addresses: one written another way on the same mailbox (`lan+x@`) is the
    // same person, and so is the account on it.
    let mailbox =
        crate::account::rules::mailbox_key(&crate::account::rules::normalise_email(person.email));
    let mailbox_hash = crate::account::rules::mailbox_hash(person.email);
    let user_id = match person.user_id {
        Some(id) => id,
        None => {
            use crate::auth::entity::user;
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            user::Entity::find()
                .filter(user::Column::MailboxKey.eq(&mailbox))
                .one(db)
                .await?
                .map_or(-1, |u| u.id)
        }
    };
    let checks = [
        // Administrators act as staff of every organisation.
        (
            Role::Organiser,
            "SELECT (SELECT COUNT(*) FROM org_staff s JOIN challenges c \
             ON c.organisation_id = s.organisation_id WHERE c.id = ?1 AND s.user_id = ?2) \
             + (SELECT COUNT(*) FROM users WHERE id = ?2 AND is_admin = ?3) AS n",
            None,
        ),
        // A departure counts for the challenges that existed before it: a person who left
        // knows nothing of a challenge created after.
        (
            Role::FormerOrganiser,
            "SELECT COUNT(*) AS n FROM staff_departures d JOIN challenges c ON c.id = ?1 \
             AND (d.organisation_id = c.organisation_id OR d.organisation_id IS NULL) \
             WHERE (d.user_id = ?2 OR d.mailbox_hash = ?4) AND c.created_at <= d.left_at",
            None,
        ),
        (
            Role::Judge,
            "SELECT COUNT(*) AS n FROM judges WHERE challenge_id = ?1 AND user_id = ?2",
            Some(
                "SELECT email FROM invitations WHERE challenge_id = ?1 \
                 AND team_id IS NULL AND status = 'pending'",
            ),
        ),
        // Someone who has left a team still knows who wrote its entry. An invitation to a team
        // does not count: a team could otherwise keep a judge it fears off the panel by inviting
        // them first. Taking a seat on the panel declines the judge's team invitations instead.
        (
            Role::Competitor,
            "SELECT (SELECT COUNT(*) FROM team_members WHERE challenge_id = ?1 AND user_id = ?2) \
             + (SELECT COUNT(*) FROM team_departures WHERE challenge_id = ?1 \
             AND (user_id = ?2 OR mailbox_hash = ?4)) AS n",
            None,
        ),
    ];
    let mut roles = Vec::new();
    for (role, sql, invited) in checks {
        let values = [
            challenge_id.into(),
            user_id.into(),
            true.into(),
            mailbox_hash.clone().into(),
        ];
        let holds = count(db, sql, values).await? > 0
            || match invited {
                Some(sql) => invited_addresses(db, sql, [challenge_id.into()])
                    .await?
                    .iter()
                    .any(|email| crate::account::rules::mailbox_key(email) == mailbox),
                None => false,
            };
        if holds {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// Holds the person `user_id` until the transaction `db` ends; whether their account is still
/// there (not deleted). Every transaction that gives a person a role in a challenge (a seat on a
/// team or a panel, staff, administrator) holds the person first and checks the rules above
/// inside it: two roles given to one person at once are checked one after the other, and the
/// second sees the first; a role given as the account is deleted finds it gone.
pub async fn hold(db: &impl ConnectionTrait, user_id: i64) -> Result<bool, AppError> {
    let account = crate::account::service::held(db, user_id).await?;
    Ok(account.is_some_and(|a| {
        !a.email
            .as_deref()
            .is_some_and(crate::account::rules::is_deleted_address)
    }))
}

/// Whether someone who organises the challenge, or did while it existed (staff of its
/// organisation, an administrator, former staff), sits on its panel: it cannot be made blind
/// around them. Called with the panel held, so that no seat is taken meanwhile; each seated
/// judge is held too (one statement), so that one made staff or an administrator at this moment
/// is seen, or waits and is then refused as a judge of a blind panel.
pub async fn organiser_seated(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<bool, AppError> {
    let backend = db.get_database_backend();
    let hold = match backend {
        sea_orm::DatabaseBackend::Postgres => " FOR NO KEY UPDATE OF u",
        _ => "",
    };
    let sql = format!(
        "SELECT u.id, COALESCE(u.email, u.phone) AS email FROM judges j \
         JOIN users u ON u.id = j.user_id \
         WHERE j.challenge_id = ?1 ORDER BY u.id{hold}"
    );
    let rows = db
        .query_all_raw(crate::sql::numbered(backend, &sql, [challenge_id.into()]))
        .await?;
    for row in rows {
        let (user_id, email): (i64, Option<String>) =
            (row.try_get("", "id")?, row.try_get("", "email")?);
        let person = Person {
            user_id: Some(user_id),
            email: email.as_deref().unwrap_or_default(),
        };
        let roles = roles_of(db, challenge_id, person).await?;
        if roles.contains(&Role::Organiser) || roles.contains(&Role::FormerOrganiser) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The addresses `sql` (numbered parameters, `values`) lists in its column `email`.
async fn invited_addresses(
    db: &impl ConnectionTrait,
    sql: &str,
    values: impl IntoIterator<Item = sea_orm::Value>,
) -> Result<Vec<String>, AppError> {
    let rows = db
        .query_all_raw(crate::sql::numbered(db.get_database_backend(), sql, values))
        .await?;
    rows.iter()
        .map(|row| Ok(row.try_get::<String>("", "email")?))
        .collect()
}

/// The number `sql` (numbered parameters) counts into its column `n`.
async fn count(
    db: &impl ConnectionTrait,
    sql: &str,
    values: impl IntoIterator<Item = sea_orm::Value>,
) -> Result<i64, AppError> {
    let row = db
        .query_one_raw(crate::sql::numbered(db.get_database_backend(), sql, values))
        .await?;
    Ok(match row {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    })
}

/// Whether the challenge's panel judges blind and has not closed: until it closes, no public page,
/// feed or API answer pairs an entry with its team (a judge could read it there).
pub async fn blind_judging_runs(
    db: &impl ConnectionTrait,
    challenge_id: i64,
) -> Result<bool, AppError> {
    // A challenge whose panel is not set up yet will judge blind (a new panel is): its teams are
    // not paired with entries before the panel exists either, or a public vote opened first
    // would have shown them to the judges-to-be.
    Ok(blind_judging_runs_among(db, &[challenge_id])
        .await?
        .contains(&challenge_id))
}

/// Of `challenge_ids`, those whose teams are hidden now ([`blind_judging_runs`] for each, read
/// at once): all but those whose panel exists and does not judge blind, or has closed.
pub async fn blind_judging_runs_among(
    db: &impl ConnectionTrait,
    challenge_ids: &[i64],
) -> Result<std::collections::HashSet<i64>, AppError> {
    if challenge_ids.is_empty() {
        return Ok(Default::default());
    }
    let marks: Vec<String> = (1..=challenge_ids.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "SELECT challenge_id FROM panels WHERE challenge_id IN ({}) \
         AND NOT (blind = ?{} AND closed_at IS NULL)",
        marks.join(", "),
        challenge_ids.len() + 1
    );
    let values = challenge_ids
        .iter()
        .map(|id| sea_orm::Value::from(*id))
        .chain([true.into()]);
    let shown = db
        .query_all_raw(crate::sql::numbered(
            db.get_database_backend(),
            &sql,
            values,
        ))
        .await?
        .into_iter()
        .map(|row| row.try_get::<i64>("", "challenge_id"))
        .collect::<Result<std::collections::HashSet<i64>, _>>()?;
    Ok(challenge_ids
        .iter()
        .copied()
        .filter(|id| !shown.contains(id))
        .collect())
}

/// Refused, with the reason, if `person` may not compete in the challenge.
pub async fn may_compete(
    db: &impl ConnectionTrait,
    challenge_id: i64,
    person: Person<'_>,
) -> Result<(), AppError> {
    let roles = roles_of(db, challenge_id, person).await?;
    refusal_to_compete(&roles).map_or(Ok(()), |key| Err(AppError::conflict(key)))
}

/// Refused, with the reason, if `person` competes (or is invited to) in a challenge of the
/// organisation that is not over yet (its results not published, not cancelled), or sits on a
/// blind panel of one that has not closed: staff read every entry with its team. They join once
/// their challenge is over (or their panel has closed).
pub async fn may_organise(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    person: Person<'_>,
) -> Result<(), AppError> {
    reads_no_team_unseen(db, ("c.organisation_id = ?1", organisation_id), person).await
}

/// Refused, with the reason, if `person` competes (or is invited to) in any challenge that is
/// not over yet, or sits on a blind panel that has not closed: an administrator organises every
/// challenge and reads every entry with its team. They become one once their challenge is over
/// (or their panel has closed).
pub async fn may_administer(db: &impl ConnectionTrait, person: Person<'_>) -> Result<(), AppError> {
    // Every challenge's id is above zero: no filter.
    reads_no_team_unseen(db, ("c.id > ?1", 0), person).await
}

/// Whether `person` may take a role that reads every entry with its team in the challenges
/// `scope` keeps (an SQL condition on `c`, the challenge, with its value as `?1`): not while
/// they compete in one that is not over, nor while they sit on its blind panel.
async fn reads_no_team_unseen(
    db: &impl ConnectionTrait,
    (scope, value): (&str, i64),
    person: Person<'_>,
) -> Result<(), AppError> {
    let user_id = person.user_id.unwrap_or(-1);
    // A challenge is over once its results are out (not merely scheduled) or it is cancelled.
    let members = format!(
        "SELECT COUNT(*) AS n FROM team_members m JOIN challenges c ON c.id = m.challenge_id \
         WHERE {scope} AND m.user_id = ?2 \
         AND (c.results_published_at IS NULL OR c.results_published_at > ?3) \
         AND c.status <> 'cancelled'"
    );
    // Invitations go to addresses, compared by mailbox (`lan+x@` is Lan).
    let invited = format!(
        "SELECT i.email FROM invitations i JOIN challenges c ON c.id = i.challenge_id \
         WHERE {scope} AND i.team_id IS NOT NULL AND i.status = 'pending' \
         AND (c.results_published_at IS NULL OR c.results_published_at > ?2) \
         AND c.status <> 'cancelled'"
    );
    let mailbox =
        crate::account::rules::mailbox_key(&crate::account::rules::normalise_email(person.email));
    let now = chrono::Utc::now();
    let competes = count(db, &members, [value.into(), user_id.into(), now.into()]).await? > 0
        || invited_addresses(db, &invited, [value.into(), now.into()])
            .await?
            .iter()
            .any(|email| crate::account::rules::mailbox_key(email) == mailbox);
    if competes {
        return Err(AppError::conflict("error.competitor_cannot_organise"));
    }
    let judges_blind = format!(
        "SELECT COUNT(*) AS n FROM judges j JOIN challenges c ON c.id = j.challenge_id \
         WHERE {scope} AND j.user_id = ?2 AND c.status <> 'cancelled' AND EXISTS \
         (SELECT 1 FROM panels p WHERE p.challenge_id = c.id AND p.blind = ?3 \
         AND p.closed_at IS NULL)"
    );
    let values = [value.into(), user_id.into(), true.into()];
    if count(db, &judges_blind, values).await? > 0 {
        return Err(AppError::conflict("error.blind_judge_cannot_organise"));
    }
    Ok(())
}

/// Refused, with the reason, if `person` may not judge the challenge (on a `blind` panel, or
/// one that shows the teams).
pub async fn may_judge(
    db: &impl ConnectionTrait,
    challenge_id: i64,
    person: Person<'_>,
    blind: bool,
) -> Result<(), AppError> {
    let roles = roles_of(db, challenge_id, person).await?;
    refusal_to_judge(&roles, blind).map_or(Ok(()), |key| Err(AppError::conflict(key)))
}

/// Why someone holding `roles` may not compete, if they may not.
pub fn refusal_to_compete(roles: &[Role]) -> Option<&'static str> {
    if roles.contains(&Role::Organiser) {
        Some("error.organiser_cannot_compete")
    } else if roles.contains(&Role::FormerOrganiser) {
        Some("error.former_organiser_cannot_compete")
    } else if roles.contains(&Role::Judge) {
        Some("error.judge_cannot_compete")
    } else {
        None
    }
}

/// Why someone holding `roles` may not judge, if they may not. Staff of the organiser (and
/// administrators) read every entry with its team: they may sit on a panel that shows the
/// teams, never on a blind one.
pub fn refusal_to_judge(roles: &[Role], blind: bool) -> Option<&'static str> {
    if roles.contains(&Role::Competitor) {
        Some("error.competitor_cannot_judge")
    } else if blind && roles.contains(&Role::Organiser) {
        Some("error.organiser_cannot_judge_blind")
    } else if blind && roles.contains(&Role::FormerOrganiser) {
        Some("error.former_organiser_cannot_judge_blind")
    } else {
        None
    }
}

/// Whether `err` is one of the refusals above (they are recorded in the audit log).
pub fn is_role_refusal(err: &AppError) -> bool {
    matches!(err, AppError::Conflict { key, .. } if matches!(key.as_str(),
        "error.organiser_cannot_compete" | "error.judge_cannot_compete" | "error.competitor_cannot_judge"
        | "error.competitor_cannot_organise" | "error.organiser_cannot_judge_blind"
        | "error.blind_judge_cannot_organise" | "error.former_organiser_cannot_compete"
        | "error.former_organiser_cannot_judge_blind"))
}

/// Records that `actor` was refused a role in the challenge, and why (not public: it names a
/// person).
pub async fn record_refusal(
    db: &impl ConnectionTrait,
    actor: &crate::auth::Viewer,
    challenge_id: i64,
    err: &AppError,
) -> Result<(), AppError> {
    let AppError::Conflict { key, .. } = err else {
        return Ok(());
    };
    crate::audit::service::Record::new("participation.refused", "challenge", Some(challenge_id))
        .by(actor)
        .reason(key)
        .save(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organiser_or_a_judge_never_competes_and_a_competitor_never_judges() {
        assert_eq!(refusal_to_compete(&[]), None);
        assert_eq!(
            refusal_to_compete(&[Role::Organiser]),
            Some("error.organiser_cannot_compete")
        );
        assert_eq!(
            refusal_to_compete(&[Role::Judge]),
            Some("error.judge_cannot_compete")
        );
        // Nor someone who was staff while the challenge existed.
        assert_eq!(
            refusal_to_compete(&[Role::FormerOrganiser]),
            Some("error.former_organiser_cannot_compete")
        );
        // Staff may sit on their own challenge's panel when it shows the teams, not a blind one;
        // nor may former staff.
        assert_eq!(refusal_to_judge(&[Role::Organiser], false), None);
        assert_eq!(refusal_to_judge(&[Role::FormerOrganiser], false), None);
        assert_eq!(
            refusal_to_judge(&[Role::FormerOrganiser], true),
            Some("error.former_organiser_cannot_judge_blind")
        );
        assert_eq!(
            refusal_to_judge(&[Role::Organiser], true),
            Some("error.organiser_cannot_judge_blind")
        );
        for blind in [false, true] {
            assert_eq!(
                refusal_to_judge(&[Role::Competitor], blind),
                Some("error.competitor_cannot_judge")
            );
            assert_eq!(refusal_to_judge(&[], blind), None);
        }
    }
}
