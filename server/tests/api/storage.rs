//! The storage seams, exercised against whichever backends this run uses.

use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_database_keeps_settings_and_a_stable_instance_id() {
    let app = spawn_app().await;
    let database = app.app_state.database();
    assert!(database.schema_version().await.expect("version") >= 20261122000001);
    assert_eq!(database.setting("greeting").await.expect("read"), None);
    database
        .put_setting("greeting", "hello")
        .await
        .expect("write");
    database
        .put_setting("greeting", "hello again")
        .await
        .expect("overwrite");
    assert_eq!(
        database.setting("greeting").await.expect("read").as_deref(),
        Some("hello again")
    );
    let id = app.app_state.instance_id().to_owned();
    assert_eq!(
        database.instance_id().await.expect("id"),
        id,
        "the id is stable"
    );
}

#[tokio::test]
async fn migrations_run_again_without_harm() {
    let app = spawn_app().await;
    app.app_state
        .database()
        .migrate()
        .await
        .expect("second run is a no-op");
}

#[tokio::test]
async fn the_session_store_saves_loads_and_deletes_records() {
    let app = spawn_app().await;
    let store = app.app_state.sessions();
    let mut record = Record {
        id: Id::default(),
        data: [("user".to_owned(), serde_json::json!("someone"))]
            .into_iter()
            .collect(),
        expiry_date: tower_sessions::cookie::time::OffsetDateTime::now_utc()
            + tower_sessions::cookie::time::Duration::hours(1),
    };
    store.create(&mut record).await.expect("create");
    let loaded = store
        .load(&record.id)
        .await
        .expect("load")
        .expect("present");
    assert_eq!(loaded.data, record.data);
    store.delete(&record.id).await.expect("delete");
    assert!(store.load(&record.id).await.expect("load").is_none());
}

#[tokio::test]
async fn expired_sessions_are_not_loaded() {
    let app = spawn_app().await;
    let store = app.app_state.sessions();
    let mut record = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: tower_sessions::cookie::time::OffsetDateTime::now_utc()
            - tower_sessions::cookie::time::Duration::seconds(5),
    };
    store.create(&mut record).await.expect("create");
    assert!(store.load(&record.id).await.expect("load").is_none());
}

#[tokio::test]
async fn the_object_store_round_trips_small_and_multipart_objects() {
    use futures::TryStreamExt;
    let app = spawn_app().await;
    let objects = app.app_state.objects();
    // One request for the small one; parts for the one over the part size (8 MiB).
    let small = bytes::Bytes::from_static(b"time,open,high,low,close,volume\n");
    let large: Vec<u8> = (0..9 * 1024 * 1024)
        .map(|i: usize| (i % 251) as u8)
        .collect();
    for (key, content) in [
        ("datasets/user-1/small.csv", small.to_vec()),
        ("datasets/user-1/large.csv", large),
    ] {
        let mut writer = objects.writer(key);
        for chunk in content.chunks(1024 * 1024) {
            writer
                .write(bytes::Bytes::copy_from_slice(chunk))
                .await
                .expect("write");
        }
        writer.finish().await.expect("finish");
        let read: Vec<bytes::Bytes> = objects
            .get_stream(key)
            .await
            .expect("get")
            .try_collect()
            .await
            .expect("read");
        assert_eq!(read.concat(), content, "{key}");
        objects.delete(key).await.expect("delete");
        assert!(
            objects.get_stream(key).await.is_err(),
            "deleted objects are gone"
        );
        objects.delete(key).await.expect("deleting twice is fine");
    }

    // An aborted writer leaves nothing at its key.
    let mut writer = objects.writer("datasets/user-1/aborted.csv");
    writer
        .write(bytes::Bytes::from(vec![b'x'; 9 * 1024 * 1024]))
        .await
        .expect("write");
    writer.abort().await;
    assert!(
        objects
            .get_stream("datasets/user-1/aborted.csv")
            .await
            .is_err()
    );
}
