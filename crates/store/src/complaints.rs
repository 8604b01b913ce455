//! 对接待人员的投诉 (FED-12, CDR-5): complaints against staff, and their conclusion.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::complaint::{ComplaintKind, ComplaintSource, Finding};

use crate::StoreResult;

/// A complaint to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComplaint {
    /// The unit whose staff or reception it is about.
    pub unit_id: i64,
    /// The staff member it is about, when named (or, for an absence, the person on the rota).
    pub staff_id: Option<i64>,
    pub kind: ComplaintKind,
    pub source: ComplaintSource,
    pub account: String,
    pub occurred_on: NaiveDate,
    pub complainant: Option<String>,
    pub phone: Option<String>,
    pub received_by: i64,
    pub received_at: DateTime<Utc>,
    /// By when it is to be concluded.
    pub due_on: NaiveDate,
    /// For an absence: who was on the unit's rota that day (FED-8).
    pub rota_user_id: Option<i64>,
}

/// A complaint with its conclusion, once concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintRecord {
    pub id: i64,
    pub complaint: NewComplaint,
    pub finding: Option<Finding>,
    pub summary: Option<String>,
    pub measure: Option<String>,
    pub concluded_by: Option<i64>,
    pub concluded_at: Option<DateTime<Utc>>,
}

/// Complaints against staff.
#[async_trait]
pub trait ComplaintStore: Send + Sync {
    async fn add_complaint(&self, complaint: &NewComplaint) -> StoreResult<i64>;
    async fn complaint(&self, id: i64) -> StoreResult<Option<ComplaintRecord>>;
    /// The complaints about these units' staff and reception, newest first.
    async fn complaints(&self, units: &[i64]) -> StoreResult<Vec<ComplaintRecord>>;
    /// The complaints about one staff member, newest first.
    async fn complaints_about(&self, staff_id: i64) -> StoreResult<Vec<ComplaintRecord>>;
    /// Concludes a complaint not yet concluded; false (nothing changed) when it was.
    async fn conclude_complaint(
        &self,
        id: i64,
        by: i64,
        at: DateTime<Utc>,
        conclusion: (Finding, &str, Option<&str>),
    ) -> StoreResult<bool>;
}
