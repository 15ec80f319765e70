//! Tasks as their owner sees them: create, watch, cancel, retry.

use app_model::live::ChangeKind;

use crate::live::announce;
use edge_protocol::backtest::Costs;
use edge_protocol::strategy::{Grid, StrategyName};
use uuid::Uuid;

use super::error::StorageContext;
use super::rows::{TASK_COLUMNS, TaskRow};
use super::{EdgeContext, FleetError, Owner, datasets, now, workers};
use crate::storage::on_pool;
use app_model::fleet::{NewTask, Task};

/// Checks a new task against its strategy, grid, dataset and worker, and queues it.
pub async fn create(
    context: &EdgeContext,
    owner: &Owner,
    request: &NewTask,
) -> Result<Task, FleetError> {
    let strategy = StrategyName::parse(request.strategy.trim()).ok_or_else(|| {
        let known: Vec<_> = StrategyName::ALL.iter().map(|name| name.as_str()).collect();
        FleetError::field("strategy", format!("Choose one of: {}.", known.join(", ")))
    })?;
    let grid =
        Grid::parse(strategy, &request.grid).map_err(|err| FleetError::field("grid", err.0))?;
    let configs = grid
        .expand(strategy)
        .map_err(|err| FleetError::field("grid", err.0))?;
    let costs = Costs {
        fee: request.fee,
        slippage: request.slippage,
    };
    if let Err(field) = costs.validate() {
        return Err(FleetError::field(
            field,
            "Use a fraction between 0 and 0.1 (0.001 is 0.1 %).",
        ));
    }
    let dataset = datasets::owned(context, owner, request.dataset_id.trim())
        .await
        .map_err(|_| FleetError::field("dataset", "No such dataset."))?;
    let worker_id = match request.worker_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => {
            let worker = workers::owned(context, owner, id)
                .await
                .map_err(|_| FleetError::field("worker", "No such worker."))?;
            if worker.owner_id != dataset.owner_id {
                return Err(FleetError::field(
                    "worker",
                    "The worker and the dataset belong to different users.",
                ));
            }
            Some(worker.id)
        }
        _ => None,
    };
    let configs_json = serde_json::to_string(&configs)
        .map_err(|_| FleetError::field("grid", "The grid could not be stored."))?;
    let id = Uuid::new_v4().to_string();
    let total = i64::try_from(configs.len()).unwrap_or(i64::MAX);
    let sql = "INSERT INTO tasks (id, owner_id, dataset_id, worker_id, strategy, grid, configs, \
               configs_total, fee, slippage, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    on_pool!(&context.database, |pool| sqlx::query(sql)
        .bind(&id)
        .bind(&dataset.owner_id)
        .bind(&dataset.id)
        .bind(worker_id.as_deref())
        .bind(strategy.as_str())
        .bind(grid.to_string())
        .bind(&configs_json)
        .bind(total)
        .bind(costs.fee)
        .bind(costs.slippage)
        .bind(now())
        .execute(pool)
        .await
        .map(drop))
    .during("creating a task")?;
    announce(context, &dataset.owner_id, ChangeKind::Task, &id).await;
    owned(context, owner, &id).await.map(|row| row.to_model())
}

pub async fn find(context: &EdgeContext, id: &str) -> Result<Option<TaskRow>, FleetError> {
    let sql = format!("SELECT {TASK_COLUMNS} FROM tasks t WHERE t.id = $1");
    on_pool!(&context.database, |pool| sqlx::query_as::<_, TaskRow>(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .during("loading a task")
}

/// A task the owner may see; anyone else's is "not found".
pub async fn owned(context: &EdgeContext, owner: &Owner, id: &str) -> Result<TaskRow, FleetError> {
    find(context, id)
        .await?
        .filter(|row| owner.may_access(&row.owner_id))
        .ok_or_else(|| FleetError::not_found("task"))
}

/// The owner's tasks, newest first.
pub async fn list(context: &EdgeContext, owner: &Owner) -> Result<Vec<Task>, FleetError> {
    let sql = format!(
        "SELECT {TASK_COLUMNS} FROM tasks t WHERE t.owner_id = $1 \
         ORDER BY t.created_at DESC, t.id LIMIT 200"
    );
    let rows = on_pool!(&context.database, |pool| sqlx::query_as::<_, TaskRow>(&sql)
        .bind(&owner.user_id)
        .fetch_all(pool)
        .await)
    .during("listing tasks")?;
    Ok(rows.iter().map(TaskRow::to_model).collect())
}

/// Cancels a task: a queued one at once; a running one when its agent next reports in.
pub async fn cancel(context: &EdgeContext, owner: &Owner, id: &str) -> Result<Task, FleetError> {
    let row = owned(context, owner, id).await?;
    let now = now();
    let sql = "UPDATE tasks SET \
               state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END, \
               finished_at = CASE WHEN state = 'queued' THEN $1 ELSE finished_at END, \
               cancel_requested = CASE WHEN state = 'queued' THEN cancel_requested ELSE TRUE END \
               WHERE id = $2 AND state IN ('queued', 'leased', 'running')";
    let changed = on_pool!(&context.database, |pool| sqlx::query(sql)
        .bind(now)
        .bind(&row.id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
    .during("cancelling a task")?;
    if changed == 0 {
        return Err(FleetError::conflict(format!(
            "the task has already ended ({})",
            row.state.as_str()
        )));
    }
    announce(context, &row.owner_id, ChangeKind::Task, &row.id).await;
    owned(context, owner, id).await.map(|row| row.to_model())
}

/// Puts a failed or cancelled task back in the queue; results it already has are kept,
/// so only the missing configs run again.
pub async fn retry(context: &EdgeContext, owner: &Owner, id: &str) -> Result<Task, FleetError> {
    let row = owned(context, owner, id).await?;
    let sql = "UPDATE tasks SET state = 'queued', error = NULL, cancel_requested = FALSE, \
               leased_by = NULL, lease_expires_at = NULL, finished_at = NULL \
               WHERE id = $1 AND state IN ('failed', 'cancelled')";
    let changed = on_pool!(&context.database, |pool| sqlx::query(sql)
        .bind(&row.id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
    .during("retrying a task")?;
    if changed == 0 {
        return Err(FleetError::conflict(format!(
            "only failed or cancelled tasks can be retried; this one is {}",
            row.state.as_str()
        )));
    }
    announce(context, &row.owner_id, ChangeKind::Task, &row.id).await;
    owned(context, owner, id).await.map(|row| row.to_model())
}
