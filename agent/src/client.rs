//! A typed client for the server's `/edge/v1` API.
//!
//! Every call maps to one function with the protocol's request and response types, and
//! fails with one [`ClientError`]: the network, an API error body (`{code, message}`), or
//! an answer the agent could not read. Retrying is the caller's decision; the error says
//! whether a retry can help ([`ClientError::is_retryable`]).

use std::future::Future;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use edge_protocol::api::{
    ApiError, CredentialRotated, ErrorClass, ErrorCode, FailRequest, HeartbeatRequest,
    HeartbeatResponse, LeaseResponse, LeasedTask, RegisterRequest, RegisterResponse, ResultBatch,
    ResultsAccepted, TaskHeartbeatRequest, TaskHeartbeatResponse, TaskOutcome, WorkerInfo, paths,
};
use futures::StreamExt;
use reqwest::header::{AUTHORIZATION, LOCATION};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::transport;

/// Connecting takes longer than this only when something is wrong.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A plain JSON call.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// A full batch of results with their curves is a few megabytes.
const RESULTS_TIMEOUT: Duration = Duration::from_secs(120);
/// A dataset download may take minutes on a slow link, so it has no overall timeout; it
/// fails only when the server goes quiet for this long.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No answer: the connection failed, timed out, or broke mid-body.
    #[error("could not reach the server: {}", chain(.0))]
    Network(#[source] reqwest::Error),
    /// The server answered with an error.
    #[error("the server answered {status}: {error}")]
    Api { status: u16, error: ApiError },
    /// The server answered, but not with what the API promises.
    #[error("unexpected answer from the server: {0}")]
    Decode(String),
    /// The server URL would carry the bearer in the clear (see [`crate::transport`]);
    /// nothing was sent.
    #[error("{0}")]
    Insecure(String),
}

/// reqwest's own message is "error sending request"; the reason (refused, DNS, TLS) is in
/// its sources.
fn chain(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl ClientError {
    /// The API error code, when the server sent one.
    pub const fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api { error, .. } => Some(error.code),
            _ => None,
        }
    }

    /// Whether trying again later can work: the network, a server error, or rate limiting.
    pub const fn is_retryable(&self) -> bool {
        match self {
            Self::Network(_) => true,
            Self::Api { status, .. } => *status == 429 || *status >= 500,
            Self::Decode(_) | Self::Insecure(_) => false,
        }
    }

    /// Whether the agent must stop and ask its owner for help (a refused credential, a
    /// disabled worker): retrying cannot fix it.
    pub const fn is_fatal(&self) -> bool {
        match self.code() {
            Some(code) => code.is_fatal_for_agent(),
            None => false,
        }
    }

    /// The class the connectivity heartbeat reports this error under.
    pub const fn class(&self) -> ErrorClass {
        match self {
            Self::Network(_) => ErrorClass::Network,
            Self::Api { status: 401, .. } => ErrorClass::Auth,
            Self::Api { error, .. } if error.code.is_fatal_for_agent() => ErrorClass::Auth,
            Self::Api { .. } | Self::Decode(_) | Self::Insecure(_) => ErrorClass::Server,
        }
    }
}

impl From<reqwest::Error> for ClientError {
    fn from(err: reqwest::Error) -> Self {
        Self::Network(err)
    }
}

/// An API error for a status that came without a `{code, message}` body (a proxy's 502,
/// say), so callers can branch on one type either way.
fn code_for_status(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        401 => ErrorCode::Unauthorized,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        413 => ErrorCode::PayloadTooLarge,
        429 => ErrorCode::RateLimited,
        500 => ErrorCode::Internal,
        code if code >= 500 => ErrorCode::Unavailable,
        _ => ErrorCode::Validation,
    }
}

/// `{}`: the body of the POSTs that carry nothing.
#[derive(Serialize)]
struct Empty {}

/// The client. Clones share the connection pool and the credential, so a rotation made by
/// the heartbeat applies to every call after it.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// The server's base URL, without a trailing slash; API paths are appended.
    base: Arc<str>,
    bearer: Arc<RwLock<String>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the server at `server_url` (normalized, see
    /// [`crate::config::normalize_server_url`]) that authenticates with `bearer`: the
    /// enrollment token for [`register`](Self::register), the credential for the rest.
    /// Plain `http://` to another machine is refused unless `insecure` (see
    /// [`crate::transport`]): the bearer would cross the network readable by anyone.
    pub fn new(server_url: &str, bearer: String, insecure: bool) -> Result<Self, ClientError> {
        transport::check(server_url, insecure).map_err(ClientError::Insecure)?;
        let http = reqwest::Client::builder()
            .user_agent(format!(
                "edge-agent/{} ({}; {})",
                env!("CARGO_PKG_VERSION"),
                std::env::consts::OS,
                std::env::consts::ARCH
            ))
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            // A redirected POST turns into a GET, and a redirect to another host drops the
            // credential: both fail in confusing ways, so a redirect is reported instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            http,
            base: server_url.trim_end_matches('/').into(),
            bearer: Arc::new(RwLock::new(bearer)),
        })
    }

    /// Uses `credential` for every call from now on.
    pub fn set_credential(&self, credential: String) {
        *self.bearer.write().unwrap_or_else(PoisonError::into_inner) = credential;
    }

    /// A call to `path` with the bearer and no overall timeout.
    fn authorized(&self, method: Method, path: &str) -> RequestBuilder {
        let bearer = self
            .bearer
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        self.http
            .request(method, format!("{}{path}", self.base))
            .header(AUTHORIZATION, format!("Bearer {bearer}"))
    }

    /// A JSON call: authorized, with the usual timeout.
    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.authorized(method, path).timeout(CALL_TIMEOUT)
    }

    async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let response = self.request(Method::POST, path).json(body).send().await?;
        decode(path, checked(path, response).await?).await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let response = self.request(Method::GET, path).send().await?;
        decode(path, checked(path, response).await?).await
    }

    /// `POST /edge/v1/register`, with the enrollment token as the bearer.
    pub async fn register(
        &self,
        request: &RegisterRequest,
    ) -> Result<RegisterResponse, ClientError> {
        self.post(paths::REGISTER, request).await
    }

    /// `GET /edge/v1/worker`: this worker as the server sees it.
    pub async fn worker_info(&self) -> Result<WorkerInfo, ClientError> {
        self.get(paths::WORKER).await
    }

    /// `GET /health`: whether the server answers at all, before any credential is involved.
    pub async fn health(&self) -> Result<bool, ClientError> {
        let response = self
            .http
            .get(format!("{}/health", self.base))
            .timeout(CONNECT_TIMEOUT)
            .send()
            .await?;
        Ok(response.status() == StatusCode::OK)
    }
}

/// Turns a non-2xx answer into [`ClientError::Api`].
async fn checked(path: &str, response: Response) -> Result<Response, ClientError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    if status.is_redirection() {
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("elsewhere")
            .to_owned();
        return Err(ClientError::Decode(format!(
            "{path} redirected ({status}) to {location}; set the server URL to the address it \
             redirects to"
        )));
    }
    let body = response.bytes().await.unwrap_or_default();
    let error = serde_json::from_slice::<ApiError>(&body).unwrap_or_else(|_| {
        ApiError::new(
            code_for_status(status),
            format!("{path} answered {status} without an API error body"),
        )
    });
    Err(ClientError::Api {
        status: status.as_u16(),
        error,
    })
}

async fn decode<T: DeserializeOwned>(path: &str, response: Response) -> Result<T, ClientError> {
    let body = response.bytes().await?;
    serde_json::from_slice(&body)
        .map_err(|err| ClientError::Decode(format!("the answer to {path} does not parse: {err}")))
}

/// The calls the run loop makes, as a trait so its tests can put a fake server behind it.
/// [`Client`] is the real one.
pub trait EdgeApi: Send + Sync + 'static {
    fn heartbeat(
        &self,
        request: &HeartbeatRequest,
    ) -> impl Future<Output = Result<HeartbeatResponse, ClientError>> + Send;

    /// Rotates the credential; the implementation uses the new one from then on, and the
    /// caller stores it.
    fn rotate_credential(
        &self,
    ) -> impl Future<Output = Result<CredentialRotated, ClientError>> + Send;

    fn next_task(&self) -> impl Future<Output = Result<Option<LeasedTask>, ClientError>> + Send;

    /// The task's dataset file, refused beyond `max_bytes`.
    fn dataset(
        &self,
        task: Uuid,
        max_bytes: usize,
    ) -> impl Future<Output = Result<Vec<u8>, ClientError>> + Send;

    fn task_heartbeat(
        &self,
        task: Uuid,
        configs_done: u32,
    ) -> impl Future<Output = Result<TaskHeartbeatResponse, ClientError>> + Send;

    fn post_results(
        &self,
        task: Uuid,
        batch: &ResultBatch,
    ) -> impl Future<Output = Result<ResultsAccepted, ClientError>> + Send;

    fn complete(&self, task: Uuid)
    -> impl Future<Output = Result<TaskOutcome, ClientError>> + Send;

    fn fail(
        &self,
        task: Uuid,
        error: &str,
    ) -> impl Future<Output = Result<TaskOutcome, ClientError>> + Send;

    fn release(&self, task: Uuid) -> impl Future<Output = Result<TaskOutcome, ClientError>> + Send;
}

impl EdgeApi for Client {
    async fn heartbeat(
        &self,
        request: &HeartbeatRequest,
    ) -> Result<HeartbeatResponse, ClientError> {
        self.post(paths::HEARTBEAT, request).await
    }

    async fn rotate_credential(&self) -> Result<CredentialRotated, ClientError> {
        let rotated: CredentialRotated = self.post(paths::ROTATE_CREDENTIAL, &Empty {}).await?;
        self.set_credential(rotated.credential.clone());
        Ok(rotated)
    }

    async fn next_task(&self) -> Result<Option<LeasedTask>, ClientError> {
        let lease: LeaseResponse = self.post(paths::NEXT_TASK, &Empty {}).await?;
        Ok(lease.task)
    }

    async fn dataset(&self, task: Uuid, max_bytes: usize) -> Result<Vec<u8>, ClientError> {
        let path = paths::task(task, "dataset");
        // No overall timeout: the read timeout still catches a server that stops sending.
        let response = self.authorized(Method::GET, &path).send().await?;
        let response = checked(&path, response).await?;
        let too_large = |size: u64| {
            ClientError::Decode(format!(
                "the dataset is {size} bytes; the agent accepts at most {max_bytes}"
            ))
        };
        let expected = response.content_length().unwrap_or(0);
        if expected > max_bytes as u64 {
            return Err(too_large(expected));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if bytes.len() + chunk.len() > max_bytes {
                return Err(too_large((bytes.len() + chunk.len()) as u64));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    async fn task_heartbeat(
        &self,
        task: Uuid,
        configs_done: u32,
    ) -> Result<TaskHeartbeatResponse, ClientError> {
        self.post(
            &paths::task(task, "heartbeat"),
            &TaskHeartbeatRequest { configs_done },
        )
        .await
    }

    async fn post_results(
        &self,
        task: Uuid,
        batch: &ResultBatch,
    ) -> Result<ResultsAccepted, ClientError> {
        let path = paths::task(task, "results");
        let response = self
            .request(Method::POST, &path)
            .timeout(RESULTS_TIMEOUT)
            .json(batch)
            .send()
            .await?;
        decode(&path, checked(&path, response).await?).await
    }

    async fn complete(&self, task: Uuid) -> Result<TaskOutcome, ClientError> {
        self.post(&paths::task(task, "complete"), &Empty {}).await
    }

    async fn fail(&self, task: Uuid, error: &str) -> Result<TaskOutcome, ClientError> {
        let body = FailRequest {
            error: error.to_owned(),
        };
        self.post(&paths::task(task, "fail"), &body).await
    }

    async fn release(&self, task: Uuid) -> Result<TaskOutcome, ClientError> {
        self.post(&paths::task(task, "release"), &Empty {}).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: ErrorCode) -> ClientError {
        ClientError::Api {
            status: code.status(),
            error: ApiError::new(code, "x"),
        }
    }

    #[test]
    fn errors_say_whether_to_retry_or_stop() {
        for code in [
            ErrorCode::Internal,
            ErrorCode::Unavailable,
            ErrorCode::RateLimited,
        ] {
            assert!(api(code).is_retryable(), "{code}");
            assert!(!api(code).is_fatal(), "{code}");
        }
        for code in [
            ErrorCode::CredentialRevoked,
            ErrorCode::CredentialExpired,
            ErrorCode::WorkerDisabled,
        ] {
            assert!(api(code).is_fatal(), "{code}");
            assert!(!api(code).is_retryable(), "{code}");
            assert_eq!(api(code).class(), ErrorClass::Auth);
        }
        for code in [
            ErrorCode::Conflict,
            ErrorCode::WorkerQuarantined,
            ErrorCode::Validation,
        ] {
            assert!(!api(code).is_retryable(), "{code}");
            assert!(!api(code).is_fatal(), "{code}");
            assert_eq!(api(code).class(), ErrorClass::Server);
        }
        assert!(!ClientError::Decode("x".into()).is_retryable());
    }

    #[test]
    fn statuses_without_a_body_map_to_codes() {
        assert_eq!(
            code_for_status(StatusCode::BAD_GATEWAY),
            ErrorCode::Unavailable
        );
        assert_eq!(
            code_for_status(StatusCode::INTERNAL_SERVER_ERROR),
            ErrorCode::Internal
        );
        assert_eq!(code_for_status(StatusCode::CONFLICT), ErrorCode::Conflict);
        assert_eq!(
            code_for_status(StatusCode::UNAUTHORIZED),
            ErrorCode::Unauthorized
        );
        assert_eq!(
            code_for_status(StatusCode::BAD_REQUEST),
            ErrorCode::Validation
        );
    }

    #[test]
    fn the_client_never_shows_its_bearer() {
        let client =
            Client::new("https://plans.example", "wk_live_secret".into(), false).expect("client");
        assert!(!format!("{client:?}").contains("secret"));
    }

    #[test]
    fn the_client_will_not_send_its_bearer_in_the_clear_to_another_host() {
        let refused = Client::new("http://plans.example", "wk_live_hidden".into(), false)
            .expect_err("plain http to another host");
        assert!(matches!(refused, ClientError::Insecure(_)), "{refused}");
        assert!(!refused.is_retryable());
        assert!(!refused.to_string().contains("hidden"), "{refused}");
        assert!(Client::new("http://127.0.0.1:3000", "wk_live_secret".into(), false).is_ok());
        assert!(Client::new("http://plans.example", "wk_live_secret".into(), true).is_ok());
    }
}
