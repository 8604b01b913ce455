//! The running tally behind the public measures, and counts over many cases.

use super::filters::{push_not_accusing, push_whole_scope};
use crate::{Backend, Db, dialect};
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::event::EventData;
use huiyin_store::prelude::*;
use huiyin_store::{Blindness, ReplyStep, SkipLevelCount, StoreError, StoreResult};
use sqlx::Row;
use sqlx::types::Json;

/// The year (China time) a case is numbered in.
pub(super) fn china_year(reg: &huiyin_core::case::Registration) -> i64 {
    i64::from(chrono::Datelike::year(&reg.received_at.with_timezone(&huiyin_core::case::CHINA_OFFSET)))
}

/// Midnight at the start of `day`, China time.
fn china_midnight(day: NaiveDate) -> StoreResult<DateTime<Utc>> {
    chrono::TimeZone::from_local_datetime(&huiyin_core::case::CHINA_OFFSET, &day.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| StoreError::Corrupt(format!("no instant for {day}")))
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
        blind: &Blindness,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<huiyin_core::kpi::KpiTallies> {
        use huiyin_core::event::Rating;
        use huiyin_core::kpi::{DeadlineTally, KpiTallies, RatingTally};
        let mut tallies = KpiTallies::default();
        if scope.is_empty() {
            return Ok(tallies);
        }
        // A deadline counts in the period of the day it was settled: the China day it was met, or,
        // unmet, its due day once that has passed (docs/MEASURES.md).
        let mut deadlines =
            sqlx::QueryBuilder::<Db>::new("SELECT d.kind, COUNT(*) AS due, SUM(CASE WHEN d.met_at IS NOT NULL AND ");
        deadlines.push(dialect::CHINA_DAY_OF_MET_AT).push(" <= d.due THEN 1 ELSE 0 END) AS on_time");
        deadlines
            .push(" FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.kind IN ('notice', 'handling')");
        deadlines.push(" AND ((d.met_at IS NOT NULL AND ").push(dialect::CHINA_DAY_OF_MET_AT).push(" >= ");
        deadlines.push_bind(from).push(" AND ").push(dialect::CHINA_DAY_OF_MET_AT).push(" <= ").push_bind(to);
        deadlines.push(") OR (d.met_at IS NULL AND d.due >= ").push_bind(from);
        deadlines.push(" AND d.due <= ").push_bind(to).push(" AND d.due < ").push_bind(today).push("))");
        push_whole_scope(&mut deadlines, scope);
        push_not_accusing(&mut deadlines, blind);
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
        let (start, end) = (china_midnight(from)?, china_midnight(to.succ_opt().unwrap_or(to))?);
        let mut ratings = sqlx::QueryBuilder::<Db>::new(
            "SELECT e.payload FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'rated' AND e.occurred_at >= ",
        );
        ratings.push_bind(start).push(" AND e.occurred_at < ").push_bind(end);
        push_whole_scope(&mut ratings, scope);
        push_not_accusing(&mut ratings, blind);
        let count = |tally: &mut RatingTally, rating: Rating| match rating {
            Rating::Satisfied => tally.satisfied += 1,
            Rating::BasicallySatisfied => tally.basically_satisfied += 1,
            Rating::Dissatisfied => tally.dissatisfied += 1,
        };
        for row in ratings.build().fetch_all(self.reader()).await? {
            let Json(data): Json<EventData> = row.try_get("payload")?;
            if let EventData::Rated { office, unit, .. } = data {
                count(&mut tallies.ratings_office, office);
                count(&mut tallies.ratings, unit);
            }
        }
        tallies.participation.rated = tallies.ratings.all();
        let mut registered = sqlx::QueryBuilder::<Db>::new(
            "SELECT COUNT(*) AS registered, SUM(CASE WHEN CAST(c.flags AS TEXT) LIKE '%\"repeat\"%' THEN 1 ELSE 0 END) \
             AS repeats FROM cases c WHERE c.received_at >= ",
        );
        registered.push_bind(start).push(" AND c.received_at < ").push_bind(end);
        push_whole_scope(&mut registered, scope);
        push_not_accusing(&mut registered, blind);
        let row = registered.build().fetch_one(self.reader()).await?;
        tallies.repeats.registered = u64::try_from(row.try_get::<i64, _>("registered")?).unwrap_or_default();
        tallies.repeats.repeats =
            u64::try_from(row.try_get::<Option<i64>, _>("repeats")?.unwrap_or_default()).unwrap_or_default();
        Ok(tallies)
    }

    async fn reply_trail(&self, scope: &[i64], blind: &Blindness, since: DateTime<Utc>) -> StoreResult<Vec<ReplyStep>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT e.case_id, c.unit_id, e.kind, e.occurred_at FROM case_events e JOIN cases c ON c.id = e.case_id \
             WHERE e.kind IN ('replied', 'rated') AND e.occurred_at >= ",
        );
        b.push_bind(since);
        push_whole_scope(&mut b, scope);
        push_not_accusing(&mut b, blind);
        b.push(" ORDER BY e.case_id, e.seq");
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(ReplyStep {
                    case_id: r.try_get("case_id")?,
                    unit_id: r.try_get("unit_id")?,
                    rated: kind == "rated",
                    at: r.try_get("occurred_at")?,
                })
            })
            .collect()
    }
}
