//! The registry of signed-in sessions (`user_sessions`).
//!
//! The session store holds what a session carries; this table says which sessions a user
//! has. A signed-in session is honoured only while its row exists, so ending a session,
//! ending all of a user's sessions or disabling a user takes effect on the very next
//! request, whichever store (Redis or SQL) holds the records.

use crate::client::ClientInfo;
use crate::clock::now;
use crate::storage::on_pool;
use crate::storage::{Database, StorageError};

/// How often `last_seen_at` is written for an active session, at most.
pub const TOUCH_INTERVAL_SECS: i64 = 60;

/// One row, as the request path reads it.
#[derive(Debug, sqlx::FromRow)]
pub struct RegistryEntry {
    pub user_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub renew_id: bool,
}

/// One row, as the owner sees it in their list.
#[derive(Debug, sqlx::FromRow)]
pub struct ListedSession {
    pub handle: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Records a new signed-in session.
pub async fn insert(
    database: &Database,
    handle: &str,
    session_id: &str,
    user_id: &str,
    client: &ClientInfo,
) -> Result<(), StorageError> {
    let sql = "INSERT INTO user_sessions (handle, session_id, user_id, created_at, last_seen_at, ip, user_agent) \
               VALUES ($1, $2, $3, $4, $4, $5, $6)";
    on_pool!(database, |pool| sqlx::query(sql)
        .bind(handle)
        .bind(session_id)
        .bind(user_id)
        .bind(now())
        .bind(client.ip.as_deref())
        .bind(client.user_agent.as_deref())
        .execute(pool)
        .await
        .map(drop))
    .map_err(|err| database.error(&err))
}

pub async fn find(
    database: &Database,
    handle: &str,
) -> Result<Option<RegistryEntry>, StorageError> {
    let sql =
        "SELECT user_id, created_at, last_seen_at, renew_id FROM user_sessions WHERE handle = $1";
    on_pool!(database, |pool| sqlx::query_as::<_, RegistryEntry>(sql)
        .bind(handle)
        .fetch_optional(pool)
        .await)
    .map_err(|err| database.error(&err))
}

/// Notes that the session was used, from where.
pub async fn touch(
    database: &Database,
    handle: &str,
    client: &ClientInfo,
) -> Result<(), StorageError> {
    let sql = "UPDATE user_sessions SET last_seen_at = $1, ip = COALESCE($2, ip), \
               user_agent = COALESCE($3, user_agent) WHERE handle = $4";
    on_pool!(database, |pool| sqlx::query(sql)
        .bind(now())
        .bind(client.ip.as_deref())
        .bind(client.user_agent.as_deref())
        .bind(handle)
        .execute(pool)
        .await
        .map(drop))
    .map_err(|err| database.error(&err))
}

/// Points a row at the session's new id after it was renewed.
pub async fn renewed(
    database: &Database,
    handle: &str,
    session_id: &str,
) -> Result<(), StorageError> {
    let sql = "UPDATE user_sessions SET session_id = $1, renew_id = $2 WHERE handle = $3";
    on_pool!(database, |pool| sqlx::query(sql)
        .bind(session_id)
        .bind(false)
        .bind(handle)
        .execute(pool)
        .await
        .map(drop))
    .map_err(|err| database.error(&err))
}

/// Asks every session of a user for a new id on its next request (after a role change).
pub async fn renew_all_for_user(database: &Database, user_id: &str) -> Result<(), StorageError> {
    let sql = "UPDATE user_sessions SET renew_id = $1 WHERE user_id = $2";
    on_pool!(database, |pool| sqlx::query(sql)
        .bind(true)
        .bind(user_id)
        .execute(pool)
        .await
        .map(drop))
    .map_err(|err| database.error(&err))
}

/// A user's sessions still within both timeouts, most recently used first.
pub async fn list_for_user(
    database: &Database,
    user_id: &str,
    limits: super::SessionLimits,
) -> Result<Vec<ListedSession>, StorageError> {
    let sql = "SELECT handle, created_at, last_seen_at, ip, user_agent FROM user_sessions \
               WHERE user_id = $1 AND last_seen_at > $2 AND created_at > $3 \
               ORDER BY last_seen_at DESC, created_at DESC";
    let now = now();
    on_pool!(database, |pool| sqlx::query_as::<_, ListedSession>(sql)
        .bind(user_id)
        .bind(now - limits.idle_secs())
        .bind(now - limits.absolute_secs())
        .fetch_all(pool)
        .await)
    .map_err(|err| database.error(&err))
}

/// Removes one row; returns its session id (to destroy the stored record) if it existed
/// and belonged to `user_id`.
pub async fn remove_one(
    database: &Database,
    user_id: &str,
    handle: &str,
) -> Result<Option<String>, StorageError> {
    let sql = "DELETE FROM user_sessions WHERE handle = $1 AND user_id = $2 RETURNING session_id";
    on_pool!(database, |pool| sqlx::query_scalar::<_, String>(sql)
        .bind(handle)
        .bind(user_id)
        .fetch_optional(pool)
        .await)
    .map_err(|err| database.error(&err))
}

/// Removes the row of the request's own session; returns its session id if it existed.
pub async fn remove_handle(
    database: &Database,
    handle: &str,
) -> Result<Option<String>, StorageError> {
    let sql = "DELETE FROM user_sessions WHERE handle = $1 RETURNING session_id";
    on_pool!(database, |pool| sqlx::query_scalar::<_, String>(sql)
        .bind(handle)
        .fetch_optional(pool)
        .await)
    .map_err(|err| database.error(&err))
}

/// Removes every row of a user except `keep`; returns the removed session ids.
pub async fn remove_all_for_user(
    database: &Database,
    user_id: &str,
    keep: Option<&str>,
) -> Result<Vec<String>, StorageError> {
    let sql = "DELETE FROM user_sessions WHERE user_id = $1 AND handle <> $2 RETURNING session_id";
    on_pool!(database, |pool| sqlx::query_scalar::<_, String>(sql)
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .fetch_all(pool)
        .await)
    .map_err(|err| database.error(&err))
}

/// Deletes rows past either timeout; run periodically.
pub async fn remove_expired(
    database: &Database,
    limits: super::SessionLimits,
) -> Result<u64, StorageError> {
    let sql = "DELETE FROM user_sessions WHERE last_seen_at <= $1 OR created_at <= $2";
    let now = now();
    on_pool!(database, |pool| sqlx::query(sql)
        .bind(now - limits.idle_secs())
        .bind(now - limits.absolute_secs())
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
    .map_err(|err| database.error(&err))
}
