//! The REST control plane edge agents call, under `/edge/v1` on every host.
//!
//! Plain axum routes over the types of `edge-protocol`; the OpenAPI document is generated
//! from the same types and served at `/edge/v1/openapi.json`. Every error is `{code,
//! message}` with a stable code, whatever the route.

mod enrollment;
mod extract;
mod heartbeat;
mod openapi;
pub mod reference;
mod tasks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{MethodFilter, MethodRouter, get, on};
use edge_protocol::api::ErrorCode;

pub use extract::EdgeError;
pub use openapi::document;

use crate::state::AppState;

/// The largest body the edge API reads: a full batch of results with their curves.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Where the edge API is served; the paths below are relative to it.
pub const PREFIX: &str = "/edge/v1";

/// The HTTP methods the edge API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verb {
    Get,
    Post,
}

impl Verb {
    /// The method as the OpenAPI document keys it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Post => "post",
        }
    }

    const fn filter(self) -> MethodFilter {
        match self {
            Self::Get => MethodFilter::GET,
            Self::Post => MethodFilter::POST,
        }
    }
}

/// One operation of the API: a method on a path relative to [`PREFIX`], and its handler.
struct Operation {
    verb: Verb,
    path: &'static str,
    route: MethodRouter<AppState>,
}

fn operation<H, T>(verb: Verb, path: &'static str, handler: H) -> Operation
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Operation {
        verb,
        path,
        route: on(verb.filter(), handler),
    }
}

/// Every operation the API serves, and so every one the OpenAPI document must describe.
/// The router is built from this one table, and a test holds the document to
/// [`operations`], so a route cannot be added without its documentation.
fn table() -> [Operation; 11] {
    [
        operation(Verb::Post, "/register", enrollment::register),
        operation(Verb::Post, "/credentials/rotate", enrollment::rotate),
        operation(Verb::Post, "/heartbeat", heartbeat::heartbeat),
        operation(Verb::Get, "/worker", heartbeat::worker),
        operation(Verb::Post, "/tasks/next", tasks::next),
        operation(Verb::Get, "/tasks/{id}/dataset", tasks::dataset),
        operation(Verb::Post, "/tasks/{id}/heartbeat", tasks::heartbeat),
        operation(Verb::Post, "/tasks/{id}/results", tasks::results),
        operation(Verb::Post, "/tasks/{id}/complete", tasks::complete),
        operation(Verb::Post, "/tasks/{id}/fail", tasks::fail),
        operation(Verb::Post, "/tasks/{id}/release", tasks::release),
    ]
}

/// The operations the router serves, as (method, full path), in the OpenAPI document's
/// spelling. `/openapi.json` itself is not an operation of the API.
pub fn operations() -> Vec<(Verb, String)> {
    table()
        .into_iter()
        .map(|operation| (operation.verb, format!("{PREFIX}{}", operation.path)))
        .collect()
}

/// The edge API's routes, relative to [`PREFIX`].
pub fn router() -> Router<AppState> {
    table()
        .into_iter()
        .fold(Router::new(), |router, operation| {
            router.route(operation.path, operation.route)
        })
        .route("/openapi.json", get(openapi::serve))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(unknown_endpoint)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

async fn unknown_endpoint() -> EdgeError {
    EdgeError::new(ErrorCode::NotFound, "no such edge API endpoint")
}

async fn method_not_allowed() -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut response =
        EdgeError::new(ErrorCode::NotFound, "no such edge API endpoint").into_response();
    *response.status_mut() = axum::http::StatusCode::METHOD_NOT_ALLOWED;
    response
}
