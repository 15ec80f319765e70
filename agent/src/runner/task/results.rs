//! Posting a chunk's results to the server.
//!
//! A result is work the owner paid for in CPU time, so it is never dropped for a network
//! error: each batch is retried until the server stores it.

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
    let mut pending: Vec<Vec<ConfigResult>> = Vec::new();
    let mut rest = results;
    while rest.len() > MAX_RESULTS_PER_BATCH {
        let tail = rest.split_off(MAX_RESULTS_PER_BATCH);
        pending.push(rest);
        rest = tail;
    }
    if !rest.is_empty() {
        pending.push(rest);
    }
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
