-- Issued documents: each notice, letter or record as it was issued, its PDF kept in blobs by hash and
-- attached to what issued it, so that a reprint serves the same bytes.
CREATE TABLE issued_documents (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    -- The issuing event's seq in the case's log; for a 督办单, the supervision item's id.
    issued_by   INTEGER NOT NULL,
    title       TEXT NOT NULL,
    sha256      TEXT NOT NULL REFERENCES blobs(sha256),
    issued_at   TEXT NOT NULL,
    UNIQUE (case_id, kind, issued_by)
);

-- A unit's letterhead (红头) and signature block (落款, one line per line of text). Units without
-- their own print their name.
CREATE TABLE unit_document_styles (
    unit_id     INTEGER PRIMARY KEY REFERENCES units(id),
    letterhead  TEXT NOT NULL,
    signature   TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
