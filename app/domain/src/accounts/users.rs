//! The user store: the same SQL on SQLite and PostgreSQL.

use app_model::admin::UserStatus;
use app_model::auth::{CurrentUser, Role};

use super::input::{DisplayName, Email};
use crate::clock::now;
use crate::storage::{Database, StorageError, on_pool};

/// A user row as the auth layer needs it. Neither `Serialize` nor a derived `Debug`: it
/// holds the password hash, which must reach no response and no log line.
#[derive(sqlx::FromRow)]
pub struct UserRecord {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub status: UserStatus,
    pub password_hash: Option<String>,
    pub locked_until: Option<i64>,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("status", &self.status)
            .field(
                "password_hash",
                &self.password_hash.as_ref().map(|_| "[redacted]"),
            )
            .field("locked_until", &self.locked_until)
            .finish()
    }
}

impl UserRecord {
    pub fn is_active(&self) -> bool {
        self.status == UserStatus::Active
    }

    pub const fn role(&self) -> Role {
        self.role
    }

    pub fn to_current_user(&self) -> CurrentUser {
        CurrentUser {
            id: self.id.clone(),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role(),
        }
    }
}

/// Why a new account could not be stored.
#[derive(Debug)]
pub enum CreateUserError {
    EmailTaken,
    Storage(StorageError),
}

const COLUMNS: &str = "id, email, display_name, role, status, password_hash, locked_until";

/// Stores a new account and returns it.
pub async fn create(
    database: &Database,
    email: &Email,
    display_name: &DisplayName,
    password_hash: Option<&str>,
    role: Role,
) -> Result<UserRecord, CreateUserError> {
    let id = uuid::Uuid::new_v4().to_string();
    let sql = "INSERT INTO users (id, email, display_name, role, password_hash, created_at, \
               updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)";
    let result = on_pool!(database, |pool| sqlx::query(sql)
        .bind(&id)
        .bind(email.as_str())
        .bind(display_name.as_str())
        .bind(role)
        .bind(password_hash)
        .bind(now())
        .execute(pool)
        .await
        .map(drop));
    match result {
        Ok(()) => {}
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
            return Err(CreateUserError::EmailTaken);
        }
        Err(err) => return Err(CreateUserError::Storage(database.error(&err))),
    }
    find_by_id(database, &id)
        .await
        .map_err(CreateUserError::Storage)?
        .ok_or_else(|| {
            CreateUserError::Storage(StorageError::failed("database", "a new account vanished"))
        })
}

pub async fn find_by_email(
    database: &Database,
    email: &Email,
) -> Result<Option<UserRecord>, StorageError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    on_pool!(database, |pool| sqlx::query_as::<_, UserRecord>(&sql)
        .bind(email.as_str())
        .fetch_optional(pool)
        .await)
    .map_err(|err| database.error(&err))
}

pub async fn find_by_id(database: &Database, id: &str) -> Result<Option<UserRecord>, StorageError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    on_pool!(database, |pool| sqlx::query_as::<_, UserRecord>(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .map_err(|err| database.error(&err))
}

/// Records a successful sign-in.
pub async fn record_sign_in(database: &Database, id: &str) -> Result<(), StorageError> {
    let sql = "UPDATE users SET last_sign_in_at = $1 WHERE id = $2";
    on_pool!(database, |pool| sqlx::query(sql)
        .bind(now())
        .bind(id)
        .execute(pool)
        .await
        .map(drop))
    .map_err(|err| database.error(&err))
}

/// Replaces a user's password hash.
pub async fn set_password(
    database: &Database,
    id: &str,
    password_hash: &str,
) -> Result<(), StorageError> {
    let sql = "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3";
    on_pool!(database, |pool| sqlx::query(sql)
        .bind(password_hash)
        .bind(now())
        .bind(id)
        .execute(pool)
        .await
        .map(drop))
    .map_err(|err| database.error(&err))
}

/// Sets one column (`role`, `status`, `display_name`) and `updated_at`.
async fn set_column<T>(
    database: &Database,
    column: &'static str,
    id: &str,
    value: T,
) -> Result<bool, StorageError>
where
    T: for<'q> sqlx::Encode<'q, sqlx::Sqlite>
        + for<'q> sqlx::Encode<'q, sqlx::Postgres>
        + sqlx::Type<sqlx::Sqlite>
        + sqlx::Type<sqlx::Postgres>
        + Send,
{
    let sql = format!("UPDATE users SET {column} = $1, updated_at = $2 WHERE id = $3");
    on_pool!(database, |pool| sqlx::query(&sql)
        .bind(value)
        .bind(now())
        .bind(id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected() == 1))
    .map_err(|err| database.error(&err))
}

/// Changes a user's role; `false` if there is no such user.
pub async fn set_role(database: &Database, id: &str, role: Role) -> Result<bool, StorageError> {
    set_column(database, "role", id, role).await
}

/// Enables or disables a user; `false` if there is no such user.
pub async fn set_status(
    database: &Database,
    id: &str,
    status: UserStatus,
) -> Result<bool, StorageError> {
    set_column(database, "status", id, status).await
}

/// Renames a user.
pub async fn set_display_name(
    database: &Database,
    id: &str,
    name: &DisplayName,
) -> Result<bool, StorageError> {
    set_column(database, "display_name", id, name.as_str().to_owned()).await
}

#[cfg(test)]
mod tests {
    use super::{Role, UserRecord, UserStatus};

    #[test]
    fn debug_output_never_shows_the_password_hash() {
        let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
        let user = UserRecord {
            id: "0".repeat(36),
            email: "ada@example.org".to_owned(),
            display_name: "Ada".to_owned(),
            role: Role::User,
            status: UserStatus::Active,
            password_hash: Some(hash.to_owned()),
            locked_until: None,
        };
        let printed = format!("{user:?}");
        assert!(!printed.contains("argon2id"), "{printed}");
        assert!(!printed.contains("aGFzaGhhc2hoYXNo"), "{printed}");
        assert!(printed.contains("ada@example.org") && printed.contains("[redacted]"));
    }
}
