-- "Credential about to expire": an agent that rotated its credential but never called
-- with the new one stops working when the old one's grace period ends. Its owner is told
-- once per credential; `expiry_notified` is what the sweep claims, so replicas running it
-- side by side tell them once.
ALTER TABLE worker_credentials ADD COLUMN expiry_notified BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX worker_credentials_expiring ON worker_credentials (expires_at)
    WHERE expires_at IS NOT NULL AND revoked_at IS NULL AND NOT expiry_notified;

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'agent_offline', 'agent_quarantined', 'credential_expiring', 'backtest_finished',
    'backtest_failed'));
ALTER TABLE notification_settings DROP CONSTRAINT notification_settings_kind_check;
ALTER TABLE notification_settings ADD CONSTRAINT notification_settings_kind_check CHECK (kind IN (
    'agent_offline', 'agent_quarantined', 'credential_expiring', 'backtest_finished',
    'backtest_failed'));
