//! Request middleware: who is asking (session from the database), forgery protection for every
//! state-changing request, security headers, and HTTP statuses for server-function errors.

use std::net::SocketAddr;

use app::auth::session::SESSION_COOKIE;
use app::ctx::RequestAuth;
use app::ctx::{cookie_value, wants_page};
use app::error::AppError;
use app::i18n::Locale;
use axum::body::HttpBody as _;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use crate::AppState;

fn client_ip(request: &Request, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(forwarded) = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|h| h.to_str().ok())
        && let Some(last) = forwarded.split(',').next_back()
    {
        return last.trim().to_owned();
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Resolves the session cookie once per request and hands the result to pages and server functions.
/// The site's own files are the same for everyone: their requests skip the database (a first
/// visit fetches a few hundred pieces of code, each with the cookie).
pub async fn resolve_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let ip = client_ip(&request, state.config.trust_proxy);
    let headers = request.headers();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    let cookie_locale = headers
        .get(header::COOKIE)
        .and_then(|h| h.to_str().ok())
        .and_then(Locale::from_cookie_header);
    let mut auth = RequestAuth {
        viewer: None,
        session_id: None,
        ip,
        user_agent,
        locale: cookie_locale.unwrap_or_default(),
        shared: false,
    };
    let path = request.uri().path();
    let anyones =
        is_site_file(path) || matches!(path, "/favicon.svg" | "/place.js" | "/health" | "/metrics");
    let session_cookie =
        app::ctx::private_cookie_name(SESSION_COOKIE, state.ctx.settings.secure_cookies);
    if !anyones && let Some(token) = cookie_value(headers, &session_cookie) {
        match state.ctx.sessions.resolve(&state.db, &token).await {
            Ok(Some((id, viewer))) => {
                auth.session_id = Some(id);
                auth.viewer = Some(viewer);
            }
            Ok(None) => {}
            Err(err) => tracing::error!(?err, "could not resolve a session"),
        }
    }
    if cookie_locale.is_none()
        && let Some(viewer) = &auth.viewer
    {
        auth.locale = viewer.locale;
    }
    request.extensions_mut().insert(auth);
    next.run(request).await
}

/// Bounds the time a page takes, from the request to its last byte, by the configured deadline
/// (`VIDAN_PAGE_DEADLINE_MS`, 15 s). A page not begun by then is answered with `503` and a short
/// page in the visitor's language that says the server is busy and to reload; a page whose rest
/// is late is cut off (the browser shows it unfinished rather than waiting on it forever). Either
/// way the server logs the address, so a stall is seen instead of sitting on a connection.
pub async fn page_deadline(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET || !is_page_address(request.uri().path()) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    let locale = language_of(request.headers());
    let limit = std::time::Duration::from_millis(state.config.page_deadline_ms);
    let deadline = tokio::time::Instant::now() + limit;
    let Some(response) = render_to_the_end(next, request, deadline).await else {
        tracing::error!(%path, ?limit, "a page was not ready in time; answered 503");
        return server_busy(locale);
    };
    if response.body().is_end_stream() || response.body().size_hint().exact().is_some() {
        return response;
    }
    let (parts, body) = response.into_parts();
    Response::from_parts(parts, cut_off_at(body, deadline, path))
}

/// Renders a page in a task of its own, which finishes its rendering even when nobody waits for
/// it any more (the visitor went elsewhere), up to the page's deadline; `None`: the deadline
/// passed first.
///
/// A page left half-rendered is not simply dropped: a `Suspense` keeps an effect, run by the
/// runtime, that renders its content again when the data it waits for arrive. Arriving after
/// the request was dropped, they had it render inside a reactive tree whose upper owners were
/// gone, and the server panicked (the router's context, or a signal, missing). Finished, the
/// page's effects are disposed of as every page's are. The deadline still bounds the work a
/// page costs, visitor or not: a page that is not ready by then is dropped (its data are not
/// coming either), and answered `503` if anyone still waits.
async fn render_to_the_end(
    next: Next,
    request: Request,
    deadline: tokio::time::Instant,
) -> Option<Response> {
    use tracing::Instrument;
    let render = tokio::time::timeout_at(deadline, next.run(request)).in_current_span();
    let rendering = match app::error::REQUEST_ID.try_with(Clone::clone) {
        Ok(id) => tokio::spawn(app::error::REQUEST_ID.scope(id, render)),
        Err(_) => tokio::spawn(render),
    };
    match rendering.await {
        Ok(rendered) => rendered.ok(),
        Err(failed) if failed.is_panic() => std::panic::resume_unwind(failed.into_panic()),
        // Cancelled: the server is stopping.
        Err(_) => None,
    }
}

/// Bounds the time every other request takes to be answered (a page has its own deadline, see
/// [`page_deadline`]): twice a page's (30 s) for a server function, an API answer or a file, and
/// twelve times (3 minutes) for a form with files, sent from a phone on a slow line. Reading the
/// request counts: a request still being sent, or still being worked on, by then is answered
/// `503` and its connection closed, so nobody holds a connection and its memory by sending a
/// byte a minute. What streams after its answer has begun (the live totals, a download) is not
/// cut.
pub async fn request_deadline(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if request.method() == Method::GET && is_page_address(&path) {
        return next.run(request).await;
    }
    let page = std::time::Duration::from_millis(state.config.page_deadline_ms);
    let limit = if UPLOADS.contains(&path.as_str()) {
        page * 12
    } else {
        page * 2
    };
    let locale = language_of(request.headers());
    let wants_page = wants_page(request.headers());
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!(%path, ?limit, "a request was not answered in time; answered 503");
            let mut response = busy(locale, wants_page, 30);
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// The body as it comes until `deadline`, then an error that ends the answer (and is logged).
fn cut_off_at(body: Body, deadline: tokio::time::Instant, path: String) -> Body {
    let rest = futures_util::stream::unfold(Some(body.into_data_stream()), move |data| {
        let path = path.clone();
        async move {
            let mut data = data?;
            match tokio::time::timeout_at(deadline, data.next()).await {
                Ok(Some(chunk)) => Some((chunk, Some(data))),
                Ok(None) => None,
                Err(_) => {
                    tracing::error!(%path, "a page did not finish in time; cut off");
                    let late = axum::Error::new(std::io::Error::from(std::io::ErrorKind::TimedOut));
                    Some((Err(late), None))
                }
            }
        }
    });
    // Fused: whoever reads on after the end gets the end again.
    Body::from_stream(rest.fuse())
}

/// The page a visitor gets when the server could not make theirs in time.
/// The visitor's language, from their language cookie (Vietnamese without one).
pub(crate) fn language_of(headers: &HeaderMap) -> Locale {
    headers
        .get(header::COOKIE)
        .and_then(|h| h.to_str().ok())
        .and_then(Locale::from_cookie_header)
        .unwrap_or_default()
}

/// "Busy, try again in `retry_secs`": a short page for a browser's form, and for code what it
/// reads as [`AppError::Busy`].
pub(crate) fn busy(locale: Locale, page: bool, retry_secs: u32) -> Response {
    if page {
        return server_busy(locale);
    }
    let body = serde_json::to_string(&AppError::Busy).unwrap_or_default();
    Response::builder()
        .status(StatusCode::SERVICE_UNAVAILABLE)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::RETRY_AFTER, retry_secs.to_string())
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(body))
        .unwrap_or_default()
}

pub(crate) fn server_busy(locale: Locale) -> Response {
    use app::i18n::k;
    let mut response = short_page(
        locale,
        StatusCode::SERVICE_UNAVAILABLE,
        [k::PAGE_SLOW_TITLE, k::PAGE_SLOW_BODY, k::PAGE_SLOW_RETRY],
        "",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    response
}

/// A page of its own for an answer the app cannot make: a title, a sentence and a link, in the
/// visitor's language, kept by no cache.
fn short_page(
    locale: Locale,
    status: StatusCode,
    [title, body, link]: [app::i18n::Text; 3],
    href: &str,
) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Vì Dân</title></head><body><main><h1>{title}</h1><p>{body}</p>\
         <p><a href=\"{href}\">{link}</a></p></main></body></html>",
        lang = locale.code(),
        title = locale.t(title),
        body = locale.t(body),
        link = locale.t(link),
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    response
}

/// Server functions that take files, and the most their request may hold: four times the largest
/// file (what the upload reader reads before it refuses) and a megabyte of fields.
const UPLOADS: [&str; 5] = [
    "/api/challenges/files/add",
    "/api/reports/create",
    "/api/pilots/milestones/status",
    "/api/pilots/updates/post",
    "/api/entries/files/add",
];
pub const UPLOAD_BODY_LIMIT: usize = 4 * 10_000_000 + 1024 * 1024;
/// Anything else: a form of text, however long its fields may be.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Whether `path` is a server function that takes files.
pub fn is_upload(path: &str) -> bool {
    UPLOADS.contains(&path)
}

/// How much a request to `path` may send.
pub fn body_limit_for(path: &str) -> usize {
    if is_upload(path) {
        UPLOAD_BODY_LIMIT
    } else {
        BODY_LIMIT
    }
}

/// Every request's body has a limit: one that says it is larger (`Content-Length`) is answered
/// `413` before a byte of it is read, and one that does not say (sent in chunks) is answered
/// `413` where it passes the limit. The answer is a field error in JSON for code, and a short page for a browser's form.
pub async fn limit_body(request: Request, next: Next) -> Response {
    let limit = body_limit_for(request.uri().path());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|h| h.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let locale = language_of(request.headers());
        return too_large(locale, wants_page(request.headers()));
    }
    let (parts, body) = request.into_parts();
    let body = http_body_util::Limited::new(body, limit);
    if is_upload(parts.uri.path()) || body.is_end_stream() {
        // A form with files is read by `uploads::hold_uploads`, which knows who sends it.
        return next.run(Request::from_parts(parts, Body::new(body))).await;
    }
    // A form of text is read here, a megabyte at most, so that one sent without a length (in
    // chunks) and past the limit is answered `413` like one that said its length, rather than
    // failing inside the function that reads it.
    use http_body_util::BodyExt;
    match body.collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => too_large(language_of(&parts.headers), wants_page(&parts.headers)),
    }
}

pub(crate) fn too_large(locale: Locale, page: bool) -> Response {
    use app::i18n::k;
    if page {
        return short_page(
            locale,
            StatusCode::PAYLOAD_TOO_LARGE,
            [
                k::PAGE_TOO_LARGE_TITLE,
                k::PAGE_TOO_LARGE_BODY,
                k::PAGE_TOO_LARGE_HOME,
            ],
            "/",
        );
    }
    let error = app::error::AppError::invalid("form", "error.request_too_large");
    let mut response = (
        StatusCode::PAYLOAD_TOO_LARGE,
        serde_json::to_string(&error).unwrap_or_default(),
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Refuses state-changing requests that a browser sent from another site. Browsers mark every
/// request with `Sec-Fetch-Site` and cross-origin POSTs with `Origin`; clients that are not
/// browsers send neither and cannot carry a victim's cookies anyway.
pub async fn forbid_cross_site(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && is_cross_site(request.headers()) {
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(request).await
}

pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|h| h.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()),
        headers.get(header::HOST).and_then(|h| h.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            let origin_host = origin
                .split_once("://")
                .map(|(_, rest)| rest)
                .unwrap_or(origin);
            origin_host != host
        }
        (Some(_), None) => true,
        _ => false,
    }
}

/// Security headers for every response; pages set their own CSP with the render's nonce. The
/// site's own files (code, styles, fonts) are never documents, so they carry only `nosniff`: a
/// first visit fetches a few hundred pieces of code, and each header is sent with every one.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let subresource = is_site_file(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if subresource {
        return response;
    }
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'",
        ));
    response
}

/// A page's address may carry an error to show (`?__path=…&__err=…`: where a form sent without
/// JavaScript finds what went wrong). Anyone can write such an address and send it round, so an
/// error that is not one of the site's own messages, or that names more than numbers and dates,
/// is sent back to the same page with what the site would say instead, before the page is made
/// or its code reads the address.
pub async fn own_errors_only(request: Request, next: Next) -> Response {
    if request.method() == Method::GET
        && let Some(query) = request.uri().query()
        && query.contains("__err=")
        && is_page_address(request.uri().path())
        && let Some(safe) = own_error_query(query)
    {
        // Back to this page, and only to this site: `//evil.example/x` read as a path would be
        // another site's address in `Location` (browsers read `/\` as `//` too).
        let path = request.uri().path().trim_start_matches(['/', '\\']);
        let target = format!("/{path}?{safe}");
        return Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, target)
            .header(header::CACHE_CONTROL, "no-store")
            .body(Body::empty())
            .unwrap_or_default();
    }
    next.run(request).await
}

/// An error as a page's address carries it (`__err`, which anyone can write): what it says,
/// and what of it the site itself would say.
pub(crate) fn address_error(value: &str) -> (AppError, AppError) {
    use leptos::server_fn::error::ServerFnUrlError;
    let given = ServerFnUrlError::<AppError>::decode_err(value);
    let safe = given.clone().from_address();
    (given, safe)
}

/// The query with its `__err` made safe, or `None` when it already is.
fn own_error_query(query: &str) -> Option<String> {
    use leptos::server_fn::error::ServerFnUrlError;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
    let mut changed = false;
    let pairs: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(name, value)| {
            if name != "__err" {
                return (name, value);
            }
            let (given, safe) = address_error(&value);
            if safe == given {
                return (name, value);
            }
            changed = true;
            let encoded = ServerFnUrlError::new("", safe)
                .to_url("http://localhost/")
                .ok()
                .and_then(|url| {
                    url.query_pairs()
                        .find(|(k, _)| k == "__err")
                        .map(|(_, v)| v.into_owned())
                })
                .unwrap_or_default();
            (name, encoded)
        })
        .collect();
    changed.then(|| serde_urlencoded::to_string(pairs).unwrap_or_default())
}

/// Whether an address is a page's: not the API, a file, a feed, a download, the health check or
/// a live stream.
pub fn is_page_address(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    !(path.starts_with("/api/")
        || path.starts_with("/files/")
        || is_site_file(path)
        || last.contains('.')
        || path == "/health"
        || path == "/metrics"
        || path.ends_with("/live"))
}

/// The built site's code, styles and fonts (see `with_site_files`).
pub fn is_site_file(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/fonts/")
}

/// Every refusal of someone who asked for what they may not have (`403`) is recorded: who, what
/// address, when. So is a signed-in person's `404` from a server function or a file: the answer
/// that keeps another's things from being known to exist (a team invitation, a session, a
/// draft's file) is a refusal too, and a page's own code never asks for what is not there. Not
/// public: it names a person.
pub async fn record_refusals(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let auth = request.extensions().get::<app::ctx::RequestAuth>().cloned();
    let response = next.run(request).await;
    let signed_in = auth.as_ref().is_some_and(|a| a.viewer.is_some());
    let hidden = response.status() == StatusCode::NOT_FOUND
        && signed_in
        && (path.starts_with("/api/") || path.starts_with("/files/"));
    if response.status() == StatusCode::FORBIDDEN || hidden {
        let mut record = app::audit::service::Record::new("access.refused", "path", None)
            .details(serde_json::json!({ "path": path, "status": response.status().as_u16() }));
        if let Some(viewer) = auth.as_ref().and_then(|a| a.viewer.as_ref()) {
            record = record.by(viewer);
        }
        if let Some(auth) = &auth {
            record = record.from_address(&auth.ip);
        }
        if let Err(err) = record.save(&state.db).await {
            tracing::warn!(%err, %path, "a refusal could not be recorded");
        }
    }
    response
}

/// Server functions answer errors with 500; API clients deserve the status that says what
/// happened (401, 403, 404, 409, 422, 429). The body stays the same JSON error.
pub async fn error_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 1 << 20).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status())
    {
        parts.status = status;
        let retry_after = match error {
            AppError::RateLimited { retry_after_secs } => Some(retry_after_secs),
            AppError::Busy => Some(5),
            _ => None,
        };
        if let Some(secs) = retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            parts.headers.insert(header::RETRY_AFTER, value);
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn a_post_from_another_site_is_cross_site() {
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(is_cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "vidan.vn")
        ])));
    }

    #[test]
    fn same_origin_and_non_browser_requests_pass() {
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_cross_site(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!is_cross_site(&headers(&[])));
    }

    #[test]
    fn only_the_sites_code_styles_and_fonts_are_site_files() {
        assert!(is_site_file("/pkg/vidan.abc.wasm"));
        assert!(is_site_file("/fonts/be-vietnam-pro-latin-400-normal.woff2"));
        assert!(!is_site_file("/"));
        assert!(!is_site_file("/pkgs"));
        assert!(!is_site_file("/challenges/pkg/x"));
    }

    #[tokio::test]
    async fn a_page_late_past_its_deadline_is_cut_off_after_what_was_ready() {
        use futures_util::StreamExt;
        let first = futures_util::stream::once(async { Ok::<_, std::io::Error>("<html>") });
        let stalled = first.chain(futures_util::stream::pending());
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(50);
        let mut body =
            cut_off_at(Body::from_stream(stalled), deadline, "/".into()).into_data_stream();
        assert_eq!(body.next().await.unwrap().unwrap(), "<html>");
        // The rest never comes: the answer ends with an error once the deadline has passed.
        assert!(
            body.next().await.unwrap().is_err(),
            "cut off at the deadline"
        );
        assert!(body.next().await.is_none(), "and ended");
        assert!(tokio::time::Instant::now() >= deadline);
    }

    #[tokio::test]
    async fn a_page_in_time_goes_out_as_it_came() {
        use futures_util::StreamExt;
        let parts = futures_util::stream::iter(["<html>", "</html>"].map(Ok::<_, std::io::Error>));
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
        let body = cut_off_at(Body::from_stream(parts), deadline, "/".into());
        let whole: Vec<_> = body.into_data_stream().map(|c| c.unwrap()).collect().await;
        assert_eq!(whole.concat(), b"<html></html>");
    }

    #[test]
    fn an_error_in_the_address_is_kept_only_if_it_is_the_sites_own() {
        use app::error::AppError;
        use leptos::server_fn::error::ServerFnUrlError;
        let encode = |e: AppError| {
            let url = ServerFnUrlError::new("/api/account/sign-in", e)
                .to_url("http://localhost/sign-in")
                .unwrap();
            url.query().unwrap().to_owned()
        };
        let own = encode(AppError::conflict("error.credentials"));
        assert_eq!(own_error_query(&own), None);
        let forged = encode(AppError::conflict("Tài khoản bị khoá, gọi 0900 000 000"));
        let safe = own_error_query(&forged).expect("replaced");
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&safe).unwrap();
        let err = &pairs.iter().find(|(k, _)| k == "__err").unwrap().1;
        assert_eq!(
            ServerFnUrlError::<AppError>::decode_err(err),
            AppError::conflict("error.invalid")
        );
        assert!(pairs.contains(&("__path".into(), "/api/account/sign-in".into())));
        // Not even decodable: it reads as "invalid input", which says nothing of its own.
        assert_eq!(
            ServerFnUrlError::<AppError>::decode_err("%%%"),
            AppError::Invalid(Vec::new())
        );
    }

    #[test]
    fn cookies_are_read_by_name() {
        let h = headers(&[("cookie", "a=1; vidan_session=abc; b=2")]);
        assert_eq!(cookie_value(&h, "vidan_session").as_deref(), Some("abc"));
        assert_eq!(cookie_value(&h, "missing"), None);
    }
}
