//! Starts the real app on port 0 against a fresh database (a temporary SQLite file, or a new
//! PostgreSQL database that is dropped afterwards) and talks to it over HTTP like a browser would.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use app::error::AppError;
use reqwest::{Client, StatusCode, redirect};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use server::config::{Config, FirstAdmin, Secret, SmsConfig, SmtpConfig};

pub const ADMIN_EMAIL: &str = "admin@test.vidan";
pub const PASSWORD: &str = "một câu dài đủ mạnh";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates each listed test twice: `on_sqlite::name` and `on_postgres::name`. A test that
/// hangs fails after two minutes with its name, instead of stalling the whole run.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() {
                   $crate::common::within_limit(super::$name($crate::common::Backend::Sqlite)).await
               } )*
        }
        mod on_postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() {
                   $crate::common::within_limit(super::$name($crate::common::Backend::Postgres)).await
               } )*
        }
    };
}

/// The nonce of a page's policy and the page, whose scripts must carry that nonce.
pub async fn nonce_and_page(response: reqwest::Response) -> (String, String) {
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{csp}");
    (nonce, html)
}

pub async fn within_limit(test: impl std::future::Future<Output = ()>) {
    tokio::time::timeout(std::time::Duration::from_secs(120), test)
        .await
        .expect("the test did not finish within two minutes");
}

pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The server's address without a database name.
fn postgres_root() -> String {
    let base = postgres_admin_url();
    base.rsplit_once('/')
        .map(|(r, _)| r)
        .unwrap_or(&base)
        .to_owned()
}

/// A PostgreSQL database that holds the migrated schema and nothing else, made once per build of
/// the tests (its name carries the test binary's size and time, so a changed migration makes a
/// new one) and copied for each test with `CREATE DATABASE … TEMPLATE`, which takes a fraction
/// of the time that migrating a new database does. Two runs of one build share it; a run of a
/// new build removes the templates of older ones.
static PG_TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

async fn pg_template() -> &'static str {
    PG_TEMPLATE
        .get_or_init(|| async {
            let exe = std::env::current_exe()
                .and_then(std::fs::metadata)
                .expect("the test binary");
            let built = exe
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64);
            let name = format!("vidan_template_{:x}_{:x}", built, exe.len());
            let admin = Database::connect(postgres_admin_url())
                .await
                .expect("PostgreSQL reachable at TEST_POSTGRES_URL (or 127.0.0.1:5432)");
            let listed = |sql: String| {
                let admin = &admin;
                async move {
                    admin
                        .query_all_raw(Statement::from_string(
                            sea_orm::DatabaseBackend::Postgres,
                            sql,
                        ))
                        .await
                        .expect("list databases")
                        .into_iter()
                        .map(|row| row.try_get::<String>("", "datname").unwrap())
                        .collect::<Vec<String>>()
                }
            };
            let there = listed(format!(
                "SELECT datname FROM pg_database WHERE datname = '{name}'"
            ))
            .await;
            if there.is_empty() {
                // Made under a name of its own and renamed when complete, so no test copies a
                // half-migrated schema.
                let building = format!("vidan_building_{}_{}", std::process::id(), rand_suffix());
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {building}"))
                    .await
                    .expect("create the template");
                let db = Database::connect(format!("{}/{building}", postgres_root()))
                    .await
                    .expect("connect to the template");
                server::db::migrate(&db)
                    .await
                    .expect("migrate the template");
                db.close().await.ok();
                let renamed = admin
                    .execute_unprepared(&format!("ALTER DATABASE {building} RENAME TO {name}"))
                    .await;
                if renamed.is_err() {
                    // Another run of this build made it first.
                    admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS {building} WITH (FORCE)"
                        ))
                        .await
                        .ok();
                }
                // Another build's template goes once that build is well past (a day older than
                // this one): two builds tested at once on one server (two checkouts, a clean
                // clone beside the working tree) keep each other's.
                for old in listed(format!(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'vidan\\_template\\_%' \
                     AND datname <> '{name}'"
                ))
                .await
                .into_iter()
                .filter(|old| template_is_stale(old, built))
                {
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {old} WITH (FORCE)"))
                        .await
                        .ok();
                }
            }
            admin.close().await.ok();
            name
        })
        .await
}

/// Whether the template `name` (`vidan_template_{built:x}_{size:x}`) was made by a build a day
/// or more older than the one built at `built` (nanoseconds since 1970).
fn template_is_stale(name: &str, built: u64) -> bool {
    const DAY: u64 = 24 * 3600 * 1_000_000_000;
    name.trim_start_matches("vidan_template_")
        .split('_')
        .next()
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .is_some_and(|old| old.saturating_add(DAY) < built)
}

#[test]
fn only_templates_of_builds_a_day_older_are_removed() {
    let now: u64 = 1_800_000_000 * 1_000_000_000;
    let hour = 3600 * 1_000_000_000;
    let name = |built: u64| format!("vidan_template_{built:x}_{:x}", 123_456);
    assert!(
        !template_is_stale(&name(now - 2 * hour), now),
        "a build tested beside this one"
    );
    assert!(!template_is_stale(&name(now + hour), now), "a newer build");
    assert!(template_is_stale(&name(now - 25 * hour), now));
    assert!(!template_is_stale("vidan_template_garbage", now));
}

pub struct TestApp {
    pub base: String,
    pub database_url: String,
    pub db: DatabaseConnection,
    pub port: u16,
    _dir: tempfile::TempDir,
    pg_name: Option<String>,
    pub s3: Option<app::upload::storage::S3Config>,
    /// The administrator, signed in (both steps) once per app: a code is accepted only once.
    admin: tokio::sync::OnceCell<Visitor>,
    /// The server's task, until [`TestApp::stop`].
    server: std::sync::Mutex<Option<tokio::task::JoinHandle<anyhow::Result<()>>>>,
}

#[derive(Default)]
pub struct Options {
    pub smtp: Option<SmtpConfig>,
    /// An SMS gateway (a local server that speaks eSMS's API, `sms_gateway.py`).
    pub sms: Option<SmsConfig>,
    pub demo_data: bool,
    pub api_requests_per_minute: Option<u32>,
    pub registrations_per_hour: Option<u32>,
    /// Anonymous pages kept this long (0, the default here: every request renders).
    pub page_cache_ms: u64,
    /// How long a page may take before the visitor is told the server is busy (15 s).
    pub page_deadline_ms: Option<u64>,
    /// How long a connection may take to send its headers (10 s).
    pub header_read_timeout_ms: Option<u64>,
    /// How long a connection may stay silent (75 s).
    pub idle_timeout_ms: Option<u64>,
    /// Forms with files read at once (4).
    pub uploads_at_once: Option<usize>,
    /// How long a request waits for a database connection (10 s).
    pub db_acquire_timeout_ms: Option<u64>,
    /// Files in this bucket instead of the test's own folder.
    pub s3: Option<app::upload::storage::S3Config>,
    /// The site says it is served over https (as behind a proxy that ends TLS).
    pub https: bool,
    /// The site's public address, for the links in its emails (`http://127.0.0.1:0`).
    pub base_url: Option<String>,
    /// The network address is the one `X-Forwarded-For` names (see `TestApp::visitor_from`).
    pub trust_proxy: bool,
    /// Certificates (PEM) the mail server's and the bucket's TLS trust beside the public ones.
    pub city_ca: Option<Vec<u8>>,
    /// The token that opens `/metrics` on the site's address.
    pub metrics_token: Option<String>,
    /// A SQLite database and files' folder that are there already (a restored backup), instead
    /// of new ones.
    pub sqlite_at: Option<(std::path::PathBuf, std::path::PathBuf)>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Options::default()).await
}

/// The app on the demo data a first start would seed.
pub async fn spawn_demo(backend: Backend) -> TestApp {
    spawn_app_with(
        backend,
        Options {
            demo_data: true,
            ..Default::default()
        },
    )
    .await
}

pub async fn spawn_app_with(backend: Backend, options: Options) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, pg_name) = match backend {
        Backend::Sqlite => (
            match &options.sqlite_at {
                Some((file, _)) => format!("sqlite://{}?mode=rwc", file.display()),
                None => format!("sqlite://{}/test.db?mode=rwc", dir.path().display()),
            },
            None,
        ),
        Backend::Postgres => {
            let name = format!(
                "vidan_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst),
                rand_suffix()
            );
            let template = pg_template().await;
            let admin = Database::connect(postgres_admin_url())
                .await
                .expect("PostgreSQL reachable at TEST_POSTGRES_URL (or 127.0.0.1:5432)");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                .await
                .expect("create test database");
            admin.close().await.ok();
            (format!("{}/{name}", postgres_root()), Some(name))
        }
    };
    let config = Config {
        database_url: database_url.clone(),
        addr: "127.0.0.1:0".parse().unwrap(),
        base_url: match (&options.base_url, options.https) {
            (Some(base), _) => base.clone(),
            (None, true) => "https://vidan.test".into(),
            (None, false) => "http://127.0.0.1:0".into(),
        },
        development: true,
        site_root: dir.path().join("site"),
        smtp: options.smtp,
        sms: options.sms,
        first_admin: Some(FirstAdmin {
            email: ADMIN_EMAIL.into(),
            name: "Quản trị".into(),
            password: Secret::new(PASSWORD.into()),
        }),
        demo_data: options.demo_data,
        trust_proxy: options.trust_proxy,
        outbox_interval_secs: 1,
        scheduler_interval_secs: 1,
        max_connections: 8,
        api_requests_per_minute: options.api_requests_per_minute.unwrap_or(10_000),
        registrations_per_hour: options.registrations_per_hour.unwrap_or(10_000),
        page_cache_ms: options.page_cache_ms,
        page_deadline_ms: options.page_deadline_ms.unwrap_or(15_000),
        header_read_timeout_ms: options.header_read_timeout_ms.unwrap_or(10_000),
        idle_timeout_ms: options.idle_timeout_ms.unwrap_or(75_000),
        uploads_at_once: options.uploads_at_once.unwrap_or(4),
        db_acquire_timeout_ms: options.db_acquire_timeout_ms.unwrap_or(10_000),
        files_dir: match &options.sqlite_at {
            Some((_, files)) => files.clone(),
            None => dir.path().join("files"),
        },
        s3: options.s3.clone(),
        city_ca: options.city_ca.clone(),
        metrics_token: options.metrics_token.clone().map(Secret::new),
        metrics_addr: None,
    };
    let app = server::Application::build(config)
        .await
        .expect("app builds");
    let port = app.port();
    let db = app.db();
    let server = tokio::spawn(app.run_until_stopped());
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        database_url,
        db,
        port,
        _dir: dir,
        pg_name,
        s3: options.s3,
        admin: tokio::sync::OnceCell::new(),
        server: std::sync::Mutex::new(Some(server)),
    }
}

/// A second server on the same database, as behind a load balancer (it owns nothing to drop).
pub async fn spawn_second_instance(first: &TestApp) -> String {
    let config = Config {
        database_url: first.database_url.clone(),
        addr: "127.0.0.1:0".parse().unwrap(),
        base_url: "http://127.0.0.1:0".into(),
        development: true,
        site_root: first._dir.path().join("site"),
        smtp: None,
        sms: None,
        first_admin: None,
        demo_data: false,
        trust_proxy: false,
        outbox_interval_secs: 1,
        scheduler_interval_secs: 1,
        max_connections: 8,
        api_requests_per_minute: 10_000,
        registrations_per_hour: 10_000,
        page_cache_ms: 0,
        page_deadline_ms: 15_000,
        header_read_timeout_ms: 10_000,
        idle_timeout_ms: 75_000,
        uploads_at_once: 4,
        db_acquire_timeout_ms: 10_000,
        files_dir: first._dir.path().join("files"),
        s3: first.s3.clone(),
        city_ca: None,
        metrics_token: None,
        metrics_addr: None,
    };
    let app = server::Application::build(config)
        .await
        .expect("second instance builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    base
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            // Drop runs outside async; a small runtime of its own removes the database.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    if let Ok(admin) = Database::connect(postgres_admin_url()).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// A browser-like client: its own cookie jar, no automatic redirects (tests look at them).
#[derive(Clone)]
pub struct Visitor {
    pub client: Client,
    pub base: String,
    /// The browser's cookies (a test may plant one, as another site or a script could).
    pub jar: std::sync::Arc<reqwest::cookie::Jar>,
}

/// What a server function answered.
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.expect("body");
        Answer {
            status,
            body,
            headers,
        }
    }

    /// Where a server function that redirects sends the browser.
    pub fn location(&self) -> String {
        self.ok();
        self.headers
            .get("location")
            .and_then(|h| h.to_str().ok())
            .unwrap_or_else(|| panic!("no redirect: {}", self.body))
            .to_owned()
    }

    /// The field names of a refusal of invalid input.
    pub fn invalid_fields(&self) -> Vec<String> {
        match self.error() {
            AppError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    pub fn error(&self) -> AppError {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|_| panic!("not an AppError ({}): {}", self.status, self.body))
    }

    pub fn ok(&self) -> &Self {
        assert!(
            self.status.is_success(),
            "expected success, got {}: {}",
            self.status,
            self.body
        );
        self
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        self.ok();
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

impl TestApp {
    /// `citizen` files a report with a photo (`hang-cho.png`) to a new ward; returns the photo's id.
    pub async fn report_with_photo(&self, citizen: &Visitor) -> i64 {
        let (org, _) = self.org_with_staff("Phường 1", "canbo@p1.vn").await;
        let filed = citizen.file_report(org, "hang-cho.png", tiny_png()).await;
        assert!(filed.location().starts_with("/reports/"), "{}", filed.body);
        self.scalar("SELECT MAX(photo_id) FROM reports").await
    }

    /// The built site's folder (code, styles, fonts) this server serves.
    /// Stops the server (as if its process ended): it lets go of what it held. The test's own
    /// connection to the database stays open.
    pub async fn stop(&self) {
        let server = self.server.lock().unwrap().take();
        if let Some(server) = server {
            server.abort();
            let _ = server.await;
        }
    }

    pub fn site_dir(&self) -> std::path::PathBuf {
        self._dir.path().join("site")
    }

    /// The folder files are kept in when no bucket is configured.
    pub fn files_dir(&self) -> std::path::PathBuf {
        self._dir.path().join("files")
    }

    pub fn visitor(&self) -> Visitor {
        self.visitor_with(reqwest::header::HeaderMap::new())
    }

    /// A visitor from network address `ip`, as the proxy in front says (an app spawned with
    /// `trust_proxy`).
    pub fn visitor_from(&self, ip: &str) -> Visitor {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", ip.parse().unwrap());
        self.visitor_with(headers)
    }

    fn visitor_with(&self, headers: reqwest::header::HeaderMap) -> Visitor {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        Visitor {
            client: browser(jar.clone(), headers),
            base: self.base.clone(),
            jar,
        }
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(Statement::from_string(self.db.get_database_backend(), sql))
            .await
            .expect("query")
            .expect("a row");
        row.try_get_by_index::<i64>(0).expect("an integer")
    }

    /// What an anonymous search for entries and teams finds.
    pub async fn search_entries(&self, q: &str) -> app::query::model::EntryHits {
        self.visitor()
            .call("entries/search", &[("q", q)])
            .await
            .json()
    }

    /// Makes every one-time code look `minutes` older (as if the wait before a resend had passed).
    pub async fn age_codes(&self, minutes: i64) {
        let at = chrono::Utc::now() - chrono::Duration::minutes(minutes);
        self.db
            .execute_raw(app::sql::numbered(
                self.db.get_database_backend(),
                "UPDATE email_codes SET created_at = ?1",
                [at.into()],
            ))
            .await
            .expect("codes aged");
    }

    /// Waits (up to ten seconds) until `sql` counts at least one row; `what` names what is awaited.
    pub async fn wait_until(&self, sql: &str, what: &str) {
        for _ in 0..100 {
            if self.scalar(sql).await > 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{what}");
    }

    /// Registers, verifies with the emailed code and signs in a new citizen.
    pub async fn citizen(&self, email: &str) -> Visitor {
        self.citizen_named(email, "Người dân").await
    }

    /// As [`TestApp::citizen`], for someone who calls themself `name`.
    pub async fn citizen_named(&self, email: &str, name: &str) -> Visitor {
        let v = self.visitor();
        v.call(
            "account/register",
            &[
                ("email", email),
                ("display_name", name),
                ("password", PASSWORD),
            ],
        )
        .await
        .ok();
        let code = v.last_code_for(email).await;
        v.call("account/verify", &[("email", email), ("code", &code)])
            .await
            .ok();
        v.sign_in(email, PASSWORD).await.ok();
        v
    }

    /// An organisation created by the admin, with a new staff member signed in.
    pub async fn org_with_staff(&self, name: &str, staff_email: &str) -> (i64, Visitor) {
        let admin = self.admin().await;
        let org: app::org::model::Organisation = admin
            .call(
                "admin/organisations/create",
                &[("name_vi", name), ("name_en", name), ("kind", "ward")],
            )
            .await
            .json();
        let staff = self.citizen(staff_email).await;
        admin
            .call(
                "admin/organisations/staff/add",
                &[
                    ("organisation_id", &org.id.to_string()),
                    ("email", staff_email),
                    ("title", "Phó Chủ tịch"),
                ],
            )
            .await
            .ok();
        staff.turn_on_two_step().await;
        (org.id, staff)
    }

    /// An official (who turned two-step sign-in on earlier) signed in again in a new browser.
    pub async fn official_again(&self, email: &str) -> Visitor {
        let v = self.visitor();
        v.sign_in_two_steps(email, PASSWORD, &self.secret_of(email).await)
            .await;
        v
    }

    /// The authenticator secret of an account with two-step sign-in on.
    pub async fn secret_of(&self, email: &str) -> String {
        self.text(&format!(
            "SELECT secret FROM two_factor WHERE user_id = (SELECT id FROM users WHERE email = '{email}')"
        ))
        .await
    }

    /// Makes the database refuse every audit record of `action` from now on (as a full disk or
    /// a broken connection might refuse it), until [`TestApp::accept_records`]: what proves that
    /// a change and its record are written together or not at all.
    pub async fn refuse_records(&self, action: &str) {
        let statements: Vec<String> = match self.db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => vec![
                format!(
                    "CREATE FUNCTION refuse_record() RETURNS trigger AS $$ BEGIN \
                     IF NEW.action = '{action}' THEN RAISE EXCEPTION 'record refused'; END IF; \
                     RETURN NEW; END $$ LANGUAGE plpgsql"
                ),
                "CREATE TRIGGER refuse_record BEFORE INSERT ON audit_log FOR EACH ROW \
                 EXECUTE FUNCTION refuse_record()"
                    .into(),
            ],
            _ => vec![format!(
                "CREATE TRIGGER refuse_record BEFORE INSERT ON audit_log \
                 WHEN NEW.action = '{action}' BEGIN SELECT RAISE(ABORT, 'record refused'); END"
            )],
        };
        for sql in statements {
            self.db.execute_unprepared(&sql).await.expect("a trigger");
        }
    }

    /// Every `table.column` of the database whose text holds `needle` anywhere (the whole
    /// database, read column by column).
    pub async fn columns_containing(&self, needle: &str) -> Vec<String> {
        let backend = self.db.get_database_backend();
        let listing = match backend {
            sea_orm::DatabaseBackend::Postgres => {
                "SELECT table_name AS t, column_name AS c FROM information_schema.columns \
                 WHERE table_schema = 'public' ORDER BY 1, 2"
            }
            _ => {
                "SELECT m.name AS t, p.name AS c FROM sqlite_master m \
                 JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1, 2"
            }
        };
        let columns = self
            .db
            .query_all_raw(Statement::from_string(backend, listing))
            .await
            .expect("the columns");
        let mut found = Vec::new();
        for column in columns {
            let table: String = column.try_get("", "t").unwrap();
            let name: String = column.try_get("", "c").unwrap();
            let text = match backend {
                sea_orm::DatabaseBackend::Postgres => format!("\"{name}\"::text"),
                _ => format!("CAST(\"{name}\" AS TEXT)"),
            };
            let hits = self
                .db
                .query_one_raw(app::sql::numbered(
                    backend,
                    &format!("SELECT COUNT(*) AS n FROM \"{table}\" WHERE {text} LIKE ?1"),
                    [format!("%{needle}%").into()],
                ))
                .await
                .expect("a count")
                .expect("a row")
                .try_get_by_index::<i64>(0)
                .unwrap();
            if hits > 0 {
                found.push(format!("{table}.{name}"));
            }
        }
        found
    }

    /// Records of every action are accepted again.
    pub async fn accept_records(&self) {
        let statements: &[&str] = match self.db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => &[
                "DROP TRIGGER refuse_record ON audit_log",
                "DROP FUNCTION refuse_record()",
            ],
            _ => &["DROP TRIGGER refuse_record"],
        };
        for sql in statements {
            self.db.execute_unprepared(sql).await.expect("no trigger");
        }
    }

    /// The first column of the first row of `sql`, as text.
    pub async fn text(&self, sql: &str) -> String {
        let row = self
            .db
            .query_one_raw(Statement::from_string(self.db.get_database_backend(), sql))
            .await
            .expect("query")
            .expect("a row");
        row.try_get_by_index::<String>(0).expect("a text")
    }

    /// A published challenge of `org`, open since yesterday, whose entries close after `close`
    /// (with a public vote opening then and lasting `vote`, if given); returns its id.
    pub async fn open_challenge(
        &self,
        staff: &Visitor,
        org: i64,
        close: chrono::Duration,
        vote: Option<chrono::Duration>,
    ) -> String {
        let challenge = self.draft_challenge(staff, org, close, vote).await;
        staff
            .call("challenges/publish", &[("id", &challenge)])
            .await
            .ok();
        challenge
    }

    /// The challenge [`Self::open_challenge`] makes, left a draft.
    pub async fn draft_challenge(
        &self,
        staff: &Visitor,
        org: i64,
        close: chrono::Duration,
        vote: Option<chrono::Duration>,
    ) -> String {
        use chrono::{Duration, Utc};
        let now = Utc::now();
        let mut form = vec![
            ("organisation_id", org.to_string()),
            ("form[title]", "Giảm thời gian chờ ở bộ phận một cửa".into()),
            (
                "form[summary]",
                "Người dân đang chờ trung bình hai giờ để nộp hồ sơ.".into(),
            ),
            (
                "form[brief]",
                "Mỗi sáng hơn 200 người đến bộ phận một cửa của phường, chỉ có hai quầy.".into(),
            ),
            ("form[eligibility]", String::new()),
            ("form[team_min]", "1".into()),
            ("form[team_max]", "5".into()),
            ("form[category]", "admin_procedures".into()),
            ("form[pilot_budget]", String::new()),
            ("form[prize_label][0]", "Giải nhất".into()),
            ("form[prize_amount][0]", "50000000".into()),
            ("form[prize_label][1]", "Giải nhì".into()),
            ("form[prize_amount][1]", "20000000".into()),
            ("form[opens_at]", city(now - Duration::days(1))),
            ("form[entries_close_at]", city(now + close)),
            (
                "form[judging_closes_at]",
                city(now + close + Duration::days(10)),
            ),
            ("form[results_at]", city(now + close + Duration::days(20))),
        ];
        if let Some(length) = vote {
            form.push(("form[vote_enabled]", "on".into()));
            form.push(("form[vote_opens_at]", city(now + close)));
            form.push(("form[vote_closes_at]", city(now + close + length)));
        } else {
            form.push(("form[vote_opens_at]", String::new()));
            form.push(("form[vote_closes_at]", String::new()));
        }
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        staff
            .call("challenges/create", &pairs)
            .await
            .location()
            .trim_start_matches("/staff/challenges/")
            .to_owned()
    }

    /// A challenge whose entries have just closed, with `teams` submitted entries (each by a team
    /// of one, the first from "Công ty Sen"), and its staff; with `vote`, a public vote of that
    /// length opens as entries close.
    pub async fn contest(&self, teams: usize, vote: Option<chrono::Duration>) -> Contest {
        let (org, staff) = self.org_with_staff("Phường 1", "canbo@p1.vn").await;
        let mut owners = Vec::new();
        for i in 0..teams {
            owners.push(self.citizen(&format!("doi{i}@example.vn")).await);
        }
        // Entries stay open for as long as the set-up takes (on a loaded machine, longer than
        // any few seconds), and close once every entry is in.
        let challenge = self
            .open_challenge(&staff, org, chrono::Duration::hours(1), vote)
            .await;
        let mut made = Vec::new();
        for (i, owner) in owners.into_iter().enumerate() {
            let organisation = if i == 0 { "Công ty Sen" } else { "" };
            let name = format!("Đội số {i}");
            let team: i64 = owner
                .call(
                    "teams/create",
                    &[
                        ("challenge_id", &challenge),
                        ("name", &name),
                        ("organisation_name", organisation),
                        ("contact", "0909 123 456"),
                    ],
                )
                .await
                .location()
                .trim_start_matches("/teams/")
                .parse()
                .unwrap();
            let t = team.to_string();
            let title = format!("Giải pháp số {i}");
            let saved: app::entry::model::EntryView = owner
                .call(
                    "entries/save",
                    &[
                        ("team_id", &t),
                        ("version", "0"),
                        ("entry[title]", &title),
                        ("entry[summary]", "Người dân lấy số và nhận tin nhắn khi sắp đến lượt."),
                        ("entry[solution]", "Một máy lấy số nối với tổng đài tin nhắn; bảng điện tử ở sảnh; không cần điện thoại."),
                        ("entry[pilot_plan]", "Ba tháng ở bộ phận một cửa Phường 1, hai quầy."),
                        ("entry[cost]", "120000000"),
                        ("entry[acknowledged]", "on"),
                    ],
                )
                .await
                .json();
            if i == 0 {
                // A deck whose properties name the team, as a word processor writes them.
                owner
                    .call_multipart(
                        "entries/files/add",
                        &[("team_id", t.as_str())],
                        Some((
                            "file",
                            "Đội số 0 - thuyết trình.pdf",
                            telling_pdf("Doi so 0 Cong ty Sen"),
                        )),
                    )
                    .await
                    .ok();
            }
            owner
                .call(
                    "entries/submit",
                    &[("team_id", &t), ("version", &saved.version.to_string())],
                )
                .await
                .ok();
            made.push((team, owner));
        }
        self.entries_close(
            &challenge,
            chrono::Utc::now() - chrono::Duration::seconds(1),
        )
        .await;
        Contest {
            staff,
            challenge,
            teams: made,
        }
    }

    /// The administrator, signed in with two-step sign-in on (the same browser each call).
    /// Moves the challenge's entries deadline to `at`, its public vote (if it has one) opening
    /// then and lasting as long as it was set to, as if staff had set it so when they published:
    /// a test sets up at its own pace, then lets the deadline come when it is ready.
    pub async fn entries_close(&self, challenge: &str, at: chrono::DateTime<chrono::Utc>) {
        use app::challenge::entity::challenge;
        use sea_orm::{ActiveModelTrait, EntityTrait, Set};
        let c = challenge::Entity::find_by_id(challenge.parse::<i64>().expect("a challenge id"))
            .one(&self.db)
            .await
            .expect("the challenge read")
            .expect("the challenge");
        let vote = c.vote_opens_at.zip(c.vote_closes_at);
        let mut moved: challenge::ActiveModel = c.into();
        moved.entries_close_at = Set(at);
        if let Some((opens, closes)) = vote {
            moved.vote_opens_at = Set(Some(at));
            moved.vote_closes_at = Set(Some(at + (closes - opens)));
        }
        moved.update(&self.db).await.expect("the deadline moved");
    }

    /// Moves the close of the challenge's public vote to `at`, as [`Self::entries_close`] moves
    /// its deadline.
    pub async fn vote_closes(&self, challenge: &str, at: chrono::DateTime<chrono::Utc>) {
        use app::challenge::entity::challenge;
        use sea_orm::{ActiveModelTrait, Set};
        challenge::ActiveModel {
            id: Set(challenge.parse::<i64>().expect("a challenge id")),
            vote_closes_at: Set(Some(at)),
            ..Default::default()
        }
        .update(&self.db)
        .await
        .expect("the vote's close moved");
    }

    /// Moves the challenge's opening to `at`, as [`Self::entries_close`] moves its deadline.
    pub async fn challenge_opens(&self, challenge: &str, at: chrono::DateTime<chrono::Utc>) {
        use app::challenge::entity::challenge;
        use sea_orm::{ActiveModelTrait, Set};
        challenge::ActiveModel {
            id: Set(challenge.parse::<i64>().expect("a challenge id")),
            opens_at: Set(at),
            ..Default::default()
        }
        .update(&self.db)
        .await
        .expect("the opening moved");
    }

    pub async fn admin(&self) -> Visitor {
        self.admin
            .get_or_init(|| async {
                let v = self.visitor();
                v.sign_in(ADMIN_EMAIL, PASSWORD).await.ok();
                v.turn_on_two_step().await;
                v
            })
            .await
            .clone()
    }
}

impl Visitor {
    /// The same browser (same cookies) from network address `ip`, as the proxy in front says
    /// (an app spawned with `trust_proxy`).
    pub fn behind(&self, ip: &str) -> Visitor {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", ip.parse().unwrap());
        Visitor {
            client: browser(self.jar.clone(), headers),
            base: self.base.clone(),
            jar: self.jar.clone(),
        }
    }

    /// The same browser (same cookies) talking to another instance.
    pub fn with_base(&self, base: &str) -> Visitor {
        Visitor {
            client: self.client.clone(),
            base: base.to_owned(),
            jar: self.jar.clone(),
        }
    }

    /// Calls a server function as the browser's script does (form-encoded POST, JSON answer).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Answer {
        let response = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST /api/{endpoint}: {e}"));
        Answer::read(response).await
    }

    /// Files a report to `org` with a photo sent as `photo`.
    pub async fn file_report(&self, org: i64, photo: &str, bytes: Vec<u8>) -> Answer {
        self.call_multipart(
            "reports/create",
            &[
                ("organisation_id", &org.to_string()),
                ("category", "admin_procedures"),
                ("title", "Xếp hàng hai tiếng ở bộ phận một cửa"),
                (
                    "description",
                    "Sáng thứ Hai nào cũng vậy, người già phải đứng chờ ngoài nắng.",
                ),
            ],
            Some(("photo", photo, bytes)),
        )
        .await
    }

    /// Forms a team named `name` in `challenge` (this visitor owns it); returns its id.
    pub async fn create_team(&self, challenge: &str, name: &str) -> i64 {
        self.call(
            "teams/create",
            &[
                ("challenge_id", challenge),
                ("name", name),
                ("contact", "0909 123 456"),
            ],
        )
        .await
        .location()
        .trim_start_matches("/teams/")
        .parse()
        .unwrap()
    }

    /// Sends a form from `page` as a browser without JavaScript does: the server function
    /// answers with a redirect back to the page (with `__err` when it refused).
    pub async fn post_from_page(
        &self,
        page: &str,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("accept", "text/html")
            .header("referer", format!("{}{page}", self.base))
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST /api/{endpoint} from {page}: {e}"))
    }

    /// Calls a server function with a file, as a form with `enctype="multipart/form-data"`.
    pub async fn call_multipart(
        &self,
        endpoint: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, Vec<u8>)>,
    ) -> Answer {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        if let Some((name, file_name, bytes)) = file {
            form = form.part(
                name.to_owned(),
                reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
            );
        }
        let response = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST /api/{endpoint}: {e}"));
        Answer::read(response).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Answer {
        self.call(
            "account/sign-in",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// Posts the language switch as the header's form does.
    pub async fn switch_language(&self, lang: &str, back: Option<&str>) -> reqwest::Response {
        let mut form = vec![("lang", lang)];
        form.extend(back.map(|b| ("back", b)));
        self.client
            .post(format!("{}/lang", self.base))
            .form(&form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST /lang: {e}"))
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e:?}"))
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let status = r.status();
        (
            status,
            r.text()
                .await
                .unwrap_or_else(|e| panic!("GET {path} body: {e}")),
        )
    }

    /// Deletes this visitor's account (confirmed, with the test password) after `wait`.
    pub async fn delete_account_after(&self, wait: std::time::Duration) {
        tokio::time::sleep(wait).await;
        self.call(
            "account/delete",
            &[("password", PASSWORD), ("confirm", "yes")],
        )
        .await
        .ok();
    }

    pub async fn viewer(&self) -> Option<app::auth::Viewer> {
        self.call("account/me", &[]).await.json()
    }

    /// Turns two-step sign-in on from the account page, as an authenticator app would answer;
    /// returns the secret (base32) and the recovery codes.
    pub async fn turn_on_two_step(&self) -> (String, Vec<String>) {
        self.call("account/two-step/begin", &[]).await.ok();
        let status: app::api::two_step::TwoStepState =
            self.call("account/two-step", &[]).await.json();
        let secret = status
            .pending
            .expect("a secret waits for its first code")
            .secret
            .replace(' ', "");
        // An office waiting for it also takes the code emailed for it.
        let email_code = if status.required {
            let email = self
                .viewer()
                .await
                .expect("signed in")
                .email
                .expect("an official has an address");
            self.last_code_for(&email).await
        } else {
            String::new()
        };
        let codes: Vec<String> = self
            .call(
                "account/two-step/confirm",
                &[
                    ("code", &current_code(&secret)),
                    ("email_code", &email_code),
                ],
            )
            .await
            .json();
        (secret, codes)
    }

    /// Signs a demo account in with the demo password, and an official's second step with the
    /// demo's public secret.
    pub async fn sign_in_demo(&self, email: &str) -> Answer {
        let first = self.sign_in(email, app::demo::DEMO_PASSWORD).await;
        if !first.location().starts_with("/sign-in/code") {
            return first;
        }
        let secret = app::auth::two_factor::demo_secret(email);
        self.sign_in_two_steps(email, app::demo::DEMO_PASSWORD, &secret)
            .await
    }

    /// Signs in with the password, then the authenticator's code for `secret`: the code of now,
    /// or of the next step if now's was used (waiting for a fresh step if both were).
    pub async fn sign_in_two_steps(&self, email: &str, password: &str, secret: &str) -> Answer {
        loop {
            let first = self.sign_in(email, password).await;
            assert!(
                first.location().starts_with("/sign-in/code"),
                "the password step leads to the code: {}",
                first.body
            );
            for offset in [0u64, 30] {
                let code = code_after(secret, offset);
                let answer = self.call("account/sign-in/code", &[("code", &code)]).await;
                if answer.status.is_success() || answer.status.is_redirection() {
                    return answer;
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(10)).await;
        }
    }

    /// The newest code emailed to `email`, read from the development mailbox. Other mail may
    /// have reached the person since (a phase change the worker announces at any moment): the
    /// newest message that holds a code is the one.
    pub async fn last_code_for(&self, email: &str) -> String {
        let messages: Vec<app::mail::model::MailboxMessage> =
            self.call("dev/mailbox", &[]).await.json();
        messages
            .iter()
            .filter(|m| m.to_email == email)
            .find_map(|m| one_time_code_in(&m.body_text))
            .unwrap_or_else(|| panic!("no email with a code to {email}"))
    }
}

impl Visitor {
    /// The newest code texted to the number shown as `phone` (`0912 345 678`), read from the
    /// development SMS page.
    pub async fn last_text_code_for(&self, phone: &str) -> String {
        let messages: Vec<app::sms::model::SmsMessage> = self.call("dev/sms", &[]).await.json();
        messages
            .iter()
            .filter(|m| m.to_phone == phone)
            .find_map(|m| one_time_code_in(&m.body))
            .unwrap_or_else(|| panic!("no text message with a code to {phone}"))
    }
}

/// The code an authenticator app shows now for `secret`.
pub fn current_code(secret: &str) -> String {
    code_after(secret, 0)
}

/// The code an authenticator app will show `seconds` from now.
pub fn code_after(secret: &str, seconds: u64) -> String {
    let now = chrono::Utc::now().timestamp() as u64;
    app::auth::two_factor::code_at(secret, now + seconds).expect("a code")
}

pub fn one_time_code_in(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == app::token::CODE_DIGITS)
        .map(str::to_owned)
}

/// A one-page PDF whose properties (document information, XMP) and an opening script all
/// name `who`.
pub fn telling_pdf(who: &str) -> Vec<u8> {
    let xmp = format!(
        "<?xpacket begin=''?><x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>{who}</dc:creator></x:xmpmeta><?xpacket end='w'?>"
    );
    let page = "BT /F1 28 Tf 72 720 Td (Xep hang qua tin nhan) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R /OpenAction 7 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{page}\nendstream", page.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Type /Metadata /Subtype /XML /Length {} >>\nstream\n{xmp}\nendstream", xmp.len()),
        format!("<< /S /JavaScript /JS (app.alert('{who}')) >>"),
        format!("<< /Author ({who}) /Creator ({who}) /Title (Bai du thi cua {who}) >>"),
    ];
    app::demo::pdf::document(&objects, "/Info 8 0 R ").into_bytes()
}

/// A one-page PDF, as small as the upload checks take.
pub fn tiny_pdf() -> Vec<u8> {
    app::demo::pdf::one_page("Trang 1").into_bytes()
}

/// A PNG of a header and an end chunk, enough for the upload checks.
pub fn tiny_png() -> Vec<u8> {
    let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", vec![0u8; 13]), (b"IEND", vec![])] {
        p.extend((data.len() as u32).to_be_bytes());
        p.extend(kind);
        p.extend(&data);
        p.extend([0, 0, 0, 0]);
    }
    p
}

/// A challenge whose entries have closed, its staff and its teams.
pub struct Contest {
    pub staff: Visitor,
    pub challenge: String,
    /// (team id, its owner)
    pub teams: Vec<(i64, Visitor)>,
}

/// A moment as a `datetime-local` field in city time takes it.
pub fn city(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&app::i18n::format::city_offset())
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// Sends a request as written, over a bare connection (what a client library would tidy first,
/// such as `..` in a path, goes as it is): `line` (`GET /path HTTP/1.1`), then `Host` and
/// `headers` (each ending in `\r\n`). Reads what comes within ten seconds: the status and the
/// whole answer as text.
pub async fn raw_exchange(base: &str, line: &str, headers: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("{line}\r\nHost: {address}\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await
    .expect("an answer");
    let text = String::from_utf8_lossy(&answer).into_owned();
    (status_of(&text), text)
}

/// The status of an HTTP answer read off the wire (0 if there is none).
pub fn status_of(answer: &str) -> u16 {
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// A client that behaves as a browser for these tests: cookies in `jar`, redirects not followed,
/// bodies as sent (a test that asks for an encoding reads it undecoded), and a fresh connection
/// per request, so that a test never depends on how long the server keeps an idle connection
/// open (a CI run once lost a request on a reused one).
fn browser(
    jar: std::sync::Arc<reqwest::cookie::Jar>,
    headers: reqwest::header::HeaderMap,
) -> Client {
    Client::builder()
        .default_headers(headers)
        .cookie_provider(jar)
        .redirect(redirect::Policy::none())
        .no_gzip()
        .no_brotli()
        .pool_max_idle_per_host(0)
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client")
}

/// Makes every session look last used (and begun) `hours` ago.
pub async fn sessions_idle_for(app: &TestApp, hours: i64) {
    let at = chrono::Utc::now() - chrono::Duration::hours(hours);
    app.db
        .execute_raw(app::sql::numbered(
            app.db.get_database_backend(),
            "UPDATE sessions SET last_seen_at = ?1, created_at = ?1",
            [at.into()],
        ))
        .await
        .unwrap();
}

/// A JPEG segment: its marker, its length, its data.
pub fn jpeg_segment(marker: u8, data: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(data);
    s
}
