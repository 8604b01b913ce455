//! Deadlines and supervision items (督办).

use super::filters::push_not_accusing;
use super::notices::write_notices;
use super::tallies::{TallyChanges, kept_facts, replace_facts};
use super::{DbRow, corrupt, push_ids};
use crate::{Backend, Db};
use huiyin_core::calendar::{Due, Limit};
use huiyin_core::limits::{Deadline, DeadlineKind, next_due};
use huiyin_core::measure_facts::Outcome;
use huiyin_store::prelude::*;
use huiyin_store::{Blindness, DueDeadline, ItemToEscalate, Notice, StoreResult, SupervisionItem};
use sqlx::Row;
use sqlx::types::Json;

/// A `SELECT` of the columns `supervision_from_row` reads, followed by the given clauses on `s`.
macro_rules! select_supervision_items {
    ($($tail:literal),*) => {
        concat!(
            "SELECT s.id, s.case_id, c.case_number, s.kind, s.due, n.code AS unit_code, u.username AS owner, ",
            "s.opened_at, e.code AS escalated_to, s.closed_at FROM supervision_items s ",
            "JOIN cases c ON c.id = s.case_id JOIN units n ON n.id = s.unit_id JOIN users u ON u.id = s.owner_id ",
            "LEFT JOIN units e ON e.id = s.escalated_to_unit_id ",
            $($tail),*
        )
    };
}

pub(super) fn deadline_from_row(row: &DbRow) -> StoreResult<Deadline> {
    let kind: String = row.try_get("kind")?;
    let Json(limit): Json<Limit> = row.try_get("limit_rule")?;
    let extension_days: i64 = row.try_get("extension_days")?;
    Ok(Deadline {
        kind: DeadlineKind::parse(&kind).ok_or_else(|| corrupt(format!("deadline kind {kind}")))?,
        start: row.try_get("start_day")?,
        limit,
        extension_days: u32::try_from(extension_days).map_err(corrupt)?,
        due: Due { date: row.try_get("due")?, provisional: row.try_get("provisional")? },
        met_at: row.try_get("met_at")?,
    })
}

/// Replaces a case's deadlines and its earliest open due date.
pub(super) async fn write_deadlines(
    conn: &mut <Db as sqlx::Database>::Connection,
    case_id: i64,
    deadlines: &[Deadline],
    replace: bool,
) -> StoreResult<()> {
    if replace {
        sqlx::query("DELETE FROM case_deadlines WHERE case_id = $1").bind(case_id).execute(&mut *conn).await?;
    }
    for d in deadlines {
        sqlx::query(
            "INSERT INTO case_deadlines (case_id, kind, start_day, limit_rule, extension_days, due, provisional, met_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(case_id)
        .bind(d.kind.code())
        .bind(d.start)
        .bind(Json(d.limit))
        .bind(i64::from(d.extension_days))
        .bind(d.due.date)
        .bind(d.due.provisional)
        .bind(d.met_at)
        .execute(&mut *conn)
        .await?;
    }
    if replace {
        sqlx::query("UPDATE cases SET next_due = $1 WHERE id = $2")
            .bind(next_due(deadlines))
            .bind(case_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

fn supervision_from_row(r: &DbRow) -> StoreResult<SupervisionItem> {
    Ok(SupervisionItem {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        case_number: r.try_get("case_number")?,
        kind: r.try_get("kind")?,
        due: r.try_get("due")?,
        unit_code: r.try_get("unit_code")?,
        owner: r.try_get("owner")?,
        opened_at: r.try_get("opened_at")?,
        escalated_to: r.try_get("escalated_to")?,
        closed_at: r.try_get("closed_at")?,
    })
}

#[async_trait::async_trait]
impl SupervisionStore for Backend {
    async fn open_deadlines_after(&self, after: (i64, &str), limit: i64) -> StoreResult<Vec<(i64, Deadline)>> {
        let rows = sqlx::query(
            "SELECT case_id, kind, start_day, limit_rule, extension_days, due, provisional, met_at FROM case_deadlines \
             WHERE met_at IS NULL AND (case_id > $1 OR (case_id = $1 AND kind > $2)) ORDER BY case_id, kind LIMIT $3",
        )
        .bind(after.0)
        .bind(after.1)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(|r| Ok((r.try_get("case_id")?, deadline_from_row(r)?))).collect()
    }

    async fn update_deadline_dues(&self, changed: &[(i64, Deadline)]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let mut measured = TallyChanges::default();
        for (case_id, d) in changed {
            // The case first, as an event locks it, then its deadline, then its facts.
            sqlx::query("UPDATE cases SET next_due = next_due WHERE id = $1").bind(*case_id).execute(&mut *tx).await?;
            // Only a deadline still open: one met since it was read is left as it was met.
            let updated = sqlx::query(
                "UPDATE case_deadlines SET due = $1, provisional = $2 WHERE case_id = $3 AND kind = $4 AND met_at IS NULL",
            )
            .bind(d.due.date)
            .bind(d.due.provisional)
            .bind(*case_id)
            .bind(d.kind.code())
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                continue;
            }
            sqlx::query(
                "UPDATE cases SET next_due = (SELECT MIN(due) FROM case_deadlines WHERE case_id = $1 AND met_at IS NULL \
                 AND kind NOT IN ('review_request', 're_review_request')) WHERE id = $1",
            )
            .bind(*case_id)
            .execute(&mut *tx)
            .await?;
            // An open deadline the measures count is counted on its due day: its fact moves, the
            // unit's it was kept for.
            if let Some(fact) = huiyin_core::measure_facts::deadline(&Deadline { met_at: None, ..*d }) {
                let kept = kept_facts(&mut tx, *case_id).await?;
                if let Some(old) = kept.iter().find(|(k, _)| k.kind == fact.kind && k.outcome == Outcome::Open) {
                    replace_facts(&mut tx, *case_id, &[*old], &[(fact, old.1)], &mut measured).await?;
                }
            }
        }
        measured.apply(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn due_deadlines(&self, until: chrono::NaiveDate, limit: i64) -> StoreResult<Vec<DueDeadline>> {
        let rows = sqlx::query(
            "SELECT d.case_id, c.case_number, c.holding_unit_id, c.owner_id, c.accused_unit_id, c.accused_user_id, d.kind, d.start_day, d.limit_rule, \
             d.extension_days, d.due, d.provisional, d.met_at FROM case_deadlines d JOIN cases c ON c.id = d.case_id \
             WHERE d.met_at IS NULL AND d.due <= $1 ORDER BY d.due, d.case_id LIMIT $2",
        )
        .bind(until)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DueDeadline {
                    case_id: r.try_get("case_id")?,
                    case_number: r.try_get("case_number")?,
                    unit_id: r.try_get("holding_unit_id")?,
                    owner_id: r.try_get("owner_id")?,
                    accused_unit_id: r.try_get("accused_unit_id")?,
                    accused_user_id: r.try_get("accused_user_id")?,
                    deadline: deadline_from_row(r)?,
                })
            })
            .collect()
    }

    async fn open_supervision_item(
        &self,
        due: &DueDeadline,
        at: chrono::DateTime<chrono::Utc>,
        notices: &[Notice],
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO supervision_items (case_id, kind, due, unit_id, owner_id, opened_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (case_id, kind, due) DO NOTHING",
        )
        .bind(due.case_id)
        .bind(due.deadline.kind.code())
        .bind(due.deadline.due.date)
        .bind(due.unit_id)
        .bind(due.owner_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let opened = done.rows_affected() == 1;
        if opened {
            write_notices(&mut tx, notices, at).await?;
        }
        tx.commit().await?;
        Ok(opened)
    }

    async fn remind_once(
        &self,
        due: &DueDeadline,
        at: chrono::DateTime<chrono::Utc>,
        notices: &[Notice],
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO reminders (case_id, kind, due, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT (case_id, kind, due) DO NOTHING",
        )
        .bind(due.case_id)
        .bind(due.deadline.kind.code())
        .bind(due.deadline.due.date)
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

    async fn items_to_escalate(&self, due_by: chrono::NaiveDate) -> StoreResult<Vec<ItemToEscalate>> {
        let rows = sqlx::query(
            "SELECT s.id, s.case_id, c.case_number, c.accused_unit_id, c.accused_user_id, s.kind, s.due, s.unit_id, n.code AS unit_code, n.parent_id, \
             u.username AS owner, s.opened_at, NULL AS escalated_to, s.closed_at \
             FROM supervision_items s JOIN cases c ON c.id = s.case_id JOIN units n ON n.id = s.unit_id \
             JOIN users u ON u.id = s.owner_id \
             WHERE s.closed_at IS NULL AND s.escalated_at IS NULL AND s.due <= $1 ORDER BY s.id",
        )
        .bind(due_by)
        .fetch_all(self.reader())
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            // A unit with no unit above has nowhere to escalate to.
            let parent: Option<i64> = r.try_get("parent_id")?;
            if let Some(parent_id) = parent {
                out.push(ItemToEscalate {
                    holding_unit_id: r.try_get("unit_id")?,
                    parent_id,
                    accused_unit_id: r.try_get("accused_unit_id")?,
                    accused_user_id: r.try_get("accused_user_id")?,
                    item: supervision_from_row(r)?,
                });
            }
        }
        Ok(out)
    }

    async fn escalate_item(
        &self,
        item_id: i64,
        to_unit: i64,
        at: chrono::DateTime<chrono::Utc>,
        notices: &[Notice],
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE supervision_items SET escalated_to_unit_id = $1, escalated_at = $2 \
             WHERE id = $3 AND escalated_at IS NULL AND closed_at IS NULL",
        )
        .bind(to_unit)
        .bind(at)
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
        let escalated = done.rows_affected() == 1;
        if escalated {
            write_notices(&mut tx, notices, at).await?;
        }
        tx.commit().await?;
        Ok(escalated)
    }

    async fn close_settled_items(&self, at: chrono::DateTime<chrono::Utc>) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE supervision_items SET closed_at = $1 WHERE closed_at IS NULL AND NOT EXISTS ( \
               SELECT 1 FROM case_deadlines d WHERE d.case_id = supervision_items.case_id \
               AND d.kind = supervision_items.kind AND d.due = supervision_items.due AND d.met_at IS NULL)",
        )
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    async fn supervision_items(
        &self,
        units: &[i64],
        blind: &Blindness,
        open_only: bool,
        limit: i64,
    ) -> StoreResult<Vec<SupervisionItem>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = sqlx::QueryBuilder::<Db>::new(select_supervision_items!("WHERE (s.unit_id IN "));
        push_ids(&mut q, units);
        q.push(" OR s.escalated_to_unit_id IN ");
        push_ids(&mut q, units);
        q.push(")");
        push_not_accusing(&mut q, blind);
        if open_only {
            q.push(" AND s.closed_at IS NULL");
        }
        q.push(" ORDER BY s.due, s.id LIMIT ").push_bind(limit);
        let rows = q.build().fetch_all(self.reader()).await?;
        rows.iter().map(supervision_from_row).collect()
    }

    async fn case_supervision_items(&self, case_id: i64) -> StoreResult<Vec<SupervisionItem>> {
        let rows = sqlx::query(select_supervision_items!("WHERE s.case_id = $1 ORDER BY s.id"))
            .bind(case_id)
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(supervision_from_row).collect()
    }
}
