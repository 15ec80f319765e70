//! Integration tests: the real server on port 0, talked to over HTTP.
//!
//! Backends follow the environment, so the same tests run on the embedded defaults and
//! on production backends:
//! - `LP_TEST_DATABASE_URL=postgres://…`: a fresh PostgreSQL database per test;
//! - `LP_TEST_REDIS_URL=redis://…`: sessions in Redis;
//! - `LP_TEST_S3=1`: objects in a real S3 server (s3s-fs) started per test.
//!
//! `LP_TEST_LOG=<tracing filter>` prints the servers' logs (e.g. `LP_TEST_LOG=server=debug`).

mod helpers;

mod admin;
mod auth;
mod auth_limits;
mod cli;
mod docs_site;
mod edge;
mod health;
mod hosts;
mod live;
mod notifications;
mod oidc;
mod profiles;
mod protected_pages;
mod security;
mod sessions;
mod static_files;
mod storage;
