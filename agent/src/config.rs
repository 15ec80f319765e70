//! The agent's config file: which server it talks to and the credential it talks with.
//!
//! ```toml
//! server_url = "https://luckyplans.example"
//! worker_id = "6f1c…"
//! credential = "wk_live_…"
//! display_name = "studio-pc"
//! ```
//!
//! The credential is a secret, so the file is only ever written whole and private: a temp
//! file with mode 0600 next to it, then a rename. A reader never sees half a file, and a
//! crash mid-write (during a credential rotation, say) leaves the old file intact.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use edge_protocol::api::{CREDENTIAL_PREFIX, ENROLLMENT_TOKEN_PREFIX, SecretToken};
use reqwest::Url;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where the config lives unless `--config` says otherwise, under the user's config dir.
const DEFAULT_RELATIVE_PATH: [&str; 2] = ["luckyplans", "edge-agent.toml"];

/// The longest display name the server accepts, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 80;

/// Everything the agent needs to call in as its worker.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentConfig {
    /// The server's base URL, without a trailing slash.
    pub server_url: String,
    pub worker_id: Uuid,
    /// `wk_live_…`; never logged or printed.
    pub credential: String,
    pub display_name: String,
}

// By hand, so that a stray `{:?}` in a log line cannot leak the credential.
impl std::fmt::Debug for AgentConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentConfig")
            .field("server_url", &self.server_url)
            .field("worker_id", &self.worker_id)
            .field("credential", &"[redacted]")
            .field("display_name", &self.display_name)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("this system has no per-user config directory; pass --config PATH")]
    NoConfigDir,
    #[error(
        "no agent config at {}; enrol this machine with `edge-agent onboard` first",
        path.display()
    )]
    Missing { path: PathBuf },
    #[error("could not read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{} is not a valid agent config: {problem}", path.display())]
    Invalid { path: PathBuf, problem: String },
    #[error("could not write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// `<config dir>/luckyplans/edge-agent.toml` (`~/.config/…` on Linux).
pub fn default_path() -> Result<PathBuf, ConfigError> {
    default_path_in(dirs::config_dir())
}

/// The default path under `config_dir`, the user's config directory if there is one.
fn default_path_in(config_dir: Option<PathBuf>) -> Result<PathBuf, ConfigError> {
    let mut path = config_dir.ok_or(ConfigError::NoConfigDir)?;
    path.extend(DEFAULT_RELATIVE_PATH);
    Ok(path)
}

/// The path given on the command line, or the default one.
pub fn resolve_path(given: Option<PathBuf>) -> Result<PathBuf, ConfigError> {
    given.map_or_else(default_path, Ok)
}

impl AgentConfig {
    /// Reads and checks the file; a missing file says how to create one.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = fs::read_to_string(path).map_err(|source| {
            if source.kind() == io::ErrorKind::NotFound {
                ConfigError::Missing {
                    path: path.to_owned(),
                }
            } else {
                ConfigError::Read {
                    path: path.to_owned(),
                    source,
                }
            }
        })?;
        let invalid = |problem: String| ConfigError::Invalid {
            path: path.to_owned(),
            problem,
        };
        let config: Self =
            toml::from_str(&text).map_err(|err| invalid(err.message().to_owned()))?;
        let server_url = normalize_server_url(&config.server_url)
            .map_err(|problem| invalid(format!("server_url: {problem}")))?;
        if SecretToken::parse(CREDENTIAL_PREFIX, &config.credential).is_none() {
            return Err(invalid(format!(
                "credential: expected a {CREDENTIAL_PREFIX}… credential"
            )));
        }
        warn_if_shared(path);
        Ok(Self {
            server_url,
            ..config
        })
    }

    /// Writes the whole file atomically with mode 0600, creating its directory (0700).
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let write_error = |source| ConfigError::Write {
            path: path.to_owned(),
            source,
        };
        let text = toml::to_string(self).map_err(|err| write_error(io::Error::other(err)))?;
        write_private(path, text.as_bytes()).map_err(write_error)
    }
}

/// The config file of a running agent. The one thing the agent changes in it is the
/// credential, when the server asks for a rotation.
#[derive(Debug)]
pub struct ConfigFile {
    path: PathBuf,
    config: Mutex<AgentConfig>,
}

impl ConfigFile {
    pub const fn new(path: PathBuf, config: AgentConfig) -> Self {
        Self {
            path,
            config: Mutex::new(config),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `credential` into the file, atomically; the rest of the file stays as it was.
    pub fn replace_credential(&self, credential: String) -> Result<(), ConfigError> {
        // Held across the write so two rotations cannot interleave their files.
        let mut config = self.config.lock().unwrap_or_else(PoisonError::into_inner);
        let updated = AgentConfig {
            credential,
            ..config.clone()
        };
        updated.save(&self.path)?;
        *config = updated;
        Ok(())
    }
}

/// Checks, before anything is registered, that a config can be written at `path`: an
/// enrollment is of no use if its credential cannot be kept.
pub fn check_writable(path: &Path) -> Result<(), ConfigError> {
    let probe = temp_sibling(path);
    let result = create_private_dir(parent_dir(path))
        .and_then(|()| open_private_new(&probe))
        .and_then(|_file| fs::remove_file(&probe));
    result.map_err(|source| ConfigError::Write {
        path: path.to_owned(),
        source,
    })
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// A temp file in the same directory, so the final rename never crosses filesystems.
fn temp_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "edge-agent.toml".into(), |name| name.to_string_lossy());
    let nonce: u64 = rand::random();
    parent_dir(path).join(format!(".{name}.{nonce:016x}.tmp"))
}

fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = parent_dir(path);
    create_private_dir(dir)?;
    let temp = temp_sibling(path);
    let written = open_private_new(&temp).and_then(|mut file| {
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    });
    if written.is_err() {
        // Best effort: a leftover temp file holds a secret, but the write error matters more.
        let _ = fs::remove_file(&temp);
    }
    written?;
    // Makes the rename itself durable; some filesystems cannot sync a directory, and the
    // file is already in place either way.
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn open_private_new(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    // The umask can only take bits away from 0600, but set it exactly all the same.
    file.set_permissions(fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

#[cfg(not(unix))]
fn open_private_new(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Someone copied the file around or loosened its mode: say so, but keep working.
#[cfg(unix)]
fn warn_if_shared(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = fs::metadata(path)
        && metadata.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            path = %path.display(),
            "the agent config holds a secret but other users can read it; run `chmod 600` on it"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_path: &Path) {}

/// Checks a server URL and returns it in the form the client joins paths onto: http or
/// https, a host, no credentials, query or fragment, no trailing slash. A path prefix (a
/// server behind a reverse proxy at `/luckyplans`) is kept.
pub fn normalize_server_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    let url = Url::parse(text).map_err(|err| format!("`{text}` is not a URL ({err})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "`{text}` must start with https:// (or http:// for a local server)"
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{text}` has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the URL must not carry a user name or password".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`{text}` must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Checks an enrollment token's shape before it is sent anywhere. The message never
/// repeats the token: it is a secret, and this may end up in a log.
pub fn check_enrollment_token(token: &str) -> Result<(), String> {
    if SecretToken::parse(ENROLLMENT_TOKEN_PREFIX, token).is_some() {
        return Ok(());
    }
    if token.starts_with(CREDENTIAL_PREFIX) {
        return Err(format!(
            "that is a worker credential ({CREDENTIAL_PREFIX}…), not an enrollment token; \
             create an enrollment token ({ENROLLMENT_TOKEN_PREFIX}…) on the server with \
             `luckyplans token create --owner <email>`"
        ));
    }
    Err(format!(
        "an enrollment token reads {ENROLLMENT_TOKEN_PREFIX}<8 hex>_<48 hex>; copy it again \
         from what `luckyplans token create` printed"
    ))
}

/// Checks a display name: 1–80 characters, no control characters.
pub fn check_display_name(name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    if chars == 0 {
        return Err("the display name is empty".to_owned());
    }
    if chars > MAX_DISPLAY_NAME_CHARS {
        return Err(format!(
            "the display name has {chars} characters; at most {MAX_DISPLAY_NAME_CHARS} fit"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("the display name must not contain control characters".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
}
