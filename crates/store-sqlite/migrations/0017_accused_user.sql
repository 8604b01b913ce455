-- The staff member a case accuses, when the accused person has an account (GEN-7, issue 15): for
-- them the case does not exist, and nothing routes it to them. The registration and every
-- 更正被反映对象 event hold the login name; this column follows them for the list queries.
ALTER TABLE cases ADD COLUMN accused_user_id INTEGER REFERENCES users(id);
