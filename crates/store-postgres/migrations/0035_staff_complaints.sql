-- 对接待人员的投诉 (issue 19, FED-12, CDR-5): complaints against staff or a unit's reception, with who
-- received them, by when they are concluded, for an absence the person on the rota that day, and
-- the conclusion (属实 / 部分属实 / 不属实, the measure taken).
CREATE TABLE staff_complaints (
    id            BIGSERIAL PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    staff_id      BIGINT REFERENCES users(id),
    kind          TEXT NOT NULL CHECK (kind IN ('rudeness', 'shirking', 'absence', 'delay', 'gifts', 'other')),
    source        TEXT NOT NULL CHECK (source IN ('phone', 'letter', 'visit', 'online')),
    account       TEXT NOT NULL,
    occurred_on   DATE NOT NULL,
    complainant   TEXT,
    phone         TEXT,
    received_by   BIGINT NOT NULL REFERENCES users(id),
    received_at   TIMESTAMPTZ NOT NULL,
    due_on        DATE NOT NULL,
    rota_user_id  BIGINT REFERENCES users(id),
    finding       TEXT CHECK (finding IN ('founded', 'partly_founded', 'unfounded')),
    summary       TEXT,
    measure       TEXT,
    concluded_by  BIGINT REFERENCES users(id),
    concluded_at  TIMESTAMPTZ
);
CREATE INDEX staff_complaints_by_unit ON staff_complaints (unit_id, received_at);
CREATE INDEX staff_complaints_by_staff ON staff_complaints (staff_id);
