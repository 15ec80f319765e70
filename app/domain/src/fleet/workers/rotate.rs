//! Credential rotation as the agent performs it. An owner only asks for one (see
//! `owner_actions`); the rotation ends at the new credential's first use (see
//! `authenticate`), so a lost reply never strands the agent.

use app_model::live::ChangeKind;

use crate::live::announce;
use chrono::DateTime;
use edge_protocol::api::{CREDENTIAL_PREFIX, CredentialRotated};

use super::AuthenticatedWorker;
use crate::fleet::auth_cache;
use crate::fleet::error::StorageContext;
use crate::fleet::events::{self, EventKind};
use crate::fleet::secrets::mint;
use crate::fleet::{EdgeContext, FleetError, now};
use crate::storage::in_transaction;

/// Issues a new credential to the calling worker; the one it called with keeps working
/// for the grace period, so an agent that fails to save the new one is not locked out.
pub async fn rotate(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
) -> Result<CredentialRotated, FleetError> {
    let credential = mint(CREDENTIAL_PREFIX, &context.settings.pepper);
    let now = now();
    let grace_until = now + context.settings.rotation_grace_secs;
    let worker_id = &caller.worker.id;
    // The rotation ends when the new credential is first used (see `first_use` in
    // `authenticate.rs`), not here: if this reply is lost, the agent is still asked to
    // rotate and can.
    let insert = "INSERT INTO worker_credentials \
                  (id, worker_id, secret_hmac, created_at, awaiting_first_use) \
                  VALUES ($1, $2, $3, $4, TRUE)";
    // A credential an earlier rotation issued and nobody ever used was lost on its way:
    // it stops now rather than living on for the grace period.
    let drop_unused = "UPDATE worker_credentials SET revoked_at = $1 \
                       WHERE worker_id = $2 AND id <> $3 AND awaiting_first_use \
                       AND revoked_at IS NULL";
    let retire = "UPDATE worker_credentials SET expires_at = $1 \
                  WHERE worker_id = $2 AND id <> $3 AND revoked_at IS NULL \
                  AND (expires_at IS NULL OR expires_at > $1)";
    in_transaction!(&context.database, |tx| {
        sqlx::query(insert)
            .bind(&credential.id)
            .bind(worker_id)
            .bind(&credential.digest)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(drop_unused)
            .bind(now)
            .bind(worker_id)
            .bind(&credential.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(retire)
            .bind(grace_until)
            .bind(worker_id)
            .bind(&credential.id)
            .execute(&mut *tx)
            .await?;
    })
    .during("rotating a credential")?;
    auth_cache::changed(context, worker_id).await?;
    events::record(
        &context.database,
        worker_id,
        EventKind::CredentialRotated,
        Some("the previous credential works for the grace period"),
    )
    .await?;
    announce(
        context,
        &caller.worker.owner_id,
        ChangeKind::Worker,
        worker_id,
    )
    .await;
    Ok(CredentialRotated {
        credential: credential.text,
        previous_valid_until: DateTime::from_timestamp(grace_until, 0).unwrap_or_default(),
    })
}
