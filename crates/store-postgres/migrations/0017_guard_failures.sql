-- Failed attempts counted in the database (issue 15), so that several servers count as one: public
-- lookups per address and per case number, logins per account and per address. Keys are keyed
-- hashes (no address or username in clear); a row counts failures since `since`.
CREATE TABLE guard_failures (
    scope     TEXT NOT NULL,
    key       TEXT NOT NULL,
    since     TIMESTAMPTZ NOT NULL,
    failures  BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
