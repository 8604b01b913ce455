-- 值班 (issue 19; CDR-1, SCH-5, TWN-6, TWN-7, FED-3): a unit's duty pattern, and its rota day by day.
-- The pattern is huiyin_core::duty::DutyPattern as JSON. A rota day came from the pattern
-- ('pattern'), was set by hand ('edit') or exchanged with another day ('swap', with who approved
-- it); a regenerated month replaces the pattern's days and keeps the others.
CREATE TABLE duty_patterns (
    unit_id     BIGINT PRIMARY KEY REFERENCES units(id),
    pattern     TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  BIGINT REFERENCES users(id)
);

CREATE TABLE duty_days (
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    day          DATE NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    origin       TEXT NOT NULL CHECK (origin IN ('pattern', 'edit', 'swap')),
    approved_by  BIGINT REFERENCES users(id),
    reason       TEXT,
    PRIMARY KEY (unit_id, day)
);
