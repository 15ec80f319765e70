//! Accounts linked to a provider by (issuer, subject).

use crate::accounts::users::UserRecord;
use crate::storage::on_pool;
use crate::storage::{Database, StorageError};

/// The account linked to this provider identity, if any.
pub async fn find_user(
    database: &Database,
    issuer: &str,
    subject: &str,
) -> Result<Option<UserRecord>, StorageError> {
    let sql = "SELECT u.id, u.email, u.display_name, u.role, u.status, u.password_hash, u.locked_until \
               FROM user_identities i JOIN users u ON u.id = i.user_id \
               WHERE i.issuer = $1 AND i.subject = $2";
    on_pool!(database, |pool| sqlx::query_as::<_, UserRecord>(sql)
        .bind(issuer)
        .bind(subject)
        .fetch_optional(pool)
        .await)
    .map_err(|err| database.error(&err))
}

/// Links a provider identity to an account.
pub async fn link(
    database: &Database,
    issuer: &str,
    subject: &str,
    user_id: &str,
    email: Option<&str>,
) -> Result<(), StorageError> {
    let sql = "INSERT INTO user_identities (issuer, subject, user_id, email, created_at) \
               VALUES ($1, $2, $3, $4, $5)";
    on_pool!(database, |pool| sqlx::query(sql)
        .bind(issuer)
        .bind(subject)
        .bind(user_id)
        .bind(email)
        .bind(crate::clock::now())
        .execute(pool)
        .await
        .map(drop))
    .map_err(|err| database.error(&err))
}

/// The identities of `issuer` linked to an account: (email, linked at in Unix seconds),
/// oldest first.
pub async fn list_for_user(
    database: &Database,
    issuer: &str,
    user_id: &str,
) -> Result<Vec<(Option<String>, i64)>, StorageError> {
    let sql = "SELECT email, created_at FROM user_identities \
               WHERE issuer = $1 AND user_id = $2 ORDER BY created_at, subject";
    on_pool!(database, |pool| sqlx::query_as::<_, (Option<String>, i64)>(
        sql
    )
    .bind(issuer)
    .bind(user_id)
    .fetch_all(pool)
    .await)
    .map_err(|err| database.error(&err))
}
