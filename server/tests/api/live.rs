//! The live event stream (`/api/live`): who may open it, what each caller hears, resuming
//! after a drop, and changes made on one replica reaching a stream open on another.

use std::time::Duration;

use domain::fleet::tokens::{self, TokenRequest};
use domain::fleet::workers::WorkerAction;
use serde_json::Value;

use crate::edge::support::{act_on, call_ok, edge, heartbeat_body, owner, owner_with_worker};
use crate::helpers::{TestApp, make_admin, spawn_app};

/// One event as the stream sent it.
#[derive(Debug, Default)]
struct Sent {
    event: String,
    id: String,
    data: String,
}

impl Sent {
    fn change(&self) -> (String, String) {
        let data: Value = serde_json::from_str(&self.data).unwrap_or(Value::Null);
        (
            data["kind"].as_str().unwrap_or_default().to_owned(),
            data["id"].as_str().unwrap_or_default().to_owned(),
        )
    }
}

/// Reads a `text/event-stream` response event by event (comments skipped).
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(app: &TestApp, host: &str, cookie: &str, last_event_id: Option<&str>) -> Self {
        Self::open_at(app, &app.url("/api/live"), host, cookie, last_event_id).await
    }

    async fn open_at(
        app: &TestApp,
        url: &str,
        host: &str,
        cookie: &str,
        last_event_id: Option<&str>,
    ) -> Self {
        let port = url::Url::parse(url)
            .ok()
            .and_then(|url| url.port())
            .unwrap_or_default();
        let mut request = app
            .client
            .get(url)
            .header("host", format!("{host}:{port}"))
            .header("cookie", cookie)
            .header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("open the stream");
        assert_eq!(response.status(), 200, "the stream opens");
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        assert_eq!(response.headers()["cache-control"], "no-store");
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event, or `None` if nothing arrives within `wait`.
    async fn next_within(&mut self, wait: Duration) -> Option<Sent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut sent = Sent::default();
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        sent.event = value.trim().to_owned();
                    } else if let Some(value) = line.strip_prefix("id:") {
                        sent.id = value.trim().to_owned();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        sent.data.push_str(value.trim());
                    }
                }
                if sent.event.is_empty() {
                    continue; // a comment, the retry interval or a keep-alive
                }
                return Some(sent);
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .expect("the stream stays readable")?;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    async fn next(&mut self) -> Sent {
        self.next_within(Duration::from_secs(10))
            .await
            .expect("an event within 10 s")
    }

    /// The next `change` event's kind and id.
    async fn next_change(&mut self) -> (String, String) {
        let sent = self.next().await;
        assert_eq!(sent.event, "change", "{sent:?}");
        sent.change()
    }
}

/// Waits until the server hears announcements (on PostgreSQL its listener connects
/// shortly after start).
async fn listening(app: &TestApp) {
    for _ in 0..100 {
        if edge(app).live.listening() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the live listener did not connect within 5 s");
}

async fn new_token(app: &TestApp, owner: &domain::fleet::Owner) -> String {
    let request = TokenRequest {
        label: Some("live".to_owned()),
        max_uses: Some(1),
        ttl_secs: None,
    };
    tokens::create(edge(app), owner, request)
        .await
        .expect("token")
        .details
        .id
}

#[tokio::test]
async fn the_stream_is_for_signed_in_users_and_the_admin_one_for_administrators() {
    let app = spawn_app().await;
    let anonymous = app
        .get("beta.localhost", "/api/live")
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), 401);
    let body: Value = anonymous.json().await.expect("a typed error");
    assert_eq!(body["code"], "unauthenticated");

    let (_, cookie) = owner(&app, "ada@example.com").await;
    let refused = app
        .get("admin.localhost", "/api/live")
        .header("cookie", &cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.expect("a typed error");
    assert_eq!(body["code"], "forbidden");

    // Signed out, the admin stream refuses too.
    let anonymous = app
        .get("admin.localhost", "/api/live")
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), 401);

    make_admin(&app, "ada@example.com").await;
    let mut admin = Stream::open(&app, "admin.localhost", &cookie, None).await;
    let (bob, _) = owner(&app, "bob@example.com").await;
    let bobs = new_token(&app, &bob).await;
    assert_eq!(
        admin.next_change().await,
        ("token".to_owned(), bobs),
        "the admin stream carries every user's changes"
    );
}

#[tokio::test]
async fn an_owner_hears_their_own_changes_and_never_another_users() {
    let app = spawn_app().await;
    let (ada, ada_cookie, worker) = owner_with_worker(&app, "ada@example.com").await;
    let (bob, bob_cookie) = owner(&app, "bob@example.com").await;
    let mut adas = Stream::open(&app, "beta.localhost", &ada_cookie, None).await;
    let mut bobs = Stream::open(&app, "beta.localhost", &bob_cookie, None).await;

    // Ada disables her agent and creates a token; Bob creates one after.
    act_on(&app, &ada, &worker, WorkerAction::Disable).await;
    let adas_token = new_token(&app, &ada).await;
    let bobs_token = new_token(&app, &bob).await;

    assert_eq!(adas.next_change().await, ("worker".to_owned(), worker.id));
    assert_eq!(adas.next_change().await, ("token".to_owned(), adas_token));
    // Bob's first event is his own: Ada's two went past him.
    assert_eq!(bobs.next_change().await, ("token".to_owned(), bobs_token));
    assert!(
        adas.next_within(Duration::from_millis(500)).await.is_none(),
        "Ada hears nothing of Bob's"
    );
}

#[tokio::test]
async fn a_dropped_stream_resumes_after_its_last_event_and_a_foreign_id_resyncs() {
    let app = spawn_app().await;
    let (ada, cookie) = owner(&app, "ada@example.com").await;
    let mut stream = Stream::open(&app, "beta.localhost", &cookie, None).await;
    let first = new_token(&app, &ada).await;
    let seen = stream.next().await;
    assert_eq!(seen.change(), ("token".to_owned(), first));
    assert!(!seen.id.is_empty(), "events carry ids to resume from");
    drop(stream);

    // Missed while disconnected, in order.
    let second = new_token(&app, &ada).await;
    let (bob, _) = owner(&app, "bob@example.com").await;
    new_token(&app, &bob).await;
    let third = new_token(&app, &ada).await;
    let mut resumed = Stream::open(&app, "beta.localhost", &cookie, Some(&seen.id)).await;
    assert_eq!(resumed.next_change().await, ("token".to_owned(), second));
    assert_eq!(resumed.next_change().await, ("token".to_owned(), third));

    // An id this server never gave out (another replica's, an earlier run's): resync.
    let mut foreign = Stream::open(&app, "beta.localhost", &cookie, Some("1-1")).await;
    assert_eq!(foreign.next().await.event, "resync");
}

#[tokio::test]
async fn a_page_rendered_before_a_change_hears_of_it_from_its_render_position() {
    let app = spawn_app().await;
    let (ada, cookie) = owner(&app, "ada@example.com").await;
    // A page rendered before the replica hears announcements resyncs instead (see
    // `LiveHub::lost_continuity`); this is about a page rendered once it does.
    listening(&app).await;
    let (status, _, html) = app
        .page_with_cookie("beta.localhost", "/fleet/tokens", &cookie)
        .await;
    assert_eq!(status, 200);
    let since = html
        .split("data-live-since=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the frame carries the render position")
        .to_owned();
    // Changed after the render and before the stream opens.
    let created = new_token(&app, &ada).await;
    let url = app.url(&format!("/api/live?since={since}"));
    let mut stream = Stream::open_at(&app, &url, "beta.localhost", &cookie, None).await;
    assert_eq!(stream.next_change().await, ("token".to_owned(), created));
}

#[tokio::test]
async fn an_agent_coming_online_is_announced_to_its_owner() {
    let app = spawn_app().await;
    let (_, cookie, worker) = owner_with_worker(&app, "ada@example.com").await;
    let mut stream = Stream::open(&app, "beta.localhost", &cookie, None).await;
    call_ok(&app, "/heartbeat", &worker.credential, &heartbeat_body()).await;
    assert_eq!(stream.next_change().await, ("worker".to_owned(), worker.id));
}

#[tokio::test]
async fn a_change_made_on_one_replica_reaches_a_stream_open_on_another() {
    let app = spawn_app().await;
    let postgres = matches!(
        app.app_state.database(),
        domain::storage::Database::Postgres(_)
    );
    let (ada, cookie) = owner(&app, "ada@example.com").await;
    if postgres {
        let (replica_addr, replica) = app.replica_with_state().await;
        let url = format!("http://127.0.0.1:{}/api/live", replica_addr.port());
        let mut on_replica = Stream::open_at(&app, &url, "beta.localhost", &cookie, None).await;
        // Made through the first server; heard on the second through NOTIFY.
        let created = new_token(&app, &ada).await;
        assert_eq!(
            on_replica.next_change().await,
            ("token".to_owned(), created)
        );
        assert_eq!(replica.edge().live.open_streams(), 1);
        // The replica's ids are its own: the first server resyncs a stream resuming
        // from one of them rather than replaying the wrong events.
        let replica_position = replica.edge().live.position().to_string();
        let mut elsewhere =
            Stream::open(&app, "beta.localhost", &cookie, Some(&replica_position)).await;
        assert_eq!(elsewhere.next().await.event, "resync");
    } else {
        // SQLite runs as one process: the change goes straight to its own streams.
        let mut stream = Stream::open(&app, "beta.localhost", &cookie, None).await;
        let created = new_token(&app, &ada).await;
        assert_eq!(stream.next_change().await, ("token".to_owned(), created));
        eprintln!("SQLite: one process; the cross-replica path runs on PostgreSQL");
    }
}
