//! 一处运行 (issue 23): the background jobs — supervision (with its reminders, escalations and the
//! tellings of unpublished reception months, overdue complaints, training and screenings) and the
//! outbox, and scheduled backups — each run by one server at a time and once per interval across
//! all the servers of an installation over one PostgreSQL. Every server ticks; the one that takes a
//! job's turn (`JobStore::take_job_turn`, a conditional write) runs it and says when it is due
//! again. A server that dies holding a turn loses it when its lease ends.

use std::future::Future;

use chrono::{Duration, Utc};

use crate::context::AppState;
use crate::error::AppResult;

/// How long a turn is held at most (a server that died mid-run frees it after this): three
/// intervals, between ten minutes (the outbox, every minute) and six hours (a daily backup; a
/// backup of a million cases takes minutes, docs/BENCHMARKS.md).
fn lease(every: Duration) -> Duration {
    (every * 3).clamp(Duration::minutes(10), Duration::hours(6))
}
/// How soon a failed run is tried again.
const RETRY: Duration = Duration::minutes(5);

/// Runs `work` if this server takes `job`'s turn now, and makes the job due again `every` after
/// it started. `None` when another server holds the turn or it is not due.
pub async fn take_turn<T, F>(state: &AppState, job: &str, every: std::time::Duration, work: F) -> AppResult<Option<T>>
where
    F: Future<Output = AppResult<T>>,
{
    let started = Utc::now();
    let holder = state.server_id();
    let every = Duration::from_std(every).unwrap_or(Duration::hours(24));
    let taken = state.store.take_job_turn(job, holder, started, started + lease(every)).await?;
    let turn =
        crate::metrics::JobTurn { job: job.to_owned(), turn: if taken { "taken" } else { "skipped" }.to_owned() };
    crate::metrics::metrics().job_turns.get_or_create(&turn).inc();
    if !taken {
        return Ok(None);
    }
    let outcome = work.await;
    // A failed run is tried again soon (within five minutes), not an interval later.
    let (said, next_due) = match &outcome {
        Ok(_) => ("ok".to_owned(), started + every),
        Err(e) => (format!("failed: {e}"), Utc::now() + every.min(RETRY)),
    };
    state.store.end_job_turn(job, holder, Utc::now(), next_due, &said).await?;
    outcome.map(Some)
}
