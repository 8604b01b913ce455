//! The SQL both backends share: each backend crate compiles this folder as its module `sql`
//! (`#[path = "../../store/sql/mod.rs"] mod sql;`), with its own database type, so that rustfmt and
//! clippy see it as ordinary code. One module per aggregate of the storage API, as in `huiyin-store`.
//!
//! The backend crate's root defines:
//! - `type Db`: its `sqlx::Database` (`Sqlite` or `Postgres`);
//! - `type Backend`: its store type, with inherent methods `reader()` and `begin_write()` and a
//!   `const NAME: &str`;
//! - the modules `fulltext`, `band_index`, `transfer_backend` and `chain_backend`: what differs between the two.
//!
//! Every statement here is valid on SQLite 3.35+ and PostgreSQL 13+ ($n placeholders, RETURNING,
//! ON CONFLICT, recursive CTEs).

mod accounts;
mod audit;
mod cases;
pub(crate) mod chain;
mod charters;
mod community_bodies;
mod complaints;
mod documents;
mod duty;
pub(crate) mod filters;
mod gifts;
mod jobs;
mod key_petitioners;
mod meetings;
mod notices;
mod policies;
mod reception;
mod screenings;
mod search;
mod service_requests;
mod sessions;
mod settings;
mod submissions;
mod supervision;
mod tallies;
mod text_search;
mod training;
mod transfer;
mod units;

use crate::{Backend, Db};
use huiyin_store::prelude::*;
use huiyin_store::{StoreError, StoreResult};

pub(super) type DbRow = <Db as sqlx::Database>::Row;

pub(super) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// Maps a unique or foreign-key violation to the storage error that names it.
pub(super) fn on_violation(e: sqlx::Error, unique: &'static str, reference: &'static str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(unique),
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::UnknownReference(reference),
        _ => StoreError::Database(e),
    }
}

/// `(…)`: the ids, each bound.
/// A statement as the shared SQL binds it.
pub(super) type DbQuery<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>;

impl Backend {
    /// Runs one statement in a write transaction of its own; how many rows it touched.
    pub(super) async fn write_alone(&self, statement: DbQuery<'_>) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let touched = statement.execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(touched)
    }
}

pub(super) fn push_ids(b: &mut sqlx::QueryBuilder<Db>, ids: &[i64]) {
    b.push("(");
    let mut list = b.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    b.push(")");
}

#[async_trait::async_trait]
impl Store for Backend {
    fn backend(&self) -> &'static str {
        Backend::NAME
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(self.reader()).await?;
        Ok(())
    }

    async fn analyze(&self) -> StoreResult<()> {
        self.refresh_statistics().await
    }

    fn pool_stats(&self) -> (u32, u32) {
        let pool = self.reader();
        (pool.size(), u32::try_from(pool.num_idle()).unwrap_or(u32::MAX))
    }

    async fn migrations_current(&self) -> StoreResult<bool> {
        let applied: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(self.reader())
            .await?;
        Ok(applied == Some(Backend::latest_migration()))
    }
}
