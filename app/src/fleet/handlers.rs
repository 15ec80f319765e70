//! The bodies of the fleet's server functions (see `fleet::api`). Each one starts with
//! `require_user`. The caller acts on their own fleet, or — as an administrator — on
//! anyone's (`Owner::may_access`), so every change is audited naming who acted, whose
//! object it was and what changed.

use leptos::prelude::use_context;

use super::model::{
    CreatedToken, Dataset, DatasetChart, EnrollmentToken, FleetError, NewTask, Task, Worker,
    WorkerEvent,
};
use crate::auth::model::AuditAction;
use crate::auth::ssr::guard::{Caller, require_user};
use crate::errors::ServerFnFailure;
use app_model::results::{ResultQuery, ResultReport};
use domain::audit;
use domain::fleet::tokens::TokenRequest;
use domain::fleet::workers::WorkerAction;
use domain::fleet::{EdgeContext, Owner, datasets, results, tasks, tokens, workers};

/// Who is calling, and the fleet they act through.
struct Acting {
    context: EdgeContext,
    owner: Owner,
    caller: Caller,
}

impl Acting {
    /// Writes the audit entry of a change: the caller is the actor, the object's owner the
    /// subject, and the details name the object and say whether an administrator acted on
    /// someone else's.
    async fn audit(&self, action: AuditAction, owner_id: &str, object: &str, id: &str) {
        audit::fleet_change(
            self.caller.request.database(),
            action,
            audit::FleetActor::User(&self.caller.user.id),
            owner_id,
            (object, id),
            &self.caller.request.client,
        )
        .await;
    }
}

async fn acting() -> Result<Acting, FleetError> {
    // Read before the first await: a server function called while a page renders runs
    // inside the page's reactive owner only until it yields.
    let context = use_context::<EdgeContext>();
    let caller = require_user().await?;
    let context = context
        .ok_or_else(|| FleetError::internal("finding the fleet context", &"not provided"))?;
    let owner = Owner {
        user_id: caller.user.id.clone(),
        is_admin: caller.is_admin(),
    };
    Ok(Acting {
        context,
        owner,
        caller,
    })
}

/// The signed-in caller and the fleet they act through (also the notifications').
pub(crate) async fn caller() -> Result<(EdgeContext, Owner), FleetError> {
    let acting = acting().await?;
    Ok((acting.context, acting.owner))
}

/// The owner of a task the caller may see (to name them in the audit log).
async fn task_owner(acting: &Acting, id: &str) -> Result<String, FleetError> {
    tasks::owned(&acting.context, &acting.owner, id)
        .await
        .map(|row| row.owner_id)
        .map_err(FleetError::from)
}

pub async fn create_token(
    label: Option<String>,
    max_uses: Option<i64>,
    expires_in_minutes: Option<i64>,
) -> Result<CreatedToken, FleetError> {
    let acting = acting().await?;
    let request = TokenRequest {
        label,
        max_uses,
        ttl_secs: expires_in_minutes.map(|minutes| minutes.saturating_mul(60)),
    };
    let created = tokens::create(&acting.context, &acting.owner, request).await?;
    let owner = acting.owner.user_id.clone();
    acting
        .audit(
            AuditAction::FleetTokenCreated,
            &owner,
            "enrollment_token",
            &created.details.id,
        )
        .await;
    Ok(created)
}

pub async fn tokens() -> Result<Vec<EnrollmentToken>, FleetError> {
    let (context, owner) = caller().await?;
    tokens::list(&context, &owner)
        .await
        .map_err(FleetError::from)
}

pub async fn revoke_token(id: String) -> Result<EnrollmentToken, FleetError> {
    let acting = acting().await?;
    let owner = tokens::find(&acting.context, &id)
        .await?
        .filter(|row| acting.owner.may_access(&row.owner_id))
        .ok_or(FleetError::NotFound)?
        .owner_id;
    let revoked = tokens::revoke(&acting.context, &acting.owner, &id).await?;
    acting
        .audit(
            AuditAction::FleetTokenRevoked,
            &owner,
            "enrollment_token",
            &id,
        )
        .await;
    Ok(revoked)
}

pub async fn workers() -> Result<Vec<Worker>, FleetError> {
    let (context, owner) = caller().await?;
    workers::list(&context, &owner)
        .await
        .map_err(FleetError::from)
}

pub async fn worker(id: String) -> Result<(Worker, Vec<WorkerEvent>), FleetError> {
    let (context, owner) = caller().await?;
    workers::detail(&context, &owner, &id)
        .await
        .map_err(FleetError::from)
}

pub async fn change_worker(id: String, action: String) -> Result<Worker, FleetError> {
    let acting = acting().await?;
    let (action, audited) = match action.as_str() {
        "disable" => (WorkerAction::Disable, AuditAction::FleetWorkerDisabled),
        "enable" => (WorkerAction::Enable, AuditAction::FleetWorkerEnabled),
        "release" => (WorkerAction::Release, AuditAction::FleetWorkerReleased),
        "rotate_credential" => (
            WorkerAction::RotateCredential,
            AuditAction::FleetRotationRequested,
        ),
        "revoke_credentials" => (
            WorkerAction::RevokeCredentials,
            AuditAction::FleetCredentialsRevoked,
        ),
        _ => {
            return Err(FleetError::field(
                "action",
                "Choose disable, enable, release, rotate_credential or revoke_credentials.",
            ));
        }
    };
    let worker = workers::act(&acting.context, &acting.owner, &id, action).await?;
    acting
        .audit(audited, &worker.owner_id, "worker", &worker.id)
        .await;
    Ok(worker)
}

pub async fn datasets() -> Result<Vec<Dataset>, FleetError> {
    let (context, owner) = caller().await?;
    datasets::list(&context, &owner)
        .await
        .map_err(FleetError::from)
}

pub async fn dataset_prices(id: String) -> Result<Option<DatasetChart>, FleetError> {
    let (context, owner) = caller().await?;
    let id = id.trim();
    datasets::prices(&context, &owner, (!id.is_empty()).then_some(id))
        .await
        .map_err(FleetError::from)
}

pub async fn delete_dataset(id: String) -> Result<Dataset, FleetError> {
    let acting = acting().await?;
    let owner = datasets::owned(&acting.context, &acting.owner, &id)
        .await?
        .owner_id;
    let deleted = datasets::delete(&acting.context, &acting.owner, &id).await?;
    acting
        .audit(AuditAction::FleetDatasetDeleted, &owner, "dataset", &id)
        .await;
    Ok(deleted)
}

pub async fn create_task(task: NewTask) -> Result<Task, FleetError> {
    let acting = acting().await?;
    let created = tasks::create(&acting.context, &acting.owner, &task).await?;
    // The task belongs to its dataset's owner, who may not be the caller.
    let owner = task_owner(&acting, &created.id).await?;
    acting
        .audit(AuditAction::FleetTaskCreated, &owner, "task", &created.id)
        .await;
    Ok(created)
}

pub async fn tasks() -> Result<Vec<Task>, FleetError> {
    let (context, owner) = caller().await?;
    tasks::list(&context, &owner)
        .await
        .map_err(FleetError::from)
}

pub async fn task(id: String) -> Result<Task, FleetError> {
    let (context, owner) = caller().await?;
    tasks::owned(&context, &owner, &id)
        .await
        .map(|row| row.to_model())
        .map_err(FleetError::from)
}

pub async fn cancel_task(id: String) -> Result<Task, FleetError> {
    let acting = acting().await?;
    let owner = task_owner(&acting, &id).await?;
    let cancelled = tasks::cancel(&acting.context, &acting.owner, &id).await?;
    acting
        .audit(AuditAction::FleetTaskCancelled, &owner, "task", &id)
        .await;
    Ok(cancelled)
}

pub async fn retry_task(id: String) -> Result<Task, FleetError> {
    let acting = acting().await?;
    let owner = task_owner(&acting, &id).await?;
    let retried = tasks::retry(&acting.context, &acting.owner, &id).await?;
    acting
        .audit(AuditAction::FleetTaskRetried, &owner, "task", &id)
        .await;
    Ok(retried)
}

pub async fn task_report(
    id: String,
    query: ResultQuery,
    compare: Vec<u32>,
) -> Result<ResultReport, FleetError> {
    let (context, owner) = caller().await?;
    results::report(&context, &owner, &id, query, &compare)
        .await
        .map_err(FleetError::from)
}
