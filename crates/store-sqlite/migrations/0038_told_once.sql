-- What supervision tells once (issue 19): an overdue complaint against staff (FED-12), a staff
-- member's training past its interval (FED-14), keyed by what it is and what it is about.
CREATE TABLE told_once (
    kind     TEXT NOT NULL,
    subject  TEXT NOT NULL,
    told_at  TEXT NOT NULL,
    PRIMARY KEY (kind, subject)
);
