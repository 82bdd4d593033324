//! Every server function, with who may call it, tried by everyone who may not: a visitor, a
//! citizen, a member of another team, a judge of another panel, staff of another organisation
//! and an administrator, each with ids of things that are not theirs. The list is checked
//! against the functions the server really has, so a new function without a row fails here.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{Backend, TestApp, Visitor, spawn_demo};
use reqwest::StatusCode;

/// Who may call a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum May {
    /// Anyone, signed in or not (public pages, signing in and up).
    Anyone,
    /// Any signed-in person, on their own things (their account, their follows, their votes).
    Own,
    /// A member of the team named.
    Member,
    /// A judge seated on the challenge's panel (or assigned to the entry).
    Judge,
    /// Staff of the organisation that runs the challenge, report or pilot (and administrators).
    Staff,
    /// An administrator.
    Admin,
}

use May::*;

const TABLE: &[(&str, May)] = &[
    ("account/me", Anyone),
    ("account/register", Anyone),
    ("account/verify", Anyone),
    ("account/resend", Anyone),
    ("account/sign-in", Anyone),
    ("account/sign-in/step", Anyone),
    ("account/sign-in/code", Anyone),
    ("account/sign-out", Anyone),
    ("account/forgot", Anyone),
    ("account/reset", Anyone),
    ("account/sessions", Own),
    ("account/sessions/end", Own),
    ("account/password", Own),
    ("account/profile", Own),
    ("account/delete", Own),
    ("account/two-step", Own),
    ("account/two-step/begin", Own),
    ("account/two-step/confirm", Own),
    ("account/two-step/recovery-codes", Own),
    ("account/two-step/off", Own),
    ("admin/audit", Admin),
    ("admin/organisations", Admin),
    ("admin/organisations/create", Admin),
    ("admin/organisations/staff/add", Admin),
    ("admin/organisations/staff/remove", Admin),
    ("admin/two-step/reset", Admin),
    ("organisations", Anyone),
    ("organisations/settings", Staff),
    ("challenges/list", Anyone),
    ("challenges/home", Anyone),
    ("challenges/get", Anyone),
    ("challenges/follow", Own),
    ("challenges/ask", Own),
    ("challenges/answer", Staff),
    ("challenges/create", Staff),
    ("challenges/editor", Staff),
    ("challenges/update", Staff),
    ("challenges/publish", Staff),
    ("challenges/move-deadline", Staff),
    ("challenges/cancel", Staff),
    ("challenges/files/add", Staff),
    ("challenges/files/remove", Staff),
    ("staff/dashboard", Own),
    ("entries/public", Anyone),
    ("entries/get", Member),
    ("entries/save", Member),
    ("entries/submit", Member),
    ("entries/files", Member),
    ("entries/files/add", Member),
    ("entries/files/remove", Member),
    ("entries/files/public", Member),
    ("entries/for-challenge", Staff),
    ("entries/ineligible", Staff),
    ("entries/extend", Staff),
    ("judging/setup", Staff),
    ("judging/settings", Staff),
    ("judging/rubric", Staff),
    ("judging/invite", Staff),
    ("judging/assign", Staff),
    ("judging/assignment", Staff),
    ("judging/close", Staff),
    ("judging/awards", Staff),
    ("judging/publish", Staff),
    // An invitation is read by whoever holds its link (the invitee, before signing in).
    ("judging/invitation", Anyone),
    ("judging/respond", Own),
    ("judging/mine", Own),
    ("judging/queue", Judge),
    ("judging/declare", Judge),
    ("judging/recuse", Judge),
    ("judging/sheet", Judge),
    ("judging/save", Judge),
    ("judging/submit", Judge),
    ("judging/results", Anyone),
    ("judging/feedback", Member),
    ("dev/mailbox", Anyone),
    ("notifications/list", Own),
    ("notifications/read-all", Own),
    ("notifications/preferences", Own),
    ("notifications/preferences/save", Own),
    ("pilots/list", Anyone),
    ("pilots/get", Anyone),
    ("pilots/dashboard", Anyone),
    ("pilots/follow", Own),
    ("pilots/rate", Own),
    ("pilots/comments/add", Own),
    ("pilots/candidate", Staff),
    ("pilots/create", Staff),
    ("pilots/terms", Staff),
    ("pilots/kpis/add", Staff),
    ("pilots/kpis/measure", Staff),
    ("pilots/milestones/add", Staff),
    ("pilots/milestones/move", Staff),
    ("pilots/milestones/status", Staff),
    ("pilots/updates/post", Staff),
    ("pilots/comments/hide", Staff),
    ("pilots/close", Staff),
    ("reports/list", Anyone),
    ("reports/get", Anyone),
    ("reports/create", Own),
    ("reports/support", Own),
    ("reports/triage", Staff),
    ("teams/create", Own),
    ("teams/mine", Own),
    ("teams/join", Own),
    ("teams/invitation", Anyone),
    ("teams/respond", Own),
    ("teams/get", Member),
    ("teams/invite", Member),
    ("teams/hand-over", Member),
    ("teams/remove", Member),
    ("teams/leave", Member),
    ("votes/cast", Own),
    ("votes/withdraw", Own),
    ("votes/settings", Staff),
    ("votes/settings/save", Staff),
    // Anyone may recount a closed vote.
    ("votes/ballots", Anyone),
    ("votes/review", Staff),
    ("votes/void", Staff),
];

/// Functions a signed-in person calls on their own things whose foreign-id forms must still be
/// refused: with someone else's id they touch nothing.
/// (Withdrawing a vote names only the caller's own vote: with someone else's entry it withdraws
/// nothing, and the check that nothing changed covers it.)
const OWN_WITH_IDS: &[&str] = &["judging/respond", "teams/respond"];

/// Functions that take a file: called as a form with a file, as the page sends them.
const MULTIPART: &[&str] = &[
    "challenges/files/add",
    "entries/files/add",
    "pilots/milestones/status",
    "pilots/updates/post",
    "reports/create",
];

/// The server functions the server answers, as `prefix/endpoint` without `/api/`.
fn served() -> BTreeSet<String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect()
}

#[tokio::test]
async fn every_server_function_has_a_row_and_every_row_a_function() {
    // The server a test starts answers from the same registry.
    let _app = common::spawn_app(Backend::Sqlite).await;
    let listed: BTreeSet<String> = TABLE.iter().map(|(e, _)| (*e).to_owned()).collect();
    assert_eq!(listed.len(), TABLE.len(), "each function once");
    let served = served();
    let unlisted: Vec<_> = served.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&served).collect();
    assert!(
        unlisted.is_empty(),
        "functions without a row saying who may call them: {unlisted:?}"
    );
    assert!(
        gone.is_empty(),
        "rows for functions that are gone: {gone:?}"
    );
}

/// One of the people who try every door.
struct Caller {
    name: &'static str,
    visitor: Visitor,
    /// Their account, if signed in.
    user: Option<i64>,
    /// What they may do beyond `Anyone` and `Own`.
    may: &'static [May],
}

/// The first id `sql` finds, as text; the test stops if there is none (a door tried with no id
/// behind it proves nothing).
async fn id(app: &TestApp, what: &str, sql: &str) -> String {
    let n = app
        .scalar(&format!("SELECT COALESCE(MIN(id), 0) FROM ({sql}) x"))
        .await;
    assert!(n > 0, "the demo has no {what} for this caller: {sql}");
    n.to_string()
}

/// Ids of things that are not `user`'s in any way: not their team, not their panel, not their
/// organisation's.
async fn foreign_form(app: &TestApp, user: Option<i64>) -> Vec<(String, String)> {
    let u = user.unwrap_or(0);
    let my_teams = format!("SELECT team_id FROM team_members WHERE user_id = {u}");
    let my_orgs = format!("SELECT organisation_id FROM org_staff WHERE user_id = {u}");
    let my_panels = format!("SELECT challenge_id FROM judges WHERE user_id = {u}");
    let their_challenges = format!(
        "SELECT id FROM challenges WHERE organisation_id NOT IN ({my_orgs}) \
         AND id NOT IN ({my_panels}) \
         AND id NOT IN (SELECT challenge_id FROM teams WHERE id IN ({my_teams}))"
    );
    let challenge = id(app, "challenge", &their_challenges).await;
    let team = id(
        app,
        "team",
        &format!("SELECT id FROM teams WHERE id NOT IN ({my_teams}) AND challenge_id IN ({their_challenges})"),
    )
    .await;
    let entry = id(
        app,
        "entry",
        // Not their team's, not assigned to them (it may be on their panel), not their
        // organisation's.
        &format!(
            "SELECT id FROM entries WHERE team_id NOT IN ({my_teams}) \
             AND id NOT IN (SELECT entry_id FROM assignments WHERE user_id = {u}) \
             AND challenge_id NOT IN (SELECT id FROM challenges WHERE organisation_id IN ({my_orgs})) \
             AND status = 'submitted'"
        ),
    )
    .await;
    let their_pilots = format!(
        "SELECT id FROM pilots WHERE organisation_id NOT IN ({my_orgs}) \
         AND team_id NOT IN ({my_teams})"
    );
    let pilot = id(app, "pilot", &their_pilots).await;
    let kpi = id(
        app,
        "KPI",
        &format!("SELECT id FROM pilot_kpis WHERE pilot_id IN ({their_pilots})"),
    )
    .await;
    let milestone = id(
        app,
        "milestone",
        &format!("SELECT id FROM milestones WHERE pilot_id IN ({their_pilots})"),
    )
    .await;
    let update = id(
        app,
        "pilot update",
        &format!("SELECT id FROM pilot_updates WHERE pilot_id IN ({their_pilots})"),
    )
    .await;
    let comment = id(
        app,
        "comment",
        &format!("SELECT id FROM pilot_comments WHERE user_id <> {u}"),
    )
    .await;
    let organisation = id(
        app,
        "organisation",
        &format!("SELECT organisation_id AS id FROM challenges WHERE id = {challenge}"),
    )
    .await;
    let report = id(
        app,
        "report",
        &format!(
            "SELECT id FROM reports WHERE organisation_id NOT IN ({my_orgs}) AND author_id <> {u}"
        ),
    )
    .await;
    let question = app
        .scalar(&format!(
            "SELECT COALESCE(MIN(id), 0) FROM challenge_questions WHERE challenge_id = {challenge}"
        ))
        .await
        .max(1)
        .to_string();
    let upload = id(
        app,
        "upload",
        &format!("SELECT id FROM uploads WHERE owner_id <> {u}"),
    )
    .await;
    let other_user = id(
        app,
        "other person",
        &format!("SELECT user_id AS id FROM team_members WHERE team_id = {team}"),
    )
    .await;
    let slug = app
        .text(&format!(
            "SELECT slug FROM challenges WHERE id = {challenge}"
        ))
        .await;
    let pairs: Vec<(&str, String)> = vec![
        ("id", challenge.clone()),
        ("challenge_id", challenge.clone()),
        ("organisation_id", organisation),
        ("team_id", team),
        ("entry_id", entry),
        ("judge_id", other_user.clone()),
        ("user_id", other_user),
        ("pilot_id", pilot.clone()),
        ("kpi_id", kpi),
        ("milestone_id", milestone),
        ("update_id", update),
        ("comment_id", comment),
        ("question_id", question),
        ("upload_id", upload),
        ("into_id", report.clone()),
        ("slug", slug),
        ("version", "1".into()),
        ("token", "0".repeat(64)),
        ("code", "12345678".into()),
        ("email", "ai.do@example.vn".into()),
        ("reason", "Thử xem có được không".into()),
        ("statement", "Thử".into()),
        ("outcome", "rollout".into()),
        ("decision", "accept".into()),
        ("text", "Thử".into()),
        ("answer", "Thử".into()),
        ("question", "Thử?".into()),
        ("body", "Thử".into()),
        ("title", "Thử".into()),
        ("name", "Thử".into()),
        ("unit", "phút".into()),
        ("baseline", "10".into()),
        ("target", "5".into()),
        ("value", "7".into()),
        ("measured_on", "2026-12-01".into()),
        ("due_on", "2027-01-01".into()),
        ("until", "2027-01-01T08:00".into()),
        ("new_at", "2027-01-01T08:00".into()),
        ("milestone", "entries_close_at".into()),
        ("owner", "team".into()),
        ("status", "done".into()),
        ("accept", "true".into()),
        ("follow", "true".into()),
        ("support", "true".into()),
        ("on", "true".into()),
        ("public", "on".into()),
        ("allowance", "3".into()),
        ("scale_min", "1".into()),
        ("scale_max", "10".into()),
        ("judges_per_entry", "2".into()),
        ("response_days", "5".into()),
        ("at", String::new()),
        ("kind", "ward".into()),
        ("name_vi", "Thử".into()),
        ("name_en", "Try".into()),
        ("current_password", common::PASSWORD.into()),
        ("new_password", "một mật khẩu mới khá dài".into()),
        ("password", common::PASSWORD.into()),
        ("display_name", "Thử".into()),
        ("locale", "vi".into()),
        ("confirm", "yes".into()),
        ("handle", "0".repeat(16)),
        ("description", "Thử".into()),
        ("category", "other".into()),
        ("summary", "Thử".into()),
        ("note", "Thử".into()),
        ("stars", "5".into()),
        ("live_totals", "on".into()),
        ("organisation_name", "Thử".into()),
        ("contact", "0909 000 000".into()),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Rows of every table but those that record tries (the audit log, throttles, sessions…).
async fn contents(app: &TestApp) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for table in [
        "users",
        "organisations",
        "org_staff",
        "challenges",
        "challenge_questions",
        "teams",
        "team_members",
        "team_invitations",
        "entries",
        "entry_versions",
        "uploads",
        "judges",
        "conflicts",
        "assignments",
        "scores",
        "votes",
        "pilots",
        "pilot_kpis",
        "milestones",
        "pilot_updates",
        "pilot_comments",
        "reports",
        "report_supports",
        "notifications",
        "outbox",
        "two_factor",
        "challenge_follows",
        "pilot_follows",
        "judge_invitations",
        "awards",
        "rubric_criteria",
        "panels",
        "vote_settings",
        "pilot_ratings",
        "pilot_measurements",
        "challenge_attachments",
        "entry_attachments",
    ] {
        counts.insert(
            table.to_owned(),
            app.scalar(&format!("SELECT COUNT(*) FROM {table}")).await,
        );
    }
    counts
}

async fn nobody_opens_a_door_that_is_not_theirs(backend: Backend) {
    let app = spawn_demo(backend).await;
    let id_of = |email: &'static str| {
        let app = &app;
        async move {
            app.scalar(&format!("SELECT id FROM users WHERE email = '{email}'"))
                .await
        }
    };
    let admin = app.visitor();
    admin.sign_in_demo("admin@vidan.local").await.ok();
    // Staff of another organisation: a new ward with its own officer.
    let ward: app::org::model::Organisation = admin
        .call(
            "admin/organisations/create",
            &[
                ("name_vi", "Phường Khác"),
                ("name_en", "Other Ward"),
                ("kind", "ward"),
            ],
        )
        .await
        .json();
    let other_staff = app.citizen("canbo@khac.vn").await;
    admin
        .call(
            "admin/organisations/staff/add",
            &[
                ("organisation_id", &ward.id.to_string()),
                ("email", "canbo@khac.vn"),
            ],
        )
        .await
        .ok();
    other_staff.turn_on_two_step().await;
    let citizen = app.citizen("ai.do@example.vn").await;
    let member = app.visitor();
    member.sign_in_demo("doi@vidan.local").await.ok();
    let judge = app.visitor();
    judge.sign_in_demo("giamkhao@vidan.local").await.ok();
    let callers = [
        Caller {
            name: "visitor",
            visitor: app.visitor(),
            user: None,
            may: &[],
        },
        Caller {
            name: "citizen",
            visitor: citizen,
            user: Some(id_of("ai.do@example.vn").await),
            may: &[],
        },
        Caller {
            name: "member of another team",
            visitor: member,
            user: Some(id_of("doi@vidan.local").await),
            may: &[],
        },
        Caller {
            name: "judge of another panel",
            visitor: judge,
            user: Some(id_of("giamkhao@vidan.local").await),
            may: &[],
        },
        Caller {
            name: "staff of another organisation",
            visitor: other_staff,
            user: Some(id_of("canbo@khac.vn").await),
            may: &[],
        },
        Caller {
            name: "administrator",
            visitor: admin,
            user: Some(id_of("admin@vidan.local").await),
            may: &[Staff, Admin],
        },
    ];
    let before = contents(&app).await;
    let mut opened = Vec::new();
    let mut unread = BTreeSet::new();
    for caller in &callers {
        let form = foreign_form(&app, caller.user).await;
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        for (endpoint, may) in TABLE {
            let tried = match may {
                Anyone => false,
                Own => caller.user.is_none() || OWN_WITH_IDS.contains(endpoint),
                other => !caller.may.contains(other),
            };
            if !tried {
                continue;
            }
            let answer = if MULTIPART.contains(endpoint) {
                caller
                    .visitor
                    .call_multipart(
                        endpoint,
                        &pairs,
                        Some(("file", "thu.pdf", common::tiny_pdf())),
                    )
                    .await
            } else {
                caller.visitor.call(endpoint, &pairs).await
            };
            let status = answer.status;
            if status.is_success() || status.is_redirection() || status.is_server_error() {
                opened.push(format!(
                    "{} → {endpoint}: {status} {}",
                    caller.name,
                    answer.body.chars().take(160).collect::<String>()
                ));
            }
            if caller.user.is_none() && !matches!(may, Anyone) {
                // Asked to sign in; or, for a form this test does not fill (nested fields),
                // refused as unreadable before anything else.
                let unreadable = status == StatusCode::UNPROCESSABLE_ENTITY
                    && answer.error() == app::error::AppError::Invalid(Vec::new());
                if unreadable {
                    unread.insert(*endpoint);
                } else if status != StatusCode::UNAUTHORIZED {
                    opened.push(format!(
                        "visitor → {endpoint}: {status}, not asked to sign in: {}",
                        answer.body.chars().take(160).collect::<String>()
                    ));
                }
            }
        }
    }
    assert!(
        opened.is_empty(),
        "doors that opened (or broke):\n{}",
        opened.join("\n")
    );
    eprintln!("forms this test could not fill, refused unread: {unread:?}");
    assert_eq!(contents(&app).await, before, "nothing changed");
}

on_both_databases!(nobody_opens_a_door_that_is_not_theirs);
