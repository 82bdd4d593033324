//! Safe by default, tried as someone would try it: a binary started bare, a forged error or
//! return address in a link, a request too large to read, cookies and HSTS on an https site.

use crate::common;

use crate::common::{ADMIN_EMAIL, Backend, Options, PASSWORD, spawn_app, spawn_app_with};
use app::error::AppError;
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

/// A form sent in chunks, without saying its length: chunks up to `limit` bytes, then one byte
/// more, and nothing after it (so that the server, stopping there, leaves nothing unread).
async fn chunked_past(base: &str, path: &str, limit: usize, kind: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\n\
         Content-Type: {kind}\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0;
    while sent < limit {
        let part = &chunk[..chunk.len().min(limit - sent)];
        stream
            .write_all(format!("{:x}\r\n", part.len()).as_bytes())
            .await
            .unwrap();
        stream.write_all(part).await.unwrap();
        stream.write_all(b"\r\n").await.unwrap();
        sent += part.len();
    }
    stream.write_all(b"1\r\na\r\n").await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(20),
        stream.read_to_end(&mut answer),
    )
    .await
    .expect("an answer")
    .unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    (common::status_of(&text), text)
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
    // Every other function has the same limit, however its form is written, said or not.
    for path in [
        "/api/account/sign-in",
        "/api/entries/save",
        "/api/teams/create",
        "/api/votes/cast",
        "/api/judging/save",
        "/api/pilots/comments/add",
        "/lang",
    ] {
        let (status, body) = head_only(&app.base, path, 2 << 20, "application/json", form).await;
        assert_eq!(status, 413, "{path}");
        assert!(body.contains("error.request_too_large"), "{path}: {body}");
        let (status, answer) = chunked_past(&app.base, path, 1 << 20, form).await;
        assert_eq!(status, 413, "{path} in chunks: {answer}");
    }
    // Sent in chunks, without a length: refused where it passes the limit, text or files.
    let (status, answer) = chunked_past(&app.base, "/api/account/register", 1 << 20, form).await;
    assert_eq!(status, 413, "{answer}");
    assert!(answer.contains("error.request_too_large"), "{answer}");
    let limit = 4 * 10_000_000 + (1 << 20);
    let (status, answer) = chunked_past(&app.base, "/api/reports/create", limit, files).await;
    assert_eq!(status, 413, "{answer}");
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
    // A page that refuses its reader answers 403 like a server function, on the record.
    for path in ["/admin/audit", "/admin"] {
        let (status, html) = citizen.page(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {html}");
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'access.refused' AND actor_id = {id} \
                 AND details LIKE '%\"{path}\"%' AND details LIKE '%403%'"
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

/// A report with a photo as a browser sends it: the form's body and its content type.
fn report_form(org: i64) -> (Vec<u8>, &'static str) {
    let mut body = Vec::new();
    for (name, value) in [
        ("organisation_id", org.to_string()),
        ("category", "admin_procedures".to_owned()),
        ("title", "Đèn đường hỏng ở ngõ 5".to_owned()),
        (
            "description",
            "Tối nào ngõ cũng tối om, người già đi lại khó.".to_owned(),
        ),
    ] {
        body.extend_from_slice(
            format!("--x\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        b"--x\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"den.png\"\r\n\
          Content-Type: image/png\r\n\r\n",
    );
    body.extend_from_slice(&common::tiny_png());
    body.extend_from_slice(b"\r\n--x--\r\n");
    (body, "multipart/form-data; boundary=x")
}

/// A form with files begun on a connection of its own, asking first whether to send its body
/// (`Expect: 100-continue`): the server says "go on" only when it starts reading it.
struct Upload {
    stream: tokio::net::TcpStream,
    body: Vec<u8>,
}

impl Upload {
    /// Sends the head of a report with a photo, with `cookie`, from the network address `from`
    /// (as a proxy the site trusts says it).
    async fn begin(
        base: &str,
        cookie: Option<&str>,
        from: &str,
        body: Vec<u8>,
        kind: &str,
    ) -> Self {
        use tokio::io::AsyncWriteExt;
        let address = base.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let cookie = cookie
            .map(|c| format!("Cookie: {c}\r\n"))
            .unwrap_or_default();
        let head = format!(
            "POST /api/reports/create HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\n\
             Content-Type: {kind}\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\
             X-Forwarded-For: {from}\r\nConnection: close\r\n{cookie}\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        Self { stream, body }
    }

    /// Whether the server said "go on" within `wait`.
    async fn told_to_go_on(&mut self, wait: std::time::Duration) -> bool {
        use tokio::io::AsyncReadExt;
        let mut said = Vec::new();
        let mut byte = [0u8; 1];
        let reading = async {
            while !said.ends_with(b"\r\n\r\n") {
                if self.stream.read(&mut byte).await.unwrap() == 0 {
                    break;
                }
                said.push(byte[0]);
            }
        };
        if tokio::time::timeout(wait, reading).await.is_err() {
            assert!(said.is_empty(), "{}", String::from_utf8_lossy(&said));
            return false;
        }
        let said = String::from_utf8_lossy(&said);
        assert!(said.starts_with("HTTP/1.1 100"), "{said}");
        true
    }

    /// Sends the body and reads the answer: its status and text.
    async fn finish(mut self) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        self.stream.write_all(&self.body).await.unwrap();
        let mut answer = Vec::new();
        self.stream.read_to_end(&mut answer).await.unwrap();
        let mut text = String::from_utf8_lossy(&answer).into_owned();
        // "Go on", if it was not read yet, then the answer.
        if text.starts_with("HTTP/1.1 100")
            && let Some((_, rest)) = text.split_once("\r\n\r\n")
        {
            text = rest.to_owned();
        }
        (common::status_of(&text), text)
    }
}

fn cookie_of(v: &common::Visitor) -> String {
    use reqwest::cookie::CookieStore;
    let url = reqwest::Url::parse(&v.base).unwrap();
    v.jar.cookies(&url).unwrap().to_str().unwrap().to_owned()
}

/// Forms with files are read whole before they are answered, and so only for someone signed in:
/// a few at a time on an instance (here four), two at a time per account, and half the
/// instance's places per network address. A visitor's form is read and thrown away as it
/// arrives, waiting for no one, and answered "sign in".
async fn forms_with_files_are_read_only_for_people_who_may_send_them(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            uploads_at_once: Some(4),
            trust_proxy: true,
            ..Default::default()
        },
    )
    .await;
    let (org, _) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let lan = cookie_of(&app.citizen("lan@example.vn").await);
    let tuan = cookie_of(&app.citizen("tuan@example.vn").await);
    let hai = cookie_of(&app.citizen("hai@example.vn").await);
    let minh = cookie_of(&app.citizen("minh@example.vn").await);
    let (home, office, cafe) = ("198.51.100.1", "198.51.100.2", "198.51.100.3");
    let (form, kind) = report_form(org);
    let base = app.base.clone();
    let begin = |cookie: Option<&String>, from: &'static str| {
        let (base, cookie, form) = (base.clone(), cookie.cloned(), form.clone());
        async move { Upload::begin(&base, cookie.as_deref(), from, form, kind).await }
    };
    let wait = std::time::Duration::from_millis(500);
    let go_on = std::time::Duration::from_secs(20);
    // Lan begins two reports from home: both are read (half the instance's places).
    let mut first = begin(Some(&lan), home).await;
    assert!(first.told_to_go_on(go_on).await);
    let mut second = begin(Some(&lan), home).await;
    assert!(second.told_to_go_on(go_on).await);
    // A third of hers at once is refused as busy (after its body, so her browser shows why).
    let (status, answer) = begin(Some(&lan), office).await.finish().await;
    assert_eq!(status, 503, "{answer}");
    assert!(answer.contains("Busy"), "{answer}");
    // Another account on her address is refused too: one address holds half the places.
    let (status, answer) = begin(Some(&tuan), home).await.finish().await;
    assert_eq!(status, 503, "{answer}");
    // Hai, at the office, takes the other two places.
    let mut hais = begin(Some(&hai), office).await;
    assert!(hais.told_to_go_on(go_on).await);
    let mut hais_second = begin(Some(&hai), office).await;
    assert!(hais_second.told_to_go_on(go_on).await);
    // Minh's waits its turn: he is not told to go on while every place is taken.
    let mut minhs = begin(Some(&minh), cafe).await;
    assert!(!minhs.told_to_go_on(wait).await);
    // A visitor's is not read into memory and waits for no place: answered "sign in".
    let mut visitors = begin(None, cafe).await;
    assert!(visitors.told_to_go_on(go_on).await);
    let (status, answer) = visitors.finish().await;
    assert_eq!(status, 401, "{answer}");
    // Lan's first report arrives whole and is filed; Minh's then goes on, and is filed too.
    let (status, answer) = first.finish().await;
    assert!(status < 400, "{answer}");
    assert!(minhs.told_to_go_on(go_on).await);
    for upload in [minhs, second, hais, hais_second] {
        let (status, answer) = upload.finish().await;
        assert!(status < 400, "{answer}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM reports").await, 5);
}

on_both_databases!(
    every_refusal_and_every_export_is_on_the_record,
    a_draft_cancelled_before_it_was_published_stays_with_its_staff,
    an_error_in_the_address_can_only_be_the_sites_own,
    after_signing_in_only_this_sites_paths_are_followed,
    a_request_too_large_is_refused_before_it_is_read,
    an_https_site_sends_hsts_and_host_only_cookies,
    one_address_registers_only_so_many_accounts,
    forms_with_files_are_read_only_for_people_who_may_send_them,
);
