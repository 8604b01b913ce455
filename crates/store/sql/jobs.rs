//! The turns of the background jobs (`huiyin_store::JobStore`): one conditional upsert takes a
//! turn, so that of servers asking at once one gets it.

use chrono::{DateTime, Utc};
use huiyin_store::JobRun;
use sqlx::Row;

use super::*;

#[async_trait::async_trait]
impl huiyin_store::JobStore for Backend {
    async fn take_job_turn(
        &self,
        job: &str,
        holder: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let taken: Option<String> = sqlx::query_scalar(
            "INSERT INTO job_runs (job, holder, leased_until, next_due, last_started_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (job) DO UPDATE SET holder = $2, leased_until = $3, last_started_at = $4 \
             WHERE job_runs.leased_until <= $4 AND job_runs.next_due <= $4 RETURNING job",
        )
        .bind(job)
        .bind(holder)
        .bind(lease_until)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(taken.is_some())
    }

    async fn end_job_turn(
        &self,
        job: &str,
        holder: &str,
        now: DateTime<Utc>,
        next_due: DateTime<Utc>,
        outcome: &str,
    ) -> StoreResult<()> {
        self.write_alone(
            sqlx::query(
                "UPDATE job_runs SET leased_until = $3, next_due = $4, last_finished_at = $3, last_outcome = $5 \
                 WHERE job = $1 AND holder = $2",
            )
            .bind(job)
            .bind(holder)
            .bind(now)
            .bind(next_due)
            .bind(outcome),
        )
        .await?;
        Ok(())
    }

    async fn job_runs(&self) -> StoreResult<Vec<JobRun>> {
        let rows = sqlx::query(
            "SELECT job, holder, next_due, last_started_at, last_finished_at, last_outcome FROM job_runs ORDER BY job",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(JobRun {
                    job: r.try_get(0)?,
                    holder: r.try_get(1)?,
                    next_due: r.try_get(2)?,
                    last_started_at: r.try_get(3)?,
                    last_finished_at: r.try_get(4)?,
                    last_outcome: r.try_get(5)?,
                })
            })
            .collect()
    }
}
