//! Writing the file whole and private: a temp file with mode 0600 in the same directory
//! (0700), synced, then renamed over the old one.
//!
//! The file holds the credential, so no other user may read it even for a moment, and a
//! crash mid-write must leave the old file rather than half of a new one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::ConfigError;

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

pub(super) fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
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
