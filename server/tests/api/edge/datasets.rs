//! Dataset uploads (`POST /api/fleet/datasets/upload` on the beta host): streamed past the
//! server functions' 2 MB body limit, cut off at `LP_EDGE_DATASET_MAX_BYTES`, checked and
//! hashed as they arrive, and never leaving an object or a row behind when refused.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use domain::fleet::Owner;
use domain::fleet::datasets::{self, ImportError};
use edge_protocol::dataset::LayoutOverrides;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::support::{csv, edge, lease, owner, owner_with_worker, upload};
use crate::helpers::{Setup, TestApp, call, count, spawn_app, spawn_app_with};

/// Every object or unfinished multipart part in the store: the files under the local
/// objects folder, or, on S3 (s3s-fs), the files in the bucket folder and the upload
/// records and parts beside it. A refused upload must leave none.
fn stored_files(app: &TestApp) -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    if app.s3.is_some() {
        let root = app.dir.path().join("s3");
        walk(&root.join(crate::helpers::S3_BUCKET), &mut found);
        // `.upload-<id>.json` and `.upload_id-<id>.part-<n>`; s3s-fs's own metadata
        // sidecars (`.bucket-…`) and scratch files (`.tmp.…`) are not objects.
        let entries = std::fs::read_dir(&root).into_iter().flatten().flatten();
        found.extend(
            entries
                .map(|entry| entry.path())
                .filter(|path| path.is_file())
                .filter(|path| {
                    path.file_name()
                        .is_some_and(|name| name.to_string_lossy().starts_with(".upload"))
                }),
        );
    } else {
        walk(&app.dir.path().join("data/objects"), &mut found);
    }
    found
}

async fn dataset_rows(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) FROM datasets WHERE $1 = $1", "").await
}

/// Nothing of a refused upload remains: no row, no object, no part.
async fn assert_nothing_stored(app: &TestApp) {
    assert_eq!(dataset_rows(app).await, 0, "no dataset row");
    let files = stored_files(app);
    assert!(files.is_empty(), "no object or part left: {files:?}");
}

fn with_max_bytes(max_bytes: usize) -> Setup {
    let mut setup = Setup::default();
    setup.edge.dataset_max_bytes = max_bytes;
    setup
}

/// A valid dataset of at least `bytes` bytes.
fn big_csv(bytes: usize) -> String {
    // Each row of `csv` is about 45 bytes.
    let text = csv(bytes / 30);
    assert!(text.len() >= bytes);
    text
}

/// Sends a POST with a chunked body (no `Content-Length`, as a stream is sent), straight
/// over TCP from a blocking thread; returns the status and the JSON answer. The route
/// cannot know such a body's size in advance, so only counting while it reads stops it.
async fn chunked_upload(app: &TestApp, cookie: &str, body: Vec<u8>) -> (u16, Value) {
    paced_upload(app, cookie, body, 64 * 1024, Duration::ZERO).await
}

/// [`chunked_upload`] in chunks of `chunk_bytes`, pausing `pause` before each after the first.
async fn paced_upload(
    app: &TestApp,
    cookie: &str,
    body: Vec<u8>,
    chunk_bytes: usize,
    pause: Duration,
) -> (u16, Value) {
    let (addr, cookie) = (app.addr, cookie.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut stream = start_upload(addr, &cookie);
        for (index, chunk) in body.chunks(chunk_bytes).enumerate() {
            if index > 0 {
                std::thread::sleep(pause);
            }
            // The server may answer and stop reading once it has seen enough.
            if send_chunk(&mut stream, chunk).is_err() {
                break;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n");
        read_answer(&mut stream)
    })
    .await
    .expect("the upload thread")
}

/// Sends `body` and then nothing more, never ending the upload, and reads the answer: the
/// server has to give up on its own, however long it took to take in what was sent.
async fn stalled_upload(app: &TestApp, cookie: &str, body: Vec<u8>) -> (u16, Value) {
    let (addr, cookie) = (app.addr, cookie.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut stream = start_upload(addr, &cookie);
        send_chunk(&mut stream, &body).expect("the first part of the upload");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("a read timeout");
        read_answer(&mut stream)
    })
    .await
    .expect("the upload thread")
}

/// A chunked upload's request head, sent.
fn start_upload(addr: std::net::SocketAddr, cookie: &str) -> std::net::TcpStream {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    let port = addr.port();
    let head = format!(
        "POST /api/fleet/datasets/upload?name=streamed HTTP/1.1\r\n\
         host: beta.localhost:{port}\r\norigin: http://beta.localhost:{port}\r\n\
         cookie: {cookie}\r\ncontent-type: text/csv\r\ntransfer-encoding: chunked\r\n\
         connection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).expect("head");
    stream
}

fn send_chunk(stream: &mut std::net::TcpStream, chunk: &[u8]) -> std::io::Result<()> {
    stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
    stream.write_all(chunk)?;
    stream.write_all(b"\r\n")
}

/// The status and JSON body of the server's answer.
fn read_answer(stream: &mut std::net::TcpStream) -> (u16, Value) {
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    // The JSON body follows the head (framed in chunks: take the outermost braces).
    let json = answer
        .split_once("\r\n\r\n")
        .and_then(|(_, body)| {
            let start = body.find('{')?;
            let end = body.rfind('}')?;
            serde_json::from_str(&body[start..=end]).ok()
        })
        .unwrap_or(Value::Null);
    (status, json)
}

#[tokio::test]
async fn a_dataset_larger_than_a_server_function_body_uploads_and_a_task_runs_over_it() {
    let app = spawn_app().await;
    let (_, cookie, worker) = owner_with_worker(&app, "ada@example.com").await;
    let text = big_csv(3 * 1024 * 1024);
    assert!(
        text.len() > 2 * 1024 * 1024,
        "over the 2 MB server function limit"
    );
    let rows = text.lines().count() - 1;

    let (status, dataset) = upload(&app, "minute candles", text.clone(), Some(&cookie)).await;
    assert_eq!(status, 201, "{dataset}");
    assert_eq!(dataset["name"], "minute candles");
    assert_eq!(dataset["rows"], rows);
    assert_eq!(dataset["size_bytes"], text.len());
    assert_eq!(
        dataset["sha256"],
        hex::encode(Sha256::digest(text.as_bytes()))
    );
    assert_eq!(dataset["first_time"], 1_700_000_000);
    let id = dataset["id"].as_str().expect("id").to_owned();

    // It is the caller's, and a task over it runs: the worker downloads the same bytes.
    let response = call(&app, "fleet/datasets", &[], Some(&cookie)).await;
    let listed: Value = response.json().await.expect("json");
    assert_eq!(listed[0]["id"], id.as_str());
    let form = [
        ("task[dataset_id]", id.as_str()),
        ("task[strategy]", "sma_crossover"),
        ("task[grid]", "fast=5,slow=20"),
        ("task[fee]", "0.001"),
        ("task[slippage]", "0"),
    ];
    let response = call(&app, "fleet/create_task", &form, Some(&cookie)).await;
    assert_eq!(response.status(), 200);
    let leased = lease(&app, &worker).await;
    let task_id = leased["id"].as_str().expect("task id");
    let download = app
        .client
        .get(app.url(&format!("/edge/v1/tasks/{task_id}/dataset")))
        .bearer_auth(&worker.credential)
        .send()
        .await
        .expect("download");
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.expect("bytes"), text.as_bytes());
}

#[tokio::test]
async fn an_upload_over_the_limit_is_cut_off_with_413_and_leaves_nothing() {
    // Over one multipart part (8 MiB), so parts were already uploaded when it is cut off.
    let limit = 10 * 1024 * 1024;
    let app = spawn_app_with(with_max_bytes(limit)).await;
    let (_, cookie) = owner(&app, "ada@example.com").await;
    let text = big_csv(limit + 4 * 1024 * 1024);

    // Streamed, with no length announced: counted while read, and stopped at the limit.
    let (status, body) = chunked_upload(&app, &cookie, text.clone().into_bytes()).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["code"], "dataset_too_large");
    assert_eq!(body["limit_bytes"], limit);
    assert_nothing_stored(&app).await;

    // With its length announced: refused before a byte is stored. One MiB over the limit,
    // so the whole body fits in what the route drains before answering (16 MiB): a client
    // still sending when the server closes would see a reset instead of the answer.
    let over = text[..limit + 1024 * 1024].to_owned();
    let (status, body) = upload(&app, "too big", over, Some(&cookie)).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["code"], "dataset_too_large");
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn a_slow_upload_outlasts_the_request_timeout() {
    // Long enough for registering and signing in (password hashing) on a loaded machine.
    let app = spawn_app_with(Setup {
        request_timeout: Duration::from_secs(3),
        ..Setup::default()
    })
    .await;
    let (_, cookie) = owner(&app, "ada@example.com").await;
    let text = csv(400);
    let chunk_bytes = text.len() / 6 + 1;

    // Six chunks, a second apart: about 6 s, twice the request timeout.
    let (status, body) = paced_upload(
        &app,
        &cookie,
        text.into_bytes(),
        chunk_bytes,
        Duration::from_secs(1),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["rows"], 400, "{body}");
    assert_eq!(dataset_rows(&app).await, 1);

    // Every other request still has the timeout.
    let health = reqwest::get(format!("http://{}/health", app.addr))
        .await
        .expect("health");
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn a_stalled_upload_is_cut_off_and_leaves_nothing() {
    let app = spawn_app_with(Setup {
        upload_stall_timeout: Duration::from_secs(1),
        ..Setup::default()
    })
    .await;
    let (_, cookie) = owner(&app, "ada@example.com").await;
    // Over one multipart part, so parts were stored when the client goes quiet.
    let mut text = big_csv(9 * 1024 * 1024).into_bytes();
    text.truncate(text.len() - 1024);

    // All but the last KiB, then silence.
    let (status, body) = stalled_upload(&app, &cookie, text).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "upload_interrupted", "{body}");
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn an_invalid_or_empty_file_is_refused_with_its_line_and_leaves_nothing() {
    let app = spawn_app().await;
    let (_, cookie) = owner(&app, "ada@example.com").await;
    // Valid for more than one multipart part, then a row out of order.
    let mut text = big_csv(9 * 1024 * 1024);
    let bad_line = text.lines().count() + 1;
    text.push_str("1700000000,10,11,9,10,1\n");
    let (status, body) = chunked_upload(&app, &cookie, text.into_bytes()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "dataset_invalid");
    assert_eq!(body["problems"][0]["line"], bad_line, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(&format!("line {bad_line}: time 1700000000 is not after")),
        "{message}"
    );
    assert_nothing_stored(&app).await;

    let (status, body) = upload(&app, "nothing", "", Some(&cookie)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("dataset_empty"))
    );
    let (status, body) = upload(&app, " ", csv(5), Some(&cookie)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_name")));
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn strangers_get_401_and_other_sites_403_and_neither_stores_anything() {
    let app = spawn_app().await;
    let (_, cookie) = owner(&app, "ada@example.com").await;

    let (status, body) = upload(&app, "anonymous", csv(30), None).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["code"], "unauthenticated");

    // A page of another site posting with the victim's cookie.
    let response = app
        .client
        .post(app.url("/api/fleet/datasets/upload?name=forged"))
        .header("host", format!("beta.localhost:{}", app.addr.port()))
        .header("origin", "https://evil.example")
        .header("cookie", &cookie)
        .body(csv(30))
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "cross_site_request");
    assert_nothing_stored(&app).await;

    // The route is the beta host's alone.
    let response = app
        .client
        .post(app.url("/api/fleet/datasets/upload?name=elsewhere"))
        .header("host", format!("docs.localhost:{}", app.addr.port()))
        .header("cookie", &cookie)
        .body(csv(30))
        .send()
        .await
        .expect("upload");
    assert_ne!(response.status(), 201);
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn an_object_whose_row_cannot_be_written_is_removed() {
    let app = spawn_app().await;
    // The account is gone by the time the row is written (deleted during the upload):
    // the row's owner no longer exists, so the insert fails after the object is complete.
    let ghost = Owner {
        user_id: "deleted-during-the-upload".to_owned(),
        is_admin: false,
    };
    let body = bytes::Bytes::from(csv(60));
    let chunks = futures::stream::iter([Ok::<_, std::convert::Infallible>(body)]);
    let refused = datasets::import(
        edge(&app),
        &ghost,
        "orphan",
        &LayoutOverrides::default(),
        chunks,
    )
    .await;
    assert!(
        matches!(refused, Err(ImportError::Fleet(_))),
        "{:?}",
        refused.map(|dataset| dataset.id)
    );
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn an_import_fed_in_chunks_stops_at_the_limit_and_leaves_nothing() {
    // As `luckyplans dataset import` feeds it: a file read chunk by chunk.
    let app = spawn_app_with(with_max_bytes(4096)).await;
    let (ada, _) = owner(&app, "ada@example.com").await;
    let chunks = futures::stream::iter(
        csv(500)
            .into_bytes()
            .chunks(1000)
            .map(|chunk| Ok::<_, std::convert::Infallible>(bytes::Bytes::copy_from_slice(chunk)))
            .collect::<Vec<_>>(),
    );
    let refused =
        datasets::import(edge(&app), &ada, "big", &LayoutOverrides::default(), chunks).await;
    assert!(
        matches!(refused, Err(ImportError::TooLarge { limit: 4096 })),
        "{:?}",
        refused.map(|dataset| dataset.id)
    );
    assert_nothing_stored(&app).await;
}

/// A TCP forwarder that passes at most 64 KiB upstream every 100 ms (640 KiB/s): a slow
/// but steady link to the object store.
async fn throttled_proxy(target: std::net::SocketAddr) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            let Ok(outbound) = tokio::net::TcpStream::connect(target).await else {
                continue;
            };
            let (mut from_client, mut to_client) = inbound.into_split();
            let (mut from_server, mut to_server) = outbound.into_split();
            tokio::spawn(async move {
                let mut buffer = vec![0_u8; 64 * 1024];
                while let Ok(read) = from_client.read(&mut buffer).await {
                    if read == 0 || to_server.write_all(&buffer[..read]).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                let _ = to_server.shutdown().await;
            });
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn a_large_object_keeps_uploading_past_the_quick_request_timeout() {
    use domain::storage::{ObjectStorage, ObjectStoreConfig, S3Config};
    use futures::TryStreamExt;
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto::Builder as ConnBuilder;
    use s3s::auth::SimpleAuth;
    use s3s::service::S3ServiceBuilder;

    // A real S3 server of its own, whatever backends this run uses, behind a slow link.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("slow")).expect("bucket folder");
    let mut builder = S3ServiceBuilder::new(s3s_fs::FileSystem::new(dir.path()).expect("s3s-fs"));
    builder.set_auth(SimpleAuth::from_single("slow-access", "slow-secret-key"));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let server_addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let http = ConnBuilder::new(TokioExecutor::new());
        while let Ok((socket, _)) = listener.accept().await {
            let connection = http
                .serve_connection(TokioIo::new(socket), service.clone())
                .into_owned();
            tokio::spawn(connection);
        }
    });
    let slow = throttled_proxy(server_addr).await;
    let objects = ObjectStorage::connect(&ObjectStoreConfig::S3(S3Config {
        endpoint: Some(format!("http://{slow}")),
        region: "us-east-1".to_owned(),
        bucket: "slow".to_owned(),
        access_key_id: "slow-access".to_owned(),
        secret_access_key: secrecy::SecretString::from("slow-secret-key"),
        path_style: true,
    }))
    .await
    .expect("the store answers");

    // About 11 s at 640 KiB/s, in one request (under the 8 MiB part size): past the 10 s
    // that bounds a quick request, yet making progress all along.
    let content = bytes::Bytes::from(vec![b'7'; 7 * 1024 * 1024]);
    let started = std::time::Instant::now();
    let mut writer = objects.writer("datasets/slow.csv");
    writer.write(content.clone()).await.expect("write");
    writer
        .finish()
        .await
        .expect("a slow but steady upload completes");
    assert!(
        started.elapsed() > std::time::Duration::from_secs(10),
        "the upload took {:?}: the link was not slow enough to prove anything",
        started.elapsed()
    );
    let read: Vec<bytes::Bytes> = objects
        .get_stream("datasets/slow.csv")
        .await
        .expect("get")
        .try_collect()
        .await
        .expect("read");
    assert_eq!(read.concat(), content);
}

#[tokio::test]
async fn checking_a_large_file_leaves_the_async_thread_free() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    let app = spawn_app().await;
    let (ada, _) = owner(&app, "ada@example.com").await;
    let text = bytes::Bytes::from(big_csv(16 * 1024 * 1024));
    // This test's runtime has one thread: the ticker only ticks while the import waits.
    let ticks = Arc::new(AtomicU64::new(0));
    let ticker = {
        let ticks = Arc::clone(&ticks);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                ticks.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let started = std::time::Instant::now();
    let chunks = futures::stream::iter([Ok::<_, std::convert::Infallible>(text)]);
    let imported =
        datasets::import(edge(&app), &ada, "big", &LayoutOverrides::default(), chunks).await;
    let elapsed = started.elapsed().as_millis();
    ticker.abort();
    assert!(imported.is_ok(), "{:?}", imported.map(|dataset| dataset.id));
    let ticks = u128::from(ticks.load(Ordering::Relaxed));
    // Parsing and hashing 16 MiB inline would starve the ticker for most of the import.
    assert!(
        ticks * 20 >= elapsed,
        "the async thread ticked {ticks} times in {elapsed} ms"
    );
}

#[tokio::test]
async fn a_dataset_is_deleted_with_its_file_only_while_no_backtest_refers_to_it() {
    let app = spawn_app().await;
    let (ada, _) = owner(&app, "ada@example.com").await;
    let (eve, _) = owner(&app, "eve@example.com").await;
    let context = edge(&app);
    let kept = super::support::dataset(&app, &ada, 30).await;
    let spare = super::support::dataset(&app, &ada, 30).await;
    let task = super::support::sma_task(&kept, "fast=5,slow=20");
    domain::fleet::tasks::create(context, &ada, &task)
        .await
        .expect("a task over the first dataset");

    // Someone else's dataset does not exist for them.
    let refused = datasets::delete(context, &eve, &spare).await;
    assert!(
        matches!(&refused, Err(domain::fleet::FleetError::Refused { code, .. }) if *code == edge_protocol::api::ErrorCode::NotFound),
        "{refused:?}"
    );
    // A dataset a backtest runs on stays, and says why.
    let refused = datasets::delete(context, &ada, &kept).await;
    match refused {
        Err(domain::fleet::FleetError::Refused { code, message, .. }) => {
            assert_eq!(code, edge_protocol::api::ErrorCode::Conflict);
            assert!(message.contains("running on this dataset"), "{message}");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(dataset_rows(&app).await, 2);

    let row = datasets::owned(context, &ada, &spare)
        .await
        .expect("the spare dataset");
    datasets::delete(context, &ada, &spare)
        .await
        .expect("deleted");
    assert_eq!(dataset_rows(&app).await, 1);
    assert!(
        context.objects.get_stream(&row.object_key).await.is_err(),
        "the file went with the row"
    );
}
