//! The liveness job: notices when workers go stale or offline, even when they say nothing,
//! and writes the transition into their timeline.

use app_model::live::ChangeKind;

use super::error::StorageContext;
use super::events::{self, EventKind};
use super::{EdgeContext, FleetError, now};
use crate::storage::in_transaction;

/// How often the server's background job runs [`sweep`] and lease expiry.
pub const SWEEP_INTERVAL_SECS: u64 = 10;

/// Records online → stale and online/stale → offline transitions. Each transition is
/// claimed by one UPDATE, so several replicas sweeping at once record it once; the claims
/// and their timeline events commit together, so a failure leaves neither behind.
pub async fn sweep(context: &EdgeContext) -> Result<usize, FleetError> {
    let now = now();
    let settings = &context.settings;
    // A worker silent past the stale threshold goes straight to offline: one event, the
    // one that is true now.
    let stale = "UPDATE workers SET derived_status = 'stale' \
                 WHERE derived_status = 'online' AND last_seen_at < $1 AND last_seen_at >= $2 \
                 RETURNING id, last_seen_at";
    let offline = "UPDATE workers SET derived_status = 'offline' \
                   WHERE derived_status IN ('online', 'stale') AND last_seen_at < $2 \
                   RETURNING id, last_seen_at";
    let online_floor = now - settings.online_secs;
    let stale_floor = now - settings.stale_secs;
    let changed: Vec<(String, EventKind, Option<i64>)> = in_transaction!(&context.database, |tx| {
        let mut changed = Vec::new();
        for (sql, kind) in [(stale, EventKind::Stale), (offline, EventKind::Offline)] {
            let claimed: Vec<(String, Option<i64>)> = sqlx::query_as(sql)
                .bind(online_floor)
                .bind(stale_floor)
                .fetch_all(&mut *tx)
                .await?;
            for (worker_id, last_seen) in claimed {
                let detail = last_seen.map(|seen| format!("last heard from {} s ago", now - seen));
                sqlx::query(events::INSERT)
                    .bind(&worker_id)
                    .bind(kind.as_str())
                    .bind(detail)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                changed.push((worker_id, kind, last_seen));
            }
        }
        changed
    })
    .during("sweeping worker liveness")?;
    // Forgotten once committed, so no replica re-reads the row as it was.
    for (worker_id, kind, last_seen) in &changed {
        super::auth_cache::changed(context, worker_id).await?;
        crate::live::announce_row(context, ChangeKind::Worker, worker_id).await;
        if *kind == EventKind::Offline {
            crate::notifications::events::agent_offline(context, worker_id, *last_seen).await;
        }
    }
    Ok(changed.len())
}
