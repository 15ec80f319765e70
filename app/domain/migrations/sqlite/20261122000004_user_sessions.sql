-- The registry of signed-in sessions: which sessions a user has, so they can be listed
-- and ended one by one or all at once. A session whose row is gone is signed out on its
-- next request, whatever the session store still holds. `handle` is what clients see;
-- `session_id` (the cookie value) never leaves the server. Times are Unix seconds.
CREATE TABLE user_sessions (
    handle        TEXT PRIMARY KEY NOT NULL,
    session_id    TEXT NOT NULL UNIQUE,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    ip            TEXT,
    user_agent    TEXT,
    -- Set when the user's role changed: the session gets a new id on its next request.
    renew_id      BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX user_sessions_user ON user_sessions (user_id, last_seen_at);

-- Accounts signed in through an OpenID Connect provider, linked by issuer and subject.
CREATE TABLE user_identities (
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);

CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE INDEX users_created ON users (created_at);
