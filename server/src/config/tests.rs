//! The configuration: defaults, sources and their order, and every refusal.

#[test]
fn the_configuration_reference_lists_every_setting() {
    let reference = include_str!("../../../docs/content/docs/reference/configuration.md");
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
    let lite =
        parse_database(Some("sqlite://x/y.db?mode=rwc".into()), Path::new("d")).expect("sqlite");
    assert!(matches!(lite, DatabaseConfig::Sqlite { ref path } if path == Path::new("x/y.db")));
    let err = parse_database(Some("mysql://u:p@h/db".into()), Path::new("d")).expect_err("mysql");
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
