//! The content classes and holiday schedules, with their versions.

use super::{corrupt, on_violation};
use crate::{Backend, Db};
use huiyin_core::category::Category;
use huiyin_store::StoreResult;
use huiyin_store::prelude::*;
use sqlx::Row;

/// The setting whose version says the search segmenter's words changed: the administrators' words,
/// and the names of units and content classes (`huiyin_app::context::load_segmenter`).
pub(super) const DICTIONARY: &str = "dictionary";

/// Marks a shared setting as changed (`Store::setting_version`), inside the writing transaction.
pub(super) async fn bump_setting_version(conn: &mut <Db as sqlx::Database>::Connection, name: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO setting_versions (name, version) VALUES ($1, 1) \
         ON CONFLICT (name) DO UPDATE SET version = setting_versions.version + 1",
    )
    .bind(name)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl SettingStore for Backend {
    async fn seed_categories(&self, classes: &[Category]) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM categories").fetch_one(&mut *tx).await?;
        if existing > 0 {
            return Ok(0);
        }
        // Servers started at once on an empty database each seed it: the second finds the first's
        // rows and adds none.
        let mut added = 0;
        for (i, c) in classes.iter().enumerate() {
            added += sqlx::query(
                "INSERT INTO categories (code, name, parent_code, level, path, active, sort_order) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING",
            )
            .bind(&c.code)
            .bind(&c.name)
            .bind(&c.parent)
            .bind(i64::from(c.level))
            .bind(&c.path)
            .bind(c.active)
            .bind(i as i64)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        if added > 0 {
            bump_setting_version(&mut tx, "categories").await?;
            bump_setting_version(&mut tx, DICTIONARY).await?;
        }
        tx.commit().await?;
        Ok(usize::try_from(added).unwrap_or(usize::MAX))
    }

    async fn categories(&self) -> StoreResult<Vec<Category>> {
        let rows = sqlx::query(
            "SELECT code, name, parent_code, level, path, active FROM categories ORDER BY sort_order, code",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                let level: i64 = row.try_get("level")?;
                Ok(Category {
                    code: row.try_get("code")?,
                    name: row.try_get("name")?,
                    parent: row.try_get("parent_code")?,
                    level: u8::try_from(level).map_err(corrupt)?,
                    path: row.try_get("path")?,
                    active: row.try_get("active")?,
                })
            })
            .collect()
    }

    async fn save_categories(&self, classes: &[Category]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for c in classes {
            sqlx::query(
                "INSERT INTO categories (code, name, parent_code, level, path, active, sort_order) \
                 VALUES ($1, $2, $3, $4, $5, $6, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM categories)) \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, path = excluded.path, active = excluded.active",
            )
            .bind(&c.code)
            .bind(&c.name)
            .bind(&c.parent)
            .bind(i64::from(c.level))
            .bind(&c.path)
            .bind(c.active)
            .execute(&mut *tx)
            .await
            .map_err(|e| on_violation(e, "code", "parent"))?;
        }
        bump_setting_version(&mut tx, "categories").await?;
        bump_setting_version(&mut tx, DICTIONARY).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn swap_category_order(&self, a: &str, b: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        // The version row first: its lock orders concurrent swaps (PostgreSQL), so that none reads
        // an order another is about to change.
        bump_setting_version(&mut tx, "categories").await?;
        // Read both first: SQLite's UPDATE would see the first row's new value when it sets the second.
        let mut orders = Vec::with_capacity(2);
        for code in [a, b] {
            let order: Option<i64> = sqlx::query_scalar("SELECT sort_order FROM categories WHERE code = $1")
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?;
            orders.push(order.ok_or(huiyin_store::StoreError::NotFound)?);
        }
        for (code, order) in [(a, orders[1]), (b, orders[0])] {
            sqlx::query("UPDATE categories SET sort_order = $1 WHERE code = $2")
                .bind(order)
                .bind(code)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn setting_version(&self, name: &str) -> StoreResult<i64> {
        let found: Option<i64> = sqlx::query_scalar("SELECT version FROM setting_versions WHERE name = $1")
            .bind(name)
            .fetch_optional(self.reader())
            .await?;
        Ok(found.unwrap_or(0))
    }

    async fn holiday_years(&self) -> StoreResult<Vec<(i32, String)>> {
        let rows = sqlx::query("SELECT year, file FROM holiday_years ORDER BY year").fetch_all(self.reader()).await?;
        rows.iter()
            .map(|r| {
                let year: i64 = r.try_get("year")?;
                Ok((i32::try_from(year).map_err(corrupt)?, r.try_get("file")?))
            })
            .collect()
    }

    async fn put_holiday_year(
        &self,
        year: i32,
        file: &str,
        source: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO holiday_years (year, file, source, loaded_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (year) DO UPDATE SET file = excluded.file, source = excluded.source, loaded_at = excluded.loaded_at",
        )
        .bind(i64::from(year))
        .bind(file)
        .bind(source)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        bump_setting_version(&mut tx, "calendar").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn seed_holiday_years(&self, years: &[(i32, &str)], at: chrono::DateTime<chrono::Utc>) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        for (year, file) in years {
            let done = sqlx::query(
                "INSERT INTO holiday_years (year, file, source, loaded_at) VALUES ($1, $2, 'shipped', $3) \
                 ON CONFLICT (year) DO NOTHING",
            )
            .bind(i64::from(*year))
            .bind(*file)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            added += done.rows_affected() as usize;
        }
        bump_setting_version(&mut tx, "calendar").await?;
        tx.commit().await?;
        Ok(added)
    }
}
