//! `GET /api/fleet/tasks/{id}/results.csv` and `…/results.json`: a task's results as a
//! download, every config in rank order (`?sort=<metric>&order=asc|desc`, by default the
//! metric's better end first). The same bytes as `luckyplans task results --csv|--json`.
//!
//! A plain route rather than a server function so the browser can save it as a file. It
//! sits inside the beta and admin hosts' session layers; the caller must be signed in and
//! reaches only their own tasks (an administrator, anyone's), as everywhere else.

use app_model::results::ResultMetric;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::fleet::{Owner, results, results_export, tasks};
use edge_protocol::api::ErrorCode;
use serde::Deserialize;
use tower_sessions::Session;

use super::download::as_attachment;
use super::refusal::{refuse, signed_in};
use crate::state::AppState;

pub const CSV_PATH: &str = "/api/fleet/tasks/{id}/results.csv";
pub const JSON_PATH: &str = "/api/fleet/tasks/{id}/results.json";

pub fn routes(state: &AppState) -> Router {
    Router::new()
        .route(CSV_PATH, get(csv))
        .route(JSON_PATH, get(json))
        .with_state(state.clone())
}

#[derive(Debug, Default, Deserialize)]
struct ExportQuery {
    sort: Option<String>,
    order: Option<String>,
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Json,
}

async fn csv(
    state: State<AppState>,
    session: Session,
    path: Path<String>,
    query: Query<ExportQuery>,
    extensions: Extensions,
    headers: HeaderMap,
) -> Response {
    export(
        state,
        session,
        path,
        query,
        &extensions,
        &headers,
        Format::Csv,
    )
    .await
}

async fn json(
    state: State<AppState>,
    session: Session,
    path: Path<String>,
    query: Query<ExportQuery>,
    extensions: Extensions,
    headers: HeaderMap,
) -> Response {
    export(
        state,
        session,
        path,
        query,
        &extensions,
        &headers,
        Format::Json,
    )
    .await
}

/// The domain's refusal, with the status its code implies; a storage failure's cause is
/// logged by `to_api_error` and never sent.
fn refuse_fleet(err: &domain::fleet::FleetError) -> Response {
    let body = err.to_api_error();
    let code: ErrorCode = body.code;
    let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    refuse(status, code.as_str(), body.message)
}

async fn export(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(query): Query<ExportQuery>,
    extensions: &Extensions,
    headers: &HeaderMap,
    format: Format,
) -> Response {
    let caller = match signed_in(
        &state,
        session,
        extensions,
        headers,
        "Sign in to download results.",
    )
    .await
    {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let owner = Owner {
        user_id: caller.user.id.clone(),
        is_admin: caller.is_admin(),
    };
    let sort = match query.sort.as_deref().map(str::trim) {
        None | Some("") => ResultMetric::default(),
        Some(name) => match ResultMetric::parse(name) {
            Some(metric) => metric,
            None => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    "validation",
                    format!("sort: no metric is named `{name}`"),
                );
            }
        },
    };
    let descending = match query.order.as_deref() {
        None | Some("") => sort.higher_is_better(),
        Some("desc") => true,
        Some("asc") => false,
        Some(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "validation",
                "order: use asc or desc",
            );
        }
    };
    let task = match tasks::owned(state.edge(), &owner, &id).await {
        Ok(row) => row.to_model(),
        Err(err) => return refuse_fleet(&err),
    };
    let rows = match results::all(state.edge(), &owner, &task.id, sort, descending).await {
        Ok(rows) => rows,
        Err(err) => return refuse_fleet(&err),
    };
    let (body, content_type, extension) = match format {
        Format::Csv => (
            results_export::to_csv(&rows),
            "text/csv; charset=utf-8",
            "csv",
        ),
        Format::Json => (
            results_export::to_json(&task, sort, &rows),
            "application/json",
            "json",
        ),
    };
    let filename = format!(
        "results-{}-{}.{extension}",
        task.strategy,
        task.id.get(..8).unwrap_or(&task.id)
    );
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    as_attachment(&mut response, &filename);
    response
}
