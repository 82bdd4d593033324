//! Safe by default, tried as someone would try it: a binary started bare, a forged error or
//! return address in a link, a request too large to read, cookies and HSTS on an https site.

mod common;

use app::error::AppError;
use common::{ADMIN_EMAIL, Backend, Options, PASSWORD, spawn_app, spawn_app_with};
use reqwest::StatusCode;

/// The server binary started with only `env` (nothing of this machine's environment): its exit
/// status and what it printed.
fn start_bare(env: &[(&str, &str)]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_vidan"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("VIDAN_ADDR", "127.0.0.1:0")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/bare.db?mode=rwc", dir.path().display()),
        )
        .envs(env.iter().copied())
        .current_dir(dir.path())
        .output()
        .expect("the binary runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

#[test]
fn a_bare_binary_is_production_and_says_what_it_needs() {
    // No configuration at all: production, which will not serve without a way to send mail
    // (so never a mailbox page that shows everyone's codes, never the demo's accounts).
    let (ok, said) = start_bare(&[]);
    assert!(!ok, "{said}");
    assert!(
        said.contains("VIDAN_SMTP_HOST") && said.contains("VIDAN_ENV=development"),
        "{said}"
    );
    // Demo accounts (an administrator with a published password) are refused in production.
    let (ok, said) = start_bare(&[
        ("VIDAN_SMTP_HOST", "127.0.0.1"),
        ("VIDAN_DEMO_DATA", "true"),
    ]);
    assert!(!ok);
    assert!(
        said.contains("VIDAN_DEMO_DATA needs VIDAN_ENV=development"),
        "{said}"
    );
    // Production is served over https, except on this machine.
    let (ok, said) = start_bare(&[
        ("VIDAN_SMTP_HOST", "127.0.0.1"),
        ("VIDAN_BASE_URL", "http://vidan.tayninh.gov.vn"),
    ]);
    assert!(!ok);
    assert!(said.contains("https"), "{said}");
    // Taking the database's steps needs none of it.
    let dir = tempfile::tempdir().unwrap();
    let migrated = std::process::Command::new(env!("CARGO_BIN_EXE_vidan"))
        .arg("migrate")
        .env_clear()
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/m.db?mode=rwc", dir.path().display()),
        )
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
}

async fn an_error_in_the_address_can_only_be_the_sites_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    // A link with a made-up message, as a phisher would send round.
    let forged = leptos::server_fn::error::ServerFnUrlError::new(
        "/api/account/sign-in",
        AppError::conflict("Tài khoản của bạn bị khoá. Gọi 0900 000 000 để mở."),
    )
    .to_url(&format!("{}/sign-in", v.base))
    .unwrap();
    let answer = v
        .get(&format!("/sign-in?{}", forged.query().unwrap()))
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/sign-in?"), "{location}");
    let (status, html) = v.page(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("0900 000 000"),
        "the forged words never show"
    );
    assert!(
        html.contains("Vui lòng kiểm tra lại"),
        "the site's own words do"
    );
    // An address that starts like another site's is sent back to this one.
    for path in [
        "//evil.example/x",
        "/\\evil.example/x",
        "///evil.example/page",
    ] {
        let answer = v.get(&format!("{path}?{}", forged.query().unwrap())).await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{path}");
        let location = answer.headers()["location"].to_str().unwrap();
        assert!(
            location.starts_with('/') && !location.starts_with("//") && !location.contains('\\'),
            "{path} → {location}"
        );
    }
    // The site's own message, as a form sent without JavaScript brings back, goes through.
    let own = leptos::server_fn::error::ServerFnUrlError::new(
        "/api/account/sign-in",
        AppError::conflict("error.credentials"),
    )
    .to_url(&format!("{}/sign-in", v.base))
    .unwrap();
    let (status, html) = v.page(&format!("/sign-in?{}", own.query().unwrap())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Email hoặc mật khẩu không đúng."));
}

async fn after_signing_in_only_this_sites_paths_are_followed(backend: Backend) {
    let app = spawn_app(backend).await;
    for (next, expected) in [
        ("/challenges?phase=open", "/challenges?phase=open"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
    ] {
        let v = app.visitor();
        let answer = v
            .call(
                "account/sign-in",
                &[
                    ("email", ADMIN_EMAIL),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(answer.location(), expected, "next = {next:?}");
    }
    // The language switch goes back the same way.
    let v = app.visitor();
    let switched = v.switch_language("en", Some("/\t/evil.example")).await;
    assert_eq!(switched.headers()["location"], "/");
}

/// Sends only a request's head, which says how long its body is, and reads the answer: an
/// answer that comes is one given before a byte of the body was read.
async fn head_only(
    base: &str,
    path: &str,
    length: usize,
    accept: &str,
    kind: &str,
) -> (u16, String) {
    let (status, text) = common::raw_exchange(
        base,
        &format!("POST {path} HTTP/1.1"),
        &format!("Accept: {accept}\r\nContent-Type: {kind}\r\nContent-Length: {length}\r\n"),
    )
    .await;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

async fn a_request_too_large_is_refused_before_it_is_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let form = "application/x-www-form-urlencoded";
    // Two megabytes to a form that takes a few words: refused by its length, in JSON for code…
    let (status, body) = head_only(
        &app.base,
        "/api/account/register",
        2 << 20,
        "application/json",
        form,
    )
    .await;
    assert_eq!(status, 413);
    assert!(body.contains("error.request_too_large"), "{body}");
    // …and as a page in the visitor's language for a browser's form.
    let (status, body) = head_only(
        &app.base,
        "/api/account/register",
        2 << 20,
        "text/html",
        form,
    )
    .await;
    assert_eq!(status, 413);
    assert!(body.contains("quá lớn"), "{body}");
    // A form with files takes more, but not without end.
    let files = "multipart/form-data; boundary=x";
    let (status, _) = head_only(
        &app.base,
        "/api/reports/create",
        45 << 20,
        "application/json",
        files,
    )
    .await;
    assert_eq!(status, 413);
    // What fits goes through as before.
    let v = app.visitor();
    let answer = v
        .call(
            "account/register",
            &[
                ("email", "to@example.vn"),
                ("display_name", "Tô Hoài"),
                ("password", PASSWORD),
            ],
        )
        .await;
    answer.ok();
}

async fn an_https_site_sends_hsts_and_host_only_cookies(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            https: true,
            ..Default::default()
        },
    )
    .await;
    let v = app.visitor();
    let home = v.get("/").await;
    assert_eq!(
        home.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    let signed_in = v.sign_in(ADMIN_EMAIL, PASSWORD).await;
    let cookies: Vec<&str> = signed_in
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|h| h.to_str().unwrap())
        .collect();
    for name in ["__Host-vidan_session=", "__Host-vidan_device="] {
        let cookie = cookies
            .iter()
            .find(|c| c.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {cookies:?}"));
        assert!(
            cookie.contains("; Secure")
                && cookie.contains("; HttpOnly")
                && cookie.contains("Path=/"),
            "{cookie}"
        );
        assert!(!cookie.contains("Domain="), "{cookie}");
    }
    // Over plain http (this machine) there is no HSTS.
    let local = spawn_app(backend).await;
    assert!(
        local
            .visitor()
            .get("/")
            .await
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
}

async fn a_draft_cancelled_before_it_was_published_stays_with_its_staff(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let id = app
        .draft_challenge(&staff, org, chrono::Duration::days(20), None)
        .await;
    staff
        .call_multipart(
            "challenges/files/add",
            &[("challenge_id", &id), ("purpose", "attachment")],
            Some(("file", "du-thao-noi-bo.pdf", common::tiny_pdf())),
        )
        .await
        .ok();
    let file = app
        .scalar(&format!(
            "SELECT upload_id FROM challenge_attachments WHERE challenge_id = {id}"
        ))
        .await;
    staff
        .call(
            "challenges/cancel",
            &[
                ("id", &id),
                ("reason", "Gộp vào thử thách của quận, không làm riêng."),
            ],
        )
        .await
        .ok();
    let slug = app
        .text(&format!("SELECT slug FROM challenges WHERE id = {id}"))
        .await;
    let anyone = app.visitor();
    let (status, _) = anyone.page(&format!("/challenges/{slug}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, cancelled) = anyone.page("/challenges?phase=cancelled").await;
    assert!(!cancelled.contains(&slug));
    assert_eq!(
        anyone
            .get(&format!("/files/{file}/du-thao-noi-bo.pdf"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let api = anyone.get(&format!("/api/v1/challenges/{slug}")).await;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'challenge.cancel' AND is_public = true"
        )
        .await,
        0,
        "why it was dropped stays with the staff too"
    );
    // Its staff still see it.
    let (status, _) = staff.page(&format!("/challenges/{slug}")).await;
    assert_eq!(status, StatusCode::OK);
}

async fn every_refusal_and_every_export_is_on_the_record(backend: Backend) {
    let app = spawn_app(backend).await;
    let citizen = app.citizen("dan@example.vn").await;
    let refused = citizen
        .call(
            "admin/organisations/create",
            &[
                ("name_vi", "Phường giả"),
                ("name_en", "Fake ward"),
                ("kind", "ward"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let id = app
        .scalar("SELECT id FROM users WHERE email = 'dan@example.vn'")
        .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'access.refused' AND actor_id = {id} \
             AND details LIKE '%/api/admin/organisations/create%' AND is_public = false"
        ))
        .await,
        1
    );
    // Someone else's things answer "not found", so as not to say they exist; that is a refusal
    // too, and on the record.
    let other = app.citizen("khac@example.vn").await;
    let team_invitation = other
        .call("teams/respond", &[("id", "1"), ("accept", "true")])
        .await;
    assert_eq!(team_invitation.status, StatusCode::NOT_FOUND);
    let file = citizen.get("/files/1/ke-hoach.pdf").await;
    assert_eq!(file.status(), StatusCode::NOT_FOUND);
    for path in ["/api/teams/respond", "/files/1/ke-hoach.pdf"] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'access.refused' \
                 AND details LIKE '%{path}%' AND details LIKE '%404%' AND is_public = false"
            ))
            .await,
            1,
            "{path}"
        );
    }
    let export = citizen.get("/account/export.json").await;
    assert_eq!(export.status(), StatusCode::OK);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'account.export' AND actor_id = {id}"
        ))
        .await,
        1
    );
}

/// One address registers so many accounts an hour; the next is refused before a password is
/// hashed or a mail sent.
async fn one_address_registers_only_so_many_accounts(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            registrations_per_hour: Some(3),
            ..Default::default()
        },
    )
    .await;
    let v = app.visitor();
    for i in 0..3 {
        v.call(
            "account/register",
            &[
                ("email", &format!("nguoi{i}@example.vn")),
                ("display_name", "Người dân"),
                ("password", PASSWORD),
            ],
        )
        .await
        .location();
    }
    let refused = v
        .call(
            "account/register",
            &[
                ("email", "nguoi9@example.vn"),
                ("display_name", "Người dân"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(refused.error(), AppError::RateLimited { .. }));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE email = 'nguoi9@example.vn'")
            .await,
        0
    );
}

on_both_databases!(
    every_refusal_and_every_export_is_on_the_record,
    a_draft_cancelled_before_it_was_published_stays_with_its_staff,
    an_error_in_the_address_can_only_be_the_sites_own,
    after_signing_in_only_this_sites_paths_are_followed,
    a_request_too_large_is_refused_before_it_is_read,
    an_https_site_sends_hsts_and_host_only_cookies,
    one_address_registers_only_so_many_accounts,
);
