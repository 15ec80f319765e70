//! Loading the config file, saving it, and the running agent's copy of it.
//!
//! Loading checks everything the agent will rely on, so a bad file fails at start with
//! its path named, not later in the middle of a call.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use edge_protocol::api::{CREDENTIAL_PREFIX, SecretToken};

use super::validate::normalize_server_url;
use super::write::write_private;
use super::{AgentConfig, ConfigError};

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
