-- Deadlines stored with what they count from, so that loading a year's schedule recounts them
-- without replaying the events; the earliest open due date on the case row for lists; supervision
-- items (督办), reminders, in-app notifications and an outbox for SMS or e-mail.
CREATE TABLE case_deadlines (
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    kind            TEXT NOT NULL,
    start_day       TEXT NOT NULL,
    limit_rule      TEXT NOT NULL,
    extension_days  INTEGER NOT NULL,
    due             TEXT NOT NULL,
    provisional     BOOLEAN NOT NULL,
    met_at          TEXT,
    PRIMARY KEY (case_id, kind)
);
CREATE INDEX case_deadlines_open ON case_deadlines(due) WHERE met_at IS NULL;

ALTER TABLE cases ADD COLUMN next_due TEXT;
CREATE INDEX cases_next_due ON cases(next_due);

CREATE TABLE supervision_items (
    id                    INTEGER PRIMARY KEY,
    case_id               INTEGER NOT NULL REFERENCES cases(id),
    kind                  TEXT NOT NULL,
    due                   TEXT NOT NULL,
    unit_id               INTEGER NOT NULL REFERENCES units(id),
    owner_id              INTEGER NOT NULL REFERENCES users(id),
    opened_at             TEXT NOT NULL,
    escalated_to_unit_id  INTEGER REFERENCES units(id),
    escalated_at          TEXT,
    closed_at             TEXT,
    UNIQUE (case_id, kind, due)
);
CREATE INDEX supervision_items_open ON supervision_items(unit_id) WHERE closed_at IS NULL;

CREATE TABLE reminders (
    case_id  INTEGER NOT NULL REFERENCES cases(id),
    kind     TEXT NOT NULL,
    due      TEXT NOT NULL,
    sent_at  TEXT NOT NULL,
    PRIMARY KEY (case_id, kind, due)
);

CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    case_id     INTEGER REFERENCES cases(id),
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, id);

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    channel      TEXT NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    sent_at      TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_unsent ON outbox(id) WHERE sent_at IS NULL;

-- Cases held by a unit other than the one that registered them are few: a small partial index finds
-- them for a reader's scope without visiting the rest.
DROP INDEX cases_holding_scope;
CREATE INDEX cases_held_elsewhere ON cases(holding_unit_id, received_at, unit_id, channel, status)
    WHERE holding_unit_id <> unit_id;
