//! 领导接访安排 (TWN-7, TWN-8, TWN-9): each unit's month of leaders' reception days, version by
//! version — at most one draft, and the published versions, locked, with when and by whom; and the
//! reception sessions (接访活动, TWN-10) the visits were received in.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::reception::{ArrangedDay, ArrangedLeader};
use huiyin_core::reception_session::SessionKind;

use crate::StoreResult;

/// One version of a unit's month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceptionMonthRecord {
    pub id: i64,
    pub unit_id: i64,
    /// `2026-12`.
    pub month: String,
    /// 1 for the first table, then one more for each change.
    pub version: i64,
    pub days: Vec<ArrangedDay>,
    /// 变更说明, for a version after the first.
    pub change_note: Option<String>,
    pub drafted_by: i64,
    pub drafted_at: DateTime<Utc>,
    /// `None` while it is a draft.
    pub published_by: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    /// Published after the unit's deadline for the month (TWN-9).
    pub late: bool,
}

/// A reception session to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub unit_id: i64,
    pub kind: SessionKind,
    pub day: NaiveDate,
    pub starts: Option<String>,
    pub ends: Option<String>,
    pub place: String,
    /// Fixed as recorded, with name, title and rank.
    pub leaders: Vec<ArrangedLeader>,
    /// 约访: the key petitioner and why they are one.
    pub key_petitioner: Option<String>,
    pub key_reason: Option<String>,
    pub note: Option<String>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

/// A recorded reception session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: i64,
    pub session: NewSession,
    /// How many visits were registered in it.
    pub visits: i64,
}

/// The months of leaders' reception days.
#[async_trait]
pub trait ReceptionStore: Send + Sync {
    /// Every version of the unit's month, oldest first; the draft, when there is one, last.
    async fn reception_months(&self, unit_id: i64, month: &str) -> StoreResult<Vec<ReceptionMonthRecord>>;
    /// Writes the unit's draft of the month: replaces the draft there is, or starts one as the
    /// version after the last published. Its version.
    async fn save_reception_draft(
        &self,
        unit_id: i64,
        month: &str,
        days: &[ArrangedDay],
        change_note: Option<&str>,
        by: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Publishes the draft of the month, locking it: its version, or `None` when there was no draft.
    async fn publish_reception_draft(
        &self,
        unit_id: i64,
        month: &str,
        by: i64,
        at: DateTime<Utc>,
        late: bool,
    ) -> StoreResult<Option<i64>>;
    /// Drops the draft of the month; false when there was none.
    async fn discard_reception_draft(&self, unit_id: i64, month: &str) -> StoreResult<bool>;
    /// The units that published a table of any month before `month` (they keep monthly tables).
    async fn units_keeping_reception_months(&self, month: &str) -> StoreResult<Vec<i64>>;
    /// The units with a published table of `month`.
    async fn units_published_reception_month(&self, month: &str) -> StoreResult<Vec<i64>>;
    /// Records a reception session; its id.
    async fn add_reception_session(&self, session: &NewSession) -> StoreResult<i64>;
    async fn reception_session(&self, id: i64) -> StoreResult<Option<SessionRecord>>;
    /// The sessions of these units held from `from` up to (not including) `before`, by day.
    async fn reception_sessions(
        &self,
        units: &[i64],
        from: NaiveDate,
        before: NaiveDate,
    ) -> StoreResult<Vec<SessionRecord>>;
}
