//! The units of the tree (TWN-1) and what each keeps of itself: what it tells the public, its
//! weekly reception schedule, its letterhead and its time limits.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use huiyin_core::limits::LimitRules;
use huiyin_core::unit::{UnitCode, UnitKind};
use serde::Serialize;

use crate::StoreResult;

/// A unit of the tree (TWN-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    /// When it was closed (撤销); `None` while it works.
    pub closed_at: Option<DateTime<Utc>>,
}

/// A name a unit was known by until a rename (曾用名).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormerName {
    pub unit_id: i64,
    pub name: String,
    /// When it was renamed away from this name.
    pub until: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewUnit {
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    pub parent: Option<UnitCode>,
}

/// A unit's letterhead (红头) and signature block (落款), one entry per printed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentStyle {
    pub letterhead: String,
    pub signature: Vec<String>,
}

/// What a unit tells the public (COM-3, FED-3, SCH-4).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitPublicInfo {
    pub hotline: String,
    pub address: String,
    /// Reception hours in [`huiyin_core::unit::OfficeHours`]' canonical text.
    pub office_hours: String,
    /// The procedure in plain words.
    pub procedure: String,
}

/// Units and what each keeps of itself.
#[async_trait]
pub trait UnitStore: Send + Sync {
    async fn add_unit(&self, unit: &NewUnit) -> StoreResult<Unit>;
    /// Renames a unit, keeping the name it had among its former names (as of `at`); the unit as it
    /// is now, or [`crate::StoreError::NotFound`]. Renamed back, a name is no longer a former one.
    async fn rename_unit(&self, unit_id: i64, name: &str, at: DateTime<Utc>) -> StoreResult<Unit>;
    /// Every unit's former names (曾用名), the latest given up first.
    async fn unit_former_names(&self) -> StoreResult<Vec<FormerName>>;
    /// Changes what kind of body a unit is (a department, a community…).
    async fn set_unit_kind(&self, unit_id: i64, kind: huiyin_core::unit::UnitKind) -> StoreResult<Unit>;
    /// Moves a unit (with everything below it) under another parent, keeping every case's search
    /// entry right for the new tree (PostgreSQL keeps the units above a case's units in it). A
    /// parent that is the unit or lies below it is [`crate::StoreError::UnknownReference`]
    /// (`parent`), checked in the same transaction; an unknown unit is `NotFound`.
    async fn move_unit(&self, unit_id: i64, parent_id: i64) -> StoreResult<Unit>;
    /// Closes a unit (`Some`: when) or opens it again (`None`); the unit as it is now.
    async fn set_unit_closed(&self, unit_id: i64, closed_at: Option<DateTime<Utc>>) -> StoreResult<Unit>;
    /// The open cases a unit holds, oldest first, at most `limit`: each one's number and whom it
    /// accuses (unit id, user id), for the reader's blindness.
    async fn open_cases_held(&self, unit_id: i64, limit: i64) -> StoreResult<Vec<HeldCase>>;
    async fn unit_by_code(&self, code: &str) -> StoreResult<Option<Unit>>;
    async fn unit_by_id(&self, id: i64) -> StoreResult<Option<Unit>>;
    async fn units(&self) -> StoreResult<Vec<Unit>>;
    /// The unit and every unit below it.
    async fn unit_subtree(&self, unit_id: i64) -> StoreResult<Vec<i64>>;
    /// The time limits of the unit, or of its nearest ancestor that has its own; `None` for the
    /// national defaults.
    async fn limit_rules_for(&self, unit_id: i64) -> StoreResult<Option<LimitRules>>;
    /// Sets a unit's own time limits.
    async fn set_unit_limits(&self, unit_id: i64, rules: &LimitRules, at: DateTime<Utc>) -> StoreResult<()>;
    /// The unit's own time limits, if it set them (not those it inherits).
    async fn own_limit_rules(&self, unit_id: i64) -> StoreResult<Option<LimitRules>>;
    /// Drops a unit's own time limits: it inherits again. False when it had none.
    async fn clear_unit_limits(&self, unit_id: i64) -> StoreResult<bool>;
    /// The unit's own letterhead and signature block, if it set them.
    async fn document_style(&self, unit_id: i64) -> StoreResult<Option<DocumentStyle>>;
    async fn set_document_style(&self, unit_id: i64, style: &DocumentStyle, at: DateTime<Utc>) -> StoreResult<()>;
    /// What a unit tells the public, if it has said anything.
    async fn unit_public_info(&self, unit_id: i64) -> StoreResult<Option<UnitPublicInfo>>;
    async fn set_unit_public_info(&self, unit_id: i64, info: &UnitPublicInfo, at: DateTime<Utc>) -> StoreResult<()>;
    /// What a unit calls things and uses first (issue 22), if it has any of its own.
    async fn unit_terms(&self, unit_id: i64) -> StoreResult<Option<huiyin_core::preset::UnitTerms>>;
    async fn set_unit_terms(
        &self,
        unit_id: i64,
        terms: &huiyin_core::preset::UnitTerms,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// A unit's territory (TWN-2), if it set one.
    async fn unit_territory(&self, unit_id: i64) -> StoreResult<Option<huiyin_core::territory::Territory>>;
    /// Every unit's territory that is set, by unit id (for routing by place).
    async fn unit_territories(&self) -> StoreResult<Vec<(i64, huiyin_core::territory::Territory)>>;
    async fn set_unit_territory(
        &self,
        unit_id: i64,
        territory: &huiyin_core::territory::Territory,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// A unit's weekly reception schedule (FED-3), Monday first.
    async fn reception_schedule(&self, unit_id: i64) -> StoreResult<Vec<huiyin_core::unit::ReceptionDay>>;
    /// Replaces a unit's weekly reception schedule.
    async fn set_reception_schedule(
        &self,
        unit_id: i64,
        days: &[huiyin_core::unit::ReceptionDay],
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
}

/// An open case a unit holds: its id, number, and the unit and staff member it accuses (GEN-7).
pub type HeldCase = (i64, String, Option<i64>, Option<i64>);
