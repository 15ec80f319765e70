//! The edge API (`/edge/v1`): enrollment, credentials, heartbeats, the task queue, who may
//! touch what, and the OpenAPI document.

mod admin_fleet;
mod agent;
mod audit;
mod dataset_formats;
mod datasets;
mod enrollment;
mod liveness;
mod openapi;
mod ownership;
pub(crate) mod results;
pub mod support;
mod tasks;
mod worker_cli;

use crate::helpers::spawn_app;

#[tokio::test]
async fn unknown_edge_endpoints_answer_typed_json_on_every_host() {
    let app = spawn_app().await;
    for host in [
        "localhost",
        "docs.localhost",
        "beta.localhost",
        "admin.localhost",
        "api.localhost",
    ] {
        let response = app.get(host, "/edge/v1/nope").send().await.expect("edge");
        assert_eq!(response.status(), 404, "{host}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{host}"
        );
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["code"], "not_found", "{host}");
    }
}
