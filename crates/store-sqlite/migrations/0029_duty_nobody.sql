-- A day set to nobody by hand (调整为无人值班) is kept as such, with its person NULL, so that
-- generating the month again does not quietly put the pattern's person back.
CREATE TABLE duty_days_new (
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    day          TEXT NOT NULL,
    user_id      INTEGER REFERENCES users(id),
    origin       TEXT NOT NULL CHECK (origin IN ('pattern', 'edit', 'swap')),
    approved_by  INTEGER REFERENCES users(id),
    reason       TEXT,
    PRIMARY KEY (unit_id, day)
);
INSERT INTO duty_days_new (unit_id, day, user_id, origin, approved_by, reason)
    SELECT unit_id, day, user_id, origin, approved_by, reason FROM duty_days;
DROP TABLE duty_days;
ALTER TABLE duty_days_new RENAME TO duty_days;
