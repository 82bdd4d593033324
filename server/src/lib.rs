//! The Vì Dân server: configuration, database, router, middleware and background work.
//! `Application::build` binds and prepares everything, so tests start the real app on port 0.
// Page views nest deeply as types; the whole app is rendered from this crate.
#![recursion_limit = "256"]

pub mod backups;
pub mod config;
pub mod db;
mod in_place;
pub mod mailer;
pub mod middleware;
pub mod observe;
pub mod open_data;
pub mod page_cache;
mod routes;
mod serve;
pub mod sms_gateway;
mod uploads;
mod workers;

use std::sync::{Arc, OnceLock};

use app::ctx::{ServerCtx, ServerParts, Settings};
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use http::{HeaderValue, Request, header};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::Config;

/// What every handler and middleware reads, behind one shared pointer: each layer's state is a
/// clone per request, and a clone of the parts themselves (a dozen reference counts, a channel's
/// sender) cost a third of the CPU of a kept page under load.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub ctx: ServerCtx,
    pub api_limiter: Arc<open_data::RateLimiter>,
    /// Forms with files being read (see `uploads`).
    pub uploads: Arc<uploads::UploadGate>,
    /// What this instance has answered, for `/metrics`.
    pub metrics: Arc<observe::Metrics>,
}

pub struct Application {
    listener: TcpListener,
    /// Where `/metrics` is served to whoever reaches it, if configured.
    metrics_listener: Option<TcpListener>,
    router: Router,
    state: AppState,
    /// A SQLite site's lock against a restore while this server runs.
    _serving: Option<db::Serving>,
}

impl Application {
    /// Connects and migrates the database, seeds what a first start needs, binds the address.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let serving = match db::sqlite_file(&config.database_url) {
            Some(file) => Some(db::serving(std::path::Path::new(&file))?),
            None => None,
        };
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        let storage = storage(&config).await?;
        if config.demo_data
            && app::demo::seed_if_empty(&db, &app::links::Links::new(&config.base_url), &storage)
                .await?
        {
            tracing::info!("filled the empty database with demo data");
        }
        if let Some(admin) = &config.first_admin
            && !app::account::service::has_admin(&db).await?
        {
            app::org::service::appoint_admin(
                &db,
                &admin.email,
                &admin.name,
                admin.password.expose().to_owned(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("VIDAN_ADMIN_*: {e}"))?;
            tracing::info!(email = %admin.email, "created the first admin");
        }
        let listener = TcpListener::bind(config.addr).await?;
        let metrics_listener = match config.metrics_addr {
            Some(addr) => Some(TcpListener::bind(addr).await?),
            None => None,
        };
        let addr = listener.local_addr()?;
        let base_url = if config.base_url == format!("http://{}", config.addr) {
            format!("http://{addr}")
        } else {
            config.base_url.clone()
        };
        let settings = Settings {
            secure_cookies: base_url.starts_with("https://"),
            base_url,
            dev_mailbox: config.development && config.smtp.is_none(),
            dev_sms: config.development && config.sms.is_none(),
            sms: config.sms.is_some() || config.development,
            demo_hints: config.development && config.demo_data,
            registrations_per_hour: config.registrations_per_hour.into(),
        };
        let mut leptos_options = get_configuration(None)?.leptos_options;
        if leptos_options.output_name.is_empty() {
            leptos_options.output_name = "vidan".into();
        }
        leptos_options.site_root = config.site_root.to_string_lossy().into_owned().into();
        leptos_options.site_addr = addr;
        let state = AppState(Arc::new(Shared {
            leptos_options,
            ctx: ServerCtx::new(ServerParts {
                db: db.clone(),
                settings: Arc::new(settings),
                sessions: app::auth::session::SessionReader::start(db.clone()),
                // What others do shows on shared pages a moment later: the page cache's moment
                // is also that of the vote totals.
                votes: app::vote::live::Hub::new(std::time::Duration::from_millis(
                    config.page_cache_ms,
                )),
                ballots: app::vote::ballot_box::BallotBox::start(db.clone()),
                writes: app::group_commit::GroupCommit::start(db.clone()),
                storage,
            }),
            db,
            api_limiter: Arc::new(open_data::RateLimiter::new(config.api_requests_per_minute)),
            uploads: Arc::new(uploads::UploadGate::new(config.uploads_at_once)),
            metrics: Arc::new(observe::Metrics::default()),
            config: Arc::new(config),
        }));
        let router = router(state.clone());
        Ok(Application {
            listener,
            metrics_listener,
            router,
            state,
            _serving: serving,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// The port of the metrics' own address, if there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
            .map(|a| a.port())
    }

    pub fn db(&self) -> DatabaseConnection {
        self.state.db.clone()
    }

    /// Serves until the process is told to stop; background workers run alongside.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        workers::spawn(self.state.clone());
        app::vote::live::listen(self.state.db.clone(), self.state.ctx.votes.clone());
        if let Some(listener) = self.metrics_listener {
            let private = Router::new()
                .route("/metrics", axum::routing::get(observe::metrics_page))
                .with_state(self.state.clone());
            tokio::spawn(async move {
                if let Err(err) = axum::serve(listener, private).await {
                    tracing::error!(%err, "the metrics address stopped");
                }
            });
        }
        let header_read_timeout =
            std::time::Duration::from_millis(self.state.config.header_read_timeout_ms);
        let idle_timeout = std::time::Duration::from_millis(self.state.config.idle_timeout_ms);
        serve::serve(
            self.listener,
            self.router,
            header_read_timeout,
            idle_timeout,
            shutdown_signal(),
        )
        .await?;
        Ok(())
    }
}

/// The file store the configuration names (a bucket, or else a folder), ready for use.
pub async fn storage(config: &Config) -> anyhow::Result<app::upload::storage::Storage> {
    use app::upload::storage::Storage;
    let storage = match &config.s3 {
        Some(s3) => Storage::s3_trusting(s3, config.city_ca.as_deref())?,
        None => Storage::folder(&config.files_dir),
    };
    storage.prepare().await?;
    Ok(storage)
}

/// The app's routes, listed once per process.
///
/// Listing them renders the app once with resource loading switched off, and Leptos switches it
/// off for the whole process (`leptos_server`'s `IS_SUPPRESSING_RESOURCE_LOAD`): a page's
/// resource first polled meanwhile, by another instance in the same process (two instances
/// behind one test, the tests themselves running side by side), waits forever, and its page
/// with it. Listed once, before the first instance serves anything, nothing can overlap it.
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn router(state: AppState) -> Router {
    let routes = route_list();
    let ctx = state.ctx.clone();
    let provide = move || provide_context(ctx.clone());
    let options = state.leptos_options.clone();
    let pages = Router::new()
        .merge(routes::router())
        .merge(open_data::router(&state))
        .leptos_routes_with_context(&state, routes, provide.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        });
    let kept_pages = Arc::new(page_cache::PageCache::new(
        std::time::Duration::from_millis(state.config.page_cache_ms),
    ));
    let https = state.ctx.settings.secure_cookies;
    let pages = with_site_files(pages, options, provide)
        .layer(axum::middleware::from_fn(middleware::error_status))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::record_refusals,
        ))
        .layer(axum::middleware::from_fn_with_state(
            page_cache::Pages {
                cache: kept_pages,
                db: state.db.clone(),
            },
            page_cache::serve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            uploads::hold_uploads,
        ))
        .layer(axum::middleware::from_fn(in_place::forms_in_place))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::resolve_session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::page_deadline,
        ))
        .layer(axum::middleware::from_fn(middleware::own_errors_only))
        .layer(axum::middleware::from_fn(middleware::limit_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::request_deadline,
        ))
        .layer(axum::middleware::from_fn(middleware::forbid_cross_site))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        // Pages and API answers are compressed as they go out, at a level that costs little
        // CPU per request (the largest files are compressed once, at build time). Web fonts
        // are compressed already (WOFF2 is Brotli inside): gzip would only cost time.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(4))
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("font/"))),
        )
        // Outermost: every answer counted and logged with its request's id.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observe::observe,
        ));
    // Served over https: browsers are told to come back only that way for a year.
    let pages = if https {
        pages.layer(SetResponseHeaderLayer::overriding(
            http::header::STRICT_TRANSPORT_SECURITY,
            http::HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ))
    } else {
        pages
    };
    pages.with_state(state)
}

/// The built site's files (wasm, JS, CSS, fonts, icon) under their own paths, so an unknown
/// address never touches the file system: it renders the app, whose router answers with the
/// bilingual 404 page and its status.
fn with_site_files(
    router: Router<AppState>,
    options: LeptosOptions,
    provide: impl Fn() + Clone + Send + Sync + 'static,
) -> Router<AppState> {
    let root = std::path::PathBuf::from(options.site_root.as_ref());
    let pkg = root.join(options.site_pkg_dir.as_ref());
    // A release build names its files by their content (LEPTOS_HASH_FILES) and compresses them
    // beforehand (`--precompress`): browsers keep them for a year and get the smallest encoding
    // they accept, with no compression work per request. Unhashed files are checked each time.
    let hashed = options.hash_files;
    let pkg_cache = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let cached = |value: &'static str| {
        SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(value))
    };
    router
        .nest_service(
            "/pkg",
            ServiceBuilder::new()
                .layer(cached(pkg_cache))
                .map_response(move |mut response: http::Response<_>| {
                    let headers = response.headers_mut();
                    // A file named by its content never changes: nothing to revalidate.
                    if hashed {
                        headers.remove(header::LAST_MODIFIED);
                    }
                    // The same address answers gzip, Brotli or neither, as the browser accepts:
                    // a shared cache on the way must keep them apart.
                    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
                    response
                })
                .service(ServeDir::new(pkg).precompressed_br().precompressed_gzip()),
        )
        .nest_service(
            "/fonts",
            ServiceBuilder::new()
                .layer(cached("public, max-age=604800"))
                .service(ServeDir::new(root.join("fonts"))),
        )
        .route_service(
            "/place.js",
            ServiceBuilder::new()
                .layer(cached("public, max-age=86400"))
                .service(ServeFile::new(root.join("place.js"))),
        )
        .route_service(
            "/favicon.svg",
            ServiceBuilder::new()
                .layer(cached("public, max-age=86400"))
                .service(ServeFile::new(root.join("favicon.svg"))),
        )
        // An unknown address renders the app, whose router answers with the 404 page, whole.
        .fallback(move |request: Request<Body>| {
            let options = options.clone();
            leptos_axum::render_app_async_with_context(provide.clone(), move || {
                shell(options.clone())
            })(request)
        })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
