//! Every response whole, whatever the timing: many visitors at once ask for every page and file,
//! anonymous and signed in, with and without compression, over HTTP/1.1 (connections kept and
//! fresh) and HTTP/2, while citizens keep changing what the pages show, the page cache keeps
//! renewing and other server instances start in the same process. Every answer is read to its
//! end and checked: its status, its whole body (a page's document and the end of the stream that
//! follows it, a file's every byte, a feed's last tag) and a head that names what the page shows.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::{Backend, Options, TestApp, spawn_app, spawn_app_with};
use reqwest::{Client, StatusCode};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

const DEMO_PASSWORD: &str = "vidan-demo-2026";
/// Requests in flight at once.
const CONCURRENCY: usize = 24;
/// How many times each kind of client asks for every address.
const ROUNDS: usize = 5;

/// What a whole answer to an address looks like.
#[derive(Clone, Debug)]
enum Whole {
    /// An HTML page with this status whose `<title>` is exactly this.
    Page(StatusCode, String),
    /// An HTML page with this status (its title is the page's own, not data's).
    AnyPage(StatusCode),
    /// These very bytes.
    Bytes(Vec<u8>),
    /// A JSON document.
    Json,
    /// Text that ends with this (a feed's closing tag, a CSV's last line break).
    EndsWith(&'static str),
}

#[derive(Clone, Debug)]
struct Target {
    path: String,
    whole: Whole,
}

impl Target {
    fn new(path: impl Into<String>, whole: Whole) -> Target {
        Target {
            path: path.into(),
            whole,
        }
    }
}

fn title(text: &str) -> String {
    format!(
        "{} · Vì Dân",
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    )
}

async fn rows(app: &TestApp, sql: &str) -> Vec<(String, String)> {
    use sea_orm::{ConnectionTrait, Statement};
    app.db
        .query_all_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .expect("query")
        .into_iter()
        .map(|row| {
            let text = |i: usize| {
                row.try_get_by_index::<String>(i)
                    .or_else(|_| row.try_get_by_index::<i64>(i).map(|n| n.to_string()))
                    .expect("a text or an integer")
            };
            (text(0), text(1))
        })
        .collect()
}

/// Every address anyone can reach without signing in, each with what its answer must hold.
async fn public_targets(app: &TestApp) -> Vec<Target> {
    use Whole::*;
    let ok = StatusCode::OK;
    let mut targets = vec![
        Target::new("/", AnyPage(ok)),
        Target::new("/organisations", AnyPage(ok)),
        Target::new("/challenges", AnyPage(ok)),
        Target::new("/challenges?q=m%E1%BB%99t+c%E1%BB%ADa", AnyPage(ok)),
        Target::new("/pilots", AnyPage(ok)),
        Target::new("/dashboard", AnyPage(ok)),
        Target::new("/open-data", AnyPage(ok)),
        Target::new("/reports", AnyPage(ok)),
        Target::new("/sign-in", AnyPage(ok)),
        Target::new("/register", AnyPage(ok)),
        Target::new("/forgot-password", AnyPage(ok)),
        Target::new("/khong-co-trang-nay", AnyPage(StatusCode::NOT_FOUND)),
        Target::new("/challenges/khong-co", AnyPage(StatusCode::NOT_FOUND)),
        Target::new("/health", Json),
        Target::new("/feed.atom", EndsWith("</feed>")),
        Target::new("/api/v1/openapi.json", Json),
        Target::new("/api/v1/challenges", Json),
        Target::new("/api/v1/reports", Json),
        Target::new("/api/v1/pilots", Json),
        Target::new("/api/v1/dashboard", Json),
        Target::new("/api/v1/challenges.csv", EndsWith("\n")),
    ];
    let published = "SELECT slug, title FROM challenges WHERE published_at IS NOT NULL";
    for (slug, name) in rows(app, published).await {
        targets.push(Target::new(
            format!("/challenges/{slug}"),
            Page(ok, title(&name)),
        ));
        targets.push(Target::new(
            format!("/challenges/{slug}/results"),
            Page(ok, title(&format!("Kết quả: {name}"))),
        ));
        targets.push(Target::new(
            format!("/challenges/{slug}/entries"),
            AnyPage(ok),
        ));
        targets.push(Target::new(
            format!("/challenges/{slug}/feed.atom"),
            EndsWith("</feed>"),
        ));
        targets.push(Target::new(format!("/api/v1/challenges/{slug}"), Json));
    }
    for (id, name) in rows(app, "SELECT id, title FROM pilots").await {
        targets.push(Target::new(format!("/pilots/{id}"), Page(ok, title(&name))));
        targets.push(Target::new(
            format!("/pilots/{id}/feed.atom"),
            EndsWith("</feed>"),
        ));
    }
    let reports = "SELECT id, title FROM reports WHERE merged_into_id IS NULL ORDER BY id";
    for (id, name) in rows(app, reports).await.into_iter().take(6) {
        targets.push(Target::new(
            format!("/reports/{id}"),
            Page(ok, title(&name)),
        ));
    }
    targets
}

/// The site's own files: a module, the same module compressed beforehand, a font.
fn site_files(app: &TestApp) -> Vec<Target> {
    let pkg = app.site_dir().join("pkg");
    let fonts = app.site_dir().join("fonts");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::create_dir_all(&fonts).unwrap();
    // Larger than a socket buffer, so a cut-short answer shows.
    let module: Vec<u8> = (0..200_000u32)
        .flat_map(|i| format!("export const v{i} = {i};\n").into_bytes())
        .take(600_000)
        .collect();
    std::fs::write(pkg.join("vidan.js"), &module).unwrap();
    std::fs::write(pkg.join("vidan.css"), b"body { color: #1b1b1b; }\n").unwrap();
    let font: Vec<u8> = (0..90_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(fonts.join("be-vietnam-pro.woff2"), &font).unwrap();
    vec![
        Target::new("/pkg/vidan.js", Whole::Bytes(module)),
        Target::new(
            "/pkg/vidan.css",
            Whole::Bytes(b"body { color: #1b1b1b; }\n".to_vec()),
        ),
        Target::new("/fonts/be-vietnam-pro.woff2", Whole::Bytes(font)),
    ]
}

/// The pages a signed-in person sees beside the public ones (the staff desk of someone who is
/// not staff is the "not yours" page, whole, with its 403).
fn own_pages(staff: bool) -> Vec<Target> {
    let ok = StatusCode::OK;
    let mut pages: Vec<Target> = [
        "/",
        "/account",
        "/notifications",
        "/teams",
        "/judging",
        "/reports/new",
    ]
    .into_iter()
    .map(|path| Target::new(path, Whole::AnyPage(ok)))
    .collect();
    let desk = if staff { ok } else { StatusCode::FORBIDDEN };
    pages.push(Target::new("/staff", Whole::AnyPage(desk)));
    pages
}

/// How a client talks to the server.
#[derive(Clone, Copy, Debug)]
enum Wire {
    /// HTTP/1.1, connections kept between requests.
    KeptHttp1,
    /// HTTP/1.1, a new connection each time.
    FreshHttp1,
    /// HTTP/2 without TLS (prior knowledge), many requests on one connection.
    Http2,
}

fn client(wire: Wire, compressed: bool) -> Client {
    // The server closes a kept connection that sends no new request within its time for headers
    // (10 s): a client keeps idle connections for less, as the deploy's nginx does, or it sends
    // a request down a connection the server is closing at that moment.
    let mut builder = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30));
    if !compressed {
        builder = builder.no_gzip().no_brotli();
    }
    builder = match wire {
        Wire::KeptHttp1 => builder.http1_only(),
        Wire::FreshHttp1 => builder.http1_only().pool_max_idle_per_host(0),
        Wire::Http2 => builder.http2_prior_knowledge(),
    };
    builder.build().expect("client")
}

/// Signs `client` in as the demo's `email`, with the authenticator's code for officials, and
/// checks that it is.
async fn sign_in(app: &TestApp, client: &Client, email: &str) {
    let post = |path: &'static str, form: Vec<(&'static str, String)>| {
        client
            .post(format!("{}/api/{path}", app.base))
            .header("accept", "application/json")
            .form(&form)
            .send()
    };
    let password = vec![
        ("email", email.to_owned()),
        ("password", DEMO_PASSWORD.to_owned()),
    ];
    let first = post("account/sign-in", password.clone())
        .await
        .expect("sign in");
    assert!(first.status().is_success(), "{email} signs in");
    let secret = app::auth::two_factor::demo_secret(email);
    let mut step = 0;
    loop {
        let me: Option<app::auth::Viewer> = client
            .post(format!("{}/api/account/me", app.base))
            .header("accept", "application/json")
            .send()
            .await
            .expect("who is signed in")
            .json()
            .await
            .expect("a viewer");
        if me.is_some() {
            return;
        }
        assert!(step < 6, "{email} could not sign in");
        // An official: the password step waits for the app's code (the next one if this one
        // was used by another sign-in meanwhile).
        if step % 2 == 1 {
            post("account/sign-in", password.clone())
                .await
                .expect("sign in");
        }
        let code = crate::common::code_after(&secret, 30 * (step as u64 % 2));
        post("account/sign-in/code", vec![("code", code)])
            .await
            .expect("the code");
        step += 1;
    }
}

/// Reads the answer to its last byte and says what is wrong with it, if anything.
async fn check(client: &Client, base: &str, target: &Target, wire: Wire) -> Result<(), String> {
    let what = format!("GET {} ({wire:?})", target.path);
    let response = client
        .get(format!("{base}{}", target.path))
        .send()
        .await
        .map_err(|e| format!("{what}: no answer: {e:?}"))?;
    let status = response.status();
    let version = response.version();
    let length = response.content_length();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("{what}: {status}, body cut short: {e:?}"))?;
    if matches!(wire, Wire::Http2) && version != reqwest::Version::HTTP_2 {
        return Err(format!("{what}: answered over {version:?}"));
    }
    if let Some(length) = length
        && length != body.len() as u64
    {
        return Err(format!("{what}: said {length} bytes, sent {}", body.len()));
    }
    let text = || String::from_utf8_lossy(&body).into_owned();
    let page = |expected: StatusCode| -> Result<String, String> {
        let html = text();
        if status != expected {
            return Err(format!(
                "{what}: {status}, expected {expected}: {html:.300}"
            ));
        }
        // The document, then the data its code takes over, then the stream's last word.
        let last_script = html.rsplit("<script").next().unwrap_or_default();
        if !html.starts_with("<!DOCTYPE html>")
            || !html.contains("</body></html>")
            || !last_script.contains(">__INCOMPLETE_CHUNKS=[];</script>")
            || !html.ends_with("</script>")
        {
            return Err(format!(
                "{what}: not a whole page ({} bytes): …{}",
                html.len(),
                tail(&html)
            ));
        }
        Ok(html)
    };
    match &target.whole {
        Whole::AnyPage(expected) => {
            page(*expected)?;
        }
        Whole::Page(expected, title) => {
            let html = page(*expected)?;
            let tag = format!("<title>{title}</title>");
            if !html.contains(&tag) {
                let sent = html
                    .split("<title>")
                    .nth(1)
                    .and_then(|t| t.split("</title>").next())
                    .unwrap_or("none");
                return Err(format!("{what}: head says {sent:?}, expected {title:?}"));
            }
        }
        Whole::Bytes(bytes) => {
            if status != StatusCode::OK || body.as_ref() != bytes.as_slice() {
                return Err(format!(
                    "{what}: {status}, {} bytes of {}",
                    body.len(),
                    bytes.len()
                ));
            }
        }
        Whole::Json => {
            if status != StatusCode::OK {
                return Err(format!("{what}: {status}"));
            }
            serde_json::from_slice::<serde_json::Value>(&body)
                .map_err(|e| format!("{what}: not whole JSON: {e}"))?;
        }
        Whole::EndsWith(end) => {
            let t = text();
            if status != StatusCode::OK
                || !t
                    .trim_end_matches('\n')
                    .ends_with(end.trim_end_matches('\n'))
            {
                return Err(format!("{what}: {status}, ends …{}", tail(&t)));
            }
        }
    }
    Ok(())
}

fn tail(text: &str) -> &str {
    let mut start = text.len().saturating_sub(120);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// Citizens keep changing what pages show (follows, supports) until told to stop.
async fn keep_changing(app: &TestApp, stop: Arc<AtomicBool>) -> usize {
    let citizen = client(Wire::KeptHttp1, false);
    sign_in(app, &citizen, "dan@vidan.local").await;
    let challenges = rows(
        app,
        "SELECT id, slug FROM challenges WHERE published_at IS NOT NULL",
    )
    .await;
    let reports = rows(
        app,
        "SELECT r.id, r.title FROM reports r WHERE r.merged_into_id IS NULL AND \
         r.author_id <> (SELECT id FROM users WHERE email = 'dan@vidan.local')",
    )
    .await;
    let mut changes = 0;
    while !stop.load(Ordering::Relaxed) {
        // Each thing is turned on, then off again: every change is one the rules allow.
        let (step, on) = (changes / 2, if changes % 2 == 0 { "true" } else { "false" });
        let (endpoint, field, id) = if step % 3 == 0 {
            (
                "reports/support",
                "support",
                &reports[step % reports.len()].0,
            )
        } else {
            (
                "challenges/follow",
                "follow",
                &challenges[step % challenges.len()].0,
            )
        };
        let answer = citizen
            .post(format!("{}/api/{endpoint}", app.base))
            .header("accept", "application/json")
            .form(&[("id", id.as_str()), (field, on)])
            .send()
            .await
            .expect("a change is answered");
        assert!(
            answer.status().is_success(),
            "{endpoint} {id} {on}: {}",
            answer.status()
        );
        changes += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    changes
}

async fn every_answer_is_whole_while_many_ask_at_once(backend: Backend) {
    let app = Arc::new(
        spawn_app_with(
            backend,
            Options {
                demo_data: true,
                // Kept pages renew all the time while they are asked for.
                page_cache_ms: 20,
                ..Default::default()
            },
        )
        .await,
    );
    let public = public_targets(&app).await;
    let files = site_files(&app);
    assert!(public.len() > 40, "{} public addresses", public.len());

    // Who asks: anonymous visitors over every wire, compressed or not; signed-in people.
    let mut askers: Vec<(Client, Wire, Vec<Target>)> = Vec::new();
    for wire in [Wire::KeptHttp1, Wire::FreshHttp1, Wire::Http2] {
        for compressed in [true, false] {
            let all = public.iter().chain(&files).cloned().collect();
            askers.push((client(wire, compressed), wire, all));
        }
    }
    for (email, wire) in [
        ("mai@vidan.local", Wire::KeptHttp1),
        ("canbo@vidan.local", Wire::Http2),
        ("giamkhao@vidan.local", Wire::FreshHttp1),
        ("admin@vidan.local", Wire::KeptHttp1),
    ] {
        let c = client(wire, true);
        sign_in(&app, &c, email).await;
        let mut theirs = own_pages(matches!(email, "canbo@vidan.local" | "admin@vidan.local"));
        theirs.extend(
            public
                .iter()
                .filter(|t| matches!(t.whole, Whole::Page(..)))
                .cloned(),
        );
        askers.push((c, wire, theirs));
    }

    let stop = Arc::new(AtomicBool::new(false));
    // Whatever ends the test (a failure, its time limit) stops the helpers too: the runtime
    // waits for the blocking one before it can go.
    let _stop_on_drop = StopOnDrop(stop.clone());
    let changer = {
        let (app, stop) = (app.clone(), stop.clone());
        tokio::spawn(async move { keep_changing(&app, stop).await })
    };
    // Other instances start in the same process meanwhile (as behind one test, or tests side
    // by side), and ask for the app's routes again and again: that must never hold up a page.
    let starter = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut started = 0;
            while !stop.load(Ordering::Relaxed) {
                drop(spawn_app(backend).await);
                started += 1;
            }
            started
        })
    };
    let lister = {
        let stop = stop.clone();
        tokio::task::spawn_blocking(move || {
            let mut listed = 0;
            while !stop.load(Ordering::Relaxed) {
                assert!(!server::route_list().is_empty());
                listed += 1;
            }
            listed
        })
    };

    let slots = Arc::new(Semaphore::new(CONCURRENCY));
    let answered = Arc::new(AtomicUsize::new(0));
    let mut requests = JoinSet::new();
    for round in 0..ROUNDS {
        for (client, wire, targets) in &askers {
            // Each asker walks its addresses from another starting point each round.
            let offset = round * 7 % targets.len();
            for target in targets.iter().cycle().skip(offset).take(targets.len()) {
                let permit = slots.clone().acquire_owned().await.unwrap();
                let (client, wire, target) = (client.clone(), *wire, target.clone());
                let (base, answered) = (app.base.clone(), answered.clone());
                requests.spawn(async move {
                    let result = check(&client, &base, &target, wire).await;
                    answered.fetch_add(1, Ordering::Relaxed);
                    drop(permit);
                    result
                });
            }
        }
    }
    let mut failures = Vec::new();
    while let Some(result) = requests.join_next().await {
        if let Err(failure) = result.expect("a request task") {
            failures.push(failure);
        }
    }
    stop.store(true, Ordering::Relaxed);
    let changes = changer.await.expect("the changes");
    let started = starter.await.expect("the other instances");
    let listed = lister.await.expect("the route lists");
    let total = answered.load(Ordering::Relaxed);
    assert!(
        failures.is_empty(),
        "{} of {total} answers were not whole:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(total > 2_000, "{total} answers");
    assert!(
        changes > 0 && started > 0 && listed > 0,
        "{changes} changes, {started} instances started, routes listed {listed} times"
    );
}

struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

on_both_databases!(every_answer_is_whole_while_many_ask_at_once);
