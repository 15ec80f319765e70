//! The server's one typed configuration, loaded once at start.
//!
//! Sources, later ones winning: built-in defaults, the optional `luckyplans.toml`, the
//! environment (`LP_*`, plus `DATABASE_URL` and `REDIS_URL`), then command-line flags.
//! Every problem is reported as one line naming the setting.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use app::auth::SessionSettings;
use app::auth::ssr::context::SessionLimits;
use app::auth::ssr::oidc::OidcSettings;
use app::auth::ssr::throttle::LockoutPolicy;
use app::site::SiteUrls;
use domain::storage::{DatabaseConfig, ObjectStoreConfig, S3Config};
use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

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

/// The edge control plane's settings (`LP_EDGE_*`).
#[derive(Clone, Debug)]
pub struct EdgeConfig {
    /// Key of the HMAC that token and credential secrets are stored under. Required in
    /// production; in development one is generated and kept in the database.
    pub pepper: Option<SecretString>,
    pub heartbeat_secs: u32,
    pub poll_secs: u32,
    pub task_heartbeat_secs: u32,
    pub lease_secs: u32,
    pub online_secs: u32,
    pub stale_secs: u32,
    pub rotation_grace_secs: u32,
    pub token_ttl_secs: u32,
    pub quarantine_after: u32,
    /// Leases a task gets before a lease running out fails it.
    pub max_attempts: u32,
    pub dataset_max_rows: usize,
    pub dataset_max_bytes: usize,
}

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

/// Settings as read from file and environment, before validation.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    env: Option<Environment>,
    addr: Option<SocketAddr>,
    base_domain: Option<String>,
    data_dir: Option<PathBuf>,
    site_root: Option<PathBuf>,
    log_format: Option<LogFormat>,
    log: Option<String>,
    public_scheme: Option<Scheme>,
    public_port: Option<u16>,
    database_url: Option<SecretString>,
    redis_url: Option<SecretString>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_bucket: Option<String>,
    s3_access_key_id: Option<String>,
    s3_secret_access_key: Option<SecretString>,
    s3_path_style: Option<bool>,
    shutdown_timeout_secs: Option<u64>,
    request_timeout_secs: Option<u64>,
    upload_stall_timeout_secs: Option<u64>,
    session_idle_timeout_secs: Option<u64>,
    session_absolute_timeout_secs: Option<u64>,
    lockout_threshold: Option<u32>,
    lockout_window_secs: Option<u64>,
    lockout_duration_secs: Option<u64>,
    auth_rate_limit_per_minute: Option<u32>,
    oidc_issuer_url: Option<String>,
    oidc_client_id: Option<String>,
    oidc_client_secret: Option<SecretString>,
    oidc_scopes: Option<String>,
    oidc_display_name: Option<String>,
    oidc_role_claim: Option<String>,
    oidc_admin_role: Option<String>,
    trusted_proxies: Option<String>,
    edge_pepper: Option<SecretString>,
    edge_heartbeat_secs: Option<u32>,
    edge_poll_secs: Option<u32>,
    edge_task_heartbeat_secs: Option<u32>,
    edge_lease_secs: Option<u32>,
    edge_online_secs: Option<u32>,
    edge_stale_secs: Option<u32>,
    edge_rotation_grace_secs: Option<u32>,
    edge_token_ttl_secs: Option<u32>,
    edge_quarantine_after: Option<u32>,
    edge_max_attempts: Option<u32>,
    edge_dataset_max_rows: Option<usize>,
    edge_dataset_max_bytes: Option<usize>,
    docs_edit_url: Option<String>,
}

/// Keys read from `LP_<KEY>`; any other `LP_` variable is ignored.
const ENV_KEYS: [&str; 48] = [
    "env",
    "addr",
    "base_domain",
    "data_dir",
    "site_root",
    "log_format",
    "log",
    "public_scheme",
    "public_port",
    "database_url",
    "redis_url",
    "s3_endpoint",
    "s3_region",
    "s3_bucket",
    "s3_access_key_id",
    "s3_secret_access_key",
    "s3_path_style",
    "shutdown_timeout_secs",
    "request_timeout_secs",
    "upload_stall_timeout_secs",
    "session_idle_timeout_secs",
    "session_absolute_timeout_secs",
    "lockout_threshold",
    "lockout_window_secs",
    "lockout_duration_secs",
    "auth_rate_limit_per_minute",
    "oidc_issuer_url",
    "oidc_client_id",
    "oidc_client_secret",
    "oidc_scopes",
    "oidc_display_name",
    "oidc_role_claim",
    "oidc_admin_role",
    "trusted_proxies",
    "edge_pepper",
    "edge_heartbeat_secs",
    "edge_poll_secs",
    "edge_task_heartbeat_secs",
    "edge_lease_secs",
    "edge_online_secs",
    "edge_stale_secs",
    "edge_rotation_grace_secs",
    "edge_token_ttl_secs",
    "edge_quarantine_after",
    "edge_max_attempts",
    "edge_dataset_max_rows",
    "edge_dataset_max_bytes",
    "docs_edit_url",
];

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

fn figment_error(err: &figment::Error) -> ConfigError {
    let key = err.path.join("_");
    let setting = match err.metadata.as_ref() {
        Some(meta) => match &meta.source {
            Some(figment::Source::File(path)) => {
                format!("{} in {}", err.path.join("."), path.display())
            }
            _ if meta.name.contains("LP_") => format!("LP_{}", key.to_ascii_uppercase()),
            _ => key.to_ascii_uppercase(),
        },
        None => key,
    };
    let problem = match &err.kind {
        figment::error::Kind::UnknownField(field, _) => format!("unknown setting `{field}`"),
        kind => kind.to_string(),
    };
    ConfigError::new(
        if setting.is_empty() {
            "configuration"
        } else {
            &setting
        },
        problem,
    )
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

fn parse_database(
    url: Option<SecretString>,
    data_dir: &Path,
) -> Result<DatabaseConfig, ConfigError> {
    let Some(url) = url.filter(|url| !url.expose_secret().trim().is_empty()) else {
        return Ok(DatabaseConfig::Sqlite {
            path: data_dir.join("luckyplans.db"),
        });
    };
    let raw = url.expose_secret();
    if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
        return Ok(DatabaseConfig::Postgres { url });
    }
    if let Some(path) = raw
        .strip_prefix("sqlite://")
        .or_else(|| raw.strip_prefix("sqlite:"))
    {
        let path = path.split('?').next().unwrap_or_default();
        if path.is_empty() {
            return Err(ConfigError::new(
                "DATABASE_URL",
                "sqlite: needs a file path",
            ));
        }
        return Ok(DatabaseConfig::Sqlite {
            path: PathBuf::from(path),
        });
    }
    Err(ConfigError::new(
        "DATABASE_URL",
        "must start with postgres://, postgresql:// or sqlite:",
    ))
}

impl Default for EdgeConfig {
    fn default() -> Self {
        const DAY: u32 = 24 * 60 * 60;
        Self {
            pepper: None,
            heartbeat_secs: 15,
            poll_secs: 5,
            task_heartbeat_secs: 10,
            lease_secs: 60,
            online_secs: 60,
            stale_secs: 300,
            rotation_grace_secs: DAY,
            token_ttl_secs: 3600,
            quarantine_after: 3,
            max_attempts: 3,
            dataset_max_rows: 1_000_000,
            dataset_max_bytes: 64 * 1024 * 1024,
        }
    }
}

fn parse_edge(settings: &Settings, production: bool) -> Result<EdgeConfig, ConfigError> {
    let pepper = settings
        .edge_pepper
        .clone()
        .filter(|pepper| !pepper.expose_secret().trim().is_empty());
    match &pepper {
        Some(pepper) if pepper.expose_secret().len() < 32 => {
            return Err(ConfigError::new(
                "LP_EDGE_PEPPER",
                "must be at least 32 characters (for example `openssl rand -hex 32`)",
            ));
        }
        None if production => {
            return Err(ConfigError::new(
                "LP_EDGE_PEPPER",
                "is required in production (for example `openssl rand -hex 32`)",
            ));
        }
        _ => {}
    }
    let within =
        |key: &str, value: Option<u32>, default: u32, range: std::ops::RangeInclusive<u32>| {
            let value = value.unwrap_or(default);
            if range.contains(&value) {
                Ok(value)
            } else {
                Err(ConfigError::new(
                    key,
                    format!("must be between {} and {}", range.start(), range.end()),
                ))
            }
        };
    let day = 24 * 60 * 60;
    let defaults = EdgeConfig::default();
    let config = EdgeConfig {
        pepper,
        heartbeat_secs: within(
            "LP_EDGE_HEARTBEAT_SECS",
            settings.edge_heartbeat_secs,
            defaults.heartbeat_secs,
            1..=3600,
        )?,
        poll_secs: within(
            "LP_EDGE_POLL_SECS",
            settings.edge_poll_secs,
            defaults.poll_secs,
            1..=3600,
        )?,
        task_heartbeat_secs: within(
            "LP_EDGE_TASK_HEARTBEAT_SECS",
            settings.edge_task_heartbeat_secs,
            defaults.task_heartbeat_secs,
            1..=3600,
        )?,
        lease_secs: within(
            "LP_EDGE_LEASE_SECS",
            settings.edge_lease_secs,
            defaults.lease_secs,
            2..=day,
        )?,
        online_secs: within(
            "LP_EDGE_ONLINE_SECS",
            settings.edge_online_secs,
            defaults.online_secs,
            1..=day,
        )?,
        stale_secs: within(
            "LP_EDGE_STALE_SECS",
            settings.edge_stale_secs,
            defaults.stale_secs,
            1..=7 * day,
        )?,
        rotation_grace_secs: within(
            "LP_EDGE_ROTATION_GRACE_SECS",
            settings.edge_rotation_grace_secs,
            defaults.rotation_grace_secs,
            0..=30 * day,
        )?,
        token_ttl_secs: within(
            "LP_EDGE_TOKEN_TTL_SECS",
            settings.edge_token_ttl_secs,
            defaults.token_ttl_secs,
            60..=30 * day,
        )?,
        quarantine_after: within(
            "LP_EDGE_QUARANTINE_AFTER",
            settings.edge_quarantine_after,
            defaults.quarantine_after,
            1..=1000,
        )?,
        max_attempts: within(
            "LP_EDGE_MAX_ATTEMPTS",
            settings.edge_max_attempts,
            defaults.max_attempts,
            1..=100,
        )?,
        dataset_max_rows: settings
            .edge_dataset_max_rows
            .unwrap_or(defaults.dataset_max_rows),
        dataset_max_bytes: settings
            .edge_dataset_max_bytes
            .unwrap_or(defaults.dataset_max_bytes),
    };
    if config.task_heartbeat_secs >= config.lease_secs {
        return Err(ConfigError::new(
            "LP_EDGE_TASK_HEARTBEAT_SECS",
            "must be shorter than LP_EDGE_LEASE_SECS, or leases expire between heartbeats",
        ));
    }
    if config.stale_secs < config.online_secs {
        return Err(ConfigError::new(
            "LP_EDGE_STALE_SECS",
            "must be at least LP_EDGE_ONLINE_SECS",
        ));
    }
    if config.dataset_max_rows == 0 || config.dataset_max_bytes == 0 {
        return Err(ConfigError::new(
            "LP_EDGE_DATASET_MAX_ROWS",
            "dataset limits must be above 0",
        ));
    }
    Ok(config)
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

fn parse_trusted_proxies(value: Option<&str>) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    value
        .unwrap_or_default()
        .split([',', ' '])
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    ConfigError::new(
                        "LP_TRUSTED_PROXIES",
                        format!("`{entry}` is not an address or a network like 10.0.0.0/8"),
                    )
                })
        })
        .collect()
}

fn parse_oidc(settings: &Settings) -> Result<Option<OidcSettings>, ConfigError> {
    let non_empty = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    let Some(issuer_url) = non_empty(&settings.oidc_issuer_url) else {
        return Ok(None);
    };
    let parsed = url::Url::parse(&issuer_url).map_err(|_| {
        ConfigError::new(
            "LP_OIDC_ISSUER_URL",
            "must be a URL like https://sso.example.com/realms/main",
        )
    })?;
    if !matches!(parsed.scheme(), "https" | "http") || parsed.query().is_some() {
        return Err(ConfigError::new(
            "LP_OIDC_ISSUER_URL",
            "must be an http(s) URL without a query",
        ));
    }
    let client_id = non_empty(&settings.oidc_client_id).ok_or_else(|| {
        ConfigError::new("LP_OIDC_CLIENT_ID", "is needed with LP_OIDC_ISSUER_URL")
    })?;
    let client_secret = settings
        .oidc_client_secret
        .clone()
        .filter(|secret| !secret.expose_secret().trim().is_empty())
        .ok_or_else(|| {
            ConfigError::new("LP_OIDC_CLIENT_SECRET", "is needed with LP_OIDC_ISSUER_URL")
        })?;
    let scopes = non_empty(&settings.oidc_scopes)
        .unwrap_or_else(|| "openid email profile".to_owned())
        .split([' ', ','])
        .filter(|scope| !scope.is_empty() && *scope != "openid")
        .map(str::to_owned)
        .collect();
    let role_claim = non_empty(&settings.oidc_role_claim);
    if let Some(claim) = &role_claim
        && claim.split('.').any(str::is_empty)
    {
        return Err(ConfigError::new(
            "LP_OIDC_ROLE_CLAIM",
            "must be a dotted claim path such as realm_access.roles",
        ));
    }
    Ok(Some(OidcSettings {
        issuer_url,
        client_id,
        client_secret,
        scopes,
        display_name: non_empty(&settings.oidc_display_name)
            .unwrap_or_else(|| "single sign-on".to_owned()),
        role_claim,
        admin_role: non_empty(&settings.oidc_admin_role).unwrap_or_else(|| "admin".to_owned()),
    }))
}

fn parse_lockout(settings: &Settings) -> Result<LockoutPolicy, ConfigError> {
    let defaults = LockoutPolicy::default();
    let threshold = settings.lockout_threshold.unwrap_or(defaults.threshold);
    if threshold == 0 {
        return Err(ConfigError::new(
            "LP_LOCKOUT_THRESHOLD",
            "must be at least 1",
        ));
    }
    let positive = |value: Option<u64>, default: Duration, setting: &str| match value {
        Some(0) => Err(ConfigError::new(setting, "must be at least 1 second")),
        Some(secs) => Ok(Duration::from_secs(secs)),
        None => Ok(default),
    };
    Ok(LockoutPolicy {
        threshold,
        window: positive(
            settings.lockout_window_secs,
            defaults.window,
            "LP_LOCKOUT_WINDOW_SECS",
        )?,
        duration: positive(
            settings.lockout_duration_secs,
            defaults.duration,
            "LP_LOCKOUT_DURATION_SECS",
        )?,
    })
}

fn parse_objects(settings: &Settings, data_dir: &Path) -> Result<ObjectStoreConfig, ConfigError> {
    let any_s3 = settings.s3_endpoint.is_some()
        || settings.s3_bucket.is_some()
        || settings.s3_access_key_id.is_some()
        || settings.s3_secret_access_key.is_some();
    if !any_s3 {
        return Ok(ObjectStoreConfig::Local {
            root: data_dir.join("objects"),
        });
    }
    let required = |value: &Option<String>, setting: &str| {
        value
            .clone()
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| ConfigError::new(setting, "is required when S3 storage is configured"))
    };
    let bucket = required(&settings.s3_bucket, "LP_S3_BUCKET")?;
    let access_key_id = required(&settings.s3_access_key_id, "LP_S3_ACCESS_KEY_ID")?;
    let secret_access_key = settings
        .s3_secret_access_key
        .clone()
        .filter(|v| !v.expose_secret().is_empty())
        .ok_or_else(|| {
            ConfigError::new(
                "LP_S3_SECRET_ACCESS_KEY",
                "is required when S3 storage is configured",
            )
        })?;
    let endpoint = match &settings.s3_endpoint {
        Some(endpoint) => {
            let parsed = url::Url::parse(endpoint).map_err(|err| {
                ConfigError::new(
                    "LP_S3_ENDPOINT",
                    format!("{endpoint:?} is not a URL: {err}"),
                )
            })?;
            if !matches!(parsed.scheme(), "http" | "https") || !parsed.username().is_empty() {
                return Err(ConfigError::new(
                    "LP_S3_ENDPOINT",
                    "must be an http:// or https:// URL without credentials",
                ));
            }
            Some(endpoint.trim_end_matches('/').to_owned())
        }
        None => None,
    };
    Ok(ObjectStoreConfig::S3(S3Config {
        path_style: settings.s3_path_style.unwrap_or(endpoint.is_some()),
        endpoint,
        region: settings
            .s3_region
            .clone()
            .unwrap_or_else(|| "us-east-1".to_owned()),
        bucket,
        access_key_id,
        secret_access_key,
    }))
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_configuration_reference_lists_every_setting() {
        let reference = include_str!("../../docs/content/docs/reference/configuration.md");
        for key in ENV_KEYS {
            assert!(
                reference.contains(&format!("| `{key}` |")),
                "{key} is missing from the configuration reference"
            );
        }
    }

    use super::*;

    fn from(settings: Settings) -> Result<Config, ConfigError> {
        Config::from_settings(settings, &Overrides::default())
    }

    #[test]
    fn defaults_run_on_sqlite_and_a_local_folder_in_development() {
        let config = from(Settings::default()).expect("defaults are valid");
        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.addr, SocketAddr::from(([127, 0, 0, 1], 3000)));
        assert_eq!(config.base_domain, "localhost");
        assert!(
            matches!(config.database, DatabaseConfig::Sqlite { ref path } if path == Path::new("data/luckyplans.db"))
        );
        assert!(
            matches!(config.objects, ObjectStoreConfig::Local { ref root } if root == Path::new("data/objects"))
        );
        assert_eq!(config.log_format, LogFormat::Pretty);
        assert!(!config.hsts());
        assert_eq!(
            config.site_urls(3000).origin(app::site::Site::Docs),
            "http://docs.localhost:3000"
        );
    }

    #[test]
    fn production_switches_on_https_json_logs_and_hsts() {
        let config = from(Settings {
            env: Some(Environment::Production),
            base_domain: Some("LuckyPlans.xyz".into()),
            edge_pepper: Some("0123456789abcdef0123456789abcdef".into()),
            ..Settings::default()
        })
        .expect("valid");
        assert_eq!(config.log_format, LogFormat::Json);
        assert!(config.hsts());
        let urls = config.site_urls(3000);
        assert_eq!(
            urls.origin(app::site::Site::Beta),
            "https://beta.luckyplans.xyz"
        );
        let session = config.session_settings(&urls);
        assert!(session.secure);
        assert_eq!(session.cookie_domain.as_deref(), Some("luckyplans.xyz"));
    }

    #[test]
    fn a_bad_base_domain_names_the_setting() {
        for bad in [
            "https://luckyplans.xyz",
            "luckyplans.xyz:443",
            "",
            "a..b",
            "-x.com",
        ] {
            let err = from(Settings {
                base_domain: Some(bad.into()),
                ..Settings::default()
            })
            .expect_err(bad);
            assert_eq!(err.setting, "LP_BASE_DOMAIN", "{bad}");
        }
    }

    #[test]
    fn database_urls_pick_the_backend() {
        let pg = parse_database(Some("postgres://u:p@h/db".into()), Path::new("d")).expect("pg");
        assert!(matches!(pg, DatabaseConfig::Postgres { .. }));
        let lite = parse_database(Some("sqlite://x/y.db?mode=rwc".into()), Path::new("d"))
            .expect("sqlite");
        assert!(matches!(lite, DatabaseConfig::Sqlite { ref path } if path == Path::new("x/y.db")));
        let err =
            parse_database(Some("mysql://u:p@h/db".into()), Path::new("d")).expect_err("mysql");
        assert_eq!(err.setting, "DATABASE_URL");
        assert!(!err.to_string().contains("u:p"), "secret leaked: {err}");
    }

    #[test]
    fn partial_s3_settings_name_the_missing_one() {
        let err = from(Settings {
            s3_endpoint: Some("http://127.0.0.1:9000".into()),
            s3_bucket: Some("b".into()),
            ..Settings::default()
        })
        .expect_err("incomplete");
        assert_eq!(err.setting, "LP_S3_ACCESS_KEY_ID");
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let config = from(Settings {
            database_url: Some("postgres://lp:hunter2@db/lp".into()),
            redis_url: Some("redis://:topsecret@cache:6379".into()),
            s3_bucket: Some("b".into()),
            s3_access_key_id: Some("ak".into()),
            s3_secret_access_key: Some("verysecretkey".into()),
            ..Settings::default()
        })
        .expect("valid");
        let debug = format!("{config:?}");
        for secret in ["hunter2", "topsecret", "verysecretkey"] {
            assert!(!debug.contains(secret), "{secret} leaked in {debug}");
        }
    }
}
