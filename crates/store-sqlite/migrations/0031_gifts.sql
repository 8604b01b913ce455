-- 拒收礼品登记 (issue 19, SCH-8): gifts, banquets and favours staff were offered and refused, by whom,
-- what, when, over which case, and the review of each by a supervisor or leader.
CREATE TABLE gifts (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL CHECK (kind IN ('gift', 'banquet', 'favour')),
    offered_by   TEXT NOT NULL,
    what         TEXT NOT NULL,
    offered_on   TEXT NOT NULL,
    value_yuan   INTEGER,
    handling     TEXT NOT NULL,
    case_id      INTEGER REFERENCES cases(id),
    recorded_at  TEXT NOT NULL,
    reviewed_by  INTEGER REFERENCES users(id),
    reviewed_at  TEXT,
    review_note  TEXT
);
CREATE INDEX gifts_by_unit ON gifts (unit_id, offered_on);
