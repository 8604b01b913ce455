//! Training sessions and their attendees.

use super::{DbRow, corrupt, push_ids};
use crate::{Backend, Db};
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_store::prelude::*;
use huiyin_store::{NewTraining, StoreResult, TrainingRecord, TrainingStanding};
use sqlx::Row;
use std::collections::HashMap;

fn training_from_row(row: &DbRow) -> StoreResult<TrainingRecord> {
    let tenths: i64 = row.try_get("tenths")?;
    Ok(TrainingRecord {
        id: row.try_get("id")?,
        training: NewTraining {
            unit_id: row.try_get("unit_id")?,
            held_on: row.try_get("held_on")?,
            topic: row.try_get("topic")?,
            tenths: u32::try_from(tenths).map_err(|_| corrupt(format!("training hours {tenths}")))?,
            trainer: row.try_get("trainer")?,
            material: row.try_get("material")?,
            recorded_by: row.try_get("recorded_by")?,
            recorded_at: row.try_get("recorded_at")?,
        },
        attendees: Vec::new(),
    })
}

/// A `SELECT` of sessions followed by the given clauses.
macro_rules! select_trainings {
    ($($clause:literal),*) => {
        concat!(
            "SELECT t.id, t.unit_id, t.held_on, t.topic, t.tenths, t.trainer, t.material, t.recorded_by, \
             t.recorded_at FROM trainings t ",
            $($clause),*
        )
    };
}

impl Backend {
    /// The sessions of these rows with their attendees.
    async fn with_attendees(&self, rows: Vec<DbRow>) -> StoreResult<Vec<TrainingRecord>> {
        let mut out: Vec<TrainingRecord> = rows.iter().map(training_from_row).collect::<StoreResult<_>>()?;
        if out.is_empty() {
            return Ok(out);
        }
        let ids: Vec<i64> = out.iter().map(|t| t.id).collect();
        let mut b =
            sqlx::QueryBuilder::<Db>::new("SELECT training_id, user_id FROM training_attendees WHERE training_id IN ");
        push_ids(&mut b, &ids);
        b.push(" ORDER BY training_id, user_id");
        let mut by_training: HashMap<i64, Vec<i64>> = HashMap::new();
        for row in b.build().fetch_all(self.reader()).await? {
            by_training.entry(row.try_get("training_id")?).or_default().push(row.try_get("user_id")?);
        }
        for t in &mut out {
            t.attendees = by_training.remove(&t.id).unwrap_or_default();
        }
        Ok(out)
    }
}

#[async_trait::async_trait]
impl TrainingStore for Backend {
    async fn add_training(&self, training: &NewTraining, attendees: &[i64]) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO trainings (unit_id, held_on, topic, tenths, trainer, material, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(training.unit_id)
        .bind(training.held_on)
        .bind(&training.topic)
        .bind(i64::from(training.tenths))
        .bind(&training.trainer)
        .bind(&training.material)
        .bind(training.recorded_by)
        .bind(training.recorded_at)
        .fetch_one(&mut *tx)
        .await?;
        for user in attendees {
            sqlx::query(
                "INSERT INTO training_attendees (training_id, user_id, held_on) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(user)
            .bind(training.held_on)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn trainings(&self, units: &[i64], from: NaiveDate, before: NaiveDate) -> StoreResult<Vec<TrainingRecord>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(select_trainings!("WHERE t.held_on >= "));
        b.push_bind(from).push(" AND t.held_on < ").push_bind(before).push(" AND t.unit_id IN ");
        push_ids(&mut b, units);
        b.push(" ORDER BY t.held_on DESC, t.id DESC");
        let rows = b.build().fetch_all(self.reader()).await?;
        self.with_attendees(rows).await
    }

    async fn trainings_of(&self, user_id: i64) -> StoreResult<Vec<TrainingRecord>> {
        let rows = sqlx::query(select_trainings!(
            "JOIN training_attendees a ON a.training_id = t.id WHERE a.user_id = $1 ORDER BY t.held_on DESC, t.id DESC"
        ))
        .bind(user_id)
        .fetch_all(self.reader())
        .await?;
        self.with_attendees(rows).await
    }

    async fn training_standing(&self, user_ids: &[i64]) -> StoreResult<Vec<TrainingStanding>> {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT u.id, u.added_at, (SELECT MAX(a.held_on) FROM training_attendees a WHERE a.user_id = u.id) \
             AS last FROM users u WHERE u.id IN ",
        );
        push_ids(&mut b, user_ids);
        let mut found: HashMap<i64, TrainingStanding> = HashMap::new();
        for row in b.build().fetch_all(self.reader()).await? {
            let user_id: i64 = row.try_get("id")?;
            // Every account has it since the upgrade that added it; one written around it counts from now.
            let added_at: Option<DateTime<Utc>> = row.try_get("added_at")?;
            let added_at = added_at.unwrap_or_else(Utc::now);
            let last: Option<NaiveDate> = row.try_get("last")?;
            found.insert(user_id, TrainingStanding { user_id, added_at, last });
        }
        Ok(user_ids.iter().filter_map(|id| found.remove(id)).collect())
    }
}
