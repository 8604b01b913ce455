//! The running tally behind the public measures, and counts over many cases.

use super::filters::{china_days, met_in_time, push_came_due_in, push_met_in, push_not_accusing, push_whole_scope};
use crate::{Backend, Db, dialect};
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::case::Flag;
use huiyin_core::statistics::{Count, Reached};
use huiyin_store::prelude::*;
use huiyin_store::{
    Blindness, CaseCounts, PetitionerCases, ReplyStep, SkipLevelCount, SkipLevelVisit, StoreResult, UnitsTallies,
};
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

/// A count of rows `cases` and `people`, which SQL sums as null over no rows.
fn count_of(row: &super::DbRow, cases: &str, people: &str) -> StoreResult<Count> {
    let n = |col: &str| -> StoreResult<u64> {
        Ok(u64::try_from(row.try_get::<Option<i64>, _>(col)?.unwrap_or_default()).unwrap_or_default())
    };
    Ok(Count { cases: n(cases)?, people: n(people)? })
}

impl Backend {
    /// `SELECT … FROM cases c WHERE` received in the period, in the scope, accusing none of `blind`.
    fn cases_received(
        select: &str,
        scope: &[i64],
        blind: &Blindness,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> sqlx::QueryBuilder<Db> {
        let mut b = sqlx::QueryBuilder::<Db>::new(select);
        b.push(" FROM cases c WHERE c.received_at >= ").push_bind(start).push(" AND c.received_at < ").push_bind(end);
        push_whole_scope(&mut b, scope);
        push_not_accusing(&mut b, blind);
        b
    }

    /// The cases received in the period counted by `key`, an expression of `c`.
    async fn counted_by<K>(
        &self,
        key: &str,
        scope: &[i64],
        blind: &Blindness,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> StoreResult<Vec<(K, Count)>>
    where
        K: for<'r> sqlx::Decode<'r, Db> + sqlx::Type<Db> + Send + Unpin,
    {
        let select = format!("SELECT {key} AS k, COUNT(*) AS cases, CAST(SUM(c.headcount) AS BIGINT) AS people");
        let mut b = Self::cases_received(&select, scope, blind, start, end);
        b.push(" GROUP BY ").push(key).push(" ORDER BY cases DESC, k");
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter().map(|r| Ok((r.try_get("k")?, count_of(r, "cases", "people")?))).collect()
    }
}

#[async_trait::async_trait]
impl TallyStore for Backend {
    async fn skip_level_counts(&self, scope: &[i64], blind: &Blindness) -> StoreResult<Vec<SkipLevelCount>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT n.code, n.name, COUNT(*) AS cases FROM cases c JOIN units n ON n.id = c.place_unit_id WHERE (",
        );
        // At any level reached.
        b.push(Reached::ALL.map(|r| format!("CAST(c.flags AS TEXT) LIKE '%\"{}\"%'", r.flag().code())).join(" OR "));
        b.push(")");
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
        let mut sum = huiyin_core::kpi::KpiTallies::default();
        for pair in self.kpi_tallies_by_units(scope, blind, from, to, today).await? {
            sum.add(&pair.tallies);
        }
        Ok(sum)
    }

    async fn kpi_tallies_by_units(
        &self,
        scope: &[i64],
        blind: &Blindness,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<Vec<UnitsTallies>> {
        use huiyin_core::kpi::{KpiTallies, RatingTally};
        let mut pairs: std::collections::BTreeMap<(i64, i64), KpiTallies> = std::collections::BTreeMap::new();
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let count = |row: &super::DbRow, column: &str| -> StoreResult<u64> {
            Ok(u64::try_from(row.try_get::<Option<i64>, _>(column)?.unwrap_or_default()).unwrap_or_default())
        };
        let pair_of = |row: &super::DbRow| -> StoreResult<(i64, i64)> {
            Ok((row.try_get("unit_id")?, row.try_get("holding_unit_id")?))
        };
        // A deadline counts in the period of the day it was settled: the China day it was met, or,
        // unmet, its due day once that has passed (docs/MEASURES.md).
        // Read as two: those met in the period, and those unmet that came due in it (each by its
        // own index).
        for met in [true, false] {
            let mut deadlines = sqlx::QueryBuilder::<Db>::new(
                "SELECT c.unit_id, c.holding_unit_id, d.kind, COUNT(*) AS due, SUM(CASE WHEN ",
            );
            deadlines.push(met_in_time()).push(" THEN 1 ELSE 0 END) AS on_time");
            deadlines
                .push(" FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.kind IN ('notice', 'handling')");
            if met {
                deadlines.push(" AND d.met_at IS NOT NULL");
                push_met_in(&mut deadlines, from, to);
            } else {
                deadlines.push(" AND d.met_at IS NULL");
                push_came_due_in(&mut deadlines, from, to, today);
            }
            push_whole_scope(&mut deadlines, scope);
            push_not_accusing(&mut deadlines, blind);
            deadlines.push(" GROUP BY c.unit_id, c.holding_unit_id, d.kind");
            for row in deadlines.build().fetch_all(self.reader()).await? {
                let kind: String = row.try_get("kind")?;
                let t = pairs.entry(pair_of(&row)?).or_default();
                let tally = if kind == "notice" { &mut t.acceptance } else { &mut t.closure };
                tally.due += count(&row, "due")?;
                tally.on_time += count(&row, "on_time")?;
            }
        }
        // The ratings given in the period, counted by the database (no payload read here).
        let (start, end) = china_days(from, to);
        let mut ratings = sqlx::QueryBuilder::<Db>::new(format!(
            "SELECT c.unit_id, c.holding_unit_id, {} AS office, {} AS handled, COUNT(*) AS n \
             FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'rated' AND e.occurred_at >= ",
            dialect::RATING_OF_OFFICE,
            dialect::RATING_OF_UNIT
        ));
        ratings.push_bind(start).push(" AND e.occurred_at < ").push_bind(end);
        push_whole_scope(&mut ratings, scope);
        push_not_accusing(&mut ratings, blind);
        ratings.push(" GROUP BY c.unit_id, c.holding_unit_id, office, handled");
        let add = |tally: &mut RatingTally, rating: Option<&str>, n: u64| -> StoreResult<()> {
            match rating {
                Some("satisfied") => tally.satisfied += n,
                Some("basically_satisfied") => tally.basically_satisfied += n,
                Some("dissatisfied") => tally.dissatisfied += n,
                other => return Err(super::corrupt(format!("rating {other:?}"))),
            }
            Ok(())
        };
        for row in ratings.build().fetch_all(self.reader()).await? {
            let n = count(&row, "n")?;
            let (office, handled): (Option<String>, Option<String>) = (row.try_get("office")?, row.try_get("handled")?);
            let t = pairs.entry(pair_of(&row)?).or_default();
            add(&mut t.ratings_office, office.as_deref(), n)?;
            add(&mut t.ratings, handled.as_deref(), n)?;
            t.participation.rated += n;
        }
        let mut registered = sqlx::QueryBuilder::<Db>::new(
            "SELECT c.unit_id, c.holding_unit_id, COUNT(*) AS registered, \
             SUM(CASE WHEN CAST(c.flags AS TEXT) LIKE '%\"repeat\"%' THEN 1 ELSE 0 END) AS repeats \
             FROM cases c WHERE c.received_at >= ",
        );
        registered.push_bind(start).push(" AND c.received_at < ").push_bind(end);
        push_whole_scope(&mut registered, scope);
        push_not_accusing(&mut registered, blind);
        registered.push(" GROUP BY c.unit_id, c.holding_unit_id");
        for row in registered.build().fetch_all(self.reader()).await? {
            let t = pairs.entry(pair_of(&row)?).or_default();
            t.repeats.registered += count(&row, "registered")?;
            t.repeats.repeats += count(&row, "repeats")?;
        }
        Ok(pairs
            .into_iter()
            .map(|((registered_by, held_by), tallies)| UnitsTallies { registered_by, held_by, tallies })
            .collect())
    }

    async fn reply_trail(&self, scope: &[i64], blind: &Blindness, since: DateTime<Utc>) -> StoreResult<Vec<ReplyStep>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT e.case_id, c.unit_id, c.holding_unit_id, e.kind, e.occurred_at FROM case_events e \
             JOIN cases c ON c.id = e.case_id \
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
                    holding_unit_id: r.try_get("holding_unit_id")?,
                    rated: kind == "rated",
                    at: r.try_get("occurred_at")?,
                })
            })
            .collect()
    }

    async fn case_counts(
        &self,
        scope: &[i64],
        blind: &Blindness,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> StoreResult<CaseCounts> {
        let mut counts = CaseCounts::default();
        if scope.is_empty() {
            return Ok(counts);
        }
        let flagged = |flag: Flag| format!("CAST(c.flags AS TEXT) LIKE '%\"{}\"%'", flag.code());
        let (repeat, collective) = (flagged(Flag::Repeat), flagged(Flag::Collective));
        let totals = format!(
            "SELECT COUNT(*) AS cases, CAST(SUM(c.headcount) AS BIGINT) AS people, \
             CAST(SUM(CASE WHEN {repeat} THEN 1 ELSE 0 END) AS BIGINT) AS repeats, \
             CAST(SUM(CASE WHEN {repeat} THEN c.headcount ELSE 0 END) AS BIGINT) AS repeat_people, \
             CAST(SUM(CASE WHEN {collective} THEN 1 ELSE 0 END) AS BIGINT) AS collective, \
             CAST(SUM(CASE WHEN {collective} THEN c.headcount ELSE 0 END) AS BIGINT) AS collective_people"
        );
        let row = Self::cases_received(&totals, scope, blind, start, end).build().fetch_one(self.reader()).await?;
        counts.all = count_of(&row, "cases", "people")?;
        counts.repeats = count_of(&row, "repeats", "repeat_people")?;
        counts.collective = count_of(&row, "collective", "collective_people")?;
        counts.by_class = self.counted_by("c.category_code", scope, blind, start, end).await?;
        counts.by_channel = self.counted_by("c.channel", scope, blind, start, end).await?;
        counts.by_purpose = self.counted_by("c.purpose", scope, blind, start, end).await?;
        counts.by_place = self.counted_by("c.place_unit_id", scope, blind, start, end).await?;
        counts.by_holder = self.counted_by("c.holding_unit_id", scope, blind, start, end).await?;
        counts.by_month = self.counted_by(dialect::CHINA_MONTH_OF_RECEIVED_AT, scope, blind, start, end).await?;
        counts.by_month.sort_by(|a: &(String, Count), b| a.0.cmp(&b.0));
        let skipped = Reached::ALL.map(|r| flagged(r.flag())).join(" OR ");
        let mut b =
            Self::cases_received("SELECT c.place_unit_id, c.flags, c.state, c.headcount", scope, blind, start, end);
        b.push(" AND (").push(skipped).push(") ORDER BY c.id");
        #[derive(serde::Deserialize)]
        struct Accountable {
            #[serde(default)]
            owner_leader: Option<String>,
        }
        for row in b.build().fetch_all(self.reader()).await? {
            let Json(flags): Json<Vec<String>> = row.try_get("flags")?;
            let Json(state): Json<Accountable> = row.try_get("state")?;
            counts.skip_level.push(SkipLevelVisit {
                against: row.try_get("place_unit_id")?,
                flags: flags.iter().filter_map(|f| Flag::parse("flags", f).ok()).collect(),
                leader: state.owner_leader,
                people: u64::try_from(row.try_get::<i64, _>("headcount")?).unwrap_or_default(),
            });
        }
        Ok(counts)
    }

    async fn frequent_petitioners(
        &self,
        scope: &[i64],
        blind: &Blindness,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        min_cases: i64,
    ) -> StoreResult<Vec<PetitionerCases>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        // A petitioner is the resident ID number, else the name with the phone (a name alone, or an
        // anonymous letter, is nobody's: two people may share a name).
        let select = "WITH received AS (SELECT c.id, c.case_number, c.received_at, c.petitioner_name, \
                      c.petitioner_id_number, c.petitioner_phone, COALESCE(NULLIF(c.petitioner_id_number, ''), \
                      NULLIF(c.petitioner_name, '') || '/' || NULLIF(c.petitioner_phone, '')) AS who";
        let mut b = Self::cases_received(select, scope, blind, start, end);
        b.push(
            ") SELECT r.id, r.case_number, r.petitioner_name, r.petitioner_id_number, r.petitioner_phone, r.who \
             FROM received r WHERE r.who IN (SELECT who FROM received WHERE who IS NOT NULL GROUP BY who \
             HAVING COUNT(*) >= ",
        );
        b.push_bind(min_cases).push(") ORDER BY r.who, r.received_at DESC, r.id DESC");
        let mut out: Vec<(String, PetitionerCases)> = Vec::new();
        for row in b.build().fetch_all(self.reader()).await? {
            let who: String = row.try_get("who")?;
            let case = (row.try_get("id")?, row.try_get("case_number")?);
            match out.last_mut() {
                Some((last, p)) if *last == who => p.cases.push(case),
                _ => out.push((
                    who,
                    PetitionerCases {
                        name: row.try_get("petitioner_name")?,
                        id_number: row.try_get("petitioner_id_number")?,
                        phone: row.try_get("petitioner_phone")?,
                        cases: vec![case],
                    },
                )),
            }
        }
        let mut out: Vec<PetitionerCases> = out.into_iter().map(|(_, p)| p).collect();
        out.sort_by(|a, b| b.cases.len().cmp(&a.cases.len()).then_with(|| b.cases[0].0.cmp(&a.cases[0].0)));
        Ok(out)
    }
}
