//! `/health` (the process runs) and `/ready` (every dependency answers).

use std::future::Future;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::storage::StorageError;
use serde::Serialize;

use crate::state::AppState;

const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

/// Liveness: 200 as long as the process can answer.
pub async fn health() -> Json<impl Serialize> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// One dependency's state.
#[derive(Debug, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub backend: &'static str,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Serialize)]
struct Readiness {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed: Option<&'static str>,
    version: &'static str,
    uptime_secs: u64,
    checks: Vec<Check>,
}

async fn check(
    name: &'static str,
    backend: &'static str,
    probe: impl Future<Output = Result<(), StorageError>>,
) -> Check {
    let error = match tokio::time::timeout(CHECK_TIMEOUT, probe).await {
        Ok(Ok(())) => None,
        Ok(Err(err)) => Some(err.to_string()),
        Err(_) => Some(format!(
            "{name} did not answer within {} s",
            CHECK_TIMEOUT.as_secs()
        )),
    };
    Check {
        name,
        backend,
        status: if error.is_none() { "ok" } else { "error" },
        error,
    }
}

/// Readiness: 200 when the database, session store and object store all answer,
/// else 503 naming the first that failed and why.
///
/// Anyone may call it, as often as they like, concurrently: every probe only reads.
/// Expired sessions are swept by a background job, never by a probe.
pub async fn ready(State(state): State<AppState>) -> Response {
    let (database, sessions, objects) = tokio::join!(
        check(
            "database",
            state.database().backend(),
            state.database().ping()
        ),
        check(
            "session_store",
            state.sessions().backend(),
            state.sessions().ping()
        ),
        check(
            "object_store",
            state.objects().backend(),
            state.objects().probe()
        ),
    );
    let checks = vec![database, sessions, objects];
    let failed = checks.iter().find(|c| c.error.is_some()).map(|c| c.name);
    if let Some(name) = failed {
        tracing::warn!(dependency = name, "not ready");
    }
    let status = if failed.is_some() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let body = Readiness {
        status: if failed.is_some() {
            "unavailable"
        } else {
            "ready"
        },
        failed,
        version: env!("CARGO_PKG_VERSION"),
        uptime_secs: state.uptime_secs(),
        checks,
    };
    (status, Json(body)).into_response()
}
