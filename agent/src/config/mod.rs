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
//!
//! The jobs are split by file: `paths` finds the file, `file` loads it and keeps the
//! running agent's copy, `write` writes it whole and private, and `validate` checks
//! what goes into it (also used by `onboard` before anything is written).

mod file;
mod paths;
#[cfg(test)]
mod tests;
mod validate;
mod write;

use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use file::ConfigFile;
pub use paths::{default_path, resolve_path};
pub use validate::{
    MAX_DISPLAY_NAME_CHARS, check_display_name, check_enrollment_token, normalize_server_url,
};
pub use write::check_writable;

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
