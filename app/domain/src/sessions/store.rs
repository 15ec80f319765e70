//! The session store seam: Redis when configured, else the SQL database's own table.

use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_redis_store::RedisStore;
use tower_sessions_redis_store::fred::prelude::{
    Builder as RedisBuilder, ClientLike, Config as RedisConfig, Pool as RedisPool,
};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::storage::{Database, StorageError};

/// Where sessions live.
#[derive(Clone, Debug)]
pub enum SessionBackend {
    Redis {
        store: RedisStore<RedisPool>,
        pool: RedisPool,
    },
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

const REDIS_TIMEOUT: Duration = Duration::from_secs(3);

impl SessionBackend {
    /// Connects to Redis; fails with a clear error if it cannot be reached.
    pub async fn redis(url: &SecretString) -> Result<Self, StorageError> {
        let config = RedisConfig::from_url(url.expose_secret())
            .map_err(|err| StorageError::invalid("session store (redis)", err.details()))?;
        let pool = RedisBuilder::from_config(config)
            .with_connection_config(|conn| {
                conn.connection_timeout = REDIS_TIMEOUT;
                conn.internal_command_timeout = REDIS_TIMEOUT;
            })
            .with_performance_config(|perf| {
                perf.default_command_timeout = REDIS_TIMEOUT;
            })
            .build_pool(4)
            .map_err(|err| StorageError::invalid("session store (redis)", err.details()))?;
        pool.init()
            .await
            .map_err(|err| StorageError::unreachable("session store (redis)", err.details()))?;
        let backend = Self::Redis {
            store: RedisStore::new(pool.clone()),
            pool,
        };
        backend.ping().await?;
        Ok(backend)
    }

    /// Uses the configured SQL database, creating the session table if needed.
    pub async fn sql(database: &Database) -> Result<Self, StorageError> {
        let backend = match database {
            Database::Sqlite(pool) => {
                let store = SqliteStore::new(pool.clone());
                store
                    .migrate()
                    .await
                    .map_err(|err| StorageError::from_sqlx("session store (sqlite)", &err))?;
                Self::Sqlite(store)
            }
            Database::Postgres(pool) => {
                let store = PostgresStore::new(pool.clone());
                store
                    .migrate()
                    .await
                    .map_err(|err| StorageError::from_sqlx("session store (postgres)", &err))?;
                Self::Postgres(store)
            }
        };
        Ok(backend)
    }

    /// The backend's short name, as reported by `/ready`.
    pub const fn backend(&self) -> &'static str {
        match self {
            Self::Redis { .. } => "redis",
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Checks that the store answers, without writing anything (`/ready` is public).
    pub async fn ping(&self) -> Result<(), StorageError> {
        match self {
            Self::Redis { pool, .. } => {
                let ping = pool.next().ping::<String>(None);
                match tokio::time::timeout(REDIS_TIMEOUT, ping).await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(err)) => Err(StorageError::unreachable(
                        "session store (redis)",
                        err.details(),
                    )),
                    Err(_) => Err(StorageError::unreachable(
                        "session store (redis)",
                        "no answer within 3 s",
                    )),
                }
            }
            // A read of a session id nobody holds: proves the table answers without
            // writing. Expired sessions are swept by the background job, not by probes.
            Self::Sqlite(store) => ping_sql(store.load(&Id::default())).await,
            Self::Postgres(store) => ping_sql(store.load(&Id::default())).await,
        }
    }

    /// Removes expired sessions from the SQL table every minute; Redis expires keys itself.
    pub fn spawn_expired_session_cleanup(&self) -> Option<tokio::task::JoinHandle<()>> {
        let period = Duration::from_secs(60);
        let task = match self.clone() {
            Self::Redis { .. } => return None,
            Self::Sqlite(store) => tokio::spawn(async move {
                log_cleanup(store.continuously_delete_expired(period).await);
            }),
            Self::Postgres(store) => tokio::spawn(async move {
                log_cleanup(store.continuously_delete_expired(period).await);
            }),
        };
        Some(task)
    }

    /// Closes connections held only by the session store.
    pub async fn close(&self) {
        if let Self::Redis { pool, .. } = self {
            // Quitting a pool that is already gone is not worth reporting at shutdown.
            let _ = pool.quit().await;
        }
    }
}

async fn ping_sql<T>(
    check: impl std::future::Future<Output = session_store::Result<T>>,
) -> Result<(), StorageError> {
    check
        .await
        .map(drop)
        .map_err(|err| StorageError::unreachable("session store", &session_error_reason(&err)))
}

fn session_error_reason(err: &session_store::Error) -> String {
    match err {
        session_store::Error::Backend(reason) => reason.clone(),
        other => other.to_string(),
    }
}

fn log_cleanup(result: session_store::Result<()>) {
    if let Err(err) = result {
        tracing::warn!(error = %session_error_reason(&err), "expired-session cleanup stopped");
    }
}

#[async_trait]
impl SessionStore for SessionBackend {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Redis { store, .. } => store.create(record).await,
            Self::Sqlite(store) => store.create(record).await,
            Self::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Redis { store, .. } => store.save(record).await,
            Self::Sqlite(store) => store.save(record).await,
            Self::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Redis { store, .. } => store.load(id).await,
            Self::Sqlite(store) => store.load(id).await,
            Self::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Redis { store, .. } => store.delete(id).await,
            Self::Sqlite(store) => store.delete(id).await,
            Self::Postgres(store) => store.delete(id).await,
        }
    }
}
