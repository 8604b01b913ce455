//! In-app notifications and the SMS and e-mail outbox.

use super::filters::push_not_accusing;
use crate::{Backend, Db};
use huiyin_store::prelude::*;
use huiyin_store::{Blindness, Notice, Notification, OutboxMessage, StoreResult};
use sqlx::Row;

/// Writes notices: in-app notifications, and an outbox message for each for later delivery.
pub(super) async fn write_notices(
    conn: &mut <Db as sqlx::Database>::Connection,
    notices: &[Notice],
    at: chrono::DateTime<chrono::Utc>,
) -> StoreResult<()> {
    for n in notices {
        sqlx::query(
            "INSERT INTO notifications (user_id, case_id, kind, message, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(n.user_id)
        .bind(n.case_id)
        .bind(&n.kind)
        .bind(&n.message)
        .bind(at)
        .execute(&mut *conn)
        .await?;
        sqlx::query("INSERT INTO outbox (channel, user_id, body, created_at, attempts) VALUES ('sms', $1, $2, $3, 0)")
            .bind(n.user_id)
            .bind(&n.message)
            .bind(at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl NoticeStore for Backend {
    async fn send_notices(&self, notices: &[Notice], at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        write_notices(&mut tx, notices, at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn tell_once(
        &self,
        kind: &str,
        subject: &str,
        notices: &[Notice],
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO told_once (kind, subject, told_at) VALUES ($1, $2, $3) ON CONFLICT (kind, subject) DO NOTHING",
        )
        .bind(kind)
        .bind(subject)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let first = done.rows_affected() == 1;
        if first {
            write_notices(&mut tx, notices, at).await?;
        }
        tx.commit().await?;
        Ok(first)
    }

    async fn told_already(&self, kind: &str, subjects: &[String]) -> StoreResult<std::collections::HashSet<String>> {
        let mut told = std::collections::HashSet::new();
        // In slices, so that a long list stays within the databases' limits on bound values.
        for slice in subjects.chunks(500) {
            let mut b = sqlx::QueryBuilder::<Db>::new("SELECT subject FROM told_once WHERE kind = ");
            b.push_bind(kind);
            b.push(" AND subject IN (");
            let mut list = b.separated(", ");
            for subject in slice {
                list.push_bind(subject);
            }
            list.push_unseparated(")");
            let rows: Vec<(String,)> = b.build_query_as().fetch_all(self.reader()).await?;
            told.extend(rows.into_iter().map(|(s,)| s));
        }
        Ok(told)
    }

    async fn told_since(
        &self,
        kind: &str,
        since: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Vec<(String, chrono::DateTime<chrono::Utc>)>> {
        let rows: Vec<(String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
            "SELECT subject, told_at FROM told_once WHERE kind = $1 AND told_at >= $2 ORDER BY told_at DESC, subject",
        )
        .bind(kind)
        .bind(since)
        .fetch_all(self.reader())
        .await?;
        Ok(rows)
    }

    async fn notifications(&self, user_id: i64, blind: &Blindness, limit: i64) -> StoreResult<Vec<Notification>> {
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT n.id, n.case_id, n.kind, n.message, n.created_at, n.read_at FROM notifications n \
             LEFT JOIN cases c ON c.id = n.case_id WHERE n.user_id = ",
        );
        b.push_bind(user_id);
        push_not_accusing(&mut b, blind);
        b.push(" ORDER BY n.id DESC LIMIT ").push_bind(limit);
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter()
            .map(|r| {
                Ok(Notification {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    kind: r.try_get("kind")?,
                    message: r.try_get("message")?,
                    created_at: r.try_get("created_at")?,
                    read_at: r.try_get("read_at")?,
                })
            })
            .collect()
    }

    async fn unread_notifications(&self, user_id: i64, blind: &Blindness) -> StoreResult<i64> {
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT COUNT(*) FROM notifications n LEFT JOIN cases c ON c.id = n.case_id \
             WHERE n.read_at IS NULL AND n.user_id = ",
        );
        b.push_bind(user_id);
        push_not_accusing(&mut b, blind);
        Ok(b.build_query_scalar().fetch_one(self.reader()).await?)
    }

    async fn mark_notification_read(
        &self,
        user_id: i64,
        id: i64,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND user_id = $3")
                .bind(at)
                .bind(id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn mark_all_notifications_read(&self, user_id: i64, at: chrono::DateTime<chrono::Utc>) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(at)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    async fn outbox_claim(
        &self,
        limit: i64,
        at: chrono::DateTime<chrono::Utc>,
        stale_before: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Vec<OutboxMessage>> {
        // The outer condition repeats the inner one: on PostgreSQL a second sender waiting on a row
        // the first one claimed re-checks it against the committed claim and leaves it (SQLite has
        // one writer at a time).
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(
            "UPDATE outbox SET claimed_at = $1 \
             WHERE sent_at IS NULL AND (claimed_at IS NULL OR claimed_at < $2) AND id IN \
             (SELECT id FROM outbox WHERE sent_at IS NULL AND (claimed_at IS NULL OR claimed_at < $2) ORDER BY id LIMIT $3) \
             RETURNING id, channel, user_id, body",
        )
        .bind(at)
        .bind(stale_before)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut messages: Vec<OutboxMessage> = rows
            .iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: r.try_get("id")?,
                    channel: r.try_get("channel")?,
                    user_id: r.try_get("user_id")?,
                    body: r.try_get("body")?,
                })
            })
            .collect::<StoreResult<_>>()?;
        messages.sort_by_key(|m| m.id);
        Ok(messages)
    }

    async fn outbox_mark_sent(&self, id: i64, at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn outbox_waiting(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetch_one(self.reader()).await?)
    }
}
