-- The holiday schedule (GEN-8), one row a year in the holiday-cn format, shared by every app server;
-- and each unit's time limits (a JSON LimitRules), inherited by the units below it.
CREATE TABLE holiday_years (
    year       INTEGER PRIMARY KEY,
    file       TEXT NOT NULL,
    source     TEXT NOT NULL,
    loaded_at  TEXT NOT NULL
);

CREATE TABLE unit_limits (
    unit_id     INTEGER PRIMARY KEY REFERENCES units(id),
    rules       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
