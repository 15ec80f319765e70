//! The edge control plane's settings (`LP_EDGE_*`): timings handed to agents, liveness
//! thresholds, credential lifetimes, quarantine and retry limits, dataset limits.

use secrecy::{ExposeSecret, SecretString};

use super::ConfigError;
use super::settings::Settings;

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

pub(super) fn parse_edge(settings: &Settings, production: bool) -> Result<EdgeConfig, ConfigError> {
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
