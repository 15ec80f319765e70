//! The admin fleet section's read queries: every user's agents and backtests, searched by
//! name, id or owner, filtered by status and paged, with the owner named on each row.
//! Looking at one of them, and acting on it, goes through the fleet's own functions,
//! which let administrators reach anyone's objects (`Owner::may_access`).

use app_model::admin::{FleetAgent, FleetTask, UserRef};
use app_model::fleet::{TaskState, WorkerStatus};

use super::{PER_PAGE, contains_pattern, offset};
use crate::fleet::rows::{TASK_COLUMNS, TaskRow, WORKER_COLUMNS, WorkerRow};
use crate::fleet::{EdgeContext, now};
use crate::storage::{StorageError, on_pool};

/// A worker's status computed in SQL, as `WorkerRow::status` computes it in Rust:
/// disabled, then quarantined, then liveness from the last contact. `$online` and
/// `$stale` are the parameters holding the oldest last contact of each.
fn status_sql(online: u8, stale: u8) -> String {
    format!(
        "CASE WHEN w.disabled_at IS NOT NULL THEN 'disabled' \
              WHEN w.quarantined_at IS NOT NULL THEN 'quarantined' \
              WHEN w.last_seen_at >= ${online} THEN 'online' \
              WHEN w.last_seen_at >= ${stale} THEN 'stale' \
              ELSE 'offline' END"
    )
}

/// Matches `$1` (a `contains_pattern`) against an agent's name, id and version and its
/// owner's email.
const AGENT_SEARCH: &str = "(LOWER(w.display_name) LIKE $1 ESCAPE '\\' \
     OR w.id LIKE $1 ESCAPE '\\' OR LOWER(w.version) LIKE $1 ESCAPE '\\' \
     OR u.email LIKE $1 ESCAPE '\\')";

#[derive(sqlx::FromRow)]
struct AgentRow {
    #[sqlx(flatten)]
    worker: WorkerRow,
    owner_email: String,
}

/// One page of agents whose name, id, version or owner's email contains `search`,
/// newest first, optionally only those with `status`; and how many of the searched
/// agents have each status.
pub async fn agents(
    context: &EdgeContext,
    search: &str,
    status: Option<WorkerStatus>,
    page: u32,
) -> Result<(Vec<FleetAgent>, Vec<(WorkerStatus, u64)>, u64), StorageError> {
    let database = &context.database;
    let now = now();
    let online_since = now - context.settings.online_secs;
    let stale_since = now - context.settings.stale_secs;
    let pattern = contains_pattern(search);
    let wanted = status.map_or("", WorkerStatus::as_str);
    let from = "FROM workers w JOIN users u ON u.id = w.owner_id";
    let filtered = format!("{AGENT_SEARCH} AND ($2 = '' OR {} = $2)", status_sql(3, 4));
    let list = format!(
        "SELECT {WORKER_COLUMNS}, u.email AS owner_email {from} WHERE {filtered} \
         ORDER BY w.created_at DESC, w.id LIMIT $5 OFFSET $6"
    );
    let rows = on_pool!(database, |pool| sqlx::query_as::<_, AgentRow>(&list)
        .bind(&pattern)
        .bind(wanted)
        .bind(online_since)
        .bind(stale_since)
        .bind(i64::from(PER_PAGE))
        .bind(offset(page))
        .fetch_all(pool)
        .await)
    .map_err(|err| database.error(&err))?;
    let count = format!("SELECT COUNT(*) {from} WHERE {filtered}");
    let total: i64 = on_pool!(database, |pool| sqlx::query_scalar(&count)
        .bind(&pattern)
        .bind(wanted)
        .bind(online_since)
        .bind(stale_since)
        .fetch_one(pool)
        .await)
    .map_err(|err| database.error(&err))?;
    let grouped = format!(
        "SELECT {} AS status, COUNT(*) {from} WHERE {AGENT_SEARCH} GROUP BY 1",
        status_sql(2, 3)
    );
    let counts: Vec<(WorkerStatus, i64)> = on_pool!(database, |pool| sqlx::query_as(&grouped)
        .bind(&pattern)
        .bind(online_since)
        .bind(stale_since)
        .fetch_all(pool)
        .await)
    .map_err(|err| database.error(&err))?;
    let agents = rows
        .into_iter()
        .map(|row| FleetAgent {
            owner: UserRef {
                id: row.worker.owner_id.clone(),
                email: row.owner_email,
            },
            worker: row.worker.to_model(now, &context.settings),
        })
        .collect();
    Ok((
        agents,
        in_order(&WorkerStatus::ALL, &counts),
        unsigned(total),
    ))
}

/// Matches `$1` against a backtest's id, strategy and dataset id and its owner's email.
const TASK_SEARCH: &str = "(t.id LIKE $1 ESCAPE '\\' OR LOWER(t.strategy) LIKE $1 ESCAPE '\\' \
     OR t.dataset_id LIKE $1 ESCAPE '\\' OR u.email LIKE $1 ESCAPE '\\')";

#[derive(sqlx::FromRow)]
struct OwnedTaskRow {
    #[sqlx(flatten)]
    task: TaskRow,
    owner_email: String,
}

/// One page of backtests whose id, strategy, dataset or owner's email contains `search`,
/// newest first, optionally only those in `state`; and how many of the searched
/// backtests are in each state.
pub async fn tasks(
    context: &EdgeContext,
    search: &str,
    state: Option<TaskState>,
    page: u32,
) -> Result<(Vec<FleetTask>, Vec<(TaskState, u64)>, u64), StorageError> {
    let database = &context.database;
    let pattern = contains_pattern(search);
    let wanted = state.map_or("", TaskState::as_str);
    let from = "FROM tasks t JOIN users u ON u.id = t.owner_id";
    let filtered = format!("{TASK_SEARCH} AND ($2 = '' OR t.state = $2)");
    let list = format!(
        "SELECT {TASK_COLUMNS}, u.email AS owner_email {from} WHERE {filtered} \
         ORDER BY t.created_at DESC, t.id LIMIT $3 OFFSET $4"
    );
    let rows = on_pool!(database, |pool| sqlx::query_as::<_, OwnedTaskRow>(&list)
        .bind(&pattern)
        .bind(wanted)
        .bind(i64::from(PER_PAGE))
        .bind(offset(page))
        .fetch_all(pool)
        .await)
    .map_err(|err| database.error(&err))?;
    let count = format!("SELECT COUNT(*) {from} WHERE {filtered}");
    let total: i64 = on_pool!(database, |pool| sqlx::query_scalar(&count)
        .bind(&pattern)
        .bind(wanted)
        .fetch_one(pool)
        .await)
    .map_err(|err| database.error(&err))?;
    let grouped = format!("SELECT t.state, COUNT(*) {from} WHERE {TASK_SEARCH} GROUP BY t.state");
    let counts: Vec<(TaskState, i64)> = on_pool!(database, |pool| sqlx::query_as(&grouped)
        .bind(&pattern)
        .fetch_all(pool)
        .await)
    .map_err(|err| database.error(&err))?;
    let tasks = rows
        .into_iter()
        .map(|row| FleetTask {
            owner: UserRef {
                id: row.task.owner_id.clone(),
                email: row.owner_email,
            },
            task: row.task.to_model(),
        })
        .collect();
    Ok((tasks, in_order(&TaskState::ALL, &counts), unsigned(total)))
}

/// Every value of `all` with its count (zero when absent), in `all`'s order.
fn in_order<T: Copy + PartialEq>(all: &[T], counts: &[(T, i64)]) -> Vec<(T, u64)> {
    all.iter()
        .map(|value| {
            let count = counts
                .iter()
                .find(|(counted, _)| counted == value)
                .map_or(0, |(_, count)| *count);
            (*value, unsigned(count))
        })
        .collect()
}

fn unsigned(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}
