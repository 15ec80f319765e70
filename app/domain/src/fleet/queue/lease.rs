//! Leasing: a worker claims the oldest queued task it may run and gets back everything
//! it needs to start — or to resume, skipping the configs an earlier lease already did.

use app_model::live::ChangeKind;
use chrono::DateTime;
use edge_protocol::api::{DatasetRef, ErrorCode, LeaseResponse, LeasedTask, TaskConfig};
use edge_protocol::backtest::Costs;
use edge_protocol::strategy::{StrategyConfig, StrategyName};
use uuid::Uuid;

use crate::fleet::error::StorageContext;
use crate::fleet::workers::AuthenticatedWorker;
use crate::fleet::{EdgeContext, FleetError, now};
use crate::live::announce;
use crate::storage::{Database, on_pool};

/// Leases the oldest queued task this worker may run, exactly once across replicas.
pub async fn lease_next(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
) -> Result<LeaseResponse, FleetError> {
    if caller.worker.quarantined_at.is_some() {
        return Err(FleetError::refused(
            ErrorCode::WorkerQuarantined,
            "this worker failed too many tasks in a row; its owner must release it",
        ));
    }
    let now = now();
    let expires = now + context.settings.lease_secs();
    // PostgreSQL: concurrent replicas skip rows another transaction is leasing. SQLite:
    // the single UPDATE runs in SQLite's one write transaction at a time.
    let pick = match &context.database {
        Database::Postgres(_) => {
            "SELECT id FROM tasks WHERE state = 'queued' AND owner_id = $4 \
             AND (worker_id IS NULL OR worker_id = $1) ORDER BY created_at, id LIMIT 1 \
             FOR UPDATE SKIP LOCKED"
        }
        Database::Sqlite(_) => {
            "SELECT id FROM tasks WHERE state = 'queued' AND owner_id = $4 \
             AND (worker_id IS NULL OR worker_id = $1) ORDER BY created_at, id LIMIT 1"
        }
    };
    // The lease hands back everything the agent needs in the same statement, the dataset's
    // facts included: one round trip for the claim, one more only for a resumed task.
    let sql = format!(
        "UPDATE tasks SET state = 'leased', leased_by = $1, lease_expires_at = $2, \
         attempts = attempts + 1, started_at = COALESCE(started_at, $3) \
         WHERE id = ({pick}) AND state = 'queued' \
         RETURNING id, strategy, configs, fee, slippage, attempts, dataset_id, \
         (SELECT d.rows FROM datasets d WHERE d.id = tasks.dataset_id) AS dataset_rows, \
         (SELECT d.size_bytes FROM datasets d WHERE d.id = tasks.dataset_id) AS dataset_size, \
         (SELECT d.sha256 FROM datasets d WHERE d.id = tasks.dataset_id) AS dataset_sha256"
    );
    let leased: Option<Lease> = on_pool!(&context.database, |pool| sqlx::query_as(&sql)
        .bind(&caller.worker.id)
        .bind(expires)
        .bind(now)
        .bind(&caller.worker.owner_id)
        .fetch_optional(pool)
        .await)
    .during("leasing a task")?;
    let Some(lease) = leased else {
        return Ok(LeaseResponse { task: None });
    };
    announce(
        context,
        &caller.worker.owner_id,
        ChangeKind::Task,
        &lease.id,
    )
    .await;
    let task = leased_task(context, lease, expires).await?;
    Ok(LeaseResponse { task: Some(task) })
}

/// A task row as the lease returns it.
#[derive(sqlx::FromRow)]
struct Lease {
    id: String,
    strategy: String,
    configs: String,
    fee: f64,
    slippage: f64,
    attempts: i64,
    dataset_id: String,
    dataset_rows: i64,
    dataset_size: i64,
    dataset_sha256: String,
}

async fn leased_task(
    context: &EdgeContext,
    lease: Lease,
    expires: i64,
) -> Result<LeasedTask, FleetError> {
    // A first lease has no results yet; a resumed one skips the configs already done.
    let done: Vec<i64> = if lease.attempts > 1 {
        let sql = "SELECT config_id FROM task_results WHERE task_id = $1 ORDER BY config_id";
        on_pool!(&context.database, |pool| sqlx::query_scalar(sql)
            .bind(&lease.id)
            .fetch_all(pool)
            .await)
        .during("loading a task's results")?
    } else {
        Vec::new()
    };
    let broken = |what: &str| FleetError::Storage {
        context: "decoding a leased task",
        source: crate::storage::StorageError::failed("database", what),
    };
    let configs: Vec<StrategyConfig> =
        serde_json::from_str(&lease.configs).map_err(|_| broken("configs"))?;
    let strategy = StrategyName::parse(&lease.strategy).ok_or_else(|| broken("strategy"))?;
    Ok(LeasedTask {
        id: Uuid::parse_str(&lease.id).map_err(|_| broken("id"))?,
        strategy,
        costs: Costs {
            fee: lease.fee,
            slippage: lease.slippage,
        },
        dataset: DatasetRef {
            id: Uuid::parse_str(&lease.dataset_id).map_err(|_| broken("dataset id"))?,
            rows: u64::try_from(lease.dataset_rows).unwrap_or_default(),
            size_bytes: u64::try_from(lease.dataset_size).unwrap_or_default(),
            sha256: lease.dataset_sha256,
        },
        configs: configs
            .into_iter()
            .zip(0_u32..)
            .map(|(config, config_id)| TaskConfig { config_id, config })
            .collect(),
        completed_config_ids: done
            .into_iter()
            .filter_map(|id| u32::try_from(id).ok())
            .collect(),
        lease_expires_at: DateTime::from_timestamp(expires, 0).unwrap_or_default(),
    })
}
