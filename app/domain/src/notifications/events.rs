//! Writing a notification for something the fleet noticed. Each is keyed by the event it
//! is about (`dedup_key`), so a sweep run by two replicas, or a retried request, notifies
//! once; a kind its user turned off is not written at all. Notifying never fails the
//! change it follows: the change is committed, and a lost notice is logged.

use app_model::live::ChangeKind;
use app_model::notifications::NotificationKind;
use edge_protocol::strategy::StrategyName;
use uuid::Uuid;

use crate::fleet::{EdgeContext, now};
use crate::live::announce;
use crate::storage::on_pool;

/// A notification about to be written.
struct Notice {
    user_id: String,
    kind: NotificationKind,
    dedup_key: String,
    title: String,
    body: String,
    link: String,
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

async fn write(context: &EdgeContext, notice: Notice) {
    let id = Uuid::new_v4().to_string();
    // The kind's setting is checked in the same statement as the write.
    let sql = "INSERT INTO notifications \
               (id, user_id, kind, dedup_key, title, body, link, created_at) \
               SELECT $1, $2, $3, $4, $5, $6, $7, $8 \
               WHERE NOT EXISTS (SELECT 1 FROM notification_settings \
                                 WHERE user_id = $2 AND kind = $3 AND NOT enabled) \
               ON CONFLICT (user_id, dedup_key) DO NOTHING";
    let written = on_pool!(&context.database, |pool| sqlx::query(sql)
        .bind(&id)
        .bind(&notice.user_id)
        .bind(notice.kind)
        .bind(&notice.dedup_key)
        .bind(clip(&notice.title, 200))
        .bind(clip(&notice.body, 1000))
        .bind(&notice.link)
        .bind(now())
        .execute(pool)
        .await
        .map(|done| done.rows_affected()));
    match written {
        Ok(0) => {}
        Ok(_) => announce(context, &notice.user_id, ChangeKind::Notification, &id).await,
        Err(err) => {
            tracing::warn!(error = %err, kind = notice.kind.as_str(), "a notification was not written");
        }
    }
}

/// Reads one row the notice needs; a row gone meanwhile (deleted) notifies nobody.
macro_rules! lookup {
    ($context:expr, $sql:expr, $id:expr, $what:literal) => {{
        let row = on_pool!(&$context.database, |pool| sqlx::query_as($sql)
            .bind($id)
            .fetch_optional(pool)
            .await);
        match row {
            Ok(Some(row)) => row,
            Ok(None) => return,
            Err(err) => {
                tracing::warn!(error = %err, concat!("a notification's ", $what, " could not be read"));
                return;
            }
        }
    }};
}

/// An agent's owner and name: whom a notice about it goes to, and what it calls it.
const AGENT_OWNER: &str = "SELECT owner_id, display_name FROM workers WHERE id = $1";

/// The liveness sweep moved an agent to offline; `last_seen` tells this transition from
/// the next one.
pub async fn agent_offline(context: &EdgeContext, worker_id: &str, last_seen: Option<i64>) {
    let (owner_id, name): (String, String) = lookup!(context, AGENT_OWNER, worker_id, "agent");
    let stale = context.settings.stale_secs;
    let silent_for = if stale < 120 {
        format!("{stale} s")
    } else {
        format!("{} min", stale / 60)
    };
    let notice = Notice {
        user_id: owner_id,
        kind: NotificationKind::AgentOffline,
        dedup_key: format!("offline:{worker_id}:{}", last_seen.unwrap_or_default()),
        title: format!("{name} is offline"),
        body: format!(
            "It has not been heard from for more than {silent_for}. Its page shows when it \
             was last seen, its last error and its timeline."
        ),
        link: format!("/fleet/{worker_id}"),
    };
    write(context, notice).await;
}

/// An agent failed enough tasks in a row to be quarantined, at `at`.
pub async fn agent_quarantined(context: &EdgeContext, worker_id: &str) {
    let (owner_id, name, at): (String, String, Option<i64>) = lookup!(
        context,
        "SELECT owner_id, display_name, quarantined_at FROM workers WHERE id = $1",
        worker_id,
        "agent"
    );
    let Some(at) = at else {
        return; // released meanwhile
    };
    let notice = Notice {
        user_id: owner_id,
        kind: NotificationKind::AgentQuarantined,
        dedup_key: format!("quarantined:{worker_id}:{at}"),
        title: format!("{name} was quarantined"),
        body: format!(
            "{name} failed {} tasks in a row, so it takes no more work until you release it \
             from its page.",
            context.settings.quarantine_after
        ),
        link: format!("/fleet/{worker_id}"),
    };
    write(context, notice).await;
}

/// How long before a retired credential stops working its owner is warned: a quarter of
/// the grace period, at most six hours (so a day's grace warns six hours ahead).
pub fn credential_warning_secs(grace_secs: i64) -> i64 {
    (grace_secs / 4).clamp(1, 6 * 60 * 60)
}

/// "about 5 hours", "40 minutes", "under a minute".
fn time_left(seconds: i64) -> String {
    match seconds {
        ..60 => "under a minute".to_owned(),
        60..7_200 => format!("{} minutes", seconds / 60),
        _ => format!("about {} hours", (seconds + 1_800) / 3_600),
    }
}

/// Tells owners of agents that rotated their credential but never called with the new
/// one that the old one stops working soon: past its grace period the agent is locked out
/// and must be enrolled again. Each credential is claimed once, by one statement, however
/// many replicas sweep; returns how many owners were told.
pub async fn credentials_expiring(context: &EdgeContext) -> Result<usize, sqlx::Error> {
    let now = now();
    let warn_until = now + credential_warning_secs(context.settings.rotation_grace_secs);
    let claim = "UPDATE worker_credentials SET expiry_notified = TRUE \
                 WHERE NOT expiry_notified AND revoked_at IS NULL \
                 AND expires_at > $1 AND expires_at <= $2 \
                 AND EXISTS (SELECT 1 FROM worker_credentials issued \
                             WHERE issued.worker_id = worker_credentials.worker_id \
                             AND issued.awaiting_first_use AND issued.revoked_at IS NULL) \
                 RETURNING id, worker_id, expires_at";
    let claimed: Vec<(String, String, i64)> = on_pool!(&context.database, |pool| {
        sqlx::query_as(claim)
            .bind(now)
            .bind(warn_until)
            .fetch_all(pool)
            .await
    })?;
    for (credential_id, worker_id, expires_at) in &claimed {
        credential_expiring(context, credential_id, worker_id, expires_at - now).await;
    }
    Ok(claimed.len())
}

async fn credential_expiring(
    context: &EdgeContext,
    credential_id: &str,
    worker_id: &str,
    seconds_left: i64,
) {
    let (owner_id, name): (String, String) = lookup!(context, AGENT_OWNER, worker_id, "agent");
    let notice = Notice {
        user_id: owner_id,
        kind: NotificationKind::CredentialExpiring,
        dedup_key: format!("credential:{credential_id}"),
        title: format!("{name}'s old credential stops working soon"),
        body: format!(
            "{name} was issued a new credential but has not called with it yet, and the old \
             one stops working in {}. Start the agent before then and it switches by \
             itself; after that it has to be enrolled again with a new token.",
            time_left(seconds_left)
        ),
        link: format!("/fleet/{worker_id}"),
    };
    write(context, notice).await;
}

/// A task ended; its owner hears if it finished or failed (not if they cancelled it).
pub async fn task_ended(context: &EdgeContext, task_id: &str) {
    #[derive(sqlx::FromRow)]
    struct Ended {
        owner_id: String,
        state: String,
        strategy: String,
        configs_total: i64,
        error: Option<String>,
        finished_at: Option<i64>,
        dataset: Option<String>,
    }
    let ended: Ended = lookup!(
        context,
        "SELECT t.owner_id, t.state, t.strategy, t.configs_total, t.error, t.finished_at, \
         (SELECT d.name FROM datasets d WHERE d.id = t.dataset_id) AS dataset \
         FROM tasks t WHERE t.id = $1",
        task_id,
        "task"
    );
    let strategy =
        StrategyName::parse(&ended.strategy).map_or(ended.strategy.as_str(), |name| name.label());
    let on = ended
        .dataset
        .as_deref()
        .map(|dataset| format!(" on {dataset}"))
        .unwrap_or_default();
    let (kind, title, body) = match ended.state.as_str() {
        "done" => (
            NotificationKind::BacktestFinished,
            format!("Backtest finished: {strategy}{on}"),
            format!(
                "All {} configs ran. The ranked results, charts and heatmap are ready.",
                ended.configs_total
            ),
        ),
        "failed" => (
            NotificationKind::BacktestFailed,
            format!("Backtest failed: {strategy}{on}"),
            ended
                .error
                .unwrap_or_else(|| "It failed without a reason.".to_owned()),
        ),
        _ => return,
    };
    let notice = Notice {
        user_id: ended.owner_id,
        kind,
        dedup_key: format!(
            "task:{task_id}:{}:{}",
            ended.state,
            ended.finished_at.unwrap_or_default()
        ),
        title,
        body,
        link: format!("/backtests/{task_id}"),
    };
    write(context, notice).await;
}

#[cfg(test)]
mod tests {
    use super::{credential_warning_secs, time_left};

    #[test]
    fn a_days_grace_warns_six_hours_ahead_and_a_short_one_a_quarter_of_it() {
        assert_eq!(credential_warning_secs(24 * 60 * 60), 6 * 60 * 60);
        assert_eq!(credential_warning_secs(8 * 60 * 60), 2 * 60 * 60);
        assert_eq!(credential_warning_secs(2), 1);
    }

    #[test]
    fn time_left_reads_as_a_person_would_say_it() {
        assert_eq!(time_left(30), "under a minute");
        assert_eq!(time_left(60 * 40), "40 minutes");
        assert_eq!(time_left(6 * 60 * 60 - 90), "about 6 hours");
    }
}
