-- Instance-wide settings (instance id, feature flags, ...), one row per key.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY CHECK (char_length(key) BETWEEN 1 AND 128),
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
