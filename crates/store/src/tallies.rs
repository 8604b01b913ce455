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
    /// The counts behind the measures (GEN-9, docs/MEASURES.md) of the cases registered or held in
    /// `scope`, over the China days `from` to `to`: acceptance notices and handling opinions settled
    /// in the period (met on a day of it, or unmet and due on a day of it before `today`) with those
    /// met by their due day; the ratings of the office and of the handling unit given in it; the
    /// cases registered in it and those of them flagged as repeats. The participation's lapsed
    /// windows are the application's to count (they need the calendar): `participation.lapsed` is 0.
    /// Cases that accuse one of `blind` are not counted (GEN-7: not even as a number).
    async fn kpi_tallies(
        &self,
        scope: &[i64],
        blind: &Blindness,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<huiyin_core::kpi::KpiTallies>;
    /// The same counts as [`TallyStore::kpi_tallies`], apart for each pair of the unit that
    /// registered the cases and the unit holding them now (the roll-up sums them for each unit's
    /// subtree in one reading).
    async fn kpi_tallies_by_units(
        &self,
        scope: &[i64],
        blind: &Blindness,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<Vec<UnitsTallies>>;
    /// The replies and ratings of the cases registered or held in `scope` since `since`, case by
    /// case in their order (for 参评率: a reply's rating window lapsed unrated); none of a case that
    /// accuses one of `blind`.
    async fn reply_trail(&self, scope: &[i64], blind: &Blindness, since: DateTime<Utc>) -> StoreResult<Vec<ReplyStep>>;
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

/// The measures' counts of the cases registered by one unit and held by another (or the same).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitsTallies {
    pub registered_by: i64,
    pub held_by: i64,
    pub tallies: huiyin_core::kpi::KpiTallies,
}

/// A reply or a rating of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyStep {
    pub case_id: i64,
    /// The unit that registered the case (whose rules set the rating window).
    pub unit_id: i64,
    /// The unit holding the case now.
    pub holding_unit_id: i64,
    /// A rating; else a reply.
    pub rated: bool,
    pub at: DateTime<Utc>,
}
