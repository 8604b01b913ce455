//! In-app notifications and the SMS and e-mail outbox.

use super::filters::push_not_accusing;
use crate::{Backend, Db};
use huiyin_store::prelude::*;
use huiyin_store::{Blindness, DeadLetter, Notice, Notification, OutboxMessage, OutboxSummary, StoreResult};
use sqlx::Row;

/// Writes notices: in-app notifications, and an outbox message for each way an active recipient can
/// be reached (an SMS to a mobile number, an e-mail to an address) for later delivery, saying only
/// what kind of notice waits (`huiyin_core::delivery::outbound_text`).
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
        let reach: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT phone, email FROM users WHERE id = $1 AND active")
                .bind(n.user_id)
                .fetch_optional(&mut *conn)
                .await?;
        let Some((phone, email)) = reach else { continue };
        let sms = phone.as_deref().and_then(huiyin_core::delivery::mobile_number).map(|_| "sms");
        for channel in [sms, email.map(|_| "email")].into_iter().flatten() {
            sqlx::query("INSERT INTO outbox (channel, user_id, body, created_at, attempts) VALUES ($1, $2, $3, $4, 0)")
                .bind(channel)
                .bind(n.user_id)
                .bind(huiyin_core::delivery::outbound_text(&n.kind))
                .bind(at)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// The dead letters with their recipients' units (a `WHERE` to add to with `AND`).
macro_rules! dead_letters {
    () => {
        "SELECT o.id, o.channel, o.user_id, u.unit_id, o.attempts, o.last_error, o.created_at, o.dead_at \
         FROM outbox o JOIN users u ON u.id = o.user_id WHERE o.dead_at IS NOT NULL"
    };
}

fn dead_letter_from_row(r: &super::DbRow) -> StoreResult<DeadLetter> {
    Ok(DeadLetter {
        id: r.try_get("id")?,
        channel: r.try_get("channel")?,
        user_id: r.try_get("user_id")?,
        unit_id: r.try_get("unit_id")?,
        attempts: r.try_get("attempts")?,
        last_error: r.try_get("last_error")?,
        created_at: r.try_get("created_at")?,
        dead_at: r.try_get("dead_at")?,
    })
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
        channels: &[&str],
    ) -> StoreResult<Vec<OutboxMessage>> {
        use chrono::SubsecRound;
        // The claim to the microsecond, as PostgreSQL keeps it: it is compared when it is written.
        let claim = at.trunc_subsecs(6);
        let (first, second) = (channels.first().copied().unwrap_or(""), channels.get(1).copied().unwrap_or(""));
        // The outer condition repeats the inner one: on PostgreSQL a second sender waiting on a row
        // the first one claimed re-checks it against the committed claim and leaves it (SQLite has
        // one writer at a time).
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(
            "UPDATE outbox SET claimed_at = $6 \
             WHERE sent_at IS NULL AND dead_at IS NULL AND (claimed_at IS NULL OR claimed_at < $2) \
             AND (next_attempt_at IS NULL OR next_attempt_at <= $1) AND id IN \
             (SELECT id FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL AND channel IN ($4, $5) \
              AND (claimed_at IS NULL OR claimed_at < $2) AND (next_attempt_at IS NULL OR next_attempt_at <= $1) \
              ORDER BY id LIMIT $3) \
             RETURNING id, channel, user_id, body, attempts",
        )
        .bind(at)
        .bind(stale_before)
        .bind(limit)
        .bind(first)
        .bind(second)
        .bind(claim)
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
                    attempts: r.try_get("attempts")?,
                    phone: None,
                    email: None,
                    active: false,
                    claimed_at: claim,
                })
            })
            .collect::<StoreResult<_>>()?;
        messages.sort_by_key(|m| m.id);
        // The recipients' telephone and address as they are now (a number corrected after a
        // failure is used by the next attempt).
        let mut ids: Vec<i64> = messages.iter().map(|m| m.user_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut reach = std::collections::HashMap::new();
        for slice in ids.chunks(500) {
            let mut b = sqlx::QueryBuilder::<Db>::new("SELECT id, phone, email, active FROM users WHERE id IN ");
            super::push_ids(&mut b, slice);
            let rows: Vec<(i64, Option<String>, Option<String>, bool)> =
                b.build_query_as().fetch_all(self.reader()).await?;
            reach.extend(rows.into_iter().map(|(id, phone, email, active)| (id, (phone, email, active))));
        }
        for m in &mut messages {
            if let Some((phone, email, active)) = reach.get(&m.user_id) {
                m.phone.clone_from(phone);
                m.email.clone_from(email);
                m.active = *active;
            }
        }
        Ok(messages)
    }

    async fn outbox_mark_sent(&self, message: &OutboxMessage, at: chrono::DateTime<chrono::Utc>) -> StoreResult<bool> {
        let sent = sqlx::query(
            "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, claimed_at = NULL \
             WHERE id = $2 AND claimed_at = $3 AND sent_at IS NULL",
        );
        Ok(self.write_alone(sent.bind(at).bind(message.id).bind(message.claimed_at)).await? == 1)
    }

    async fn outbox_mark_failed(
        &self,
        message: &OutboxMessage,
        at: chrono::DateTime<chrono::Utc>,
        reason: &str,
        retry_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> StoreResult<bool> {
        // A reason is what a remote server said: kept short, and never a NUL (PostgreSQL's text).
        let reason: String = reason.chars().filter(|c| *c != '\0').take(500).collect();
        let failed = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, claimed_at = NULL, last_error = $1, \
             next_attempt_at = $2, dead_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END \
             WHERE id = $4 AND claimed_at = $5 AND sent_at IS NULL",
        );
        let failed = failed.bind(reason).bind(retry_at).bind(at).bind(message.id).bind(message.claimed_at);
        Ok(self.write_alone(failed).await? == 1)
    }

    async fn outbox_release(&self, message: &OutboxMessage) -> StoreResult<()> {
        let released = sqlx::query("UPDATE outbox SET claimed_at = NULL WHERE id = $1 AND claimed_at = $2");
        self.write_alone(released.bind(message.id).bind(message.claimed_at)).await?;
        Ok(())
    }

    async fn outbox_prune(&self, before: chrono::DateTime<chrono::Utc>) -> StoreResult<u64> {
        let pruned = sqlx::query(
            "DELETE FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL AND attempts = 0 \
             AND claimed_at IS NULL AND created_at < $1",
        );
        self.write_alone(pruned.bind(before)).await
    }

    async fn outbox_summary(&self, units: &[i64]) -> StoreResult<OutboxSummary> {
        let mut summary = OutboxSummary::default();
        if units.is_empty() {
            return Ok(summary);
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT COALESCE(SUM(CASE WHEN o.dead_at IS NULL THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN o.dead_at IS NULL AND o.attempts > 0 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN o.dead_at IS NOT NULL THEN 1 ELSE 0 END), 0) \
             FROM outbox o JOIN users u ON u.id = o.user_id WHERE o.sent_at IS NULL AND u.unit_id IN ",
        );
        super::push_ids(&mut b, units);
        let counts: (i64, i64, i64) = b.build_query_as().fetch_one(self.reader()).await?;
        (summary.waiting, summary.retrying, summary.dead) = counts;
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT o.last_error FROM outbox o JOIN users u ON u.id = o.user_id \
             WHERE o.sent_at IS NULL AND o.dead_at IS NULL AND o.attempts > 0 AND u.unit_id IN ",
        );
        super::push_ids(&mut b, units);
        b.push(" ORDER BY o.next_attempt_at DESC, o.id DESC LIMIT 1");
        let latest: Option<Option<String>> = b.build_query_scalar().fetch_optional(self.reader()).await?;
        summary.retry_reason = latest.flatten();
        Ok(summary)
    }

    async fn outbox_dead_letters(&self, units: &[i64], limit: i64) -> StoreResult<Vec<DeadLetter>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(concat!(dead_letters!(), " AND u.unit_id IN "));
        super::push_ids(&mut b, units);
        b.push(" ORDER BY o.dead_at DESC, o.id DESC LIMIT ").push_bind(limit);
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter().map(dead_letter_from_row).collect()
    }

    async fn outbox_dead_letter(&self, id: i64) -> StoreResult<Option<DeadLetter>> {
        let row =
            sqlx::query(concat!(dead_letters!(), " AND o.id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(dead_letter_from_row).transpose()
    }

    async fn outbox_send_again(&self, id: i64, at: chrono::DateTime<chrono::Utc>) -> StoreResult<bool> {
        let again = sqlx::query(
            "UPDATE outbox SET dead_at = NULL, attempts = 0, claimed_at = NULL, next_attempt_at = $1 \
             WHERE id = $2 AND dead_at IS NOT NULL AND sent_at IS NULL",
        );
        Ok(self.write_alone(again.bind(at).bind(id)).await? == 1)
    }

    async fn outbox_waiting(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL")
            .fetch_one(self.reader())
            .await?)
    }

    async fn outbox_dead(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE dead_at IS NOT NULL").fetch_one(self.reader()).await?)
    }
}
