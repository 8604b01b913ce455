//! Duty patterns and rotas.

use super::{DbRow, corrupt};
use crate::Backend;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::duty::DutyPattern;
use huiyin_store::prelude::*;
use huiyin_store::{AttendanceRecord, DutyDay, DutyOrigin, StoreResult};
use sqlx::Row;

fn duty_day_from_row(row: &DbRow) -> StoreResult<DutyDay> {
    let origin: String = row.try_get("origin")?;
    Ok(DutyDay {
        day: row.try_get("day")?,
        user_id: row.try_get("user_id")?,
        origin: DutyOrigin::parse(&origin).ok_or_else(|| corrupt(format!("duty origin {origin}")))?,
        approved_by: row.try_get("approved_by")?,
        reason: row.try_get("reason")?,
    })
}

/// A `SELECT` of rota days followed by the given clauses.
macro_rules! select_duty {
    ($($clause:literal),*) => {
        concat!("SELECT day, user_id, origin, approved_by, reason FROM duty_days ", $($clause),*)
    };
}

#[async_trait::async_trait]
impl DutyStore for Backend {
    async fn duty_pattern(&self, unit_id: i64) -> StoreResult<Option<DutyPattern>> {
        let json: Option<String> = sqlx::query_scalar("SELECT pattern FROM duty_patterns WHERE unit_id = $1")
            .bind(unit_id)
            .fetch_optional(self.reader())
            .await?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| corrupt(format!("duty pattern: {e}")))).transpose()
    }

    async fn set_duty_pattern(
        &self,
        unit_id: i64,
        pattern: &DutyPattern,
        by: Option<i64>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let json = serde_json::to_string(pattern).map_err(|e| corrupt(format!("duty pattern: {e}")))?;
        self.write_alone(
            sqlx::query(
                "INSERT INTO duty_patterns (unit_id, pattern, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (unit_id) DO UPDATE SET pattern = excluded.pattern, updated_at = excluded.updated_at, \
                 updated_by = excluded.updated_by",
            )
            .bind(unit_id)
            .bind(json)
            .bind(at)
            .bind(by),
        )
        .await
        .map(drop)
    }

    async fn duty_days(&self, unit_id: i64, from: NaiveDate, before: NaiveDate) -> StoreResult<Vec<DutyDay>> {
        let rows = sqlx::query(select_duty!("WHERE unit_id = $1 AND day >= $2 AND day < $3 ORDER BY day"))
            .bind(unit_id)
            .bind(from)
            .bind(before)
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(duty_day_from_row).collect()
    }

    async fn last_duty_before(&self, unit_id: i64, day: NaiveDate) -> StoreResult<Option<DutyDay>> {
        let row = sqlx::query(select_duty!(
            "WHERE unit_id = $1 AND day < $2 AND origin = 'pattern' ORDER BY day DESC LIMIT 1"
        ))
        .bind(unit_id)
        .bind(day)
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(duty_day_from_row).transpose()
    }

    async fn put_generated_duty(
        &self,
        unit_id: i64,
        from: NaiveDate,
        before: NaiveDate,
        days: &[(NaiveDate, i64)],
        replace_all: bool,
    ) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let clear = if replace_all {
            "DELETE FROM duty_days WHERE unit_id = $1 AND day >= $2 AND day < $3"
        } else {
            "DELETE FROM duty_days WHERE unit_id = $1 AND day >= $2 AND day < $3 AND origin = 'pattern'"
        };
        sqlx::query(clear).bind(unit_id).bind(from).bind(before).execute(&mut *tx).await?;
        let kept: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM duty_days WHERE unit_id = $1 AND day >= $2 AND day < $3")
                .bind(unit_id)
                .bind(from)
                .bind(before)
                .fetch_one(&mut *tx)
                .await?;
        for (day, user_id) in days.iter().filter(|(d, _)| *d >= from && *d < before) {
            sqlx::query(
                "INSERT INTO duty_days (unit_id, day, user_id, origin) VALUES ($1, $2, $3, 'pattern') \
                 ON CONFLICT (unit_id, day) DO NOTHING",
            )
            .bind(unit_id)
            .bind(day)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(usize::try_from(kept).unwrap_or(0))
    }

    async fn set_duty_day(&self, unit_id: i64, day: NaiveDate, to: Option<&DutyDay>) -> StoreResult<Option<DutyDay>> {
        let mut tx = self.begin_write().await?;
        let before = sqlx::query(select_duty!("WHERE unit_id = $1 AND day = $2"))
            .bind(unit_id)
            .bind(day)
            .fetch_optional(&mut *tx)
            .await?;
        let before = before.as_ref().map(duty_day_from_row).transpose()?;
        match to {
            Some(to) => {
                sqlx::query(
                    "INSERT INTO duty_days (unit_id, day, user_id, origin, approved_by, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unit_id, day) DO UPDATE SET \
                     user_id = excluded.user_id, origin = excluded.origin, approved_by = excluded.approved_by, \
                     reason = excluded.reason",
                )
                .bind(unit_id)
                .bind(day)
                .bind(to.user_id)
                .bind(to.origin.code())
                .bind(to.approved_by)
                .bind(to.reason.as_deref())
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM duty_days WHERE unit_id = $1 AND day = $2")
                    .bind(unit_id)
                    .bind(day)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(before)
    }

    async fn swap_duty_days(
        &self,
        unit_id: i64,
        a: NaiveDate,
        b: NaiveDate,
        approved_by: i64,
        reason: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let mut people = Vec::with_capacity(2);
        for day in [a, b] {
            // No row, or a row with nobody (NULL): nobody on that day.
            let user: Option<Option<i64>> =
                sqlx::query_scalar("SELECT user_id FROM duty_days WHERE unit_id = $1 AND day = $2")
                    .bind(unit_id)
                    .bind(day)
                    .fetch_optional(&mut *tx)
                    .await?;
            people.push(user.flatten());
        }
        let (Some(Some(on_a)), Some(Some(on_b))) = (people.first().copied(), people.get(1).copied()) else {
            return Ok(false);
        };
        if on_a == on_b {
            return Ok(false);
        }
        // Each day changes only if it still has the person read above: a swap that ran meanwhile
        // (PostgreSQL reads without locking) leaves this one changing nothing.
        for (day, was, user_id) in [(a, on_a, on_b), (b, on_b, on_a)] {
            let done = sqlx::query(
                "UPDATE duty_days SET user_id = $1, origin = 'swap', approved_by = $2, reason = $3 \
                 WHERE unit_id = $4 AND day = $5 AND user_id = $6",
            )
            .bind(user_id)
            .bind(approved_by)
            .bind(reason)
            .bind(unit_id)
            .bind(day)
            .bind(was)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                return Ok(false);
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn duty_attendance(
        &self,
        unit_id: i64,
        from: NaiveDate,
        before: NaiveDate,
    ) -> StoreResult<Vec<AttendanceRecord>> {
        let rows = sqlx::query(
            "SELECT day, user_id, signed_in_at, signed_out_at, recorded_by, note FROM duty_attendance \
             WHERE unit_id = $1 AND day >= $2 AND day < $3 ORDER BY day",
        )
        .bind(unit_id)
        .bind(from)
        .bind(before)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AttendanceRecord {
                    day: r.try_get("day")?,
                    user_id: r.try_get("user_id")?,
                    signed_in_at: r.try_get("signed_in_at")?,
                    signed_out_at: r.try_get("signed_out_at")?,
                    recorded_by: r.try_get("recorded_by")?,
                    note: r.try_get("note")?,
                })
            })
            .collect()
    }

    async fn record_sign_in(&self, unit_id: i64, record: &AttendanceRecord) -> StoreResult<bool> {
        let done = self
            .write_alone(
                sqlx::query(
                    "INSERT INTO duty_attendance (unit_id, day, user_id, signed_in_at, signed_out_at, recorded_by, note) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (unit_id, day) DO NOTHING",
                )
                .bind(unit_id)
                .bind(record.day)
                .bind(record.user_id)
                .bind(record.signed_in_at)
                .bind(record.signed_out_at)
                .bind(record.recorded_by)
                .bind(record.note.as_deref()),
            )
            .await?;
        Ok(done == 1)
    }

    async fn record_sign_out(
        &self,
        unit_id: i64,
        day: NaiveDate,
        user_id: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = self
            .write_alone(
                sqlx::query(
                    "UPDATE duty_attendance SET signed_out_at = $1 \
                     WHERE unit_id = $2 AND day = $3 AND user_id = $4 AND signed_out_at IS NULL",
                )
                .bind(at)
                .bind(unit_id)
                .bind(day)
                .bind(user_id),
            )
            .await?;
        Ok(done == 1)
    }
}
