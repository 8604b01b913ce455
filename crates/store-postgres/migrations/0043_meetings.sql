-- 会议 (issue 20, DEM-3 … DEM-5): the meetings of a community's bodies — when, where, the agenda,
-- who convened them (the representatives' signers), the rules they were called under — who
-- attended and whether that was a quorum, and the decisions on the agenda with their votes.
CREATE TABLE meetings (
    id            BIGSERIAL PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    body          TEXT NOT NULL CHECK (body IN ('committee', 'council', 'congress')),
    day           DATE NOT NULL,
    starts        TEXT,
    place         TEXT NOT NULL,
    agenda        TEXT NOT NULL,
    convened_by   TEXT NOT NULL CHECK (convened_by IN ('committee', 'chair', 'representatives')),
    signers       TEXT NOT NULL,
    rules         TEXT NOT NULL,
    created_by    BIGINT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL,
    present       TEXT,
    sitting       INTEGER,
    quorate       BOOLEAN,
    attendance_by BIGINT REFERENCES users(id),
    attendance_at TIMESTAMPTZ
);
CREATE INDEX meetings_by_unit ON meetings (unit_id, day);
CREATE TABLE meeting_decisions (
    id             BIGSERIAL PRIMARY KEY,
    meeting_id     BIGINT NOT NULL REFERENCES meetings(id),
    item           INTEGER NOT NULL,
    text           TEXT NOT NULL,
    votes_for      INTEGER NOT NULL,
    votes_against  INTEGER NOT NULL,
    abstentions    INTEGER NOT NULL,
    passed         BOOLEAN NOT NULL,
    recorded_by    BIGINT NOT NULL REFERENCES users(id),
    recorded_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (meeting_id, item)
);
