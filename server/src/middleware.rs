//! Request middleware: who is asking (session from the database), forgery protection for every
//! state-changing request, security headers, and HTTP statuses for server-function errors.

use std::net::SocketAddr;

use app::auth::ctx::RequestAuth;
use app::auth::session::SESSION_COOKIE;
use app::error::AppError;
use app::i18n::Locale;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use crate::AppState;

/// The value of one cookie in the request.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_owned())
        })
}

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
    };
    let path = request.uri().path();
    let anyones = is_site_file(path) || path == "/favicon.svg" || path == "/health";
    if !anyones && let Some(token) = cookie_value(headers, SESSION_COOKIE) {
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

/// The built site's code, styles and fonts (see `with_site_files`).
pub fn is_site_file(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/fonts/")
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
        if let AppError::RateLimited { retry_after_secs } = error
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
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

    #[test]
    fn cookies_are_read_by_name() {
        let h = headers(&[("cookie", "a=1; vidan_session=abc; b=2")]);
        assert_eq!(cookie_value(&h, "vidan_session").as_deref(), Some("abc"));
        assert_eq!(cookie_value(&h, "missing"), None);
    }
}
