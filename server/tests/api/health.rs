use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

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

#[tokio::test]
async fn concurrent_ready_probes_all_answer_200() {
    let app = spawn_app().await;
    // Probes sharing one object key used to delete each other's object: a false 503.
    let probes = (0..32).map(|_| app.ready());
    for (status, body) in futures::future::join_all(probes).await {
        assert_eq!(status, 200, "{body}");
    }
}

/// Every file and folder under the object store's storage, with its size and time of
/// last change: any object written (even if removed again) changes a folder's time.
fn object_storage_snapshot(app: &crate::helpers::TestApp) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    fn walk(dir: &Path, into: &mut BTreeMap<PathBuf, (u64, SystemTime)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let metadata = entry.metadata().expect("metadata");
            let modified = metadata.modified().expect("modification time");
            into.insert(entry.path(), (metadata.len(), modified));
            if metadata.is_dir() {
                walk(&entry.path(), into);
            }
        }
    }
    let mut snapshot = BTreeMap::new();
    // The local objects folder, or the folder the S3 server keeps its buckets in.
    for root in ["data/objects", "s3"] {
        let root = app.dir.path().join(root);
        if let Ok(metadata) = std::fs::metadata(&root) {
            snapshot.insert(
                root.clone(),
                (metadata.len(), metadata.modified().expect("time")),
            );
            walk(&root, &mut snapshot);
        }
    }
    snapshot
}

#[tokio::test]
async fn ready_writes_nothing_to_the_object_store_or_the_session_store() {
    use tower_sessions::SessionStore;
    use tower_sessions::cookie::time::{Duration, OffsetDateTime};
    use tower_sessions::session::{Id, Record};

    let app = spawn_app().await;
    // An expired session: sweeping it is the background job's work, not a probe's.
    let mut expired = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: OffsetDateTime::now_utc() - Duration::seconds(5),
    };
    // Redis expires keys itself; with the SQL store the row stays until the sweep.
    let sql_sessions = app.redis_proxy.is_none();
    if sql_sessions {
        app.app_state
            .sessions()
            .create(&mut expired)
            .await
            .expect("create");
    }
    let before = object_storage_snapshot(&app);
    assert!(
        !before.is_empty(),
        "the object store keeps its data on disk"
    );
    // File times can be coarse: leave room for a write to show.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    for _ in 0..3 {
        let (status, body) = app.ready().await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(
        object_storage_snapshot(&app),
        before,
        "a readiness probe changed the object store"
    );
    if !sql_sessions {
        return;
    }
    let id = expired.id.to_string();
    let kept = match app.app_state.database() {
        domain::storage::Database::Sqlite(pool) => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tower_sessions WHERE id = $1")
                .bind(&id)
                .fetch_one(pool)
                .await
        }
        domain::storage::Database::Postgres(pool) => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM tower_sessions.session WHERE id = $1",
            )
            .bind(&id)
            .fetch_one(pool)
            .await
        }
    }
    .expect("count");
    assert_eq!(kept, 1, "a readiness probe swept expired sessions");
}
