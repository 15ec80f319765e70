//! The relational database seam: SQLite (embedded default) or PostgreSQL.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::StorageError;

/// Runs the same statement on whichever pool the database has: the SQL is written once,
/// with `$1`-style parameters, which both SQLite and PostgreSQL read.
#[macro_export]
macro_rules! on_pool {
    ($database:expr, |$pool:ident| $body:expr) => {
        match $database {
            $crate::storage::Database::Sqlite($pool) => $body,
            $crate::storage::Database::Postgres($pool) => $body,
        }
    };
}

/// Runs a block of statements in one transaction on whichever pool the database has, and
/// commits it when the block finishes without an error; a `?` inside rolls everything back.
/// The block sees the transaction as `tx` (`.execute(&mut *tx)`) and its value is the
/// macro's `Ok`.
#[macro_export]
macro_rules! in_transaction {
    ($database:expr, |$tx:ident| $body:block) => {
        $crate::on_pool!($database, |pool| async {
            let mut $tx = pool.begin().await?;
            let value = $body;
            $tx.commit().await?;
            Ok::<_, ::sqlx::Error>(value)
        }
        .await)
    };
    // The same, opened with a statement of the caller's (`BEGIN IMMEDIATE` on SQLite).
    ($database:expr, $begin:expr, |$tx:ident| $body:block) => {
        $crate::on_pool!($database, |pool| async {
            let mut $tx = pool.begin_with($begin).await?;
            let value = $body;
            $tx.commit().await?;
            Ok::<_, ::sqlx::Error>(value)
        }
        .await)
    };
}

/// Which database to use.
#[derive(Clone, Debug)]
pub enum DatabaseConfig {
    /// A SQLite file, created if missing.
    Sqlite { path: PathBuf },
    /// A PostgreSQL server; the URL may carry a password, so it stays secret.
    Postgres { url: SecretString },
}

/// A connection pool to the configured database.
#[derive(Clone, Debug)]
pub enum Database {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
const SQLITE: &str = "database (sqlite)";
const POSTGRES: &str = "database (postgres)";

impl Database {
    /// How a transaction that reads and then writes begins: on SQLite with the write lock
    /// taken at once, so that a writer committing in between cannot void its snapshot
    /// (`SQLITE_BUSY_SNAPSHOT`, which waiting does not cure); PostgreSQL needs nothing more.
    pub const fn write_begin(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "BEGIN IMMEDIATE",
            Self::Postgres(_) => "BEGIN",
        }
    }

    /// Opens the pool and checks that the database answers.
    pub async fn connect(config: &DatabaseConfig) -> Result<Self, StorageError> {
        let database = match config {
            DatabaseConfig::Sqlite { path } => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|err| {
                        StorageError::invalid(
                            SQLITE,
                            &format!("cannot create the data directory: {err}"),
                        )
                    })?;
                }
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(options)
                    .await
                    .map_err(|err| StorageError::from_sqlx(SQLITE, &err))?;
                Self::Sqlite(pool)
            }
            DatabaseConfig::Postgres { url } => {
                let options = PgConnectOptions::from_str(url.expose_secret())
                    .map_err(|err| StorageError::from_sqlx(POSTGRES, &err))?
                    .application_name("luckyplans");
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(options)
                    .await
                    .map_err(|err| StorageError::from_sqlx(POSTGRES, &err))?;
                Self::Postgres(pool)
            }
        };
        Ok(database)
    }

    /// The backend's short name, as reported by `/ready`.
    pub const fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    const fn dependency(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => SQLITE,
            Self::Postgres(_) => POSTGRES,
        }
    }

    /// A query's failure as a storage error naming this backend; the one conversion every
    /// module's SQL uses.
    pub fn error(&self, err: &sqlx::Error) -> StorageError {
        StorageError::from_sqlx(self.dependency(), err)
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        let result = match self {
            Self::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await,
            Self::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await,
        };
        result.map_err(|err| StorageError::failed(self.dependency(), &format!("migration: {err}")))
    }

    /// The newest applied migration.
    pub async fn schema_version(&self) -> Result<i64, StorageError> {
        const QUERY: &str =
            "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success = TRUE";
        let version = match self {
            Self::Sqlite(pool) => sqlx::query_scalar(QUERY).fetch_one(pool).await,
            Self::Postgres(pool) => sqlx::query_scalar(QUERY).fetch_one(pool).await,
        };
        version.map_err(|err| self.error(&err))
    }

    /// Checks that the database answers a query within the acquire timeout.
    pub async fn ping(&self) -> Result<(), StorageError> {
        let result = match self {
            Self::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
            Self::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
        };
        result.map_err(|err| self.error(&err))
    }

    /// Reads an instance-wide setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StorageError> {
        on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT value FROM settings WHERE key = $1"
        )
        .bind(key)
        .fetch_optional(pool)
        .await)
        .map_err(|err| self.error(&err))
    }

    /// Writes an instance-wide setting, replacing any previous value.
    pub async fn put_setting(&self, key: &str, value: &str) -> Result<(), StorageError> {
        on_pool!(self, |pool| sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
        )
        .bind(key)
        .bind(value)
        .bind(crate::clock::now())
        .execute(pool)
        .await
        .map(drop))
        .map_err(|err| self.error(&err))
    }

    /// Writes a setting unless it has a value already, and answers the value it has now.
    /// Concurrent first starts of several replicas agree: the first insert wins and
    /// everyone reads it back.
    async fn setting_or_insert(&self, key: &str, candidate: &str) -> Result<String, StorageError> {
        on_pool!(self, |pool| sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO NOTHING"
        )
        .bind(key)
        .bind(candidate)
        .bind(crate::clock::now())
        .execute(pool)
        .await
        .map(drop))
        .map_err(|err| self.error(&err))?;
        self.setting(key).await?.ok_or_else(|| {
            StorageError::failed(self.dependency(), "a setting vanished after it was written")
        })
    }

    /// The id of this installation, minted on first start and stable afterwards.
    pub async fn instance_id(&self) -> Result<String, StorageError> {
        self.setting_or_insert("instance_id", &uuid::Uuid::new_v4().to_string())
            .await
    }

    /// A random secret minted on first use and stable afterwards (64 hex characters).
    /// Concurrent first starts of several replicas agree, as with [`Self::instance_id`].
    pub async fn generated_secret(&self, key: &str) -> Result<String, StorageError> {
        use rand::RngCore;
        let mut bytes = [0_u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        self.setting_or_insert(key, &hex::encode(bytes)).await
    }

    /// Waits for running queries and closes every connection.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}
