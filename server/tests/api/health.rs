use crate::helpers::spawn_app;

#[tokio::test]
async fn health_answers_200_on_any_host() {
    let app = spawn_app().await;
    for host in [
        "localhost",
        "docs.localhost",
        "beta.localhost",
        "unknown.example",
    ] {
        let response = app.get(host, "/health").send().await.expect("health");
        assert_eq!(response.status(), 200, "{host}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["status"], "ok");
    }
}

#[tokio::test]
async fn ready_lists_every_dependency_as_ok() {
    let app = spawn_app().await;
    let (status, body) = app.ready().await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ready");
    let checks = body["checks"].as_array().expect("checks");
    let names: Vec<&str> = checks.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["database", "session_store", "object_store"]);
    assert!(checks.iter().all(|c| c["status"] == "ok"), "{body}");

    let backends = crate::helpers::Backends::from_env();
    let expect_db = if backends.postgres_admin_url.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let expect_sessions = if backends.redis_url.is_some() {
        "redis"
    } else {
        expect_db
    };
    let expect_objects = if backends.s3 { "s3" } else { "local" };
    assert_eq!(checks[0]["backend"], expect_db);
    assert_eq!(checks[1]["backend"], expect_sessions);
    assert_eq!(checks[2]["backend"], expect_objects);
}

#[tokio::test]
async fn ready_answers_503_naming_the_database_when_it_goes_away() {
    let app = spawn_app().await;
    match &app.database_proxy {
        Some(proxy) => proxy.stop(),
        None => app.app_state.database().close().await,
    }
    let (status, body) = app.ready().await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["failed"], "database");
    let error = body["checks"][0]["error"].as_str().expect("a reason");
    assert!(error.starts_with("database ("), "{error}");
    assert_no_secrets(&body);
}

#[tokio::test]
async fn ready_answers_503_naming_the_session_store_when_redis_goes_away() {
    let app = spawn_app().await;
    let Some(proxy) = &app.redis_proxy else {
        // With the SQL session store, sessions live in the database: losing it is the
        // database test above. Here the session store must then follow the database.
        app.app_state.database().close().await;
        let (status, body) = app.ready().await;
        assert_eq!(status, 503);
        assert_eq!(body["checks"][1]["status"], "error", "{body}");
        return;
    };
    proxy.stop();
    let (status, body) = app.ready().await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["failed"], "session_store");
    assert_eq!(body["checks"][0]["status"], "ok");
    assert!(
        body["checks"][1]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("session store (redis)")),
        "{body}"
    );
    assert_no_secrets(&body);
}

#[tokio::test]
async fn ready_answers_503_naming_the_object_store_when_it_breaks() {
    let app = spawn_app().await;
    match &app.s3 {
        Some(s3) => s3.stop(),
        None => {
            // Replace the objects folder by a file: nothing can be written any more.
            let objects = app.dir.path().join("data/objects");
            std::fs::remove_dir_all(&objects).expect("remove objects");
            std::fs::write(&objects, "not a folder").expect("block objects");
        }
    }
    let (status, body) = app.ready().await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["failed"], "object_store");
    assert!(
        body["checks"][2]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("object store (")),
        "{body}"
    );
    assert_no_secrets(&body);
}

fn assert_no_secrets(body: &serde_json::Value) {
    let text = body.to_string();
    for secret in [crate::helpers::S3_SECRET_KEY, "password", "/tmp/"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}
