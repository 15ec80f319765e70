-- The edge control plane: enrollment tokens, workers and their credentials, the worker
-- event timeline, datasets, tasks and their results. Every row belongs to a user (directly
-- or through its worker or task). Times are Unix seconds unless the name says otherwise.

-- Enrollment tokens: `etr_live_<id>_<secret>`; only an HMAC of the secret is kept.
CREATE TABLE enrollment_tokens (
    id           TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    secret_hmac  TEXT NOT NULL,
    max_uses     BIGINT NOT NULL,
    uses         BIGINT NOT NULL DEFAULT 0,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX enrollment_tokens_owner ON enrollment_tokens (owner_id, created_at);

-- Workers: one enrolled agent each. `derived_status` is the last status the liveness job
-- recorded, so it can tell a transition from a repeat. Deliberately no index on the
-- columns a heartbeat writes (`last_seen_at`, `derived_status`): heartbeats then update
-- rows in place (HOT), and the liveness sweep reads the table every 10 s anyway.
CREATE TABLE workers (
    id                    TEXT PRIMARY KEY,
    owner_id              TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    display_name          TEXT NOT NULL,
    enrolled_with         TEXT,
    platform              TEXT NOT NULL,
    arch                  TEXT NOT NULL,
    version               TEXT NOT NULL,
    cpus                  BIGINT NOT NULL DEFAULT 1,
    runtime_state         TEXT NOT NULL DEFAULT 'idle',
    active_task_id        TEXT,
    uptime_seconds        BIGINT NOT NULL DEFAULT 0,
    last_seen_at          BIGINT,
    clock_skew_ms         BIGINT,
    last_ip               TEXT,
    last_error            TEXT,
    last_error_class      TEXT,
    last_error_at         BIGINT,
    disabled_at           BIGINT,
    quarantined_at        BIGINT,
    consecutive_failures  BIGINT NOT NULL DEFAULT 0,
    rotate_requested      BOOLEAN NOT NULL DEFAULT FALSE,
    derived_status        TEXT NOT NULL DEFAULT 'offline',
    created_at            BIGINT NOT NULL
);
CREATE INDEX workers_owner ON workers (owner_id, created_at);

-- Credentials: `wk_live_<id>_<secret>`. A rotated credential keeps working until
-- `expires_at`; a revoked one stops at once.
CREATE TABLE worker_credentials (
    id           TEXT PRIMARY KEY,
    worker_id    TEXT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    secret_hmac  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX worker_credentials_worker ON worker_credentials (worker_id);

-- What happened to a worker, newest last: the answer to "why is this agent offline?".
CREATE TABLE worker_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker_id   TEXT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    detail      TEXT,
    at          BIGINT NOT NULL
);
CREATE INDEX worker_events_worker ON worker_events (worker_id, id);

-- Datasets: validated OHLCV CSV files kept in the object store under `object_key`.
CREATE TABLE datasets (
    id           TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    object_key   TEXT NOT NULL,
    rows         BIGINT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    first_time   BIGINT NOT NULL,
    last_time    BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX datasets_owner ON datasets (owner_id, created_at);

-- Tasks: a strategy, a dataset and a parameter grid expanded to `configs` (JSON).
-- `worker_id` pins the task to one worker; NULL lets any of the owner's workers take it.
CREATE TABLE tasks (
    id                TEXT PRIMARY KEY,
    owner_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dataset_id        TEXT NOT NULL REFERENCES datasets (id) ON DELETE RESTRICT,
    worker_id         TEXT REFERENCES workers (id) ON DELETE SET NULL,
    strategy          TEXT NOT NULL,
    grid              TEXT NOT NULL,
    configs           TEXT NOT NULL,
    configs_total     BIGINT NOT NULL,
    configs_done      BIGINT NOT NULL DEFAULT 0,
    fee               DOUBLE PRECISION NOT NULL,
    slippage          DOUBLE PRECISION NOT NULL,
    state             TEXT NOT NULL DEFAULT 'queued',
    leased_by         TEXT REFERENCES workers (id) ON DELETE SET NULL,
    lease_expires_at  BIGINT,
    attempts          BIGINT NOT NULL DEFAULT 0,
    cancel_requested  BOOLEAN NOT NULL DEFAULT FALSE,
    error             TEXT,
    created_at        BIGINT NOT NULL,
    started_at        BIGINT,
    finished_at       BIGINT
);
-- The queue: exactly the order `tasks/next` leases in, over queued rows only.
CREATE INDEX tasks_queue ON tasks (owner_id, created_at, id) WHERE state = 'queued';
CREATE INDEX tasks_owner ON tasks (owner_id, created_at);
CREATE INDEX tasks_lease ON tasks (lease_expires_at) WHERE state IN ('leased', 'running');

-- One result per (task, config), whoever posts it and however often.
CREATE TABLE task_results (
    task_id       TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    config_id     BIGINT NOT NULL,
    worker_id     TEXT,
    metrics       TEXT NOT NULL,
    equity_curve  TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (task_id, config_id)
);
