-- The audit log of administration (issue 18): every change to accounts, units and settings, and every
-- sign-in, with who, when, what, the value before and after (JSON text, never a secret) and where the
-- request came from. Appended, never edited; read newest first within an administrator's units.
CREATE TABLE admin_events (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor_id      INTEGER REFERENCES users(id),
    unit_id       INTEGER REFERENCES units(id),
    action        TEXT NOT NULL,
    target        TEXT NOT NULL,
    before_value  TEXT,
    after_value   TEXT,
    address       TEXT
);
CREATE INDEX admin_events_unit_at ON admin_events(unit_id, at);
CREATE INDEX admin_events_at ON admin_events(at);
