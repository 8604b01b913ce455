//! The audit log of administration: appended in its own transaction, read newest first within the
//! reader's units.

use huiyin_store::{AdminEvent, AdminEventQuery, NewAdminEvent, Page};
use sqlx::Row;

use super::{DbRow, push_ids};
use crate::{Backend, Db};
use huiyin_store::StoreResult;

fn admin_event_from_row(row: &DbRow) -> StoreResult<AdminEvent> {
    Ok(AdminEvent {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        unit_id: row.try_get("unit_id")?,
        action: row.try_get("action")?,
        target: row.try_get("target")?,
        before: row.try_get("before_value")?,
        after: row.try_get("after_value")?,
        address: row.try_get("address")?,
    })
}

/// `WHERE` with the query's unit scope and filters, on `admin_events e`.
fn push_filters(b: &mut sqlx::QueryBuilder<Db>, query: &AdminEventQuery) {
    b.push(" WHERE (");
    if query.units.is_empty() {
        b.push("1 = 0");
    } else {
        b.push("e.unit_id IN ");
        push_ids(b, &query.units);
    }
    if query.installation {
        b.push(" OR e.unit_id IS NULL");
    }
    if let Some(by) = query.by {
        b.push(" OR e.actor_id = ").push_bind(by);
    }
    b.push(")");
    if let Some(prefix) = &query.action_prefix {
        // Codes are lower-case letters, dots and underscores: nothing a LIKE would read as a pattern
        // but the underscore, which is escaped.
        b.push(" AND e.action LIKE ").push_bind(format!("{}%", prefix.replace('_', "\\_"))).push(" ESCAPE '\\'");
    }
    if let Some(target) = &query.target {
        b.push(" AND e.target = ").push_bind(target.clone());
    }
    if let Some(from) = query.from {
        b.push(" AND e.at >= ").push_bind(from);
    }
    if let Some(before) = query.before {
        b.push(" AND e.at < ").push_bind(before);
    }
}

#[async_trait::async_trait]
impl huiyin_store::AuditStore for Backend {
    async fn record_admin_event(&self, event: &NewAdminEvent) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO admin_events (at, actor_id, unit_id, action, target, before_value, after_value, address) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(event.at)
        .bind(event.actor_id)
        .bind(event.unit_id)
        .bind(&event.action)
        .bind(&event.target)
        .bind(&event.before)
        .bind(&event.after)
        .bind(&event.address)
        .fetch_one(&mut *tx)
        .await?;
        let hash = huiyin_core::chain::AdminRecord {
            id,
            at: event.at,
            actor_id: event.actor_id,
            unit_id: event.unit_id,
            action: &event.action,
            target: &event.target,
            before: event.before.as_deref(),
            after: event.after.as_deref(),
            address: event.address.as_deref(),
        }
        .hash();
        let kind = huiyin_core::chain::RecordKind::Admin;
        super::chain::append(&mut tx, &[super::chain::Entry { at: event.at, kind, case_id: None, item: id, hash }])
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn admin_events(&self, query: &AdminEventQuery) -> StoreResult<Page<AdminEvent>> {
        let per_page = query.per_page.clamp(1, 500);
        let page = query.page.max(1);
        let mut count = sqlx::QueryBuilder::<Db>::new("SELECT COUNT(*) FROM admin_events e");
        push_filters(&mut count, query);
        let total: i64 = count.build_query_scalar().fetch_one(self.reader()).await?;
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT e.id, e.at, u.username AS actor, e.unit_id, e.action, e.target, e.before_value, e.after_value, \
             e.address FROM admin_events e LEFT JOIN users u ON u.id = e.actor_id",
        );
        push_filters(&mut b, query);
        b.push(" ORDER BY e.at DESC, e.id DESC LIMIT ")
            .push_bind(i64::from(per_page))
            .push(" OFFSET ")
            .push_bind(i64::from(page - 1) * i64::from(per_page));
        let rows = b.build().fetch_all(self.reader()).await?;
        let items = rows.iter().map(admin_event_from_row).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page { items, total, total_exact: true, page, per_page })
    }

    async fn last_sign_ins(&self) -> StoreResult<Vec<(i64, chrono::DateTime<chrono::Utc>)>> {
        let rows = sqlx::query(
            "SELECT actor_id, MAX(at) AS at FROM admin_events \
             WHERE action = 'login.success' AND actor_id IS NOT NULL GROUP BY actor_id",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(|r| Ok((r.try_get("actor_id")?, r.try_get("at")?))).collect()
    }
}
