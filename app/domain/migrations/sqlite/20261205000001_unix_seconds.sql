-- One way to store time: every timestamp is Unix seconds (INTEGER), as the sessions,
-- sign-in throttling and edge tables already were. The same SQL reads, writes and compares
-- times on both backends, and the application's clock is the one that writes them.
--
-- SQLite cannot change a column's type. Rebuilding the tables would drop `users`, and
-- dropping it fires the ON DELETE actions of every table that refers to it (sessions,
-- identities, the fleet): migrations run inside a transaction, where foreign keys cannot
-- be switched off. So each column is replaced in place instead: the ISO-8601 one renamed,
-- an INTEGER one added and filled from it, the old one dropped. ADD COLUMN takes only a
-- constant default, so the new columns default to 0; the application writes every time
-- itself. A test migrates a database written by the old schema and checks every row.
-- strftime('%s', …) truncates, like the application's clock: a time is the second it
-- falls in.

-- The indexes on these columns are rebuilt on the new ones.
DROP INDEX users_created;
DROP INDEX audit_log_at;
DROP INDEX audit_log_subject;
DROP INDEX audit_log_action;

ALTER TABLE settings RENAME COLUMN updated_at TO updated_at_iso;
ALTER TABLE settings ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE settings SET updated_at = CAST(strftime('%s', updated_at_iso) AS INTEGER);
ALTER TABLE settings DROP COLUMN updated_at_iso;

ALTER TABLE users RENAME COLUMN created_at TO created_at_iso;
ALTER TABLE users ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET created_at = CAST(strftime('%s', created_at_iso) AS INTEGER);
ALTER TABLE users DROP COLUMN created_at_iso;

ALTER TABLE users RENAME COLUMN updated_at TO updated_at_iso;
ALTER TABLE users ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET updated_at = CAST(strftime('%s', updated_at_iso) AS INTEGER);
ALTER TABLE users DROP COLUMN updated_at_iso;

ALTER TABLE users RENAME COLUMN last_sign_in_at TO last_sign_in_at_iso;
ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;
UPDATE users SET last_sign_in_at = CAST(strftime('%s', last_sign_in_at_iso) AS INTEGER);
ALTER TABLE users DROP COLUMN last_sign_in_at_iso;

ALTER TABLE audit_log RENAME COLUMN at TO at_iso;
ALTER TABLE audit_log ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
UPDATE audit_log SET at = CAST(strftime('%s', at_iso) AS INTEGER);
ALTER TABLE audit_log DROP COLUMN at_iso;

ALTER TABLE user_identities RENAME COLUMN created_at TO created_at_iso;
ALTER TABLE user_identities ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
UPDATE user_identities SET created_at = CAST(strftime('%s', created_at_iso) AS INTEGER);
ALTER TABLE user_identities DROP COLUMN created_at_iso;

CREATE INDEX users_created ON users (created_at);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_subject ON audit_log (subject_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);
