//! [`EdgeApi`]: the calls the run loop makes, and the real client's implementation.
//!
//! A trait rather than the client itself so the run loop's tests can answer from a fake
//! server, with no network and paused time.

use std::future::Future;

use edge_protocol::api::{
    CredentialRotated, FailRequest, HeartbeatRequest, HeartbeatResponse, LeaseResponse, LeasedTask,
    ResultBatch, ResultsAccepted, TaskHeartbeatRequest, TaskHeartbeatResponse, TaskOutcome, paths,
};
use futures::StreamExt;
use reqwest::Method;
use uuid::Uuid;

use super::{Client, ClientError, Empty, RESULTS_TIMEOUT, checked, decode};

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
