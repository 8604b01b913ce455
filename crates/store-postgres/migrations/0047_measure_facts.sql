-- The measures (GEN-9, issue 21; docs/MEASURES.md) kept as the events are written: each thing a
-- measure counts (a registration, an acceptance notice or handling limit settled, a reply, a rating
-- of the office or of the handling unit) is a fact of its case, for the unit whose step it was, on
-- the China day it counts; the tallies sum the facts by unit, month (and day), kind and outcome in
-- the same transaction (huiyin_core::measure_facts).
CREATE TABLE measure_facts (
    case_id  BIGINT NOT NULL REFERENCES cases(id),
    kind     TEXT NOT NULL,
    seq      BIGINT NOT NULL,
    unit_id  BIGINT NOT NULL REFERENCES units(id),
    day      DATE NOT NULL,
    outcome  TEXT NOT NULL,
    PRIMARY KEY (case_id, kind, seq)
);
CREATE INDEX measure_facts_unit_day ON measure_facts(unit_id, day);
-- The replies of a unit since a day (参评率: the rating windows that lapsed).
CREATE INDEX measure_facts_replies ON measure_facts(unit_id, day) WHERE kind = 'replied';

CREATE TABLE measure_tally (
    unit_id  BIGINT NOT NULL REFERENCES units(id),
    month    TEXT NOT NULL,
    kind     TEXT NOT NULL,
    outcome  TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (unit_id, month, kind, outcome)
);
-- The same by day, for the days at a period's ends.
CREATE TABLE measure_tally_days (
    unit_id  BIGINT NOT NULL REFERENCES units(id),
    day      DATE NOT NULL,
    kind     TEXT NOT NULL,
    outcome  TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (unit_id, day, kind, outcome)
);

-- A reader's report takes away the facts of the cases that accuse the reader or the reader's unit
-- (GEN-7), found by whom they accuse.
CREATE INDEX cases_accused_unit ON cases(accused_unit_id) WHERE accused_unit_id IS NOT NULL;
CREATE INDEX cases_accused_user ON cases(accused_user_id) WHERE accused_user_id IS NOT NULL;

-- The scans the facts replace (the deadlines met and the events of a period) need their indexes no
-- more.
DROP INDEX IF EXISTS case_deadlines_met;
DROP INDEX IF EXISTS case_events_kind_time;

-- The facts of the cases already kept. Whose step a past deadline, reply or rating was is not
-- recorded: the unit holding the case now stands for it.
INSERT INTO measure_facts (case_id, kind, seq, unit_id, day, outcome)
    SELECT id, 'registered', 0, unit_id, (received_at AT TIME ZONE 'Asia/Shanghai')::date,
           CASE WHEN CAST(flags AS TEXT) LIKE '%"repeat"%' THEN 'repeat' ELSE 'first' END
    FROM cases;
INSERT INTO measure_facts (case_id, kind, seq, unit_id, day, outcome)
    SELECT d.case_id, d.kind, 0, c.holding_unit_id, COALESCE((d.met_at AT TIME ZONE 'Asia/Shanghai')::date, d.due),
           CASE WHEN d.met_at IS NULL THEN 'open'
                WHEN (d.met_at AT TIME ZONE 'Asia/Shanghai')::date <= d.due THEN 'on_time' ELSE 'late' END
    FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.kind IN ('notice', 'handling');
INSERT INTO measure_facts (case_id, kind, seq, unit_id, day, outcome)
    SELECT e.case_id, 'replied', e.seq, c.holding_unit_id, (e.occurred_at AT TIME ZONE 'Asia/Shanghai')::date, 'replied'
    FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'replied';
INSERT INTO measure_facts (case_id, kind, seq, unit_id, day, outcome)
    SELECT e.case_id, 'rated_office', e.seq, c.unit_id, (e.occurred_at AT TIME ZONE 'Asia/Shanghai')::date, e.payload ->> 'office'
    FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'rated';
INSERT INTO measure_facts (case_id, kind, seq, unit_id, day, outcome)
    SELECT e.case_id, 'rated_unit', e.seq, c.holding_unit_id, (e.occurred_at AT TIME ZONE 'Asia/Shanghai')::date, e.payload ->> 'unit'
    FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'rated';
INSERT INTO measure_tally (unit_id, month, kind, outcome, n)
    SELECT unit_id, to_char(day, 'YYYY-MM'), kind, outcome, COUNT(*) FROM measure_facts
    GROUP BY unit_id, to_char(day, 'YYYY-MM'), kind, outcome;
INSERT INTO measure_tally_days (unit_id, day, kind, outcome, n)
    SELECT unit_id, day, kind, outcome, COUNT(*) FROM measure_facts GROUP BY unit_id, day, kind, outcome;
