//! The audit log: who did what to whom, from where. Never secrets.

use crate::client::ClientInfo;
use crate::storage::Database;
use crate::storage::on_pool;

pub use app_model::auth::AuditAction;

/// The statement that writes one entry: actor, subject, action, ip, user agent, details.
/// Also used inside transactions whose change must not happen unaudited.
pub const INSERT: &str = "INSERT INTO audit_log (actor_id, subject_id, action, ip, user_agent, details) \
                          VALUES ($1, $2, $3, $4, $5, $6)";

/// Writes one entry. A failure is logged and swallowed: the audited action already happened.
pub async fn record(
    database: &Database,
    action: AuditAction,
    actor: Option<&str>,
    subject: Option<&str>,
    client: &ClientInfo,
    details: serde_json::Value,
) {
    let details = details.to_string();
    let result = on_pool!(database, |pool| sqlx::query(INSERT)
        .bind(actor)
        .bind(subject)
        .bind(action.as_str())
        .bind(client.ip.as_deref())
        .bind(client.user_agent.as_deref())
        .bind(&details)
        .execute(pool)
        .await
        .map(drop));
    if let Err(err) = result {
        tracing::error!(action = action.as_str(), error = %err, "audit entry not written");
    }
}
