//! The monthly screenings (TWN-13).

use super::{DbRow, corrupt, push_ids};
use crate::{Backend, Db};
use chrono::{DateTime, Utc};
use huiyin_core::screening::ScreenedMatter;
use huiyin_store::prelude::*;
use huiyin_store::{ScreeningRecord, StoreError, StoreResult};
use sqlx::Row;

/// A `SELECT` of screenings, followed by the given clauses.
macro_rules! select_screenings {
    ($($clause:literal),*) => {
        concat!(
            "SELECT id, unit_id, month, summary, matters, version, drafted_by, drafted_at, signed_by, signed_at, \
             late FROM screenings ",
            $($clause),*
        )
    };
}

fn screening_from_row(row: &DbRow) -> StoreResult<ScreeningRecord> {
    let matters: String = row.try_get("matters")?;
    Ok(ScreeningRecord {
        id: row.try_get("id")?,
        unit_id: row.try_get("unit_id")?,
        month: row.try_get("month")?,
        summary: row.try_get("summary")?,
        matters: serde_json::from_str(&matters).map_err(|e| corrupt(format!("screening matters: {e}")))?,
        version: row.try_get("version")?,
        drafted_by: row.try_get("drafted_by")?,
        drafted_at: row.try_get("drafted_at")?,
        signed_by: row.try_get("signed_by")?,
        signed_at: row.try_get("signed_at")?,
        late: row.try_get("late")?,
    })
}

fn matters_json(matters: &[ScreenedMatter]) -> StoreResult<String> {
    serde_json::to_string(matters).map_err(|e| corrupt(format!("screening matters: {e}")))
}

#[async_trait::async_trait]
impl ScreeningStore for Backend {
    async fn screening(&self, unit_id: i64, month: &str) -> StoreResult<Option<ScreeningRecord>> {
        let row = sqlx::query(select_screenings!("WHERE unit_id = $1 AND month = $2"))
            .bind(unit_id)
            .bind(month)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(screening_from_row).transpose()
    }

    async fn screenings_of_month(&self, unit_ids: &[i64], month: &str) -> StoreResult<Vec<ScreeningRecord>> {
        if unit_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(select_screenings!());
        b.push("WHERE month = ").push_bind(month.to_owned()).push(" AND unit_id IN ");
        push_ids(&mut b, unit_ids);
        b.push(" ORDER BY unit_id");
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter().map(screening_from_row).collect()
    }

    async fn signed_screenings_since(&self, from_month: &str) -> StoreResult<Vec<ScreeningRecord>> {
        let rows =
            sqlx::query(select_screenings!("WHERE month >= $1 AND signed_at IS NOT NULL ORDER BY month, unit_id"))
                .bind(from_month)
                .fetch_all(self.reader())
                .await?;
        rows.iter().map(screening_from_row).collect()
    }

    async fn accusations_of(&self, case_ids: &[i64]) -> StoreResult<Vec<(i64, Option<i64>, Option<i64>)>> {
        let mut out = Vec::new();
        for chunk in case_ids.chunks(500) {
            let mut b =
                sqlx::QueryBuilder::<Db>::new("SELECT id, accused_unit_id, accused_user_id FROM cases WHERE id IN ");
            push_ids(&mut b, chunk);
            for row in b.build().fetch_all(self.reader()).await? {
                out.push((row.try_get("id")?, row.try_get("accused_unit_id")?, row.try_get("accused_user_id")?));
            }
        }
        Ok(out)
    }

    async fn units_staffed_before(&self, at: DateTime<Utc>) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT unit_id FROM users WHERE active AND added_at < $1 AND SUBSTR(username, 1, 1) <> '_' \
             ORDER BY unit_id",
        )
        .bind(at)
        .fetch_all(self.reader())
        .await?)
    }

    async fn save_screening(
        &self,
        unit_id: i64,
        month: &str,
        summary: Option<&str>,
        matters: &[ScreenedMatter],
        read_version: Option<i64>,
        by: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let matters = matters_json(matters)?;
        let mut tx = self.begin_write().await?;
        let version = match read_version {
            Some(read) => {
                let done = sqlx::query(
                    "UPDATE screenings SET summary = $1, matters = $2, version = version + 1, drafted_by = $3, \
                     drafted_at = $4 WHERE unit_id = $5 AND month = $6 AND version = $7 AND signed_at IS NULL",
                )
                .bind(summary)
                .bind(&matters)
                .bind(by)
                .bind(at)
                .bind(unit_id)
                .bind(month)
                .bind(read)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::Conflict);
                }
                read + 1
            }
            None => {
                let inserted: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO screenings (unit_id, month, summary, matters, version, drafted_by, drafted_at, late) \
                     VALUES ($1, $2, $3, $4, 1, $5, $6, FALSE) ON CONFLICT DO NOTHING RETURNING version",
                )
                .bind(unit_id)
                .bind(month)
                .bind(summary)
                .bind(&matters)
                .bind(by)
                .bind(at)
                .fetch_optional(&mut *tx)
                .await?;
                // Someone else began it at the same moment.
                inserted.ok_or(StoreError::Conflict)?
            }
        };
        tx.commit().await?;
        Ok(version)
    }

    async fn sign_screening(
        &self,
        id: i64,
        read_version: i64,
        by: i64,
        at: DateTime<Utc>,
        late: bool,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE screenings SET signed_by = $1, signed_at = $2, late = $3, version = version + 1 \
             WHERE id = $4 AND version = $5 AND signed_at IS NULL",
        )
        .bind(by)
        .bind(at)
        .bind(late)
        .bind(id)
        .bind(read_version)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn resolve_screening_matters(
        &self,
        id: i64,
        read_version: i64,
        matters: &[ScreenedMatter],
    ) -> StoreResult<bool> {
        let matters = matters_json(matters)?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE screenings SET matters = $1, version = version + 1 \
             WHERE id = $2 AND version = $3 AND signed_at IS NOT NULL",
        )
        .bind(&matters)
        .bind(id)
        .bind(read_version)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}
