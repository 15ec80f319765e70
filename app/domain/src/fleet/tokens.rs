//! Enrollment tokens: created by an owner, spent by agents registering.

use app_model::live::ChangeKind;

use crate::live::announce;
use edge_protocol::api::{ENROLLMENT_TOKEN_PREFIX, ErrorCode};

use super::error::StorageContext;
use super::rows::{TOKEN_COLUMNS, TokenRow};
use super::secrets::mint;
use super::{EdgeContext, FleetError, Owner, now};
use crate::storage::on_pool;
use app_model::fleet::{CreatedToken, EnrollmentToken, TokenState};

/// The most uses one token may allow.
pub const MAX_USES: i64 = 1_000;
/// The longest a token may live: 30 days.
pub const MAX_TTL_SECS: i64 = 30 * 24 * 60 * 60;
const MAX_LABEL_CHARS: usize = 80;

/// What creating a token asks for; `None` takes the defaults (1 use, the configured TTL).
#[derive(Clone, Debug, Default)]
pub struct TokenRequest {
    pub label: Option<String>,
    pub max_uses: Option<i64>,
    pub ttl_secs: Option<i64>,
}

/// Creates a token for `owner`; the returned text is the only copy of its secret.
pub async fn create(
    context: &EdgeContext,
    owner: &Owner,
    request: TokenRequest,
) -> Result<CreatedToken, FleetError> {
    let max_uses = request.max_uses.unwrap_or(1);
    if !(1..=MAX_USES).contains(&max_uses) {
        return Err(FleetError::field(
            "max_uses",
            format!("Allow between 1 and {MAX_USES} uses."),
        ));
    }
    let ttl = request.ttl_secs.unwrap_or(context.settings.token_ttl_secs);
    if !(60..=MAX_TTL_SECS).contains(&ttl) {
        return Err(FleetError::field(
            "expires_in",
            "A token lives between one minute and 30 days.",
        ));
    }
    let label = request
        .label
        .map(|label| label.trim().to_owned())
        .filter(|label| !label.is_empty())
        .unwrap_or_else(|| "Enrollment token".to_owned());
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(FleetError::field(
            "label",
            format!("Use at most {MAX_LABEL_CHARS} characters."),
        ));
    }
    let minted = mint(ENROLLMENT_TOKEN_PREFIX, &context.settings.pepper);
    let created_at = now();
    let row = TokenRow {
        id: minted.id,
        owner_id: owner.user_id.clone(),
        label,
        secret_hmac: minted.digest,
        max_uses,
        uses: 0,
        expires_at: created_at + ttl,
        revoked_at: None,
        created_at,
    };
    let sql = "INSERT INTO enrollment_tokens \
               (id, owner_id, label, secret_hmac, max_uses, expires_at, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7)";
    on_pool!(&context.database, |pool| sqlx::query(sql)
        .bind(&row.id)
        .bind(&row.owner_id)
        .bind(&row.label)
        .bind(&row.secret_hmac)
        .bind(row.max_uses)
        .bind(row.expires_at)
        .bind(row.created_at)
        .execute(pool)
        .await
        .map(drop))
    .during("creating an enrollment token")?;
    announce(context, &row.owner_id, ChangeKind::Token, &row.id).await;
    Ok(CreatedToken {
        token: minted.text,
        details: row.to_model(created_at),
    })
}

/// The caller's own tokens, newest first. Administrators too see only their own here;
/// they reach another user's token by its id (see [`revoke`]).
pub async fn list(
    context: &EdgeContext,
    owner: &Owner,
) -> Result<Vec<EnrollmentToken>, FleetError> {
    let sql = format!(
        "SELECT {TOKEN_COLUMNS} FROM enrollment_tokens WHERE owner_id = $1 \
         ORDER BY created_at DESC, id LIMIT 200"
    );
    let rows = on_pool!(&context.database, |pool| sqlx::query_as::<_, TokenRow>(
        &sql
    )
    .bind(&owner.user_id)
    .fetch_all(pool)
    .await)
    .during("listing enrollment tokens")?;
    let now = now();
    Ok(rows.iter().map(|row| row.to_model(now)).collect())
}

pub async fn find(context: &EdgeContext, id: &str) -> Result<Option<TokenRow>, FleetError> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM enrollment_tokens WHERE id = $1");
    on_pool!(&context.database, |pool| sqlx::query_as::<_, TokenRow>(
        &sql
    )
    .bind(id)
    .fetch_optional(pool)
    .await)
    .during("loading an enrollment token")
}

/// Revokes a token at once; agents already registered with it keep working.
pub async fn revoke(
    context: &EdgeContext,
    owner: &Owner,
    id: &str,
) -> Result<EnrollmentToken, FleetError> {
    let mut row = find(context, id)
        .await?
        .filter(|row| owner.may_access(&row.owner_id))
        .ok_or_else(|| FleetError::not_found("enrollment token"))?;
    let now = now();
    if row.revoked_at.is_none() {
        let sql =
            "UPDATE enrollment_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";
        on_pool!(&context.database, |pool| sqlx::query(sql)
            .bind(now)
            .bind(id)
            .execute(pool)
            .await
            .map(drop))
        .during("revoking an enrollment token")?;
        row.revoked_at = Some(now);
        announce(context, &row.owner_id, ChangeKind::Token, &row.id).await;
    }
    Ok(row.to_model(now))
}

/// Why a token cannot be used now, as the API error the registering agent gets.
pub fn refusal(row: &TokenRow, now: i64) -> Option<FleetError> {
    let (code, message) = match row.state(now) {
        TokenState::Active => return None,
        TokenState::Revoked => (ErrorCode::TokenRevoked, "this enrollment token was revoked"),
        TokenState::Expired => (ErrorCode::TokenExpired, "this enrollment token has expired"),
        TokenState::UsedUp => (
            ErrorCode::TokenExhausted,
            "this enrollment token has no uses left",
        ),
    };
    Some(FleetError::refused(code, message))
}
