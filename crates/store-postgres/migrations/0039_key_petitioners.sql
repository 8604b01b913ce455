-- 重点信访人 (issue 19, TWN-8): a unit's register of the persons it keeps in view for appointment and
-- home visits, with the reason; known by the resident ID number or the phone; taken off the
-- register with who did it, when and why, never deleted.
CREATE TABLE key_petitioners (
    id             BIGSERIAL PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    name           TEXT NOT NULL,
    id_number      TEXT,
    phone          TEXT,
    reason         TEXT NOT NULL,
    added_by       BIGINT NOT NULL REFERENCES users(id),
    added_at       TIMESTAMPTZ NOT NULL,
    removed_by     BIGINT REFERENCES users(id),
    removed_at     TIMESTAMPTZ,
    removed_reason TEXT
);
CREATE INDEX key_petitioners_by_unit ON key_petitioners (unit_id, added_at);
