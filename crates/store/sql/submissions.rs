//! Online submissions' idempotency keys.

use crate::Backend;
use chrono::{DateTime, Utc};
use huiyin_store::prelude::*;
use huiyin_store::{StoreResult, SubmissionClaim};
use sqlx::Row;

#[async_trait::async_trait]
impl SubmissionStore for Backend {
    async fn claim_submission(
        &self,
        key_hash: &str,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<SubmissionClaim> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM online_submissions WHERE key_hash = $1 AND case_id IS NULL AND claimed_at < $2")
            .bind(key_hash)
            .bind(stale_before)
            .execute(&mut *tx)
            .await?;
        let claimed = sqlx::query(
            "INSERT INTO online_submissions (key_hash, claimed_at) VALUES ($1, $2) ON CONFLICT (key_hash) DO NOTHING",
        )
        .bind(key_hash)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let claim = if claimed {
            SubmissionClaim::Claimed
        } else {
            let row =
                sqlx::query("SELECT case_id, sealed_code, claimed_at FROM online_submissions WHERE key_hash = $1")
                    .bind(key_hash)
                    .fetch_one(&mut *tx)
                    .await?;
            match row.try_get::<Option<i64>, _>("case_id")? {
                Some(case_id) => SubmissionClaim::Filed {
                    case_id,
                    sealed_code: row.try_get("sealed_code")?,
                    claimed_at: row.try_get("claimed_at")?,
                },
                None => SubmissionClaim::Pending,
            }
        };
        tx.commit().await?;
        Ok(claim)
    }

    async fn finish_submission(&self, key_hash: &str, case_id: i64, sealed_code: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE online_submissions SET case_id = $1, sealed_code = $2 WHERE key_hash = $3")
            .bind(case_id)
            .bind(sealed_code)
            .bind(key_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn release_submission(&self, key_hash: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM online_submissions WHERE key_hash = $1 AND case_id IS NULL")
            .bind(key_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
