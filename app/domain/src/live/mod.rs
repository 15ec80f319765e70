//! Live updates: every change an open page may show is announced once committed, and
//! each replica's [`LiveHub`] fans it out to the event streams of the users it concerns.
//!
//! - [`hub`]: the per-process hub: a numbered ring of recent events to replay to a
//!   stream that reconnects, and a broadcast channel to the open ones.
//! - [`publish`]: announcing a change. On PostgreSQL through `NOTIFY`, so every replica
//!   hears every change; on SQLite (one process) straight into the hub.
//!
//! An event says what changed (a kind and an id) and whose it is; the page fetches the
//! new state through the server functions it rendered with, so the stream carries
//! nothing a page could not already read. A lost event costs a refresh, never data.

pub mod hub;
pub mod publish;

pub use hub::{Event, EventId, LiveHub, Message, Scope, Subscription};
pub use publish::{announce, announce_row, spawn_listener};
