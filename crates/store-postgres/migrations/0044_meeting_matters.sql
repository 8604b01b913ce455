-- 议题 (issue 20, DEM ¶4): the matters raised for a community's council or congress — by the
-- committee, a representative or a resident, or a case referred by a supervisor — and, once put on a
-- meeting's agenda, which meeting and item. An amendment of a charter records the decision that
-- adopted it (DEM-1).
CREATE TABLE meeting_matters (
    id             BIGSERIAL PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    body           TEXT NOT NULL CHECK (body IN ('council', 'congress')),
    subject        TEXT NOT NULL,
    reason         TEXT NOT NULL,
    source         TEXT NOT NULL CHECK (source IN ('committee', 'representative', 'resident', 'case')),
    raised_by_name TEXT,
    case_id        BIGINT REFERENCES cases(id),
    raised_by      BIGINT NOT NULL REFERENCES users(id),
    raised_at      TIMESTAMPTZ NOT NULL,
    meeting_id     BIGINT REFERENCES meetings(id),
    item           INTEGER,
    CHECK ((source = 'case') = (case_id IS NOT NULL)),
    CHECK ((meeting_id IS NULL) = (item IS NULL))
);
CREATE INDEX meeting_matters_by_unit ON meeting_matters (unit_id, meeting_id);
CREATE INDEX meeting_matters_by_case ON meeting_matters (case_id) WHERE case_id IS NOT NULL;
-- A case waits for one body once at a time.
CREATE UNIQUE INDEX meeting_matters_one_pending_referral ON meeting_matters (case_id, body)
    WHERE case_id IS NOT NULL AND meeting_id IS NULL;
CREATE UNIQUE INDEX meeting_matters_one_per_item ON meeting_matters (meeting_id, item) WHERE meeting_id IS NOT NULL;
ALTER TABLE charter_versions ADD COLUMN decision_id BIGINT REFERENCES meeting_decisions(id);
