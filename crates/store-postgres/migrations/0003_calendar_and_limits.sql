-- The holiday schedule (GEN-8), one row a year in the holiday-cn format, shared by every app server;
-- and each unit's time limits (a JSON LimitRules), inherited by the units below it.
CREATE TABLE holiday_years (
    year       BIGINT PRIMARY KEY,
    file       TEXT NOT NULL,
    source     TEXT NOT NULL,
    loaded_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE unit_limits (
    unit_id     BIGINT PRIMARY KEY REFERENCES units(id),
    rules       JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
