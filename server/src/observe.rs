//! What a city's administrators watch: one log line per request, with an id that is also in the
//! answer (`X-Request-Id`) and in the reference of a "something went wrong" page; the metrics
//! Prometheus reads (`/metrics`, on an address of its own or with a token); and `/health`, which
//! says whether the database, the file store and the outbox work.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use app::measure::{Histogram, label};
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::AppState;
use crate::page_cache::CacheUse;

/// The header a request's id travels in (from a proxy the site trusts, and in every answer).
pub const REQUEST_ID: &str = "x-request-id";

/// What this instance has answered since it started.
#[derive(Default)]
pub struct Metrics {
    /// Answers by route (the address's pattern, never its values) and status.
    requests: Mutex<HashMap<(String, u16), Arc<Histogram>>>,
    kept_pages: AtomicU64,
    rendered_pages: AtomicU64,
    /// The file store's last check and its result: `/health` is public, and a check writes to
    /// the store (a bucket's PUT and GET), so one is made at most every few seconds.
    files_checked: Mutex<Option<(Instant, Result<(), String>)>>,
}

/// How long a file store check is taken as the answer.
const FILES_CHECK_KEPT: Duration = Duration::from_secs(5);

impl Metrics {
    fn observe(&self, route: &str, status: u16, took: Duration, cache: Option<CacheUse>) {
        let histogram = {
            let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
            requests
                .entry((route.to_owned(), status))
                .or_default()
                .clone()
        };
        histogram.observe(took);
        match cache {
            Some(CacheUse::Hit) => self.kept_pages.fetch_add(1, Ordering::Relaxed),
            Some(CacheUse::Miss) => self.rendered_pages.fetch_add(1, Ordering::Relaxed),
            None => 0,
        };
    }
}

/// A request's id: the one a trusted proxy gives (nginx's `$request_id`: 16 to 32 hex digits),
/// or a new one (16 hex digits). Only hex digits, as the reference an error page shows may be.
fn request_id(headers: &HeaderMap, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(given) = headers.get(REQUEST_ID).and_then(|v| v.to_str().ok())
        && (16..=32).contains(&given.len())
        && given.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return given.to_owned();
    }
    app::token::random_token(8)
}

/// Gives each request its id, answers with it, counts the answer and logs one line for it:
/// its id, method, route (the pattern: an invitation's token in the address is not written
/// down), status and milliseconds.
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let id = request_id(request.headers(), state.config.trust_proxy);
    let route = match request.extensions().get::<MatchedPath>() {
        Some(matched) => matched.as_str().to_owned(),
        None => "unmatched".to_owned(),
    };
    let method = request.method().clone();
    let started = Instant::now();
    let mut response = app::error::REQUEST_ID
        .scope(id.clone(), next.run(request))
        .await;
    let took = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.observe(
        &route,
        status,
        took,
        response.extensions().get::<CacheUse>().copied(),
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    tracing::info!(
        target: "vidan::request",
        id = %id,
        method = %method,
        route = %route,
        status,
        ms = (took.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
        "answered"
    );
    response
}

/// The metrics, for Prometheus: on the main address only with `Authorization: Bearer` and the
/// configured token (anyone else gets 404, as if there were none), and on
/// `VIDAN_METRICS_ADDR`, if set, to whoever reaches that address.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let allowed = state.config.metrics_token.as_ref().is_some_and(|token| {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| same(given.as_bytes(), token.expose().as_bytes()))
    });
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    metrics_page(State(state)).await
}

/// The metrics page itself (what the private address serves).
pub async fn metrics_page(State(state): State<AppState>) -> Response {
    match render(&state).await {
        Ok(text) => (
            [
                (
                    header::CONTENT_TYPE,
                    "text/plain; version=0.0.4; charset=utf-8",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            text,
        )
            .into_response(),
        Err(err) => {
            tracing::error!(%err, "metrics could not be read");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Compares two secrets in a time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Writes one metric: its help and type, then each `(labels, value)` sample.
fn metric(out: &mut String, name: &str, kind: &str, help: &str, samples: &[(&str, u64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    for (labels, value) in samples {
        let labels = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}{labels} {value}");
    }
}

async fn render(state: &AppState) -> Result<String, sea_orm::DbErr> {
    let mut out = String::new();
    let m = &state.metrics;
    let duration = "vidan_request_duration_seconds";
    metric(
        &mut out,
        duration,
        "histogram",
        "Answers by route and status, and how long each took.",
        &[],
    );
    let mut requests: Vec<((String, u16), Arc<Histogram>)> = m
        .requests
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    requests.sort_by(|a, b| a.0.cmp(&b.0));
    for ((route, status), histogram) in &requests {
        let labels = format!("route=\"{}\",status=\"{status}\"", label(route));
        histogram.write(duration, &labels, &mut out);
    }
    let load = |n: &AtomicU64| n.load(Ordering::Relaxed);
    metric(
        &mut out,
        "vidan_page_cache_total",
        "counter",
        "Anonymous page views answered from the page cache (hit) or rendered (miss).",
        &[
            ("use=\"hit\"", load(&m.kept_pages)),
            ("use=\"miss\"", load(&m.rendered_pages)),
        ],
    );
    let (size, idle) = pool_of(&state.db);
    metric(
        &mut out,
        "vidan_db_connections",
        "gauge",
        "Database connections of this instance's pool.",
        &[
            ("state=\"in_use\"", size.saturating_sub(idle)),
            ("state=\"idle\"", idle),
        ],
    );
    metric(
        &mut out,
        "vidan_db_connections_max",
        "gauge",
        "The pool's largest size.",
        &[("", u64::from(state.config.max_connections))],
    );
    let tally = state.ctx.ballots.tally();
    let batches = "vidan_vote_batch_duration_seconds";
    metric(
        &mut out,
        batches,
        "histogram",
        "Batches of votes committed, and how long each took.",
        &[],
    );
    tally.batches.write(batches, "", &mut out);
    metric(
        &mut out,
        "vidan_votes_written_total",
        "counter",
        "Votes decided in committed batches.",
        &[("", load(&tally.votes))],
    );
    metric(
        &mut out,
        "vidan_vote_batches_failed_total",
        "counter",
        "Batches that failed whole (their votes were then written one by one).",
        &[("", load(&tally.failed))],
    );
    let outbox = outbox_of(&state.db).await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    for (name, help, value) in [
        (
            "vidan_outbox_waiting",
            "Emails not yet sent.",
            outbox.waiting,
        ),
        (
            "vidan_outbox_failing",
            "Emails not yet sent whose last try failed.",
            outbox.failing,
        ),
        (
            "vidan_outbox_oldest_waiting_seconds",
            "How long the oldest unsent email has waited.",
            outbox.oldest_secs,
        ),
    ] {
        metric(&mut out, name, "gauge", help, &[("", count(value))]);
    }
    Ok(out)
}

/// The pool's connections: how many are open, and how many of them are idle.
fn pool_of(db: &DatabaseConnection) -> (u64, u64) {
    let (size, idle) = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    };
    (u64::from(size), idle as u64)
}

/// The outbox as the metrics and the health check see it.
#[derive(Debug, serde::Serialize)]
pub struct Outbox {
    pub waiting: i64,
    pub failing: i64,
    pub oldest_secs: i64,
}

async fn outbox_of(db: &DatabaseConnection) -> Result<Outbox, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT COUNT(*) AS waiting, \
             COALESCE(SUM(CASE WHEN last_error IS NULL THEN 0 ELSE 1 END), 0) AS failing, \
             MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL",
        ))
        .await?;
    let Some(row) = row else {
        return Ok(Outbox {
            waiting: 0,
            failing: 0,
            oldest_secs: 0,
        });
    };
    let waiting: i64 = row.try_get("", "waiting")?;
    let failing: i64 = row.try_get("", "failing")?;
    let oldest: Option<chrono::DateTime<chrono::Utc>> = row.try_get("", "oldest")?;
    Ok(Outbox {
        waiting,
        failing,
        oldest_secs: oldest.map_or(0, |at| (chrono::Utc::now() - at).num_seconds().max(0)),
    })
}

/// How long the oldest unsent email may wait before the outbox is said not to work.
pub const OUTBOX_STUCK_AFTER: Duration = Duration::from_secs(15 * 60);

/// Whether the parts the site needs work: the database answers, the file store takes a write
/// and gives it back, and the outbox sends (no email has waited a quarter hour with its last try
/// failed). 200 when all do, 503 with what does not; a JSON body says each part's state.
pub async fn health(State(state): State<AppState>) -> Response {
    let database = state.db.ping().await.map_err(|e| e.to_string());
    let kept = state
        .metrics
        .files_checked
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .filter(|(at, _)| at.elapsed() < FILES_CHECK_KEPT)
        .map(|(_, result)| result.clone());
    let files = match kept {
        Some(result) => result,
        None => {
            let result = state.ctx.storage.check().await.map_err(|e| e.to_string());
            *state
                .metrics
                .files_checked
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), result.clone()));
            result
        }
    };
    let outbox = match &database {
        Ok(()) => outbox_of(&state.db).await.map_err(|e| e.to_string()),
        Err(_) => Err("database unreachable".to_owned()),
    };
    // With a mail server set, an email waiting a quarter hour is stuck, tried or not (a mailer
    // that cannot even start tries nothing); the development mailbox sends nothing, on purpose.
    let sending = state.config.smtp.is_some();
    let outbox_works = outbox.as_ref().is_ok_and(|o| {
        let late = o.oldest_secs >= OUTBOX_STUCK_AFTER.as_secs() as i64;
        !late || (!sending && o.failing == 0)
    });
    for (part, err) in [("database", &database), ("files", &files)] {
        if let Err(err) = err {
            tracing::error!(part, %err, "health check failed");
        }
    }
    let all = database.is_ok() && files.is_ok() && outbox_works;
    let state_of = |ok: bool| if ok { "ok" } else { "failing" };
    let body = serde_json::json!({
        "status": state_of(all),
        "database": state_of(database.is_ok()),
        "files": state_of(files.is_ok()),
        "outbox": match &outbox {
            Ok(o) => serde_json::json!({
                "status": state_of(outbox_works),
                "waiting": o.waiting,
                "failing": o.failing,
                "oldest_waiting_seconds": o.oldest_secs,
            }),
            Err(_) => serde_json::json!({ "status": "failing" }),
        },
    });
    let status = if all {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_id_from_a_trusted_proxy_is_kept_if_it_is_hex() {
        let mut headers = HeaderMap::new();
        let nginx = "3f2a9c1e77b04d21a0c3b2e1f5d6c7b8";
        headers.insert(REQUEST_ID, HeaderValue::from_static(nginx));
        assert_eq!(request_id(&headers, true), nginx);
        // Not trusted, or not plain: a new one.
        assert_ne!(request_id(&headers, false), nginx);
        headers.insert(
            REQUEST_ID,
            HeaderValue::from_static("goi-ngay-0900-nhan-qua"),
        );
        let made = request_id(&headers, true);
        assert_eq!(made.len(), 16);
        assert!(made.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn secrets_are_compared_whole() {
        assert!(same(b"token-1", b"token-1"));
        assert!(!same(b"token-1", b"token-2"));
        assert!(!same(b"token", b"token-1"));
    }
}
