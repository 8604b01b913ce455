//! Web sessions and the failed-attempt counters.

use crate::Backend;
use huiyin_store::prelude::*;
use huiyin_store::{SessionRow, StoreResult};
use sqlx::Row;

#[async_trait::async_trait]
impl SessionStore for Backend {
    async fn count_failure(
        &self,
        scope: &str,
        key: &str,
        at: chrono::DateTime<chrono::Utc>,
        window_start: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let failures: i64 = sqlx::query_scalar(
            "INSERT INTO guard_failures (scope, key, since, failures) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (scope, key) DO UPDATE SET \
             failures = CASE WHEN guard_failures.since < $4 THEN 1 ELSE guard_failures.failures + 1 END, \
             since = CASE WHEN guard_failures.since < $4 THEN $3 ELSE guard_failures.since END \
             RETURNING failures",
        )
        .bind(scope)
        .bind(key)
        .bind(at)
        .bind(window_start)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(failures)
    }

    async fn forgive_failure(&self, scope: &str, key: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE guard_failures SET failures = failures - 1 WHERE scope = $1 AND key = $2 AND failures > 0")
            .bind(scope)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn purge_failures(&self, before: chrono::DateTime<chrono::Utc>) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM guard_failures WHERE since < $1").bind(before).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    async fn clear_failures(&self, scope: &str, key: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM guard_failures WHERE scope = $1 AND key = $2")
            .bind(scope)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session_load(&self, id: &str) -> StoreResult<Option<SessionRow>> {
        let row = sqlx::query("SELECT data, expires_at FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_optional(self.reader())
            .await?;
        row.map(|r| Ok(SessionRow { data: r.try_get("data")?, expires_at: r.try_get("expires_at")? })).transpose()
    }

    async fn session_save(&self, id: &str, row: &SessionRow) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(id)
        .bind(&row.data)
        .bind(row.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session_insert_new(&self, id: &str, row: &SessionRow) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
                .bind(id)
                .bind(&row.data)
                .bind(row.expires_at)
                .execute(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn session_delete(&self, id: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
