-- Attachments' bytes, content-addressed (sha256), kept once however many cases cite them.
CREATE TABLE blobs (
    sha256      TEXT PRIMARY KEY,
    media_type  TEXT NOT NULL,
    size        BIGINT NOT NULL,
    bytes       BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
