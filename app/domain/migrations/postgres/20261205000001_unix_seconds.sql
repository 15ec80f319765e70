-- One way to store time: every timestamp is Unix seconds (BIGINT), as the sessions,
-- sign-in throttling and edge tables already were. The same SQL reads, writes and compares
-- times on both backends, and the application's clock is the one that writes them.
-- FLOOR, like the application's clock: a time is the second it falls in.
ALTER TABLE settings
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE BIGINT USING CAST(FLOOR(EXTRACT(EPOCH FROM updated_at)) AS BIGINT),
    ALTER COLUMN updated_at SET DEFAULT CAST(FLOOR(EXTRACT(EPOCH FROM now())) AS BIGINT);

ALTER TABLE users
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE BIGINT USING CAST(FLOOR(EXTRACT(EPOCH FROM created_at)) AS BIGINT),
    ALTER COLUMN created_at SET DEFAULT CAST(FLOOR(EXTRACT(EPOCH FROM now())) AS BIGINT),
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE BIGINT USING CAST(FLOOR(EXTRACT(EPOCH FROM updated_at)) AS BIGINT),
    ALTER COLUMN updated_at SET DEFAULT CAST(FLOOR(EXTRACT(EPOCH FROM now())) AS BIGINT),
    ALTER COLUMN last_sign_in_at TYPE BIGINT USING CAST(FLOOR(EXTRACT(EPOCH FROM last_sign_in_at)) AS BIGINT);

ALTER TABLE audit_log
    ALTER COLUMN at DROP DEFAULT,
    ALTER COLUMN at TYPE BIGINT USING CAST(FLOOR(EXTRACT(EPOCH FROM at)) AS BIGINT),
    ALTER COLUMN at SET DEFAULT CAST(FLOOR(EXTRACT(EPOCH FROM now())) AS BIGINT);

ALTER TABLE user_identities
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE BIGINT USING CAST(FLOOR(EXTRACT(EPOCH FROM created_at)) AS BIGINT),
    ALTER COLUMN created_at SET DEFAULT CAST(FLOOR(EXTRACT(EPOCH FROM now())) AS BIGINT);
