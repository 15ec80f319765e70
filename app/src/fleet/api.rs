//! The fleet's server functions, with stable endpoints under `/api/fleet/`. Each checks
//! the caller inside: anonymous callers get 401, and a user only ever reaches their own
//! tokens, workers, datasets and tasks (administrators reach everyone's by id).
//!
//! Datasets are uploaded through a plain streaming route instead
//! (`POST /api/fleet/datasets/upload`, in the server): a server function's body is read
//! whole and capped at 2 MB, far below a year of minute candles.

use leptos::prelude::*;

use super::model::{
    CreatedToken, Dataset, DatasetChart, EnrollmentToken, FleetError, NewTask, Task, Worker,
    WorkerEvent,
};
#[cfg(feature = "ssr")]
use crate::errors::with_status;
use app_model::results::{ResultQuery, ResultReport};

/// Creates an enrollment token; the response is the only time its secret is shown.
#[server(prefix = "/api", endpoint = "fleet/create_token")]
pub async fn create_enrollment_token(
    #[server(default)] label: Option<String>,
    #[server(default)] max_uses: Option<i64>,
    #[server(default)] expires_in_minutes: Option<i64>,
) -> Result<CreatedToken, FleetError> {
    with_status(super::handlers::create_token(label, max_uses, expires_in_minutes).await)
}

/// The caller's enrollment tokens, newest first.
#[server(prefix = "/api", endpoint = "fleet/tokens")]
pub async fn list_enrollment_tokens() -> Result<Vec<EnrollmentToken>, FleetError> {
    with_status(super::handlers::tokens().await)
}

/// Revokes an enrollment token at once.
#[server(prefix = "/api", endpoint = "fleet/revoke_token")]
pub async fn revoke_enrollment_token(id: String) -> Result<EnrollmentToken, FleetError> {
    with_status(super::handlers::revoke_token(id).await)
}

/// The caller's workers, with their status.
#[server(prefix = "/api", endpoint = "fleet/workers")]
pub async fn list_workers() -> Result<Vec<Worker>, FleetError> {
    with_status(super::handlers::workers().await)
}

/// One worker and its event timeline.
#[server(prefix = "/api", endpoint = "fleet/worker")]
pub async fn worker_detail(id: String) -> Result<(Worker, Vec<WorkerEvent>), FleetError> {
    with_status(super::handlers::worker(id).await)
}

/// Acts on a worker: `disable`, `enable`, `release` (lift a quarantine),
/// `rotate_credential` or `revoke_credentials`.
#[server(prefix = "/api", endpoint = "fleet/worker_action")]
pub async fn change_worker(id: String, action: String) -> Result<Worker, FleetError> {
    with_status(super::handlers::change_worker(id, action).await)
}

/// The caller's datasets, newest first.
#[server(prefix = "/api", endpoint = "fleet/datasets")]
pub async fn list_datasets() -> Result<Vec<Dataset>, FleetError> {
    with_status(super::handlers::datasets().await)
}

/// Dataset `id` (or, empty, the caller's newest) with its price outline; `None` when the
/// caller has no dataset.
#[server(prefix = "/api", endpoint = "fleet/dataset_prices")]
pub async fn dataset_prices(
    #[server(default)] id: String,
) -> Result<Option<DatasetChart>, FleetError> {
    with_status(super::handlers::dataset_prices(id).await)
}

/// Deletes a dataset; refused while a backtest refers to it.
#[server(prefix = "/api", endpoint = "fleet/delete_dataset")]
pub async fn delete_dataset(id: String) -> Result<Dataset, FleetError> {
    with_status(super::handlers::delete_dataset(id).await)
}

/// Creates a task: a strategy over a dataset for every config of a parameter grid.
#[server(prefix = "/api", endpoint = "fleet/create_task")]
pub async fn create_task(task: NewTask) -> Result<Task, FleetError> {
    with_status(super::handlers::create_task(task).await)
}

/// The caller's tasks, newest first.
#[server(prefix = "/api", endpoint = "fleet/tasks")]
pub async fn list_tasks() -> Result<Vec<Task>, FleetError> {
    with_status(super::handlers::tasks().await)
}

/// One task and its progress.
#[server(prefix = "/api", endpoint = "fleet/task")]
pub async fn task_detail(id: String) -> Result<Task, FleetError> {
    with_status(super::handlers::task(id).await)
}

/// Cancels a task: at once when queued, within one task heartbeat when running.
#[server(prefix = "/api", endpoint = "fleet/cancel_task")]
pub async fn cancel_task(id: String) -> Result<Task, FleetError> {
    with_status(super::handlers::cancel_task(id).await)
}

/// Puts a failed or cancelled task back in the queue.
#[server(prefix = "/api", endpoint = "fleet/retry_task")]
pub async fn retry_task(id: String) -> Result<Task, FleetError> {
    with_status(super::handlers::retry_task(id).await)
}

/// A results page in one call: the ranked page, the compared configs in full (or the
/// page's best), and the ranked metric over the parameter grid.
#[server(prefix = "/api", endpoint = "fleet/task_report")]
pub async fn task_report(
    id: String,
    query: ResultQuery,
    #[server(default)] compare: Vec<u32>,
) -> Result<ResultReport, FleetError> {
    with_status(super::handlers::task_report(id, query, compare).await)
}
