-- A credential issued by a rotation is "awaiting first use" until the agent calls with it;
-- only then is the worker's rotation request cleared, so a lost rotation reply is repaired
-- by the agent rotating again with its old credential.
ALTER TABLE worker_credentials ADD COLUMN awaiting_first_use BOOLEAN NOT NULL DEFAULT FALSE;
