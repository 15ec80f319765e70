//! Workers: registration, credentials, heartbeats, and what owners do with them.

use chrono::{DateTime, Utc};
use edge_protocol::api::{
    CREDENTIAL_PREFIX, CredentialRotated, ENROLLMENT_TOKEN_PREFIX, ErrorCode, HeartbeatRequest,
    HeartbeatResponse, MAX_ERROR_CHARS, RegisterRequest, RegisterResponse, SecretToken,
    WorkerStatus,
};
use uuid::Uuid;

use super::auth_cache::{self, CredentialRecord};
use super::error::StorageContext;
use super::events::{self, EventKind};
use super::heartbeats::HeartbeatRecord;
use super::rows::{WORKER_COLUMNS, WorkerRow};
use super::secrets::mint;
use super::{EdgeContext, FleetError, Owner, now, tokens};
use crate::storage::on_pool;
use app_model::fleet::{Worker, WorkerEvent};

const MAX_NAME_CHARS: usize = 80;
const MAX_FIELD_CHARS: usize = 64;

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

fn short_field(field: &'static str, value: &str, max: usize) -> Result<String, FleetError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(FleetError::field(
            field,
            format!("{field} must be 1 to {max} characters"),
        ));
    }
    Ok(value.to_owned())
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
            "this worker was disabled by its owner",
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
    let first = on_pool!(&context.database, |pool| async {
        let mut tx = pool.begin().await?;
        let first = sqlx::query(used)
            .bind(credential_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if first {
            sqlx::query(clear).bind(worker_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok::<_, sqlx::Error>(first)
    }
    .await)
    .during("confirming a rotated credential")?;
    if first {
        auth_cache::changed(context, worker_id).await?;
    }
    Ok(())
}

/// Registers an agent with an enrollment token: one use of the token, spent atomically.
pub async fn register(
    context: &EdgeContext,
    bearer: Option<&str>,
    request: &RegisterRequest,
) -> Result<RegisterResponse, FleetError> {
    let token = bearer
        .and_then(|text| SecretToken::parse(ENROLLMENT_TOKEN_PREFIX, text))
        .ok_or_else(|| {
            FleetError::refused(
                ErrorCode::Unauthorized,
                "send the enrollment token as `Authorization: Bearer etr_live_…`",
            )
        })?;
    let display_name = short_field("display_name", &request.display_name, MAX_NAME_CHARS)?;
    let platform = short_field("platform", &request.platform, MAX_FIELD_CHARS)?;
    let arch = short_field("arch", &request.arch, MAX_FIELD_CHARS)?;
    let version = short_field("version", &request.version, MAX_FIELD_CHARS)?;
    let cpus = i64::from(request.cpus.clamp(1, 4096));

    let invalid = || {
        FleetError::refused(
            ErrorCode::TokenInvalid,
            "this enrollment token is not valid",
        )
    };
    let row = tokens::find(context, token.id).await?.ok_or_else(invalid)?;
    if !context
        .settings
        .pepper
        .verify(token.secret, &row.secret_hmac)
    {
        return Err(invalid());
    }
    let now = now();
    if let Some(refusal) = tokens::refusal(&row, now) {
        return Err(refusal);
    }

    let worker_id = Uuid::new_v4().to_string();
    let credential = mint(CREDENTIAL_PREFIX, &context.settings.pepper);
    // Spending the use, creating the worker and its credential commit together: the
    // conditional UPDATE is what makes 10 racing registrations on a 3-use token yield 3.
    let spend = "UPDATE enrollment_tokens SET uses = uses + 1 \
                 WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2 AND uses < max_uses \
                 RETURNING owner_id";
    let insert_worker = "INSERT INTO workers (id, owner_id, display_name, enrolled_with, platform, \
                         arch, version, cpus, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    let insert_credential = "INSERT INTO worker_credentials (id, worker_id, secret_hmac, created_at) \
                             VALUES ($1, $2, $3, $4)";
    let owner: Option<String> = on_pool!(&context.database, |pool| async {
        let mut tx = pool.begin().await?;
        let owner: Option<String> = sqlx::query_scalar(spend)
            .bind(token.id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(owner) = owner else {
            return Ok(None);
        };
        sqlx::query(insert_worker)
            .bind(&worker_id)
            .bind(&owner)
            .bind(&display_name)
            .bind(token.id)
            .bind(&platform)
            .bind(&arch)
            .bind(&version)
            .bind(cpus)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(insert_credential)
            .bind(&credential.id)
            .bind(&worker_id)
            .bind(&credential.digest)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Some(owner))
    }
    .await)
    .during("registering a worker")?;
    if owner.is_none() {
        // Lost the race for the last use, or the token changed since it was read.
        let row = tokens::find(context, token.id).await?.ok_or_else(invalid)?;
        return Err(tokens::refusal(&row, now).unwrap_or_else(|| {
            FleetError::refused(
                ErrorCode::TokenExhausted,
                "this enrollment token has no uses left",
            )
        }));
    }
    let detail = format!("{display_name} ({platform}/{arch}, version {version})");
    events::record(
        &context.database,
        &worker_id,
        EventKind::Registered,
        Some(&detail),
    )
    .await?;
    Ok(RegisterResponse {
        worker_id: Uuid::parse_str(&worker_id).unwrap_or_default(),
        credential: credential.text,
        intervals: context.settings.intervals,
    })
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Records a heartbeat: the server's receive time, the agent's clock skew, its state and
/// its last error. A worker that was stale or offline gets an `online` event.
pub async fn heartbeat(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
    request: &HeartbeatRequest,
    client_ip: Option<&str>,
) -> Result<HeartbeatResponse, FleetError> {
    let version = short_field("version", &request.version, MAX_FIELD_CHARS)?;
    let platform = short_field("platform", &request.platform, MAX_FIELD_CHARS)?;
    let arch = short_field("arch", &request.arch, MAX_FIELD_CHARS)?;
    let received_at = Utc::now();
    let now = received_at.timestamp();
    let skew_ms = request
        .sent_at
        .signed_duration_since(received_at)
        .num_milliseconds();
    let error = request.last_error.as_ref();
    let error_message = error.map(|error| truncate(&error.message, MAX_ERROR_CHARS));
    let error_at = error.map(|error| error.at.timestamp());
    let uptime = i64::try_from(request.uptime_seconds).unwrap_or(i64::MAX);
    let worker = &caller.worker;
    let record = HeartbeatRecord {
        worker_id: worker.id.clone(),
        version,
        platform,
        arch,
        runtime_state: request.state.as_str(),
        active_task_id: request.active_task.map(|id| id.to_string()),
        uptime_seconds: uptime,
        last_seen_at: now,
        clock_skew_ms: skew_ms,
        last_ip: client_ip.map(str::to_owned),
        last_error: error_message.clone(),
        last_error_class: error.map(|error| error.class.as_str()),
        last_error_at: error_at,
    };
    let back_online = worker.derived_status != WorkerStatus::Online.as_str();
    let new_error = error_message.as_deref().is_some_and(|message| {
        error_at != worker.last_error_at || worker.last_error.as_deref() != Some(message)
    });
    if back_online || new_error {
        context
            .heartbeats
            .write_now(&context.database, record)
            .await?;
        auth_cache::changed(context, &worker.id).await?;
    } else {
        context.heartbeats.record(record).await?;
    }

    if back_online {
        events::record(&context.database, &worker.id, EventKind::Online, None).await?;
    }
    if let (true, Some(error), Some(message)) = (new_error, error, error_message.as_deref()) {
        let detail = format!("{}: {message}", error.class.as_str());
        events::record(
            &context.database,
            &worker.id,
            EventKind::ErrorReported,
            Some(&detail),
        )
        .await?;
    }
    let status = if worker.quarantined_at.is_some() {
        WorkerStatus::Quarantined
    } else {
        WorkerStatus::Online
    };
    Ok(HeartbeatResponse {
        received_at,
        status,
        intervals: context.settings.intervals,
        rotate_credential: worker.rotate_requested,
    })
}

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
    // The rotation ends when the new credential is first used (see `first_use`), not
    // here: if this reply is lost, the agent is still asked to rotate and can.
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
    on_pool!(&context.database, |pool| async {
        let mut tx = pool.begin().await?;
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
        tx.commit().await
    }
    .await)
    .during("rotating a credential")?;
    auth_cache::changed(context, worker_id).await?;
    events::record(
        &context.database,
        worker_id,
        EventKind::CredentialRotated,
        Some("the previous credential works for the grace period"),
    )
    .await?;
    Ok(CredentialRotated {
        credential: credential.text,
        previous_valid_until: DateTime::from_timestamp(grace_until, 0).unwrap_or_default(),
    })
}

async fn load(context: &EdgeContext, worker_id: &str) -> Result<Option<WorkerRow>, FleetError> {
    let sql = format!("SELECT {WORKER_COLUMNS} FROM workers w WHERE w.id = $1");
    on_pool!(&context.database, |pool| sqlx::query_as::<_, WorkerRow>(
        &sql
    )
    .bind(worker_id)
    .fetch_optional(pool)
    .await)
    .during("loading a worker")
}

/// A worker the owner may see; anyone else's is "not found", never "forbidden", so ids
/// cannot be probed.
pub async fn owned(
    context: &EdgeContext,
    owner: &Owner,
    worker_id: &str,
) -> Result<WorkerRow, FleetError> {
    load(context, worker_id)
        .await?
        .filter(|row| owner.may_access(&row.owner_id))
        .ok_or_else(|| FleetError::not_found("worker"))
}

/// The owner's workers, newest first.
pub async fn list(context: &EdgeContext, owner: &Owner) -> Result<Vec<Worker>, FleetError> {
    let sql = format!(
        "SELECT {WORKER_COLUMNS} FROM workers w WHERE w.owner_id = $1 \
         ORDER BY w.created_at DESC, w.id LIMIT 500"
    );
    let rows = on_pool!(&context.database, |pool| sqlx::query_as::<_, WorkerRow>(
        &sql
    )
    .bind(&owner.user_id)
    .fetch_all(pool)
    .await)
    .during("listing workers")?;
    let now = now();
    Ok(rows
        .iter()
        .map(|row| row.to_model(now, &context.settings))
        .collect())
}

/// One worker and its timeline.
pub async fn detail(
    context: &EdgeContext,
    owner: &Owner,
    worker_id: &str,
) -> Result<(Worker, Vec<WorkerEvent>), FleetError> {
    let row = owned(context, owner, worker_id).await?;
    let timeline = events::timeline(&context.database, &row.id).await?;
    Ok((row.to_model(now(), &context.settings), timeline))
}

/// What an owner can do to a worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerAction {
    Disable,
    Enable,
    /// Lifts a quarantine.
    Release,
    /// Asks the agent to rotate its credential at its next heartbeat.
    RotateCredential,
    /// Revokes every credential at once; the agent must be enrolled again.
    RevokeCredentials,
}

pub async fn act(
    context: &EdgeContext,
    owner: &Owner,
    worker_id: &str,
    action: WorkerAction,
) -> Result<Worker, FleetError> {
    let row = owned(context, owner, worker_id).await?;
    let now = now();
    let (sql, event): (&str, Option<EventKind>) = match action {
        WorkerAction::Disable => (
            "UPDATE workers SET disabled_at = COALESCE(disabled_at, $1) WHERE id = $2",
            row.disabled_at.is_none().then_some(EventKind::Disabled),
        ),
        WorkerAction::Enable => (
            "UPDATE workers SET disabled_at = NULL WHERE id = $1",
            row.disabled_at.is_some().then_some(EventKind::Enabled),
        ),
        WorkerAction::Release => (
            "UPDATE workers SET quarantined_at = NULL, consecutive_failures = 0 WHERE id = $1",
            row.quarantined_at.is_some().then_some(EventKind::Released),
        ),
        WorkerAction::RotateCredential => (
            "UPDATE workers SET rotate_requested = TRUE WHERE id = $1",
            None,
        ),
        WorkerAction::RevokeCredentials => (
            "UPDATE worker_credentials SET revoked_at = $1 \
             WHERE worker_id = $2 AND revoked_at IS NULL",
            Some(EventKind::CredentialRevoked),
        ),
    };
    // Statements that record a time take it as $1 and the worker as $2; the rest take
    // only the worker.
    let stamped = matches!(
        action,
        WorkerAction::Disable | WorkerAction::RevokeCredentials
    );
    on_pool!(&context.database, |pool| {
        let query = if stamped {
            sqlx::query(sql).bind(now).bind(&row.id)
        } else {
            sqlx::query(sql).bind(&row.id)
        };
        query.execute(pool).await.map(drop)
    })
    .during("changing a worker")?;
    auth_cache::changed(context, &row.id).await?;
    if stamped {
        // Its leases go back to the queue now rather than when they expire.
        super::leases::requeue_worker_tasks(context, &row.id).await?;
    }
    if let Some(event) = event {
        events::record(&context.database, &row.id, event, Some("by its owner")).await?;
    }
    let row = owned(context, owner, worker_id).await?;
    Ok(row.to_model(now, &context.settings))
}
