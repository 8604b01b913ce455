-- 值班签到 (issue 19, FED-8): whether the person on duty was at their post. One record a unit and
-- day: who signed in and out and when; `recorded_by` when an officer recorded it for them (补记),
-- NULL when they signed themselves. A duty day with no sign-in by the end of reception is an
-- absence, worked out when read.
CREATE TABLE duty_attendance (
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    day            DATE NOT NULL,
    user_id        BIGINT NOT NULL REFERENCES users(id),
    signed_in_at   TIMESTAMPTZ NOT NULL,
    signed_out_at  TIMESTAMPTZ,
    recorded_by    BIGINT REFERENCES users(id),
    note           TEXT,
    PRIMARY KEY (unit_id, day)
);
