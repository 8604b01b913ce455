-- 防篡改记录 (issue 23; FED-13, COM-4): each case event carries the link of its case's chain, and
-- every case event, personal-data view and administration event has its place in the chain of the
-- day it was written (the ledger), with the day's last link kept as its head. Records written
-- before this migration are chained when the store is first opened after it (`chain_existing`),
-- once: `chain_backfill.pending` says it is still to do.
ALTER TABLE case_events ADD COLUMN chain_hash TEXT;

CREATE TABLE ledger_days (
    day        DATE PRIMARY KEY,
    entries    BIGINT NOT NULL,
    last_hash  TEXT NOT NULL
);

CREATE TABLE ledger (
    day          DATE NOT NULL,
    seq          BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    case_id      BIGINT,
    item         BIGINT NOT NULL,
    record_hash  TEXT NOT NULL,
    link         TEXT NOT NULL,
    PRIMARY KEY (day, seq)
);
CREATE INDEX ledger_record ON ledger(kind, item, case_id);

CREATE TABLE chain_backfill (
    pending  BIGINT NOT NULL
);
INSERT INTO chain_backfill (pending) VALUES (1);
