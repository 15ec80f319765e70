//! The audit log: who did what to whom, from where. Never secrets.

use crate::client::ClientInfo;
use crate::storage::Database;
use crate::storage::on_pool;

pub use app_model::auth::AuditAction;

/// The statement that writes one entry: actor, subject, action, ip, user agent, details,
/// time. Also used inside transactions whose change must not happen unaudited.
pub const INSERT: &str = "INSERT INTO audit_log (actor_id, subject_id, action, ip, user_agent, details, at) \
                          VALUES ($1, $2, $3, $4, $5, $6, $7)";

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
        .bind(crate::clock::now())
        .execute(pool)
        .await
        .map(drop));
    if let Err(err) = result {
        tracing::error!(action = action.as_str(), error = %err, "audit entry not written");
    }
}

/// Who changed a fleet object.
#[derive(Clone, Copy, Debug)]
pub enum FleetActor<'a> {
    /// A signed-in user: the owner, or an administrator acting on someone else's fleet.
    User(&'a str),
    /// An operator at the server's command line.
    Shell,
}

/// Writes the entry of a change to a fleet object: the actor, the object's owner as the
/// subject, and details naming the object — with `by_admin` when a signed-in user acted
/// on someone else's, or `"via": "cli"` from the shell.
pub async fn fleet_change(
    database: &Database,
    action: AuditAction,
    actor: FleetActor<'_>,
    owner_id: &str,
    (object, id): (&str, &str),
    client: &ClientInfo,
) {
    let (actor_id, details) = match actor {
        FleetActor::User(user_id) => (
            Some(user_id),
            serde_json::json!({
                "object": object, "id": id, "owner": owner_id, "by_admin": user_id != owner_id,
            }),
        ),
        FleetActor::Shell => (
            None,
            serde_json::json!({ "object": object, "id": id, "owner": owner_id, "via": "cli" }),
        ),
    };
    record(database, action, actor_id, Some(owner_id), client, details).await;
}
