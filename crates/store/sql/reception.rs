//! The months of leaders' reception days.

use super::{DbRow, corrupt, push_ids};
use crate::{Backend, Db};
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::reception::ArrangedDay;
use huiyin_core::reception_session::SessionKind;
use huiyin_store::prelude::*;
use huiyin_store::{NewSession, ReceptionMonthRecord, SessionRecord, StoreError, StoreResult};
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

fn session_from_row(row: &DbRow) -> StoreResult<SessionRecord> {
    let kind: String = row.try_get("kind")?;
    let leaders: String = row.try_get("leaders")?;
    Ok(SessionRecord {
        id: row.try_get("id")?,
        session: NewSession {
            unit_id: row.try_get("unit_id")?,
            kind: SessionKind::parse("kind", &kind).map_err(|_| corrupt(format!("session kind {kind}")))?,
            day: row.try_get("day")?,
            starts: row.try_get("starts")?,
            ends: row.try_get("ends")?,
            place: row.try_get("place")?,
            leaders: serde_json::from_str(&leaders).map_err(|e| corrupt(format!("session leaders: {e}")))?,
            key_petitioner: row.try_get("key_petitioner")?,
            key_reason: row.try_get("key_reason")?,
            note: row.try_get("note")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
        },
        visits: row.try_get("visits")?,
    })
}

/// A `SELECT` of sessions with their visits counted, followed by the given clauses.
macro_rules! select_sessions {
    ($($clause:literal),*) => {
        concat!(
            "SELECT s.id, s.unit_id, s.kind, s.day, s.starts, s.ends, s.place, s.leaders, s.key_petitioner, \
             s.key_reason, s.note, s.created_by, s.created_at, \
             (SELECT COUNT(*) FROM cases c WHERE c.session_id = s.id) AS visits FROM reception_sessions s ",
            $($clause),*
        )
    };
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
                // Published by someone else since it was read: it is locked, and this is no draft.
                let done = sqlx::query(
                    "UPDATE reception_months SET days = $1, change_note = $2, drafted_by = $3, drafted_at = $4 \
                     WHERE id = $5 AND published_at IS NULL",
                )
                .bind(&days)
                .bind(change_note)
                .bind(by)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::Conflict);
                }
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

    async fn add_reception_session(&self, session: &NewSession) -> StoreResult<i64> {
        let leaders = serde_json::to_string(&session.leaders).map_err(|e| corrupt(format!("session leaders: {e}")))?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reception_sessions (unit_id, kind, day, starts, ends, place, leaders, key_petitioner, \
             key_reason, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             RETURNING id",
        )
        .bind(session.unit_id)
        .bind(session.kind.code())
        .bind(session.day)
        .bind(&session.starts)
        .bind(&session.ends)
        .bind(&session.place)
        .bind(&leaders)
        .bind(&session.key_petitioner)
        .bind(&session.key_reason)
        .bind(&session.note)
        .bind(session.created_by)
        .bind(session.created_at)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn reception_session(&self, id: i64) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(select_sessions!("WHERE s.id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(session_from_row).transpose()
    }

    async fn reception_sessions(
        &self,
        units: &[i64],
        from: NaiveDate,
        before: NaiveDate,
    ) -> StoreResult<Vec<SessionRecord>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(select_sessions!("WHERE s.day >= "));
        b.push_bind(from).push(" AND s.day < ").push_bind(before).push(" AND s.unit_id IN ");
        push_ids(&mut b, units);
        b.push(" ORDER BY s.day, COALESCE(s.starts, ''), s.id");
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter().map(session_from_row).collect()
    }
}
