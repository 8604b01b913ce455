//! 值班 (CDR-1, SCH-5, TWN-6, TWN-7, FED-3): a unit's duty pattern and its rota, day by day.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::duty::DutyPattern;

use crate::StoreResult;

/// How a rota day got its person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DutyOrigin {
    /// Generated from the unit's pattern; a regenerated month replaces it.
    Pattern,
    /// Set by hand for that day.
    Edit,
    /// Exchanged with another day (调班), with who approved it.
    Swap,
}

impl DutyOrigin {
    pub fn code(self) -> &'static str {
        match self {
            DutyOrigin::Pattern => "pattern",
            DutyOrigin::Edit => "edit",
            DutyOrigin::Swap => "swap",
        }
    }

    pub fn parse(code: &str) -> Option<DutyOrigin> {
        [DutyOrigin::Pattern, DutyOrigin::Edit, DutyOrigin::Swap].into_iter().find(|o| o.code() == code)
    }
}

/// One day of a unit's rota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyDay {
    pub day: NaiveDate,
    /// Who is on duty; `None` for a day set to nobody by hand (kept when the month is generated
    /// again).
    pub user_id: Option<i64>,
    pub origin: DutyOrigin,
    /// Who approved a swap or an edit.
    pub approved_by: Option<i64>,
    pub reason: Option<String>,
}

/// One day's attendance of the person on duty (FED-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceRecord {
    pub day: NaiveDate,
    pub user_id: i64,
    pub signed_in_at: DateTime<Utc>,
    pub signed_out_at: Option<DateTime<Utc>>,
    /// Who recorded it for them (补记); `None` when they signed themselves.
    pub recorded_by: Option<i64>,
    pub note: Option<String>,
}

/// Duty patterns and rotas.
#[async_trait]
pub trait DutyStore: Send + Sync {
    /// The unit's duty pattern, if it has one.
    async fn duty_pattern(&self, unit_id: i64) -> StoreResult<Option<DutyPattern>>;
    /// Sets the unit's duty pattern.
    async fn set_duty_pattern(
        &self,
        unit_id: i64,
        pattern: &DutyPattern,
        by: Option<i64>,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The unit's rota days from `from` up to (not including) `before`, in order.
    async fn duty_days(&self, unit_id: i64, from: NaiveDate, before: NaiveDate) -> StoreResult<Vec<DutyDay>>;
    /// The unit's last rota day before `day` that came from the pattern (where a rotation's turn
    /// stands: a day set by hand or swapped does not move it).
    async fn last_duty_before(&self, unit_id: i64, day: NaiveDate) -> StoreResult<Option<DutyDay>>;
    /// Writes a rota generated from the pattern for [`from`, `before`), in one transaction: the
    /// days there that came from the pattern are replaced; those set by hand or swapped are kept
    /// (and the generated day for them dropped) unless `replace_all`. Returns how many were kept.
    async fn put_generated_duty(
        &self,
        unit_id: i64,
        from: NaiveDate,
        before: NaiveDate,
        days: &[(NaiveDate, i64)],
        replace_all: bool,
    ) -> StoreResult<usize>;
    /// Sets one day (or clears it, `None`); the day as it was.
    async fn set_duty_day(&self, unit_id: i64, day: NaiveDate, to: Option<&DutyDay>) -> StoreResult<Option<DutyDay>>;
    /// Exchanges the people of two rota days (调班), recording who approved it and why, in one
    /// transaction; false (nothing changed) unless both days have someone, and different people.
    async fn swap_duty_days(
        &self,
        unit_id: i64,
        a: NaiveDate,
        b: NaiveDate,
        approved_by: i64,
        reason: &str,
    ) -> StoreResult<bool>;
    /// The attendance records of a unit from `from` up to (not including) `before`, in order.
    async fn duty_attendance(
        &self,
        unit_id: i64,
        from: NaiveDate,
        before: NaiveDate,
    ) -> StoreResult<Vec<AttendanceRecord>>;
    /// Records a sign-in; false (nothing changed) when the day already has one.
    async fn record_sign_in(&self, unit_id: i64, record: &AttendanceRecord) -> StoreResult<bool>;
    /// Records the sign-out of the day's sign-in by `user_id`; false (nothing changed) unless
    /// they signed in and have not signed out.
    async fn record_sign_out(&self, unit_id: i64, day: NaiveDate, user_id: i64, at: DateTime<Utc>)
    -> StoreResult<bool>;
}
