//! Posting a chunk's results to the server.
//!
//! A result is work the owner paid for in CPU time, so it is never dropped for a network
//! error: each batch is retried until the server stores it.
//!
//! With its trade list a result can be over a megabyte of JSON, so batches are bounded by
//! size as well as by count: a request that small goes through any proxy and is quick to
//! send again after a dropped connection.

use std::io;

use edge_protocol::api::{ConfigResult, ErrorCode, MAX_RESULTS_PER_BATCH, ResultBatch};
use uuid::Uuid;

use super::Stop;
use crate::client::EdgeApi;
use crate::runner::{Context, retry};

/// Posts results in batches the server accepts, retrying each until it is stored: a
/// result is never dropped for a network error. A batch the server finds too large is
/// split in two. Returns the server's count of configs with a result.
pub(super) async fn post_results<A: EdgeApi>(
    context: &Context<A>,
    id: Uuid,
    results: Vec<ConfigResult>,
) -> Result<Option<u32>, Stop> {
    let api = &*context.api;
    // A stack of batches, the next to send on top.
    let mut pending = batches(results, MAX_BATCH_BYTES);
    pending.reverse();

    let mut configs_done = None;
    while let Some(results) = pending.pop() {
        let batch = ResultBatch { results };
        match retry(&context.shared, "posting results", None, || {
            api.post_results(id, &batch)
        })
        .await
        {
            Ok(accepted) => configs_done = Some(accepted.configs_done),
            Err(err)
                if err.code() == Some(ErrorCode::PayloadTooLarge) && batch.results.len() > 1 =>
            {
                let mut first = batch.results;
                let second = first.split_off(first.len() / 2);
                pending.push(second);
                pending.push(first);
            }
            Err(err) => return Err(Stop::after("posting results", err)),
        }
    }
    Ok(configs_done)
}

/// The most JSON one batch carries, unless a single result is larger on its own.
pub(super) const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

/// `{"results":[` and `]}` around the results, which are separated by commas.
const BATCH_FRAME_BYTES: usize = r#"{"results":[]}"#.len();

/// Splits results, in order, into batches of at most [`MAX_RESULTS_PER_BATCH`] results
/// and at most `max_bytes` of JSON each. A result larger than `max_bytes` by itself goes
/// alone (the server's own limit is far above the largest result).
pub(super) fn batches(results: Vec<ConfigResult>, max_bytes: usize) -> Vec<Vec<ConfigResult>> {
    let mut batches = Vec::new();
    let mut batch: Vec<ConfigResult> = Vec::new();
    let mut bytes = BATCH_FRAME_BYTES;
    for result in results {
        let size = json_bytes(&result);
        let separator = usize::from(!batch.is_empty());
        let fits = bytes.saturating_add(separator).saturating_add(size) <= max_bytes;
        if !batch.is_empty() && (batch.len() == MAX_RESULTS_PER_BATCH || !fits) {
            batches.push(std::mem::take(&mut batch));
            bytes = BATCH_FRAME_BYTES;
        }
        bytes = bytes
            .saturating_add(usize::from(!batch.is_empty()))
            .saturating_add(size);
        batch.push(result);
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    batches
}

/// How long `result` is as JSON, counted without building the text.
fn json_bytes(result: &ConfigResult) -> usize {
    let mut counter = Counter(0);
    // Writing to a counter cannot fail, nor can these types (serde_json writes a
    // non-finite number as null); were it to, the result goes alone in its batch.
    match serde_json::to_writer(&mut counter, result) {
        Ok(()) => counter.0,
        Err(_) => usize::MAX,
    }
}

struct Counter(usize);

impl io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
