//! 拒收礼品登记 (SCH-8): the register of gifts, banquets and favours staff were offered and refused,
//! and a supervisor's review of each.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::gift::GiftKind;

use crate::StoreResult;

/// A refused offer to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGift {
    /// The unit of the staff member who was offered it, when they recorded it.
    pub unit_id: i64,
    pub user_id: i64,
    pub kind: GiftKind,
    pub offered_by: String,
    pub what: String,
    pub offered_on: NaiveDate,
    pub value_yuan: Option<i64>,
    pub handling: String,
    pub case_id: Option<i64>,
    pub recorded_at: DateTime<Utc>,
}

/// One line of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftRecord {
    pub id: i64,
    pub gift: NewGift,
    /// The supervisor or leader who reviewed it, when, and what they noted.
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
}

/// The register of refused offers.
#[async_trait]
pub trait GiftStore: Send + Sync {
    /// Records a refused offer; its id.
    async fn add_gift(&self, gift: &NewGift) -> StoreResult<i64>;
    async fn gift(&self, id: i64) -> StoreResult<Option<GiftRecord>>;
    /// The offers recorded in these units, offered from `from` up to (not including) `before`,
    /// newest first; only those of `user_id` when given.
    async fn gifts(
        &self,
        units: &[i64],
        from: NaiveDate,
        before: NaiveDate,
        user_id: Option<i64>,
    ) -> StoreResult<Vec<GiftRecord>>;
    /// Records the review of an offer not yet reviewed; false (nothing changed) when it was.
    async fn review_gift(&self, id: i64, by: i64, at: DateTime<Utc>, note: Option<&str>) -> StoreResult<bool>;
}
