//! Every server function, with who may call it, tried by everyone who may not: a visitor, a
//! citizen, a member of another team, a judge of another panel, staff of another organisation
//! and an administrator, each with ids of things that are not theirs. The list is checked
//! against the functions the server really has, so a new function without a row fails here.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{Backend, TestApp, Visitor, spawn_demo};
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
    /// Staff of any organisation (their own desk), and administrators.
    Office,
    /// Whoever shows the metrics token (Prometheus): no person, an administrator neither.
    Monitor,
    /// Who files reports for others: staff at their organisation's desk, members of a helper
    /// group, administrators.
    Helper,
    /// The coordinator of the helper group named (and administrators).
    Coordinator,
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
    ("account/phone", Own),
    ("account/phone/confirm", Own),
    ("admin/audit", Admin),
    ("admin/organisations", Admin),
    ("admin/organisations/create", Admin),
    ("admin/organisations/staff/add", Admin),
    ("admin/organisations/staff/remove", Admin),
    ("admin/two-step/reset", Admin),
    ("admin/calendar/save", Admin),
    ("calendar", Anyone),
    ("helpers", Own),
    ("helpers/register", Admin),
    ("helpers/add", Coordinator),
    ("helpers/remove", Coordinator),
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
    ("entries/search", Anyone),
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
    ("dev/sms", Anyone),
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
    ("reports/receipt", Anyone),
    ("reports/sms", Anyone),
    ("reports/sms_confirm", Anyone),
    ("reports/create", Own),
    ("reports/create_assisted", Helper),
    // Takes a report filed for the caller, named by its receipt code.
    ("reports/claim", Own),
    ("reports/support", Own),
    ("reports/rate", Own),
    ("reports/triage", Staff),
    ("reports/apologise", Staff),
    ("commitments/list", Anyone),
    ("commitments/get", Anyone),
    ("commitments/publish", Staff),
    ("commitments/move", Staff),
    ("commitments/complete", Staff),
    ("commitments/follow", Own),
    ("reports/forward", Staff),
    ("reports/urgency", Staff),
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
/// nothing, which `votes.rs` `a_citizen_votes_changes_and_withdraws…` tries.)
const OWN_WITH_IDS: &[&str] = &["account/sessions/end", "judging/respond", "teams/respond"];

/// Functions that take a file: called as a form with a file, as the page sends them.
const MULTIPART: &[&str] = &[
    "challenges/files/add",
    "entries/files/add",
    "pilots/milestones/status",
    "pilots/updates/post",
    "reports/create",
    "reports/create_assisted",
];

/// Every route that is not a server function or a page, with who may ask for it: files, feeds,
/// the open data, downloads. Checked against the router's source, so a new route without a row
/// fails here.
const ROUTES: &[(&str, May)] = &[
    ("/api/v1/openapi.json", Anyone),
    ("/api/v1/organisations", Anyone),
    ("/api/v1/reports", Anyone),
    ("/api/v1/challenges", Anyone),
    ("/api/v1/challenges.csv", Anyone),
    ("/api/v1/challenges/{slug}", Anyone),
    ("/api/v1/challenges/{slug}/entries", Anyone),
    ("/api/v1/challenges/{slug}/entries.csv", Anyone),
    ("/api/v1/challenges/{slug}/results", Anyone),
    ("/api/v1/challenges/{slug}/results.csv", Anyone),
    ("/api/v1/challenges/{slug}/votes", Anyone),
    ("/api/v1/challenges/{slug}/ballots.csv", Anyone),
    ("/api/v1/pilots", Anyone),
    ("/api/v1/pilots/{id}", Anyone),
    ("/api/v1/pilots/{id}/milestones.csv", Anyone),
    ("/api/v1/dashboard", Anyone),
    ("/api/v1/commitments", Anyone),
    ("/lang", Anyone),
    ("/health", Anyone),
    ("/metrics", Monitor),
    ("/feed.atom", Anyone),
    ("/challenges/{slug}/feed.atom", Anyone),
    ("/pilots/{id}/feed.atom", Anyone),
    ("/challenges/{slug}/ballots.csv", Anyone),
    ("/challenges/{slug}/votes/live", Anyone),
    // A file: public ones to anyone, the others to who may read what they belong to.
    ("/files/{id}/{name}", Own),
    ("/account/export.json", Own),
    ("/staff/challenges/{id}/entries.csv", Staff),
];

/// Every page, with who may open it. Checked against the app's routes, so a new page without a
/// row fails here. A page for `Member`, `Judge` or `Staff` is opened by everyone else with the
/// ids of things that are not theirs; a page for `Own` by a visitor.
const PAGES: &[(&str, May)] = &[
    ("/", Anyone),
    ("/organisations", Anyone),
    ("/challenges", Anyone),
    ("/challenges/:slug", Anyone),
    ("/challenges/:slug/entries", Anyone),
    ("/challenges/:slug/results", Anyone),
    ("/judging", Own),
    // An invitation's page shows what it invites to whoever holds its link.
    ("/judging/invitations/:token", Anyone),
    ("/judging/entries/:id", Judge),
    ("/judging/:id", Judge),
    ("/pilots", Anyone),
    ("/pilots/:id", Anyone),
    ("/pilots/:id/manage", Staff),
    ("/dashboard", Anyone),
    ("/open-data", Anyone),
    ("/calendar", Anyone),
    ("/reports", Anyone),
    ("/reports/new", Own),
    ("/reports/new/assisted", Own),
    ("/helpers", Own),
    ("/commitments", Anyone),
    ("/commitments/new", Office),
    ("/commitments/:id", Anyone),
    ("/reports/:id", Anyone),
    ("/receipt", Anyone),
    ("/teams", Own),
    ("/teams/new", Own),
    ("/teams/invitations/:token", Anyone),
    ("/teams/:id", Member),
    ("/staff", Office),
    ("/staff/challenges/new", Office),
    ("/staff/challenges/:id", Staff),
    ("/staff/challenges/:id/judging", Staff),
    ("/staff/challenges/:id/votes", Staff),
    ("/staff/pilots/new", Office),
    ("/register", Anyone),
    ("/verify", Anyone),
    ("/sign-in", Anyone),
    ("/sign-in/code", Anyone),
    ("/forgot-password", Anyone),
    ("/reset-password", Anyone),
    ("/account", Own),
    ("/notifications", Own),
    ("/admin", Admin),
    ("/admin/audit", Admin),
    // The development mailbox (off in production): every mail the instance would have sent.
    ("/dev/mailbox", Anyone),
    // And the development SMS outbox: every text message it would have sent.
    ("/dev/sms", Anyone),
];

/// The pages the app's source declares (`path!("…")`).
fn declared_pages() -> BTreeSet<String> {
    include_str!("../../app/src/lib.rs")
        .split("path!(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// `page` with its parameters filled from `form` (a challenge's slug, the ids the form names).
fn page_path(page: &str, form: &[(String, String)]) -> String {
    let value = |key: &str| {
        form.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let id = if page.starts_with("/judging/entries/") {
        value("entry_id")
    } else if page.starts_with("/teams/") {
        value("team_id")
    } else if page.starts_with("/pilots/") {
        value("pilot_id")
    } else if page.starts_with("/reports/") {
        value("into_id")
    } else if page.starts_with("/commitments/") {
        value("commitment_id")
    } else {
        value("challenge_id")
    };
    page.replace(":slug", &value("slug"))
        .replace(":token", &value("token"))
        .replace(":id", &id)
}

/// Fails unless `rows` name exactly what the source `declared`, each once, and the source was
/// read (at least `least` of them).
fn rows_match(what: &str, rows: &[(&str, May)], declared: BTreeSet<String>, least: usize) {
    let listed: BTreeSet<String> = rows.iter().map(|(r, _)| (*r).to_owned()).collect();
    assert_eq!(listed.len(), rows.len(), "each of the {what} once");
    assert!(declared.len() >= least, "the {what} are read: {declared:?}");
    let unlisted: Vec<_> = declared.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&declared).collect();
    assert!(
        unlisted.is_empty(),
        "{what} without a row saying who may ask: {unlisted:?}"
    );
    assert!(gone.is_empty(), "rows for {what} that are gone: {gone:?}");
}

#[test]
fn every_page_has_a_row_and_every_row_a_page() {
    rows_match("pages", PAGES, declared_pages(), 30);
}

/// The routes the server's source declares (`.route("…"`).
fn declared_routes() -> BTreeSet<String> {
    [
        include_str!("../src/routes.rs"),
        include_str!("../src/open_data.rs"),
    ]
    .iter()
    .flat_map(|source| source.split(".route(\"").skip(1))
    .filter_map(|rest| rest.split('"').next())
    .map(str::to_owned)
    .collect()
}

#[test]
fn every_route_has_a_row_and_every_row_a_route() {
    rows_match("routes", ROUTES, declared_routes(), 20);
}

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
    // Someone else's session, named as the sessions page names one.
    let session = app
        .text(&format!(
            "SELECT id FROM sessions WHERE user_id <> {u} ORDER BY id LIMIT 1"
        ))
        .await;
    let handle = app::token::sha256_hex(&format!("handle:{session}"))[..16].to_owned();
    let pairs: Vec<(&str, String)> = vec![
        ("id", challenge.clone()),
        ("challenge_id", challenge.clone()),
        ("form[organisation_id]", organisation.clone()),
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
        ("report_id", report.clone()),
        (
            "group_id",
            app.scalar("SELECT MIN(id) FROM helper_groups")
                .await
                .to_string(),
        ),
        (
            "commitment_id",
            app.scalar("SELECT MIN(id) FROM commitments")
                .await
                .to_string(),
        ),
        ("satisfied", "true".into()),
        ("slug", slug),
        ("version", "1".into()),
        ("token", "0".repeat(64)),
        ("code", "12345678".into()),
        ("email", "ai.do@example.vn".into()),
        ("login", "ai.do@example.vn".into()),
        ("coordinator", "ai.do@example.vn".into()),
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
        ("new_date", "2030-01-03".into()),
        ("until", "2027-01-01T08:00".into()),
        ("new_at", "2027-01-01T08:00".into()),
        ("milestone", "entries_close_at".into()),
        ("owner", "team".into()),
        ("status", "done".into()),
        ("accept", "true".into()),
        ("follow", "true".into()),
        ("support", "true".into()),
        ("urgent", "true".into()),
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
        ("phone", "0912 345 678".into()),
        ("display_name", "Thử".into()),
        ("locale", "vi".into()),
        ("confirm", "yes".into()),
        ("handle", handle),
        ("description", "Thử".into()),
        ("category", "other".into()),
        ("summary", "Thử".into()),
        ("note", "Thử".into()),
        ("stars", "5".into()),
        ("live_totals", "on".into()),
        ("organisation_name", "Thử".into()),
        ("contact", "0909 000 000".into()),
        ("year", "2030".into()),
        ("source", "Thông báo thử số 1/TB".into()),
        ("days_off", "02/01/2030".into()),
        ("days_worked", String::new()),
        // The nested forms, filled so that their functions reach the question of who asks.
        ("entry[title]", "Thử".into()),
        ("entry[summary]", "Thử".into()),
        ("entry[solution]", "Thử".into()),
        ("entry[pilot_plan]", "Thử".into()),
        ("entry[cost]", "0".into()),
        ("entry[experience]", "Thử".into()),
        ("entry[demo_url]", String::new()),
        ("form[title]", "Thử thách thử".into()),
        ("form[summary]", "Thử".into()),
        ("form[brief]", "Thử".into()),
        ("form[eligibility]", "Thử".into()),
        ("form[team_min]", "1".into()),
        ("form[team_max]", "5".into()),
        ("form[category]", "other".into()),
        ("form[pilot_budget]", "0".into()),
        ("form[opens_at]", "2027-01-01T08:00".into()),
        ("form[entries_close_at]", "2027-02-01T08:00".into()),
        ("form[judging_closes_at]", "2027-03-01T08:00".into()),
        ("form[results_at]", "2027-03-02T08:00".into()),
        ("form[body]", "Thử".into()),
        ("form[official_role]", "Thử".into()),
        ("form[due_on]", "2027-01-04".into()),
        ("form[reports]", String::new()),
        ("form[challenge_id]", String::new()),
        ("form[pilot_id]", String::new()),
        ("terms[title]", "Thí điểm thử".into()),
        ("terms[summary]", "Thử".into()),
        ("terms[official_name]", "Thử".into()),
        ("terms[official_role]", "Thử".into()),
        ("terms[budget_vnd]", "0".into()),
        ("terms[disbursed_vnd]", "0".into()),
        ("terms[starts_on]", "2027-01-01".into()),
        ("terms[planned_end_on]", "2027-06-01".into()),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Every row of every table but those that record tries (the audit log, throttles, sessions…),
/// as a digest per table: a door that changed a row (an UPDATE as much as an INSERT or a
/// DELETE) changes its table's digest.
async fn contents(app: &TestApp) -> BTreeMap<String, String> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let backend = app.db.get_database_backend();
    let mut digests = BTreeMap::new();
    for table in [
        "users",
        "organisations",
        "org_staff",
        "calendar_years",
        "calendar_days",
        "challenges",
        "challenge_questions",
        "teams",
        "team_members",
        "invitations",
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
        "helper_groups",
        "helper_members",
        "report_apologies",
        "report_forwards",
        "commitments",
        "commitment_links",
        "commitment_moves",
        "commitment_follows",
        "notifications",
        "outbox",
        "two_factor",
        "challenge_follows",
        "pilot_follows",
        "awards",
        "rubric_criteria",
        "panels",
        "vote_settings",
        "pilot_ratings",
        "pilot_measurements",
        "challenge_attachments",
        "entry_attachments",
        "email_codes",
        "recovery_codes",
        "team_departures",
        "challenge_reports",
        "email_opt_outs",
        "trusted_devices",
        "vote_revisions",
    ] {
        let sql = match backend {
            DatabaseBackend::Postgres => format!(
                "SELECT COALESCE(string_agg(t::text, '|' ORDER BY t::text), '') FROM {table} t"
            ),
            _ => {
                let columns = app
                    .db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("SELECT name FROM pragma_table_info('{table}')"),
                    ))
                    .await
                    .unwrap();
                let row = columns
                    .iter()
                    .map(|c| format!("quote({})", c.try_get::<String>("", "name").unwrap()))
                    .collect::<Vec<_>>()
                    .join(" || ',' || ");
                format!(
                    "SELECT COALESCE(group_concat(r, '|'), '') FROM \
                     (SELECT {row} AS r FROM {table} ORDER BY 1)"
                )
            }
        };
        let all = app.text(&sql).await;
        digests.insert(table.to_owned(), app::token::sha256_hex(&all));
    }
    // Sessions are touched by every request (when they were last used): who holds which is what
    // must not change.
    let sessions = match backend {
        DatabaseBackend::Postgres => {
            "SELECT COALESCE(string_agg(id || ':' || user_id, '|' ORDER BY id), '') FROM sessions"
        }
        _ => {
            "SELECT COALESCE(group_concat(r, '|'), '') FROM \
              (SELECT id || ':' || user_id AS r FROM sessions ORDER BY 1)"
        }
    };
    let all = app.text(sessions).await;
    digests.insert("sessions".to_owned(), app::token::sha256_hex(&all));
    digests
}

/// Everyone who tries the doors: a visitor, a citizen, a member of another team, a judge of
/// another panel, staff of another organisation (a new ward's officer) and an administrator.
async fn callers(app: &TestApp) -> Vec<Caller> {
    let id_of = |email: &'static str| async move {
        app.scalar(&format!("SELECT id FROM users WHERE email = '{email}'"))
            .await
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
    vec![
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
            may: &[Office, Helper],
        },
        Caller {
            name: "administrator",
            visitor: admin,
            user: Some(id_of("admin@vidan.local").await),
            may: &[Staff, Admin, Office, Helper, Coordinator],
        },
    ]
}

async fn nobody_opens_a_door_that_is_not_theirs(backend: Backend) {
    let app = spawn_demo(backend).await;
    let callers = callers(&app).await;
    // A file only its team may read: attached, not public, to the draft of Mai's team.
    let mai = app.visitor();
    mai.sign_in_demo("mai@vidan.local").await.ok();
    let draft_team = app
        .scalar(
            "SELECT t.id FROM teams t JOIN entries e ON e.team_id = t.id \
             WHERE t.owner_id = (SELECT id FROM users WHERE email = 'mai@vidan.local') \
             AND e.status = 'draft'",
        )
        .await
        .to_string();
    mai.call_multipart(
        "entries/files/add",
        &[("team_id", &draft_team)],
        Some(("file", "ke-hoach-noi-bo.pdf", common::tiny_pdf())),
    )
    .await
    .ok();
    let private_file = app.scalar("SELECT MAX(id) FROM uploads").await;
    let before = contents(&app).await;
    let mut opened = Vec::new();
    let mut unread = BTreeSet::new();
    let mut weighed_first = Vec::new();
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
            // A form refused as unreadable never reached the question of who asks.
            let unreadable = status == StatusCode::UNPROCESSABLE_ENTITY
                && answer.error() == app::error::AppError::Invalid(Vec::new());
            if unreadable {
                unread.insert(format!("{} → {endpoint}", caller.name));
            }
            // Someone signed in is refused for who they are (403), or told that what they
            // named is not there for them (404); any other refusal (a field error, a conflict)
            // means the form was weighed before the question of who asks, and could hide that
            // the question is missing.
            let refused_for_who = matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND);
            if caller.user.is_some() && status.is_client_error() && !unreadable && !refused_for_who
            {
                weighed_first.push(format!(
                    "{} → {endpoint}: {status} {}",
                    caller.name,
                    answer.body.chars().take(160).collect::<String>()
                ));
            }
            if caller.user.is_none() && !matches!(may, Anyone) {
                // Asked to sign in.
                if !unreadable && status != StatusCode::UNAUTHORIZED {
                    opened.push(format!(
                        "visitor → {endpoint}: {status}, not asked to sign in: {}",
                        answer.body.chars().take(160).collect::<String>()
                    ));
                }
            }
        }
    }
    // The routes that are not for everyone, tried by everyone who may not.
    for caller in &callers {
        let form = foreign_form(&app, caller.user).await;
        let challenge = &form.iter().find(|(k, _)| k == "challenge_id").unwrap().1;
        let mut paths = Vec::new();
        if !caller.may.contains(&Admin) {
            paths.push(format!("/files/{private_file}/ke-hoach-noi-bo.pdf"));
            paths.push(format!("/files/{private_file}/x.pdf"));
        }
        if !caller.may.contains(&Staff) {
            paths.push(format!("/staff/challenges/{challenge}/entries.csv"));
        }
        if caller.user.is_none() {
            paths.push("/account/export.json".to_owned());
        }
        paths.push("/metrics".to_owned());
        // The pages that are not for everyone, with ids of things that are not theirs.
        for (page, may) in PAGES {
            let tried = match may {
                Anyone => false,
                Own => caller.user.is_none(),
                other => !caller.may.contains(other),
            };
            if tried {
                paths.push(page_path(page, &form));
            }
        }
        for path in paths {
            let status = caller.visitor.get(&path).await.status();
            if status.is_success() || status.is_server_error() {
                opened.push(format!("{} → {path}: {status}", caller.name));
            }
        }
    }
    // The routes for everyone answer a visitor without breaking.
    let slug = app
        .text("SELECT slug FROM challenges WHERE status = 'published' ORDER BY id LIMIT 1")
        .await;
    let pilot = app.scalar("SELECT MIN(id) FROM pilots").await.to_string();
    let visitor = app.visitor();
    for (route, may) in ROUTES {
        if *may != Anyone || matches!(*route, "/lang" | "/challenges/{slug}/votes/live") {
            continue;
        }
        let path = route.replace("{slug}", &slug).replace("{id}", &pilot);
        let status = visitor.get(&path).await.status();
        if status.is_server_error() {
            opened.push(format!("visitor → {path}: {status}"));
        }
    }
    assert!(
        opened.is_empty(),
        "doors that opened (or broke):\n{}",
        opened.join("\n")
    );
    assert!(
        unread.is_empty(),
        "forms this test could not fill, refused unread (their door was never tried): {unread:?}"
    );
    assert!(
        weighed_first.is_empty(),
        "doors that weighed the form before asking who knocks:\n{}",
        weighed_first.join("\n")
    );
    let after = contents(&app).await;
    let changed: Vec<_> = after
        .iter()
        .filter(|(table, digest)| before.get(*table) != Some(digest))
        .map(|(table, _)| table)
        .collect();
    assert!(changed.is_empty(), "tables that changed: {changed:?}");
}

/// What anyone may read (public pages' functions, feeds, the open data) shows nothing private to
/// anyone, whoever asks and whatever ids they name: not a draft challenge, not a team's draft,
/// not a file that is not public, nobody's email address, join code or password hash.
async fn what_anyone_may_read_shows_nothing_private(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = spawn_demo(backend).await;
    let callers = callers(&app).await;
    let admin = &callers.last().expect("the administrator").visitor;
    // A draft challenge of the demo's ward, its title a marker.
    let ward = app.scalar("SELECT MIN(id) FROM organisations").await;
    let draft = app
        .draft_challenge(admin, ward, chrono::Duration::days(10), None)
        .await;
    // Mai's team's draft entry, its title a marker, with a file that is not public.
    let mai = app.visitor();
    mai.sign_in_demo("mai@vidan.local").await.ok();
    let (team, entry) = {
        let sql = "SELECT e.team_id * 1000000 + e.id FROM entries e JOIN teams t ON t.id = e.team_id \
                   WHERE t.owner_id = (SELECT id FROM users WHERE email = 'mai@vidan.local') \
                   AND e.status = 'draft'";
        let both = app.scalar(sql).await;
        (both / 1_000_000, both % 1_000_000)
    };
    mai.call_multipart(
        "entries/files/add",
        &[("team_id", &team.to_string())],
        Some(("file", "ke-hoach-noi-bo-QZX.pdf", common::tiny_pdf())),
    )
    .await
    .ok();
    let upload = app.scalar("SELECT MAX(id) FROM uploads").await;
    for sql in [
        format!("UPDATE challenges SET title = 'Thử thách kín QZX1' WHERE id = {draft}"),
        format!("UPDATE entries SET title = 'Bản nháp kín QZX2' WHERE id = {entry}"),
    ] {
        app.db.execute_unprepared(&sql).await.unwrap();
    }
    let slug = app
        .text(&format!("SELECT slug FROM challenges WHERE id = {draft}"))
        .await;
    let column = |sql: String| {
        let app = &app;
        async move {
            use sea_orm::Statement;
            app.db
                .query_all_raw(Statement::from_string(app.db.get_database_backend(), sql))
                .await
                .unwrap()
                .iter()
                .map(|row| row.try_get::<String>("", "v").unwrap())
                .collect::<Vec<String>>()
        }
    };
    // People's addresses and phone numbers, the numbers also as people write them.
    let mut emails = column("SELECT email AS v FROM users WHERE email IS NOT NULL".into()).await;
    for phone in column("SELECT phone AS v FROM users WHERE phone IS NOT NULL".into()).await {
        emails.push(app::sms::rules::display_phone(&phone));
        emails.push(phone);
    }
    let mut secrets: Vec<String> = vec![
        "QZX1".into(),
        "QZX2".into(),
        "ke-hoach-noi-bo-QZX".into(),
        "$argon2".into(),
    ];
    secrets.extend(column("SELECT join_code AS v FROM teams".into()).await);
    let readers: Vec<&str> = TABLE
        .iter()
        .filter(|(endpoint, may)| {
            *may == Anyone
                && *endpoint != "dev/mailbox"
                && *endpoint != "dev/sms"
                && (!endpoint.starts_with("account/") || *endpoint == "account/me")
        })
        .map(|(endpoint, _)| *endpoint)
        .collect();
    assert!(readers.len() >= 12, "the readers are found: {readers:?}");
    let mut leaks = Vec::new();
    for caller in &callers {
        let own_email = match caller.user {
            Some(id) => {
                app.text(&format!(
                    "SELECT COALESCE(email, phone) FROM users WHERE id = {id}"
                ))
                .await
            }
            None => String::new(),
        };
        let is_admin = caller.may.contains(&Admin);
        let mut markers: Vec<&String> = emails.iter().filter(|e| **e != own_email).collect();
        markers.extend(
            secrets
                .iter()
                .filter(|m| !is_admin || !m.starts_with("QZX1")),
        );
        let foreign = foreign_form(&app, caller.user).await;
        // The same form, its ids naming the private things.
        let private: Vec<(String, String)> = foreign
            .iter()
            .map(|(k, v)| {
                let v = match k.as_str() {
                    "id" | "challenge_id" => draft.clone(),
                    "slug" => slug.clone(),
                    "team_id" => team.to_string(),
                    "entry_id" => entry.to_string(),
                    "upload_id" => upload.to_string(),
                    _ => v.clone(),
                };
                (k.clone(), v)
            })
            .collect();
        for form in [&foreign, &private] {
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            for endpoint in &readers {
                let answer = caller.visitor.call(endpoint, &pairs).await;
                for marker in &markers {
                    if answer.body.contains(marker.as_str()) {
                        leaks.push(format!("{} → {endpoint} shows {marker}", caller.name));
                    }
                }
            }
        }
        // The routes and pages for everyone, naming the draft.
        let mut paths: Vec<String> = ROUTES
            .iter()
            .filter(|(route, may)| {
                *may == Anyone && !matches!(*route, "/lang" | "/challenges/{slug}/votes/live")
            })
            .map(|(route, _)| route.replace("{slug}", &slug).replace("{id}", &draft))
            .collect();
        // Every page for everyone, naming the private things (and the draft by its id).
        paths.extend(
            PAGES
                .iter()
                .filter(|(page, may)| *may == Anyone && !page.starts_with("/dev/"))
                .map(|(page, _)| page_path(page, &private)),
        );
        paths.extend([
            format!("/challenges/{draft}"),
            format!("/teams/{team}"),
            format!("/files/{upload}/x.pdf"),
        ]);
        for path in paths {
            let body = caller
                .visitor
                .get(&path)
                .await
                .text()
                .await
                .unwrap_or_default();
            for marker in &markers {
                if body.contains(marker.as_str()) {
                    leaks.push(format!("{} → {path} shows {marker}", caller.name));
                }
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "private things shown:\n{}",
        leaks.join("\n")
    );
}

on_both_databases!(
    nobody_opens_a_door_that_is_not_theirs,
    what_anyone_may_read_shows_nothing_private,
);
