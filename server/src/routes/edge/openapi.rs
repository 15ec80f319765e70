//! The OpenAPI 3.1 document of the edge API, generated from the protocol types.

use std::sync::OnceLock;

use axum::Json;
use edge_protocol::api as protocol;
use edge_protocol::backtest::{Costs, CurvePoint, Metrics};
use edge_protocol::strategy::{StrategyConfig, StrategyName};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{enrollment, heartbeat, tasks};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LuckyPlans edge API",
        description = "The control plane edge agents call: enrollment, heartbeats and the task queue. \
                       Every error is `{code, message}` with a stable `code`.",
    ),
    paths(
        enrollment::register,
        enrollment::rotate,
        heartbeat::heartbeat,
        heartbeat::worker,
        tasks::next,
        tasks::dataset,
        tasks::heartbeat,
        tasks::results,
        tasks::complete,
        tasks::fail,
        tasks::release,
    ),
    components(schemas(
        protocol::ApiError,
        protocol::ErrorCode,
        protocol::Intervals,
        protocol::RegisterRequest,
        protocol::RegisterResponse,
        protocol::CredentialRotated,
        protocol::HeartbeatRequest,
        protocol::HeartbeatResponse,
        protocol::WorkerInfo,
        protocol::RuntimeState,
        protocol::ErrorClass,
        protocol::ReportedError,
        protocol::WorkerStatus,
        protocol::LeaseResponse,
        protocol::LeasedTask,
        protocol::TaskConfig,
        protocol::DatasetRef,
        protocol::TaskHeartbeatRequest,
        protocol::TaskHeartbeatResponse,
        protocol::ResultBatch,
        protocol::ConfigResult,
        protocol::ResultsAccepted,
        protocol::FailRequest,
        protocol::TaskOutcome,
        protocol::TaskState,
        StrategyConfig,
        StrategyName,
        Costs,
        Metrics,
        CurvePoint,
    )),
    modifiers(&BearerSchemes),
    tags(
        (name = "enrollment", description = "Registering agents and rotating credentials"),
        (name = "liveness", description = "Heartbeats and worker status"),
        (name = "tasks", description = "Leasing tasks, reporting progress and results"),
    )
)]
struct EdgeApi;

/// The two bearer schemes: enrollment tokens (register only) and worker credentials.
struct BearerSchemes;

impl Modify for BearerSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, format) in [
            ("enrollment_token", "etr_live_<id>_<secret>"),
            ("worker_credential", "wk_live_<id>_<secret>"),
        ] {
            let mut scheme = Http::new(HttpAuthScheme::Bearer);
            scheme.bearer_format = Some(format.to_owned());
            components.add_security_scheme(name, SecurityScheme::Http(scheme));
        }
    }
}

/// The document, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut document = EdgeApi::openapi();
        document.info.version = env!("CARGO_PKG_VERSION").to_owned();
        document
    })
}

pub async fn serve() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(document())
}
