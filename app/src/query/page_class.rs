//! Which signed-in people may be sent one rendering of a page: its class.
//!
//! On a vote night most of the people opening a challenge's pages are signed in, and a page
//! rendered for each of them alone costs more than the vote they came for. Yet what differs
//! between two citizens on these pages is little: their name and unread count in the header,
//! whether their account is proved, on a challenge's pages whether they follow it and which
//! entries hold their votes, on a pilot's page whether they follow it. People alike in all of that are one class; a page rendered for one
//! of them (as [`Viewer::stand_in`], with marks for their name, email address and phone number)
//! is the page of all of them once those marks are filled in.
//!
//! A class is given only for the pages listed in [`class_of`], whose reads by person are known
//! (each is listed there), and only to people whose pages depend on nothing more: staff and
//! administrators, whose pages differ by organisation and change with what they do, always get a
//! rendering of their own, and so does anyone whose name cannot be filled in as it is written
//! ([`Viewer::plainly_written`]). The order of a challenge's entries, the visitor's own for a
//! page rendered alone, is then the one of the person the page was rendered for.

use sea_orm::ConnectionTrait;

use crate::auth::Viewer;
use crate::error::AppError;

/// What a page at `path` reads of the person, beyond who they are.
enum Reads {
    /// Nothing: the header's person only.
    Nothing,
    /// Whether they follow the challenge.
    Following(String),
    /// Their votes in the challenge, by slot.
    Votes(String),
    /// Whether they follow the pilot; a member of its team, the owner of one of its milestones,
    /// anyone who rated it (the rating form holds their own words) and anyone who commented on
    /// it (their comment shows on their next page, not a moment later) get it alone.
    Pilot(i64),
}

fn reads_of(path: &str) -> Option<Reads> {
    // The page reads its address decoded (`m%6Ft-cua` is `mot-cua`), and the class must read
    // the very challenge the page does: an address written with escapes is rendered alone.
    if path.contains('%') {
        return None;
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        [""]
        | ["challenges"]
        | ["pilots"]
        | ["reports"]
        | ["organisations"]
        | ["open-data"]
        | ["dashboard"]
        | ["calendar"]
        | ["commitments"] => Some(Reads::Nothing),
        ["challenges", slug, "results"] if !slug.is_empty() => Some(Reads::Nothing),
        ["challenges", slug] if !slug.is_empty() => Some(Reads::Following((*slug).to_owned())),
        ["challenges", slug, "entries"] if !slug.is_empty() => {
            Some(Reads::Votes((*slug).to_owned()))
        }
        ["pilots", id] => id.parse().ok().map(Reads::Pilot),
        _ => None,
    }
}

/// The class of `viewer` for the page at `path` (its path, without the query): `None` when the
/// page must be rendered for them alone.
pub async fn class_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    path: &str,
) -> Result<Option<String>, AppError> {
    if viewer.is_staff() || !viewer.plainly_written() {
        return Ok(None);
    }
    let Some(reads) = reads_of(path) else {
        return Ok(None);
    };
    let own = match reads {
        Reads::Nothing => String::new(),
        Reads::Following(slug) => {
            let follows = ids(
                db,
                "SELECT f.challenge_id FROM challenge_follows f JOIN challenges c ON c.id = f.challenge_id \
                 WHERE c.slug = ?1 AND f.user_id = ?2",
                &slug,
                viewer.id,
            )
            .await?;
            format!("f{}", !follows.is_empty())
        }
        Reads::Votes(slug) => {
            let votes = ids(
                db,
                "SELECT v.entry_id FROM votes v JOIN challenges c ON c.id = v.challenge_id \
                 WHERE c.slug = ?1 AND v.user_id = ?2 AND v.voided_at IS NULL ORDER BY v.slot",
                &slug,
                viewer.id,
            )
            .await?;
            let votes: Vec<String> = votes.iter().map(i64::to_string).collect();
            format!("v{}", votes.join(","))
        }
        Reads::Pilot(id) => {
            let row = db
                .query_one_raw(crate::sql::numbered(
                    db.get_database_backend(),
                    "SELECT \
                     (SELECT COUNT(*) FROM pilot_follows WHERE pilot_id = ?1 AND user_id = ?2), \
                     (SELECT COUNT(*) FROM pilots p JOIN team_members m ON m.team_id = p.team_id \
                      WHERE p.id = ?1 AND m.user_id = ?2) \
                     + (SELECT COUNT(*) FROM milestones WHERE pilot_id = ?1 AND owner_user_id = ?2) \
                     + (SELECT COUNT(*) FROM pilot_ratings WHERE pilot_id = ?1 AND user_id = ?2) \
                     + (SELECT COUNT(*) FROM pilot_comments WHERE pilot_id = ?1 AND user_id = ?2)",
                    [id.into(), viewer.id.into()],
                ))
                .await?
                .ok_or_else(|| crate::error::internal("a count came back empty"))?;
            let (following, own) = (
                row.try_get_by_index::<i64>(0)?,
                row.try_get_by_index::<i64>(1)?,
            );
            if own > 0 {
                return Ok(None);
            }
            format!("f{}", following > 0)
        }
    };
    Ok(Some(format!("{}|{own}", shape(viewer))))
}

/// Everything of the person a page shows or sends to the browser, but their name, email
/// address and phone number (filled in per answer) and their account's id (never sent).
fn shape(v: &Viewer) -> String {
    let flag = |b: bool| if b { '1' } else { '0' };
    [
        v.verified,
        v.phone_verified,
        v.is_judge,
        v.office_waiting,
        v.two_factor,
        v.email.is_some(),
        v.phone.is_some(),
    ]
    .into_iter()
    .map(flag)
    .chain(format!(":{}:{}", v.unread_notifications, v.locale.code()).chars())
    .collect()
}

async fn ids(
    db: &impl ConnectionTrait,
    sql: &str,
    slug: &str,
    user_id: i64,
) -> Result<Vec<i64>, AppError> {
    let rows = db
        .query_all_raw(crate::sql::numbered(
            db.get_database_backend(),
            sql,
            [slug.into(), user_id.into()],
        ))
        .await?;
    rows.iter()
        .map(|row| Ok(row.try_get_by_index::<i64>(0)?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_whose_reads_are_known_have_a_class() {
        for known in [
            "/",
            "/challenges",
            "/challenges/mot-cua",
            "/challenges/mot-cua/entries",
            "/challenges/mot-cua/results",
            "/dashboard",
            "/pilots",
            "/pilots/3",
        ] {
            assert!(reads_of(known).is_some(), "{known}");
        }
        for own in [
            "/account",
            "/notifications",
            "/teams",
            "/teams/3",
            "/pilots/3/manage",
            "/pilots/x",
            "/reports/3",
            "/commitments/3",
            "/judging",
            "/judging/entries/4",
            "/staff",
            "/challenges/mot-cua/entries/x",
            "/challenges//entries",
        ] {
            assert!(reads_of(own).is_none(), "{own}");
        }
    }
}
