//! The OpenAPI document describes exactly the operations the router serves, each under an
//! id of its own.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use server::routes::edge::operations;

/// The document as the server serves it.
async fn served_document() -> Value {
    let app = crate::helpers::spawn_app().await;
    let response = app
        .client
        .get(app.url("/edge/v1/openapi.json"))
        .send()
        .await
        .expect("document");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

/// Every (method, path) the document describes, with its operationId.
fn documented(document: &Value) -> Vec<(String, String, Option<String>)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            found.push((
                method.clone(),
                path.clone(),
                operation["operationId"].as_str().map(str::to_owned),
            ));
        }
    }
    found
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_describes_exactly_the_routes_served() {
    let document = served_document().await;
    assert!(
        document["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.1")
    );
    // From the router's own table: a route added there without documentation fails here.
    let served: BTreeSet<(String, String)> = operations()
        .into_iter()
        .map(|(verb, path)| (verb.as_str().to_owned(), path))
        .collect();
    assert!(
        served.contains(&(
            "post".to_owned(),
            "/edge/v1/tasks/{id}/heartbeat".to_owned()
        )),
        "{served:?}"
    );
    let described: BTreeSet<(String, String)> = documented(&document)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    let undocumented: Vec<_> = served.difference(&described).collect();
    assert!(
        undocumented.is_empty(),
        "served but not in the document: {undocumented:?}"
    );
    let unserved: Vec<_> = described.difference(&served).collect();
    assert!(
        unserved.is_empty(),
        "in the document but not served: {unserved:?}"
    );
    let codes = &document["components"]["schemas"]["ErrorCode"];
    assert!(codes.to_string().contains("credential_revoked"), "{codes}");
}

#[tokio::test]
async fn every_operation_has_an_id_of_its_own() {
    let document = served_document().await;
    let mut by_id: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (method, path, id) in documented(&document) {
        let id = id.unwrap_or_else(|| panic!("{method} {path} has no operationId"));
        by_id
            .entry(id)
            .or_default()
            .push(format!("{method} {path}"));
    }
    let shared: Vec<_> = by_id
        .iter()
        .filter(|(_, operations)| operations.len() > 1)
        .collect();
    assert!(shared.is_empty(), "operationIds used twice: {shared:?}");
    assert_eq!(by_id.len(), operations().len());
}
