-- Accounts administered in the browser (issue 18).
-- 职级 (a reception-day leader is of deputy-section level or above, TWN-7) and a telephone number.
ALTER TABLE users ADD COLUMN rank TEXT;
ALTER TABLE users ADD COLUMN phone TEXT;
-- The administrator whose one-time link last set this account's password (a users.id; users are
-- never deleted). The account is blind to what that administrator is blind to (GEN-7): they held the
-- link and could have used it. NULL when the operator set the password on the server.
ALTER TABLE users ADD COLUMN link_issuer_id INTEGER;
-- Raised to end every session of the account at once; sessions carry the value they began with.
ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;

-- One-time links that set an account's password (a new account's first, a forgotten one's reset).
-- Only the hash of the link's secret is kept; a used or superseded link is deleted.
CREATE TABLE password_links (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    issued_by   INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX password_links_user ON password_links(user_id);

-- The staff list shows when each person last signed in.
CREATE INDEX admin_events_sign_ins ON admin_events(action, actor_id, at);

-- API tokens with a name, a scope (read, register, full) and an expiry; tokens made before stay
-- full and unnamed, as they were.
ALTER TABLE api_tokens ADD COLUMN name TEXT;
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'full';
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
