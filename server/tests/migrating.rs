//! Every migration goes up, comes down and goes up again, on SQLite and PostgreSQL; two instances
//! on one database behave as one site.

use crate::common;

use crate::common::{Backend, spawn_app};
use migrations::{Migrator, MigratorTrait};
use sea_orm::ConnectionTrait;

async fn migrations_go_down_and_up_again(backend: Backend) {
    let app = spawn_app(backend).await;
    assert!(app.scalar("SELECT COUNT(*) FROM users").await >= 1);
    Migrator::down(&app.db, None)
        .await
        .expect("every migration has a working down");
    assert_eq!(
        Migrator::get_applied_migrations(&app.db)
            .await
            .unwrap()
            .len(),
        0
    );
    Migrator::up(&app.db, None)
        .await
        .expect("and goes up again");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users").await,
        0,
        "a fresh schema"
    );
}

async fn a_second_instance_on_the_same_database_shares_sessions(backend: Backend) {
    let first = spawn_app(backend).await;
    let visitor = first.admin().await;
    let second = common::spawn_second_instance(&first).await;
    let same_cookie_elsewhere = visitor.with_base(&second);
    assert!(
        same_cookie_elsewhere
            .viewer()
            .await
            .expect("signed in on the second instance too")
            .is_admin
    );
    same_cookie_elsewhere
        .call("account/sign-out", &[])
        .await
        .ok();
    assert!(
        visitor.viewer().await.is_none(),
        "signing out on one instance ends the session on both"
    );
}

/// A photo uploaded through one instance is served by the other, and a report filed on one is
/// listed by the other's API.
async fn a_second_instance_serves_what_the_first_stored(backend: Backend) {
    let first = spawn_app(backend).await;
    let second = common::spawn_second_instance(&first).await;
    let citizen = first.citizen("lan@example.vn").await;
    let photo = first.report_with_photo(&citizen).await;
    let elsewhere = first.visitor().with_base(&second);
    let served = elsewhere.get(&format!("/files/{photo}/hang-cho.png")).await;
    assert_eq!(served.status(), reqwest::StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert!(!served.bytes().await.unwrap().is_empty());
    let listed: serde_json::Value = elsewhere.get("/api/v1/reports").await.json().await.unwrap();
    assert_eq!(
        listed["items"][0]["title"],
        "Xếp hàng hai tiếng ở bộ phận một cửa"
    );
    assert!(listed["items"][0]["photo"]["url"].is_string());
}

/// Staff taken off before departures were kept are on the record (`staff.revoke`): the migration
/// that starts keeping departures makes them departures too, so they still do not compete in
/// their former organisation's challenges.
async fn staff_taken_off_before_departures_were_kept_become_departures(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, _staff) = app.org_with_staff("Phường 7", "canbo@p7.vn").await;
    let user = app
        .scalar("SELECT id FROM users WHERE email = 'canbo@p7.vn'")
        .await;
    // Back to before departures were kept (and the migrations after it).
    let all = Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == "m20261206_000025_staff_departures")
        .unwrap();
    Migrator::down(&app.db, Some((all.len() - at) as u32))
        .await
        .unwrap();
    app.db
        .execute_unprepared(&format!(
            "DELETE FROM org_staff WHERE user_id = {user}; \
             INSERT INTO audit_log (actor_name, actor_role, action, target_kind, target_id, \
             reason, details, is_public, created_at) VALUES ('', 'admin', 'staff.revoke', \
             'organisation', {org}, NULL, '{{\"user_id\":{user}}}', {no}, CURRENT_TIMESTAMP)",
            no = if backend == Backend::Postgres {
                "false"
            } else {
                "0"
            },
        ))
        .await
        .unwrap();
    Migrator::up(&app.db, None).await.unwrap();
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM staff_departures WHERE organisation_id = {org} \
             AND user_id = {user}"
        ))
        .await,
        1
    );
}

/// The rows that name an account, by table, and the accounts themselves.
async fn what_refers_to_accounts(app: &common::TestApp) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for (table, sql) in [
        (
            "users",
            "SELECT CAST(COUNT(*) + COALESCE(SUM(id), 0) AS BIGINT) FROM users",
        ),
        ("team_members", "SELECT COUNT(*) FROM team_members"),
        ("votes", "SELECT COUNT(*) FROM votes"),
        (
            "reports",
            "SELECT COUNT(*) FROM reports WHERE author_id IS NOT NULL",
        ),
        ("org_staff", "SELECT COUNT(*) FROM org_staff"),
        ("judges", "SELECT COUNT(*) FROM judges"),
        ("two_factor", "SELECT COUNT(*) FROM two_factor"),
    ] {
        counts.push((table, app.scalar(sql).await));
    }
    counts
}

async fn an_address_becoming_optional_keeps_every_account_and_what_refers_to_it(backend: Backend) {
    let app = common::spawn_demo(backend).await;
    // Back to before accounts by phone (the demo's account without an address goes with it).
    Migrator::down(&app.db, Some(1)).await.unwrap();
    let before = what_refers_to_accounts(&app).await;
    assert!(
        before.iter().all(|(_, n)| *n > 0),
        "the demo fills them: {before:?}"
    );
    let highest = app.scalar("SELECT MAX(id) FROM users").await;
    // Up again: on SQLite the table is made anew, and nothing that names an account is lost.
    Migrator::up(&app.db, None).await.unwrap();
    assert_eq!(what_refers_to_accounts(&app).await, before);
    // New accounts take new ids, and foreign keys hold again on every connection.
    app.citizen("moi@example.vn").await;
    assert!(
        app.scalar("SELECT id FROM users WHERE email = 'moi@example.vn'")
            .await
            > highest
    );
    let orphan = app
        .db
        .execute_unprepared(
            "INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at) \
             VALUES ('x', 999999, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        )
        .await;
    assert!(orphan.is_err(), "a session of nobody is refused");
}

on_both_databases!(
    migrations_go_down_and_up_again,
    an_address_becoming_optional_keeps_every_account_and_what_refers_to_it,
    staff_taken_off_before_departures_were_kept_become_departures,
    a_second_instance_on_the_same_database_shares_sessions,
    a_second_instance_serves_what_the_first_stored,
);
