-- Failed sign-ins counted per account and client address, so that one address guessing a
-- password locks itself out, not the account's owner. The per-account columns of `users`
-- stay as a slower backoff across every address. Times are Unix seconds.
CREATE TABLE sign_in_failures (
    user_id            TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ip                 TEXT NOT NULL,
    failures           INTEGER NOT NULL,
    window_started_at  BIGINT NOT NULL,
    locked_until       BIGINT,
    PRIMARY KEY (user_id, ip)
);
CREATE INDEX sign_in_failures_window ON sign_in_failures (window_started_at);
