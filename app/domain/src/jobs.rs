//! The background jobs every replica runs for as long as it serves: the session
//! registry's and the sign-in throttle's cleanup each minute, the fleet's lease expiry
//! and liveness sweep (with the warning about credentials that are about to stop working)
//! every few seconds, and old read notifications' cleanup hourly. Each job's writes are claimed by single
//! statements, so replicas running them side by side record every change once.

use std::time::Duration;

use crate::accounts::AuthContext;
use crate::fleet::{EdgeContext, liveness, queue};

/// Deletes expired rows of the session registry, and per-address sign-in failure counts
/// that are over, every minute.
pub fn spawn_registry_cleanup(auth: AuthContext) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            if let Err(err) =
                crate::sessions::registry::remove_expired(&auth.database, auth.limits).await
            {
                tracing::warn!(error = %err, "expired-session registry cleanup failed");
            }
            if let Err(err) =
                crate::accounts::throttle::remove_stale(&auth.database, auth.lockout).await
            {
                tracing::warn!(error = %err, "sign-in failure cleanup failed");
            }
        }
    })
}

/// Every few seconds: returns expired leases to the queue and records workers going stale
/// or offline. Runs on every replica; each change is claimed by one UPDATE.
pub fn spawn_fleet_jobs(edge: EdgeContext) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(Duration::from_secs(liveness::SWEEP_INTERVAL_SECS));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Old read notifications go about once an hour.
        let prune_every = 3_600 / liveness::SWEEP_INTERVAL_SECS;
        for tick in 0_u64.. {
            ticks.tick().await;
            if tick % prune_every == 0
                && let Err(err) = crate::notifications::prune(&edge).await
            {
                tracing::warn!(error = %err, "notification cleanup failed");
            }
            match queue::expire_leases(&edge).await {
                Ok(0) => {}
                Ok(requeued) => {
                    tracing::info!(requeued, "expired task leases returned to the queue");
                }
                Err(err) => tracing::warn!(error = %err, "lease expiry failed"),
            }
            if let Err(err) = liveness::sweep(&edge).await {
                tracing::warn!(error = %err, "worker liveness sweep failed");
            }
            if let Err(err) = crate::notifications::events::credentials_expiring(&edge).await {
                tracing::warn!(error = %err, "the expiring-credential check failed");
            }
        }
    })
}
