-- The edge control plane: enrollment tokens, workers and their credentials, the worker
-- event timeline, datasets, tasks and their results. Every row belongs to a user (directly
-- or through its worker or task). Times are Unix seconds unless the name says otherwise.

-- Enrollment tokens: `etr_live_<id>_<secret>`; only an HMAC of the secret is kept.
CREATE TABLE enrollment_tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    owner_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    secret_hmac  TEXT NOT NULL,
    max_uses     INTEGER NOT NULL,
    uses         INTEGER NOT NULL DEFAULT 0,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    created_at   INTEGER NOT NULL
);
CREATE INDEX enrollment_tokens_owner ON enrollment_tokens (owner_id, created_at);

-- Workers: one enrolled agent each. `derived_status` is the last status the liveness job
-- recorded, so it can tell a transition from a repeat. Deliberately no index on the
-- columns a heartbeat writes (`last_seen_at`, `derived_status`): heartbeats then update
-- rows in place (HOT), and the liveness sweep reads the table every 10 s anyway.
CREATE TABLE workers (
    id                    TEXT PRIMARY KEY NOT NULL,
    owner_id              TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    display_name          TEXT NOT NULL,
    enrolled_with         TEXT,
    platform              TEXT NOT NULL,
    arch                  TEXT NOT NULL,
    version               TEXT NOT NULL,
    cpus                  INTEGER NOT NULL DEFAULT 1,
    runtime_state         TEXT NOT NULL DEFAULT 'idle',
    active_task_id        TEXT,
    uptime_seconds        INTEGER NOT NULL DEFAULT 0,
    last_seen_at          INTEGER,
    clock_skew_ms         INTEGER,
    last_ip               TEXT,
    last_error            TEXT,
    last_error_class      TEXT,
    last_error_at         INTEGER,
    disabled_at           INTEGER,
    quarantined_at        INTEGER,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    rotate_requested      BOOLEAN NOT NULL DEFAULT FALSE,
    derived_status        TEXT NOT NULL DEFAULT 'offline',
    created_at            INTEGER NOT NULL
);
CREATE INDEX workers_owner ON workers (owner_id, created_at);

-- Credentials: `wk_live_<id>_<secret>`. A rotated credential keeps working until
-- `expires_at`; a revoked one stops at once.
CREATE TABLE worker_credentials (
    id           TEXT PRIMARY KEY NOT NULL,
    worker_id    TEXT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    secret_hmac  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX worker_credentials_worker ON worker_credentials (worker_id);

-- What happened to a worker, newest last: the answer to "why is this agent offline?".
CREATE TABLE worker_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    worker_id   TEXT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    detail      TEXT,
    at          INTEGER NOT NULL
);
CREATE INDEX worker_events_worker ON worker_events (worker_id, id);

-- Datasets: validated OHLCV CSV files kept in the object store under `object_key`.
CREATE TABLE datasets (
    id           TEXT PRIMARY KEY NOT NULL,
    owner_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    object_key   TEXT NOT NULL,
    rows         INTEGER NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    first_time   INTEGER NOT NULL,
    last_time    INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX datasets_owner ON datasets (owner_id, created_at);

-- Tasks: a strategy, a dataset and a parameter grid expanded to `configs` (JSON).
-- `worker_id` pins the task to one worker; NULL lets any of the owner's workers take it.
CREATE TABLE tasks (
    id                TEXT PRIMARY KEY NOT NULL,
    owner_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dataset_id        TEXT NOT NULL REFERENCES datasets (id) ON DELETE RESTRICT,
    worker_id         TEXT REFERENCES workers (id) ON DELETE SET NULL,
    strategy          TEXT NOT NULL,
    grid              TEXT NOT NULL,
    configs           TEXT NOT NULL,
    configs_total     INTEGER NOT NULL,
    configs_done      INTEGER NOT NULL DEFAULT 0,
    fee               REAL NOT NULL,
    slippage          REAL NOT NULL,
    state             TEXT NOT NULL DEFAULT 'queued',
    leased_by         TEXT REFERENCES workers (id) ON DELETE SET NULL,
    lease_expires_at  INTEGER,
    attempts          INTEGER NOT NULL DEFAULT 0,
    cancel_requested  BOOLEAN NOT NULL DEFAULT FALSE,
    error             TEXT,
    created_at        INTEGER NOT NULL,
    started_at        INTEGER,
    finished_at       INTEGER
);
-- The queue: exactly the order `tasks/next` leases in, over queued rows only.
CREATE INDEX tasks_queue ON tasks (owner_id, created_at, id) WHERE state = 'queued';
CREATE INDEX tasks_owner ON tasks (owner_id, created_at);
CREATE INDEX tasks_lease ON tasks (lease_expires_at) WHERE state IN ('leased', 'running');

-- One result per (task, config), whoever posts it and however often.
CREATE TABLE task_results (
    task_id       TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    config_id     INTEGER NOT NULL,
    worker_id     TEXT,
    metrics       TEXT NOT NULL,
    equity_curve  TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (task_id, config_id)
);
