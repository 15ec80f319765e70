//! Sign-in settings: trusted proxies (whose forwarded address names the client), single
//! sign-on, and the lockout policy.

use std::time::Duration;

use domain::accounts::throttle::LockoutPolicy;
use domain::oidc::OidcSettings;

use super::ConfigError;
use secrecy::ExposeSecret;

use super::settings::Settings;

pub(super) fn parse_trusted_proxies(value: Option<&str>) -> Result<Vec<ipnet::IpNet>, ConfigError> {
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

pub(super) fn parse_oidc(settings: &Settings) -> Result<Option<OidcSettings>, ConfigError> {
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

pub(super) fn parse_lockout(settings: &Settings) -> Result<LockoutPolicy, ConfigError> {
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
