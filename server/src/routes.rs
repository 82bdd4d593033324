//! Plain HTTP routes beside the pages: the language switch, stored files and the health check.

use app::i18n::{LANG_COOKIE, Locale};
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use http::{HeaderValue, StatusCode, header};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lang", post(switch_language))
        .route("/health", get(crate::observe::health))
        .route("/metrics", get(crate::observe::metrics))
        .route("/account/export.json", get(account_export))
        .route("/files/{id}/{name}", get(file))
        .route("/staff/challenges/{id}/entries.csv", get(entries_csv))
        .route("/challenges/{slug}/ballots.csv", get(ballots_csv))
        .route("/feed.atom", get(city_feed))
        .route("/challenges/{slug}/feed.atom", get(challenge_feed))
        .route("/pilots/{id}/feed.atom", get(pilot_feed))
        .route("/challenges/{slug}/votes/live", get(live_totals))
}

#[derive(serde::Deserialize)]
struct LanguageForm {
    lang: String,
    back: Option<String>,
}

/// Keeps the chosen language in a cookie (and on the account), then goes back to the page.
async fn switch_language(
    State(state): State<AppState>,
    Extension(auth): Extension<app::ctx::RequestAuth>,
    Form(form): Form<LanguageForm>,
) -> Response {
    let locale = Locale::from_code(&form.lang);
    if let Some(viewer) = &auth.viewer
        && let Ok(Some(account)) = app::auth::entity::user::Entity::find_by_id(viewer.id)
            .one(&state.db)
            .await
    {
        let mut active: app::auth::entity::user::ActiveModel = account.into();
        active.locale = Set(locale.code().to_owned());
        if let Err(err) = active.update(&state.db).await {
            tracing::error!(?err, "could not save the account's language");
        }
    }
    let secure = if state.ctx.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        locale.code()
    );
    let back = app::api::account::safe_next(form.back.as_deref());
    let mut response = Redirect::to(&back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Everything the platform holds about the signed-in person, as a file to keep.
async fn account_export(
    State(state): State<AppState>,
    Extension(auth): Extension<app::ctx::RequestAuth>,
) -> Response {
    let Some(viewer) = auth.viewer else {
        return Redirect::to("/sign-in?next=/account").into_response();
    };
    let traced = app::audit::service::Record::new("account.export", "user", Some(viewer.id))
        .by(&viewer)
        .save(&state.db)
        .await;
    match traced.and(app::privacy::export(&state.db, viewer.id).await) {
        Ok(data) => {
            let body = serde_json::to_vec_pretty(&data).unwrap_or_default();
            let headers = [
                (header::CONTENT_TYPE, "application/json; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"vidan-my-data.json\"",
                ),
                (header::CACHE_CONTROL, "private, no-store"),
            ];
            (headers, body).into_response()
        }
        Err(err) => {
            tracing::error!(?err, "exporting an account's data");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A stored file, to those who may see it. Images are shown inline; anything else downloads.
/// Nothing in a file can run on this site. The name in the address is only for people to read:
/// the answer names a public file as it was sent, and any other file by the server's own name
/// (an entry's file never carries its team's name to a judge), and that one no cache keeps.
/// A stored file, if `viewer` may see it. The store does not know who owns a file: its owners
/// are asked in turn. What a report's or a pilot's page shows is public; an entry's file is
/// its team's and staff's (and everyone's once public), and the judges assigned to the entry
/// read it once its deadline has passed; a challenge's cover and attachments are public once it
/// is published, its staff's before. A file nothing holds any more is gone. An entry's file is
/// never counted public: who sent it stays off its name.
async fn visible_file(
    db: &sea_orm::DatabaseConnection,
    id: i64,
    viewer: Option<&app::auth::Viewer>,
) -> Result<Option<app::upload::service::Visible>, sea_orm::DbErr> {
    use app::upload::service::{self as files, Access, Visible};
    let Some(file) = files::find(db, id).await? else {
        return Ok(None);
    };
    if files::public_by_purpose(&file) {
        return Ok(Some(Visible { file, public: true }));
    }
    if let Some((entry_id, allowed)) = app::entry::files::may_read(db, id, viewer).await? {
        let judge = match viewer {
            Some(v) if !allowed => {
                app::judging::scoring::judge_may_read(db, entry_id, id, v).await?
            }
            _ => false,
        };
        return Ok((allowed || judge).then_some(Visible {
            file,
            public: false,
        }));
    }
    Ok(
        match app::challenge::service::file_access(db, id, viewer).await? {
            Some(Access::Public) => Some(Visible { file, public: true }),
            Some(Access::Private) => Some(Visible {
                file,
                public: false,
            }),
            Some(Access::Refused) | None => None,
        },
    )
}

async fn file(
    State(state): State<AppState>,
    Extension(auth): Extension<app::ctx::RequestAuth>,
    Path((id, _name)): Path<(i64, String)>,
) -> Response {
    let visible = match visible_file(&state.db, id, auth.viewer.as_ref()).await {
        Ok(Some(visible)) => visible,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(?err, "reading a stored file");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let disposition = if visible.file.content_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    let cache = if visible.public {
        // Its bytes never change under an id; no shared cache keeps it all the same.
        "private, max-age=3600"
    } else {
        "no-store"
    };
    let headers = [
        (header::CONTENT_TYPE, visible.file.content_type.clone()),
        (
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{}\"", visible.file_name()),
        ),
        (header::CACHE_CONTROL, cache.to_owned()),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox".to_owned(),
        ),
    ];
    match app::upload::service::bytes_of(&state.ctx.storage, visible.file).await {
        Ok(bytes) => (headers, bytes).into_response(),
        Err(err) => {
            tracing::error!(%err, "reading a stored file's bytes");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Running totals of a challenge's vote as server-sent events: one `totals` event at once, then
/// one each time votes change on any instance. Each event's data is JSON
/// `{"totals": [[entry_id, votes], ...], "voters": n}`.
///
/// Each address follows at most [`FOLLOWERS_PER_ADDRESS`] streams at once on an instance, and an
/// instance at most [`FOLLOWERS_PER_INSTANCE`]; past them, 429 (the page keeps the totals it
/// loaded).
///
/// [`FOLLOWERS_PER_ADDRESS`]: app::vote::live::FOLLOWERS_PER_ADDRESS
/// [`FOLLOWERS_PER_INSTANCE`]: app::vote::live::FOLLOWERS_PER_INSTANCE
async fn live_totals(
    State(state): State<AppState>,
    Extension(auth): Extension<app::ctx::RequestAuth>,
    Path(slug): Path<String>,
) -> Response {
    use app::vote::live::{FOLLOWERS_PER_ADDRESS, FOLLOWERS_PER_INSTANCE};
    use axum::response::sse::{KeepAlive, Sse};
    let challenge = match app::vote::service::followable(&state.db, &slug).await {
        Ok(c) => c,
        Err(app::error::AppError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let address = app::auth::throttle::address_of(&auth.ip);
    let Some(follower) =
        state
            .ctx
            .votes
            .follow(&address, FOLLOWERS_PER_ADDRESS, FOLLOWERS_PER_INSTANCE)
    else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(axum::http::header::RETRY_AFTER, "60")],
        )
            .into_response();
    };
    let changes = state.ctx.votes.subscribe();
    let db = state.db.clone();
    let kept = state.ctx.votes.totals.clone();
    // Totals are sent at first, then after each change, at most once per the totals' moment:
    // during a rush, the changes of a moment go out together.
    let stream = futures_util::stream::unfold(
        (
            None::<tokio::time::Instant>,
            changes,
            db,
            kept,
            challenge,
            follower,
        ),
        move |(sent, mut changes, db, kept, c, follower)| async move {
            let woken = match sent {
                None => std::time::Instant::now(),
                Some(sent) => {
                    loop {
                        match changes.recv().await {
                            Ok(id) if id == c.id => break,
                            Ok(_) => continue,
                            // Missed some: send the totals as they are now.
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                        }
                    }
                    let woken = std::time::Instant::now();
                    tokio::time::sleep_until(sent + kept.moment()).await;
                    woken
                }
            };
            let (totals, voters) = app::vote::service::kept_totals(&db, &kept, &c, woken)
                .await
                .ok()?;
            let sent = Some(tokio::time::Instant::now());
            Some((
                totals_event(totals, voters)?,
                (sent, changes, db, kept, c, follower),
            ))
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// The live totals as one server-sent event.
fn totals_event(
    totals: Vec<(i64, u64)>,
    voters: u64,
) -> Option<Result<axum::response::sse::Event, std::convert::Infallible>> {
    let event = axum::response::sse::Event::default()
        .event("totals")
        .json_data(app::vote::model::LiveTotals { totals, voters })
        .ok()?;
    Some(Ok(event))
}

/// An Atom feed as the response, or the status its error calls for.
fn atom(feed: Result<String, app::error::AppError>) -> Response {
    match feed {
        Ok(xml) => (
            [
                (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=60"),
            ],
            xml,
        )
            .into_response(),
        Err(app::error::AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The city's public decisions on every challenge and pilot.
async fn city_feed(
    State(state): State<AppState>,
    Extension(auth): Extension<app::ctx::RequestAuth>,
) -> Response {
    atom(app::feed::city(&state.db, &state.config.base_url, auth.locale).await)
}

async fn challenge_feed(
    State(state): State<AppState>,
    Extension(auth): Extension<app::ctx::RequestAuth>,
    Path(slug): Path<String>,
) -> Response {
    atom(app::feed::challenge(&state.db, &slug, &state.config.base_url, auth.locale).await)
}

async fn pilot_feed(
    State(state): State<AppState>,
    Extension(auth): Extension<app::ctx::RequestAuth>,
    Path(id): Path<i64>,
) -> Response {
    atom(app::feed::pilot(&state.db, id, &state.config.base_url, auth.locale).await)
}

/// The ballots of a closed vote, for anyone to recount (the same as `/api/votes/ballots` in JSON).
async fn ballots_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<app::ctx::RequestAuth>,
    Path(slug): Path<String>,
) -> Response {
    use app::error::AppError;
    match app::vote::service::ballots_for(&state.db, &slug, &auth.ip).await {
        Ok(ballots) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"ballots-{slug}.csv\""),
                ),
            ],
            ballots.to_csv(),
        )
            .into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(AppError::Conflict { .. }) => StatusCode::CONFLICT.into_response(),
        Err(AppError::RateLimited { retry_after_secs }) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry_after_secs.to_string())],
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The entries of a challenge as a spreadsheet, for its staff.
/// The status of a refusal or failure before a download.
fn refused_or_failed(err: app::error::AppError) -> Response {
    use app::error::AppError;
    match err {
        AppError::Forbidden | AppError::TwoFactorNeeded => StatusCode::FORBIDDEN.into_response(),
        AppError::NotFound => StatusCode::NOT_FOUND.into_response(),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn entries_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<app::ctx::RequestAuth>,
    Path(id): Path<i64>,
) -> Response {
    use app::i18n::k;
    let Some(viewer) = auth.viewer.as_ref() else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let rows = match app::entry::staff::for_challenge(&state.db, viewer, id).await {
        Ok(rows) => rows,
        Err(err) => return refused_or_failed(err),
    };
    // Teams, their members and their status leave the site: that leaves a trace.
    let traced = app::audit::service::Record::new("entries.export", "challenge", Some(id))
        .by(viewer)
        .details(serde_json::json!({ "rows": rows.len() }))
        .save(&state.db)
        .await;
    if let Err(err) = traced {
        return refused_or_failed(err);
    }
    let l = auth.locale;
    let header = [
        l.t(k::FIELD_TEAM_NAME),
        l.t(k::FIELD_TEAM_ORGANISATION),
        l.t(k::CSV_MEMBERS),
        l.t(k::FIELD_ENTRY_TITLE),
        l.t(k::FIELD_STATUS),
        l.t(k::CSV_SUBMISSIONS),
        l.t(k::CSV_SUBMITTED_AT),
        l.t(k::CSV_INELIGIBLE_REASON),
    ];
    let csv = app::entry::model::to_csv(&rows, header, |s| l.t(s.label()).to_owned());
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"entries-{id}.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        csv,
    )
        .into_response()
}
