-- 一处运行 (issue 23): the background jobs (supervision with its reminders and screenings' tellings,
-- scheduled backups) run by one server at a time and once per interval across all the servers of
-- an installation: a server takes a job's turn only when its lease has ended and it is due.
CREATE TABLE job_runs (
    job               TEXT PRIMARY KEY,
    holder            TEXT NOT NULL,
    leased_until      TIMESTAMPTZ NOT NULL,
    next_due          TIMESTAMPTZ NOT NULL,
    last_started_at   TIMESTAMPTZ,
    last_finished_at  TIMESTAMPTZ,
    last_outcome      TEXT
);
