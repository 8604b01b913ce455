-- 拒收礼品登记 (issue 19, SCH-8): gifts, banquets and favours staff were offered and refused, by whom,
-- what, when, over which case, and the review of each by a supervisor or leader.
CREATE TABLE gifts (
    id           BIGSERIAL PRIMARY KEY,
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL CHECK (kind IN ('gift', 'banquet', 'favour')),
    offered_by   TEXT NOT NULL,
    what         TEXT NOT NULL,
    offered_on   DATE NOT NULL,
    value_yuan   BIGINT,
    handling     TEXT NOT NULL,
    case_id      BIGINT REFERENCES cases(id),
    recorded_at  TIMESTAMPTZ NOT NULL,
    reviewed_by  BIGINT REFERENCES users(id),
    reviewed_at  TIMESTAMPTZ,
    review_note  TEXT
);
CREATE INDEX gifts_by_unit ON gifts (unit_id, offered_on);
