//! `luckyplans worker …`: an account's edge agents from a shell — list them, and disable,
//! enable, release from quarantine, rotate or revoke one. The same rules as the app's
//! worker actions; every change is audited with `"via": "cli"`.

use app::auth::model::AuditAction;
use app_model::fleet::Worker;
use clap::Subcommand;
use domain::fleet::workers::{self, WorkerAction};
use domain::fleet::{EdgeContext, FleetError};

use super::{audit_change, describe, operator, owner_by_email};

#[derive(Debug, Subcommand)]
pub enum WorkerCommand {
    /// List an account's workers: id, status, name, platform, version, last heard.
    List {
        /// The email of the account whose workers to list.
        #[arg(long)]
        owner: String,
        /// Print JSON: one object per worker, as the app's server functions return it.
        #[arg(long)]
        json: bool,
    },
    /// Stop giving a worker tasks and refuse its calls; its leases go back to the queue.
    Disable { id: String },
    /// Undo `disable`.
    Enable { id: String },
    /// Lift a quarantine: the worker gets tasks again and its failure count restarts.
    Release { id: String },
    /// Ask the agent to rotate its credential at its next heartbeat.
    RotateCredential { id: String },
    /// Revoke every credential of the worker at once; its agent must enrol again.
    Revoke { id: String },
}

pub async fn execute(context: &EdgeContext, command: WorkerCommand) -> Result<String, String> {
    let (id, action, audited) = match command {
        WorkerCommand::List { owner, json } => return list(context, &owner, json).await,
        WorkerCommand::Disable { id } => {
            (id, WorkerAction::Disable, AuditAction::FleetWorkerDisabled)
        }
        WorkerCommand::Enable { id } => (id, WorkerAction::Enable, AuditAction::FleetWorkerEnabled),
        WorkerCommand::Release { id } => {
            (id, WorkerAction::Release, AuditAction::FleetWorkerReleased)
        }
        WorkerCommand::RotateCredential { id } => (
            id,
            WorkerAction::RotateCredential,
            AuditAction::FleetRotationRequested,
        ),
        WorkerCommand::Revoke { id } => (
            id,
            WorkerAction::RevokeCredentials,
            AuditAction::FleetCredentialsRevoked,
        ),
    };
    let worker = workers::act(context, &operator(), &id, action)
        .await
        .map_err(|err| describe(&err))?;
    audit_change(context, audited, &worker.owner_id, "worker", &worker.id).await;
    Ok(line(&worker))
}

async fn list(context: &EdgeContext, owner: &str, json: bool) -> Result<String, String> {
    let owner = owner_by_email(&context.database, owner).await?;
    let workers = workers::list(context, &owner)
        .await
        .map_err(|err: FleetError| describe(&err))?;
    if json {
        return serde_json::to_string_pretty(&workers).map_err(|err| err.to_string());
    }
    if workers.is_empty() {
        return Ok("no workers: enrol one with `edge-agent onboard`".to_owned());
    }
    Ok(workers.iter().map(line).collect::<Vec<_>>().join("\n"))
}

/// One worker on one line, the columns people scan for: which, in what state, where.
fn line(worker: &Worker) -> String {
    let heard = worker.last_seen_at.map_or_else(
        || "never heard from".to_owned(),
        |at| {
            chrono::DateTime::from_timestamp(at, 0).map_or_else(
                || at.to_string(),
                |time| format!("last heard {}", time.format("%Y-%m-%d %H:%M:%S UTC")),
            )
        },
    );
    let mut text = format!(
        "{}  {}  {}  {}/{} v{}  {heard}",
        worker.id,
        worker.status.as_str(),
        worker.display_name,
        worker.platform,
        worker.arch,
        worker.version,
    );
    if worker.consecutive_failures > 0 {
        text.push_str(&format!(
            "  {} failed in a row",
            worker.consecutive_failures
        ));
    }
    text
}
