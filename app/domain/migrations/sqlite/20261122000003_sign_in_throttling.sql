-- Per-account throttling of failed sign-ins. Times are Unix seconds so both backends
-- compare them the same way.
ALTER TABLE users ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failed_window_started_at INTEGER;
ALTER TABLE users ADD COLUMN locked_until INTEGER;
