//! Checking a dataset while it streams in. The CSV rules and the SHA-256 run on a thread of
//! the blocking pool, fed one chunk at a time through a small queue, so neither ever runs
//! on the async threads, and the file never has to be held in memory whole.

use std::io::Read;

use bytes::{Buf, Bytes};
use edge_protocol::dataset::{DatasetError, DatasetLimits, DatasetSummary, check_csv};
use sha2::{Digest, Sha256};
use tokio::sync::{Semaphore, SemaphorePermit, mpsc};

/// Chunks waiting for the check; a slow check slows the upload instead of filling memory.
const QUEUED_CHUNKS: usize = 8;

/// Imports checked at the same time, server-wide. Each holds a blocking-pool thread for
/// as long as its upload lasts, so an unbounded number could starve the pool (password
/// hashing uses it too).
const MAX_CONCURRENT_CHECKS: usize = 16;
static CHECKS: Semaphore = Semaphore::const_new(MAX_CONCURRENT_CHECKS);

/// A file that passed the check.
#[derive(Clone, Debug)]
pub struct Checked {
    pub summary: DatasetSummary,
    /// Hex SHA-256 of every byte fed.
    pub sha256: String,
}

/// A check under way on the blocking pool.
pub struct Checker {
    sender: Option<mpsc::Sender<Bytes>>,
    verdict: tokio::task::JoinHandle<Result<Checked, DatasetError>>,
    _permit: SemaphorePermit<'static>,
}

impl Checker {
    /// Starts a check, or `None` when as many are running as the server allows.
    pub fn start(limits: DatasetLimits) -> Option<Self> {
        let permit = CHECKS.try_acquire().ok()?;
        let (sender, receiver) = mpsc::channel(QUEUED_CHUNKS);
        let verdict = tokio::task::spawn_blocking(move || {
            let mut reader = ChunkReader {
                receiver,
                current: Bytes::new(),
                hasher: Sha256::new(),
            };
            let summary = check_csv(&mut reader, limits)?;
            // The check reads to the end of a valid file; anything after (nothing, in
            // practice) is still part of the object and of its hash.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
            Ok(Checked {
                summary,
                sha256: hex::encode(reader.hasher.finalize()),
            })
        });
        Some(Self {
            sender: Some(sender),
            verdict,
            _permit: permit,
        })
    }

    /// Hands the next chunk to the check. `false` once the check has stopped reading: it
    /// has found enough to refuse the file, so the rest need not be read.
    pub async fn feed(&mut self, chunk: Bytes) -> bool {
        match &self.sender {
            Some(sender) => sender.send(chunk).await.is_ok(),
            None => false,
        }
    }

    /// Ends the input and waits for the verdict; `Err` only if the check itself crashed.
    pub async fn finish(mut self) -> Result<Result<Checked, DatasetError>, tokio::task::JoinError> {
        drop(self.sender.take());
        (&mut self.verdict).await
    }
}

/// The queue's chunks as one `Read`, hashing every byte as it passes.
struct ChunkReader {
    receiver: mpsc::Receiver<Bytes>,
    current: Bytes,
    hasher: Sha256,
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            // On the blocking pool: waiting here blocks no async thread.
            match self.receiver.blocking_recv() {
                Some(chunk) => {
                    self.hasher.update(&chunk);
                    self.current = chunk;
                }
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current.advance(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn chunks_split_anywhere_are_checked_and_hashed_as_one_file() {
        let text = "time,open,high,low,close,volume\n1,10,11,9,10,1\n2,10,11,9,10,1\n";
        let mut checker = Checker::start(DatasetLimits::default()).expect("a free slot");
        for piece in text.as_bytes().chunks(7) {
            assert!(checker.feed(Bytes::copy_from_slice(piece)).await);
        }
        let checked = checker.finish().await.expect("ran").expect("valid");
        assert_eq!(checked.summary.rows, 2);
        assert_eq!(checked.sha256, hex::encode(Sha256::digest(text.as_bytes())));
    }

    #[tokio::test]
    async fn a_refused_file_stops_the_feed_early() {
        let mut checker = Checker::start(DatasetLimits::default()).expect("a free slot");
        let header = Bytes::from_static(b"date,open\n");
        assert!(checker.feed(header).await);
        let row = Bytes::from_static(b"1,10,11,9,10,1\n");
        let mut accepted = 0;
        while checker.feed(row.clone()).await {
            accepted += 1;
            assert!(
                accepted < 1000,
                "the check should stop reading a refused file"
            );
        }
        let refused = checker
            .finish()
            .await
            .expect("ran")
            .expect_err("bad header");
        assert_eq!(refused.problems[0].line, Some(1));
    }
}
