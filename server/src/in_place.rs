//! Forms answered in place.
//!
//! Every form on the site is a plain `POST` to its server function, and works before any code
//! has loaded: the function runs, the server sends the browser back to the page (with the error
//! in its address when there is one, `?__path=…&__err=…`), and the page is rendered again. Once
//! the page's code runs, it sends the same form by `fetch` with `X-Vidan-In-Place: 1`; this layer
//! runs it exactly as a plain form and answers, instead of the redirect, where to go next or the
//! errors to show beside the fields, already in the reader's language. Nothing typed is lost.
//!
//! A form that succeeds leaves a note for the page it comes back to (`vidan_done`, the function's
//! address, for a minute): the page says what was done ("Đã lưu."), once, either way.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use app::ctx::{DONE_COOKIE, RequestAuth};
use app::error::AppError;
use app::i18n::Locale;

use app::layout::in_place::IN_PLACE_HEADER;

/// What the page's code does with a form's answer.
#[derive(Debug, Default, Serialize)]
struct Answer {
    /// Go to this address (the page itself when it is the one the form came from).
    go: Option<String>,
    /// What the function answered, as JSON, when the page asked for it (`X-Vidan-In-Place:
    /// value`: a draft saved as it is typed stays on its page and reads when it was saved).
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<serde_json::Value>,
    /// The message for the whole form.
    alert: Option<String>,
    /// (field, message) for each field refused.
    fields: Vec<(String, String)>,
}

pub async fn forms_in_place(mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let done_cookie = app::ctx::cookie_value(request.headers(), DONE_COOKIE).is_some();
    if request.method() != Method::POST || !path.starts_with("/api/") {
        let is_page = request.method() == Method::GET && crate::middleware::is_page_address(&path);
        let mut response = next.run(request).await;
        // The note is read by the page it was left for: gone with that page's answer.
        if done_cookie && is_page && response.status().is_success() {
            response
                .headers_mut()
                .append(header::SET_COOKIE, done_cookie_value(None));
        }
        return response;
    }
    let mode = request.headers().get(IN_PLACE_HEADER).map(|v| v.as_bytes());
    let wants_value = mode == Some(b"value".as_slice());
    let in_place = mode == Some(b"1".as_slice()) || wants_value;
    let plain = app::ctx::wants_page(request.headers());
    if !in_place && !plain {
        return next.run(request).await;
    }
    let locale = request
        .extensions()
        .get::<RequestAuth>()
        .map(|auth| auth.locale)
        .unwrap_or_default();
    if in_place {
        // Run as the plain form it is, or for its value.
        let accept = if wants_value {
            "application/json"
        } else {
            "text/html"
        };
        request
            .headers_mut()
            .insert(header::ACCEPT, HeaderValue::from_static(accept));
    }
    let response = next.run(request).await;
    let status = response.status();
    let location = status
        .is_redirection()
        .then(|| response.headers().get(header::LOCATION))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let error = location.as_deref().and_then(error_in_address);
    // Sent back to a page without an error, or answered at once (a function that redirects
    // nowhere, a browser that sent no Referer).
    let succeeded = (location.is_some() && error.is_none()) || status.is_success();
    if !in_place {
        let mut response = response;
        if succeeded {
            response
                .headers_mut()
                .append(header::SET_COOKIE, done_cookie_value(Some(&path)));
        }
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let (answer, status) = if succeeded && wants_value {
        let bytes = to_bytes(body, 1 << 20).await.unwrap_or_default();
        let value = serde_json::from_slice::<serde_json::Value>(&bytes).ok();
        (
            Answer {
                value,
                ..Answer::default()
            },
            StatusCode::OK,
        )
    } else if succeeded {
        (
            Answer {
                go: location.map(|l| without_error(&on_this_site(&l))),
                ..Answer::default()
            },
            StatusCode::OK,
        )
    } else if let Some(error) = error {
        (said(&error, locale), StatusCode::UNPROCESSABLE_ENTITY)
    } else {
        // Refused before the function ran (too large, too many, busy, not signed in): the body
        // is the error as JSON, or a page when the request asked for one.
        let bytes = to_bytes(body, 1 << 20).await.unwrap_or_default();
        let error = serde_json::from_slice::<AppError>(&bytes)
            .unwrap_or_else(|_| error_of_status(status, &parts.headers));
        let status = if status.is_client_error() || status.is_server_error() {
            status
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        (said(&error, locale), status)
    };
    // A value asked for stays on its page: no page comes back to say what was done.
    if succeeded && !wants_value {
        parts
            .headers
            .append(header::SET_COOKIE, done_cookie_value(Some(&path)));
    }
    parts.status = status;
    parts.headers.remove(header::LOCATION);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let body = serde_json::to_vec(&answer).unwrap_or_default();
    Response::from_parts(parts, Body::from(body))
}

/// The note a page finds after a form succeeded (`Some(function)`), or its removal (`None`).
fn done_cookie_value(function: Option<&str>) -> HeaderValue {
    let value = match function {
        Some(path) => format!("{DONE_COOKIE}={path}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax"),
        None => format!("{DONE_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The error a redirect carries in its address (`__err`), if any.
fn error_in_address(location: &str) -> Option<AppError> {
    let query = location.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or_default();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
    let value = pairs.into_iter().find(|(k, _)| k == "__err")?.1;
    Some(crate::middleware::address_error(&value).1)
}

/// The address as a path on this site: a plain form comes back to the page it was sent from
/// (the browser's `Referer`, a whole address), and the page's code compares it with its own.
fn on_this_site(location: &str) -> String {
    let path = match location.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]),
        None => location,
    };
    format!("/{}", path.trim_start_matches(['/', '\\']))
}

/// The address without the error parameters a plain form's answer adds.
fn without_error(location: &str) -> String {
    let (path, rest) = location.split_once('?').unwrap_or((location, ""));
    let (query, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("__err=") && !p.starts_with("__path="))
        .collect();
    let mut out = path.to_owned();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// What an answer without a readable error means.
fn error_of_status(status: StatusCode, headers: &http::HeaderMap) -> AppError {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::invalid("form", "error.request_too_large"),
        StatusCode::TOO_MANY_REQUESTS => AppError::RateLimited {
            retry_after_secs: headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(60),
        },
        StatusCode::SERVICE_UNAVAILABLE => AppError::Busy,
        StatusCode::UNAUTHORIZED => AppError::Unauthenticated,
        StatusCode::FORBIDDEN => AppError::Forbidden,
        StatusCode::NOT_FOUND => AppError::NotFound,
        _ => AppError::Internal {
            request_id: headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
        },
    }
}

/// The error in words: a message per field refused, and one for the whole form when the error
/// is not about fields.
fn said(error: &AppError, locale: Locale) -> Answer {
    match error {
        AppError::Invalid(errors) if !errors.is_empty() => {
            let mut fields: Vec<(String, String)> = Vec::new();
            for e in errors {
                if fields.iter().any(|(f, _)| *f == e.field) {
                    continue;
                }
                if let Some(message) = error.field_message(&e.field, locale) {
                    fields.push((e.field.clone(), message));
                }
            }
            Answer {
                fields,
                ..Answer::default()
            }
        }
        other => Answer {
            alert: Some(other.message(locale)),
            ..Answer::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_loses_the_error_and_keeps_the_rest() {
        assert_eq!(
            without_error("/reports/3?__path=%2Fapi%2Fx&__err=abc&q=mot#rate"),
            "/reports/3?q=mot#rate"
        );
        assert_eq!(without_error("/account?__err=abc"), "/account");
        assert_eq!(without_error("/"), "/");
        assert_eq!(
            on_this_site("http://127.0.0.1:3000/account?x=1"),
            "/account?x=1"
        );
        assert_eq!(on_this_site("https://vidan.example"), "/");
        assert_eq!(on_this_site("//evil.example/x"), "/evil.example/x");
        assert_eq!(on_this_site("/teams/3"), "/teams/3");
    }

    #[test]
    fn an_invalid_form_is_said_field_by_field_once_each() {
        let error = AppError::Invalid(vec![
            app::error::FieldError::new("title", "error.required"),
            app::error::FieldError::new("title", "error.text_too_long"),
            app::error::FieldError::new("summary", "error.required"),
        ]);
        let answer = said(&error, Locale::Vi);
        let named: Vec<&str> = answer.fields.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(named, ["title", "summary"]);
        assert!(answer.alert.is_none());
        let busy = said(&AppError::Busy, Locale::En);
        assert!(busy.alert.is_some_and(|m| !m.is_empty()));
    }
}
