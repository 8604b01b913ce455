//! Deadlines and supervision (督办): the open deadlines, those coming due, and the supervision items
//! opened, escalated and closed on them.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::limits::Deadline;

use crate::{Blindness, Notice, StoreResult};

/// An open deadline that is due by a given day, with who answers for it (督办).
#[derive(Debug, Clone)]
pub struct DueDeadline {
    pub case_id: i64,
    pub case_number: String,
    /// The unit that holds the case.
    pub unit_id: i64,
    pub owner_id: i64,
    /// The unit the case accuses, if any (GEN-7: its staff hear nothing of it).
    pub accused_unit_id: Option<i64>,
    /// The staff member the case accuses, if one of ours (GEN-7).
    pub accused_user_id: Option<i64>,
    pub deadline: Deadline,
}

/// An overdue supervision item that may be escalated to the level above its holding unit.
#[derive(Debug, Clone)]
pub struct ItemToEscalate {
    pub holding_unit_id: i64,
    /// The unit above the holding unit.
    pub parent_id: i64,
    /// The unit the case accuses, if any: escalation skips over it (GEN-7).
    pub accused_unit_id: Option<i64>,
    /// The staff member the case accuses, if one of ours (GEN-7).
    pub accused_user_id: Option<i64>,
    pub item: SupervisionItem,
}

/// A supervision item (督办单) as dashboards list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionItem {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub kind: String,
    pub due: NaiveDate,
    pub unit_code: String,
    pub owner: String,
    pub opened_at: DateTime<Utc>,
    pub escalated_to: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// Deadlines and supervision items.
#[async_trait]
pub trait SupervisionStore: Send + Sync {
    /// Open deadlines in key order after `(case_id, kind)`, for recounting over a new calendar.
    async fn open_deadlines_after(&self, after: (i64, &str), limit: i64) -> StoreResult<Vec<(i64, Deadline)>>;
    /// Writes recounted due dates and the cases' earliest open due date.
    async fn update_deadline_dues(&self, changed: &[(i64, Deadline)]) -> StoreResult<()>;
    /// Open deadlines due on or before `until`, earliest first.
    async fn due_deadlines(&self, until: NaiveDate, limit: i64) -> StoreResult<Vec<DueDeadline>>;
    /// Opens a supervision item for an overdue deadline, with its notices, once: false (and nothing
    /// written) if the item exists already. Safe to run on several servers at once.
    async fn open_supervision_item(
        &self,
        due: &DueDeadline,
        at: DateTime<Utc>,
        notices: &[Notice],
    ) -> StoreResult<bool>;
    /// Records a "due soon" reminder with its notices, once per deadline and due date.
    async fn remind_once(&self, due: &DueDeadline, at: DateTime<Utc>, notices: &[Notice]) -> StoreResult<bool>;
    /// Open, not yet escalated items whose deadline is due on or before `due_by`, of units that have
    /// a unit above.
    async fn items_to_escalate(&self, due_by: NaiveDate) -> StoreResult<Vec<ItemToEscalate>>;
    /// Escalates an item to `to_unit` with its notices, once.
    async fn escalate_item(
        &self,
        item_id: i64,
        to_unit: i64,
        at: DateTime<Utc>,
        notices: &[Notice],
    ) -> StoreResult<bool>;
    /// Closes the open items whose deadline was met or moved; returns how many.
    async fn close_settled_items(&self, at: DateTime<Utc>) -> StoreResult<u64>;
    /// Supervision items of cases held in the given units, newest first, without those of cases that
    /// accuse one of `blind` (GEN-7).
    async fn supervision_items(
        &self,
        units: &[i64],
        blind: &Blindness,
        open_only: bool,
        limit: i64,
    ) -> StoreResult<Vec<SupervisionItem>>;
    /// The supervision items ever opened on one case, oldest first.
    async fn case_supervision_items(&self, case_id: i64) -> StoreResult<Vec<SupervisionItem>>;
}
