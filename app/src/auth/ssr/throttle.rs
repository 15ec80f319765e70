//! Per-account throttling: after `threshold` failed sign-ins within `window`, the account
//! is locked for `duration`. The answer stays the generic "wrong email or password".

use std::time::Duration;

use crate::storage::on_pool;
use crate::storage::{Database, StorageError};

/// Lockout rules; built from the server configuration.
#[derive(Clone, Copy, Debug)]
pub struct LockoutPolicy {
    pub threshold: u32,
    pub window: Duration,
    pub duration: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            threshold: 5,
            window: Duration::from_secs(15 * 60),
            duration: Duration::from_secs(15 * 60),
        }
    }
}

/// What a failed attempt did to the account.
#[derive(Debug, PartialEq, Eq)]
pub enum FailureOutcome {
    Counted,
    /// This failure locked the account.
    LockedNow,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

fn storage_error(err: &sqlx::Error) -> StorageError {
    StorageError::from_sqlx("database", err)
}

/// Whether the account is locked right now.
pub fn is_locked(locked_until: Option<i64>) -> bool {
    locked_until.is_some_and(|until| until > now())
}

/// Counts a failed sign-in, atomically, and locks the account when it reaches the threshold.
pub async fn record_failure(
    database: &Database,
    user_id: &str,
    policy: LockoutPolicy,
) -> Result<FailureOutcome, StorageError> {
    let now = now();
    // Every right-hand side sees the old row, hence the repeated window test.
    let sql = "UPDATE users SET \
        failed_sign_ins = CASE WHEN failed_window_started_at IS NULL OR failed_window_started_at < $2 \
            THEN 1 ELSE failed_sign_ins + 1 END, \
        failed_window_started_at = CASE WHEN failed_window_started_at IS NULL OR failed_window_started_at < $2 \
            THEN $1 ELSE failed_window_started_at END, \
        locked_until = CASE WHEN (CASE WHEN failed_window_started_at IS NULL OR failed_window_started_at < $2 \
            THEN 1 ELSE failed_sign_ins + 1 END) >= $3 AND (locked_until IS NULL OR locked_until <= $1) \
            THEN $4 ELSE locked_until END \
        WHERE id = $5 \
        RETURNING locked_until";
    let locked_until: Option<i64> = on_pool!(database, |pool| sqlx::query_scalar(sql)
        .bind(now)
        .bind(now - secs(policy.window))
        .bind(i64::from(policy.threshold))
        .bind(now + secs(policy.duration))
        .bind(user_id)
        .fetch_one(pool)
        .await)
    .map_err(|err| storage_error(&err))?;
    Ok(if locked_until == Some(now + secs(policy.duration)) {
        FailureOutcome::LockedNow
    } else {
        FailureOutcome::Counted
    })
}

/// Clears the failure count after a successful sign-in; returns whether a lockout had
/// just ended (so it can be audited).
pub async fn clear(
    database: &Database,
    user_id: &str,
    locked_until: Option<i64>,
) -> Result<bool, StorageError> {
    let sql = "UPDATE users SET failed_sign_ins = 0, failed_window_started_at = NULL, locked_until = NULL WHERE id = $1";
    on_pool!(database, |pool| sqlx::query(sql)
        .bind(user_id)
        .execute(pool)
        .await
        .map(drop))
    .map_err(|err| storage_error(&err))?;
    Ok(locked_until.is_some())
}
