//! Keeping replicas' caches in agreement: a change is announced on [`CHANNEL`] once it is
//! committed, and every replica listens. A replica that cannot hear the others trusts
//! nothing it remembers.

use std::sync::Arc;
use std::time::Duration;

use super::{AuthCache, CHANNEL};
use crate::fleet::error::StorageContext;
use crate::fleet::{EdgeContext, FleetError};
use crate::storage::Database;

/// A worker changed: forget it here and tell the other replicas.
pub async fn changed(context: &EdgeContext, worker_id: &str) -> Result<(), FleetError> {
    context.auth_cache.forget_worker(worker_id);
    if let Database::Postgres(pool) = &context.database {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(worker_id)
            .execute(pool)
            .await
            .map(drop)
            .during("announcing a worker change")?;
    }
    Ok(())
}

/// Listens for other replicas' announcements (PostgreSQL only); runs until the pool closes.
pub fn spawn_listener(database: &Database, cache: Arc<AuthCache>) {
    let Database::Postgres(pool) = database else {
        return;
    };
    let pool = pool.clone();
    tokio::spawn(async move {
        loop {
            let listener = async {
                let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
                listener.listen(CHANNEL).await?;
                // Anything announced before the listener was up is unknown: start empty.
                cache.set_listening(true);
                loop {
                    let notification = listener.recv().await?;
                    cache.forget_worker(notification.payload());
                }
            };
            let result: Result<(), sqlx::Error> = listener.await;
            cache.set_listening(false);
            if pool.is_closed() {
                return;
            }
            if let Err(err) = result {
                tracing::warn!(error = %err, "worker change listener lost its connection; retrying");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}
