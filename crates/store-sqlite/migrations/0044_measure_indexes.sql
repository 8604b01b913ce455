-- The measures (GEN-9, issue 21) find the deadlines met in a period by when they were met, and the
-- ratings and replies of a period by when they were given: without these they read every row.
CREATE INDEX case_deadlines_met ON case_deadlines(kind, met_at) WHERE met_at IS NOT NULL;
CREATE INDEX case_events_kind_time ON case_events(kind, occurred_at);
