//! Who is calling: the agent's bearer credential checked against the database, or the
//! cache in front of it. Every agent route starts here, so the first use of a rotated
//! credential is noticed here too.

use edge_protocol::api::{CREDENTIAL_PREFIX, ErrorCode, SecretToken};

use crate::fleet::auth_cache::{self, CredentialRecord};
use crate::fleet::error::StorageContext;
use crate::fleet::rows::{WORKER_COLUMNS, WorkerRow};
use crate::fleet::{EdgeContext, FleetError, now};
use crate::storage::{in_transaction, on_pool};

/// A caller whose credential checked out.
#[derive(Clone, Debug)]
pub struct AuthenticatedWorker {
    pub worker: WorkerRow,
    pub credential_id: String,
}

fn unauthorized() -> FleetError {
    FleetError::refused(
        ErrorCode::Unauthorized,
        "send the worker credential as `Authorization: Bearer wk_live_…`",
    )
}

/// Checks a bearer credential: the secret, then revocation and expiry, then the worker.
pub async fn authenticate(
    context: &EdgeContext,
    bearer: Option<&str>,
) -> Result<AuthenticatedWorker, FleetError> {
    check_credential(context, bearer, true).await
}

/// [`authenticate`] reading the database whatever the cache holds: for answers that must
/// show the worker as it is now (its last contact, its status).
pub async fn authenticate_fresh(
    context: &EdgeContext,
    bearer: Option<&str>,
) -> Result<AuthenticatedWorker, FleetError> {
    check_credential(context, bearer, false).await
}

async fn check_credential(
    context: &EdgeContext,
    bearer: Option<&str>,
    cached: bool,
) -> Result<AuthenticatedWorker, FleetError> {
    let token = bearer
        .and_then(|text| SecretToken::parse(CREDENTIAL_PREFIX, text))
        .ok_or_else(unauthorized)?;
    let invalid =
        || FleetError::refused(ErrorCode::CredentialInvalid, "this credential is not valid");
    let row = match cached.then(|| context.auth_cache.get(token.id)).flatten() {
        Some(row) => row,
        None => {
            // Taken before the read: a change committed after it keeps this row out.
            let ticket = context.auth_cache.ticket();
            let row = read_credential(context, token.id)
                .await?
                .ok_or_else(invalid)?;
            // Only a credential that checks out is remembered.
            if context
                .settings
                .pepper
                .verify(token.secret, &row.secret_hmac)
                && row.revoked_at.is_none()
            {
                context.auth_cache.put(ticket, token.id, row.clone());
            }
            std::sync::Arc::new(row)
        }
    };
    if !context
        .settings
        .pepper
        .verify(token.secret, &row.secret_hmac)
    {
        return Err(invalid());
    }
    if row.revoked_at.is_some() {
        return Err(FleetError::refused(
            ErrorCode::CredentialRevoked,
            "this credential was revoked; enrol the agent again",
        ));
    }
    if row.expires_at.is_some_and(|expires| expires <= now()) {
        return Err(FleetError::refused(
            ErrorCode::CredentialExpired,
            "this credential was rotated and its grace period is over",
        ));
    }
    if row.worker.disabled_at.is_some() {
        return Err(FleetError::refused(
            ErrorCode::WorkerDisabled,
            "this worker was disabled by its owner or an administrator",
        ));
    }
    let mut worker = row.worker.clone();
    if row.awaiting_first_use {
        first_use(context, token.id, &worker.id).await?;
        worker.rotate_requested = false;
    }
    Ok(AuthenticatedWorker {
        worker,
        credential_id: token.id.to_owned(),
    })
}

/// A credential and its worker as the database has them now.
pub async fn read_credential(
    context: &EdgeContext,
    credential_id: &str,
) -> Result<Option<CredentialRecord>, FleetError> {
    let sql = format!(
        "SELECT c.secret_hmac, c.expires_at, c.revoked_at, c.awaiting_first_use, \
         {WORKER_COLUMNS} \
         FROM worker_credentials c JOIN workers w ON w.id = c.worker_id WHERE c.id = $1"
    );
    on_pool!(&context.database, |pool| {
        sqlx::query_as::<_, CredentialRecord>(&sql)
            .bind(credential_id)
            .fetch_optional(pool)
            .await
    })
    .during("checking a worker credential")
}

/// The first call with a credential a rotation issued: the agent has it, so the rotation
/// is over. Until then the worker keeps being asked to rotate, so a lost reply is repaired
/// by rotating again with the old credential.
async fn first_use(
    context: &EdgeContext,
    credential_id: &str,
    worker_id: &str,
) -> Result<(), FleetError> {
    let used = "UPDATE worker_credentials SET awaiting_first_use = FALSE \
                WHERE id = $1 AND awaiting_first_use";
    let clear = "UPDATE workers SET rotate_requested = FALSE WHERE id = $1";
    let first = in_transaction!(&context.database, |tx| {
        let first = sqlx::query(used)
            .bind(credential_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if first {
            sqlx::query(clear).bind(worker_id).execute(&mut *tx).await?;
        }
        first
    })
    .during("confirming a rotated credential")?;
    if first {
        auth_cache::changed(context, worker_id).await?;
    }
    Ok(())
}
