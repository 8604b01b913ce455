//! 社区民主管理的三个组织 (DEM-2): each community's own rules for its bodies and their members.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::community_body::{BodyKind, BodyRules, MemberRole};

use crate::StoreResult;

/// A member to add to a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBodyMember {
    pub unit_id: i64,
    pub body: BodyKind,
    pub name: String,
    pub role: MemberRole,
    pub represents: Option<String>,
    pub term_from: NaiveDate,
    pub term_to: Option<NaiveDate>,
    pub added_by: i64,
    pub added_at: DateTime<Utc>,
}

/// A member as kept: one who left keeps their line, with the day and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyMemberRecord {
    pub id: i64,
    pub member: NewBodyMember,
    pub left_on: Option<NaiveDate>,
    pub left_reason: Option<String>,
}

/// The bodies' rules and members.
#[async_trait]
pub trait CommunityBodyStore: Send + Sync {
    /// The rules a community set for a body, if it set any (else the defaults apply).
    async fn body_rules(&self, unit_id: i64, body: BodyKind) -> StoreResult<Option<BodyRules>>;
    /// Sets (or replaces) a community's rules for a body.
    async fn set_body_rules(
        &self,
        unit_id: i64,
        body: BodyKind,
        rules: &BodyRules,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Adds a member; its id. A second chair still sitting is [`crate::StoreError::Conflict`].
    async fn add_body_member(&self, member: &NewBodyMember) -> StoreResult<i64>;
    async fn body_member(&self, id: i64) -> StoreResult<Option<BodyMemberRecord>>;
    /// A community's members of every body (those who left included), by body, role and name.
    async fn body_members(&self, unit_id: i64) -> StoreResult<Vec<BodyMemberRecord>>;
    /// Records that a member left on `on` for `reason`; false (nothing changed) when they had left.
    async fn end_body_member(&self, id: i64, on: NaiveDate, reason: &str) -> StoreResult<bool>;
}
