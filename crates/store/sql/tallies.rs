//! The running tally behind the public measures, and counts over many cases.

use super::filters::{push_not_accusing, push_whole_scope};
use crate::{Backend, Db, dialect};
use chrono::{NaiveDate, Utc};
use huiyin_core::event::EventData;
use huiyin_store::prelude::*;
use huiyin_store::{Blindness, SkipLevelCount, StoreError, StoreResult};
use sqlx::Row;
use sqlx::types::Json;

/// The year (China time) a case is numbered in.
pub(super) fn china_year(reg: &huiyin_core::case::Registration) -> i64 {
    i64::from(chrono::Datelike::year(&reg.received_at.with_timezone(&huiyin_core::case::CHINA_OFFSET)))
}

/// Adds `n` (which may be negative) to a tally row, creating it if needed.
pub(super) async fn add_to_tally(
    conn: &mut <Db as sqlx::Database>::Connection,
    unit_id: i64,
    holding_unit_id: i64,
    status: &str,
    channel: &str,
    n: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO case_tally (unit_id, holding_unit_id, status, channel, n) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (unit_id, holding_unit_id, status, channel) DO UPDATE SET n = case_tally.n + $5",
    )
    .bind(unit_id)
    .bind(holding_unit_id)
    .bind(status)
    .bind(channel)
    .bind(n)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl TallyStore for Backend {
    async fn skip_level_counts(&self, scope: &[i64], blind: &Blindness) -> StoreResult<Vec<SkipLevelCount>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT n.code, n.name, COUNT(*) AS cases FROM cases c JOIN units n ON n.id = c.place_unit_id \
             WHERE CAST(c.flags AS TEXT) LIKE '%\"skip_level\"%'",
        );
        push_whole_scope(&mut b, scope);
        push_not_accusing(&mut b, blind);
        b.push(" GROUP BY n.code, n.name ORDER BY cases DESC, n.code");
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter()
            .map(|r| {
                Ok(SkipLevelCount {
                    unit_code: r.try_get("code")?,
                    unit_name: r.try_get("name")?,
                    cases: r.try_get("cases")?,
                })
            })
            .collect()
    }

    async fn kpi_tallies(
        &self,
        scope: &[i64],
        since: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<huiyin_core::kpi::KpiTallies> {
        use huiyin_core::event::Rating;
        use huiyin_core::kpi::{DeadlineTally, KpiTallies};
        let mut tallies = KpiTallies::default();
        if scope.is_empty() {
            return Ok(tallies);
        }
        let mut deadlines =
            sqlx::QueryBuilder::<Db>::new("SELECT d.kind, COUNT(*) AS due, SUM(CASE WHEN d.met_at IS NOT NULL AND ");
        deadlines.push(dialect::CHINA_DAY_OF_MET_AT).push(" <= d.due THEN 1 ELSE 0 END) AS on_time");
        deadlines
            .push(" FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.kind IN ('notice', 'handling')");
        deadlines.push(" AND d.due >= ").push_bind(since);
        deadlines.push(" AND (d.met_at IS NOT NULL OR d.due < ").push_bind(today).push(")");
        push_whole_scope(&mut deadlines, scope);
        deadlines.push(" GROUP BY d.kind");
        for row in deadlines.build().fetch_all(self.reader()).await? {
            let kind: String = row.try_get("kind")?;
            let tally = DeadlineTally {
                due: u64::try_from(row.try_get::<i64, _>("due")?).unwrap_or_default(),
                on_time: u64::try_from(row.try_get::<Option<i64>, _>("on_time")?.unwrap_or_default())
                    .unwrap_or_default(),
            };
            match kind.as_str() {
                "notice" => tallies.acceptance = tally,
                _ => tallies.closure = tally,
            }
        }
        let since_instant = chrono::TimeZone::from_local_datetime(
            &huiyin_core::case::CHINA_OFFSET,
            &since.and_time(chrono::NaiveTime::MIN),
        )
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| StoreError::Corrupt(format!("no instant for {since}")))?;
        let mut ratings = sqlx::QueryBuilder::<Db>::new(
            "SELECT e.payload FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'rated' AND e.occurred_at >= ",
        );
        ratings.push_bind(since_instant);
        push_whole_scope(&mut ratings, scope);
        for row in ratings.build().fetch_all(self.reader()).await? {
            let Json(data): Json<EventData> = row.try_get("payload")?;
            if let EventData::Rated { unit, .. } = data {
                let r = &mut tallies.ratings;
                match unit {
                    Rating::Satisfied => r.satisfied += 1,
                    Rating::BasicallySatisfied => r.basically_satisfied += 1,
                    Rating::Dissatisfied => r.dissatisfied += 1,
                }
            }
        }
        Ok(tallies)
    }
}
