//! Online submissions' idempotency keys (issue 6): a petitioner who sends twice files one case.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// Where an online submission's idempotency key stands (issue 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmissionClaim {
    /// The key was new and is now held by the caller, who files the case and then finishes the
    /// claim, or releases it if filing failed.
    Claimed,
    /// A case was filed under this key.
    Filed { case_id: i64, sealed_code: Option<String>, claimed_at: DateTime<Utc> },
    /// Another request holds the key and is filing its case now.
    Pending,
}

/// Online submissions' idempotency keys.
#[async_trait]
pub trait SubmissionStore: Send + Sync {
    /// Claims an online submission's key (hashed). A claim left unfinished since `stale_before` (its
    /// request died) is taken over.
    async fn claim_submission(
        &self,
        key_hash: &str,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<SubmissionClaim>;
    /// Records the case filed under a claimed key, with the sealed query code.
    async fn finish_submission(&self, key_hash: &str, case_id: i64, sealed_code: &str) -> StoreResult<()>;
    /// Gives up a claim whose case was not filed, so that the petitioner may send it again.
    async fn release_submission(&self, key_hash: &str) -> StoreResult<()>;
}
