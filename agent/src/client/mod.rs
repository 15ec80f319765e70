//! A typed client for the server's `/edge/v1` API.
//!
//! Every call maps to one function with the protocol's request and response types, and
//! fails with one [`ClientError`]: the network, an API error body (`{code, message}`), or
//! an answer the agent could not read. Retrying is the caller's decision; the error says
//! whether a retry can help ([`ClientError::is_retryable`]).
//!
//! The errors and how to treat them are in `error`; the calls the run loop makes, as the
//! [`EdgeApi`] trait a test can fake, are in `api`. This file holds the HTTP plumbing
//! they share and the calls only `onboard` and `status` make.

mod api;
mod error;
#[cfg(test)]
mod tests;

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use edge_protocol::api::{ApiError, RegisterRequest, RegisterResponse, WorkerInfo, paths};
use reqwest::header::{AUTHORIZATION, LOCATION};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::transport;

pub use api::EdgeApi;
pub use error::ClientError;
use error::code_for_status;

/// Connecting takes longer than this only when something is wrong.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A plain JSON call.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// A full batch of results with their curves is a few megabytes.
const RESULTS_TIMEOUT: Duration = Duration::from_secs(120);
/// A dataset download may take minutes on a slow link, so it has no overall timeout; it
/// fails only when the server goes quiet for this long.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

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
