//! 每月排查 (TWN-13): each unit's screening of a month — its matters, who drafted it, the leader who
//! signed it off — one a unit and month, written naming the version read.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use huiyin_core::screening::ScreenedMatter;

use crate::StoreResult;

/// A unit's screening of a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningRecord {
    pub id: i64,
    pub unit_id: i64,
    /// The month screened: `2026-11`.
    pub month: String,
    /// 排查情况: what was looked at, in a paragraph.
    pub summary: Option<String>,
    pub matters: Vec<ScreenedMatter>,
    /// How many times it was written.
    pub version: i64,
    pub drafted_by: i64,
    pub drafted_at: DateTime<Utc>,
    /// The leader who signed it off; `None` while it is a draft.
    pub signed_by: Option<i64>,
    pub signed_at: Option<DateTime<Utc>>,
    /// Signed after the unit's day for the month.
    pub late: bool,
}

/// The monthly screenings.
#[async_trait]
pub trait ScreeningStore: Send + Sync {
    /// The unit's screening of the month, if one was begun.
    async fn screening(&self, unit_id: i64, month: &str) -> StoreResult<Option<ScreeningRecord>>;
    /// The screenings of the month of these units.
    async fn screenings_of_month(&self, unit_ids: &[i64], month: &str) -> StoreResult<Vec<ScreeningRecord>>;
    /// The signed screenings of `from_month` and after, every unit's (for supervision).
    async fn signed_screenings_since(&self, from_month: &str) -> StoreResult<Vec<ScreeningRecord>>;
    /// Whom these cases accuse now, by case id: the unit and the staff member (GEN-7).
    async fn accusations_of(&self, case_ids: &[i64]) -> StoreResult<Vec<(i64, Option<i64>, Option<i64>)>>;
    /// The units with an active staff member (not a system account) added before `at`: those
    /// judged for a month beginning then (a unit set up since is not told of the months before).
    async fn units_staffed_before(&self, at: DateTime<Utc>) -> StoreResult<Vec<i64>>;
    /// Writes the unit's draft of the month: begins it (`read_version` `None`) or replaces the draft
    /// read at `read_version`. Its new version; `StoreError::Conflict` when it was written or
    /// signed since, or begun by someone else.
    #[allow(clippy::too_many_arguments)]
    async fn save_screening(
        &self,
        unit_id: i64,
        month: &str,
        summary: Option<&str>,
        matters: &[ScreenedMatter],
        read_version: Option<i64>,
        by: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Signs the screening `id` off as read at `read_version`: `false` when it was written or
    /// signed since.
    async fn sign_screening(
        &self,
        id: i64,
        read_version: i64,
        by: i64,
        at: DateTime<Utc>,
        late: bool,
    ) -> StoreResult<bool>;
    /// Writes the matters of the signed screening `id` (a resolution) as read at `read_version`:
    /// `false` when it was written since.
    async fn resolve_screening_matters(
        &self,
        id: i64,
        read_version: i64,
        matters: &[ScreenedMatter],
    ) -> StoreResult<bool>;
}
