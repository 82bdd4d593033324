//! Email delivery through a real SMTP server started by the test: a refused delivery stays in
//! the outbox and goes out on a later try.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::common::{Backend, PASSWORD, spawn_app_with};
use server::config::{SmtpConfig, SmtpSecurity};

struct SmtpSink {
    child: Child,
    out: std::path::PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_sink(fail_first: u32) -> SmtpSink {
    start_sink_with(fail_first, false)
}

/// An SMTP server; with `tls`, one that requires STARTTLS with a certificate signed by a
/// certificate authority of its own (`ca.pem` in its folder), as a city's mail server may.
fn start_sink_with(fail_first: u32, tls: bool) -> SmtpSink {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mail.jsonl");
    let port = free_port();
    let mut command = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()));
    command
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py"))
        .args([
            "--port",
            &port.to_string(),
            "--out",
            out.to_str().unwrap(),
            "--fail-first",
            &fail_first.to_string(),
        ]);
    if tls {
        command.args(["--tls-dir", dir.path().to_str().unwrap()]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with aiosmtpd (pip install aiosmtpd)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
    SmtpSink {
        child,
        out,
        port,
        _dir: dir,
    }
}

async fn a_refused_delivery_is_retried_and_the_email_arrives(backend: Backend) {
    let sink = start_sink(1);
    let smtp = SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port,
        security: SmtpSecurity::None,
        username: None,
        password: None,
        from: "Vì Dân <no-reply@vidan.test>".into(),
    };
    let app = spawn_app_with(
        backend,
        common::Options {
            smtp: Some(smtp),
            ..Default::default()
        },
    )
    .await;
    let v = app.visitor();
    v.call(
        "account/register",
        &[
            ("email", "mai@example.vn"),
            ("display_name", "Trần Mai"),
            ("password", PASSWORD),
        ],
    )
    .await
    .ok();

    // The first try is refused: the message stays, with its error and a later retry.
    app.wait_until(
        "SELECT COUNT(*) FROM outbox WHERE attempts >= 1",
        "the worker never tried",
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND last_error IS NOT NULL")
            .await,
        1
    );
    assert!(!sink.out.exists(), "nothing was delivered yet");

    // Make the retry due now instead of in a minute, then the worker delivers it.
    use sea_orm::ConnectionTrait;
    let backend_kind = app.db.get_database_backend();
    app.db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend_kind,
            "UPDATE outbox SET next_attempt_at = $1",
            [chrono::Utc::now().into()],
        ))
        .await
        .unwrap();
    app.wait_until(
        "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL",
        "the retry never delivered",
    )
    .await;
    assert_eq!(
        app.scalar("SELECT CAST(attempts AS BIGINT) FROM outbox")
            .await,
        2
    );
    let delivered = std::fs::read_to_string(&sink.out).unwrap();
    assert!(delivered.contains("mai@example.vn"));
    let code = common::one_time_code_in(&delivered).expect("the code is in the email");
    v.call(
        "account/verify",
        &[("email", "mai@example.vn"), ("code", &code)],
    )
    .await
    .ok();
    v.sign_in("mai@example.vn", PASSWORD).await.ok();
    // With SMTP configured there is no development mailbox.
    assert_eq!(
        v.call("dev/mailbox", &[]).await.status,
        reqwest::StatusCode::NOT_FOUND
    );
}

/// A city's mail server whose certificate its own authority signed: with that authority's
/// certificate trusted (`VIDAN_CA_FILE`), mail goes over STARTTLS and arrives; without it, the
/// server is not trusted, and the email waits in the outbox with the reason.
async fn mail_goes_to_a_server_the_citys_own_authority_signed(backend: Backend) {
    let sink = start_sink_with(0, true);
    let smtp = SmtpConfig {
        host: "localhost".into(),
        port: sink.port,
        security: SmtpSecurity::StartTls,
        username: None,
        password: None,
        from: "Vì Dân <no-reply@vidan.test>".into(),
    };
    let register = |app: &common::TestApp, email: &'static str| {
        let v = app.visitor();
        async move {
            v.call(
                "account/register",
                &[
                    ("email", email),
                    ("display_name", "Trần Mai"),
                    ("password", PASSWORD),
                ],
            )
            .await
            .ok();
        }
    };
    let untrusting = spawn_app_with(
        backend,
        common::Options {
            smtp: Some(smtp.clone()),
            ..Default::default()
        },
    )
    .await;
    register(&untrusting, "khong-tin@example.vn").await;
    untrusting
        .wait_until(
            "SELECT COUNT(*) FROM outbox WHERE attempts >= 1 AND last_error IS NOT NULL",
            "the worker never tried",
        )
        .await;
    assert_eq!(
        untrusting
            .scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .await,
        1,
        "an untrusted server gets nothing"
    );
    let ca = std::fs::read(sink._dir.path().join("ca.pem")).unwrap();
    let trusting = spawn_app_with(
        backend,
        common::Options {
            smtp: Some(smtp),
            city_ca: Some(ca),
            ..Default::default()
        },
    )
    .await;
    register(&trusting, "tin-cay@example.vn").await;
    trusting
        .wait_until(
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL",
            "the email never went",
        )
        .await;
    let delivered = std::fs::read_to_string(&sink.out).unwrap();
    assert!(delivered.contains("tin-cay@example.vn"), "{delivered}");
    assert!(!delivered.contains("khong-tin@example.vn"), "{delivered}");
}

/// The site's address as configured: every link in every email starts with it.
const SITE: &str = "http://phuong1.vidan.test";

/// Every email queued so far, as (kind, body).
async fn outbox(app: &common::TestApp) -> Vec<(String, String)> {
    use sea_orm::{ConnectionTrait, Statement};
    app.db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT kind, body_text FROM outbox ORDER BY id",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get::<String>("", "kind").unwrap(),
                r.try_get::<String>("", "body_text").unwrap(),
            )
        })
        .collect()
}

/// The links in `body` that do not lead to the site: absolute ones elsewhere, and bare paths
/// (`/teams/3`), which a mail program cannot open.
fn stray_links(body: &str) -> Vec<String> {
    body.split_whitespace()
        .map(|word| word.trim_matches(|c: char| matches!(c, '(' | ')' | '.' | ',' | '“' | '”')))
        .filter(|word| {
            (word.contains("://") && !word.starts_with(&format!("{SITE}/")))
                || (word.starts_with('/') && word.len() > 1)
        })
        .map(str::to_owned)
        .collect()
}

/// Emails written in answer to a request and by each background pass (a challenge's new phase,
/// a draft due within a day, results published at a set time, a milestone past its date) link
/// to the site's configured address; outside a request, nothing told them what it was.
async fn every_email_links_to_the_site_address(backend: Backend) {
    use chrono::{Duration, Utc};
    let app = spawn_app_with(
        backend,
        common::Options {
            base_url: Some(SITE.into()),
            ..Default::default()
        },
    )
    .await;
    let j = app.contest(1, None).await;
    let c = j.challenge.as_str();
    let org = app
        .scalar(&format!(
            "SELECT organisation_id FROM challenges WHERE id = {c}"
        ))
        .await
        .to_string();

    // A challenge whose entries close within the day: a team with a draft is reminded; once
    // they have closed, a follower is told of its next phase.
    let closing = app
        .open_challenge(&j.staff, org.parse().unwrap(), Duration::hours(1), None)
        .await;
    let follower = app.citizen("theo-doi@example.vn").await;
    follower
        .call("challenges/follow", &[("id", &closing), ("follow", "true")])
        .await
        .ok();
    let writer = app.citizen("viet-nhap@example.vn").await;
    let team = writer
        .create_team(&closing, "Nhóm Viết Dở")
        .await
        .to_string();
    // A newcomer invited to the team gets the link by email.
    writer
        .call(
            "teams/invite",
            &[("team_id", &team), ("email", "ban-moi@example.vn")],
        )
        .await
        .ok();
    writer
        .call(
            "entries/save",
            &[
                ("team_id", team.as_str()),
                ("version", "0"),
                ("entry[title]", "Bản nháp"),
            ],
        )
        .await
        .ok();
    app.wait_until(
        "SELECT COUNT(*) FROM outbox WHERE kind = 'entry_deadline_soon'",
        "the draft's reminder",
    )
    .await;
    app.entries_close(&closing, Utc::now() - Duration::seconds(1))
        .await;

    // Results published at a set time a few seconds ahead: the teams are told when it comes.
    for step in ["judging/setup", "judging/close"] {
        j.staff.call(step, &[("challenge_id", c)]).await.ok();
    }
    let at = common::city(Utc::now() + Duration::seconds(3));
    j.staff
        .call("judging/publish", &[("challenge_id", c), ("at", &at)])
        .await
        .ok();

    // Emails written in answer to requests: a newcomer invited to a panel, a registration on an
    // address that has an account, a forgotten password.
    j.staff
        .call(
            "judging/invite",
            &[
                ("challenge_id", &closing),
                ("email", "giam-khao-moi@example.vn"),
            ],
        )
        .await
        .ok();
    app.visitor()
        .call("account/forgot", &[("email", "theo-doi@example.vn")])
        .await
        .ok();
    app.visitor()
        .call(
            "account/register",
            &[
                ("email", "theo-doi@example.vn"),
                ("display_name", "Người khác"),
                ("password", PASSWORD),
            ],
        )
        .await
        .ok();

    for kind in [
        "challenge_phase_changed",
        "entry_deadline_soon",
        "results_published",
        "team_invitation",
        "panel_invitation",
    ] {
        app.wait_until(
            &format!("SELECT COUNT(*) FROM outbox WHERE kind = '{kind}'"),
            &format!("an email of kind {kind}"),
        )
        .await;
    }
    // A milestone past its date, as in the demo: its owner is reminded by the next pass.
    let demo = spawn_app_with(
        backend,
        common::Options {
            demo_data: true,
            base_url: Some(SITE.into()),
            ..Default::default()
        },
    )
    .await;
    // And a milestone due in two days: its owners are reminded before it.
    let staff = demo.visitor();
    staff.sign_in_demo("canbo@vidan.local").await.ok();
    let pilot = demo
        .scalar("SELECT MIN(id) FROM pilots WHERE status = 'running'")
        .await
        .to_string();
    let city = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
    let due_day = app::calendar::Calendar::statutory()
        .shift_working_days(Utc::now().with_timezone(&city).date_naive(), 2);
    let due = due_day.format("%Y-%m-%d").to_string();
    staff
        .call(
            "pilots/milestones/add",
            &[
                ("pilot_id", pilot.as_str()),
                ("title", "Họp báo cáo nhanh với phường"),
                ("owner", "team"),
                ("due_on", due.as_str()),
            ],
        )
        .await
        .ok();
    // The reminders' pass as it runs two days before that day ends (the scheduler runs it with
    // the real time; a long holiday could put the day further off than three days).
    app::jobs::milestone_reminders::remind_milestones(
        &demo.db,
        &app::links::Links::new(SITE),
        app::pilot::rules::end_of_day(due_day) - Duration::days(2),
    )
    .await
    .expect("reminders");
    for kind in ["milestone_overdue", "milestone_due_soon"] {
        demo.wait_until(
            &format!("SELECT COUNT(*) FROM outbox WHERE kind = '{kind}'"),
            &format!("an email of kind {kind}"),
        )
        .await;
    }

    let mut mails = outbox(&app).await;
    mails.extend(outbox(&demo).await);
    let kinds: std::collections::BTreeSet<&str> = mails.iter().map(|(k, _)| k.as_str()).collect();
    for kind in [
        "challenge_phase_changed",
        "entry_deadline_soon",
        "results_published",
        "team_invitation",
        "panel_invitation",
        "milestone_overdue",
        "milestone_due_soon",
    ] {
        assert!(kinds.contains(kind), "no {kind} email among {kinds:?}");
    }
    for (kind, body) in &mails {
        assert!(
            body.contains(&format!("{SITE}/")),
            "a {kind} email without a link to the site:\n{body}"
        );
        let stray = stray_links(body);
        assert!(
            stray.is_empty(),
            "a {kind} email links elsewhere: {stray:?}\n{body}"
        );
    }
}

on_both_databases!(
    a_refused_delivery_is_retried_and_the_email_arrives,
    mail_goes_to_a_server_the_citys_own_authority_signed,
    every_email_links_to_the_site_address,
);
