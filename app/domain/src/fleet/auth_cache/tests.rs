//! The cache's rules on their own, without a database: stale rows refused, forgetting
//! scoped to one worker, the bounds kept, and nothing trusted while not listening.

use super::*;

fn record(worker_id: &str) -> CredentialRecord {
    CredentialRecord {
        secret_hmac: "digest".to_owned(),
        expires_at: None,
        revoked_at: None,
        awaiting_first_use: false,
        worker: WorkerRow {
            id: worker_id.to_owned(),
            owner_id: "owner".to_owned(),
            display_name: "box".to_owned(),
            platform: "linux".to_owned(),
            arch: "x86_64".to_owned(),
            version: "0.1.0".to_owned(),
            cpus: 1,
            runtime_state: edge_protocol::api::RuntimeState::Idle,
            active_task_id: None,
            uptime_seconds: 0,
            last_seen_at: None,
            clock_skew_ms: None,
            last_ip: None,
            last_error: None,
            last_error_class: None,
            last_error_at: None,
            disabled_at: None,
            quarantined_at: None,
            consecutive_failures: 0,
            rotate_requested: false,
            derived_status: edge_protocol::api::WorkerStatus::Online,
            created_at: 0,
        },
    }
}

fn listening(limits: Limits) -> AuthCache {
    let cache = AuthCache::with_limits(true, limits);
    cache.set_listening(true);
    cache
}

#[test]
fn a_row_read_before_its_worker_changed_is_not_remembered() {
    let cache = listening(Limits::default());
    // Read the row, then a revoke commits and is announced, then the stale row arrives.
    let ticket = cache.ticket();
    cache.forget_worker("w1");
    cache.put(ticket, "c1", record("w1"));
    assert!(cache.get("c1").is_none(), "the stale row was cached");

    // Another worker's change does not stop it; a ticket taken after the change works.
    let ticket = cache.ticket();
    cache.forget_worker("w2");
    cache.put(ticket, "c1", record("w1"));
    assert!(cache.get("c1").is_some());
}

#[test]
fn a_clear_refuses_rows_read_before_it() {
    let cache = listening(Limits::default());
    let ticket = cache.ticket();
    cache.set_listening(true);
    cache.put(ticket, "c1", record("w1"));
    assert!(cache.get("c1").is_none());
}

#[test]
fn forgetting_a_worker_drops_only_its_credentials() {
    let cache = listening(Limits::default());
    for (credential, worker) in [("a1", "w1"), ("a2", "w1"), ("b1", "w2")] {
        cache.put(cache.ticket(), credential, record(worker));
    }
    assert_eq!(cache.len(), 3);
    cache.forget_worker("w1");
    assert_eq!(cache.len(), 1);
    assert!(cache.get("b1").is_some());
    assert!(cache.get("a1").is_none() && cache.get("a2").is_none());
}

#[test]
fn expired_entries_are_evicted_as_new_ones_arrive_and_the_size_is_capped() {
    let cache = listening(Limits {
        ttl: Duration::from_millis(30),
        max_entries: 1_000,
    });
    for index in 0..10 {
        cache.put(cache.ticket(), &format!("old{index}"), record("w1"));
    }
    std::thread::sleep(Duration::from_millis(40));
    cache.put(cache.ticket(), "new", record("w2"));
    assert_eq!(cache.len(), 1, "expired entries are gone, not only hidden");

    let cache = listening(Limits {
        ttl: TTL,
        max_entries: 3,
    });
    for index in 0..5 {
        cache.put(
            cache.ticket(),
            &format!("c{index}"),
            record(&format!("w{index}")),
        );
    }
    assert_eq!(cache.len(), 3);
    assert!(cache.get("c0").is_none() && cache.get("c1").is_none());
    assert!(cache.get("c4").is_some());
    // The worker index follows evictions: forgetting an evicted worker is harmless.
    cache.forget_worker("w0");
    cache.forget_worker("w4");
    assert_eq!(cache.len(), 2);
}

#[test]
fn nothing_is_remembered_while_not_listening() {
    let cache = AuthCache::new(true);
    cache.put(cache.ticket(), "c1", record("w1"));
    assert!(cache.get("c1").is_none());
    assert!(cache.is_empty());
}
