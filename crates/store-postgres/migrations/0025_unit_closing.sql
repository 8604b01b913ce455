-- A unit closed (撤销, issue 18): when, or NULL while it works. A closed unit takes no new case,
-- no case routed to it, no new account; its past stays as it was, and it may be reopened.
ALTER TABLE units ADD COLUMN closed_at TIMESTAMPTZ;
