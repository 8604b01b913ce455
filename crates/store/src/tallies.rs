//! Counts over many cases: the measures (GEN-9), the statistics of a period (issue 21) and
//! skip-level petitions (TWN-14).

use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::case::Flag;
use huiyin_core::statistics::Count;

use crate::{Blindness, StoreResult};

/// A count of 越级访 against one unit (TWN-14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipLevelCount {
    pub unit_code: String,
    pub unit_name: String,
    pub cases: i64,
}

/// Counts over many cases.
#[async_trait]
pub trait TallyStore: Send + Sync {
    /// Cases flagged 越级 in `scope`, counted by the unit responsible for the problem's place (TWN-14);
    /// cases that accuse one of `blind` are not counted (GEN-7).
    async fn skip_level_counts(&self, scope: &[i64], blind: &Blindness) -> StoreResult<Vec<SkipLevelCount>>;
    /// The counts behind the measures (GEN-9, docs/MEASURES.md) of the units `scope`, over the
    /// China days `from` to `to`, as of `today`, read from the kept facts and their tally: each
    /// unit's registrations in the period (and its repeats), the acceptance notices and handling
    /// limits settled in the period by the steps it took (met on a day of it, or unmet and due on a
    /// day of it before `today`) with those met by their due day, the ratings of it as the office
    /// and as the handling unit given in the period. The participation's lapsed windows are the
    /// application's to count (they need the calendar): `participation.lapsed` is 0. Facts of cases
    /// that accuse one of `blind` are not counted (GEN-7: not even as a number). Units with
    /// nothing counted are left out.
    async fn kpi_tallies_by_unit(
        &self,
        scope: &[i64],
        blind: &Blindness,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<Vec<UnitTallies>>;
    /// The counts of [`TallyStore::kpi_tallies_by_unit`], summed over `scope`.
    async fn kpi_tallies(
        &self,
        scope: &[i64],
        blind: &Blindness,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<huiyin_core::kpi::KpiTallies> {
        let mut sum = huiyin_core::kpi::KpiTallies::default();
        for unit in self.kpi_tallies_by_unit(scope, blind, from, to, today).await? {
            sum.add(&unit.tallies);
        }
        Ok(sum)
    }
    /// The replies and ratings since the China day `since` of the cases with a reply by one of
    /// `scope` since then, case by case in their order (for 参评率: a reply's rating window lapsed
    /// unrated); none of a case that accuses one of `blind`.
    async fn reply_trail(&self, scope: &[i64], blind: &Blindness, since: NaiveDate) -> StoreResult<Vec<ReplyStep>>;
    /// Every kept fact of the measures (for checking the kept tally against them), in no order:
    /// the case, the fact and the unit whose step it was.
    async fn measure_facts(&self) -> StoreResult<Vec<(i64, huiyin_core::measure_facts::Fact, i64)>>;
    /// A kept tally: by unit, month (`2026-11`) or with `by_day` day (`2026-11-05`), kind and
    /// outcome, the facts counted (rows of 0 left out).
    async fn measure_tally(&self, by_day: bool) -> StoreResult<Vec<MeasureTallyRow>>;
    /// The statistics of the cases registered or held in `scope` and received from `start` to
    /// before `end` (issue 21); none that accuses one of `blind` (GEN-7).
    async fn case_counts(
        &self,
        scope: &[i64],
        blind: &Blindness,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> StoreResult<CaseCounts>;
    /// The petitioners with `min_cases` or more cases registered or held in `scope` and received
    /// from `start` to before `end` (TWN-13: 多次信访), a petitioner known by the resident ID
    /// number, else by name and phone; none of a case that accuses one of `blind` (GEN-7). The
    /// most cases first.
    async fn frequent_petitioners(
        &self,
        scope: &[i64],
        blind: &Blindness,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        min_cases: i64,
    ) -> StoreResult<Vec<PetitionerCases>>;
}

/// A petitioner's cases (TWN-13): as the latest of them names the petitioner, and each case's id
/// and number, the latest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PetitionerCases {
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub cases: Vec<(i64, String)>,
}

/// The cases received in a period, counted (issue 21). Keys are the stored codes and ids; the
/// application names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseCounts {
    pub all: Count,
    /// Flagged 重复信访; the others are first petitions (初信初访).
    pub repeats: Count,
    /// Flagged 集体访.
    pub collective: Count,
    /// By the full code of the content class.
    pub by_class: Vec<(String, Count)>,
    pub by_channel: Vec<(String, Count)>,
    pub by_purpose: Vec<(String, Count)>,
    /// By the unit of the problem's place (问题属地); none where no unit was recorded.
    pub by_place: Vec<(Option<i64>, Count)>,
    /// By the unit holding the case now.
    pub by_holder: Vec<(i64, Count)>,
    /// By the month received, China time (`2026-11`), in order.
    pub by_month: Vec<(String, Count)>,
    /// Each visit flagged 越级 (at any level), with what it counts against (TWN-14).
    pub skip_level: Vec<SkipLevelVisit>,
}

/// A skip-level visit: the unit of the problem's place it counts against, its flags (the level it
/// reached) and the leader accountable for the case (包案领导), by login name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipLevelVisit {
    pub against: Option<i64>,
    pub flags: BTreeSet<Flag>,
    pub leader: Option<String>,
    pub people: u64,
}

/// The measures' counts of the steps of one unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitTallies {
    pub unit_id: i64,
    pub tallies: huiyin_core::kpi::KpiTallies,
}

/// A line of the kept tally of the measures' facts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MeasureTallyRow {
    pub unit_id: i64,
    /// The month (`2026-11`) or the day (`2026-11-05`).
    pub period: String,
    pub kind: huiyin_core::measure_facts::FactKind,
    pub outcome: huiyin_core::measure_facts::Outcome,
    pub n: i64,
}

/// A reply or a rating of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyStep {
    pub case_id: i64,
    /// The unit that registered the case (whose rules set the rating window).
    pub unit_id: i64,
    /// The unit whose step it was: that replied, or that was rated.
    pub step_by: i64,
    /// A rating; else a reply.
    pub rated: bool,
    /// The China day of the step.
    pub day: NaiveDate,
}
