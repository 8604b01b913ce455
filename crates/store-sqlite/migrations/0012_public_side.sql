-- The public side (issue 6).
-- online_submissions: one row per online petition, keyed by the keyed hash of the idempotency key
-- the submission form carries, so that a double click or a resent form files one case. The row is
-- claimed before the case is written (case_id still empty) and completed after; sealed_code is the
-- query code under a one-time pad derived from the server's key, so that a repeated submission
-- within minutes can show the receipt again.
CREATE TABLE online_submissions (
    key_hash     TEXT PRIMARY KEY,
    case_id      INTEGER REFERENCES cases(id),
    sealed_code  TEXT,
    claimed_at   TEXT NOT NULL
);

-- What a unit tells the public (COM-3, FED-3, SCH-4): hotline, address, reception hours (JSON, see
-- huiyin_core::unit::OfficeHours) and the procedure in plain words.
CREATE TABLE unit_public_info (
    unit_id       INTEGER PRIMARY KEY REFERENCES units(id),
    hotline       TEXT NOT NULL,
    address       TEXT NOT NULL,
    office_hours  TEXT NOT NULL,
    procedure     TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
