//! The bodies of the fleet's server functions (see `fleet::api`). Each one starts with
//! `require_user`; the owner is always the caller.

use edge_protocol::api::ErrorCode;
use leptos::prelude::use_context;

use super::model::{CreatedToken, Dataset, EnrollmentToken, NewTask, Task, Worker, WorkerEvent};
use super::ssr::tokens::TokenRequest;
use super::ssr::workers::WorkerAction;
use super::ssr::{EdgeContext, FleetError, Owner, datasets, tasks, tokens, workers};
use crate::auth::model::AuthError;
use crate::auth::ssr::guard::require_user;
use crate::auth::ssr::request::internal;

async fn caller() -> Result<(EdgeContext, Owner), AuthError> {
    let caller = require_user().await?;
    let context = use_context::<EdgeContext>()
        .ok_or_else(|| internal("finding the fleet context", &"not provided"))?;
    let owner = Owner {
        user_id: caller.user.id.clone(),
        is_admin: caller.is_admin(),
    };
    Ok((context, owner))
}

/// The app's error for a fleet error: field messages stay on their fields.
fn refused(err: FleetError) -> AuthError {
    match err {
        FleetError::Refused {
            code,
            message,
            field,
            ..
        } => match code {
            ErrorCode::NotFound => AuthError::NotFound,
            ErrorCode::Forbidden => AuthError::Forbidden,
            ErrorCode::Conflict => AuthError::Conflict { message },
            _ => AuthError::field(field.unwrap_or("form"), message),
        },
        storage @ FleetError::Storage { .. } => internal("a fleet operation", &storage),
    }
}

pub async fn create_token(
    label: Option<String>,
    max_uses: Option<i64>,
    expires_in_minutes: Option<i64>,
) -> Result<CreatedToken, AuthError> {
    let (context, owner) = caller().await?;
    let request = TokenRequest {
        label,
        max_uses,
        ttl_secs: expires_in_minutes.map(|minutes| minutes.saturating_mul(60)),
    };
    tokens::create(&context, &owner, request)
        .await
        .map_err(refused)
}

pub async fn tokens() -> Result<Vec<EnrollmentToken>, AuthError> {
    let (context, owner) = caller().await?;
    tokens::list(&context, &owner).await.map_err(refused)
}

pub async fn revoke_token(id: String) -> Result<EnrollmentToken, AuthError> {
    let (context, owner) = caller().await?;
    tokens::revoke(&context, &owner, &id).await.map_err(refused)
}

pub async fn workers() -> Result<Vec<Worker>, AuthError> {
    let (context, owner) = caller().await?;
    workers::list(&context, &owner).await.map_err(refused)
}

pub async fn worker(id: String) -> Result<(Worker, Vec<WorkerEvent>), AuthError> {
    let (context, owner) = caller().await?;
    workers::detail(&context, &owner, &id)
        .await
        .map_err(refused)
}

pub async fn change_worker(id: String, action: String) -> Result<Worker, AuthError> {
    let (context, owner) = caller().await?;
    let action = match action.as_str() {
        "disable" => WorkerAction::Disable,
        "enable" => WorkerAction::Enable,
        "release" => WorkerAction::Release,
        "rotate_credential" => WorkerAction::RotateCredential,
        "revoke_credentials" => WorkerAction::RevokeCredentials,
        _ => {
            return Err(AuthError::field(
                "action",
                "Choose disable, enable, release, rotate_credential or revoke_credentials.",
            ));
        }
    };
    workers::act(&context, &owner, &id, action)
        .await
        .map_err(refused)
}

pub async fn datasets() -> Result<Vec<Dataset>, AuthError> {
    let (context, owner) = caller().await?;
    datasets::list(&context, &owner).await.map_err(refused)
}

pub async fn create_task(task: NewTask) -> Result<Task, AuthError> {
    let (context, owner) = caller().await?;
    tasks::create(&context, &owner, &task)
        .await
        .map_err(refused)
}

pub async fn tasks() -> Result<Vec<Task>, AuthError> {
    let (context, owner) = caller().await?;
    tasks::list(&context, &owner).await.map_err(refused)
}

pub async fn task(id: String) -> Result<Task, AuthError> {
    let (context, owner) = caller().await?;
    tasks::owned(&context, &owner, &id)
        .await
        .map(|row| row.to_model())
        .map_err(refused)
}

pub async fn cancel_task(id: String) -> Result<Task, AuthError> {
    let (context, owner) = caller().await?;
    tasks::cancel(&context, &owner, &id).await.map_err(refused)
}

pub async fn retry_task(id: String) -> Result<Task, AuthError> {
    let (context, owner) = caller().await?;
    tasks::retry(&context, &owner, &id).await.map_err(refused)
}
