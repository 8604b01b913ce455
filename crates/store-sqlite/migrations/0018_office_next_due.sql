-- The petitioner's windows (asking for review or re-review) are not the office's due dates: a case's
-- next due date is the earliest of the office's open deadlines only (issue 17).
UPDATE cases SET next_due = (
    SELECT MIN(d.due) FROM case_deadlines d
    WHERE d.case_id = cases.id AND d.met_at IS NULL AND d.kind NOT IN ('review_request', 're_review_request')
);
