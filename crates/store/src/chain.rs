//! 防篡改记录 (issue 23; FED-13, COM-4): the chains as stored, read back for `huiyin audit verify`.
//! The links are written by the stores themselves, in the transaction of the record they cover
//! (`huiyin_core::chain` says what is hashed); this trait only reads them, each with the hash of
//! the record as it reads now.

use async_trait::async_trait;
use chrono::NaiveDate;
use huiyin_core::chain::RecordKind;

use crate::StoreResult;

/// An entry of a day's chain, with the record it covers as it reads now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub day: NaiveDate,
    pub seq: i64,
    pub kind: RecordKind,
    /// The case of an event or view.
    pub case_id: Option<i64>,
    /// An event's seq, a view's or an administration event's id.
    pub item: i64,
    /// The record's hash when it was written.
    pub record_hash: String,
    /// The link: the previous entry's link and this record's hash, hashed.
    pub link: String,
    /// The record's hash as it reads now; `None` when it is no longer there.
    pub current_hash: Option<String>,
}

/// An event of a case's chain, as it reads now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLink {
    pub case_id: i64,
    pub seq: i64,
    pub current_hash: String,
    /// The link written with it.
    pub chain_hash: Option<String>,
}

/// A day's head: how many entries its chain has and its last link (the day's final hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayHead {
    pub day: NaiveDate,
    pub entries: i64,
    pub last_hash: String,
}

/// A record that is on no day's chain (written behind huiyin's back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unchained {
    pub kind: RecordKind,
    pub case_id: Option<i64>,
    pub item: i64,
}

/// Reading the chains back.
#[async_trait]
pub trait ChainStore: Send + Sync {
    /// The entries of every day's chain after `after` (day, seq), in order, at most `limit`.
    async fn ledger_page(&self, after: Option<(NaiveDate, i64)>, limit: i64) -> StoreResult<Vec<LedgerRow>>;
    /// The events of every case after `after` (case, seq), in order, at most `limit`.
    async fn event_links(&self, after: (i64, i64), limit: i64) -> StoreResult<Vec<EventLink>>;
    /// Every day's head, oldest first.
    async fn day_heads(&self) -> StoreResult<Vec<DayHead>>;
    /// Up to `limit` records of each kind that no day's chain covers, and how many records of each
    /// kind there are.
    async fn unchained(&self, limit: i64) -> StoreResult<(Vec<Unchained>, [i64; 3])>;
}
