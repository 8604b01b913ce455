-- A sender claims the messages it is about to send (issue 15): several servers running supervision
-- at once deliver each message once. A claim older than its lease is taken again (the sender died).
ALTER TABLE outbox ADD COLUMN claimed_at TEXT;
