-- In-app notifications, and which kinds each user hears. `dedup_key` names the event a
-- notification is about (an agent's offline transition, a task's end), so the same event
-- is never notified twice, whichever replica gets there.
CREATE TABLE notifications (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('agent_offline', 'agent_quarantined', 'backtest_finished', 'backtest_failed')),
    dedup_key   TEXT NOT NULL,
    title       TEXT NOT NULL CHECK (char_length(title) <= 200),
    body        TEXT NOT NULL CHECK (char_length(body) <= 1000),
    link        TEXT NOT NULL CHECK (char_length(link) <= 300),
    created_at  BIGINT NOT NULL,
    read_at     BIGINT
);
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, dedup_key);
CREATE INDEX notifications_newest ON notifications (user_id, created_at DESC, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- A kind a user turned off; a kind without a row is on.
CREATE TABLE notification_settings (
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL CHECK (kind IN ('agent_offline', 'agent_quarantined', 'backtest_finished', 'backtest_failed')),
    enabled  BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);
