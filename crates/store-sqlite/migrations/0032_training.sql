-- 业务培训 (issue 19, FED-14): training sessions a unit held, and who attended each (with the day, so
-- that a person's last training is read from one table).
CREATE TABLE trainings (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    held_on      TEXT NOT NULL,
    topic        TEXT NOT NULL,
    tenths       INTEGER NOT NULL CHECK (tenths > 0),
    trainer      TEXT NOT NULL,
    material     TEXT,
    recorded_by  INTEGER NOT NULL REFERENCES users(id),
    recorded_at  TEXT NOT NULL
);
CREATE INDEX trainings_by_unit ON trainings (unit_id, held_on);
CREATE TABLE training_attendees (
    training_id  INTEGER NOT NULL REFERENCES trainings(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    held_on      TEXT NOT NULL,
    PRIMARY KEY (training_id, user_id)
);
CREATE INDEX training_attendees_by_user ON training_attendees (user_id, held_on);
-- When each account was added, from which a new officer's first training is due; the accounts
-- there are already count from this upgrade.
ALTER TABLE users ADD COLUMN added_at TEXT;
UPDATE users SET added_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
