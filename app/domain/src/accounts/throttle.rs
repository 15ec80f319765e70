//! Throttling of password guesses, after Keycloak's brute-force detection and OWASP's
//! authentication cheat sheet.
//!
//! - Per account **and client address**: after `threshold` failures within `window`, that
//!   address is locked out of that account for `duration`. One address guessing cannot
//!   lock the owner out from theirs, so lockout is not a free denial of service.
//! - Per account, across every address: after [`LockoutPolicy::account_threshold`]
//!   failures within `window`, every further failure locks the account for
//!   [`LockoutPolicy::account_duration`] (a minute at most). Guesses spread over many
//!   addresses slow to about one a minute, and the owner waits a minute at worst.
//!
//! A failure from an address that is already locked is not counted, so one address adds at
//! most `threshold` failures to the account's count per window. Sign-in answers a locked
//! attempt like a wrong password; `change_password` (the caller is known) says to wait.

use std::time::Duration;

use crate::clock::now;
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

impl LockoutPolicy {
    /// Failures from all addresses together after which the whole account backs off.
    pub const fn account_threshold(self) -> u32 {
        self.threshold.saturating_mul(4)
    }

    /// How long the whole account backs off after each failure past the account threshold.
    pub fn account_duration(self) -> Duration {
        self.duration.min(Duration::from_secs(60))
    }
}

/// What a failed attempt did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FailureOutcome {
    /// This failure locked the address out of the account.
    pub address_locked: bool,
    /// This failure made the whole account back off.
    pub account_locked: bool,
}

/// An account's locks as seen from one address: Unix seconds until which each holds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Locks {
    pub address_until: Option<i64>,
    pub account_until: Option<i64>,
}

impl Locks {
    /// Seconds until a sign-in from this address may be tried again; `None` if now.
    pub fn retry_after(self) -> Option<u64> {
        let now = now();
        [self.address_until, self.account_until]
            .into_iter()
            .flatten()
            .filter(|until| *until > now)
            .max()
            .map(|until| u64::try_from(until - now).unwrap_or(1))
    }

    pub fn is_locked(self) -> bool {
        self.retry_after().is_some()
    }

    /// Whether any lock was ever set (so clearing it ends a lockout, for the audit log).
    pub const fn any(self) -> bool {
        self.address_until.is_some() || self.account_until.is_some()
    }
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

/// Whether the account is locked right now (the account-wide backoff alone).
pub fn is_locked(locked_until: Option<i64>) -> bool {
    locked_until.is_some_and(|until| until > now())
}

/// The locks that apply to `user_id` signing in from `ip`. `account_until` is the
/// account's `locked_until`, read with the account.
pub async fn locks(
    database: &Database,
    user_id: &str,
    ip: &str,
    account_until: Option<i64>,
) -> Result<Locks, StorageError> {
    let sql = "SELECT locked_until FROM sign_in_failures WHERE user_id = $1 AND ip = $2";
    let address_until: Option<Option<i64>> = on_pool!(database, |pool| sqlx::query_scalar(sql)
        .bind(user_id)
        .bind(ip)
        .fetch_optional(pool)
        .await)
    .map_err(|err| database.error(&err))?;
    Ok(Locks {
        address_until: address_until.flatten(),
        account_until,
    })
}

/// Counts a failed attempt from `ip`, atomically, for the address and for the account.
pub async fn record_failure(
    database: &Database,
    user_id: &str,
    ip: &str,
    policy: LockoutPolicy,
) -> Result<FailureOutcome, StorageError> {
    let now = now();
    let window_start = now - secs(policy.window);
    let address_lock = now + secs(policy.duration);
    // Every right-hand side sees the old row, hence the repeated window test.
    let by_address = "INSERT INTO sign_in_failures (user_id, ip, failures, window_started_at, locked_until) \
        VALUES ($1, $2, 1, $3, CASE WHEN 1 >= $5 THEN $6 ELSE NULL END) \
        ON CONFLICT (user_id, ip) DO UPDATE SET \
        failures = CASE WHEN sign_in_failures.window_started_at < $4 \
            THEN 1 ELSE sign_in_failures.failures + 1 END, \
        window_started_at = CASE WHEN sign_in_failures.window_started_at < $4 \
            THEN $3 ELSE sign_in_failures.window_started_at END, \
        locked_until = CASE WHEN (CASE WHEN sign_in_failures.window_started_at < $4 \
            THEN 1 ELSE sign_in_failures.failures + 1 END) >= $5 \
            AND (sign_in_failures.locked_until IS NULL OR sign_in_failures.locked_until <= $3) \
            THEN $6 ELSE sign_in_failures.locked_until END \
        RETURNING locked_until";
    let address_until: Option<i64> = on_pool!(database, |pool| sqlx::query_scalar(by_address)
        .bind(user_id)
        .bind(ip)
        .bind(now)
        .bind(window_start)
        .bind(i64::from(policy.threshold))
        .bind(address_lock)
        .fetch_one(pool)
        .await)
    .map_err(|err| database.error(&err))?;

    let account_lock = now + secs(policy.account_duration());
    let by_account = "UPDATE users SET \
        failed_sign_ins = CASE WHEN failed_window_started_at IS NULL OR failed_window_started_at < $2 \
            THEN 1 ELSE failed_sign_ins + 1 END, \
        failed_window_started_at = CASE WHEN failed_window_started_at IS NULL OR failed_window_started_at < $2 \
            THEN $1 ELSE failed_window_started_at END, \
        locked_until = CASE WHEN (CASE WHEN failed_window_started_at IS NULL OR failed_window_started_at < $2 \
            THEN 1 ELSE failed_sign_ins + 1 END) >= $3 AND (locked_until IS NULL OR locked_until <= $1) \
            THEN $4 ELSE locked_until END \
        WHERE id = $5 \
        RETURNING locked_until";
    let account_until: Option<i64> = on_pool!(database, |pool| sqlx::query_scalar(by_account)
        .bind(now)
        .bind(window_start)
        .bind(i64::from(policy.account_threshold()))
        .bind(account_lock)
        .bind(user_id)
        .fetch_one(pool)
        .await)
    .map_err(|err| database.error(&err))?;
    Ok(FailureOutcome {
        address_locked: address_until == Some(address_lock),
        account_locked: account_until == Some(account_lock),
    })
}

/// Clears the counts after a successful sign-in from `ip`: the address's own, and the
/// account's backoff (its owner just proved the password).
pub async fn clear(database: &Database, user_id: &str, ip: &str) -> Result<(), StorageError> {
    let by_address = "DELETE FROM sign_in_failures WHERE user_id = $1 AND ip = $2";
    on_pool!(database, |pool| sqlx::query(by_address)
        .bind(user_id)
        .bind(ip)
        .execute(pool)
        .await
        .map(drop))
    .map_err(|err| database.error(&err))?;
    let by_account = "UPDATE users SET failed_sign_ins = 0, failed_window_started_at = NULL, locked_until = NULL WHERE id = $1";
    on_pool!(database, |pool| sqlx::query(by_account)
        .bind(user_id)
        .execute(pool)
        .await
        .map(drop))
    .map_err(|err| database.error(&err))
}

/// Deletes per-address counts whose window and lock are both over; run periodically, so
/// addresses that come and go (IPv6) do not pile up.
pub async fn remove_stale(database: &Database, policy: LockoutPolicy) -> Result<u64, StorageError> {
    let sql = "DELETE FROM sign_in_failures WHERE window_started_at < $1 \
               AND (locked_until IS NULL OR locked_until <= $2)";
    let now = now();
    on_pool!(database, |pool| sqlx::query(sql)
        .bind(now - secs(policy.window))
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
    .map_err(|err| database.error(&err))
}
