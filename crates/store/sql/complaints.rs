//! Complaints against staff.

use super::{DbRow, corrupt, push_ids};
use crate::{Backend, Db};
use chrono::{DateTime, Utc};
use huiyin_core::complaint::{ComplaintKind, ComplaintSource, Finding};
use huiyin_store::prelude::*;
use huiyin_store::{ComplaintRecord, NewComplaint, StoreResult};
use sqlx::Row;

fn complaint_from_row(row: &DbRow) -> StoreResult<ComplaintRecord> {
    let kind: String = row.try_get("kind")?;
    let source: String = row.try_get("source")?;
    let finding: Option<String> = row.try_get("finding")?;
    Ok(ComplaintRecord {
        id: row.try_get("id")?,
        complaint: NewComplaint {
            unit_id: row.try_get("unit_id")?,
            staff_id: row.try_get("staff_id")?,
            kind: ComplaintKind::parse("kind", &kind).map_err(|_| corrupt(format!("complaint kind {kind}")))?,
            source: ComplaintSource::parse("source", &source)
                .map_err(|_| corrupt(format!("complaint source {source}")))?,
            account: row.try_get("account")?,
            occurred_on: row.try_get("occurred_on")?,
            complainant: row.try_get("complainant")?,
            phone: row.try_get("phone")?,
            received_by: row.try_get("received_by")?,
            received_at: row.try_get("received_at")?,
            due_on: row.try_get("due_on")?,
            rota_user_id: row.try_get("rota_user_id")?,
            case_id: row.try_get("case_id")?,
            staff_named: row.try_get("staff_named")?,
            query_code_hash: row.try_get("query_code_hash")?,
        },
        finding: finding
            .map(|f| Finding::parse("finding", &f).map_err(|_| corrupt(format!("complaint finding {f}"))))
            .transpose()?,
        summary: row.try_get("summary")?,
        measure: row.try_get("measure")?,
        concluded_by: row.try_get("concluded_by")?,
        concluded_at: row.try_get("concluded_at")?,
    })
}

/// A `SELECT` of complaints followed by the given clauses.
macro_rules! select_complaints {
    ($($clause:literal),*) => {
        concat!(
            "SELECT id, unit_id, staff_id, kind, source, account, occurred_on, complainant, phone, received_by, \
             received_at, due_on, rota_user_id, case_id, staff_named, query_code_hash, finding, summary, measure, \
             concluded_by, concluded_at, sealed_code FROM staff_complaints ",
            $($clause),*
        )
    };
}

impl Backend {
    /// Inserts a complaint, under a form's idempotency key and its sealed query code when it has one:
    /// `None` when that key filed one before (nothing is written).
    async fn insert_complaint(&self, c: &NewComplaint, submission: Option<(&str, &str)>) -> StoreResult<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO staff_complaints (unit_id, staff_id, kind, source, account, occurred_on, complainant, phone, \
             received_by, received_at, due_on, rota_user_id, case_id, staff_named, query_code_hash, submission_key, \
             sealed_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
             ON CONFLICT (submission_key) DO NOTHING RETURNING id",
        )
        .bind(c.unit_id)
        .bind(c.staff_id)
        .bind(c.kind.code())
        .bind(c.source.code())
        .bind(&c.account)
        .bind(c.occurred_on)
        .bind(&c.complainant)
        .bind(&c.phone)
        .bind(c.received_by)
        .bind(c.received_at)
        .bind(c.due_on)
        .bind(c.rota_user_id)
        .bind(c.case_id)
        .bind(&c.staff_named)
        .bind(&c.query_code_hash)
        .bind(submission.map(|s| s.0))
        .bind(submission.map(|s| s.1))
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

#[async_trait::async_trait]
impl ComplaintStore for Backend {
    async fn add_complaint(&self, c: &NewComplaint) -> StoreResult<i64> {
        // Without a key nothing conflicts: an insert that returned no row is a fault of ours.
        self.insert_complaint(c, None).await?.ok_or_else(|| corrupt("a complaint inserted without an id"))
    }

    async fn add_submitted_complaint(
        &self,
        c: &NewComplaint,
        submission_key: &str,
        sealed_code: &str,
    ) -> StoreResult<Option<i64>> {
        self.insert_complaint(c, Some((submission_key, sealed_code))).await
    }

    async fn submitted_complaint(&self, submission_key: &str) -> StoreResult<Option<(ComplaintRecord, String)>> {
        let row = sqlx::query(select_complaints!("WHERE submission_key = $1"))
            .bind(submission_key)
            .fetch_optional(self.reader())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let sealed: Option<String> = row.try_get("sealed_code")?;
        Ok(Some((complaint_from_row(&row)?, sealed.unwrap_or_default())))
    }

    async fn complaint(&self, id: i64) -> StoreResult<Option<ComplaintRecord>> {
        let row = sqlx::query(select_complaints!("WHERE id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(complaint_from_row).transpose()
    }

    async fn complaints(&self, units: &[i64]) -> StoreResult<Vec<ComplaintRecord>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(select_complaints!("WHERE unit_id IN "));
        push_ids(&mut b, units);
        b.push(" ORDER BY received_at DESC, id DESC");
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter().map(complaint_from_row).collect()
    }

    async fn complaints_about(&self, staff_id: i64) -> StoreResult<Vec<ComplaintRecord>> {
        let rows = sqlx::query(select_complaints!("WHERE staff_id = $1 ORDER BY received_at DESC, id DESC"))
            .bind(staff_id)
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(complaint_from_row).collect()
    }

    async fn replace_complaint_query_code(&self, id: i64, query_code_hash: &str) -> StoreResult<bool> {
        let done = self
            .write_alone(
                sqlx::query("UPDATE staff_complaints SET query_code_hash = $1, sealed_code = NULL WHERE id = $2")
                    .bind(query_code_hash)
                    .bind(id),
            )
            .await?;
        Ok(done == 1)
    }

    async fn conclude_complaint(
        &self,
        id: i64,
        by: i64,
        at: DateTime<Utc>,
        (finding, summary, measure): (Finding, &str, Option<&str>),
    ) -> StoreResult<bool> {
        let done = self
            .write_alone(
                sqlx::query(
                    "UPDATE staff_complaints SET finding = $1, summary = $2, measure = $3, concluded_by = $4, \
                     concluded_at = $5 WHERE id = $6 AND concluded_at IS NULL",
                )
                .bind(finding.code())
                .bind(summary)
                .bind(measure)
                .bind(by)
                .bind(at)
                .bind(id),
            )
            .await?;
        Ok(done == 1)
    }
}
