//! What intake and search read besides the case list: the search index (words and statement
//! bands), earlier cases by the petitioner's keys, and the added dictionary words.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::case::Registration;
use huiyin_core::event::{Event, Status};

use crate::StoreResult;

/// What the search index holds for a case: its words, for full-text search, and the LSH bands of its
/// statement, for finding near-duplicates. Both are made outside the store (huiyin-search).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    /// The case's words in order, repeated as they occur; letters and digits only.
    pub tokens: Vec<String>,
    /// The statement's LSH bands.
    pub bands: Vec<i64>,
}

/// A full-text query: its words (segmented by the caller) and the phrase as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSearch {
    /// Letters and digits only, lower-case; every one must occur.
    pub terms: Vec<String>,
    /// The query as typed: a case holding it word for word ranks first.
    pub phrase: String,
}

/// A key looked up exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExactKey {
    CaseNumber(String),
    IdNumber(String),
    Phone(String),
}

/// The keys by which a petitioner is recognised (same ID number, or same phone, or same name and
/// address); any one of them matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonKeys {
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub name_address: Option<(String, String)>,
}

impl PersonKeys {
    pub fn is_empty(&self) -> bool {
        self.id_number.is_none() && self.phone.is_none() && self.name_address.is_none()
    }
}

/// An earlier case found at intake: by the petitioner's keys or by a similar statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMatch {
    pub id: i64,
    pub case_number: String,
    pub status: Status,
    pub received_at: DateTime<Utc>,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub petitioner_name: Option<String>,
    pub petitioner_id_number: Option<String>,
    pub petitioner_phone: Option<String>,
    pub petitioner_address: Option<String>,
    pub content: String,
    /// The unit the case accuses, if one of ours (GEN-7).
    pub accused_unit_id: Option<i64>,
    /// The staff member the case accuses, if one of ours (GEN-7).
    pub accused_user_id: Option<i64>,
    /// The petitioner's time to ask for review or re-review ran out before the given day (GEN-5).
    pub request_lapsed: bool,
}

/// The search index and intake lookups.
#[async_trait]
pub trait SearchStore: Send + Sync {
    /// The cases registered at `unit_id` and received in `[from, to)` whose status is one of
    /// `statuses`, in case-number order (an archive volume's cases, FED-13).
    async fn case_ids_received(
        &self,
        unit_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        statuses: &[Status],
    ) -> StoreResult<Vec<i64>>;
    /// Cases in `scope` of the petitioner with any of `keys`, newest first; `request_lapsed` is judged
    /// on `today`.
    async fn petitioner_cases(
        &self,
        keys: &PersonKeys,
        scope: &[i64],
        today: NaiveDate,
        limit: i64,
    ) -> StoreResult<Vec<CaseMatch>>;
    /// Cases in `scope` received from `since` to `until` that share an LSH band with `bands`, most
    /// shared bands first: of the `4 × limit` cases sharing most bands, those in scope.
    #[allow(clippy::too_many_arguments)]
    async fn cases_sharing_bands(
        &self,
        bands: &[i64],
        scope: &[i64],
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        today: NaiveDate,
        limit: i64,
    ) -> StoreResult<Vec<CaseMatch>>;
    /// The cases after `after_id` in id order, with their logs, for rebuilding the search index.
    async fn cases_for_index(&self, after_id: i64, limit: i64) -> StoreResult<Vec<(i64, Registration, Vec<Event>)>>;
    /// Writes the search entries of these cases, in one transaction: the words of every one; the
    /// bands of those without an entry only, since bands come from the statement alone, which never
    /// changes (rewriting a million of them was most of a rebuild's work).
    async fn put_search_docs(&self, docs: &[(i64, SearchDoc)]) -> StoreResult<()>;
    /// How many cases have a search entry, and how many cases there are.
    async fn search_coverage(&self) -> StoreResult<(i64, i64)>;
    /// The words administrators added to the dictionary.
    async fn search_words(&self) -> StoreResult<Vec<String>>;
    /// Adds words to the dictionary; returns how many were new.
    async fn add_search_words(&self, words: &[String], by: Option<i64>, at: DateTime<Utc>) -> StoreResult<usize>;
    /// Removes a word from the dictionary; false when it was not there.
    async fn remove_search_word(&self, word: &str) -> StoreResult<bool>;
}
