//! The bodies of every `/edge/v1` call.
//!
//! Every call is JSON over HTTPS. `register` authenticates with an enrollment token; every
//! other call with the worker's credential, as `Authorization: Bearer wk_live_…`.

mod enrollment;
mod error;
mod heartbeat;
mod tasks;

pub use enrollment::{
    CREDENTIAL_PREFIX, CredentialRotated, ENROLLMENT_TOKEN_PREFIX, Intervals, RegisterRequest,
    RegisterResponse, SecretToken,
};
pub use error::{ApiError, ErrorCode, error_chain};
pub use heartbeat::{
    ErrorClass, HeartbeatRequest, HeartbeatResponse, MAX_ERROR_CHARS, ReportedError, RuntimeState,
    WorkerInfo, WorkerStatus,
};
pub use tasks::{
    ConfigResult, DatasetRef, FailRequest, LeaseResponse, LeasedTask, MAX_RESULTS_PER_BATCH,
    ResultBatch, ResultsAccepted, TaskConfig, TaskHeartbeatRequest, TaskHeartbeatResponse,
    TaskOutcome, TaskState,
};

/// Where the API lives on every host.
pub const PREFIX: &str = "/edge/v1";

/// The API's paths, relative to the server's base URL.
pub mod paths {
    pub const REGISTER: &str = "/edge/v1/register";
    pub const HEARTBEAT: &str = "/edge/v1/heartbeat";
    pub const ROTATE_CREDENTIAL: &str = "/edge/v1/credentials/rotate";
    pub const WORKER: &str = "/edge/v1/worker";
    pub const NEXT_TASK: &str = "/edge/v1/tasks/next";
    pub const OPENAPI: &str = "/edge/v1/openapi.json";

    /// `/edge/v1/tasks/{id}/<action>`: `dataset`, `heartbeat`, `results`, `complete`, `fail`, `release`.
    pub fn task(id: uuid::Uuid, action: &str) -> String {
        format!("/edge/v1/tasks/{id}/{action}")
    }
}
