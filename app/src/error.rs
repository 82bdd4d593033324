//! The one error type of every server function: a handful of cases a user can act on, each with
//! a translated message, and an opaque internal case that carries only a request id.

use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

use crate::i18n::{Locale, k, lookup};

/// A message about one form field: the field's name and the translation key of the message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub key: String,
    pub params: Vec<(String, String)>,
}

impl FieldError {
    pub fn new(field: &str, key: &str) -> Self {
        Self {
            field: field.into(),
            key: key.into(),
            params: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.params.push((name.into(), value.to_string()));
        self
    }

    /// A refusal when the trimmed `value` is not between `min` and `max` characters long.
    pub fn length(field: &str, value: &str, min: usize, max: usize) -> Option<Self> {
        let n = value.trim().chars().count();
        if n > max {
            Some(FieldError::new(field, "error.text_too_long").with("max", max))
        } else if n < min && min <= 1 {
            Some(FieldError::new(field, "error.required"))
        } else if n < min {
            Some(FieldError::new(field, "error.text_too_short").with("min", min))
        } else {
            None
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign in required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// An official's act, refused until they turn two-step sign-in on.
    #[error("two-step sign-in required")]
    TwoFactorNeeded,
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The request is well formed but the state of things refuses it (a deadline passed, already
    /// taken): `key` says why, in the user's language.
    #[error("conflict: {key}")]
    Conflict {
        key: String,
        params: Vec<(String, String)>,
    },
    #[error("too many attempts, retry in {retry_after_secs}s")]
    RateLimited { retry_after_secs: i64 },
    /// The server could not do it in time (every database connection taken, the database busy
    /// writing): worth trying again in a moment.
    #[error("the server is busy")]
    Busy,
    #[error("internal error (request {request_id})")]
    Internal { request_id: String },
    /// The request never reached the function, or its answer never reached the page.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, key: &str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, key)])
    }

    pub fn conflict(key: &str) -> Self {
        AppError::Conflict {
            key: key.into(),
            params: Vec::new(),
        }
    }

    /// The HTTP status that an API client should see for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthenticated => 401,
            AppError::Forbidden | AppError::TwoFactorNeeded => 403,
            AppError::Invalid(_) => 422,
            AppError::Conflict { .. } => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Busy => 503,
            AppError::Internal { .. } | AppError::Transport(_) => 500,
        }
    }

    /// The message for one field, if this error is about it.
    pub fn field_message(&self, field: &str, locale: Locale) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| translate(&e.key, &e.params, locale)),
            _ => None,
        }
    }

    /// A message for the whole form (field errors excepted: they stand next to their field).
    pub fn message(&self, locale: Locale) -> String {
        match self {
            AppError::NotFound => locale.t(k::ERROR_NOT_FOUND).into(),
            AppError::Unauthenticated => locale.t(k::ERROR_SIGN_IN_REQUIRED).into(),
            AppError::Forbidden => locale.t(k::ERROR_FORBIDDEN).into(),
            AppError::TwoFactorNeeded => locale.t(k::ERROR_TWO_FACTOR_REQUIRED).into(),
            AppError::Invalid(_) => locale.t(k::ERROR_INVALID).into(),
            AppError::Conflict { key, params } => translate(key, params, locale),
            AppError::RateLimited { retry_after_secs } => {
                // A day's budget (a number's codes) waits hours, not "1,300 minutes".
                let minutes = ((retry_after_secs + 59) / 60).max(1);
                if minutes <= 90 {
                    locale.tf(k::ERROR_RATE_LIMITED, &[("minutes", &minutes.to_string())])
                } else {
                    let hours = (minutes + 59) / 60;
                    locale.tf(
                        k::ERROR_RATE_LIMITED_HOURS,
                        &[("hours", &hours.to_string())],
                    )
                }
            }
            AppError::Busy => locale.t(k::ERROR_BUSY).into(),
            AppError::Internal { request_id } => {
                locale.tf(k::ERROR_INTERNAL, &[("id", request_id)])
            }
            AppError::Transport(_) => locale.t(k::ERROR_NETWORK).into(),
        }
    }
}

impl AppError {
    /// This error as it may be shown when it came in the address bar (`?__err=`, where a form
    /// sent without JavaScript finds its error). Anyone can write such an address, so only the
    /// site's own messages survive it, and of what they name only numbers, dates and times.
    pub fn from_address(self) -> Self {
        fn own_key(key: String) -> String {
            if lookup(&key).is_some() {
                key
            } else {
                "error.invalid".into()
            }
        }
        fn plain(params: Vec<(String, String)>) -> Vec<(String, String)> {
            params
                .into_iter()
                .take(8)
                .map(|(name, value)| {
                    let plain = value.chars().count() <= 32
                        && value
                            .chars()
                            .all(|c| c.is_ascii_digit() || " :/-.,%".contains(c));
                    (name, if plain { value } else { "…".into() })
                })
                .collect()
        }
        match self {
            AppError::Conflict { key, params } => AppError::Conflict {
                key: own_key(key),
                params: plain(params),
            },
            AppError::Invalid(errors) => AppError::Invalid(
                errors
                    .into_iter()
                    .take(32)
                    .map(|e| FieldError {
                        field: e.field,
                        key: own_key(e.key),
                        params: plain(e.params),
                    })
                    .collect(),
            ),
            AppError::RateLimited { retry_after_secs } => AppError::RateLimited {
                retry_after_secs: retry_after_secs.clamp(1, 2 * 86_400),
            },
            AppError::Internal { request_id } => AppError::Internal {
                request_id: if request_id.len() <= 32
                    && request_id.bytes().all(|b| b.is_ascii_hexdigit())
                {
                    request_id
                } else {
                    String::new()
                },
            },
            AppError::Transport(_) => AppError::Transport(String::new()),
            other => other,
        }
    }
}

fn translate(key: &str, params: &[(String, String)], locale: Locale) -> String {
    let shown: Vec<(&str, String)> = params
        .iter()
        .map(|(a, b)| (a.as_str(), crate::i18n::localise_value(b, locale)))
        .collect();
    let params: Vec<(&str, &str)> = shown.iter().map(|(a, b)| (*a, b.as_str())).collect();
    match lookup(key) {
        Some(text) => locale.tf(text, &params),
        None => key.to_owned(),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        value.into()
    }
}

/// What cannot fail fails as nothing (a value already of the type asked for).
impl From<std::convert::Infallible> for AppError {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

impl From<ServerFnErrorErr> for AppError {
    /// Arguments the server could not read (a field missing, a number that is not one) are the
    /// caller's mistake: refused as invalid input (422), never as the server's failure.
    /// (In the browser, an answer it could not read stays a transport error.)
    fn from(value: ServerFnErrorErr) -> Self {
        match value {
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => AppError::Invalid(Vec::new()),
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        if is_busy(&err) {
            tracing::warn!(error = %err, "the database was too busy to answer in time");
            return AppError::Busy;
        }
        internal(err)
    }
}

/// The database could not take the statement in time: no connection came free within the
/// pool's wait, or SQLite's write lock stayed taken past its busy timeout.
#[cfg(feature = "ssr")]
pub fn is_busy(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{ConnAcquireErr, DbErr};
    matches!(err, DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))
        || err.to_string().contains("database is locked")
}

#[cfg(feature = "ssr")]
tokio::task_local! {
    /// The id of the request being answered (set by the server for each request), so that the
    /// reference a "something went wrong" answer shows is the one its log lines carry.
    pub static REQUEST_ID: String;
}

/// Logs an internal failure with its detail and returns the opaque error the user sees.
#[cfg(feature = "ssr")]
pub fn internal(err: impl std::fmt::Display) -> AppError {
    // The request's own id where it is known (the server's log line for it has the same), or a
    // new one that this line alone carries.
    let request_id = REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| crate::token::random_token(8));
    tracing::error!(%request_id, error = %err, "internal error");
    AppError::Internal { request_id }
}

pub type AppResult<T> = Result<T, AppError>;

/// The database refused a row because a unique index already holds its key: two requests raced
/// for the same thing, and the other one won.
#[cfg(feature = "ssr")]
pub fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_are_found_by_field_and_translated() {
        let err = AppError::Invalid(vec![
            FieldError::new("email", "error.email_invalid"),
            FieldError::new("password", "error.password_too_short").with("min", 10),
        ]);
        assert!(
            err.field_message("password", Locale::En)
                .unwrap()
                .contains("10")
        );
        assert!(err.field_message("email", Locale::Vi).is_some());
        assert_eq!(err.field_message("display_name", Locale::Vi), None);
    }

    #[test]
    fn an_error_from_the_address_bar_can_only_say_what_the_site_says() {
        let made_up = AppError::Conflict {
            key: "Your account is blocked: call 0900 000 000".into(),
            params: vec![],
        };
        assert_eq!(made_up.from_address(), AppError::conflict("error.invalid"));
        let named = AppError::Conflict {
            key: "error.credentials".into(),
            params: vec![
                ("name".into(), "Visit evil.example".into()),
                ("at".into(), "03/12/2026 14:05".into()),
            ],
        };
        let AppError::Conflict { key, params } = named.from_address() else {
            panic!("still a conflict")
        };
        assert_eq!(key, "error.credentials");
        assert_eq!(params[0].1, "…");
        assert_eq!(params[1].1, "03/12/2026 14:05");
        let field = AppError::invalid("code", "Gọi ngay 0900").from_address();
        assert_eq!(field, AppError::invalid("code", "error.invalid"));
        let id = AppError::Internal {
            request_id: "see evil.example".into(),
        };
        assert!(!id.from_address().message(Locale::En).contains("evil"));
        // What the site itself says goes through unchanged.
        let own = AppError::invalid("code", "error.code_invalid");
        assert_eq!(own.clone().from_address(), own);
    }

    #[test]
    fn each_error_has_the_status_an_api_client_expects() {
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::Busy.status(), 503);
        assert_eq!(AppError::invalid("x", "y").status(), 422);
        assert_eq!(
            AppError::RateLimited {
                retry_after_secs: 5
            }
            .status(),
            429
        );
    }

    #[test]
    fn a_wait_is_told_in_minutes_or_in_hours() {
        let wait = |secs| {
            AppError::RateLimited {
                retry_after_secs: secs,
            }
            .message(Locale::En)
        };
        assert!(wait(1).contains("in 1 min."), "{}", wait(1));
        assert!(wait(61).contains("in 2 min."));
        assert!(wait(90 * 60).contains("in 90 min."));
        assert!(wait(90 * 60 + 1).contains("about 2 hours"));
        assert!(
            wait(23 * 3600 + 1).contains("about 24 hours"),
            "{}",
            wait(23 * 3600 + 1)
        );
    }
}
