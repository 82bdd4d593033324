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

/// An eSMS (esms.vn) account that text messages go out through: its JSON API, the
/// account's keys, the registered sender name (brand name), and how many messages the site may
/// send in a day (the city's credit).
#[derive(Clone, Debug)]
pub struct SmsConfig {
    pub url: String,
    pub api_key: String,
    pub secret_key: Secret,
    pub brandname: String,
    /// Asks eSMS to check each request without delivering or charging it.
    pub sandbox: bool,
    pub per_day: u64,
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
    /// Where text messages go out; without one they wait in the SMS outbox (in development,
    /// the SMS page shows them).
    pub sms: Option<SmsConfig>,
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
    /// How long a connection may stay silent, nothing going either way (an HTTP/2 connection
    /// opened and left open, say), before it is closed.
    pub idle_timeout_ms: u64,
    /// Forms with files read into memory at once on this instance (each up to 41 MB); more
    /// wait their turn (see `uploads`).
    pub uploads_at_once: usize,
    /// Where files' bytes are kept without a bucket (one instance, or a shared volume).
    pub files_dir: PathBuf,
    /// An S3-compatible bucket for files, shared by every instance.
    pub s3: Option<app::upload::storage::S3Config>,
    /// Certificates (PEM) of the city's own certificate authority, trusted beside the public
    /// ones by the mail server's and the bucket's TLS (`VIDAN_CA_FILE`).
    pub city_ca: Option<Vec<u8>>,
    /// The token Prometheus shows (`Authorization: Bearer …`) to read `/metrics` on the site's
    /// own address; without one, `/metrics` is not there.
    pub metrics_token: Option<Secret>,
    /// An address of its own where `/metrics` is served to whoever reaches it (a private
    /// network, the loopback).
    pub metrics_addr: Option<SocketAddr>,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(String);

/// Where settings are read from: the process's environment, or (in tests) a table.
struct Env<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Env<'_> {
    /// Reads a variable; empty counts as unset.
    fn var(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// Reads a value that may be secret: from `NAME`, or from the file `NAME_FILE` names (a file
    /// only the service may read, a systemd credential, a mounted secret), without its last line
    /// end. Both at once is refused: which one counts would be a guess.
    fn secret(&self, name: &str) -> Result<Option<String>, ConfigError> {
        let file_name = format!("{name}_FILE");
        match (self.var(name), self.var(&file_name)) {
            (Some(_), Some(_)) => Err(ConfigError(format!(
                "{name} and {file_name} are both set: keep one"
            ))),
            (value, None) => Ok(value),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(&path).map_err(|err| {
                    ConfigError(format!("{file_name}={path:?} cannot be read: {err}"))
                })?;
                let value = text.trim_end_matches(['\n', '\r']).to_owned();
                if value.is_empty() {
                    return Err(ConfigError(format!("{file_name}={path:?} is empty")));
                }
                Ok(Some(value))
            }
        }
    }

    fn parse<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, ConfigError> {
        match self.var(name) {
            None => Ok(default),
            Some(raw) => raw
                .parse()
                .map_err(|_| ConfigError(format!("{name}={raw:?} is not valid"))),
        }
    }

    fn flag(&self, name: &str, default: bool) -> Result<bool, ConfigError> {
        match self.var(name).as_deref() {
            None => Ok(default),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some(other) => Err(ConfigError(format!("{name}={other:?}: use true or false"))),
        }
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_vars(&|name| std::env::var(name).ok())
    }

    /// The configuration `lookup` gives (the environment's variables, by name).
    pub fn from_vars(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let env = Env(lookup);
        // Development (the mailbox page, demo accounts with published passwords) is asked for,
        // as `make run` does; a binary started bare is production.
        let development = match env.var("VIDAN_ENV").as_deref() {
            Some("development") => true,
            None | Some("production") => false,
            Some(other) => {
                return Err(ConfigError(format!(
                    "VIDAN_ENV={other:?}: use development or production"
                )));
            }
        };
        let addr: SocketAddr = match env
            .var("VIDAN_ADDR")
            .or_else(|| env.var("LEPTOS_SITE_ADDR"))
        {
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
            Some(raw) => raw.parse().map_err(|_| {
                ConfigError(format!(
                    "VIDAN_ADDR={raw:?} is not an address like 127.0.0.1:3000"
                ))
            })?,
        };
        let base_url = env
            .var("VIDAN_BASE_URL")
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError(format!(
                "VIDAN_BASE_URL={base_url:?} must start with http:// or https://"
            )));
        }
        let database_url = env
            .secret("DATABASE_URL")?
            .unwrap_or_else(|| "sqlite://data/vidan.db?mode=rwc".into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError(
                "DATABASE_URL must be sqlite://… or postgres://…".into(),
            ));
        }
        let smtp = match env.var("VIDAN_SMTP_HOST") {
            None => None,
            Some(host) => Some(SmtpConfig {
                host,
                port: env.parse("VIDAN_SMTP_PORT", 587)?,
                security: match env.var("VIDAN_SMTP_SECURITY").as_deref() {
                    None | Some("starttls") => SmtpSecurity::StartTls,
                    Some("tls") => SmtpSecurity::Tls,
                    Some("none") => SmtpSecurity::None,
                    Some(other) => {
                        return Err(ConfigError(format!(
                            "VIDAN_SMTP_SECURITY={other:?}: use starttls, tls or none"
                        )));
                    }
                },
                username: env.var("VIDAN_SMTP_USERNAME"),
                password: env.secret("VIDAN_SMTP_PASSWORD")?.map(Secret::new),
                from: env
                    .var("VIDAN_SMTP_FROM")
                    .unwrap_or_else(|| "Vì Dân <no-reply@vidan.local>".into()),
            }),
        };
        let sms = match env.var("VIDAN_ESMS_API_KEY") {
            None => None,
            Some(api_key) => Some(SmsConfig {
                url: env.var("VIDAN_ESMS_URL").unwrap_or_else(|| {
                    "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
                        .into()
                }),
                api_key,
                secret_key: env.secret("VIDAN_ESMS_SECRET_KEY")?.map(Secret::new).ok_or_else(
                    || {
                        ConfigError(
                            "VIDAN_ESMS_API_KEY is set: set VIDAN_ESMS_SECRET_KEY (or its _FILE) too"
                                .into(),
                        )
                    },
                )?,
                brandname: env.var("VIDAN_ESMS_BRANDNAME").ok_or_else(|| {
                    ConfigError(
                        "VIDAN_ESMS_API_KEY is set: set VIDAN_ESMS_BRANDNAME, the sender name \
                         registered with eSMS"
                            .into(),
                    )
                })?,
                sandbox: env.flag("VIDAN_ESMS_SANDBOX", false)?,
                per_day: env.parse("VIDAN_SMS_PER_DAY", 2000)?,
            }),
        };
        let demo_data = env.flag("VIDAN_DEMO_DATA", development)?;
        let first_admin = match (
            env.var("VIDAN_ADMIN_EMAIL"),
            env.secret("VIDAN_ADMIN_PASSWORD")?,
        ) {
            (Some(email), Some(password)) => Some(FirstAdmin {
                email,
                name: env
                    .var("VIDAN_ADMIN_NAME")
                    .unwrap_or_else(|| "Quản trị".into()),
                password: Secret::new(password),
            }),
            (None, None) => None,
            _ => {
                return Err(ConfigError(
                    "set both VIDAN_ADMIN_EMAIL and VIDAN_ADMIN_PASSWORD, or neither".into(),
                ));
            }
        };
        let s3 = match env.var("VIDAN_S3_ENDPOINT") {
            None => None,
            Some(endpoint) => {
                let need = |name: &str| {
                    env.var(name).ok_or_else(|| {
                        ConfigError(format!("VIDAN_S3_ENDPOINT is set: set {name} too"))
                    })
                };
                Some(app::upload::storage::S3Config {
                    endpoint,
                    bucket: need("VIDAN_S3_BUCKET")?,
                    region: env
                        .var("VIDAN_S3_REGION")
                        .unwrap_or_else(|| "us-east-1".into()),
                    access_key: need("VIDAN_S3_ACCESS_KEY")?,
                    secret_key: env.secret("VIDAN_S3_SECRET_KEY")?.ok_or_else(|| {
                        ConfigError(
                            "VIDAN_S3_ENDPOINT is set: set VIDAN_S3_SECRET_KEY (or its _FILE) too"
                                .into(),
                        )
                    })?,
                })
            }
        };
        let city_ca = match env.var("VIDAN_CA_FILE") {
            None => None,
            Some(path) => {
                let pem = std::fs::read(&path).map_err(|err| {
                    ConfigError(format!("VIDAN_CA_FILE={path:?} cannot be read: {err}"))
                })?;
                if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
                    return Err(ConfigError(format!(
                        "VIDAN_CA_FILE={path:?} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
                    )));
                }
                Some(pem)
            }
        };
        let metrics_addr = match env.var("VIDAN_METRICS_ADDR") {
            None => None,
            Some(raw) => Some(raw.parse().map_err(|_| {
                ConfigError(format!(
                    "VIDAN_METRICS_ADDR={raw:?} is not an address like 127.0.0.1:9100"
                ))
            })?),
        };
        let metrics_token = env.secret("VIDAN_METRICS_TOKEN")?;
        if let Some(token) = &metrics_token
            && token.len() < 24
        {
            return Err(ConfigError(
                "VIDAN_METRICS_TOKEN is too short to keep a secret: use 24 characters or more"
                    .into(),
            ));
        }
        Ok(Config {
            database_url,
            addr,
            base_url,
            development,
            site_root: PathBuf::from(
                env.var("LEPTOS_SITE_ROOT")
                    .unwrap_or_else(|| "target/site".into()),
            ),
            smtp,
            sms,
            first_admin,
            demo_data,
            trust_proxy: env.flag("VIDAN_TRUST_PROXY", false)?,
            outbox_interval_secs: env.parse("VIDAN_OUTBOX_INTERVAL_SECS", 5)?,
            scheduler_interval_secs: env.parse("VIDAN_SCHEDULER_INTERVAL_SECS", 60)?,
            max_connections: env.parse("VIDAN_DB_MAX_CONNECTIONS", 8)?,
            api_requests_per_minute: env.parse("VIDAN_API_RATE_PER_MINUTE", 600)?,
            registrations_per_hour: env.parse("VIDAN_REGISTRATIONS_PER_HOUR", 30)?,
            page_cache_ms: env.parse("VIDAN_PAGE_CACHE_MS", 1000)?,
            db_acquire_timeout_ms: env.parse("VIDAN_DB_ACQUIRE_TIMEOUT_MS", 10_000)?.max(1),
            page_deadline_ms: env.parse("VIDAN_PAGE_DEADLINE_MS", 15_000)?.max(1),
            header_read_timeout_ms: env.parse("VIDAN_HEADER_READ_TIMEOUT_MS", 10_000)?.max(1),
            idle_timeout_ms: env.parse("VIDAN_IDLE_TIMEOUT_MS", 75_000)?.max(1),
            uploads_at_once: env.parse("VIDAN_UPLOADS_AT_ONCE", 4)?.max(1),
            files_dir: PathBuf::from(
                env.var("VIDAN_FILES_DIR")
                    .unwrap_or_else(|| "data/files".into()),
            ),
            s3,
            city_ca,
            metrics_token: metrics_token.map(Secret::new),
            metrics_addr,
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

    /// A configuration read from `pairs` instead of the environment.
    fn from_table(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let table: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_vars(&move |name| table.get(name).cloned())
    }

    #[test]
    fn secrets_are_read_from_files_and_from_one_place_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path.to_string_lossy().into_owned()
        };
        let smtp = file("smtp", "mật-khẩu thư\n");
        let s3 = file("s3", "khoá-bí-mật\r\n");
        let admin = file("admin", "một câu dài đủ mạnh");
        let database = file("db", "postgres://vidan:bi-mat@127.0.0.1/vidan\n");
        let config = from_table(&[
            ("VIDAN_SMTP_HOST", "smtp.phuong1.gov.vn"),
            ("VIDAN_SMTP_PASSWORD_FILE", &smtp),
            ("VIDAN_S3_ENDPOINT", "https://s3.phuong1.gov.vn"),
            ("VIDAN_S3_BUCKET", "vidan"),
            ("VIDAN_S3_ACCESS_KEY", "vidan"),
            ("VIDAN_S3_SECRET_KEY_FILE", &s3),
            ("VIDAN_ADMIN_EMAIL", "admin@phuong1.gov.vn"),
            ("VIDAN_ADMIN_PASSWORD_FILE", &admin),
            ("DATABASE_URL_FILE", &database),
        ])
        .unwrap();
        assert_eq!(
            config.smtp.unwrap().password.unwrap().expose(),
            "mật-khẩu thư"
        );
        assert_eq!(config.s3.unwrap().secret_key, "khoá-bí-mật");
        assert_eq!(
            config.first_admin.unwrap().password.expose(),
            "một câu dài đủ mạnh"
        );
        assert_eq!(
            config.database_url,
            "postgres://vidan:bi-mat@127.0.0.1/vidan"
        );
        // Both the value and its file: which counts would be a guess.
        let both = from_table(&[
            ("VIDAN_SMTP_HOST", "smtp.phuong1.gov.vn"),
            ("VIDAN_SMTP_PASSWORD", "khác"),
            ("VIDAN_SMTP_PASSWORD_FILE", &smtp),
        ])
        .unwrap_err()
        .to_string();
        assert!(both.contains("VIDAN_SMTP_PASSWORD_FILE"), "{both}");
        // A file that is not there, or empty, is named.
        let missing = from_table(&[("DATABASE_URL_FILE", "/nowhere/db")])
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains("DATABASE_URL_FILE") && missing.contains("/nowhere/db"),
            "{missing}"
        );
        let empty = file("empty", "\n");
        let empty = from_table(&[("DATABASE_URL_FILE", &empty)])
            .unwrap_err()
            .to_string();
        assert!(empty.contains("is empty"), "{empty}");
    }

    #[test]
    fn the_citys_certificate_authority_is_read_as_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let pem = dir.path().join("ca.pem");
        std::fs::write(
            &pem,
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let config = from_table(&[("VIDAN_CA_FILE", pem.to_str().unwrap())]).unwrap();
        assert!(config.city_ca.is_some());
        let key = dir.path().join("key.pem");
        std::fs::write(&key, "-----BEGIN PRIVATE KEY-----\n").unwrap();
        let wrong = from_table(&[("VIDAN_CA_FILE", key.to_str().unwrap())])
            .unwrap_err()
            .to_string();
        assert!(wrong.contains("no PEM certificate"), "{wrong}");
        assert!(from_table(&[]).unwrap().city_ca.is_none());
    }

    /// Every variable the server reads is in the template administrators fill in
    /// (`deploy/vidan.env`), with its `_FILE` twin for the secret ones.
    #[test]
    fn every_setting_is_in_the_deploy_template() {
        let source = include_str!("config.rs");
        let source = source.split("#[cfg(test)]").next().unwrap();
        let template = include_str!("../../deploy/vidan.env");
        let documented = |name: &str| {
            template.lines().any(|line| {
                line.trim_start_matches('#')
                    .starts_with(&format!("{name}="))
            })
        };
        let mut read = 0;
        for (call, twin) in [
            ("env.var(\"", false),
            ("env.parse(\"", false),
            ("env.flag(\"", false),
            ("env.secret(\"", true),
            ("need(\"", false),
        ] {
            for piece in source.split(call).skip(1) {
                let name = piece.split('"').next().unwrap();
                read += 1;
                assert!(documented(name), "{name} is not in deploy/vidan.env");
                if twin {
                    assert!(
                        documented(&format!("{name}_FILE")),
                        "{name}_FILE is not in deploy/vidan.env"
                    );
                }
            }
        }
        assert!(
            read > 25,
            "only {read} settings found: has the reading changed?"
        );
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("hunter2-hunter2".into());
        assert_eq!(format!("{s:?}"), "Secret(…)");
    }
}
