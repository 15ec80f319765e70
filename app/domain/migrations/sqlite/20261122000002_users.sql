-- Accounts. Emails are stored normalised (trimmed, lower case), so uniqueness is
-- case-insensitive by construction.
CREATE TABLE users (
    id              TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    email           TEXT NOT NULL UNIQUE CHECK (email = lower(trim(email)) AND length(email) BETWEEN 3 AND 254),
    password_hash   TEXT,
    display_name    TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 80),
    role            TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_sign_in_at TEXT
);

-- Who did what to whom; never secrets.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor_id    TEXT REFERENCES users (id) ON DELETE SET NULL,
    subject_id  TEXT REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT NOT NULL,
    ip          TEXT,
    user_agent  TEXT,
    details     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_subject ON audit_log (subject_id, at);
