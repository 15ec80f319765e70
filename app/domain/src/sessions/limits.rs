//! How long a signed-in session may live: idle and absolute limits.

use std::time::Duration;

/// How long a signed-in session may live.
#[derive(Clone, Copy, Debug)]
pub struct SessionLimits {
    /// Unused for this long, a session expires.
    pub idle: Duration,
    /// However active, a session ends this long after sign-in.
    pub absolute: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(2 * 60 * 60),
            absolute: Duration::from_secs(24 * 60 * 60),
        }
    }
}

impl SessionLimits {
    pub fn idle_secs(self) -> i64 {
        i64::try_from(self.idle.as_secs()).unwrap_or(i64::MAX)
    }

    pub fn absolute_secs(self) -> i64 {
        i64::try_from(self.absolute.as_secs()).unwrap_or(i64::MAX)
    }
}
