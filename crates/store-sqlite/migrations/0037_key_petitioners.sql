-- 重点信访人 (issue 19, TWN-8): a unit's register of the persons it keeps in view for appointment and
-- home visits, with the reason; known by the resident ID number or the phone; taken off the
-- register with who did it, when and why, never deleted.
CREATE TABLE key_petitioners (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    name           TEXT NOT NULL,
    id_number      TEXT,
    phone          TEXT,
    reason         TEXT NOT NULL,
    added_by       INTEGER NOT NULL REFERENCES users(id),
    added_at       TEXT NOT NULL,
    removed_by     INTEGER REFERENCES users(id),
    removed_at     TEXT,
    removed_reason TEXT
);
CREATE INDEX key_petitioners_by_unit ON key_petitioners (unit_id, added_at);
