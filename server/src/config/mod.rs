//! The server's one typed configuration, loaded once at start.
//!
//! Sources, later ones winning: built-in defaults, the optional `luckyplans.toml`, the
//! environment (`LP_*`, plus `DATABASE_URL` and `REDIS_URL`), then command-line flags.
//! Every problem is reported as one line naming the setting.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use app::site::SiteUrls;
use domain::accounts::context::SessionLimits;
use domain::accounts::throttle::LockoutPolicy;
use domain::oidc::OidcSettings;
use domain::sessions::SessionSettings;
use domain::storage::{DatabaseConfig, ObjectStoreConfig};
use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

mod auth;
mod edge;
mod settings;
mod stores;
#[cfg(test)]
mod tests;

use auth::{parse_lockout, parse_oidc, parse_trusted_proxies};
pub use edge::EdgeConfig;
use edge::parse_edge;
use settings::{ENV_KEYS, Settings, figment_error};
use stores::{parse_database, parse_objects};

/// Development (the default) or production behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

/// Human-readable or JSON log lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The scheme visitors use to reach the sites.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Https => "https",
        }
    }
}

/// The validated configuration the server runs with.
#[derive(Clone, Debug)]
pub struct Config {
    pub environment: Environment,
    pub addr: SocketAddr,
    pub base_domain: String,
    pub data_dir: PathBuf,
    /// Folder holding one built site per subfolder (`landing`, `docs`, `beta`).
    pub site_root: PathBuf,
    pub log_format: LogFormat,
    /// A `tracing` filter such as `info,sqlx=warn`.
    pub log_filter: String,
    pub public_scheme: Scheme,
    pub public_port: PublicPort,
    pub database: DatabaseConfig,
    /// Redis for sessions; `None` keeps sessions in the database.
    pub redis_url: Option<SecretString>,
    pub objects: ObjectStoreConfig,
    pub shutdown_timeout: Duration,
    /// Requests taking longer are answered 408; dataset uploads have their own limits.
    pub request_timeout: Duration,
    /// A dataset upload that sends nothing for this long is cut off.
    pub upload_stall_timeout: Duration,
    pub session_idle_timeout: Duration,
    /// A signed-in session ends this long after sign-in, however active.
    pub session_absolute_timeout: Duration,
    /// Per-account sign-in throttling.
    pub lockout: LockoutPolicy,
    /// Requests per minute one address may make to `/api/auth/…`.
    pub auth_rate_limit_per_minute: std::num::NonZeroU32,
    /// Sign-in through an OpenID Connect provider, when configured.
    pub oidc: Option<OidcSettings>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The edge control plane's timings, limits and pepper.
    pub edge: EdgeConfig,
    /// Base URL of the docs site's "Edit this page" links; `None` hides them.
    pub docs_edit_url: Option<String>,
}

/// Where the docs' "Edit this page" links point unless configured otherwise.
pub const DEFAULT_DOCS_EDIT_URL: &str =
    "https://github.com/luckyplans/luckyplans/edit/main/docs/content";

/// The port written into public URLs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicPort {
    /// The scheme's default port (production behind a proxy).
    SchemeDefault,
    /// The port the server listens on (development).
    Listening,
    Fixed(u16),
}

/// Values given on the command line; they override every other source.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub addr: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
}

/// The default configuration file, read when present.
pub const DEFAULT_CONFIG_FILE: &str = "luckyplans.toml";

/// Why the configuration cannot be used: one setting and what is wrong with it.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub setting: String,
    pub problem: String,
}

impl ConfigError {
    fn new(setting: &str, problem: impl Into<String>) -> Self {
        Self {
            setting: setting.to_owned(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid configuration: {}: {}",
            self.setting, self.problem
        )
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Loads the configuration from `file` (optional unless `file_required`), the process
    /// environment and `overrides`.
    pub fn load(
        file: &Path,
        file_required: bool,
        overrides: &Overrides,
    ) -> Result<Self, ConfigError> {
        if file_required && !file.is_file() {
            return Err(ConfigError::new(
                "--config",
                format!("{} does not exist", file.display()),
            ));
        }
        let figment = Figment::new()
            .merge(Toml::file(file))
            .merge(Env::raw().only(&["database_url", "redis_url"]))
            .merge(Env::prefixed("LP_").only(&ENV_KEYS));
        let settings: Settings = figment.extract().map_err(|err| figment_error(&err))?;
        Self::from_settings(settings, overrides)
    }

    fn from_settings(settings: Settings, overrides: &Overrides) -> Result<Self, ConfigError> {
        let environment = settings.env.unwrap_or(Environment::Development);
        let production = environment == Environment::Production;
        let addr = overrides
            .addr
            .or(settings.addr)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000)));
        let base_domain =
            parse_base_domain(settings.base_domain.as_deref().unwrap_or("localhost"))?;
        let data_dir = overrides
            .data_dir
            .clone()
            .or_else(|| settings.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from("data"));
        let public_scheme = settings.public_scheme.unwrap_or(if production {
            Scheme::Https
        } else {
            Scheme::Http
        });
        let public_port = match settings.public_port {
            Some(0) => {
                return Err(ConfigError::new(
                    "LP_PUBLIC_PORT",
                    "must be between 1 and 65535",
                ));
            }
            Some(port) => PublicPort::Fixed(port),
            None if production => PublicPort::SchemeDefault,
            None => PublicPort::Listening,
        };
        let objects = parse_objects(&settings, &data_dir)?;
        let lockout = parse_lockout(&settings)?;
        let oidc = parse_oidc(&settings)?;
        let trusted_proxies = parse_trusted_proxies(settings.trusted_proxies.as_deref())?;
        let edge = parse_edge(&settings, production)?;
        let database = parse_database(settings.database_url, &data_dir)?;
        let docs_edit_url = parse_docs_edit_url(settings.docs_edit_url)?;
        let redis_url = match settings.redis_url {
            Some(url) if url.expose_secret().trim().is_empty() => None,
            Some(url) => {
                let scheme = url.expose_secret().split("://").next().unwrap_or_default();
                if !matches!(scheme, "redis" | "rediss") {
                    return Err(ConfigError::new(
                        "REDIS_URL",
                        "must start with redis:// or rediss://",
                    ));
                }
                Some(url)
            }
            None => None,
        };
        Ok(Self {
            environment,
            addr,
            base_domain,
            site_root: settings
                .site_root
                .unwrap_or_else(|| PathBuf::from("target/site")),
            data_dir,
            log_format: settings.log_format.unwrap_or(if production {
                LogFormat::Json
            } else {
                LogFormat::Pretty
            }),
            log_filter: settings
                .log
                .unwrap_or_else(|| "info,sqlx=warn,fred=warn,aws_config=warn".to_owned()),
            public_scheme,
            public_port,
            database,
            redis_url,
            objects,
            shutdown_timeout: Duration::from_secs(settings.shutdown_timeout_secs.unwrap_or(30)),
            request_timeout: positive_secs(
                "LP_REQUEST_TIMEOUT_SECS",
                settings.request_timeout_secs,
                60,
            )?,
            upload_stall_timeout: positive_secs(
                "LP_UPLOAD_STALL_TIMEOUT_SECS",
                settings.upload_stall_timeout_secs,
                30,
            )?,
            session_idle_timeout: Duration::from_secs(
                settings.session_idle_timeout_secs.unwrap_or(2 * 60 * 60),
            ),
            session_absolute_timeout: Duration::from_secs(
                settings
                    .session_absolute_timeout_secs
                    .unwrap_or(24 * 60 * 60),
            ),
            lockout,
            auth_rate_limit_per_minute: std::num::NonZeroU32::new(
                settings.auth_rate_limit_per_minute.unwrap_or(30),
            )
            .ok_or_else(|| {
                ConfigError::new("LP_AUTH_RATE_LIMIT_PER_MINUTE", "must be at least 1")
            })?,
            oidc,
            trusted_proxies,
            edge,
            docs_edit_url,
        })
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Public URLs of the sites, given the port the server is actually listening on.
    pub fn site_urls(&self, listening_port: u16) -> SiteUrls {
        let port = match self.public_port {
            PublicPort::SchemeDefault => None,
            PublicPort::Listening => Some(listening_port),
            PublicPort::Fixed(port) => Some(port),
        };
        SiteUrls::new(self.public_scheme.as_str(), &self.base_domain, port)
    }

    /// The idle and absolute session timeouts.
    pub const fn session_limits(&self) -> SessionLimits {
        SessionLimits {
            idle: self.session_idle_timeout,
            absolute: self.session_absolute_timeout,
        }
    }

    /// Cookie settings for the session layer.
    pub fn session_settings(&self, urls: &SiteUrls) -> SessionSettings {
        let production = self.is_production();
        SessionSettings {
            secure: production,
            cookie_domain: production
                .then(|| urls.cookie_domain().map(str::to_owned))
                .flatten(),
            idle_timeout: self.session_idle_timeout,
        }
    }

    /// Whether responses carry `Strict-Transport-Security`.
    pub fn hsts(&self) -> bool {
        self.is_production() && self.public_scheme == Scheme::Https
    }
}

fn parse_base_domain(raw: &str) -> Result<String, ConfigError> {
    let domain = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let valid_label = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if domain.is_empty() || domain.len() > 253 || !domain.split('.').all(valid_label) {
        return Err(ConfigError::new(
            "LP_BASE_DOMAIN",
            format!(
                "{raw:?} is not a domain name (expected e.g. luckyplans.xyz, without scheme or port)"
            ),
        ));
    }
    Ok(domain)
}

/// An `http(s)` URL, or empty to turn the links off.
fn parse_docs_edit_url(value: Option<String>) -> Result<Option<String>, ConfigError> {
    let value = value.unwrap_or_else(|| DEFAULT_DOCS_EDIT_URL.to_owned());
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(Some(value.trim_end_matches('/').to_owned()))
        }
        _ => Err(ConfigError::new(
            "LP_DOCS_EDIT_URL",
            "must be an http:// or https:// URL, or empty to hide the edit links",
        )),
    }
}

/// A duration in whole seconds that must not be zero: a zero timeout would refuse everything.
fn positive_secs(
    variable: &'static str,
    value: Option<u64>,
    default: u64,
) -> Result<Duration, ConfigError> {
    match value.unwrap_or(default) {
        0 => Err(ConfigError::new(variable, "must be at least 1")),
        secs => Ok(Duration::from_secs(secs)),
    }
}
