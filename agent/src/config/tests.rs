//! Round trips through the file, its privacy, and the checks on what goes in it.

use std::fs;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::paths::default_path_in;
use super::*;

const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef";

fn sample() -> AgentConfig {
    AgentConfig {
        server_url: "https://plans.example/base".to_owned(),
        worker_id: Uuid::from_u128(0x1234),
        credential: format!("wk_live_0a1b2c3d_{SECRET}"),
        display_name: "studio \"pc\" ü".to_owned(),
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn a_saved_config_loads_back_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested/deeper/edge-agent.toml");
    sample().save(&path).expect("save");
    assert_eq!(AgentConfig::load(&path).expect("load"), sample());
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.contains("server_url = \"https://plans.example/base\""));
}

#[cfg(unix)]
#[test]
fn the_file_is_private_and_no_temp_file_is_left() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("luckyplans/edge-agent.toml");
    sample().save(&path).expect("save");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(dir.path().join("luckyplans").as_path()), 0o700);

    // Replacing a file someone loosened makes it private again.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
    let rotated = AgentConfig {
        credential: format!("wk_live_ffffffff_{SECRET}"),
        ..sample()
    };
    rotated.save(&path).expect("save again");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(AgentConfig::load(&path).expect("load"), rotated);

    let names: Vec<_> = fs::read_dir(dir.path().join("luckyplans"))
        .expect("read_dir")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["edge-agent.toml"]);
}

#[test]
fn a_rotated_credential_replaces_only_the_credential() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("edge-agent.toml");
    sample().save(&path).expect("save");
    let file = ConfigFile::new(path.clone(), sample());
    let credential = format!("wk_live_99999999_{SECRET}");
    file.replace_credential(credential.clone())
        .expect("replace");
    let loaded = AgentConfig::load(&path).expect("load");
    assert_eq!(loaded.credential, credential);
    assert_eq!(loaded.worker_id, sample().worker_id);
    assert_eq!(loaded.display_name, sample().display_name);
}

#[test]
fn check_writable_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a/edge-agent.toml");
    check_writable(&path).expect("writable");
    assert!(!path.exists());
    assert_eq!(fs::read_dir(dir.path().join("a")).expect("dir").count(), 0);
}

#[test]
fn debug_output_never_shows_the_credential() {
    let shown = format!("{:?}", sample());
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("[redacted]"));
}

#[test]
fn loading_names_what_is_wrong() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("none.toml");
    let err = AgentConfig::load(&missing).expect_err("missing");
    assert!(matches!(err, ConfigError::Missing { .. }));
    assert!(err.to_string().contains("edge-agent onboard"));

    let bad = dir.path().join("bad.toml");
    fs::write(&bad, "server_url = 3").expect("write");
    assert!(matches!(
        AgentConfig::load(&bad),
        Err(ConfigError::Invalid { .. })
    ));

    let mut config = sample();
    config.credential = format!("etr_live_0a1b2c3d_{SECRET}");
    config.save(&bad).expect("save");
    let err = AgentConfig::load(&bad).expect_err("wrong credential kind");
    assert!(err.to_string().contains("credential"), "{err}");
    assert!(!err.to_string().contains(SECRET));

    config = sample();
    config.server_url = "ftp://plans.example".to_owned();
    config.save(&bad).expect("save");
    assert!(
        AgentConfig::load(&bad)
            .expect_err("scheme")
            .to_string()
            .contains("server_url")
    );
}

#[test]
fn server_urls_are_checked_and_normalized() {
    for (given, expected) in [
        ("https://plans.example", "https://plans.example"),
        ("https://plans.example/", "https://plans.example"),
        ("  http://127.0.0.1:3000/  ", "http://127.0.0.1:3000"),
        ("https://plans.example/base/", "https://plans.example/base"),
        ("HTTPS://Plans.Example", "https://plans.example"),
    ] {
        assert_eq!(normalize_server_url(given).as_deref(), Ok(expected));
    }
    for bad in [
        "",
        "plans.example",
        "ftp://plans.example",
        "https://",
        "https://user:pw@plans.example",
        "https://plans.example/?a=1",
        "https://plans.example/#top",
        "file:///etc/passwd",
    ] {
        assert!(normalize_server_url(bad).is_err(), "{bad}");
    }
}

#[test]
fn enrollment_tokens_are_checked_without_echoing_them() {
    assert_eq!(
        check_enrollment_token(&format!("etr_live_deadbeef_{SECRET}")),
        Ok(())
    );
    let credential = check_enrollment_token(&format!("wk_live_deadbeef_{SECRET}"))
        .expect_err("a credential is not a token");
    assert!(credential.contains("worker credential"));
    assert!(credential.contains("`luckyplans token create --owner <email>`"));
    for bad in [
        String::new(),
        format!("etr_live_DEADBEEF_{SECRET}"),
        format!("etr_live_deadbeef_{SECRET}x"),
        format!("etr_live_deadbeef{SECRET}"),
    ] {
        let message = check_enrollment_token(&bad).expect_err("bad token");
        assert!(!message.contains(SECRET), "{message}");
    }
}

#[test]
fn display_names_are_bounded() {
    assert!(check_display_name("studio-pc").is_ok());
    assert!(check_display_name(&"é".repeat(80)).is_ok());
    assert!(check_display_name(&"é".repeat(81)).is_err());
    assert!(check_display_name("").is_err());
    assert!(check_display_name("tab\there").is_err());
}

#[test]
fn the_default_path_is_the_luckyplans_folder_of_the_config_dir() {
    assert_eq!(
        default_path_in(Some(PathBuf::from("/home/ada/.config"))).expect("a path"),
        Path::new("/home/ada/.config/luckyplans/edge-agent.toml")
    );
    // The real one: the same rule over whatever this system's config dir is.
    match dirs::config_dir() {
        Some(dir) => assert_eq!(
            default_path().expect("a path"),
            dir.join("luckyplans").join("edge-agent.toml")
        ),
        None => assert!(matches!(default_path(), Err(ConfigError::NoConfigDir))),
    }
}

#[test]
fn without_a_config_dir_the_error_asks_for_config() {
    let err = default_path_in(None).expect_err("no config dir");
    assert!(matches!(err, ConfigError::NoConfigDir));
    assert!(err.to_string().contains("--config PATH"), "{err}");
    // An explicit path never needs a config dir.
    assert_eq!(
        resolve_path(Some(PathBuf::from("/etc/edge-agent.toml"))).expect("given"),
        Path::new("/etc/edge-agent.toml")
    );
}
