-- "Credential about to expire": an agent that rotated its credential but never called
-- with the new one stops working when the old one's grace period ends. Its owner is told
-- once per credential; `expiry_notified` is what the sweep claims.
ALTER TABLE worker_credentials ADD COLUMN expiry_notified BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX worker_credentials_expiring ON worker_credentials (expires_at)
    WHERE expires_at IS NOT NULL AND revoked_at IS NULL AND NOT expiry_notified;

-- SQLite cannot change a CHECK constraint: both tables are rebuilt with the new kind.
CREATE TABLE notifications_new (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('agent_offline', 'agent_quarantined', 'credential_expiring', 'backtest_finished', 'backtest_failed')),
    dedup_key   TEXT NOT NULL,
    title       TEXT NOT NULL CHECK (length(title) <= 200),
    body        TEXT NOT NULL CHECK (length(body) <= 1000),
    link        TEXT NOT NULL CHECK (length(link) <= 300),
    created_at  INTEGER NOT NULL,
    read_at     INTEGER
);
INSERT INTO notifications_new (id, user_id, kind, dedup_key, title, body, link, created_at, read_at)
    SELECT id, user_id, kind, dedup_key, title, body, link, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, dedup_key);
CREATE INDEX notifications_newest ON notifications (user_id, created_at DESC, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

CREATE TABLE notification_settings_new (
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL CHECK (kind IN ('agent_offline', 'agent_quarantined', 'credential_expiring', 'backtest_finished', 'backtest_failed')),
    enabled  BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);
INSERT INTO notification_settings_new (user_id, kind, enabled)
    SELECT user_id, kind, enabled FROM notification_settings;
DROP TABLE notification_settings;
ALTER TABLE notification_settings_new RENAME TO notification_settings;
