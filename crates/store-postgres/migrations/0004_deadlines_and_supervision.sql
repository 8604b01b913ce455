-- Deadlines stored with what they count from, so that loading a year's schedule recounts them
-- without replaying the events; the earliest open due date on the case row for lists; supervision
-- items (督办), reminders, in-app notifications and an outbox for SMS or e-mail.
CREATE TABLE case_deadlines (
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    kind            TEXT NOT NULL,
    start_day       DATE NOT NULL,
    limit_rule      JSONB NOT NULL,
    extension_days  BIGINT NOT NULL,
    due             DATE NOT NULL,
    provisional     BOOLEAN NOT NULL,
    met_at          TIMESTAMPTZ,
    PRIMARY KEY (case_id, kind)
);
CREATE INDEX case_deadlines_open ON case_deadlines(due) WHERE met_at IS NULL;

ALTER TABLE cases ADD COLUMN next_due DATE;
CREATE INDEX cases_next_due ON cases(next_due);

CREATE TABLE supervision_items (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id               BIGINT NOT NULL REFERENCES cases(id),
    kind                  TEXT NOT NULL,
    due                   DATE NOT NULL,
    unit_id               BIGINT NOT NULL REFERENCES units(id),
    owner_id              BIGINT NOT NULL REFERENCES users(id),
    opened_at             TIMESTAMPTZ NOT NULL,
    escalated_to_unit_id  BIGINT REFERENCES units(id),
    escalated_at          TIMESTAMPTZ,
    closed_at             TIMESTAMPTZ,
    UNIQUE (case_id, kind, due)
);
CREATE INDEX supervision_items_open ON supervision_items(unit_id) WHERE closed_at IS NULL;

CREATE TABLE reminders (
    case_id  BIGINT NOT NULL REFERENCES cases(id),
    kind     TEXT NOT NULL,
    due      DATE NOT NULL,
    sent_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, kind, due)
);

CREATE TABLE notifications (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    case_id     BIGINT REFERENCES cases(id),
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    read_at     TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications(user_id, id);

CREATE TABLE outbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel      TEXT NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    body         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    sent_at      TIMESTAMPTZ,
    attempts     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX outbox_unsent ON outbox(id) WHERE sent_at IS NULL;

-- Cases held by a unit other than the one that registered them are few: a small partial index finds
-- them for a reader's scope without visiting the rest.
DROP INDEX cases_holding_scope;
CREATE INDEX cases_held_elsewhere ON cases(holding_unit_id, received_at, unit_id, channel, status)
    WHERE holding_unit_id <> unit_id;
