//! The baseline of `bench/edge`: a bare axum handler that reads the same heartbeat body and
//! answers the same shape of reply, with no authentication and no database. The edge API's
//! heartbeat throughput is reported as a ratio against this, measured in the same run.
//!
//! `cargo run --release -p server --example bare_heartbeat -- 127.0.0.1:4000`

use axum::routing::post;
use axum::{Json, Router};
use edge_protocol::api::{HeartbeatRequest, HeartbeatResponse, Intervals, WorkerStatus};

async fn heartbeat(Json(request): Json<HeartbeatRequest>) -> Json<HeartbeatResponse> {
    let received_at = chrono::Utc::now();
    // Touch the body the way the real handler does, so the work is the same.
    let _ = received_at.signed_duration_since(request.sent_at);
    Json(HeartbeatResponse {
        received_at,
        status: WorkerStatus::Online,
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
