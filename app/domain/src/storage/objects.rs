//! The object storage seam (uploads, datasets, agent releases): a local folder or S3.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};
use secrecy::{ExposeSecret, SecretString};

use super::StorageError;

mod writer;

pub use writer::ObjectWriter;

/// Where objects are kept.
#[derive(Clone, Debug)]
pub enum ObjectStoreConfig {
    /// A folder on local disk, created if missing.
    Local { root: PathBuf },
    /// An S3-compatible service (AWS, MinIO, Garage, ...).
    S3(S3Config),
}

/// Settings for an S3-compatible object store.
#[derive(Clone, Debug)]
pub struct S3Config {
    /// Service URL for non-AWS services, e.g. `http://127.0.0.1:9000`; `None` means AWS.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// `true` for `endpoint/bucket/key` URLs (MinIO and most self-hosted servers).
    pub path_style: bool,
}

/// A handle on the configured object store.
#[derive(Clone, Debug)]
pub struct ObjectStorage {
    /// For small, quick requests (the readiness probe): a total timeout per request.
    store: Arc<dyn ObjectStore>,
    /// For objects of any size (dataset uploads and downloads): no total timeout, which
    /// would cut off a large transfer that is making progress; a connect timeout and a
    /// read timeout catch a dead or stalled service instead.
    bulk: Arc<dyn ObjectStore>,
    backend: &'static str,
    dependency: &'static str,
}

const LOCAL: &str = "object store (local)";
const S3: &str = "object store (s3)";
const PROBE_KEY: &str = ".luckyplans/ready-probe";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const QUICK_TIMEOUT: Duration = Duration::from_secs(10);
const BULK_READ_TIMEOUT: Duration = Duration::from_secs(60);
const PROBE_TIMEOUT: Duration = Duration::from_secs(15);

impl ObjectStorage {
    /// Opens the store and checks that an object can be written and removed.
    pub async fn connect(config: &ObjectStoreConfig) -> Result<Self, StorageError> {
        let storage = match config {
            ObjectStoreConfig::Local { root } => {
                std::fs::create_dir_all(root).map_err(|err| {
                    StorageError::invalid(LOCAL, &format!("cannot create the folder: {err}"))
                })?;
                let store = LocalFileSystem::new_with_prefix(root)
                    .map_err(|err| StorageError::invalid(LOCAL, &err.to_string()))?;
                let store: Arc<dyn ObjectStore> = Arc::new(store);
                Self {
                    bulk: Arc::clone(&store),
                    store,
                    backend: "local",
                    dependency: LOCAL,
                }
            }
            ObjectStoreConfig::S3(s3) => {
                let quick = ClientOptions::new()
                    .with_timeout(QUICK_TIMEOUT)
                    .with_connect_timeout(CONNECT_TIMEOUT);
                // reqwest's read timeout restarts with every chunk of a response, so it
                // bounds a stall, not a transfer; until the reply's headers arrive it also
                // bounds sending one part of an upload (at most [`writer::PART_BYTES`]).
                let bulk = ClientOptions::new()
                    .with_timeout_disabled()
                    .with_connect_timeout(CONNECT_TIMEOUT)
                    .with_read_timeout(BULK_READ_TIMEOUT);
                Self {
                    store: s3_store(s3, quick)?,
                    bulk: s3_store(s3, bulk)?,
                    backend: "s3",
                    dependency: S3,
                }
            }
        };
        storage.check().await?;
        Ok(storage)
    }

    /// The backend's short name, as reported by `/ready`.
    pub const fn backend(&self) -> &'static str {
        self.backend
    }

    /// Starts writing an object in pieces, so a large one never sits in memory whole.
    /// Nothing is visible at `key` until [`ObjectWriter::finish`] succeeds.
    pub fn writer(&self, key: &str) -> ObjectWriter {
        ObjectWriter::new(
            Arc::clone(&self.bulk),
            ObjectPath::from(key),
            self.dependency,
        )
    }

    /// Removes an object; one that is already gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.bulk.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(object_error(self.dependency, &err)),
        }
    }

    /// Reads an object as a stream of chunks, so large objects never sit in memory whole.
    pub async fn get_stream(
        &self,
        key: &str,
    ) -> Result<futures::stream::BoxStream<'static, Result<bytes::Bytes, StorageError>>, StorageError>
    {
        use futures::StreamExt;
        let dependency = self.dependency;
        let result = self
            .bulk
            .get(&ObjectPath::from(key))
            .await
            .map_err(|err| object_error(dependency, &err))?;
        Ok(result
            .into_stream()
            .map(move |chunk| chunk.map_err(|err| object_error(dependency, &err)))
            .boxed())
    }

    /// Lists a prefix that holds nothing: proves the store (bucket or folder) answers,
    /// without writing. `/ready` is public and probed concurrently, so it must not
    /// write: probes sharing one key used to delete each other's object and report a
    /// false failure. A missing bucket or a folder that is not one fails the listing.
    pub async fn probe(&self) -> Result<(), StorageError> {
        let prefix = ObjectPath::from(PROBE_KEY);
        match tokio::time::timeout(PROBE_TIMEOUT, self.store.list_with_delimiter(Some(&prefix)))
            .await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(err)) => Err(object_error(self.dependency, &err)),
            Err(_) => Err(StorageError::unreachable(
                self.dependency,
                "no answer within 15 s",
            )),
        }
    }

    /// Writes and removes a small probe object: proves the store is reachable and
    /// writable. Run once at start-up, before anything is served.
    pub async fn check(&self) -> Result<(), StorageError> {
        let key = ObjectPath::from(PROBE_KEY);
        let probe = async {
            self.store.put(&key, PutPayload::from_static(b"ok")).await?;
            self.store.delete(&key).await
        };
        match tokio::time::timeout(PROBE_TIMEOUT, probe).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(object_error(self.dependency, &err)),
            Err(_) => Err(StorageError::unreachable(
                self.dependency,
                "no answer within 15 s",
            )),
        }
    }
}

fn s3_store(s3: &S3Config, client: ClientOptions) -> Result<Arc<dyn ObjectStore>, StorageError> {
    let retry = RetryConfig {
        max_retries: 2,
        retry_timeout: Duration::from_secs(5),
        ..RetryConfig::default()
    };
    let mut builder = AmazonS3Builder::new()
        .with_region(&s3.region)
        .with_bucket_name(&s3.bucket)
        .with_access_key_id(&s3.access_key_id)
        .with_secret_access_key(s3.secret_access_key.expose_secret())
        .with_virtual_hosted_style_request(!s3.path_style)
        .with_client_options(client)
        .with_retry(retry);
    if let Some(endpoint) = &s3.endpoint {
        builder = builder
            .with_allow_http(endpoint.starts_with("http://"))
            .with_endpoint(endpoint);
    }
    let store = builder
        .build()
        .map_err(|err| StorageError::invalid(S3, &err.to_string()))?;
    Ok(Arc::new(store))
}

fn object_error(dependency: &'static str, err: &object_store::Error) -> StorageError {
    use object_store::Error;
    match err {
        Error::NotFound { .. } => {
            StorageError::failed(dependency, "the bucket or folder does not exist")
        }
        Error::PermissionDenied { .. } | Error::Unauthenticated { .. } => {
            StorageError::failed(dependency, "access denied: check the credentials")
        }
        // Local errors name file paths; only the operating system's reason is kept.
        other if dependency == LOCAL => {
            let text = other.to_string();
            let reason = text.rsplit(": ").next().unwrap_or("I/O error");
            StorageError::unreachable(
                dependency,
                &format!("cannot use the objects folder: {reason}"),
            )
        }
        // Client errors: the text is the most useful reason, e.g. "error sending request".
        Error::Generic { source, .. } => StorageError::unreachable(dependency, &source.to_string()),
        other => StorageError::failed(dependency, &other.to_string()),
    }
}
