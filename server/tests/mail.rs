//! Email delivery through a real SMTP server started by the test: a refused delivery stays in
//! the outbox and goes out on a later try.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::{Backend, PASSWORD, spawn_app_with};
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
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mail.jsonl");
    let port = free_port();
    let mut child = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py"))
        .args([
            "--port",
            &port.to_string(),
            "--out",
            out.to_str().unwrap(),
            "--fail-first",
            &fail_first.to_string(),
        ])
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

on_both_databases!(a_refused_delivery_is_retried_and_the_email_arrives);
