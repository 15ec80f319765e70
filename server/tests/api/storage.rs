//! The storage seams, exercised against whichever backends this run uses.

use object_store::ObjectStoreExt;
use object_store::path::Path as ObjectPath;
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
async fn the_object_store_round_trips_bytes() {
    let app = spawn_app().await;
    let store = app.app_state.objects().store();
    let key = ObjectPath::from("datasets/user-1/candles.csv");
    let bytes = bytes::Bytes::from_static(b"time,open,high,low,close,volume\n");
    store.put(&key, bytes.clone().into()).await.expect("put");
    let read = store
        .get(&key)
        .await
        .expect("get")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(read, bytes);
    store.delete(&key).await.expect("delete");
    assert!(store.get(&key).await.is_err(), "deleted objects are gone");
}
