//! Where the config file lives: `--config`, or a fixed place under the user's config
//! directory, so `onboard`, `run` and `status` all find the same file without being told.

use std::path::PathBuf;

use super::ConfigError;

/// Where the config lives unless `--config` says otherwise, under the user's config dir.
const DEFAULT_RELATIVE_PATH: [&str; 2] = ["luckyplans", "edge-agent.toml"];

/// `<config dir>/luckyplans/edge-agent.toml` (`~/.config/…` on Linux).
pub fn default_path() -> Result<PathBuf, ConfigError> {
    default_path_in(dirs::config_dir())
}

/// The default path under `config_dir`, the user's config directory if there is one.
pub(super) fn default_path_in(config_dir: Option<PathBuf>) -> Result<PathBuf, ConfigError> {
    let mut path = config_dir.ok_or(ConfigError::NoConfigDir)?;
    path.extend(DEFAULT_RELATIVE_PATH);
    Ok(path)
}

/// The path given on the command line, or the default one.
pub fn resolve_path(given: Option<PathBuf>) -> Result<PathBuf, ConfigError> {
    given.map_or_else(default_path, Ok)
}
