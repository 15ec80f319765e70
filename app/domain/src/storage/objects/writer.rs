//! Writing one object in pieces: in one request while it is small, as a multipart upload
//! once it is not, so a large object never sits in memory whole.
//!
//! Giving up is the delicate part. A store may still be writing a part whose request the
//! client has already dropped (S3 says an abort "might" leave such parts behind; a local
//! part is written on a blocking thread that cannot be cancelled). So an abort first lets
//! the parts in flight finish, then aborts the upload, and nothing is left behind.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};

use super::{StorageError, object_error};

/// Objects up to this size are written with one request; larger ones as a multipart
/// upload of parts this size (S3 wants at least 5 MiB per part but the last).
pub(super) const PART_BYTES: usize = 8 * 1024 * 1024;
/// Parts uploading at once: bounds an upload's memory to about this many parts.
const PARTS_IN_FLIGHT: usize = 4;
/// How long an abort waits for parts in flight before it cancels them.
const ABORT_DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// An object being written piece by piece. Nothing is visible at its key until
/// [`finish`](Self::finish) succeeds. Dropped before that (an error, a cancelled
/// request), it aborts in the background, so no part is left behind.
pub struct ObjectWriter {
    store: Arc<dyn ObjectStore>,
    path: ObjectPath,
    state: State,
    dependency: &'static str,
}

enum State {
    /// Smaller than one part so far: kept in memory, to be written with one request.
    Small {
        chunks: Vec<Bytes>,
        bytes: usize,
    },
    Multipart(WriteMultipart),
    Closed,
}

impl std::fmt::Debug for ObjectWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectWriter")
            .field("path", &self.path.as_ref())
            .finish_non_exhaustive()
    }
}

impl ObjectWriter {
    pub(super) fn new(
        store: Arc<dyn ObjectStore>,
        path: ObjectPath,
        dependency: &'static str,
    ) -> Self {
        Self {
            store,
            path,
            state: State::Small {
                chunks: Vec::new(),
                bytes: 0,
            },
            dependency,
        }
    }

    /// Appends a chunk; waits while too many earlier parts are still uploading.
    pub async fn write(&mut self, chunk: Bytes) -> Result<(), StorageError> {
        match &mut self.state {
            State::Small { chunks, bytes } if *bytes + chunk.len() < PART_BYTES => {
                *bytes += chunk.len();
                chunks.push(chunk);
                Ok(())
            }
            State::Small { chunks, .. } => {
                let earlier = std::mem::take(chunks);
                let upload = self
                    .store
                    .put_multipart(&self.path)
                    .await
                    .map_err(|err| object_error(self.dependency, &err))?;
                let mut multipart = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
                for piece in earlier {
                    multipart.put(piece);
                }
                multipart.put(chunk);
                self.state = State::Multipart(multipart);
                Ok(())
            }
            State::Multipart(multipart) => {
                multipart
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(|err| object_error(self.dependency, &err))?;
                multipart.put(chunk);
                Ok(())
            }
            State::Closed => Err(closed(self.dependency)),
        }
    }

    /// Uploads what is left and makes the object visible at its key. On failure
    /// nothing is left behind.
    pub async fn finish(mut self) -> Result<(), StorageError> {
        let dependency = self.dependency;
        match std::mem::replace(&mut self.state, State::Closed) {
            State::Small { chunks, .. } => self
                .store
                .put(&self.path, PutPayload::from_iter(chunks))
                .await
                .map(drop)
                .map_err(|err| object_error(dependency, &err)),
            State::Multipart(mut multipart) => {
                // Settle every earlier part first: if one failed, the others are done
                // before the abort, and `finish` below has only the last part in flight.
                if let Err(err) = multipart.wait_for_capacity(0).await {
                    abort_multipart(multipart).await;
                    return Err(object_error(dependency, &err));
                }
                multipart
                    .finish()
                    .await
                    .map(drop)
                    .map_err(|err| object_error(dependency, &err))
            }
            State::Closed => Err(closed(dependency)),
        }
    }

    /// Gives up: waits for the parts in flight, then removes every part uploaded.
    pub async fn abort(mut self) {
        if let State::Multipart(multipart) = std::mem::replace(&mut self.state, State::Closed) {
            abort_multipart(multipart).await;
        }
    }
}

impl Drop for ObjectWriter {
    fn drop(&mut self) {
        if let State::Multipart(multipart) = std::mem::replace(&mut self.state, State::Closed)
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(abort_multipart(multipart));
        }
    }
}

async fn abort_multipart(mut multipart: WriteMultipart) {
    let drained = tokio::time::timeout(ABORT_DRAIN_TIMEOUT, async {
        // Each failed part ends one wait; the loop ends once none is in flight.
        while multipart.wait_for_capacity(0).await.is_err() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!("parts of an abandoned upload were still uploading after 30 s; cancelled");
    }
    if let Err(err) = multipart.abort().await {
        tracing::warn!(error = %err, "an unfinished object upload could not be aborted");
    }
}

fn closed(dependency: &'static str) -> StorageError {
    StorageError::failed(dependency, "the object writer is already closed")
}
