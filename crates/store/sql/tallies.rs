//! The running tally behind the public measures, and counts over many cases.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use futures_util::TryStreamExt;

use super::filters::{push_accusing, push_counted_in, push_not_accusing, push_whole_scope};
use super::{corrupt, push_ids};
use crate::{Backend, Db};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use huiyin_core::case::Flag;
use huiyin_core::kpi::KpiTallies;
use huiyin_core::measure_facts::{Fact, FactKind, Outcome, month_of};
use huiyin_core::statistics::{Count, Reached};
use huiyin_store::prelude::*;
use huiyin_store::{
    Blindness, CaseCounts, MeasureTallyRow, PetitionerCases, ReplyStep, SkipLevelCount, SkipLevelVisit, StoreResult,
    UnitTallies,
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

/// A fact of a case as kept: the fact and the unit whose step it was.
pub(super) type KeptFact = (Fact, i64);

/// The kept tallies' changes of a transaction: by unit, day, kind and outcome, the facts added
/// (or, negative, taken away); applied once at its end by [`TallyChanges::apply`], to the tally by
/// day and the tally by month.
#[derive(Debug, Default)]
pub(super) struct TallyChanges(BTreeMap<(i64, NaiveDate, FactKind, Outcome), i64>);

impl TallyChanges {
    fn add(&mut self, (fact, unit_id): &KeptFact, n: i64) {
        *self.0.entry((*unit_id, fact.day, fact.kind, fact.outcome)).or_default() += n;
    }

    pub(super) async fn apply(self, conn: &mut <Db as sqlx::Database>::Connection) -> StoreResult<()> {
        let mut months: BTreeMap<(i64, String, FactKind, Outcome), i64> = BTreeMap::new();
        for ((unit_id, day, kind, outcome), n) in self.0 {
            *months.entry((unit_id, month_of(day), kind, outcome)).or_default() += n;
            let by_day = "INSERT INTO measure_tally_days (unit_id, day, kind, outcome, n) VALUES ($1, $2, $3, $4, $5) \
                          ON CONFLICT (unit_id, day, kind, outcome) DO UPDATE SET n = measure_tally_days.n + $5";
            add_to_line(conn, by_day, (unit_id, day, kind, outcome), n).await?;
        }
        for ((unit_id, month, kind, outcome), n) in months {
            let by_month = "INSERT INTO measure_tally (unit_id, month, kind, outcome, n) VALUES ($1, $2, $3, $4, $5) \
                            ON CONFLICT (unit_id, month, kind, outcome) DO UPDATE SET n = measure_tally.n + $5";
            add_to_line(conn, by_month, (unit_id, month, kind, outcome), n).await?;
        }
        Ok(())
    }
}

/// Adds `n` to the line of a tally (`statement`, its upsert) for a unit, a day or month, a kind and
/// an outcome; nothing when `n` is 0.
async fn add_to_line<P>(
    conn: &mut <Db as sqlx::Database>::Connection,
    statement: &'static str,
    (unit_id, period, kind, outcome): (i64, P, FactKind, Outcome),
    n: i64,
) -> StoreResult<()>
where
    P: for<'q> sqlx::Encode<'q, Db> + sqlx::Type<Db> + Send,
{
    if n != 0 {
        sqlx::query(statement)
            .bind(unit_id)
            .bind(period)
            .bind(kind.code())
            .bind(outcome.code())
            .bind(n)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The columns `kind` and `outcome` of a row of facts or of their tally.
fn kind_and_outcome(row: &super::DbRow) -> StoreResult<(FactKind, Outcome)> {
    let kind: String = row.try_get("kind")?;
    let outcome: String = row.try_get("outcome")?;
    Ok((
        FactKind::parse(&kind).ok_or_else(|| corrupt(format!("fact kind {kind}")))?,
        Outcome::parse(&outcome).ok_or_else(|| corrupt(format!("fact outcome {outcome}")))?,
    ))
}

fn fact_from_row(row: &super::DbRow) -> StoreResult<KeptFact> {
    let (kind, outcome) = kind_and_outcome(row)?;
    let fact = Fact { kind, seq: row.try_get("seq")?, day: row.try_get("day")?, outcome };
    Ok((fact, row.try_get("unit_id")?))
}

/// The kept facts of `case_id` of which a case has one at most (its registration, acceptance
/// notice and handling limit).
pub(super) async fn kept_facts(
    conn: &mut <Db as sqlx::Database>::Connection,
    case_id: i64,
) -> StoreResult<Vec<KeptFact>> {
    let rows = sqlx::query(
        "SELECT kind, seq, unit_id, day, outcome FROM measure_facts WHERE case_id = $1 \
         AND kind IN ('registered', 'notice', 'handling')",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(fact_from_row).collect()
}

/// Writes the facts of `case_id` that are now `new` where they were `old`: the rows that differ
/// replaced, and the tally's changes noted in `changes`.
pub(super) async fn replace_facts(
    conn: &mut <Db as sqlx::Database>::Connection,
    case_id: i64,
    old: &[KeptFact],
    new: &[KeptFact],
    changes: &mut TallyChanges,
) -> StoreResult<()> {
    for gone in old.iter().filter(|f| !new.contains(f)) {
        let deleted = sqlx::query(
            "DELETE FROM measure_facts WHERE case_id = $1 AND kind = $2 AND seq = $3 AND unit_id = $4 AND day = $5 \
             AND outcome = $6",
        )
        .bind(case_id)
        .bind(gone.0.kind.code())
        .bind(gone.0.seq)
        .bind(gone.1)
        .bind(gone.0.day)
        .bind(gone.0.outcome.code())
        .execute(&mut *conn)
        .await?;
        // The tally follows the rows: only a fact taken away is taken off.
        if deleted.rows_affected() > 0 {
            changes.add(gone, -1);
        }
    }
    let added: Vec<KeptFact> = new.iter().filter(|f| !old.contains(f)).copied().collect();
    add_facts(conn, case_id, &added, changes).await
}

/// Adds new facts of `case_id`, noting them in `changes`.
pub(super) async fn add_facts(
    conn: &mut <Db as sqlx::Database>::Connection,
    case_id: i64,
    facts: &[KeptFact],
    changes: &mut TallyChanges,
) -> StoreResult<()> {
    for kept @ (fact, unit_id) in facts {
        sqlx::query(
            "INSERT INTO measure_facts (case_id, kind, seq, unit_id, day, outcome) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(case_id)
        .bind(fact.kind.code())
        .bind(fact.seq)
        .bind(*unit_id)
        .bind(fact.day)
        .bind(fact.outcome.code())
        .execute(&mut *conn)
        .await?;
        changes.add(kept, 1);
    }
    Ok(())
}

/// A China-day range split for reading: the whole months in it (from the tally by month) and the
/// days at its ends outside them (from the tally by day).
struct SplitDays {
    months: Option<(String, String)>,
    edges: Vec<(NaiveDate, NaiveDate)>,
}

fn split_days(from: NaiveDate, to: NaiveDate) -> SplitDays {
    let mut split = SplitDays { months: None, edges: Vec::new() };
    if from > to {
        return split;
    }
    let month_of = |d: NaiveDate| format!("{:04}-{:02}", d.year(), d.month());
    // The first day of the first whole month, and the last day of the last.
    let first = if from.day() == 1 {
        Some(from)
    } else {
        from.with_day(1).and_then(|d| d.checked_add_months(chrono::Months::new(1)))
    };
    let after = to + Duration::days(1);
    let last = if after.day() == 1 { Some(to) } else { to.with_day(1).map(|d| d - Duration::days(1)) };
    match (first, last) {
        (Some(first), Some(last)) if first <= last => {
            split.months = Some((month_of(first), month_of(last)));
            if from < first {
                split.edges.push((from, first - Duration::days(1)));
            }
            if last < to {
                split.edges.push((last + Duration::days(1), to));
            }
        }
        _ => split.edges.push((from, to)),
    }
    split
}

/// Counts by key, the most cases first (a tie by key).
fn most_first<K: Ord>(counts: HashMap<K, Count>) -> Vec<(K, Count)> {
    let mut counts: Vec<(K, Count)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cases.cmp(&a.1.cases).then_with(|| a.0.cmp(&b.0)));
    counts
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

    async fn kpi_tallies_by_unit(
        &self,
        scope: &[i64],
        blind: &Blindness,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<Vec<UnitTallies>> {
        let mut units: BTreeMap<i64, KpiTallies> = BTreeMap::new();
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        // Every fact counts on its day in the period, but an open deadline only once its due day
        // has passed (docs/MEASURES.md).
        let open_to = to.min(today - Duration::days(1));
        let mut count = |row: &super::DbRow, sign: i64| -> StoreResult<()> {
            let (kind, outcome) = kind_and_outcome(row)?;
            let n: i64 = row.try_get::<Option<i64>, _>("n")?.unwrap_or_default();
            units.entry(row.try_get("unit_id")?).or_default().count(kind, outcome, sign * n);
            Ok(())
        };
        // Each query answers by unit, kind and outcome, with the sign its counts are added with.
        let mut queries: Vec<(sqlx::QueryBuilder<Db>, i64)> = Vec::new();
        let by_unit = |b: &mut sqlx::QueryBuilder<Db>, unit: &str| {
            b.push(" AND ").push(unit).push(" IN ");
            push_ids(b, scope);
            b.push(" GROUP BY ").push(unit).push(", kind, outcome");
        };
        for (open, first, last) in [(false, from, to), (true, from, open_to)] {
            let split = split_days(first, last);
            let outcome = if open { " AND outcome = 'open'" } else { " AND outcome <> 'open'" };
            // The whole months from the kept tally.
            if let Some((first_month, last_month)) = split.months {
                let mut b = sqlx::QueryBuilder::<Db>::new(
                    "SELECT unit_id, kind, outcome, CAST(SUM(n) AS BIGINT) AS n FROM measure_tally WHERE month >= ",
                );
                b.push_bind(first_month).push(" AND month <= ").push_bind(last_month).push(outcome);
                by_unit(&mut b, "unit_id");
                queries.push((b, 1));
            }
            // The days at the ends from the tally by day.
            for (a, z) in split.edges {
                let mut b = sqlx::QueryBuilder::<Db>::new(
                    "SELECT unit_id, kind, outcome, CAST(SUM(n) AS BIGINT) AS n FROM measure_tally_days WHERE day >= ",
                );
                b.push_bind(a).push(" AND day <= ").push_bind(z).push(outcome);
                by_unit(&mut b, "unit_id");
                queries.push((b, 1));
            }
        }
        // Less the facts of the cases the reader is blind to (GEN-7), found from whom they accuse
        // (the cases first: `CROSS JOIN` keeps SQLite from reading every fact of the period).
        if !blind.is_empty() {
            let mut b = sqlx::QueryBuilder::<Db>::new(
                "SELECT f.unit_id, f.kind, f.outcome, COUNT(*) AS n FROM cases c CROSS JOIN measure_facts f \
                 WHERE f.case_id = c.id",
            );
            push_accusing(&mut b, blind);
            push_counted_in(&mut b, from, to, today);
            by_unit(&mut b, "f.unit_id");
            queries.push((b, -1));
        }
        for (mut b, sign) in queries {
            for row in b.build().fetch_all(self.reader()).await? {
                count(&row, sign)?;
            }
        }
        Ok(units.into_iter().map(|(unit_id, tallies)| UnitTallies { unit_id, tallies }).collect())
    }

    async fn reply_trail(&self, scope: &[i64], blind: &Blindness, since: NaiveDate) -> StoreResult<Vec<ReplyStep>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT f.case_id, c.unit_id, f.unit_id AS step_by, f.kind, f.day FROM measure_facts f \
             JOIN cases c ON c.id = f.case_id WHERE f.kind IN ('replied', 'rated_unit') AND f.day >= ",
        );
        b.push_bind(since);
        b.push(" AND f.case_id IN (SELECT r.case_id FROM measure_facts r WHERE r.kind = 'replied' AND r.day >= ");
        b.push_bind(since).push(" AND r.unit_id IN ");
        push_ids(&mut b, scope);
        b.push(")");
        push_not_accusing(&mut b, blind);
        b.push(" ORDER BY f.case_id, f.seq");
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(ReplyStep {
                    case_id: r.try_get("case_id")?,
                    unit_id: r.try_get("unit_id")?,
                    step_by: r.try_get("step_by")?,
                    rated: kind == FactKind::RatedUnit.code(),
                    day: r.try_get("day")?,
                })
            })
            .collect()
    }

    async fn measure_facts(&self) -> StoreResult<Vec<(i64, Fact, i64)>> {
        let rows = sqlx::query("SELECT case_id, kind, seq, unit_id, day, outcome FROM measure_facts")
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                let (fact, unit_id) = fact_from_row(r)?;
                Ok((r.try_get("case_id")?, fact, unit_id))
            })
            .collect()
    }

    async fn measure_tally(&self, by_day: bool) -> StoreResult<Vec<MeasureTallyRow>> {
        let rows = if by_day {
            sqlx::query("SELECT unit_id, day, kind, outcome, n FROM measure_tally_days WHERE n <> 0")
        } else {
            sqlx::query("SELECT unit_id, month, kind, outcome, n FROM measure_tally WHERE n <> 0")
        }
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let (kind, outcome) = kind_and_outcome(r)?;
                let period = if by_day { r.try_get::<NaiveDate, _>("day")?.to_string() } else { r.try_get("month")? };
                Ok(MeasureTallyRow { unit_id: r.try_get("unit_id")?, period, kind, outcome, n: r.try_get("n")? })
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
        // One reading of the period's cases, counted by every dimension at once; the state (for
        // the accountable leader) read only of the skip-level visits.
        let skipped =
            Reached::ALL.map(|r| format!("CAST(c.flags AS TEXT) LIKE '%\"{}\"%'", r.flag().code())).join(" OR ");
        let select = format!(
            "SELECT c.id, c.category_code, c.channel, c.purpose, c.place_unit_id, c.holding_unit_id, c.received_at, \
             c.headcount, c.flags, CASE WHEN {skipped} THEN c.state END AS state"
        );
        #[derive(serde::Deserialize)]
        struct Accountable {
            #[serde(default)]
            owner_leader: Option<String>,
        }
        let (mut by_class, mut by_channel, mut by_purpose) = (HashMap::new(), HashMap::new(), HashMap::new());
        let (mut by_place, mut by_holder, mut by_month) = (HashMap::new(), HashMap::new(), HashMap::new());
        let mut skip_level: Vec<(i64, SkipLevelVisit)> = Vec::new();
        let mut b = Self::cases_received(&select, scope, blind, start, end);
        let mut rows = b.build().fetch(self.reader());
        while let Some(row) = rows.try_next().await? {
            let people = u64::try_from(row.try_get::<i64, _>("headcount")?).unwrap_or_default();
            let one = Count { cases: 1, people };
            let Json(codes): Json<Vec<String>> = row.try_get("flags")?;
            let flags: BTreeSet<Flag> = codes.iter().filter_map(|f| Flag::parse("flags", f).ok()).collect();
            counts.all.add(one);
            if flags.contains(&Flag::Repeat) {
                counts.repeats.add(one);
            }
            if flags.contains(&Flag::Collective) {
                counts.collective.add(one);
            }
            let place: Option<i64> = row.try_get("place_unit_id")?;
            let received: DateTime<Utc> = row.try_get("received_at")?;
            let month = received.with_timezone(&huiyin_core::case::CHINA_OFFSET).format("%Y-%m").to_string();
            by_class.entry(row.try_get::<String, _>("category_code")?).or_insert_with(Count::default).add(one);
            by_channel.entry(row.try_get::<String, _>("channel")?).or_insert_with(Count::default).add(one);
            by_purpose.entry(row.try_get::<String, _>("purpose")?).or_insert_with(Count::default).add(one);
            by_place.entry(place).or_insert_with(Count::default).add(one);
            by_holder.entry(row.try_get::<i64, _>("holding_unit_id")?).or_insert_with(Count::default).add(one);
            by_month.entry(month).or_insert_with(Count::default).add(one);
            if let Some(Json(state)) = row.try_get::<Option<Json<Accountable>>, _>("state")? {
                let visit = SkipLevelVisit { against: place, flags, leader: state.owner_leader, people };
                skip_level.push((row.try_get("id")?, visit));
            }
        }
        counts.by_class = most_first(by_class);
        counts.by_channel = most_first(by_channel);
        counts.by_purpose = most_first(by_purpose);
        counts.by_place = most_first(by_place);
        counts.by_holder = most_first(by_holder);
        counts.by_month = most_first(by_month);
        counts.by_month.sort_by(|a, b| a.0.cmp(&b.0));
        skip_level.sort_by_key(|(id, _)| *id);
        counts.skip_level = skip_level.into_iter().map(|(_, visit)| visit).collect();
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
