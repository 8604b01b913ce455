-- 社区民主管理 (issue 20, DEM-1, DEM-2): a community's charter and conventions with their numbered
-- versions (each with the meeting and decision that adopted it), and its three bodies' own rules
-- and members (one chair sitting at a time).
CREATE TABLE charters (
    id       INTEGER PRIMARY KEY,
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    kind     TEXT NOT NULL CHECK (kind IN ('charter', 'convention')),
    title    TEXT NOT NULL
);
CREATE UNIQUE INDEX charters_one_charter ON charters (unit_id) WHERE kind = 'charter';
CREATE UNIQUE INDEX charters_title ON charters (unit_id, title);
CREATE TABLE charter_versions (
    charter_id   INTEGER NOT NULL REFERENCES charters(id),
    version      INTEGER NOT NULL,
    text         TEXT NOT NULL,
    adopted_on   TEXT NOT NULL,
    adopted_by   TEXT NOT NULL,
    note         TEXT,
    recorded_by  INTEGER NOT NULL REFERENCES users(id),
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (charter_id, version)
);
CREATE TABLE body_rules (
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    body           TEXT NOT NULL CHECK (body IN ('committee', 'council', 'congress')),
    quorum         TEXT NOT NULL,
    majority       TEXT NOT NULL,
    notice_days    INTEGER NOT NULL,
    convene_share  TEXT,
    set_at         TEXT NOT NULL,
    PRIMARY KEY (unit_id, body)
);
CREATE TABLE body_members (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    body         TEXT NOT NULL CHECK (body IN ('committee', 'council', 'congress')),
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('chair', 'vice_chair', 'member', 'representative')),
    represents   TEXT,
    term_from    TEXT NOT NULL,
    term_to      TEXT,
    added_by     INTEGER NOT NULL REFERENCES users(id),
    added_at     TEXT NOT NULL,
    left_on      TEXT,
    left_reason  TEXT
);
CREATE UNIQUE INDEX body_members_one_chair ON body_members (unit_id, body) WHERE role = 'chair' AND left_on IS NULL;
CREATE INDEX body_members_by_unit ON body_members (unit_id, body);
