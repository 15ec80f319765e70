//! `POST /api/fleet/datasets/upload?name=<name>`: a dataset upload from a page of the beta
//! host, answered with the stored dataset as JSON (201). The file's layout is detected
//! from its first bytes; `delimiter`, `header`, `skip_rows` and `columns` in the query
//! override any part of it, so the file's owner can correct what detection got wrong.
//!
//! A plain route rather than a server function: a server function reads its whole body
//! and caps it at 2 MB, and a year of minute candles is about 25 MB. The body is the CSV
//! file itself, as `fetch(url, {method: 'POST', body: file})` sends it, streamed through
//! the same import as `luckyplans dataset import`: at most `LP_EDGE_DATASET_MAX_BYTES`
//! are read, checked and hashed on the blocking pool, and written to the object store in
//! parts. It sits behind the beta host's same-origin check and session layer; the caller
//! must be signed in, and the dataset is theirs.
//!
//! It is exempt from the server's request timeout (a slow link may need minutes) and has
//! limits of its own: an upload that sends nothing for `LP_UPLOAD_STALL_TIMEOUT_SECS`, or
//! that is still going after [`UPLOAD_DEADLINE`], is cut off and stores nothing.

use std::pin::pin;
use std::time::Duration;

use app::auth::model::{AuditAction, AuthError};
use app::auth::ssr::guard::require_user_in;
use app::auth::ssr::request::{AuthRequest, ClientInfo};
use axum::body::{Body, BodyDataStream};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use bytes::Bytes;
use domain::audit;
use domain::fleet::datasets::{self, ImportError};
use domain::fleet::{FleetError, Owner};
use edge_protocol::dataset::{DatasetProblem, LayoutOverrides};
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use tower_sessions::Session;

use crate::state::AppState;

pub const UPLOAD_PATH: &str = "/api/fleet/datasets/upload";

/// After a refusal, the rest of the body is read and dropped for a moment before the
/// answer goes out: a server that closes a connection with unread bytes makes the
/// client's network stack reset it, and the browser then reports a network error instead
/// of the refusal. Bounded, so a client cannot make the server read on forever.
const DRAIN_BYTES: usize = 16 * 1024 * 1024;
const DRAIN_FOR: Duration = Duration::from_secs(20);

/// The longest an upload may take as a whole, however steadily it sends: 64 MiB at
/// under 40 KB/s. Bounds how long a trickling client can hold an import slot.
pub const UPLOAD_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// The beta host's upload route; the host's router adds the same-origin check.
pub fn routes(state: &AppState) -> Router {
    Router::new()
        .route(UPLOAD_PATH, post(upload))
        .with_state(state.clone())
}

#[derive(Debug, Default, Deserialize)]
struct UploadQuery {
    name: Option<String>,
    delimiter: Option<String>,
    header: Option<String>,
    skip_rows: Option<String>,
    columns: Option<String>,
}

impl UploadQuery {
    fn overrides(&self) -> Result<LayoutOverrides, String> {
        LayoutOverrides::from_parts(
            self.delimiter.as_deref(),
            self.header.as_deref(),
            self.skip_rows.as_deref(),
            self.columns.as_deref(),
        )
    }
}

/// A refused upload: a stable `code`, a message for people, and for some codes details.
#[derive(Debug, Serialize)]
struct UploadError {
    code: &'static str,
    message: String,
    /// `dataset_too_large`: the limit, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    limit_bytes: Option<usize>,
    /// `dataset_invalid`: every problem found (up to 20), each with its line when it has one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<DatasetProblem>,
}

impl UploadError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            limit_bytes: None,
            problems: Vec::new(),
        }
    }
}

async fn upload(
    State(state): State<AppState>,
    session: Session,
    query: Result<Query<UploadQuery>, QueryRejection>,
    extensions: Extensions,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut body = body.into_data_stream();
    let request = AuthRequest {
        context: state.auth().clone(),
        session,
        client: ClientInfo::from_request(&extensions, &headers),
    };
    let caller = match require_user_in(request).await {
        Ok(caller) => caller,
        Err(AuthError::Unauthenticated) => {
            let refusal = UploadError::new("unauthenticated", "Sign in to upload a dataset.");
            return refuse(&mut body, StatusCode::UNAUTHORIZED, refusal).await;
        }
        Err(_) => return refuse(&mut body, StatusCode::INTERNAL_SERVER_ERROR, internal()).await,
    };
    let owner = Owner {
        user_id: caller.user.id.clone(),
        is_admin: caller.is_admin(),
    };
    let limit = state.edge().settings.dataset_limits.max_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    // A declared length over the limit is refused before anything is read or stored.
    if declared.is_some_and(|length| length > u64::try_from(limit).unwrap_or(u64::MAX)) {
        let (status, refusal) = refusal(ImportError::TooLarge { limit });
        return refuse(&mut body, status, refusal).await;
    }
    let query = query.map(|Query(query)| query).unwrap_or_default();
    let overrides = match query.overrides() {
        Ok(overrides) => overrides,
        Err(message) => {
            let refusal = UploadError::new("invalid_layout", message);
            return refuse(&mut body, StatusCode::BAD_REQUEST, refusal).await;
        }
    };
    let name = query.name.unwrap_or_default();
    let stall = state.config().upload_stall_timeout;
    let imported = {
        let paced = pin!(cut_off_when_slow(&mut body, stall));
        datasets::import(state.edge(), &owner, &name, &overrides, paced).await
    };
    match imported {
        Ok(dataset) => {
            audit::fleet_change(
                caller.request.database(),
                AuditAction::FleetDatasetUploaded,
                audit::FleetActor::User(&caller.user.id),
                &owner.user_id,
                ("dataset", &dataset.id),
                &caller.request.client,
            )
            .await;
            (StatusCode::CREATED, Json(dataset)).into_response()
        }
        // A body that broke off or stalled has nothing left worth draining.
        Err(ImportError::Interrupted) => {
            let (status, refusal) = refusal(ImportError::Interrupted);
            (status, Json(refusal)).into_response()
        }
        Err(err) => {
            let (status, refusal) = refusal(err);
            refuse(&mut body, status, refusal).await
        }
    }
}

/// The body as the import reads it, ending in an error when no data arrives for `stall`
/// or the upload runs past [`UPLOAD_DEADLINE`].
fn cut_off_when_slow(
    body: &mut BodyDataStream,
    stall: Duration,
) -> impl Stream<Item = Result<Bytes, String>> + '_ {
    let deadline = Instant::now() + UPLOAD_DEADLINE;
    futures::stream::unfold(Some(body), move |body| async move {
        let body = body?;
        let wait = (Instant::now() + stall).min(deadline);
        match tokio::time::timeout_at(wait, body.next()).await {
            Ok(Some(Ok(chunk))) => Some((Ok(chunk), Some(body))),
            Ok(Some(Err(err))) => Some((Err(err.to_string()), None)),
            Ok(None) => None,
            Err(_) if Instant::now() >= deadline => {
                Some((Err("the upload ran past its deadline".to_owned()), None))
            }
            Err(_) => Some((Err(format!("no data for {} s", stall.as_secs())), None)),
        }
    })
}

fn refusal(err: ImportError) -> (StatusCode, UploadError) {
    match err {
        ImportError::Empty => (
            StatusCode::BAD_REQUEST,
            UploadError::new("dataset_empty", "The file is empty."),
        ),
        ImportError::TooLarge { limit } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            UploadError {
                limit_bytes: Some(limit),
                ..UploadError::new(
                    "dataset_too_large",
                    format!("The file is larger than the limit of {limit} bytes."),
                )
            },
        ),
        ImportError::Invalid(invalid) => {
            let message = invalid.to_string();
            (
                StatusCode::BAD_REQUEST,
                UploadError {
                    problems: invalid.problems,
                    ..UploadError::new("dataset_invalid", message)
                },
            )
        }
        ImportError::Interrupted => (
            StatusCode::BAD_REQUEST,
            UploadError::new("upload_interrupted", "The upload broke off before its end."),
        ),
        ImportError::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            UploadError::new(
                "busy",
                "Too many datasets are being uploaded right now. Try again in a moment.",
            ),
        ),
        ImportError::Fleet(FleetError::Refused {
            message,
            field: Some("name"),
            ..
        }) => (
            StatusCode::BAD_REQUEST,
            UploadError::new("invalid_name", message),
        ),
        ImportError::Fleet(err) => {
            // Logs a storage failure's detail; the client sees only its kind.
            let api = err.to_api_error();
            let status = StatusCode::from_u16(api.code.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if status == StatusCode::SERVICE_UNAVAILABLE {
                (status, UploadError::new("unavailable", api.message))
            } else {
                (StatusCode::INTERNAL_SERVER_ERROR, internal())
            }
        }
    }
}

fn internal() -> UploadError {
    UploadError::new(
        "internal",
        "The server failed to store the dataset. Try again later.",
    )
}

/// Drains what is left of the body (bounded), then answers with the refusal.
async fn refuse(body: &mut BodyDataStream, status: StatusCode, refusal: UploadError) -> Response {
    let deadline = tokio::time::Instant::now() + DRAIN_FOR;
    let mut drained = 0_usize;
    while drained < DRAIN_BYTES {
        match tokio::time::timeout_at(deadline, body.next()).await {
            Ok(Some(Ok(chunk))) => drained = drained.saturating_add(chunk.len()),
            _ => break,
        }
    }
    let mut response = (status, Json(refusal)).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
    }
    response
}
