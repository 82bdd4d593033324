//! The public read API under `/api/v1/` and its OpenAPI document: JSON and CSV for everything
//! that is public, cached by ETag, open to any site for GET (CORS) and rate-limited per address
//! with the standard `RateLimit-*` headers. Its answers are the same for everyone who asks, so
//! an instance keeps each one for a moment, as it keeps the pages anonymous visitors see
//! ([`crate::page_cache`]); every request still counts towards its address's limit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::ctx::RequestAuth;
use app::error::AppError;
use app::i18n::Locale;
use app::open::challenges::{self, ChallengeFilter};
use app::open::csv;
use app::open::model as api;
use app::open::pilots::{self, PilotFilter};
use app::open::query::{self, PageRequest, ReportFilter};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tower_http::cors::{Any, CorsLayer};
use utoipa::{IntoParams, OpenApi};

use crate::AppState;
use crate::page_cache::PageCache;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vì Dân open data",
        version = "1",
        description = "Everything the platform publishes, read-only: organisations, citizens' reports \
(never who sent them), challenges and their timetables, public entries, published results, closed \
votes with their ballots, pilots with milestones, KPIs and updates, and the city dashboard. Lists \
are paged with an opaque `cursor`; every answer carries an ETag (send it back in `If-None-Match`); \
times are ISO 8601 with the city's offset (+07:00). Requests are limited per address: see the \
`RateLimit-*` headers. No personal data is ever returned.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        organisations,
        reports,
        challenges,
        challenges_csv,
        challenge,
        entries,
        entries_csv,
        results,
        results_csv,
        votes,
        ballots_csv,
        pilots,
        pilot,
        milestones_csv,
        dashboard,
        commitments,
    ),
    modifiers(&EveryAnswer),
    tags(
        (name = "reports", description = "Problems citizens raised"),
        (name = "challenges", description = "Challenges, their entries, results and votes"),
        (name = "pilots", description = "Pilots and the city dashboard")
    )
)]
pub struct ApiDoc;

/// What every operation may answer besides its own: 429 past the address's rate limit (with
/// `Retry-After`), and 304 to an `If-None-Match` that names the current ETag.
struct EveryAnswer;

impl utoipa::Modify for EveryAnswer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, ResponseBuilder, content::ContentBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(utoipa::openapi::Ref::from_schema_name("ApiError")))
                        .build(),
                )
                .build()
        };
        let limited =
            error("Too many requests from this address: wait the seconds `Retry-After` says");
        let missing =
            error("Not found: no such organisation, challenge or pilot, or not published");
        let unchanged = ResponseBuilder::new()
            .description("Not modified: the ETag sent in `If-None-Match` is current")
            .build();
        for item in doc.paths.paths.values_mut() {
            if let Some(get) = item.get.as_mut() {
                get.responses
                    .responses
                    .entry("429".into())
                    .or_insert_with(|| RefOr::T(limited.clone()));
                get.responses
                    .responses
                    .entry("304".into())
                    .or_insert_with(|| RefOr::T(unchanged.clone()));
                get.responses
                    .responses
                    .entry("404".into())
                    .or_insert_with(|| RefOr::T(missing.clone()));
            }
        }
    }
}

pub fn router(state: &AppState) -> Router<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD])
        .allow_headers([header::IF_NONE_MATCH, header::ACCEPT_LANGUAGE])
        .expose_headers([
            header::ETAG,
            HeaderName::from_static("ratelimit-limit"),
            HeaderName::from_static("ratelimit-remaining"),
            HeaderName::from_static("ratelimit-reset"),
            header::RETRY_AFTER,
        ])
        .max_age(Duration::from_secs(86_400));
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/organisations", get(organisations))
        .route("/api/v1/reports", get(reports))
        .route("/api/v1/challenges", get(challenges))
        .route("/api/v1/challenges.csv", get(challenges_csv))
        .route("/api/v1/challenges/{slug}", get(challenge))
        .route("/api/v1/challenges/{slug}/entries", get(entries))
        .route("/api/v1/challenges/{slug}/entries.csv", get(entries_csv))
        .route("/api/v1/challenges/{slug}/results", get(results))
        .route("/api/v1/challenges/{slug}/results.csv", get(results_csv))
        .route("/api/v1/challenges/{slug}/votes", get(votes))
        .route("/api/v1/challenges/{slug}/ballots.csv", get(ballots_csv))
        .route("/api/v1/pilots", get(pilots))
        .route("/api/v1/pilots/{id}", get(pilot))
        .route("/api/v1/pilots/{id}/milestones.csv", get(milestones_csv))
        .route("/api/v1/dashboard", get(dashboard))
        .route("/api/v1/commitments", get(commitments))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(PageCache::of_types(
                Duration::from_millis(state.config.page_cache_ms),
                &["application/json", "text/csv"],
            )),
            keep_answers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limit,
        ))
        .layer(cors)
}

/// Fixed one-minute windows per address, kept in this instance's memory: behind a load balancer
/// each instance allows the limit, so the city's limit is the limit times the instances.
pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

/// What the limiter decided for one request.
#[derive(Debug, PartialEq, Eq)]
pub struct Allowance {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    pub reset_secs: u64,
}

const WINDOW: Duration = Duration::from_secs(60);

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    pub fn check(&self, address: &str, now: Instant) -> Allowance {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, used) = windows.entry(address.to_owned()).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *used = 0;
        }
        let allowed = *used < self.per_minute;
        if allowed {
            *used += 1;
        }
        let reset = WINDOW.saturating_sub(now.duration_since(*start));
        Allowance {
            allowed,
            limit: self.per_minute,
            remaining: self.per_minute - *used,
            reset_secs: reset.as_secs().max(1),
        }
    }
}

async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let auth = request.extensions().get::<RequestAuth>();
    let address = auth.map(|a| a.ip.as_str()).unwrap_or_default();
    let verdict = state.api_limiter.check(address, Instant::now());
    let mut response = if verdict.allowed {
        next.run(request).await
    } else {
        let locale = auth
            .map(|a| answer_locale(request.headers(), a))
            .unwrap_or_default();
        let mut r = error_response(
            &AppError::RateLimited {
                retry_after_secs: verdict.reset_secs as i64,
            },
            locale,
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(verdict.reset_secs));
        r
    };
    let headers = response.headers_mut();
    headers.insert("ratelimit-limit", HeaderValue::from(verdict.limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(verdict.remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(verdict.reset_secs));
    headers.insert(
        "ratelimit-policy",
        HeaderValue::from_str(&format!("{};w=60", verdict.limit))
            .unwrap_or(HeaderValue::from_static("w=60")),
    );
    response
}

/// Answers GET requests from the answers this instance keeps, by address and language. A
/// request's `If-None-Match` is compared with the answer it gets, kept or new, so a client that
/// has the data gets 304 either way.
async fn keep_answers(
    State(cache): State<Arc<PageCache>>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(auth) = request.extensions().get::<RequestAuth>() else {
        return next.run(request).await;
    };
    if !cache.is_on() || request.method() != Method::GET {
        return next.run(request).await;
    }
    let address = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |pq| pq.as_str().to_owned(),
    );
    let key = format!(
        "{}|{address}",
        answer_locale(request.headers(), auth).code()
    );
    let mut asked = HeaderMap::new();
    for tag in request.headers().get_all(header::IF_NONE_MATCH) {
        asked.append(header::IF_NONE_MATCH, tag.clone());
    }
    request.headers_mut().remove(header::IF_NONE_MATCH);
    let response = cache.kept_or_render(key, None, || next.run(request)).await;
    let unchanged = response.status() == StatusCode::OK
        && response
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|etag| matches(&asked, etag));
    if !unchanged {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    parts.status = StatusCode::NOT_MODIFIED;
    for gone in [
        header::CONTENT_LENGTH,
        header::CONTENT_TYPE,
        header::CONTENT_DISPOSITION,
    ] {
        parts.headers.remove(gone);
    }
    Response::from_parts(parts, axum::body::Body::empty())
}

fn error_code(error: &AppError) -> &'static str {
    match error {
        AppError::NotFound => "not_found",
        AppError::Invalid(_) => "invalid",
        AppError::Conflict { .. } => "conflict",
        AppError::RateLimited { .. } => "rate_limited",
        AppError::Busy => "busy",
        AppError::Unauthenticated | AppError::Forbidden | AppError::TwoFactorNeeded => "forbidden",
        AppError::Internal { .. } | AppError::Transport(_) => "internal",
    }
}

fn error_response(error: &AppError, locale: Locale) -> Response {
    if let AppError::Internal { request_id } = error {
        tracing::error!(request_id, "open data request failed");
    }
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // An invalid parameter is named with what is wrong with it.
    let message = match error {
        AppError::Invalid(fields) => fields
            .iter()
            .filter_map(|f| {
                error
                    .field_message(&f.field, locale)
                    .map(|m| format!("{}: {m}", f.field))
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => error.message(locale),
    };
    let body = api::ApiError {
        error: error_code(error).to_owned(),
        message,
    };
    (status, Json(body)).into_response()
}

/// The answer's ETag: a hash of its bytes, so an unchanged answer is recognised by any instance.
fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

/// Bytes with their type, or 304 when the client already has them.
fn cached(
    headers: &HeaderMap,
    content_type: &'static str,
    bytes: Vec<u8>,
    file: Option<String>,
) -> Response {
    let etag = etag_of(&bytes);
    let mut response = if matches(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = bytes.into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Some(name) = file
            && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        {
            r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        r
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    response
}

/// What every JSON handler answers.
fn json<T: Serialize>(
    headers: &HeaderMap,
    auth: &RequestAuth,
    result: Result<T, AppError>,
) -> Response {
    match result.and_then(|v| serde_json::to_vec(&v).map_err(app::error::internal)) {
        Ok(bytes) => cached(headers, "application/json", bytes, None),
        Err(e) => error_response(&e, answer_locale(headers, auth)),
    }
}

fn csv_file(
    headers: &HeaderMap,
    auth: &RequestAuth,
    name: String,
    result: Result<String, AppError>,
) -> Response {
    match result {
        Ok(text) => cached(
            headers,
            "text/csv; charset=utf-8",
            text.into_bytes(),
            Some(name),
        ),
        Err(e) => error_response(&e, answer_locale(headers, auth)),
    }
}

fn answer_locale(headers: &HeaderMap, auth: &RequestAuth) -> Locale {
    let english = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("en"));
    if english { Locale::En } else { auth.locale }
}

/// A moment or a city date (from its midnight), as a filter.
/// A query the API cannot read (a parameter given twice, say): refused as the document says,
/// with 422 and the reason.
fn unreadable_query() -> AppError {
    AppError::invalid("query", "error.query_unreadable")
}

/// What `updated_since` takes, as the document says it: a date or a date-time.
fn date_or_date_time() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{AnyOfBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
    let string = |format| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(format)))
    };
    AnyOfBuilder::new()
        .item(string(KnownFormat::Date))
        .item(string(KnownFormat::DateTime))
        .build()
        .into()
}

/// `updated_since`, a city date (YYYY-MM-DD) or an RFC 3339 date-time as the document says, and
/// nothing else.
fn parse_since(value: Option<&str>) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(raw) = value else {
        return Ok(None);
    };
    if raw.len() > 10
        && let Ok(at) = DateTime::parse_from_rfc3339(raw)
    {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    let shaped = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped
        .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| {
            t.and_local_timezone(app::i18n::format::city_offset())
                .single()
        })
        .map(|at| Some(at.with_timezone(&Utc)))
        .ok_or_else(|| AppError::invalid("updated_since", "error.date_invalid"))
}

/// `limit`, 1 to 200 written plainly (no sign, space or leading zero), as the document says.
fn parse_limit(value: Option<&str>) -> Result<Option<u64>, AppError> {
    let Some(raw) = value else {
        return Ok(None);
    };
    let plain = !raw.is_empty() && !raw.starts_with('0') && raw.bytes().all(|b| b.is_ascii_digit());
    match raw.parse::<u64>() {
        Ok(n) if plain && n <= app::open::query::MAX_LIMIT => Ok(Some(n)),
        _ => Err(AppError::invalid("limit", "error.limit")),
    }
}

fn page_of(cursor: &Option<String>, limit: &Option<String>) -> Result<PageRequest, AppError> {
    Ok(PageRequest {
        cursor: cursor.clone(),
        limit: parse_limit(limit.as_deref())?,
    })
}

/// A query parameter given empty (`?organisation=&cursor=&limit=`, as forms and some clients send
/// them) is a parameter not given, as the document says (a date, `updated_since`, is not: empty
/// is no date).
fn blank_is_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value: Option<String> = Option::deserialize(d)?;
    Ok(value.filter(|v| !v.trim().is_empty()))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// An organisation's slug.
    #[serde(default, deserialize_with = "blank_is_none")]
    organisation: Option<String>,
    /// `new`, `acknowledged`, `answered`, `merged`, `out_of_scope` or `challenge` (it became one).
    #[serde(default, deserialize_with = "blank_is_none")]
    #[param(pattern = r"^(new|acknowledged|answered|merged|out_of_scope|challenge)?$")]
    status: Option<String>,
    /// Only those changed since this moment: a city date (YYYY-MM-DD, from its midnight in
    /// Việt Nam) or an RFC 3339 date-time (2026-12-01T08:00:00+07:00).
    #[serde(default)]
    #[param(schema_with = date_or_date_time)]
    updated_since: Option<String>,
    /// `next_cursor` from the previous page.
    #[serde(default, deserialize_with = "blank_is_none")]
    #[param(pattern = r"^(v1\.[0-9a-f]{1,15})?$")]
    cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    #[serde(default, deserialize_with = "blank_is_none")]
    #[param(pattern = r"^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)?$")]
    limit: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChallengeParams {
    /// An organisation's slug.
    #[serde(default, deserialize_with = "blank_is_none")]
    organisation: Option<String>,
    /// `upcoming`, `open`, `judging`, `voting`, `results` or `cancelled`.
    #[serde(default, deserialize_with = "blank_is_none")]
    #[param(pattern = r"^(upcoming|open|judging|voting|results|cancelled)?$")]
    phase: Option<String>,
    /// Only those changed since this moment: a city date (YYYY-MM-DD, from its midnight in
    /// Việt Nam) or an RFC 3339 date-time (2026-12-01T08:00:00+07:00).
    #[serde(default)]
    #[param(schema_with = date_or_date_time)]
    updated_since: Option<String>,
    /// `next_cursor` from the previous page.
    #[serde(default, deserialize_with = "blank_is_none")]
    #[param(pattern = r"^(v1\.[0-9a-f]{1,15})?$")]
    cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    #[serde(default, deserialize_with = "blank_is_none")]
    #[param(pattern = r"^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)?$")]
    limit: Option<String>,
}

/// The challenges' CSV: every row the filters keep, so no paging.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChallengeCsvParams {
    /// An organisation's slug.
    #[serde(default, deserialize_with = "blank_is_none")]
    organisation: Option<String>,
    /// `upcoming`, `open`, `judging`, `voting`, `results` or `cancelled`.
    #[serde(default, deserialize_with = "blank_is_none")]
    #[param(pattern = r"^(upcoming|open|judging|voting|results|cancelled)?$")]
    phase: Option<String>,
    /// Only those changed since this moment: a city date (YYYY-MM-DD, from its midnight in
    /// Việt Nam) or an RFC 3339 date-time (2026-12-01T08:00:00+07:00).
    #[serde(default)]
    #[param(schema_with = date_or_date_time)]
    updated_since: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PilotParams {
    /// An organisation's slug.
    #[serde(default, deserialize_with = "blank_is_none")]
    organisation: Option<String>,
    /// `running`, `extended`, `rolled_out` or `stopped`.
    #[serde(default, deserialize_with = "blank_is_none")]
    #[param(pattern = r"^(running|extended|rolled_out|stopped)?$")]
    status: Option<String>,
    /// `next_cursor` from the previous page.
    #[serde(default, deserialize_with = "blank_is_none")]
    #[param(pattern = r"^(v1\.[0-9a-f]{1,15})?$")]
    cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    #[serde(default, deserialize_with = "blank_is_none")]
    #[param(pattern = r"^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)?$")]
    limit: Option<String>,
}

async fn openapi(headers: HeaderMap) -> Response {
    match ApiDoc::openapi().to_json() {
        Ok(text) => cached(&headers, "application/json", text.into_bytes(), None),
        Err(e) => error_response(&app::error::internal(e), Locale::default()),
    }
}

/// Every organisation.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "reports",
    responses((status = 200, body = api::OrganisationList), (status = 304, description = "Not modified")))]
async fn organisations(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
) -> Response {
    json(&headers, &auth, query::organisations(&state.db).await)
}

/// Citizens' reports, oldest first, a page at a time. Who sent a report is never published.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(ReportParams),
    responses((status = 200, body = api::ReportList), (status = 422, body = api::ApiError)))]
async fn reports(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    q: Result<Query<ReportParams>, QueryRejection>,
) -> Response {
    let q = match q {
        Ok(Query(q)) => q,
        Err(_) => return json::<()>(&headers, &auth, Err(unreadable_query())),
    };
    let result = async {
        let filter = ReportFilter {
            organisation: q.organisation.clone(),
            status: q.status.clone(),
            updated_since: parse_since(q.updated_since.as_deref())?,
        };
        query::reports(
            &state.db,
            &filter,
            &page_of(&q.cursor, &q.limit)?,
            Utc::now(),
        )
        .await
    }
    .await;
    json(&headers, &auth, result)
}

fn challenge_filter(q: &ChallengeParams) -> Result<ChallengeFilter, AppError> {
    Ok(ChallengeFilter {
        organisation: q.organisation.clone(),
        phase: q.phase.clone(),
        updated_since: parse_since(q.updated_since.as_deref())?,
    })
}

/// Published and cancelled challenges, oldest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/challenges", tag = "challenges", params(ChallengeParams),
    responses((status = 200, body = api::ChallengeList), (status = 422, body = api::ApiError)))]
async fn challenges(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    q: Result<Query<ChallengeParams>, QueryRejection>,
) -> Response {
    let q = match q {
        Ok(Query(q)) => q,
        Err(_) => return json::<()>(&headers, &auth, Err(unreadable_query())),
    };
    let result = async {
        let filter = challenge_filter(&q)?;
        challenges::challenges(
            &state.db,
            &filter,
            &page_of(&q.cursor, &q.limit)?,
            Utc::now(),
        )
        .await
    }
    .await;
    json(&headers, &auth, result)
}

/// The same challenges as one CSV file (no paging).
#[utoipa::path(get, path = "/api/v1/challenges.csv", tag = "challenges", params(ChallengeCsvParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = api::ApiError)))]
async fn challenges_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    q: Result<Query<ChallengeCsvParams>, QueryRejection>,
) -> Response {
    let q = match q {
        Ok(Query(q)) => q,
        Err(_) => return json::<()>(&headers, &auth, Err(unreadable_query())),
    };
    let result = async {
        let filter = ChallengeFilter {
            organisation: q.organisation.clone(),
            phase: q.phase.clone(),
            updated_since: parse_since(q.updated_since.as_deref())?,
        };
        let all = challenges::all_challenges(&state.db, &filter, Utc::now()).await?;
        Ok(csv::challenges(&all))
    }
    .await;
    csv_file(&headers, &auth, "challenges.csv".into(), result)
}

/// One challenge with the public record of its decisions.
#[utoipa::path(get, path = "/api/v1/challenges/{slug}", tag = "challenges",
    params(("slug" = String, Path, description = "The challenge's slug")),
    responses((status = 200, body = api::ChallengeDetail), (status = 404, body = api::ApiError)))]
async fn challenge(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    json(
        &headers,
        &auth,
        challenges::challenge(&state.db, &slug, Utc::now()).await,
    )
}

/// A challenge's entries, once they are public (from the vote's opening or the results); an
/// empty list with `public: false` before.
#[utoipa::path(get, path = "/api/v1/challenges/{slug}/entries", tag = "challenges",
    params(("slug" = String, Path, description = "The challenge's slug")),
    responses((status = 200, body = api::EntryList), (status = 404, body = api::ApiError)))]
async fn entries(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    json(
        &headers,
        &auth,
        challenges::entries(&state.db, &state.ctx.votes.totals, &slug, Utc::now()).await,
    )
}

/// The same entries as CSV.
#[utoipa::path(get, path = "/api/v1/challenges/{slug}/entries.csv", tag = "challenges",
    params(("slug" = String, Path, description = "The challenge's slug")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = api::ApiError)))]
async fn entries_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let result = challenges::entries(&state.db, &state.ctx.votes.totals, &slug, Utc::now())
        .await
        .map(|l| csv::entries(&l));
    csv_file(&headers, &auth, format!("{slug}-entries.csv"), result)
}

/// Published results: scores, the ranking, awards with their reasons, the people's choice.
#[utoipa::path(get, path = "/api/v1/challenges/{slug}/results", tag = "challenges",
    params(("slug" = String, Path, description = "The challenge's slug")),
    responses((status = 200, body = api::Results), (status = 404, body = api::ApiError),
        (status = 409, description = "Results not published yet", body = api::ApiError)))]
async fn results(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    json(&headers, &auth, challenges::results(&state.db, &slug).await)
}

/// The ranking as CSV.
#[utoipa::path(get, path = "/api/v1/challenges/{slug}/results.csv", tag = "challenges",
    params(("slug" = String, Path, description = "The challenge's slug")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = api::ApiError),
        (status = 409, description = "Results not published yet", body = api::ApiError)))]
async fn results_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let result = challenges::results(&state.db, &slug)
        .await
        .map(|r| csv::results(&r));
    csv_file(&headers, &auth, format!("{slug}-results.csv"), result)
}

/// A closed public vote: each ballot (voters as anonymous keyed hashes) and the tally.
#[utoipa::path(get, path = "/api/v1/challenges/{slug}/votes", tag = "challenges",
    params(("slug" = String, Path, description = "The challenge's slug")),
    responses((status = 200, body = api::Votes), (status = 404, body = api::ApiError),
        (status = 409, description = "The vote is not closed yet", body = api::ApiError)))]
async fn votes(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    json(
        &headers,
        &auth,
        challenges::votes(&state.db, &slug, &auth.ip).await,
    )
}

/// The ballots as CSV.
#[utoipa::path(get, path = "/api/v1/challenges/{slug}/ballots.csv", tag = "challenges",
    params(("slug" = String, Path, description = "The challenge's slug")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = api::ApiError),
        (status = 409, description = "The vote is not closed yet", body = api::ApiError)))]
async fn ballots_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let result = app::vote::service::ballots_for(&state.db, &slug, &auth.ip)
        .await
        .map(|b| b.to_csv());
    csv_file(&headers, &auth, format!("{slug}-ballots.csv"), result)
}

/// Pilots, oldest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/pilots", tag = "pilots", params(PilotParams),
    responses((status = 200, body = api::PilotList), (status = 422, body = api::ApiError)))]
async fn pilots(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    q: Result<Query<PilotParams>, QueryRejection>,
) -> Response {
    let q = match q {
        Ok(Query(q)) => q,
        Err(_) => return json::<()>(&headers, &auth, Err(unreadable_query())),
    };
    let result = async {
        let filter = PilotFilter {
            organisation: q.organisation.clone(),
            status: q.status.clone(),
        };
        pilots::pilots(
            &state.db,
            &filter,
            &page_of(&q.cursor, &q.limit)?,
            Utc::now(),
        )
        .await
    }
    .await;
    json(&headers, &auth, result)
}

/// One pilot: milestones, KPIs with their measurements, updates with comments, ratings, history.
#[utoipa::path(get, path = "/api/v1/pilots/{id}", tag = "pilots",
    params(("id" = i64, Path, description = "The pilot's id")),
    responses((status = 200, body = api::Pilot), (status = 404, body = api::ApiError)))]
async fn pilot(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let result = match pilot_id(&id) {
        Ok(id) => pilots::pilot(&state.db, id, Utc::now()).await,
        Err(e) => Err(e),
    };
    json(&headers, &auth, result)
}

/// A pilot's id from the address: one that is no id (letters, a number past 64 bits) names no
/// pilot.
fn pilot_id(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// A pilot's milestones as CSV.
#[utoipa::path(get, path = "/api/v1/pilots/{id}/milestones.csv", tag = "pilots",
    params(("id" = i64, Path, description = "The pilot's id")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = api::ApiError)))]
async fn milestones_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let result = match pilot_id(&id) {
        Ok(id) => pilots::pilot(&state.db, id, Utc::now())
            .await
            .map(|p| csv::milestones(&p)),
        Err(e) => Err(e),
    };
    csv_file(
        &headers,
        &auth,
        format!("pilot-{id}-milestones.csv"),
        result,
    )
}

/// The city dashboard's figures.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "pilots",
    responses((status = 200, body = api::Dashboard)))]
async fn dashboard(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
) -> Response {
    json(
        &headers,
        &auth,
        pilots::dashboard(&state.db, Utc::now()).await,
    )
}

/// Leaders' public commitments, with each organisation's record.
#[utoipa::path(get, path = "/api/v1/commitments", tag = "pilots",
    responses((status = 200, body = api::CommitmentList)))]
async fn commitments(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
) -> Response {
    json(
        &headers,
        &auth,
        app::open::commitments::commitments(&state.db, Utc::now()).await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_limit_per_minute_then_waits() {
        let limiter = RateLimiter::new(2);
        let t0 = Instant::now();
        assert!(limiter.check("a", t0).allowed);
        let second = limiter.check("a", t0);
        assert!(second.allowed);
        assert_eq!(second.remaining, 0);
        let third = limiter.check("a", t0 + Duration::from_secs(10));
        assert!(!third.allowed);
        assert_eq!(third.reset_secs, 50);
        assert!(
            limiter.check("b", t0).allowed,
            "another address has its own"
        );
        assert!(limiter.check("a", t0 + Duration::from_secs(61)).allowed);
    }

    #[test]
    fn an_etag_matches_itself_a_list_and_a_star_only() {
        let tag = etag_of(b"{}");
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"x\", {tag}")).unwrap(),
        );
        assert!(matches(&h, &tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert!(!matches(&h, &tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(matches(&h, &tag));
    }

    #[test]
    fn since_takes_a_city_date_or_a_date_time_as_the_document_says() {
        let at = parse_since(Some("2026-11-01")).unwrap().unwrap();
        assert_eq!(at.to_rfc3339(), "2026-10-31T17:00:00+00:00");
        assert_eq!(parse_since(None).unwrap(), None);
        let moment = parse_since(Some("2026-11-01T08:00:00+07:00"))
            .unwrap()
            .unwrap();
        assert_eq!(moment.to_rfc3339(), "2026-11-01T01:00:00+00:00");
        let utc = parse_since(Some("2026-11-01T01:00:00Z")).unwrap().unwrap();
        assert_eq!(utc, moment);
        // The document says a date or a date-time: anything else is refused, not guessed at.
        for other in [
            "2026-11-01T08:00:00",
            "2026-11-01T25:00:00Z",
            "yesterday",
            " ",
            "",
            "2026-1-01",
            "2026-02-30",
            "+2026-11-01",
        ] {
            assert!(parse_since(Some(other)).is_err(), "{other:?}");
        }
    }
}
