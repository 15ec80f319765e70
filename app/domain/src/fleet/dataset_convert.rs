//! Converting a dataset while it streams in. Detection, the CSV rules, the rewrite into the
//! dataset format and the SHA-256 run on a thread of the blocking pool, fed one chunk at a
//! time through a small queue and handing the converted file back through another, so none
//! of it runs on the async threads and the file is never held in memory whole.

use std::io::{Read, Write};

use bytes::{Buf, Bytes, BytesMut};
use edge_protocol::dataset::{
    DETECT_BYTES, DatasetError, DatasetLimits, DatasetSummary, LayoutOverrides, convert_csv, detect,
};
use sha2::{Digest, Sha256};
use tokio::sync::{Semaphore, SemaphorePermit, mpsc};

/// Chunks waiting on either side; a slow conversion slows the upload, and a slow object
/// store slows the conversion, instead of filling memory.
const QUEUED_CHUNKS: usize = 8;

/// The converted file is handed back in pieces of about this size.
const OUTPUT_CHUNK_BYTES: usize = 64 * 1024;

/// Imports converted at the same time, server-wide. Each holds a blocking-pool thread for
/// as long as its upload lasts, so an unbounded number could starve the pool (password
/// hashing uses it too).
const MAX_CONCURRENT_CONVERSIONS: usize = 16;
static CONVERSIONS: Semaphore = Semaphore::const_new(MAX_CONCURRENT_CONVERSIONS);

/// A file that passed, in the dataset format.
#[derive(Clone, Debug)]
pub struct Converted {
    pub summary: DatasetSummary,
    /// Hex SHA-256 of the converted file.
    pub sha256: String,
    /// Bytes of the converted file.
    pub size: usize,
}

/// A conversion under way on the blocking pool.
pub struct Converter {
    input: Option<mpsc::Sender<Bytes>>,
    verdict: tokio::task::JoinHandle<Result<Converted, DatasetError>>,
    _permit: SemaphorePermit<'static>,
}

impl Converter {
    /// Starts a conversion that detects the file's layout from its first bytes, keeping
    /// what `overrides` chose, with the queue its converted file comes out of, in order
    /// (it ends when the conversion does); `None` when as many are running as the server
    /// allows.
    pub fn start(
        limits: DatasetLimits,
        overrides: LayoutOverrides,
    ) -> Option<(Self, mpsc::Receiver<Bytes>)> {
        let permit = CONVERSIONS.try_acquire().ok()?;
        let (input, input_queue) = mpsc::channel(QUEUED_CHUNKS);
        let (output_queue, output) = mpsc::channel(QUEUED_CHUNKS);
        let verdict = tokio::task::spawn_blocking(move || {
            let mut reader = ChunkReader {
                receiver: input_queue,
                current: Bytes::new(),
            };
            let mut head = Vec::with_capacity(DETECT_BYTES);
            // Reading from the queue never fails; a short read is the end of the file.
            let _ = (&mut reader)
                .take(DETECT_BYTES as u64)
                .read_to_end(&mut head);
            let whole = head.len() < DETECT_BYTES;
            let layout = detect(&head, whole, &overrides)?.layout;
            let mut writer = ChunkWriter {
                sender: output_queue,
                pending: BytesMut::with_capacity(OUTPUT_CHUNK_BYTES),
                hasher: Sha256::new(),
                size: 0,
            };
            let file = Read::chain(head.as_slice(), &mut reader);
            let summary = convert_csv(file, &layout, limits, &mut writer)?;
            Ok(Converted {
                summary,
                sha256: hex::encode(writer.hasher.finalize()),
                size: writer.size,
            })
        });
        let converter = Self {
            input: Some(input),
            verdict,
            _permit: permit,
        };
        Some((converter, output))
    }

    /// Hands the next chunk to the conversion. `false` once it has stopped reading: it has
    /// found enough to refuse the file, so the rest need not be read.
    pub async fn feed(&mut self, chunk: Bytes) -> bool {
        match &self.input {
            Some(input) => input.send(chunk).await.is_ok(),
            None => false,
        }
    }

    /// Ends the input: what was fed is the whole file.
    pub fn end_input(&mut self) {
        self.input = None;
    }

    /// Waits for the verdict; `Err` only if the conversion itself crashed.
    pub async fn finish(
        mut self,
    ) -> Result<Result<Converted, DatasetError>, tokio::task::JoinError> {
        self.end_input();
        (&mut self.verdict).await
    }
}

/// The input queue's chunks as one `Read`.
struct ChunkReader {
    receiver: mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            // On the blocking pool: waiting here blocks no async thread.
            match self.receiver.blocking_recv() {
                Some(chunk) => self.current = chunk,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current.advance(n);
        Ok(n)
    }
}

/// The converted file into the output queue, in chunks, hashing every byte.
struct ChunkWriter {
    sender: mpsc::Sender<Bytes>,
    pending: BytesMut,
    hasher: Sha256,
    size: usize,
}

impl ChunkWriter {
    fn send_pending(&mut self) -> std::io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let chunk = self.pending.split().freeze();
        self.hasher.update(&chunk);
        self.size += chunk.len();
        self.sender.blocking_send(chunk).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the store stopped reading")
        })
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= OUTPUT_CHUNK_BYTES {
            self.send_pending()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send_pending()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `text` in pieces of `piece` bytes while collecting the output.
    async fn run(text: &[u8], piece: usize) -> (Result<Converted, DatasetError>, Vec<u8>) {
        let (mut converter, mut output) =
            Converter::start(DatasetLimits::default(), LayoutOverrides::default()).expect("a slot");
        let collecting = tokio::spawn(async move {
            let mut all = Vec::new();
            while let Some(chunk) = output.recv().await {
                all.extend_from_slice(&chunk);
            }
            all
        });
        for chunk in text.chunks(piece) {
            if !converter.feed(Bytes::copy_from_slice(chunk)).await {
                break;
            }
        }
        converter.end_input();
        let verdict = converter.finish().await.expect("ran");
        (verdict, collecting.await.expect("collected"))
    }

    #[tokio::test]
    async fn chunks_split_anywhere_are_converted_and_hashed_as_one_file() {
        let mut text = String::from(",Open,High,Low,Close,Volume\n");
        for day in 0..5000_i64 {
            let date = chrono::DateTime::from_timestamp(1_600_000_000 + day * 86_400, 0)
                .expect("a date")
                .format("%Y-%m-%d");
            text.push_str(&format!("{date},10,11,9,10.5,{day}\n"));
        }
        assert!(text.len() > DETECT_BYTES, "past the detection window");
        let (verdict, converted) = run(text.as_bytes(), 7_777).await;
        let verdict = verdict.expect("valid");
        assert_eq!(verdict.summary.rows, 5000);
        assert_eq!(verdict.size, converted.len());
        assert_eq!(verdict.sha256, hex::encode(Sha256::digest(&converted)));
        let converted = String::from_utf8(converted).expect("UTF-8");
        assert!(converted.starts_with("time,open,high,low,close,volume\n"));
        let parsed =
            edge_protocol::dataset::parse_csv(converted.as_bytes(), DatasetLimits::default())
                .expect("the agent reads the converted file");
        assert_eq!(parsed.len(), 5000);
        assert_eq!(parsed[4999].volume, 4999.0);
    }

    #[tokio::test]
    async fn a_refused_file_stops_the_feed_early() {
        let (mut converter, _output) =
            Converter::start(DatasetLimits::default(), LayoutOverrides::default()).expect("a slot");
        let mut fed = 0;
        let row = Bytes::from_static(b"date,price\n1,10\n");
        while converter.feed(row.clone()).await {
            fed += 1;
            assert!(
                fed < 100_000,
                "the conversion should stop reading a refused file"
            );
        }
        let refused = converter
            .finish()
            .await
            .expect("ran")
            .expect_err("not a dataset");
        assert_eq!(refused.problems[0].line, Some(1));
    }
}
