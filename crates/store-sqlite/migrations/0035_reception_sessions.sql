-- 接访活动 (issue 19, TWN-10): a leader's reception day, a joint reception, an appointment visit
-- (约访) with a key petitioner (重点信访人, named with the reason) or a home visit (下访): its leaders
-- (huiyin_core::reception::ArrangedLeader[] as JSON, fixed as recorded), place, day and hours. A
-- visit registered in a session names it in `cases.session_id`.
CREATE TABLE reception_sessions (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    kind            TEXT NOT NULL CHECK (kind IN ('leader_day', 'joint', 'appointment', 'home_visit')),
    day             TEXT NOT NULL,
    starts          TEXT,
    ends            TEXT,
    place           TEXT NOT NULL,
    leaders         TEXT NOT NULL,
    key_petitioner  TEXT,
    key_reason      TEXT,
    note            TEXT,
    created_by      INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX reception_sessions_by_unit ON reception_sessions (unit_id, day);
ALTER TABLE cases ADD COLUMN session_id INTEGER REFERENCES reception_sessions(id);
CREATE INDEX cases_by_session ON cases (session_id) WHERE session_id IS NOT NULL;
