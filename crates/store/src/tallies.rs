//! Counts over many cases: the public measures (GEN-9) and skip-level petitions (TWN-14).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

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
    /// The replies and ratings of the cases registered or held in `scope` since `since`, case by
    /// case in their order (for 参评率: a reply's rating window lapsed unrated); none of a case that
    /// accuses one of `blind`.
    async fn reply_trail(&self, scope: &[i64], blind: &Blindness, since: DateTime<Utc>) -> StoreResult<Vec<ReplyStep>>;
}

/// A reply or a rating of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyStep {
    pub case_id: i64,
    /// The unit that registered the case (whose rules set the rating window).
    pub unit_id: i64,
    /// A rating; else a reply.
    pub rated: bool,
    pub at: DateTime<Utc>,
}
