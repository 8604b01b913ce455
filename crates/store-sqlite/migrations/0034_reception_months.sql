-- 领导接访安排 (issue 19; TWN-7, TWN-8, TWN-9): a unit's month of leaders' reception days, version
-- by version. `days` is huiyin_core::reception::ArrangedDay[] as JSON, the leaders' names and titles
-- fixed as drafted. A version with no `published_at` is the month's one draft; a published version
-- is never changed again (a change is the next version). `late`: published after the unit's
-- deadline for the month.
CREATE TABLE reception_months (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    month         TEXT NOT NULL,
    version       INTEGER NOT NULL,
    days          TEXT NOT NULL,
    change_note   TEXT,
    drafted_by    INTEGER NOT NULL REFERENCES users(id),
    drafted_at    TEXT NOT NULL,
    published_by  INTEGER REFERENCES users(id),
    published_at  TEXT,
    late          INTEGER NOT NULL DEFAULT 0,
    UNIQUE (unit_id, month, version)
);
CREATE UNIQUE INDEX reception_months_one_draft ON reception_months (unit_id, month) WHERE published_at IS NULL;

-- The unit's supervisors were told that the month's table was not published by its deadline.
CREATE TABLE reception_month_alerts (
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    month    TEXT NOT NULL,
    told_at  TEXT NOT NULL,
    PRIMARY KEY (unit_id, month)
);
