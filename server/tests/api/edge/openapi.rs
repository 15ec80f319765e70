//! The OpenAPI document describes every route the router serves.

#[tokio::test]
async fn the_openapi_document_is_3_1_and_lists_every_endpoint() {
    let app = crate::helpers::spawn_app().await;
    let response = app
        .client
        .get(app.url("/edge/v1/openapi.json"))
        .send()
        .await
        .expect("document");
    assert_eq!(response.status(), 200);
    let document: serde_json::Value = response.json().await.expect("json");
    assert!(
        document["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.1")
    );
    let paths: Vec<&str> = document["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/edge/v1/register",
        "/edge/v1/credentials/rotate",
        "/edge/v1/heartbeat",
        "/edge/v1/worker",
        "/edge/v1/tasks/next",
        "/edge/v1/tasks/{id}/dataset",
        "/edge/v1/tasks/{id}/heartbeat",
        "/edge/v1/tasks/{id}/results",
        "/edge/v1/tasks/{id}/complete",
        "/edge/v1/tasks/{id}/fail",
        "/edge/v1/tasks/{id}/release",
    ] {
        assert!(paths.contains(&path), "{path} missing from {paths:?}");
    }
    let codes = &document["components"]["schemas"]["ErrorCode"];
    assert!(codes.to_string().contains("credential_revoked"), "{codes}");
}
