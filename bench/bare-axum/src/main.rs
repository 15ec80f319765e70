//! The baseline of `bench/edge`: a bare axum handler that reads the same heartbeat body as
//! `POST /edge/v1/heartbeat` (same field types, so the same parsing work) and answers the
//! same shape of reply, with no authentication and no database. The edge API's heartbeat
//! throughput is reported as a ratio against this, measured in the same run.
//!
//! `target/bench-bare/release/bare-axum 127.0.0.1:4000`

use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum RuntimeState {
    Idle,
    Busy,
    Upgrading,
    Error,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct ReportedError {
    class: String,
    message: String,
    at: DateTime<Utc>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HeartbeatRequest {
    sent_at: DateTime<Utc>,
    version: String,
    platform: String,
    arch: String,
    state: RuntimeState,
    active_task: Option<Uuid>,
    uptime_seconds: u64,
    last_error: Option<ReportedError>,
}

#[derive(Serialize)]
struct Intervals {
    heartbeat_seconds: u64,
    poll_seconds: u64,
    task_heartbeat_seconds: u64,
    lease_seconds: u64,
}

#[derive(Serialize)]
struct HeartbeatResponse {
    received_at: DateTime<Utc>,
    status: &'static str,
    intervals: Intervals,
    rotate_credential: bool,
}

async fn heartbeat(Json(request): Json<HeartbeatRequest>) -> Json<HeartbeatResponse> {
    let received_at = Utc::now();
    // Use the body the way the real handler does (clock skew), so parsing it is not dead.
    let _skew = received_at.signed_duration_since(request.sent_at);
    Json(HeartbeatResponse {
        received_at,
        status: "online",
        intervals: Intervals {
            heartbeat_seconds: 15,
            poll_seconds: 5,
            task_heartbeat_seconds: 10,
            lease_seconds: 60,
        },
        rotate_credential: false,
    })
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:4000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let app = Router::new().route("/edge/v1/heartbeat", post(heartbeat));
    axum::serve(listener, app).await
}
