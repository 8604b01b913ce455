-- A version per shared setting that servers keep in memory (issue 15): the content classes and the
-- holiday calendar. A write bumps it in the same transaction; every server compares it before using
-- its copy, so an edit made on one server is seen by all at once.
CREATE TABLE setting_versions (
    name     TEXT PRIMARY KEY,
    version  BIGINT NOT NULL
);
