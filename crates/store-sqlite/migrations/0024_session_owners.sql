-- Whose a web session is, and when and from where it was signed in (issue 18), so an administrator
-- sees a person's sessions one by one and ends one of them. `handle` names a session without its id
-- (the id is the cookie's secret); `credential` is the stamp the session holds, which tells a live
-- session from one a password change or "end all" has already ended.
ALTER TABLE sessions ADD COLUMN user_id INTEGER;
ALTER TABLE sessions ADD COLUMN handle TEXT;
ALTER TABLE sessions ADD COLUMN credential TEXT;
ALTER TABLE sessions ADD COLUMN signed_in_at TEXT;
ALTER TABLE sessions ADD COLUMN address TEXT;
ALTER TABLE sessions ADD COLUMN agent TEXT;
CREATE INDEX sessions_user ON sessions(user_id) WHERE user_id IS NOT NULL;
