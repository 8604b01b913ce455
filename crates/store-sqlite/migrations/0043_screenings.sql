-- 每月排查 (issue 21; TWN-13): a unit's screening of a month for petition hotspots, one a unit and
-- month. `matters` is huiyin_core::screening::ScreenedMatter[] as JSON: each matter's kind, subject,
-- cases, the person responsible, the measures and the deadline, and once resolved how and when.
-- Unsigned it is a draft; signed (by a leader) its matters are fixed and only their resolution is
-- written. `version` counts the writes (a write names the version it read). `late`: signed after
-- the unit's day for the month.
CREATE TABLE screenings (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    month       TEXT NOT NULL,
    summary     TEXT,
    matters     TEXT NOT NULL,
    version     INTEGER NOT NULL,
    drafted_by  INTEGER NOT NULL REFERENCES users(id),
    drafted_at  TEXT NOT NULL,
    signed_by   INTEGER REFERENCES users(id),
    signed_at   TEXT,
    late        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (unit_id, month)
);
CREATE INDEX screenings_by_month ON screenings (month);
