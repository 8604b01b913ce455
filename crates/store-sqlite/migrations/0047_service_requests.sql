-- 办事 (issue 22, CDR-4, CDR-2): a resident's request for a service rather than a petition, taken by
-- the first staff member asked, done on the spot or guided to the cadre responsible, who records it
-- done. No case, no limit of the regulation, no place in the petition measures.
CREATE TABLE service_requests (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    resident     TEXT,
    matter       TEXT NOT NULL,
    received_by  INTEGER NOT NULL REFERENCES users(id),
    received_at  TEXT NOT NULL,
    guided_to    INTEGER REFERENCES users(id),
    done_by      INTEGER REFERENCES users(id),
    done_at      TEXT,
    result       TEXT
);
CREATE INDEX service_requests_by_unit ON service_requests (unit_id, received_at);
