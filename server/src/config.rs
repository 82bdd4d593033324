//! Typed configuration from the environment, validated at start with messages that say what to fix.

use std::net::SocketAddr;
use std::path::PathBuf;

/// A value that must never be printed (passwords, keys).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain SMTP, for a relay on the same host or network.
    None,
    /// STARTTLS upgrade (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

#[derive(Clone, Debug)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub from: String,
}

#[derive(Clone, Debug)]
pub struct FirstAdmin {
    pub email: String,
    pub name: String,
    pub password: Secret,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub addr: SocketAddr,
    pub base_url: String,
    pub development: bool,
    pub site_root: PathBuf,
    pub smtp: Option<SmtpConfig>,
    pub first_admin: Option<FirstAdmin>,
    pub demo_data: bool,
    pub trust_proxy: bool,
    pub outbox_interval_secs: u64,
    /// How often scheduled work runs (followers told of a challenge's new phase).
    pub scheduler_interval_secs: u64,
    /// Database pool size (SQLite: readers share it; writes queue on the busy timeout).
    pub max_connections: u32,
    /// How long a request waits for a free database connection before it is told the server
    /// is busy (503, "try again").
    pub db_acquire_timeout_ms: u64,
    /// Requests per minute one address may make to the open data API (per instance).
    pub api_requests_per_minute: u32,
    /// Accounts one network address may register in an hour (counted across instances).
    pub registrations_per_hour: u32,
    /// How long an instance serves one rendering of a page to every anonymous visitor (see
    /// `page_cache`); zero renders every page view.
    pub page_cache_ms: u64,
    /// How long a page may take, from the request to its last byte, before the visitor gets a
    /// page that says the server is busy (see `middleware::page_deadline`).
    pub page_deadline_ms: u64,
    /// How long a connection may take to send a request's headers before it is closed, so
    /// that nobody holds connections open by sending a byte now and then.
    pub header_read_timeout_ms: u64,
    /// Forms with files read into memory at once on this instance (each up to 41 MB); more
    /// wait their turn (see `uploads`).
    pub uploads_at_once: usize,
    /// Where files' bytes are kept without a bucket (one instance, or a shared volume).
    pub files_dir: PathBuf,
    /// An S3-compatible bucket for files, shared by every instance.
    pub s3: Option<app::upload::storage::S3Config>,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(String);

/// Reads a variable; empty counts as unset.
fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn parse<T: std::str::FromStr>(name: &str, default: T) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(raw) => raw
            .parse()
            .map_err(|_| ConfigError(format!("{name}={raw:?} is not valid"))),
    }
}

fn flag(name: &str, default: bool) -> Result<bool, ConfigError> {
    match var(name).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError(format!("{name}={other:?}: use true or false"))),
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        // Development (the mailbox page, demo accounts with published passwords) is asked for,
        // as `make run` does; a binary started bare is production.
        let development = match var("VIDAN_ENV").as_deref() {
            Some("development") => true,
            None | Some("production") => false,
            Some(other) => {
                return Err(ConfigError(format!(
                    "VIDAN_ENV={other:?}: use development or production"
                )));
            }
        };
        let addr: SocketAddr = match var("VIDAN_ADDR").or_else(|| var("LEPTOS_SITE_ADDR")) {
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
            Some(raw) => raw.parse().map_err(|_| {
                ConfigError(format!(
                    "VIDAN_ADDR={raw:?} is not an address like 127.0.0.1:3000"
                ))
            })?,
        };
        let base_url = var("VIDAN_BASE_URL")
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError(format!(
                "VIDAN_BASE_URL={base_url:?} must start with http:// or https://"
            )));
        }
        let database_url =
            var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/vidan.db?mode=rwc".into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError(
                "DATABASE_URL must be sqlite://… or postgres://…".into(),
            ));
        }
        let smtp = match var("VIDAN_SMTP_HOST") {
            None => None,
            Some(host) => Some(SmtpConfig {
                host,
                port: parse("VIDAN_SMTP_PORT", 587)?,
                security: match var("VIDAN_SMTP_SECURITY").as_deref() {
                    None | Some("starttls") => SmtpSecurity::StartTls,
                    Some("tls") => SmtpSecurity::Tls,
                    Some("none") => SmtpSecurity::None,
                    Some(other) => {
                        return Err(ConfigError(format!(
                            "VIDAN_SMTP_SECURITY={other:?}: use starttls, tls or none"
                        )));
                    }
                },
                username: var("VIDAN_SMTP_USERNAME"),
                password: var("VIDAN_SMTP_PASSWORD").map(Secret::new),
                from: var("VIDAN_SMTP_FROM")
                    .unwrap_or_else(|| "Vì Dân <no-reply@vidan.local>".into()),
            }),
        };
        let demo_data = flag("VIDAN_DEMO_DATA", development)?;
        let first_admin = match (var("VIDAN_ADMIN_EMAIL"), var("VIDAN_ADMIN_PASSWORD")) {
            (Some(email), Some(password)) => Some(FirstAdmin {
                email,
                name: var("VIDAN_ADMIN_NAME").unwrap_or_else(|| "Quản trị".into()),
                password: Secret::new(password),
            }),
            (None, None) => None,
            _ => {
                return Err(ConfigError(
                    "set both VIDAN_ADMIN_EMAIL and VIDAN_ADMIN_PASSWORD, or neither".into(),
                ));
            }
        };
        let s3 = match var("VIDAN_S3_ENDPOINT") {
            None => None,
            Some(endpoint) => {
                let need = |name: &str| {
                    var(name).ok_or_else(|| {
                        ConfigError(format!("VIDAN_S3_ENDPOINT is set: set {name} too"))
                    })
                };
                Some(app::upload::storage::S3Config {
                    endpoint,
                    bucket: need("VIDAN_S3_BUCKET")?,
                    region: var("VIDAN_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
                    access_key: need("VIDAN_S3_ACCESS_KEY")?,
                    secret_key: need("VIDAN_S3_SECRET_KEY")?,
                })
            }
        };
        Ok(Config {
            database_url,
            addr,
            base_url,
            development,
            site_root: PathBuf::from(
                var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            ),
            smtp,
            first_admin,
            demo_data,
            trust_proxy: flag("VIDAN_TRUST_PROXY", false)?,
            outbox_interval_secs: parse("VIDAN_OUTBOX_INTERVAL_SECS", 5)?,
            scheduler_interval_secs: parse("VIDAN_SCHEDULER_INTERVAL_SECS", 60)?,
            max_connections: parse("VIDAN_DB_MAX_CONNECTIONS", 8)?,
            api_requests_per_minute: parse("VIDAN_API_RATE_PER_MINUTE", 600)?,
            registrations_per_hour: parse("VIDAN_REGISTRATIONS_PER_HOUR", 30)?,
            page_cache_ms: parse("VIDAN_PAGE_CACHE_MS", 1000)?,
            db_acquire_timeout_ms: parse("VIDAN_DB_ACQUIRE_TIMEOUT_MS", 10_000)?.max(1),
            page_deadline_ms: parse("VIDAN_PAGE_DEADLINE_MS", 15_000)?.max(1),
            header_read_timeout_ms: parse("VIDAN_HEADER_READ_TIMEOUT_MS", 10_000)?.max(1),
            uploads_at_once: parse("VIDAN_UPLOADS_AT_ONCE", 4)?.max(1),
            files_dir: PathBuf::from(var("VIDAN_FILES_DIR").unwrap_or_else(|| "data/files".into())),
            s3,
        })
    }

    /// What serving needs beyond well-formed settings: production sends its mail and is served over
    /// https, and never holds the demo's accounts. (`vidan migrate`, `backup` and the like need
    /// none of it.)
    pub fn check_serving(&self) -> Result<(), ConfigError> {
        if self.development {
            return Ok(());
        }
        if self.base_url.starts_with("http://") && !is_loopback_url(&self.base_url) {
            return Err(ConfigError(format!(
                "VIDAN_BASE_URL={:?}: production is served over https (sign-in cookies and \
                 codes must not cross the network in the clear); use https://…, or \
                 VIDAN_ENV=development to try Vì Dân on this machine",
                self.base_url
            )));
        }
        if self.smtp.is_none() {
            return Err(ConfigError(
                "VIDAN_ENV is production (the default): set VIDAN_SMTP_HOST, without which no \
                 email would ever leave, or VIDAN_ENV=development to try Vì Dân on this machine \
                 (`make run` does)"
                    .into(),
            ));
        }
        if self.demo_data {
            return Err(ConfigError(
                "VIDAN_DEMO_DATA needs VIDAN_ENV=development: the demo's accounts, an \
                 administrator among them, have passwords published in the README"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Whether the site is served over https (cookies `Secure` and `__Host-`, HSTS sent).
    pub fn https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

/// Whether `url` (http or https) names this machine.
fn is_loopback_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_may_be_served_over_plain_http() {
        assert!(is_loopback_url("http://127.0.0.1:3000"));
        assert!(is_loopback_url("http://localhost:3000/"));
        assert!(is_loopback_url("http://[::1]:3000"));
        assert!(!is_loopback_url("http://vidan.tayninh.gov.vn"));
        assert!(!is_loopback_url("http://127.0.0.1.evil.example"));
        assert!(!is_loopback_url("http://192.168.1.10:3000"));
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("hunter2-hunter2".into());
        assert_eq!(format!("{s:?}"), "Secret(…)");
    }
}
