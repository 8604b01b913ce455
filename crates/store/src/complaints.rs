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
    /// The complainant's own case, linked by its number and query code (a public complaint).
    pub case_id: Option<i64>,
    /// The name the complainant knows the staff member by, as they wrote it.
    pub staff_named: Option<String>,
    /// The keyed hash of the query code the complainant looks the outcome up with.
    pub query_code_hash: Option<String>,
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
    /// Records a complaint filed by a public form under its idempotency key (a keyed hash), with the
    /// query code sealed under it; `None` (nothing written) when the key filed one already.
    async fn add_submitted_complaint(
        &self,
        complaint: &NewComplaint,
        submission_key: &str,
        sealed_code: &str,
    ) -> StoreResult<Option<i64>>;
    /// The complaint a form's idempotency key filed, with its sealed query code.
    async fn submitted_complaint(&self, submission_key: &str) -> StoreResult<Option<(ComplaintRecord, String)>>;
    async fn complaint(&self, id: i64) -> StoreResult<Option<ComplaintRecord>>;
    /// The complaints about these units' staff and reception, newest first.
    async fn complaints(&self, units: &[i64]) -> StoreResult<Vec<ComplaintRecord>>;
    /// The complaints about one staff member, newest first.
    async fn complaints_about(&self, staff_id: i64) -> StoreResult<Vec<ComplaintRecord>>;
    /// Replaces a complaint's query code (lost by the complainant): the old one and any code sealed
    /// for a repeated form stop working. False when there is no such complaint.
    async fn replace_complaint_query_code(&self, id: i64, query_code_hash: &str) -> StoreResult<bool>;
    /// Concludes a complaint not yet concluded; false (nothing changed) when it was.
    async fn conclude_complaint(
        &self,
        id: i64,
        by: i64,
        at: DateTime<Utc>,
        conclusion: (Finding, &str, Option<&str>),
    ) -> StoreResult<bool>;
}
