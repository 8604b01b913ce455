-- The weekly reception-day schedule (接待日安排表, FED-3): for each weekday, the leader who receives
-- petitioners all day, with title and credential number shown publicly (亮证服务, FED-4).
CREATE TABLE reception_schedule (
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    leader      TEXT NOT NULL,
    title       TEXT NOT NULL,
    credential  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (unit_id, weekday)
);
