//! What a server function knows about its request: the database, the settings, the viewer
//! resolved by the session middleware, and the caller's address.

use std::sync::Arc;

use leptos::prelude::*;
use sea_orm::DatabaseConnection;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Locale;

/// Settings the app needs at request time (the server reads them from the environment).
#[derive(Clone, Debug)]
pub struct Settings {
    /// The site's public address, used in links sent by email.
    pub base_url: String,
    /// Cookies carry `Secure` (the site is served over https).
    pub secure_cookies: bool,
    /// No SMTP server is configured: the development mailbox page shows the outbox.
    pub dev_mailbox: bool,
    /// No SMS gateway is configured in development: the SMS page shows the SMS outbox.
    pub dev_sms: bool,
    /// Text messages reach people: a gateway is configured, or the SMS page shows them.
    pub sms: bool,
    /// The site serves the demo's accounts: the two-step page shows their (public) codes.
    pub demo_hints: bool,
    /// Accounts one network address may register in an hour.
    pub registrations_per_hour: i64,
}

/// Provided to every server function and page render by the server's context closure: one
/// shared pointer to [`ServerParts`], so that providing it to each request costs one reference
/// count instead of one per part.
#[derive(Clone)]
pub struct ServerCtx(Arc<ServerParts>);

impl ServerCtx {
    pub fn new(parts: ServerParts) -> ServerCtx {
        ServerCtx(Arc::new(parts))
    }
}

impl std::ops::Deref for ServerCtx {
    type Target = ServerParts;

    fn deref(&self) -> &ServerParts {
        &self.0
    }
}

/// What the server runs on, made once at its start.
pub struct ServerParts {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// Reads the sessions of the requests arriving together in one statement.
    pub sessions: crate::auth::session::SessionReader,
    /// Wakes the pages that follow a challenge's vote totals.
    pub votes: crate::vote::live::Hub,
    /// Writes citizens' votes many at a time, in shared durable commits.
    pub ballots: crate::vote::ballot_box::BallotBox,
    /// Batches other small writes (judges' drafts) into shared durable commits.
    pub writes: crate::group_commit::GroupCommit,
    /// Where files' bytes are kept.
    pub storage: crate::upload::storage::Storage,
}

/// Put into each request's extensions by the session middleware, before Leptos sees it.
#[derive(Clone, Debug)]
pub struct RequestAuth {
    pub viewer: Option<Viewer>,
    /// SHA-256 of the session token, to end this session on sign-out.
    pub session_id: Option<String>,
    pub ip: String,
    pub user_agent: Option<String>,
    pub locale: Locale,
    /// The answer is rendered once for many people (every anonymous visitor of the page, or a
    /// signed-in class, see `query::page_class`), who see others' doings a moment later anyway:
    /// what is costly to keep exact (the vote totals during a rush) may be that moment old.
    pub shared: bool,
}

pub fn server_ctx() -> Result<ServerCtx, AppError> {
    use_context::<ServerCtx>().ok_or_else(|| crate::error::internal("server context missing"))
}

pub fn db() -> Result<DatabaseConnection, AppError> {
    Ok(server_ctx()?.db.clone())
}

pub fn request_auth() -> Result<RequestAuth, AppError> {
    try_request_auth().ok_or_else(|| crate::error::internal("session middleware did not run"))
}

/// The request's auth, or `None` outside a request (start-up, background work).
pub fn try_request_auth() -> Option<RequestAuth> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestAuth>().cloned())
}

/// Links to the site's pages, for emails written in answer to this request.
pub fn links() -> Result<crate::links::Links, AppError> {
    Ok(crate::links::Links::new(&server_ctx()?.settings.base_url))
}

/// Who is asking: built here, at the edge, and passed down.
pub fn requester() -> Result<crate::auth::Requester, AppError> {
    let auth = request_auth()?;
    Ok(crate::auth::Requester {
        viewer: auth.viewer,
        ip: auth.ip,
        locale: auth.locale,
    })
}

pub fn viewer() -> Result<Option<Viewer>, AppError> {
    Ok(request_auth()?.viewer)
}

/// Any signed-in account.
pub fn require_user() -> Result<Viewer, AppError> {
    viewer()?.ok_or(AppError::Unauthenticated)
}

/// A citizen: a signed-in account whose email is verified.
pub fn require_verified() -> Result<Viewer, AppError> {
    let viewer = require_user()?;
    if viewer.verified {
        Ok(viewer)
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn require_admin() -> Result<Viewer, AppError> {
    let viewer = require_user()?;
    if viewer.is_admin {
        Ok(viewer)
    } else {
        Err(viewer.refusal())
    }
}

pub fn require_staff_of(organisation_id: i64) -> Result<Viewer, AppError> {
    let viewer = require_user()?;
    if viewer.is_staff_of(organisation_id) {
        Ok(viewer)
    } else {
        Err(viewer.refusal())
    }
}

/// The value of one cookie in the request.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_owned())
        })
}

/// The value of one cookie of the request this server function answers.
pub fn request_cookie(name: &str) -> Option<String> {
    use_context::<http::request::Parts>().and_then(|parts| cookie_value(&parts.headers, name))
}

/// Whether this server function was called by a form the browser sent itself (the page's code
/// had not loaded, or JavaScript is off): it asks for a page, not for data, and is answered
/// with a redirect.
pub fn plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| wants_page(&parts.headers))
}

/// Whether a request with these headers asks for a page (a browser's own navigation or form),
/// not for data: the rule leptos_axum follows to answer a server function with a redirect.
pub fn wants_page(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// The cookie a form that succeeded leaves for the page it comes back to: the server function's
/// address, read once by that page (which says what was done) and gone with its answer.
pub const DONE_COOKIE: &str = "vidan_done";

/// Adds a `Set-Cookie` header to the response of this server function or page.
pub fn set_cookie(value: String) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(value) = http::HeaderValue::from_str(&value)
    {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// The name a private cookie of ours (the session, the browser's device token) goes under: on
/// an https site `__Host-…`, which a browser takes only from this very host, over https, for
/// the whole site (no other subdomain can set or shadow it).
pub fn private_cookie_name(name: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

fn secure_site() -> bool {
    server_ctx()
        .map(|c| c.settings.secure_cookies)
        .unwrap_or(false)
}

/// A private cookie (HttpOnly, `__Host-` on https) to set.
pub fn private_cookie(name: &str, value: &str, max_age_secs: i64) -> String {
    cookie(
        &private_cookie_name(name, secure_site()),
        value,
        max_age_secs,
        true,
    )
}

/// The value of a private cookie of the request.
pub fn request_private_cookie(name: &str) -> Option<String> {
    request_cookie(&private_cookie_name(name, secure_site()))
}

/// Builds a cookie string with the attributes every cookie of ours carries.
pub fn cookie(name: &str, value: &str, max_age_secs: i64, http_only: bool) -> String {
    let secure = server_ctx()
        .map(|c| c.settings.secure_cookies)
        .unwrap_or(false);
    let mut out = format!("{name}={value}; Path=/; Max-Age={max_age_secs}; SameSite=Lax");
    if http_only {
        out.push_str("; HttpOnly");
    }
    if secure {
        out.push_str("; Secure");
    }
    out
}
