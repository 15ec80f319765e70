//! The storage seams, exercised against whichever backends this run uses.

use std::path::Path;

use sqlx::migrate::Migrator;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};

use crate::helpers::{Backends, TestPostgres, spawn_app};

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

/// The first migration that stores every timestamp as Unix seconds.
const UNIX_SECONDS_MIGRATION: i64 = 20261205000001;

/// A database written by the schema that kept ISO-8601 text (SQLite) or TIMESTAMPTZ
/// (PostgreSQL) is migrated in place: times become the second they fell in, and every row —
/// including those of the tables that refer to a rebuilt one — survives with its references.
#[tokio::test]
async fn a_database_of_the_old_schema_moves_to_unix_seconds_without_losing_a_row() {
    use domain::on_pool;
    use domain::storage::{Database, DatabaseConfig};
    use secrecy::SecretString;

    let dir = tempfile::tempdir().expect("temp dir");
    let postgres = match Backends::from_env().postgres_admin_url {
        Some(admin_url) => Some(TestPostgres::create(&admin_url).await),
        None => None,
    };
    let config = match &postgres {
        Some(pg) => DatabaseConfig::Postgres {
            url: SecretString::from(pg.url()),
        },
        None => DatabaseConfig::Sqlite {
            path: dir.path().join("old.db"),
        },
    };
    let database = Database::connect(&config).await.expect("connect");
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../app/domain/migrations")
        .join(database.backend());
    let mut old_schema = Migrator::new(folder).await.expect("read the migrations");
    old_schema.migrations = old_schema
        .migrations
        .iter()
        .filter(|migration| migration.version < UNIX_SECONDS_MIGRATION)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    on_pool!(&database, |pool| old_schema.run(pool).await).expect("the old schema");

    // Untyped literals, so PostgreSQL reads them as TIMESTAMPTZ and SQLite keeps the text,
    // as each old schema did.
    let old_rows = [
        "INSERT INTO settings (key, value, updated_at) \
         VALUES ('greeting', 'hello', '2026-11-30T10:20:30.456Z')",
        "INSERT INTO users (id, email, display_name, role, status, created_at, updated_at, \
         last_sign_in_at) VALUES ('00000000-0000-4000-8000-000000000001', 'old@example.com', \
         'Old Timer', 'admin', 'active', '2026-11-30T10:20:30.456Z', \
         '2026-12-01T08:00:00.000Z', '2026-12-02T09:15:00.999Z')",
        "INSERT INTO user_sessions (handle, session_id, user_id, created_at, last_seen_at) \
         VALUES ('handle-1', 'session-1', '00000000-0000-4000-8000-000000000001', \
         1796034030, 1796034030)",
        "INSERT INTO user_identities (issuer, subject, user_id, email, created_at) \
         VALUES ('https://id.example.com', 'sub-1', '00000000-0000-4000-8000-000000000001', \
         'old@example.com', '2026-12-01T08:00:00Z')",
        "INSERT INTO audit_log (at, actor_id, subject_id, action) \
         VALUES ('2026-12-02T09:15:00.000Z', '00000000-0000-4000-8000-000000000001', \
         '00000000-0000-4000-8000-000000000001', 'user.signed_in')",
        "INSERT INTO enrollment_tokens (id, owner_id, label, secret_hmac, max_uses, \
         expires_at, created_at) VALUES ('token-1', '00000000-0000-4000-8000-000000000001', \
         'laptop', 'hmac', 1, 1796202900, 1796034030)",
    ];
    for statement in old_rows {
        on_pool!(&database, |pool| sqlx::query(statement)
            .execute(pool)
            .await
            .map(|_| ()))
        .unwrap_or_else(|err| panic!("{statement}: {err}"));
    }

    database.migrate().await.expect("the new migrations");
    assert!(database.schema_version().await.expect("version") >= UNIX_SECONDS_MIGRATION);

    let times: (i64, i64, i64, Option<i64>, i64, i64) = on_pool!(&database, |pool| {
        sqlx::query_as(
            "SELECT s.updated_at, u.created_at, u.updated_at, u.last_sign_in_at, \
             i.created_at, a.at FROM settings s, users u, user_identities i, audit_log a \
             WHERE s.key = 'greeting' AND i.subject = 'sub-1' AND a.action = 'user.signed_in'",
        )
        .fetch_one(pool)
        .await
    })
    .expect("the migrated times");
    assert_eq!(
        times,
        (
            1796034030,
            1796034030,
            1796112000,
            Some(1796202900),
            1796112000,
            1796202900
        ),
        "each time is the second it fell in"
    );
    let user: (String, String, String) = on_pool!(&database, |pool| {
        sqlx::query_as("SELECT email, role, status FROM users")
            .fetch_one(pool)
            .await
    })
    .expect("the user");
    assert_eq!(
        user,
        ("old@example.com".into(), "admin".into(), "active".into())
    );
    // New rows get the new defaults.
    let fresh = domain::clock::now();
    database
        .put_setting("another", "value")
        .await
        .expect("write a setting");
    let updated: i64 = on_pool!(&database, |pool| {
        sqlx::query_scalar("SELECT updated_at FROM settings WHERE key = 'another'")
            .fetch_one(pool)
            .await
    })
    .expect("the new setting");
    assert!((updated - fresh).abs() <= 5, "{updated} is about {fresh}");

    // The rows that refer to the rebuilt `users` still do: deleting the user takes its
    // sessions, identities and tokens with it, and keeps its audit trail without the name.
    on_pool!(&database, |pool| {
        sqlx::query("DELETE FROM users WHERE email = 'old@example.com'")
            .execute(pool)
            .await
            .map(|_| ())
    })
    .expect("delete the user");
    for (table, expected) in [
        ("user_sessions", 0),
        ("user_identities", 0),
        ("enrollment_tokens", 0),
        ("audit_log WHERE actor_id IS NULL AND subject_id IS NULL", 1),
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let rows: i64 = on_pool!(&database, |pool| {
            sqlx::query_scalar(&sql).fetch_one(pool).await
        })
        .expect("count");
        assert_eq!(rows, expected, "{table}");
    }
    if let Database::Sqlite(pool) = &database {
        let broken: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
            .fetch_all(pool)
            .await
            .expect("foreign key check");
        assert!(broken.is_empty(), "{broken:?}");
    }
}
