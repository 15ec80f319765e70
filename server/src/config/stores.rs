//! Where data lives: the database (a SQLite file by default, PostgreSQL from a URL) and
//! the object store (a folder by default, S3 when any `LP_S3_*` is set).

use std::path::{Path, PathBuf};

use domain::storage::{DatabaseConfig, ObjectStoreConfig, S3Config};
use secrecy::{ExposeSecret, SecretString};

use super::ConfigError;
use super::settings::Settings;

pub(super) fn parse_database(
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

pub(super) fn parse_objects(
    settings: &Settings,
    data_dir: &Path,
) -> Result<ObjectStoreConfig, ConfigError> {
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
