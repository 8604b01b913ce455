//! The register of refused offers.

use super::{DbRow, corrupt, push_ids};
use crate::{Backend, Db};
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::gift::GiftKind;
use huiyin_store::prelude::*;
use huiyin_store::{GiftRecord, NewGift, StoreResult};
use sqlx::Row;

fn gift_from_row(row: &DbRow) -> StoreResult<GiftRecord> {
    let kind: String = row.try_get("kind")?;
    Ok(GiftRecord {
        id: row.try_get("id")?,
        gift: NewGift {
            unit_id: row.try_get("unit_id")?,
            user_id: row.try_get("user_id")?,
            kind: GiftKind::parse("kind", &kind).map_err(|_| corrupt(format!("gift kind {kind}")))?,
            offered_by: row.try_get("offered_by")?,
            what: row.try_get("what")?,
            offered_on: row.try_get("offered_on")?,
            value_yuan: row.try_get("value_yuan")?,
            handling: row.try_get("handling")?,
            case_id: row.try_get("case_id")?,
            recorded_at: row.try_get("recorded_at")?,
        },
        reviewed_by: row.try_get("reviewed_by")?,
        reviewed_at: row.try_get("reviewed_at")?,
        review_note: row.try_get("review_note")?,
    })
}

/// A `SELECT` of the register followed by the given clauses.
macro_rules! select_gifts {
    ($($clause:literal),*) => {
        concat!(
            "SELECT id, unit_id, user_id, kind, offered_by, what, offered_on, value_yuan, handling, case_id, \
             recorded_at, reviewed_by, reviewed_at, review_note FROM gifts ",
            $($clause),*
        )
    };
}

#[async_trait::async_trait]
impl GiftStore for Backend {
    async fn add_gift(&self, gift: &NewGift) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO gifts (unit_id, user_id, kind, offered_by, what, offered_on, value_yuan, handling, case_id, \
             recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(gift.unit_id)
        .bind(gift.user_id)
        .bind(gift.kind.code())
        .bind(&gift.offered_by)
        .bind(&gift.what)
        .bind(gift.offered_on)
        .bind(gift.value_yuan)
        .bind(&gift.handling)
        .bind(gift.case_id)
        .bind(gift.recorded_at)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn gift(&self, id: i64) -> StoreResult<Option<GiftRecord>> {
        let row = sqlx::query(select_gifts!("WHERE id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(gift_from_row).transpose()
    }

    async fn gifts(
        &self,
        units: &[i64],
        from: NaiveDate,
        before: NaiveDate,
        user_id: Option<i64>,
    ) -> StoreResult<Vec<GiftRecord>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(select_gifts!("WHERE offered_on >= "));
        b.push_bind(from).push(" AND offered_on < ").push_bind(before).push(" AND unit_id IN ");
        push_ids(&mut b, units);
        if let Some(user) = user_id {
            b.push(" AND user_id = ").push_bind(user);
        }
        b.push(" ORDER BY offered_on DESC, id DESC");
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter().map(gift_from_row).collect()
    }

    async fn review_gift(&self, id: i64, by: i64, at: DateTime<Utc>, note: Option<&str>) -> StoreResult<bool> {
        let done = self
            .write_alone(
                sqlx::query(
                    "UPDATE gifts SET reviewed_by = $1, reviewed_at = $2, review_note = $3 \
                     WHERE id = $4 AND reviewed_by IS NULL",
                )
                .bind(by)
                .bind(at)
                .bind(note)
                .bind(id),
            )
            .await?;
        Ok(done == 1)
    }
}
