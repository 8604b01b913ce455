//! 一处运行 (issue 23): the turns of the background jobs. Several servers over one PostgreSQL each
//! tick; a job runs on the one that takes its turn, once per interval across them all.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// A job's last turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    pub job: String,
    /// The server that took the last turn.
    pub holder: String,
    pub next_due: DateTime<Utc>,
    pub last_started_at: Option<DateTime<Utc>>,
    pub last_finished_at: Option<DateTime<Utc>>,
    pub last_outcome: Option<String>,
}

/// The jobs' turns.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Takes `job`'s turn for `holder` until `lease_until`, when it is due at `now` and no other
    /// server holds it (a lease past its end is a server that died): true when taken. A conditional
    /// write, so that of servers asking at once exactly one gets it.
    async fn take_job_turn(
        &self,
        job: &str,
        holder: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Ends `holder`'s turn of `job`: due again at `next_due`, with how it went.
    async fn end_job_turn(
        &self,
        job: &str,
        holder: &str,
        now: DateTime<Utc>,
        next_due: DateTime<Utc>,
        outcome: &str,
    ) -> StoreResult<()>;
    /// Every job's last turn.
    async fn job_runs(&self) -> StoreResult<Vec<JobRun>>;
}
