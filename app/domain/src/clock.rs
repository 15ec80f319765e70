//! The server's clock. Every time the domain stores or compares is Unix seconds from
//! here, so replicas agree on what "now" means to the second and tests read one source.

/// Now, in Unix seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
