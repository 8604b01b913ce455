//! The months of leaders' reception days.

use super::notices::write_notices;
use super::{DbRow, corrupt};
use crate::Backend;
use chrono::{DateTime, Utc};
use huiyin_core::reception::ArrangedDay;
use huiyin_store::prelude::*;
use huiyin_store::{Notice, ReceptionMonthRecord, StoreError, StoreResult};
use sqlx::Row;

fn month_from_row(row: &DbRow) -> StoreResult<ReceptionMonthRecord> {
    let days: String = row.try_get("days")?;
    Ok(ReceptionMonthRecord {
        id: row.try_get("id")?,
        unit_id: row.try_get("unit_id")?,
        month: row.try_get("month")?,
        version: row.try_get("version")?,
        days: serde_json::from_str(&days).map_err(|e| corrupt(format!("reception month days: {e}")))?,
        change_note: row.try_get("change_note")?,
        drafted_by: row.try_get("drafted_by")?,
        drafted_at: row.try_get("drafted_at")?,
        published_by: row.try_get("published_by")?,
        published_at: row.try_get("published_at")?,
        late: row.try_get("late")?,
    })
}

#[async_trait::async_trait]
impl ReceptionStore for Backend {
    async fn reception_months(&self, unit_id: i64, month: &str) -> StoreResult<Vec<ReceptionMonthRecord>> {
        let rows = sqlx::query(
            "SELECT id, unit_id, month, version, days, change_note, drafted_by, drafted_at, published_by, \
             published_at, late FROM reception_months WHERE unit_id = $1 AND month = $2 ORDER BY version",
        )
        .bind(unit_id)
        .bind(month)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(month_from_row).collect()
    }

    async fn save_reception_draft(
        &self,
        unit_id: i64,
        month: &str,
        days: &[ArrangedDay],
        change_note: Option<&str>,
        by: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let days = serde_json::to_string(days).map_err(|e| corrupt(format!("reception month days: {e}")))?;
        let mut tx = self.begin_write().await?;
        let draft: Option<(i64, i64)> = sqlx::query_as(
            "SELECT id, version FROM reception_months WHERE unit_id = $1 AND month = $2 AND published_at IS NULL",
        )
        .bind(unit_id)
        .bind(month)
        .fetch_optional(&mut *tx)
        .await?;
        let version = match draft {
            Some((id, version)) => {
                sqlx::query(
                    "UPDATE reception_months SET days = $1, change_note = $2, drafted_by = $3, drafted_at = $4 \
                     WHERE id = $5",
                )
                .bind(&days)
                .bind(change_note)
                .bind(by)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                version
            }
            None => {
                let version: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO reception_months (unit_id, month, version, days, change_note, drafted_by, drafted_at, late) \
                     SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5, $6, FALSE FROM reception_months \
                     WHERE unit_id = $1 AND month = $2 ON CONFLICT DO NOTHING RETURNING version",
                )
                .bind(unit_id)
                .bind(month)
                .bind(&days)
                .bind(change_note)
                .bind(by)
                .bind(at)
                .fetch_optional(&mut *tx)
                .await?;
                // Someone else started the draft at the same moment.
                version.ok_or(StoreError::Conflict)?
            }
        };
        tx.commit().await?;
        Ok(version)
    }

    async fn publish_reception_draft(
        &self,
        unit_id: i64,
        month: &str,
        by: i64,
        at: DateTime<Utc>,
        late: bool,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let version: Option<i64> = sqlx::query_scalar(
            "UPDATE reception_months SET published_by = $1, published_at = $2, late = $3 \
             WHERE unit_id = $4 AND month = $5 AND published_at IS NULL RETURNING version",
        )
        .bind(by)
        .bind(at)
        .bind(late)
        .bind(unit_id)
        .bind(month)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    async fn discard_reception_draft(&self, unit_id: i64, month: &str) -> StoreResult<bool> {
        let done = self
            .write_alone(
                sqlx::query("DELETE FROM reception_months WHERE unit_id = $1 AND month = $2 AND published_at IS NULL")
                    .bind(unit_id)
                    .bind(month),
            )
            .await?;
        Ok(done == 1)
    }

    async fn units_keeping_reception_months(&self, month: &str) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT unit_id FROM reception_months WHERE month < $1 AND published_at IS NOT NULL ORDER BY unit_id",
        )
        .bind(month)
        .fetch_all(self.reader())
        .await?)
    }

    async fn units_published_reception_month(&self, month: &str) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT unit_id FROM reception_months WHERE month = $1 AND published_at IS NOT NULL ORDER BY unit_id",
        )
        .bind(month)
        .fetch_all(self.reader())
        .await?)
    }

    async fn tell_unpublished_month(
        &self,
        unit_id: i64,
        month: &str,
        notices: &[Notice],
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO reception_month_alerts (unit_id, month, told_at) VALUES ($1, $2, $3) \
             ON CONFLICT (unit_id, month) DO NOTHING",
        )
        .bind(unit_id)
        .bind(month)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let first = done.rows_affected() == 1;
        if first {
            write_notices(&mut tx, notices, at).await?;
        }
        tx.commit().await?;
        Ok(first)
    }
}
