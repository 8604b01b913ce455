//! The registers of key petitioners.

use super::{DbRow, push_ids};
use crate::{Backend, Db};
use chrono::{DateTime, Utc};
use huiyin_store::prelude::*;
use huiyin_store::{KeyPetitionerRecord, NewKeyPetitioner, StoreResult};
use sqlx::Row;

fn key_petitioner_from_row(row: &DbRow) -> StoreResult<KeyPetitionerRecord> {
    Ok(KeyPetitionerRecord {
        id: row.try_get("id")?,
        person: NewKeyPetitioner {
            unit_id: row.try_get("unit_id")?,
            name: row.try_get("name")?,
            id_number: row.try_get("id_number")?,
            phone: row.try_get("phone")?,
            reason: row.try_get("reason")?,
            added_by: row.try_get("added_by")?,
            added_at: row.try_get("added_at")?,
        },
        removed_by: row.try_get("removed_by")?,
        removed_at: row.try_get("removed_at")?,
        removed_reason: row.try_get("removed_reason")?,
    })
}

/// A `SELECT` of key petitioners followed by the given clause.
macro_rules! select_key_petitioners {
    ($clause:literal) => {
        concat!(
            "SELECT id, unit_id, name, id_number, phone, reason, added_by, added_at, removed_by, removed_at, \
             removed_reason FROM key_petitioners ",
            $clause
        )
    };
}

#[async_trait::async_trait]
impl KeyPetitionerStore for Backend {
    async fn add_key_petitioner(&self, p: &NewKeyPetitioner) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO key_petitioners (unit_id, name, id_number, phone, reason, added_by, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(p.unit_id)
        .bind(&p.name)
        .bind(&p.id_number)
        .bind(&p.phone)
        .bind(&p.reason)
        .bind(p.added_by)
        .bind(p.added_at)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn key_petitioner(&self, id: i64) -> StoreResult<Option<KeyPetitionerRecord>> {
        let row = sqlx::query(select_key_petitioners!("WHERE id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(key_petitioner_from_row).transpose()
    }

    async fn key_petitioners(&self, units: &[i64]) -> StoreResult<Vec<KeyPetitionerRecord>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(select_key_petitioners!("WHERE unit_id IN "));
        push_ids(&mut b, units);
        b.push(" ORDER BY (removed_at IS NULL) DESC, added_at DESC, id DESC");
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter().map(key_petitioner_from_row).collect()
    }

    async fn remove_key_petitioner(&self, id: i64, by: i64, at: DateTime<Utc>, reason: &str) -> StoreResult<bool> {
        let done = self
            .write_alone(
                sqlx::query(
                    "UPDATE key_petitioners SET removed_by = $1, removed_at = $2, removed_reason = $3 \
                     WHERE id = $4 AND removed_at IS NULL",
                )
                .bind(by)
                .bind(at)
                .bind(reason)
                .bind(id),
            )
            .await?;
        Ok(done == 1)
    }
}
