//! `edge-agent status`: which config is in use, whether the server answers, and what it
//! says about this worker. Exit 0 when the server answered about the worker, 1 otherwise.

use std::io::{self, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use edge_protocol::api::WorkerInfo;
use serde_json::json;

use crate::cli::StatusArgs;
use crate::client::{Client, ClientError};
use crate::config::{AgentConfig, resolve_path};
use crate::failure::{Failure, advice};
use crate::transport;

/// What was found out, for either output format.
struct Report<'a> {
    path: &'a Path,
    config: Option<&'a AgentConfig>,
    reachable: bool,
    worker: Option<WorkerInfo>,
    /// Why the worker's status is unknown.
    error: Option<String>,
}

pub fn run(args: StatusArgs) -> Result<(), Failure> {
    let path = resolve_path(args.config.config)?;
    let report = match AgentConfig::load(&path) {
        Ok(config) => check(&path, &config, args.transport.insecure)
            .and_then(|report| print(&report, args.json)),
        Err(err) => print(
            &Report {
                path: &path,
                config: None,
                reachable: false,
                worker: None,
                error: Some(err.to_string()),
            },
            args.json,
        ),
    }?;
    if report {
        Ok(())
    } else {
        Err(Failure::silent())
    }
}

/// Asks the server: `/health` for reachability, then `/edge/v1/worker` with the credential.
fn check<'a>(
    path: &'a Path,
    config: &'a AgentConfig,
    insecure: bool,
) -> Result<Report<'a>, Failure> {
    transport::check(&config.server_url, insecure)
        .map_err(|problem| Failure::new(format!("server_url in {}: {problem}", path.display())))?;
    let client = Client::new(&config.server_url, config.credential.clone(), insecure)
        .map_err(|err| Failure::new(format!("could not set up the HTTP client: {err}")))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure::new(format!("could not start the async runtime: {err}")))?;
    let (health, worker) =
        runtime.block_on(async { tokio::join!(client.health(), client.worker_info()) });
    let (worker, error) = match worker {
        Ok(worker) => (Some(worker), None),
        Err(err) => (None, Some(describe(&err))),
    };
    Ok(Report {
        path,
        config: Some(config),
        reachable: matches!(health, Ok(true)),
        worker,
        error,
    })
}

/// Prints the report; `Ok(true)` when the worker's status is known.
fn print(report: &Report<'_>, json: bool) -> Result<bool, Failure> {
    let known = report.worker.is_some();
    let mut out = io::stdout().lock();
    let written = if json {
        let value = json!({
            "config_path": report.path.display().to_string(),
            "server_url": report.config.map(|config| &config.server_url),
            "worker_id": report.config.map(|config| config.worker_id),
            "reachable": report.reachable,
            "status": report.worker.as_ref().map(|worker| worker.status.as_str()),
            "last_seen_at": report.worker.as_ref().and_then(|worker| worker.last_seen_at),
            "error": report.error,
        });
        writeln!(out, "{value}")
    } else {
        writeln!(out, "{}", text(report, Utc::now()))
    };
    written.map_err(|err| Failure::new(format!("could not print the status: {err}")))?;
    Ok(known)
}

fn text(report: &Report<'_>, now: DateTime<Utc>) -> String {
    let mut lines = vec![format!("config     {}", report.path.display())];
    if let Some(config) = report.config {
        lines.push(format!(
            "server     {} ({})",
            config.server_url,
            if report.reachable {
                "reachable"
            } else {
                "not reachable"
            }
        ));
        lines.push(format!(
            "worker     {} \"{}\"",
            config.worker_id, config.display_name
        ));
    }
    match (&report.worker, &report.error) {
        (Some(worker), _) => lines.push(format!(
            "status     {}, {}",
            worker.status.as_str(),
            last_seen(worker.last_seen_at, now)
        )),
        (None, Some(error)) => lines.push(format!("status     unknown: {error}")),
        (None, None) => lines.push("status     unknown".to_owned()),
    }
    lines.join("\n")
}

fn last_seen(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(at) = at else {
        return "never seen".to_owned();
    };
    let ago = (now - at).num_seconds().max(0);
    let ago = match ago {
        0..60 => format!("{ago} s ago"),
        60..3600 => format!("{} min ago", ago / 60),
        3600..86_400 => format!("{} h ago", ago / 3600),
        _ => format!("{} days ago", ago / 86_400),
    };
    format!("last seen {} ({ago})", at.format("%Y-%m-%d %H:%M:%S UTC"))
}

/// The error as a person should read it: fatal codes come with what to do.
fn describe(err: &ClientError) -> String {
    match err {
        ClientError::Api { error, .. } if error.code.is_fatal_for_agent() => advice(error),
        other => other.to_string(),
    }
}
