//! The site as a browser sees it: language, pages and their statuses, security headers,
//! forgery protection, forms that work without JavaScript, health.

use crate::common;

use crate::common::{Backend, PASSWORD, nonce_and_page, spawn_app, spawn_app_with, spawn_demo};
use reqwest::StatusCode;

async fn pages_are_vietnamese_first_and_english_one_click_away(backend: Backend) {
    let app = spawn_demo(backend).await;
    let v = app.visitor();
    let (status, html) = v.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<html lang=\"vi\""));
    assert!(html.contains("Từ phản ánh đến thí điểm"));
    assert!(
        html.contains("Phường Ninh Sơn"),
        "demo organisations are listed"
    );

    let answer = v.switch_language("en", Some("/organisations")).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(answer.headers()["location"], "/organisations");
    let (_, html) = v.page("/organisations").await;
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("Participating organisations"));
    assert!(html.contains("Ninh Son Ward"));

    // The switch never sends anyone to another site.
    let answer = v.switch_language("vi", Some("//evil.example")).await;
    assert_eq!(answer.headers()["location"], "/");
}

async fn an_unknown_address_is_a_404_page_in_the_visitors_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    let (status, html) = v.page("/khong-co-trang-nay").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Không tìm thấy trang"));
    v.switch_language("en", None).await;
    let (status, html) = v.page("/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}

async fn pages_carry_security_headers_and_a_nonce_policy(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.visitor().get("/sign-in").await;
    let headers = response.headers();
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));
    // The hydration script carries the policy's nonce.
    nonce_and_page(response).await;
}

async fn pages_with_nothing_to_do_in_the_browser_are_sent_without_code_to_load(backend: Backend) {
    let app = spawn_demo(backend).await;
    let v = app.visitor();
    for path in ["/", "/challenges", "/pilots", "/dashboard"] {
        let (status, html) = v.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            html.contains("class=\"hero\"") || html.contains("<h1"),
            "{path} renders in full"
        );
        assert!(!html.contains("modulepreload"), "{path} loads no code");
        assert!(!html.contains("type=\"module\""), "{path} starts no code");
        assert!(
            html.contains("rel=\"stylesheet\""),
            "{path} keeps its stylesheet"
        );
    }
    // Without code to set it later, a title that names the challenge is in the page as sent.
    let (status, html) = v
        .page("/challenges/dat-lich-hen-truoc-khi-den-lam-thu-tuc/results")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("modulepreload"));
    assert!(
        html.contains("<title>Kết quả: Đặt lịch hẹn trước khi đến làm thủ tục · Vì Dân</title>"),
        "{html}"
    );
    // A visitor is asked to sign in before writing a report; a citizen gets the form.
    let citizen = app.citizen("lan@example.vn").await;
    for (who, path) in [
        (&v, "/sign-in"),
        (&v, "/register"),
        (&citizen, "/reports/new"),
    ] {
        let (status, html) = who.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains("modulepreload"), "{path} loads its code");
        assert!(html.contains("type=\"module\""), "{path} starts its code");
    }
}

/// The head of a page that names its data is complete in the page as sent, whatever the
/// database's speed: the same title on every one of many views at once.
async fn a_pages_head_names_its_data_however_fast_the_database_answers(backend: Backend) {
    let app = spawn_demo(backend).await;
    let expected = [
        (
            "/challenges/dat-lich-hen-truoc-khi-den-lam-thu-tuc/results",
            "<title>Kết quả: Đặt lịch hẹn trước khi đến làm thủ tục · Vì Dân</title>",
        ),
        (
            "/challenges/dat-lich-hen-truoc-khi-den-lam-thu-tuc",
            "<title>Đặt lịch hẹn trước khi đến làm thủ tục · Vì Dân</title>",
        ),
    ];
    let mut views = tokio::task::JoinSet::new();
    for i in 0..40 {
        let (v, (path, title)) = (app.visitor(), expected[i % 2]);
        views.spawn(async move {
            let (status, html) = v.page(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            let head = html.split("</head>").next().unwrap_or_default();
            assert!(head.contains(title), "{path}: {head}");
        });
    }
    while let Some(view) = views.join_next().await {
        view.expect("a view");
    }
}

/// A request sent a byte at a time (here: a form with a file that says it is 900 kB, of which
/// nothing more comes) is answered within the deadline and its connection closed, instead of
/// holding both for as long as the sender likes.
async fn a_request_that_never_finishes_arriving_is_answered_and_closed(backend: Backend) {
    let app = spawn_app_with(
        backend,
        common::Options {
            page_deadline_ms: Some(300),
            ..Default::default()
        },
    )
    .await;
    let started = std::time::Instant::now();
    let (status, answer) = common::raw_exchange(
        &app.base,
        "POST /api/entries/files/add HTTP/1.1",
        "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 900000\r\nAccept: application/json\r\n",
    )
    .await;
    assert_eq!(status, 503, "{answer}");
    assert!(answer.contains("Busy"), "{answer}");
    assert!(started.elapsed() < std::time::Duration::from_secs(9));
    // A text form stalled the same way waits less.
    let (status, _) = common::raw_exchange(
        &app.base,
        "POST /api/account/sign-in HTTP/1.1",
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\nAccept: text/html\r\n",
    )
    .await;
    assert_eq!(status, 503);
}

/// A connection that sends its request's headers a piece now and then (here: a first line and
/// nothing more) is closed once the time for headers has passed, not held for as long as the
/// sender likes. One that sends them whole is answered as usual, on the same kind of connection.
async fn a_connection_that_trickles_its_headers_is_closed(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(
        backend,
        common::Options {
            header_read_timeout_ms: Some(300),
            ..Default::default()
        },
    )
    .await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    stream
        .write_all(format!("GET / HTTP/1.1\r\nHost: {address}\r\nX-Slow: ").as_bytes())
        .await
        .unwrap();
    let mut answer = Vec::new();
    // Without a time for headers this waits forever (the test's own limit ends it).
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        stream.read_to_end(&mut answer),
    )
    .await;
    assert!(closed.is_ok(), "the connection is still open");
    assert!(
        !String::from_utf8_lossy(&answer).contains("200 OK"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // Headers sent whole are answered.
    let (status, _) =
        common::raw_exchange(&app.base, "GET /health HTTP/1.1", "Connection: close\r\n").await;
    assert_eq!(status, 200);
}

/// An HTTP/2 connection opened and then left silent (no header time limit covers it: its
/// headers come in frames, whenever) is closed once nothing has gone either way for the idle
/// time; a live one, asking now and then, is not.
async fn a_silent_http2_connection_is_closed(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(
        backend,
        common::Options {
            idle_timeout_ms: Some(1_000),
            ..Default::default()
        },
    )
    .await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    // HTTP/2 with prior knowledge: the preface and an empty SETTINGS frame, then nothing.
    stream
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut said = Vec::new();
    // Without a time for silence this waits forever (the test's own limit ends it).
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        stream.read_to_end(&mut said),
    )
    .await;
    assert!(closed.is_ok(), "the silent connection is still open");
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
    // The server spoke HTTP/2 (its SETTINGS frame) before it closed.
    assert!(said.len() >= 9 && said[3] == 0x04, "{said:?}");
    // A connection that keeps asking stays open past the idle time: one connection, asked
    // every 400 ms for two seconds, answers each time (a closed one would fail to).
    let mut live = tokio::net::TcpStream::connect(&address).await.unwrap();
    let asked = std::time::Instant::now();
    for i in 0..5 {
        live.write_all(format!("GET /health HTTP/1.1\r\nHost: {address}\r\n\r\n").as_bytes())
            .await
            .unwrap_or_else(|e| panic!("request {i} could not be sent: {e}"));
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8; 1];
            let n = live.read(&mut byte).await.unwrap();
            assert!(n == 1, "the live connection was closed before answer {i}");
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).to_lowercase();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map(|v| v.trim().parse().unwrap())
            .expect("a length");
        let mut body = vec![0u8; length];
        live.read_exact(&mut body).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    }
    assert!(asked.elapsed() >= std::time::Duration::from_millis(1_900));
}

/// A page the server cannot make in time (here: every database connection is taken) is answered
/// with a page that says so, in the visitor's language, instead of a connection that hangs.
async fn a_page_that_cannot_be_made_in_time_says_so_instead_of_hanging(backend: Backend) {
    let app = spawn_app_with(
        backend,
        common::Options {
            page_deadline_ms: Some(1_000),
            db_acquire_timeout_ms: Some(1_500),
            ..Default::default()
        },
    )
    .await;
    use sea_orm::TransactionTrait;
    // Every connection the pool will give (on PostgreSQL one listens for votes already).
    let mut held = Vec::new();
    let wait = std::time::Duration::from_millis(500);
    while let Ok(txn) = tokio::time::timeout(wait, app.db.begin()).await {
        held.push(txn.expect("a connection"));
    }
    assert!(held.len() >= 7, "{} connections taken", held.len());
    let v = app.visitor();
    let response = v.get("/organisations").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "30");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"vi\""), "{html}");
    assert!(html.contains("Máy chủ đang bận"), "{html}");
    v.switch_language("en", None).await;
    let (status, html) = v.page("/organisations").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(html.contains("The server is busy"), "{html}");
    // A server function that needs the database says so too, as an error the form can show.
    let busy = v.call("organisations", &[]).await;
    assert_eq!(
        busy.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        busy.body
    );
    assert_eq!(busy.headers["retry-after"], "5");
    assert_eq!(busy.error(), app::error::AppError::Busy);
    drop(held);
    let (status, html) = v.page("/organisations").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the page again once the database answers"
    );
    assert!(html.contains("Participating organisations"));
}

async fn anonymous_visitors_share_a_kept_page_while_signed_in_people_see_changes_at_once(
    backend: Backend,
) {
    let app = spawn_app_with(
        backend,
        common::Options {
            page_cache_ms: 60_000,
            ..Default::default()
        },
    )
    .await;
    let anonymous = app.visitor();
    let (first_nonce, html) = nonce_and_page(anonymous.get("/organisations").await).await;
    assert!(!html.contains("Phường Lưu Trang"));

    let (_, staff) = app
        .org_with_staff("Phường Lưu Trang", "luu-trang@example.vn")
        .await;
    let (_, html) = staff.page("/organisations").await;
    assert!(
        html.contains("Phường Lưu Trang"),
        "a signed-in person sees the change at once"
    );

    // Another anonymous visitor gets the kept page, with a nonce of its own.
    let (second_nonce, html) = nonce_and_page(app.visitor().get("/organisations").await).await;
    assert!(!html.contains("Phường Lưu Trang"), "kept for a moment");
    assert_ne!(first_nonce, second_nonce, "no two answers share a nonce");
    // Each address and language is kept apart.
    let (_, html) = app.visitor().page("/organisations?trang=1").await;
    assert!(html.contains("Phường Lưu Trang"));
    // A page that is not a success is never kept.
    let (status, _) = anonymous.page("/khong-co-trang-nay").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn the_sites_own_files_carry_only_the_headers_a_file_needs(backend: Backend) {
    let app = spawn_app(backend).await;
    let pkg = app.site_dir().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("vidan.js"), "export default 1;").unwrap();
    let response = app.visitor().get("/pkg/vidan.js").await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    for document_only in [
        "content-security-policy",
        "x-frame-options",
        "permissions-policy",
    ] {
        assert!(
            headers.get(document_only).is_none(),
            "{document_only} on a script"
        );
    }
    // Pages keep every one of them.
    let page = app.visitor().get("/sign-in").await;
    assert!(page.headers().get("permissions-policy").is_some());

    // A file compressed beforehand goes out as the browser accepts it, and says that it varies.
    std::fs::write(pkg.join("vidan.js.gz"), b"\x1f\x8b not really gzip").unwrap();
    let get = |path: &'static str, encoding: &'static str| {
        let v = app.visitor();
        async move {
            v.client
                .get(format!("{}{path}", v.base))
                .header("accept-encoding", encoding)
                .send()
                .await
                .unwrap()
        }
    };
    let gzip = get("/pkg/vidan.js", "gzip").await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(gzip.headers()["vary"], "accept-encoding");
    assert_eq!(
        gzip.bytes().await.unwrap().as_ref(),
        b"\x1f\x8b not really gzip"
    );
    let plain = get("/pkg/vidan.js", "identity").await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.headers()["vary"], "accept-encoding");
    assert_eq!(plain.text().await.unwrap(), "export default 1;");

    // A web font is compressed already: it goes out as it is, with its length.
    let fonts = app.site_dir().join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    let font = "wOF2".repeat(500);
    std::fs::write(fonts.join("f.woff2"), &font).unwrap();
    let answer = get("/fonts/f.woff2", "gzip, br").await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(answer.headers().get("content-encoding").is_none());
    assert_eq!(answer.headers()["content-length"], "2000");
    assert_eq!(answer.text().await.unwrap(), font);
    // Pages are still compressed.
    let page = get("/sign-in", "gzip").await;
    assert_eq!(page.headers()["content-encoding"], "gzip");
}

async fn a_cross_site_post_is_refused_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    let answer = v
        .client
        .post(format!("{}/api/account/register", v.base))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("email", "x@example.vn"),
            ("display_name", "X Y"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM users").await, 1);
    // GET never changes state: a server function reached by GET is refused.
    let get = v.get("/api/account/sign-out").await;
    assert!(
        get.status().is_client_error(),
        "GET to a server function: {}",
        get.status()
    );
}

/// The page's code sends a form as the browser would, marked to be answered in place: it gets
/// the errors in words beside their fields, or where to go, never a redirect; and the page a form
/// that worked comes back to says so, once, rendered for that person alone.
async fn a_form_sent_by_the_pages_code_is_answered_in_place(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    let post = |endpoint: &'static str, from: &'static str, form: Vec<(&'static str, String)>| {
        v.client
            .post(format!("{}/api/{endpoint}", v.base))
            .header("x-vidan-in-place", "1")
            .header("accept", "application/json")
            .header("referer", format!("{}{from}", v.base))
            .form(&form)
            .send()
    };
    let failed = post(
        "account/sign-in",
        "/sign-in",
        vec![
            ("email", common::ADMIN_EMAIL.into()),
            ("password", "sai mật khẩu rồi".into()),
        ],
    )
    .await
    .unwrap();
    assert!(failed.status().is_client_error(), "{}", failed.status());
    assert!(failed.headers().get("location").is_none());
    let said: serde_json::Value = failed.json().await.unwrap();
    assert!(said["go"].is_null(), "{said}");
    assert!(
        said.to_string().contains("Email hoặc mật khẩu không đúng."),
        "the error in the visitor's words: {said}"
    );
    // A field refused is named, with its message.
    let blank = post(
        "account/register",
        "/register",
        vec![
            ("email", "lan@example.vn".into()),
            ("display_name", String::new()),
            ("password", PASSWORD.into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let said: serde_json::Value = blank.json().await.unwrap();
    let fields = said["fields"].as_array().unwrap();
    assert!(
        fields
            .iter()
            .any(|f| f[0] == "display_name" && !f[1].as_str().unwrap().is_empty()),
        "{said}"
    );

    let ok = post(
        "account/sign-in",
        "/sign-in",
        vec![
            ("email", common::ADMIN_EMAIL.into()),
            ("password", PASSWORD.into()),
        ],
    )
    .await
    .unwrap();
    let status = ok.status();
    let said: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{said}");
    assert_eq!(said["go"], "/");
    assert_eq!(
        v.viewer().await.unwrap().email.as_deref(),
        Some(common::ADMIN_EMAIL)
    );

    // Saved, back to the page it came from, which says so once.
    let saved = post(
        "notifications/preferences/save",
        "/account",
        vec![("email_on[]", "report_responded".into())],
    )
    .await
    .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let said: serde_json::Value = saved.json().await.unwrap();
    assert_eq!(said["go"], "/account");
    let (_, html) = v.page("/account").await;
    assert!(
        says_saved(&html),
        "the page the form came back to says it was saved"
    );
    let (_, html) = v.page("/account").await;
    assert!(!says_saved(&html), "said once, not on every visit");
}

/// Whether a page shows "Đã lưu." (the page has such notes, hidden until something is saved).
fn says_saved(html: &str) -> bool {
    html.match_indices(">Đã lưu.</p>").any(|(at, _)| {
        let element = &html[html[..at].rfind("<p").unwrap_or(0)..at];
        !element.contains(" hidden")
    })
}

async fn forms_work_without_javascript_and_errors_come_back_to_the_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    let post = |form: Vec<(&'static str, String)>| {
        v.client
            .post(format!("{}/api/account/sign-in", v.base))
            .header("accept", "text/html")
            .header("referer", format!("{}/sign-in", v.base))
            .form(&form)
            .send()
    };
    let failed = post(vec![
        ("email", common::ADMIN_EMAIL.into()),
        ("password", "sai mật khẩu rồi".into()),
    ])
    .await
    .unwrap();
    assert_eq!(failed.status(), StatusCode::FOUND);
    let location = failed.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let (_, html) = v.page(location.trim_start_matches(&v.base)).await;
    assert!(
        html.contains("Email hoặc mật khẩu không đúng."),
        "the error is shown on the page"
    );

    let ok = post(vec![
        ("email", common::ADMIN_EMAIL.into()),
        ("password", PASSWORD.into()),
    ])
    .await
    .unwrap();
    assert_eq!(ok.status(), StatusCode::FOUND);
    assert_eq!(ok.headers()["location"], "/");
    assert_eq!(
        v.viewer().await.unwrap().email.as_deref(),
        Some(common::ADMIN_EMAIL)
    );
}

/// `/health` says whether each part the site needs works: the database, the file store (a
/// write given back) and the outbox (no email waiting a quarter hour after a failed try); 503,
/// naming the part, when one does not.
async fn the_health_check_names_each_part(backend: Backend) {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app(backend).await;
    let health = || async { app.visitor().get("/health").await };
    let answer = health().await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["cache-control"], "no-store");
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["status"], "ok", "{body}");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["files"], "ok");
    assert_eq!(body["outbox"]["status"], "ok");
    // The file store cannot be written: a file stands where its folder was.
    let files = app.files_dir();
    std::fs::rename(&files, files.with_extension("away")).unwrap();
    std::fs::write(&files, b"not a folder").unwrap();
    // The store's last check is the answer for five seconds (the check writes to the store, and
    // `/health` is public): past them, the store is checked again.
    tokio::time::sleep(std::time::Duration::from_millis(5_100)).await;
    let answer = health().await;
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(
        (body["status"].as_str(), body["files"].as_str()),
        (Some("failing"), Some("failing"))
    );
    assert_eq!(body["database"], "ok");
    std::fs::remove_file(&files).unwrap();
    std::fs::rename(files.with_extension("away"), &files).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5_100)).await;
    assert_eq!(health().await.status(), StatusCode::OK);
    // An email that has waited twenty minutes since its tries began failing: the outbox is stuck.
    let long_ago = chrono::Utc::now() - chrono::Duration::minutes(20);
    app.db
        .execute_raw(Statement::from_sql_and_values(
            app.db.get_database_backend(),
            "INSERT INTO outbox (to_email, subject, body_text, kind, attempts, next_attempt_at, \
             last_error, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [
                "lan@example.vn".into(),
                "Mã xác nhận".into(),
                "…".into(),
                "code".into(),
                3i32.into(),
                chrono::Utc::now().into(),
                "connection refused".into(),
                long_ago.into(),
            ],
        ))
        .await
        .unwrap();
    let answer = health().await;
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["outbox"]["status"], "failing", "{body}");
    assert_eq!(body["outbox"]["failing"], 1);
    assert!(body["outbox"]["oldest_waiting_seconds"].as_i64().unwrap() >= 1200);
}

/// Every answer carries its request's id (a trusted proxy's, if it gave one); `/metrics` is not
/// there without its token, and with it counts answers by route and status, the page cache, the
/// database pool, votes and the outbox, in Prometheus' format.
async fn administrators_read_request_ids_and_metrics(backend: Backend) {
    let token = "un-mat-khau-du-dai-cho-prometheus";
    let app = spawn_app_with(
        backend,
        common::Options {
            trust_proxy: true,
            metrics_token: Some(token.into()),
            page_cache_ms: 60_000,
            ..Default::default()
        },
    )
    .await;
    let v = app.visitor();
    for _ in 0..2 {
        let page = v.get("/challenges").await;
        assert_eq!(page.status(), StatusCode::OK);
        let id = page.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert!(
            id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
    }
    let proxied = v
        .client
        .get(format!("{}/challenges", app.base))
        .header("x-request-id", "0123456789abcdef0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(
        proxied.headers()["x-request-id"],
        "0123456789abcdef0123456789abcdef"
    );
    // Not there for anyone without the token.
    assert_eq!(v.get("/metrics").await.status(), StatusCode::NOT_FOUND);
    let read = |bearer: &'static str| {
        let v = v.clone();
        let base = app.base.clone();
        async move {
            v.client
                .get(format!("{base}/metrics"))
                .header("authorization", format!("Bearer {bearer}"))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        read("un-mat-khau-du-dai-cho-prometheuX").await.status(),
        StatusCode::NOT_FOUND
    );
    let answer = read(token).await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = answer.text().await.unwrap();
    let value = |line_start: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(line_start))
            .unwrap_or_else(|| panic!("no {line_start} in\n{text}"))
            .trim()
            .parse()
            .unwrap()
    };
    assert_eq!(
        value("vidan_request_duration_seconds_count{route=\"/challenges\",status=\"200\"}"),
        3.0
    );
    assert_eq!(value("vidan_page_cache_total{use=\"hit\"}"), 2.0);
    assert_eq!(value("vidan_page_cache_total{use=\"miss\"}"), 1.0);
    assert_eq!(value("vidan_db_connections_max"), 8.0);
    assert!(value("vidan_db_connections{state=\"idle\"}") >= 0.0);
    assert_eq!(value("vidan_votes_written_total"), 0.0);
    assert_eq!(value("vidan_vote_batch_duration_seconds_count"), 0.0);
    assert_eq!(value("vidan_outbox_failing"), 0.0);
    assert!(value("vidan_outbox_waiting") >= 0.0);
    // A page's own values never become a label: a route is its pattern.
    assert!(!text.contains("route=\"/challenges/"), "{text}");
}

/// `vidan backup` copies a running SQLite database into a file that opens whole, with the data
/// written before it; on PostgreSQL it says to use pg_dump instead.
async fn a_backup_is_a_consistent_copy_taken_while_the_server_runs(backend: Backend) {
    use sea_orm::{ConnectionTrait, Database, Statement};
    let app = spawn_app(backend).await;
    let _citizen = app.citizen("sao-luu@example.vn").await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("backup.db");
    let result = server::db::backup(&app.db, &target).await;
    match backend {
        Backend::Postgres => {
            let err = result.expect_err("refused on PostgreSQL").to_string();
            assert!(err.contains("pg_dump"), "{err}");
        }
        Backend::Sqlite => {
            result.expect("backup");
            let copy = Database::connect(format!("sqlite://{}?mode=ro", target.display()))
                .await
                .unwrap();
            let row = copy
                .query_one_raw(Statement::from_string(
                    copy.get_database_backend(),
                    "SELECT COUNT(*) FROM users WHERE email = 'sao-luu@example.vn'",
                ))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.try_get_by_index::<i64>(0).unwrap(), 1);
            let check = copy
                .query_one_raw(Statement::from_string(
                    copy.get_database_backend(),
                    "PRAGMA integrity_check",
                ))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(check.try_get_by_index::<String>(0).unwrap(), "ok");
            let again = server::db::backup(&app.db, &target).await;
            assert!(again.is_err(), "an existing file is never overwritten");
        }
    }
}

/// The `<head>` of a page as sent (what a messaging app's crawler reads).
fn head_of(html: &str) -> &str {
    html.split("</head>").next().unwrap_or_default()
}

/// A link pasted in Zalo or Messenger shows the page's title, a line about it and its picture;
/// and the page offers to share it, a text message and an email working without any code.
async fn a_shared_link_shows_the_pages_title_line_and_picture(backend: Backend) {
    let app = spawn_demo(backend).await;
    let v = app.visitor();
    let slug = "dat-lich-hen-truoc-khi-den-lam-thu-tuc";
    let (status, html) = v.page(&format!("/challenges/{slug}")).await;
    assert_eq!(status, StatusCode::OK);
    let head = head_of(&html);
    assert!(
        head.contains(
            "<meta property=\"og:title\" content=\"Đặt lịch hẹn trước khi đến làm thủ tục\">"
        ),
        "{head}"
    );
    assert!(
        head.contains(&format!(
            "<meta property=\"og:url\" content=\"{}/challenges/{slug}\">",
            app.base
        )),
        "{head}"
    );
    assert!(head.contains("property=\"og:description\""));
    let share = html
        .split("class=\"share\"")
        .nth(1)
        .expect("a share section");
    assert!(share.contains("href=\"sms:?&amp;body="), "{share}");
    assert!(share.contains("mailto:?subject="));

    // A report with a photo: its picture, at an address a crawler can fetch. Whatever its
    // author wrote stays text inside the tags.
    let citizen = app.citizen("lan@example.vn").await;
    let org = app
        .scalar("SELECT MIN(id) FROM organisations")
        .await
        .to_string();
    let filed = citizen
        .call_multipart(
            "reports/create",
            &[
                ("organisation_id", org.as_str()),
                ("category", "admin_procedures"),
                ("title", "Đèn \"hỏng\" ở hẻm <b>12</b>"),
                (
                    "description",
                    "Cả dãy đèn trong hẻm 12 tắt từ mười giờ đêm.\n\n\"><script>alert(1)</script>",
                ),
            ],
            Some(("photo", "den.png", common::tiny_png())),
        )
        .await;
    let path = filed.location();
    let (_, html) = app.visitor().page(&path).await;
    let head = head_of(&html);
    assert!(head.contains(&format!(
        "<meta property=\"og:image\" content=\"{}/",
        app.base
    )));
    assert!(
        !head.contains("<b>12</b>") && !head.contains("<script>alert"),
        "{head}"
    );
    assert!(
        head.contains(
            "property=\"og:title\" content=\"Đèn &quot;hỏng&quot; ở hẻm &lt;b&gt;12&lt;/b&gt;\""
        ),
        "{head}"
    );
}

/// Panics of a page rendered after its visitor left, as this process has seen them.
fn renders_in_a_freed_tree() -> &'static std::sync::Mutex<Vec<String>> {
    static SEEN: std::sync::OnceLock<std::sync::Mutex<Vec<String>>> = std::sync::OnceLock::new();
    SEEN.get_or_init(|| {
        let earlier = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let said = info.to_string();
            if said.contains("outside a <Router") || said.contains("already been disposed") {
                renders_in_a_freed_tree()
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(said);
            }
            earlier(info);
        }));
        std::sync::Mutex::new(Vec::new())
    })
}

/// Visitors who leave a page before it is ready (a phone that moved on, a tab closed) leave the
/// server as it was. Left half-rendered, a page's `Suspense` once rendered its content again when
/// its data arrived, inside a reactive tree already freed, and the server panicked ("… outside
/// a <Router>", a disposed signal): a journey's server log failed CI at random. Thousands of
/// pages are asked for here and hung up on at random moments.
async fn pages_their_visitors_leave_half_way_leave_the_server_as_it_was(backend: Backend) {
    use tokio::io::AsyncWriteExt;
    let seen = renders_in_a_freed_tree();
    let app = spawn_demo(backend).await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let paths = [
        "/",
        "/dashboard",
        "/commitments",
        "/reports",
        "/pilots",
        "/challenges",
        "/calendar",
        "/organisations",
        "/reports?status=overdue",
        "/commitments/1",
        "/pilots/1",
    ];
    // The same moments each run: a small generator, not the clock.
    let mut state: u64 = 0x5eed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    for batch in 0..200 {
        let visits: Vec<_> = (0..16)
            .map(|i| {
                let path = paths[(next() % paths.len() as u64) as usize];
                let wait = std::time::Duration::from_micros(next() % 30_000);
                let address = address.clone();
                let n = batch * 16 + i;
                tokio::spawn(async move {
                    let Ok(mut stream) = tokio::net::TcpStream::connect(&address).await else {
                        return;
                    };
                    let sep = if path.contains('?') { '&' } else { '?' };
                    let request = format!(
                        "GET {path}{sep}visit={n} HTTP/1.1\r\nHost: {address}\r\nAccept: text/html\r\n\r\n"
                    );
                    let _ = stream.write_all(request.as_bytes()).await;
                    tokio::time::sleep(wait).await;
                    // Hung up without waiting for the answer.
                    drop(stream);
                })
            })
            .collect();
        for visit in visits {
            visit.await.unwrap();
        }
    }
    // Whatever was left rendering has had time to end.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let panics = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(panics.is_empty(), "{panics:#?}");
    // And the server answers as before.
    let (status, _) = app.visitor().page("/").await;
    assert_eq!(status, StatusCode::OK);
}

on_both_databases!(
    pages_their_visitors_leave_half_way_leave_the_server_as_it_was,
    a_shared_link_shows_the_pages_title_line_and_picture,
    a_backup_is_a_consistent_copy_taken_while_the_server_runs,
    pages_are_vietnamese_first_and_english_one_click_away,
    an_unknown_address_is_a_404_page_in_the_visitors_language,
    pages_carry_security_headers_and_a_nonce_policy,
    pages_with_nothing_to_do_in_the_browser_are_sent_without_code_to_load,
    a_pages_head_names_its_data_however_fast_the_database_answers,
    a_page_that_cannot_be_made_in_time_says_so_instead_of_hanging,
    a_request_that_never_finishes_arriving_is_answered_and_closed,
    a_connection_that_trickles_its_headers_is_closed,
    a_silent_http2_connection_is_closed,
    anonymous_visitors_share_a_kept_page_while_signed_in_people_see_changes_at_once,
    the_sites_own_files_carry_only_the_headers_a_file_needs,
    a_cross_site_post_is_refused_and_changes_nothing,
    forms_work_without_javascript_and_errors_come_back_to_the_page,
    a_form_sent_by_the_pages_code_is_answered_in_place,
    the_health_check_names_each_part,
    administrators_read_request_ids_and_metrics,
);
