-- Case lists at a county's scale: a covering index for scope, date, channel and status, and a
-- tally of cases per (registering unit, holding unit, status, channel) kept in the same transaction
-- as the cases, so that a list's total count does not scan a million rows.
DROP INDEX cases_unit_received;
CREATE INDEX cases_scope ON cases(unit_id, received_at, channel, status);
CREATE INDEX cases_holding_scope ON cases(holding_unit_id, received_at, channel, status);
DROP INDEX cases_holding_unit;

CREATE TABLE case_tally (
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    holding_unit_id  INTEGER NOT NULL REFERENCES units(id),
    status           TEXT NOT NULL,
    channel          TEXT NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (unit_id, holding_unit_id, status, channel)
);
INSERT INTO case_tally (unit_id, holding_unit_id, status, channel, n)
    SELECT unit_id, holding_unit_id, status, channel, COUNT(*) FROM cases
    GROUP BY unit_id, holding_unit_id, status, channel;
