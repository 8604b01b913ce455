//! Web sessions and the failed-attempt counters.

use crate::Backend;
use chrono::{DateTime, Utc};
use huiyin_store::prelude::*;
use huiyin_store::{OwnedSession, SessionOwner, SessionRow, StoreResult};
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
        row.map(|r| Ok(SessionRow { data: r.try_get("data")?, expires_at: r.try_get("expires_at")?, owner: None }))
            .transpose()
    }

    async fn session_save(&self, id: &str, row: &SessionRow) -> StoreResult<()> {
        // Only a session that is still there: one ended while a request of it was in flight stays
        // ended (new sessions are `session_insert_new`'s).
        self.write_alone(bind_owner_after(
            sqlx::query(
                "UPDATE sessions SET data = $1, expires_at = $2, user_id = $4, handle = $5, credential = $6, \
                 signed_in_at = $7, address = $8, agent = $9 WHERE id = $3",
            )
            .bind(&row.data)
            .bind(row.expires_at)
            .bind(id),
            row.owner.as_ref(),
        ))
        .await
        .map(drop)
    }

    async fn session_insert_new(&self, id: &str, row: &SessionRow) -> StoreResult<bool> {
        let done = self
            .write_alone(bind_owner(
                sqlx::query(
                    "INSERT INTO sessions (id, data, expires_at, user_id, handle, credential, signed_in_at, address, agent) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
                )
                .bind(id)
                .bind(&row.data)
                .bind(row.expires_at),
                row.owner.as_ref(),
            ))
            .await?;
        Ok(done == 1)
    }

    async fn session_delete(&self, id: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn purge_sessions(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        self.write_alone(sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(before)).await
    }

    async fn user_sessions(&self, user_id: i64, now: DateTime<Utc>) -> StoreResult<Vec<OwnedSession>> {
        let rows = sqlx::query(
            "SELECT handle, credential, signed_in_at, address, agent, expires_at FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 AND handle IS NOT NULL AND credential IS NOT NULL \
             ORDER BY signed_in_at IS NULL, signed_in_at DESC, handle",
        )
        .bind(user_id)
        .bind(now)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OwnedSession {
                    owner: SessionOwner {
                        user_id,
                        handle: r.try_get("handle")?,
                        credential: r.try_get("credential")?,
                        signed_in_at: r.try_get("signed_in_at")?,
                        address: r.try_get("address")?,
                        agent: r.try_get("agent")?,
                    },
                    expires_at: r.try_get("expires_at")?,
                })
            })
            .collect()
    }

    async fn delete_user_session(&self, user_id: i64, handle: &str) -> StoreResult<bool> {
        let done = self
            .write_alone(
                sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND handle = $2").bind(user_id).bind(handle),
            )
            .await?;
        Ok(done > 0)
    }
}

/// Binds the owner's columns ($4 … $9) after the id, record and expiry.
fn bind_owner<'q>(query: super::DbQuery<'q>, owner: Option<&'q SessionOwner>) -> super::DbQuery<'q> {
    bind_owner_after(query, owner)
}

/// Binds the owner's six columns after whatever the query bound so far.
fn bind_owner_after<'q>(query: super::DbQuery<'q>, owner: Option<&'q SessionOwner>) -> super::DbQuery<'q> {
    query
        .bind(owner.map(|o| o.user_id))
        .bind(owner.map(|o| o.handle.as_str()))
        .bind(owner.map(|o| o.credential.as_str()))
        .bind(owner.and_then(|o| o.signed_in_at))
        .bind(owner.and_then(|o| o.address.as_deref()))
        .bind(owner.and_then(|o| o.agent.as_deref()))
}
