//! `GET /api/live`: the event stream an open page listens to (Server-Sent Events). On the
//! beta host it carries the caller's own changes; on the admin host, everyone's, and only
//! administrators may open it. Each event is a `change` naming what changed (see
//! `app_model::live`); the page fetches the new state through its server functions, which
//! check the caller as always.
//!
//! A stream resumes where it left off: the browser sends the last event id it saw
//! (`Last-Event-ID`, or `?since=` for the first connection, which the page was rendered
//! at), and the missed events are replayed, or a `resync` is sent when they cannot be.
//! Streams end after [`STREAM_LIFETIME`] and the browser reconnects, so a session that
//! was signed out or a user who was disabled stops receiving within minutes.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use app_model::live::{CHANGE_EVENT, RESYNC_EVENT, STREAM_PATH};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::live::{Message, Scope, Subscription};
use futures::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::Session;

use super::refusal::{refuse, signed_in};
use crate::state::AppState;

/// How long one stream lasts before the browser is made to reconnect (and be checked).
pub const STREAM_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// How often an idle stream sends a comment, so proxies do not close it.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How long the browser waits before reconnecting a stream that ended.
const RETRY: Duration = Duration::from_secs(2);

/// The beta host's stream: the caller's own objects.
pub fn routes(state: &AppState) -> Router {
    Router::new()
        .route(STREAM_PATH, get(owner_stream))
        .with_state(state.clone())
}

/// The admin host's stream: every user's objects, for administrators only.
pub fn admin_routes(state: &AppState) -> Router {
    Router::new()
        .route(STREAM_PATH, get(admin_stream))
        .with_state(state.clone())
}

#[derive(Debug, Default, Deserialize)]
struct StreamQuery {
    since: Option<String>,
}

async fn owner_stream(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<StreamQuery>,
    extensions: Extensions,
    headers: HeaderMap,
) -> Response {
    open(&state, session, query, &extensions, &headers, false).await
}

async fn admin_stream(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<StreamQuery>,
    extensions: Extensions,
    headers: HeaderMap,
) -> Response {
    open(&state, session, query, &extensions, &headers, true).await
}

async fn open(
    state: &AppState,
    session: Session,
    query: StreamQuery,
    extensions: &Extensions,
    headers: &HeaderMap,
    admin_host: bool,
) -> Response {
    let caller = match signed_in(
        state,
        session,
        extensions,
        headers,
        "Sign in to receive live updates.",
    )
    .await
    {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let scope = if !admin_host {
        Scope::Owner(caller.user.id.clone())
    } else if caller.is_admin() {
        Scope::Everything
    } else {
        return refuse(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Only administrators receive the whole fleet's updates.",
        );
    };
    // The browser's own resume point wins over the one the page was rendered with.
    let last_event_id = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let since = last_event_id.or(query.since);
    let subscription = state.edge().live.subscribe(since.as_deref(), &scope);
    let events = events(subscription, scope);
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Tells nginx-style proxies not to buffer the stream.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// What the stream sends: the retry interval, then the replay (or a resync), then every
/// new event in scope, until the lifetime is up or the server shuts down.
fn events(
    subscription: Subscription,
    scope: Scope,
) -> impl Stream<Item = Result<Event, Infallible>> + Send {
    let Subscription {
        missed,
        resync,
        receiver,
        guard,
    } = subscription;
    let scope = Arc::new(scope);
    let hello = Event::default().retry(RETRY).comment("live");
    let head = if resync {
        vec![hello, resync_event()]
    } else {
        std::iter::once(hello)
            .chain(missed.iter().map(|event| change_event(event)))
            .collect()
    };
    let live = stream::unfold(
        (receiver, scope, guard),
        |(mut receiver, scope, guard)| async move {
            loop {
                let event = match receiver.recv().await {
                    Ok(Message::Event(event)) if scope.sees(&event) => change_event(&event),
                    Ok(Message::Event(_)) => continue,
                    // Too far behind to catch up from the channel: the page refetches.
                    Ok(Message::Resync) | Err(RecvError::Lagged(_)) => resync_event(),
                    Ok(Message::Closing) | Err(RecvError::Closed) => return None,
                };
                return Some((Ok(event), (receiver, scope, guard)));
            }
        },
    );
    let stream = stream::iter(head.into_iter().map(Ok)).chain(live);
    stream.take_until(tokio::time::sleep(STREAM_LIFETIME))
}

fn change_event(event: &domain::live::Event) -> Event {
    let data = serde_json::to_string(&event.change).unwrap_or_default();
    Event::default()
        .event(CHANGE_EVENT)
        .id(event.id.to_string())
        .data(data)
}

fn resync_event() -> Event {
    Event::default().event(RESYNC_EVENT).data("{}")
}
