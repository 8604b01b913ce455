-- Complaints filed by the public (issue 19, FED-12): the complainant's query code (a keyed hash),
-- the case they linked with its number and code, the name they know the staff member by, and the
-- form's idempotency key with the query code sealed under it (a form sent twice files once).
ALTER TABLE staff_complaints ADD COLUMN case_id BIGINT REFERENCES cases(id);
ALTER TABLE staff_complaints ADD COLUMN staff_named TEXT;
ALTER TABLE staff_complaints ADD COLUMN query_code_hash TEXT;
ALTER TABLE staff_complaints ADD COLUMN submission_key TEXT;
ALTER TABLE staff_complaints ADD COLUMN sealed_code TEXT;
CREATE UNIQUE INDEX staff_complaints_by_submission ON staff_complaints (submission_key);
