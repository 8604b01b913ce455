//! Counts over many cases: the public measures (GEN-9) and skip-level petitions (TWN-14).

use async_trait::async_trait;
use chrono::NaiveDate;

use crate::{Blindness, StoreResult};

/// A count of 越级访 against one unit (TWN-14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipLevelCount {
    pub unit_code: String,
    pub unit_name: String,
    pub cases: i64,
}

/// Counts over many cases.
#[async_trait]
pub trait TallyStore: Send + Sync {
    /// Cases flagged 越级 in `scope`, counted by the unit responsible for the problem's place (TWN-14);
    /// cases that accuse one of `blind` are not counted (GEN-7).
    async fn skip_level_counts(&self, scope: &[i64], blind: &Blindness) -> StoreResult<Vec<SkipLevelCount>>;
    /// The counts behind the public measures (GEN-9) of the cases registered or held in `scope`:
    /// acceptance notices and handling opinions that came due from `since` (met, or due before
    /// `today`), with those met by their due day (China time); ratings given from `since`.
    async fn kpi_tallies(
        &self,
        scope: &[i64],
        since: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<huiyin_core::kpi::KpiTallies>;
}
