//! The raw settings as figment reads them from the file and the environment, before any
//! validation, and the list of environment variables that may set them.

use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::SecretString;
use serde::Deserialize;

use super::{ConfigError, Environment, LogFormat, Scheme};

/// Settings as read from file and environment, before validation.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Settings {
    pub(super) env: Option<Environment>,
    pub(super) addr: Option<SocketAddr>,
    pub(super) base_domain: Option<String>,
    pub(super) data_dir: Option<PathBuf>,
    pub(super) site_root: Option<PathBuf>,
    pub(super) log_format: Option<LogFormat>,
    pub(super) log: Option<String>,
    pub(super) public_scheme: Option<Scheme>,
    pub(super) public_port: Option<u16>,
    pub(super) database_url: Option<SecretString>,
    pub(super) redis_url: Option<SecretString>,
    pub(super) s3_endpoint: Option<String>,
    pub(super) s3_region: Option<String>,
    pub(super) s3_bucket: Option<String>,
    pub(super) s3_access_key_id: Option<String>,
    pub(super) s3_secret_access_key: Option<SecretString>,
    pub(super) s3_path_style: Option<bool>,
    pub(super) shutdown_timeout_secs: Option<u64>,
    pub(super) request_timeout_secs: Option<u64>,
    pub(super) upload_stall_timeout_secs: Option<u64>,
    pub(super) session_idle_timeout_secs: Option<u64>,
    pub(super) session_absolute_timeout_secs: Option<u64>,
    pub(super) lockout_threshold: Option<u32>,
    pub(super) lockout_window_secs: Option<u64>,
    pub(super) lockout_duration_secs: Option<u64>,
    pub(super) auth_rate_limit_per_minute: Option<u32>,
    pub(super) oidc_issuer_url: Option<String>,
    pub(super) oidc_client_id: Option<String>,
    pub(super) oidc_client_secret: Option<SecretString>,
    pub(super) oidc_scopes: Option<String>,
    pub(super) oidc_display_name: Option<String>,
    pub(super) oidc_role_claim: Option<String>,
    pub(super) oidc_admin_role: Option<String>,
    pub(super) trusted_proxies: Option<String>,
    pub(super) edge_pepper: Option<SecretString>,
    pub(super) edge_heartbeat_secs: Option<u32>,
    pub(super) edge_poll_secs: Option<u32>,
    pub(super) edge_task_heartbeat_secs: Option<u32>,
    pub(super) edge_lease_secs: Option<u32>,
    pub(super) edge_online_secs: Option<u32>,
    pub(super) edge_stale_secs: Option<u32>,
    pub(super) edge_rotation_grace_secs: Option<u32>,
    pub(super) edge_token_ttl_secs: Option<u32>,
    pub(super) edge_quarantine_after: Option<u32>,
    pub(super) edge_max_attempts: Option<u32>,
    pub(super) edge_dataset_max_rows: Option<usize>,
    pub(super) edge_dataset_max_bytes: Option<usize>,
    pub(super) docs_edit_url: Option<String>,
}

/// Keys read from `LP_<KEY>`; any other `LP_` variable is ignored.
pub(super) const ENV_KEYS: [&str; 48] = [
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

pub(super) fn figment_error(err: &figment::Error) -> ConfigError {
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
