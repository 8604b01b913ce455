-- 消息发送 (issue 23): the outbox's messages leave by e-mail (SMTP) and by SMS (an HTTP gateway).
-- A message that failed waits before it is tried again (next_attempt_at) and is given up after its
-- last attempt or a permanent refusal (dead_at, with the reason in last_error): a dead letter, listed
-- for administrators until one of them sends it again. A staff member's e-mail address.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE outbox ADD COLUMN next_attempt_at TIMESTAMPTZ;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN dead_at TIMESTAMPTZ;
DROP INDEX outbox_unsent;
CREATE INDEX outbox_unsent ON outbox(id) WHERE sent_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_dead ON outbox(dead_at) WHERE dead_at IS NOT NULL;
