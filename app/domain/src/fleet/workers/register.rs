//! Registration: an agent trades one use of an enrollment token for a worker and its
//! first credential. The token's use count is the contested resource, so the spend and
//! the inserts commit together.

use app_model::live::ChangeKind;

use crate::live::announce;
use edge_protocol::api::{
    CREDENTIAL_PREFIX, ENROLLMENT_TOKEN_PREFIX, ErrorCode, RegisterRequest, RegisterResponse,
    SecretToken,
};
use uuid::Uuid;

use super::{MAX_FIELD_CHARS, short_field};
use crate::fleet::error::StorageContext;
use crate::fleet::events::{self, EventKind};
use crate::fleet::secrets::mint;
use crate::fleet::{EdgeContext, FleetError, now, tokens};
use crate::storage::in_transaction;

const MAX_NAME_CHARS: usize = 80;

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
    let owner: Option<String> = in_transaction!(&context.database, |tx| {
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
        Some(owner)
    })
    .during("registering a worker")?;
    let Some(owner) = owner else {
        // Lost the race for the last use, or the token changed since it was read.
        let row = tokens::find(context, token.id).await?.ok_or_else(invalid)?;
        return Err(tokens::refusal(&row, now).unwrap_or_else(|| {
            FleetError::refused(
                ErrorCode::TokenExhausted,
                "this enrollment token has no uses left",
            )
        }));
    };
    let detail = format!("{display_name} ({platform}/{arch}, version {version})");
    events::record(
        &context.database,
        &worker_id,
        EventKind::Registered,
        Some(&detail),
    )
    .await?;
    announce(context, &owner, ChangeKind::Worker, &worker_id).await;
    announce(context, &owner, ChangeKind::Token, token.id).await;
    Ok(RegisterResponse {
        worker_id: Uuid::parse_str(&worker_id).unwrap_or_default(),
        credential: credential.text,
        intervals: context.settings.intervals,
    })
}
