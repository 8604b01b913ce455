//! 会议 (DEM-3 … DEM-5): the meetings of a community's bodies, the attendance, the decisions.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use huiyin_core::community_body::{BodyKind, BodyRules};
use huiyin_core::meeting::{ConvenedBy, MatterSource};

use crate::StoreResult;

/// A meeting called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub unit_id: i64,
    pub body: BodyKind,
    pub day: NaiveDate,
    pub starts: Option<NaiveTime>,
    pub place: String,
    pub agenda: Vec<String>,
    pub convened_by: ConvenedBy,
    /// The members who signed the representatives' request.
    pub signers: Vec<i64>,
    /// The rules it is held under, as they stood when it was called.
    pub rules: BodyRules,
    /// Matters raised and waiting, put on the agenda as its last items (their subjects are the
    /// agenda's last entries, in this order).
    pub matters: Vec<i64>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

/// Who attended a meeting, of how many sitting, and whether that was a quorum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    pub present: Vec<i64>,
    pub sitting: u32,
    pub quorate: bool,
    pub recorded_by: i64,
    pub recorded_at: DateTime<Utc>,
}

/// A meeting as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    pub id: i64,
    pub meeting: NewMeeting,
    /// Recorded once it was held.
    pub attendance: Option<Attendance>,
}

/// A decision taken at a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    pub meeting_id: i64,
    pub item: i32,
    pub text: String,
    pub votes_for: i32,
    pub votes_against: i32,
    pub abstentions: i32,
    pub passed: bool,
    pub recorded_by: i64,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    pub id: i64,
    pub decision: NewDecision,
}

/// A matter raised for the council or the congress (DEM ¶4), or a case referred to one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMatter {
    pub unit_id: i64,
    pub body: BodyKind,
    pub subject: String,
    pub reason: String,
    pub source: MatterSource,
    /// The resident or representative who raised it; never published.
    pub raised_by_name: Option<String>,
    /// The case referred, for a [`MatterSource::Case`].
    pub case_id: Option<i64>,
    pub raised_by: i64,
    pub raised_at: DateTime<Utc>,
}

/// A matter as kept: waiting, or on a meeting's agenda as its item `item` (from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatterRecord {
    pub id: i64,
    pub matter: NewMatter,
    pub placed: Option<(i64, i32)>,
}

/// The meetings of communities' bodies.
#[async_trait]
pub trait MeetingStore: Send + Sync {
    /// Calls a meeting; its id. Its matters are put on its agenda in the same transaction: one no
    /// longer waiting for that body of that community (on another agenda, unless that meeting was
    /// held without a quorum) is [`crate::StoreError::Conflict`] and nothing is written.
    async fn add_meeting(&self, meeting: &NewMeeting) -> StoreResult<i64>;
    async fn meeting(&self, id: i64) -> StoreResult<Option<MeetingRecord>>;
    /// A community's meetings from `from` (inclusive) to `before` (exclusive), by day.
    async fn meetings(&self, unit_id: i64, from: NaiveDate, before: NaiveDate) -> StoreResult<Vec<MeetingRecord>>;
    /// Records who attended, once; false (nothing changed) when it was recorded already.
    async fn record_attendance(&self, meeting_id: i64, attendance: &Attendance) -> StoreResult<bool>;
    /// Records a decision; its id. One decision per agenda item: a second is
    /// [`crate::StoreError::Duplicate`] (`item`).
    async fn add_decision(&self, decision: &NewDecision) -> StoreResult<i64>;
    /// A meeting's decisions, by agenda item.
    async fn decisions(&self, meeting_id: i64) -> StoreResult<Vec<DecisionRecord>>;
    async fn decision(&self, id: i64) -> StoreResult<Option<DecisionRecord>>;
    /// Raises a matter; its id. A case already waiting for the same body is
    /// [`crate::StoreError::Duplicate`] (`case`).
    async fn add_matter(&self, matter: &NewMatter) -> StoreResult<i64>;
    async fn matter(&self, id: i64) -> StoreResult<Option<MatterRecord>>;
    /// A community's matters: those waiting first, then those placed, newest first; at most `limit`.
    async fn matters(&self, unit_id: i64, limit: i64) -> StoreResult<Vec<MatterRecord>>;
    /// The matters a case was referred as, oldest first.
    async fn case_matters(&self, case_id: i64) -> StoreResult<Vec<MatterRecord>>;
    /// The matters on a meeting's agenda, by item.
    async fn meeting_matters(&self, meeting_id: i64) -> StoreResult<Vec<MatterRecord>>;
}
