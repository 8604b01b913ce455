//! The charters and conventions of communities.

use super::{DbRow, corrupt, on_violation};
use crate::Backend;
use huiyin_core::charter::CharterKind;
use huiyin_store::prelude::*;
use huiyin_store::{CharterRecord, CharterVersionRecord, NewCharter, NewCharterVersion, StoreError, StoreResult};
use sqlx::Row;

fn charter_from_row(row: &DbRow) -> StoreResult<CharterRecord> {
    let kind: String = row.try_get("kind")?;
    Ok(CharterRecord {
        id: row.try_get("id")?,
        charter: NewCharter {
            unit_id: row.try_get("unit_id")?,
            kind: CharterKind::parse("kind", &kind).map_err(|_| corrupt(format!("charter kind {kind}")))?,
            title: row.try_get("title")?,
        },
        latest: row.try_get("latest")?,
    })
}

/// A `SELECT` of documents with their latest version's number, followed by the given clause.
macro_rules! select_charters {
    ($clause:literal) => {
        concat!(
            "SELECT c.id, c.unit_id, c.kind, c.title, \
             (SELECT MAX(v.version) FROM charter_versions v WHERE v.charter_id = c.id) AS latest \
             FROM charters c ",
            $clause
        )
    };
}

#[async_trait::async_trait]
impl CharterStore for Backend {
    async fn add_charter(&self, charter: &NewCharter, first: &NewCharterVersion) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 =
            sqlx::query_scalar("INSERT INTO charters (unit_id, kind, title) VALUES ($1, $2, $3) RETURNING id")
                .bind(charter.unit_id)
                .bind(charter.kind.code())
                .bind(&charter.title)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match &e {
                    // Two documents of one name, or a second charter: told apart by the index refused.
                    sqlx::Error::Database(db) if db.is_unique_violation() => {
                        let which = db.constraint().unwrap_or(db.message());
                        StoreError::Duplicate(if which.contains("title") { "title" } else { "kind" })
                    }
                    _ => on_violation(e, "kind", "unit"),
                })?;
        insert_version(&mut tx, id, 1, first).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn amend_charter(&self, charter_id: i64, after: i32, version: &NewCharterVersion) -> StoreResult<i32> {
        let mut tx = self.begin_write().await?;
        let latest: Option<i32> = sqlx::query_scalar("SELECT MAX(version) FROM charter_versions WHERE charter_id = $1")
            .bind(charter_id)
            .fetch_one(&mut *tx)
            .await?;
        if latest != Some(after) {
            return Err(StoreError::Conflict);
        }
        let next = after + 1;
        insert_version(&mut tx, charter_id, next, version).await?;
        tx.commit().await?;
        Ok(next)
    }

    async fn charter(&self, id: i64) -> StoreResult<Option<CharterRecord>> {
        let row = sqlx::query(select_charters!("WHERE c.id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(charter_from_row).transpose()
    }

    async fn charters(&self, unit_id: i64) -> StoreResult<Vec<CharterRecord>> {
        let rows =
            sqlx::query(select_charters!("WHERE c.unit_id = $1 ORDER BY (c.kind = 'charter') DESC, c.title, c.id"))
                .bind(unit_id)
                .fetch_all(self.reader())
                .await?;
        rows.iter().map(charter_from_row).collect()
    }

    async fn charter_versions(&self, charter_id: i64) -> StoreResult<Vec<CharterVersionRecord>> {
        let rows = sqlx::query(
            "SELECT charter_id, version, text, adopted_on, adopted_by, decision_id, note, recorded_by, recorded_at \
             FROM charter_versions WHERE charter_id = $1 ORDER BY version",
        )
        .bind(charter_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CharterVersionRecord {
                    charter_id: row.try_get("charter_id")?,
                    version: row.try_get("version")?,
                    text: NewCharterVersion {
                        text: row.try_get("text")?,
                        adopted_on: row.try_get("adopted_on")?,
                        adopted_by: row.try_get("adopted_by")?,
                        decision_id: row.try_get("decision_id")?,
                        note: row.try_get("note")?,
                        recorded_by: row.try_get("recorded_by")?,
                        recorded_at: row.try_get("recorded_at")?,
                    },
                })
            })
            .collect()
    }
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'_, crate::Db>,
    charter_id: i64,
    version: i32,
    v: &NewCharterVersion,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO charter_versions (charter_id, version, text, adopted_on, adopted_by, decision_id, note, \
         recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(charter_id)
    .bind(version)
    .bind(&v.text)
    .bind(v.adopted_on)
    .bind(&v.adopted_by)
    .bind(v.decision_id)
    .bind(&v.note)
    .bind(v.recorded_by)
    .bind(v.recorded_at)
    .execute(&mut **tx)
    .await
    .map_err(|e| match on_violation(e, "version", "recorded_by") {
        StoreError::Duplicate(_) => StoreError::Conflict,
        other => other,
    })?;
    Ok(())
}
