//! huiyin-store: the one storage API that every shell uses, and the records it returns.
//!
//! The [`Store`] trait is implemented by `huiyin-store-sqlite` and `huiyin-store-postgres`, which
//! own their schemas and migrations. The SQL that is the same on both lives once, in
//! `shared_sql.rs`, and is compiled into each backend with its own database type.
//! This crate holds no business rule: those live in `huiyin-core`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::case::{Channel, Registration};
use huiyin_core::category::Category;
use huiyin_core::event::{CaseState, Event, EventData, Status};
use huiyin_core::limits::{Deadline, LimitRules};
use huiyin_core::unit::{UnitCode, UnitKind};
use huiyin_core::user::Role;
use serde::Serialize;

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A value that must be unique already exists; the field names it (`code`, `username`).
    #[error("{0} already exists")]
    Duplicate(&'static str),
    /// A referenced row does not exist; the field names the reference (`unit`, `parent`).
    #[error("unknown {0}")]
    UnknownReference(&'static str),
    /// Someone else changed the case first; reload and try again.
    #[error("the case was changed by someone else")]
    Conflict,
    /// Stored data that does not decode (a bug or a hand-edited database).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A unit of the tree (TWN-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewUnit {
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    pub parent: Option<UnitCode>,
}

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: i64,
    pub unit_code: String,
    pub role: Role,
    /// PHC-format hash; `None` until a password is set (API-only accounts).
    pub password_hash: Option<String>,
    pub active: bool,
    /// May record actions that happened earlier (补录, with an `at`).
    pub may_backdate: bool,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub unit: UnitCode,
    pub role: Role,
    pub password_hash: Option<String>,
    pub may_backdate: bool,
}

/// A registration ready to be written: checked by the core, with the query code already hashed.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub registration: Registration,
    /// Its deadlines, counted by the core under the unit's rules.
    pub deadlines: Vec<Deadline>,
    pub query_code_hash: String,
    /// The registering user: first receiver and first owner (FED-1).
    pub actor_id: i64,
    pub recorded_at: DateTime<Utc>,
    pub note: Option<String>,
    /// Its search index entry, made by the caller (huiyin-search).
    pub search: SearchDoc,
}

/// What the search index holds for a case: its words, for full-text search, and the LSH bands of its
/// statement, for finding near-duplicates. Both are made outside the store (huiyin-search).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    /// The case's words in order, repeated as they occur; letters and digits only.
    pub tokens: Vec<String>,
    /// The statement's LSH bands.
    pub bands: Vec<i64>,
}

/// A new event for an existing case, with the state it leads to.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub actor_id: i64,
    pub note: Option<String>,
    pub data: EventData,
    /// The state after this event, derived by the caller with the core.
    pub state: CaseState,
    /// All the case's deadlines after this event.
    pub deadlines: Vec<Deadline>,
    /// A new query-code hash, when the event replaces the code.
    pub new_query_code_hash: Option<String>,
    /// Bytes the event refers to by hash (an attachment), written with it.
    pub blobs: Vec<Blob>,
    /// The case's words after this event, when the event added text to search.
    pub search_tokens: Option<Vec<String>>,
}

/// Content-addressed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub sha256: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// A whole case: its log and what follows from it.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub id: i64,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub holding_unit_id: i64,
    /// The unit the case accuses, if one of ours (GEN-7).
    pub accused_unit_id: Option<i64>,
    /// The staff member the case accuses, if one of ours (GEN-7).
    pub accused_user_id: Option<i64>,
    /// Optimistic-concurrency version: the number of events.
    pub version: i64,
    pub registration: Registration,
    pub state: CaseState,
    pub events: Vec<Event>,
    pub deadlines: Vec<Deadline>,
    pub query_code_hash: String,
}

/// An open deadline that is due by a given day, with who answers for it (督办).
#[derive(Debug, Clone)]
pub struct DueDeadline {
    pub case_id: i64,
    pub case_number: String,
    /// The unit that holds the case.
    pub unit_id: i64,
    pub owner_id: i64,
    /// The unit the case accuses, if any (GEN-7: its staff hear nothing of it).
    pub accused_unit_id: Option<i64>,
    /// The staff member the case accuses, if one of ours (GEN-7).
    pub accused_user_id: Option<i64>,
    pub deadline: Deadline,
}

/// An overdue supervision item that may be escalated to the level above its holding unit.
#[derive(Debug, Clone)]
pub struct ItemToEscalate {
    pub holding_unit_id: i64,
    /// The unit above the holding unit.
    pub parent_id: i64,
    /// The unit the case accuses, if any: escalation skips over it (GEN-7).
    pub accused_unit_id: Option<i64>,
    /// The staff member the case accuses, if one of ours (GEN-7).
    pub accused_user_id: Option<i64>,
    pub item: SupervisionItem,
}

/// A message for one staff member: shown in the app, and queued for SMS or e-mail.
#[derive(Debug, Clone)]
pub struct Notice {
    pub user_id: i64,
    pub case_id: Option<i64>,
    /// `overdue`, `due_soon`, `escalated`, …
    pub kind: String,
    pub message: String,
}

/// A supervision item (督办单) as dashboards list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionItem {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub kind: String,
    pub due: NaiveDate,
    pub unit_code: String,
    pub owner: String,
    pub opened_at: DateTime<Utc>,
    pub escalated_to: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub case_id: Option<i64>,
    pub kind: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A message waiting for delivery by SMS or e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub channel: String,
    pub user_id: i64,
    pub body: String,
}

/// One row of a case list: what a list shows, nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub id: i64,
    pub case_number: String,
    pub status: Status,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    pub unit_code: String,
    pub unit_name: String,
    pub petitioner_name: Option<String>,
    pub petitioner_phone: Option<String>,
    pub petitioner_id_number: Option<String>,
    pub category_path: String,
    pub headcount: i64,
    pub flags: Vec<String>,
    pub content: String,
    /// The earliest open due date.
    pub next_due: Option<NaiveDate>,
    /// Whether an open due date relied on a year whose holiday schedule is not loaded (GEN-8).
    pub due_provisional: bool,
    /// The unit the case accuses, if one of ours (GEN-7).
    pub accused_unit_id: Option<i64>,
    /// The staff member the case accuses, if one of ours (GEN-7).
    pub accused_user_id: Option<i64>,
}

/// How to order a case list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseSort {
    #[default]
    ReceivedDesc,
    ReceivedAsc,
    NumberAsc,
    NumberDesc,
    /// Earliest open due date first; cases with none last.
    DueAsc,
    /// Best match first: the typed phrase word for word, then by rank (full-text search only).
    Relevance,
}

impl CaseSort {
    pub const ALL: [CaseSort; 6] = [
        CaseSort::ReceivedDesc,
        CaseSort::ReceivedAsc,
        CaseSort::NumberAsc,
        CaseSort::NumberDesc,
        CaseSort::DueAsc,
        CaseSort::Relevance,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseSort::ReceivedDesc => "-received_at",
            CaseSort::ReceivedAsc => "received_at",
            CaseSort::NumberAsc => "case_number",
            CaseSort::NumberDesc => "-case_number",
            CaseSort::DueAsc => "due",
            CaseSort::Relevance => "relevance",
        }
    }

    pub fn parse(raw: &str) -> Option<CaseSort> {
        CaseSort::ALL.into_iter().find(|s| s.code() == raw.trim())
    }
}

/// How a relevance sort bounds its work at any size of archive (issue 5): it ranks the newest
/// [`RANKED_MATCHES`](ranking::RANKED_MATCHES) matches, found in rings of the newest cases.
pub mod ranking {
    /// How many of the newest matches a relevance sort ranks. A word that thousands of statements
    /// hold would otherwise have every one of them scored on each query; beyond these, older
    /// matches follow newest first.
    pub const RANKED_MATCHES: i64 = 2_000;

    /// The smallest blocks of case ids of which rings are made.
    pub const RING_BLOCK: i64 = 4_096;

    /// The blocks of each size are this many of the size below: 4,096, 65,536 and 1,048,576 ids.
    /// PostgreSQL keeps each case's block of every size in its search entry (migration 0014).
    pub const BLOCKS_PER_LEVEL: i64 = 16;

    /// The sizes of blocks: 0, 1 and 2.
    pub const BLOCK_LEVELS: u32 = 3;

    /// The ids a block of this level holds.
    pub fn block_size(level: u32) -> i64 {
        RING_BLOCK * BLOCKS_PER_LEVEL.pow(level)
    }

    /// The case ids `from..end`, both multiples of [`RING_BLOCK`]: a ring of the newest cases
    /// that a search for the newest matches reads after the newer rings.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct IdRange {
        pub from: i64,
        pub end: i64,
    }

    impl IdRange {
        /// The fewest whole blocks that make up the range, as (level, number), largest first
        /// where they fit: a GIN index takes longer the more blocks a query names.
        pub fn blocks(&self) -> Vec<(u32, i64)> {
            let mut out = Vec::new();
            let mut at = self.from;
            while at < self.end {
                let level = (0..BLOCK_LEVELS)
                    .rev()
                    .find(|&l| at % block_size(l) == 0 && at + block_size(l) <= self.end)
                    .unwrap_or(0);
                out.push((level, at / block_size(level)));
                at += block_size(level);
            }
            out
        }
    }

    /// Where a ring ending at `end` that should reach down to `target` starts: `target` rounded
    /// down to the largest block size of which the ring holds at least four, so that few blocks
    /// name it.
    pub fn ring_start(target: i64, end: i64) -> i64 {
        let target = target.max(0);
        let level = (0..BLOCK_LEVELS).rev().find(|&l| end - target >= 4 * block_size(l)).unwrap_or(0);
        target / block_size(level) * block_size(level)
    }

    /// The first id of the block of `id`.
    pub fn block_start(id: i64) -> i64 {
        id.max(0) / RING_BLOCK * RING_BLOCK
    }

    /// The next span of newest cases to look in for the matches to rank, after the newest `span`
    /// cases held `found` of them, `found_last` of those in the `last` ids of the last ring read:
    /// wide enough for half as many again as are still wanted at the last ring's density (a burst of
    /// new cases says little of the older ones), at least twice and at most 64 times as wide.
    pub fn widened(span: i64, found: i64, last: i64, found_last: i64) -> i64 {
        let wanted = (RANKED_MATCHES - found).max(0) * 3 / 2;
        let more = wanted.saturating_mul(last).checked_div(found_last).unwrap_or(i64::MAX);
        span.saturating_add(more).clamp(span.saturating_mul(2), span.saturating_mul(64))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn fed_9_windows_widen_with_the_density_of_matches() {
            // 54 matches in the first 2,000 cases: 2,919 more wanted, 54 times wider and a little.
            assert_eq!(widened(2_000, 54, 2_000, 54), 110_111);
            // Nearly enough: still twice as wide.
            assert_eq!(widened(2_000, 1_999, 2_000, 1_999), 4_000);
            // None or very few: 64 times, not without bound.
            assert_eq!(widened(2_000, 0, 2_000, 0), 128_000);
            assert_eq!(widened(2_000, 1, 2_000, 1), 128_000);
            assert_eq!(widened(i64::MAX / 2, 10, 1_000, 10), i64::MAX / 2 * 2);
            assert_eq!(widened(i64::MAX / 2, 10, i64::MAX, 1), i64::MAX);
            // 800 matches in the newest 8,000 cases, then 20 in the next 16,000: the next ring is
            // sized by the sparse one, 1,770 wanted at 1 in 800.
            assert_eq!(widened(24_000, 820, 16_000, 20), 1_440_000);
            assert_eq!(widened(200_000, 820, 176_000, 20), 12_800_000);
        }

        #[test]
        fn fed_9_rings_are_named_with_the_fewest_blocks() {
            let ring = |from, end| IdRange { from, end }.blocks();
            assert_eq!(ring(995_328, 1_003_520), [(0, 243), (0, 244)]);
            // 851,968 to 1,048,576: three blocks of 65,536, not 48 of 4,096.
            assert_eq!(ring(851_968, 1_048_576), [(1, 13), (1, 14), (1, 15)]);
            assert_eq!(ring(847_872, 1_052_672), [(0, 207), (1, 13), (1, 14), (1, 15), (0, 256)]);
            assert_eq!(ring(0, 2_162_688), [(2, 0), (2, 1), (1, 32)]);
            assert_eq!(ring(4_096, 4_096), []);
            assert_eq!((block_start(7_100), block_start(4_096), block_start(-5)), (4_096, 4_096, 0));
            // Rings start at the largest blocks of which they hold four.
            assert_eq!(ring_start(890_000, 1_003_520), 888_832);
            assert_eq!(ring_start(600_000, 970_752), 589_824);
            assert_eq!(ring_start(-3, 8_192), 0);
        }
    }
}

/// Which of the reader's units a full-text search names (issue 5): a reader's scope is their unit's
/// subtree, and PostgreSQL keeps in each search entry the units above the case's units, so that a
/// subtree's cases are found by its top unit alone.
pub mod reach {
    use std::collections::HashSet;

    /// How a scope limits a search.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Reach {
        /// The scope is every unit: no limit at all.
        Everywhere,
        /// The scope is these units' whole subtrees.
        Subtrees(Vec<i64>),
        /// The scope is some other set of units, to be listed.
        Units,
    }

    /// What `scope` is, given each unit of the tree with its parent.
    pub fn of_scope(scope: &[i64], tree: &[(i64, Option<i64>)]) -> Reach {
        let scope: HashSet<i64> = scope.iter().copied().collect();
        let units: HashSet<i64> = tree.iter().map(|(id, _)| *id).collect();
        if scope.is_empty() || !scope.is_subset(&units) {
            return Reach::Units;
        }
        if scope.len() == units.len() {
            return Reach::Everywhere;
        }
        let parent_in_scope = |parent: &Option<i64>| parent.is_some_and(|p| scope.contains(&p));
        // Whole subtrees: every child of a unit in the scope is in it too.
        if tree.iter().any(|(id, parent)| parent_in_scope(parent) && !scope.contains(id)) {
            return Reach::Units;
        }
        let mut tops: Vec<i64> = tree
            .iter()
            .filter(|(id, parent)| scope.contains(id) && !parent_in_scope(parent))
            .map(|(id, _)| *id)
            .collect();
        tops.sort_unstable();
        Reach::Subtrees(tops)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// A county (1) with a town (2) and its community (3), and a school (4).
        const TREE: [(i64, Option<i64>); 4] = [(1, None), (2, Some(1)), (3, Some(2)), (4, Some(1))];

        #[test]
        fn fed_9_a_subtree_is_named_by_its_top_unit() {
            assert_eq!(of_scope(&[2, 3], &TREE), Reach::Subtrees(vec![2]));
            assert_eq!(of_scope(&[3], &TREE), Reach::Subtrees(vec![3]));
            assert_eq!(of_scope(&[4, 3, 2], &TREE), Reach::Subtrees(vec![2, 4]));
            assert_eq!(of_scope(&[4, 3, 2, 1], &TREE), Reach::Everywhere);
        }

        #[test]
        fn fed_9_other_scopes_list_their_units() {
            // The town without its community, nothing, and a unit that does not exist.
            assert_eq!(of_scope(&[2], &TREE), Reach::Units);
            assert_eq!(of_scope(&[], &TREE), Reach::Units);
            assert_eq!(of_scope(&[3, 9], &TREE), Reach::Units);
        }
    }
}

/// Whose accusations a reader never sees (GEN-7): the accused units they work for (their own unit
/// and, for a department, the unit it belongs to) and, when they are accused themselves, they.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blindness {
    pub units: Vec<i64>,
    pub user: Option<i64>,
}

impl Blindness {
    pub fn is_empty(&self) -> bool {
        self.units.is_empty() && self.user.is_none()
    }

    /// Whether a case accusing this unit and this user (either may be none) is hidden.
    pub fn hides(&self, unit: Option<i64>, user: Option<i64>) -> bool {
        unit.is_some_and(|u| self.units.contains(&u)) || (user.is_some() && user == self.user)
    }
}

/// A filtered, sorted page of cases. `scope` is mandatory: the units whose cases the reader may see.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    pub scope: Vec<i64>,
    pub status: Option<Status>,
    pub channel: Option<Channel>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_before: Option<DateTime<Utc>>,
    /// Full-text search: only cases with every word, ranked when sorted by relevance.
    pub search: Option<TextSearch>,
    /// Exact lookup by case number, or by the petitioner's ID number or phone.
    pub exact: Option<ExactKey>,
    /// Leaves out the cases that accuse the reader's units or the reader (GEN-7: for them such a
    /// case does not exist).
    pub hidden_accusers_of: Blindness,
    /// Only cases with an open deadline due on or before this day.
    pub due_by: Option<NaiveDate>,
    /// Only cases this user holds (包案人).
    pub owner: Option<i64>,
    /// A full-text search counts its matches only this far past the page's first row, and says
    /// when there are more ([`Page::total_exact`]); `None` counts them all. Other totals are always
    /// exact (they come from tallies and covering indexes).
    pub count_up_to: Option<u32>,
    pub sort: CaseSort,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
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

/// A count of 越级访 against one unit (TWN-14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipLevelCount {
    pub unit_code: String,
    pub unit_name: String,
    pub cases: i64,
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The number of rows; with `total_exact` false, a lower bound: there are more.
    pub total: i64,
    pub total_exact: bool,
    pub page: u32,
    pub per_page: u32,
}

/// A document as issued: its PDF is the blob `sha256`; `issued_by` is the issuing event's seq, or for
/// a 督办单 the supervision item's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedDocument {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub issued_by: i64,
    pub title: String,
    pub sha256: String,
    pub size: i64,
    pub issued_at: DateTime<Utc>,
}

/// A document to keep as issued, with its PDF.
#[derive(Debug, Clone)]
pub struct NewIssuedDocument {
    pub kind: String,
    pub issued_by: i64,
    pub title: String,
    pub issued_at: DateTime<Utc>,
    pub pdf: Blob,
}

/// A unit's letterhead (红头) and signature block (落款), one entry per printed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentStyle {
    pub letterhead: String,
    pub signature: Vec<String>,
}

/// A web session's stored record.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub data: String,
    pub expires_at: DateTime<Utc>,
}

/// What a unit tells the public (COM-3, FED-3, SCH-4).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitPublicInfo {
    pub hotline: String,
    pub address: String,
    /// Reception hours in [`huiyin_core::unit::OfficeHours`]' canonical text.
    pub office_hours: String,
    /// The procedure in plain words.
    pub procedure: String,
}

/// Where an online submission's idempotency key stands (issue 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmissionClaim {
    /// The key was new and is now held by the caller, who files the case and then finishes the
    /// claim, or releases it if filing failed.
    Claimed,
    /// A case was filed under this key.
    Filed { case_id: i64, sealed_code: Option<String>, claimed_at: DateTime<Utc> },
    /// Another request holds the key and is filing its case now.
    Pending,
}

/// The storage API. Every method is one transaction.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The backend's name, for logs: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Succeeds when the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// Refreshes the query planner's statistics (after a bulk load).
    async fn analyze(&self) -> StoreResult<()>;

    async fn add_unit(&self, unit: &NewUnit) -> StoreResult<Unit>;
    async fn unit_by_code(&self, code: &str) -> StoreResult<Option<Unit>>;
    async fn unit_by_id(&self, id: i64) -> StoreResult<Option<Unit>>;
    async fn units(&self) -> StoreResult<Vec<Unit>>;
    /// The unit and every unit below it.
    async fn unit_subtree(&self, unit_id: i64) -> StoreResult<Vec<i64>>;

    async fn add_user(&self, user: &NewUser) -> StoreResult<User>;
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>>;
    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>>;
    /// Every account, active or not, by unit and login name.
    async fn users(&self) -> StoreResult<Vec<User>>;
    async fn users_with_role(&self, role: Role) -> StoreResult<Vec<User>>;
    async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()>;

    /// Enables or disables an account. A disabled user's sessions and tokens stop at once: every
    /// request checks that its user is active.
    async fn set_user_active(&self, user_id: i64, active: bool) -> StoreResult<()>;
    /// Revokes one API token; whether it existed.
    async fn revoke_api_token(&self, token_hash: &str) -> StoreResult<bool>;
    /// Revokes every API token of a user; how many there were.
    async fn revoke_user_tokens(&self, user_id: i64) -> StoreResult<u64>;
    async fn add_api_token(&self, user_id: i64, token_hash: &str, at: DateTime<Utc>) -> StoreResult<()>;
    async fn user_by_api_token(&self, token_hash: &str) -> StoreResult<Option<User>>;

    /// Replaces any earlier setup token: only the newest printed link works.
    async fn put_setup_token(&self, token_hash: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Uses up the setup token; true if it was valid.
    async fn take_setup_token(&self, token_hash: &str) -> StoreResult<bool>;
    async fn setup_token_exists(&self, token_hash: &str) -> StoreResult<bool>;

    /// Loads the shipped classification if the table is empty; returns how many classes were added.
    async fn seed_categories(&self, classes: &[Category]) -> StoreResult<usize>;
    async fn categories(&self) -> StoreResult<Vec<Category>>;
    /// Inserts or updates classes by code (administrators' edits), in one transaction.
    async fn save_categories(&self, classes: &[Category]) -> StoreResult<()>;

    /// The version of a shared setting (`categories`, `calendar`): raised by every write of it, so
    /// that a server holding a copy knows at once whether it is still current. 0 before any write.
    async fn setting_version(&self, name: &str) -> StoreResult<i64>;
    /// The loaded holiday schedules: (year, file in the holiday-cn format).
    async fn holiday_years(&self) -> StoreResult<Vec<(i32, String)>>;
    /// Stores a year's schedule, replacing an earlier one of the same year.
    async fn put_holiday_year(&self, year: i32, file: &str, source: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Stores the shipped years that are not there yet (a local file of a year stays); returns how
    /// many were added.
    async fn seed_holiday_years(&self, years: &[(i32, &str)], at: DateTime<Utc>) -> StoreResult<usize>;
    /// The time limits of the unit, or of its nearest ancestor that has its own; `None` for the
    /// national defaults.
    async fn limit_rules_for(&self, unit_id: i64) -> StoreResult<Option<LimitRules>>;
    /// Sets a unit's own time limits.
    async fn set_unit_limits(&self, unit_id: i64, rules: &LimitRules, at: DateTime<Utc>) -> StoreResult<()>;

    /// Registers cases: numbers them per unit and year, writes the registration event and the derived
    /// row, all in one transaction. Returns the new case ids in order.
    async fn register_cases(&self, cases: &[NewCase]) -> StoreResult<Vec<i64>>;
    /// Appends one event if the case is still at `expected_version`; otherwise [`StoreError::Conflict`].
    async fn append_event(&self, case_id: i64, expected_version: i64, event: &NewEvent) -> StoreResult<()>;
    async fn case_file(&self, case_id: i64) -> StoreResult<Option<CaseFile>>;
    /// The bytes stored under a hash.
    async fn blob(&self, sha256: &str) -> StoreResult<Option<Blob>>;
    async fn case_id_by_number(&self, case_number: &str) -> StoreResult<Option<i64>>;
    async fn list_cases(&self, query: &CaseQuery) -> StoreResult<Page<CaseSummary>>;

    /// Open deadlines in key order after `(case_id, kind)`, for recounting over a new calendar.
    async fn open_deadlines_after(&self, after: (i64, &str), limit: i64) -> StoreResult<Vec<(i64, Deadline)>>;
    /// Writes recounted due dates and the cases' earliest open due date.
    async fn update_deadline_dues(&self, changed: &[(i64, Deadline)]) -> StoreResult<()>;
    /// Open deadlines due on or before `until`, earliest first.
    async fn due_deadlines(&self, until: NaiveDate, limit: i64) -> StoreResult<Vec<DueDeadline>>;
    /// Opens a supervision item for an overdue deadline, with its notices, once: false (and nothing
    /// written) if the item exists already. Safe to run on several servers at once.
    async fn open_supervision_item(
        &self,
        due: &DueDeadline,
        at: DateTime<Utc>,
        notices: &[Notice],
    ) -> StoreResult<bool>;
    /// Records a "due soon" reminder with its notices, once per deadline and due date.
    async fn remind_once(&self, due: &DueDeadline, at: DateTime<Utc>, notices: &[Notice]) -> StoreResult<bool>;
    /// Open, not yet escalated items whose deadline is due on or before `due_by`, of units that have
    /// a unit above.
    async fn items_to_escalate(&self, due_by: NaiveDate) -> StoreResult<Vec<ItemToEscalate>>;
    /// Escalates an item to `to_unit` with its notices, once.
    async fn escalate_item(
        &self,
        item_id: i64,
        to_unit: i64,
        at: DateTime<Utc>,
        notices: &[Notice],
    ) -> StoreResult<bool>;
    /// Closes the open items whose deadline was met or moved; returns how many.
    async fn close_settled_items(&self, at: DateTime<Utc>) -> StoreResult<u64>;
    /// Supervision items of cases held in the given units, newest first, without those of cases that
    /// accuse one of `blind` (GEN-7).
    async fn supervision_items(
        &self,
        units: &[i64],
        blind: &Blindness,
        open_only: bool,
        limit: i64,
    ) -> StoreResult<Vec<SupervisionItem>>;
    /// The supervision items ever opened on one case, oldest first.
    async fn case_supervision_items(&self, case_id: i64) -> StoreResult<Vec<SupervisionItem>>;
    /// Active staff of a unit with one of the roles.
    async fn unit_staff(&self, unit_id: i64, roles: &[Role]) -> StoreResult<Vec<User>>;
    /// Writes notices now (and their outbox messages), in one transaction.
    async fn send_notices(&self, notices: &[Notice], at: DateTime<Utc>) -> StoreResult<()>;
    /// A user's notifications, newest first, without those about cases that accuse one of
    /// `blind` (GEN-7); the unread count likewise.
    async fn notifications(&self, user_id: i64, blind: &Blindness, limit: i64) -> StoreResult<Vec<Notification>>;
    async fn unread_notifications(&self, user_id: i64, blind: &Blindness) -> StoreResult<i64>;
    /// Marks one of the user's notifications read; false if it is not theirs.
    async fn mark_notification_read(&self, user_id: i64, id: i64, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Claims up to `limit` unsent messages for one sender, oldest first: messages no one claimed,
    /// or whose claim is older than `stale_before` (a sender that died). Several senders at once
    /// never claim the same message.
    async fn outbox_claim(
        &self,
        limit: i64,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<Vec<OutboxMessage>>;
    async fn outbox_mark_sent(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()>;

    /// Records that `user_id` saw a case's personal data in full (COM-4).
    async fn log_personal_data_view(
        &self,
        user_id: i64,
        case_id: i64,
        at: DateTime<Utc>,
        purpose: &str,
    ) -> StoreResult<()>;
    async fn personal_data_views(&self, case_id: i64) -> StoreResult<Vec<(String, DateTime<Utc>, String)>>;

    /// The documents a case has issued, in the order they were issued.
    async fn issued_documents(&self, case_id: i64) -> StoreResult<Vec<IssuedDocument>>;
    /// Keeps a document as issued, with its PDF, once: if the case already holds this kind from the
    /// same issuer, that one stays and is returned (a reprint never replaces the original).
    async fn keep_issued_document(&self, case_id: i64, doc: &NewIssuedDocument) -> StoreResult<IssuedDocument>;
    /// The unit's own letterhead and signature block, if it set them.
    async fn document_style(&self, unit_id: i64) -> StoreResult<Option<DocumentStyle>>;
    async fn set_document_style(&self, unit_id: i64, style: &DocumentStyle, at: DateTime<Utc>) -> StoreResult<()>;
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
    /// Cases flagged 越级 in `scope`, counted by the unit responsible for the problem's place (TWN-14);
    /// cases that accuse one of `blind` are not counted (GEN-7).
    async fn skip_level_counts(&self, scope: &[i64], blind: &Blindness) -> StoreResult<Vec<SkipLevelCount>>;

    /// What a unit tells the public, if it has said anything.
    async fn unit_public_info(&self, unit_id: i64) -> StoreResult<Option<UnitPublicInfo>>;
    async fn set_unit_public_info(&self, unit_id: i64, info: &UnitPublicInfo, at: DateTime<Utc>) -> StoreResult<()>;
    /// A unit's weekly reception schedule (FED-3), Monday first.
    async fn reception_schedule(&self, unit_id: i64) -> StoreResult<Vec<huiyin_core::unit::ReceptionDay>>;
    /// Replaces a unit's weekly reception schedule.
    async fn set_reception_schedule(
        &self,
        unit_id: i64,
        days: &[huiyin_core::unit::ReceptionDay],
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The counts behind the public measures (GEN-9) of the cases registered or held in `scope`:
    /// acceptance notices and handling opinions that came due from `since` (met, or due before
    /// `today`), with those met by their due day (China time); ratings given from `since`.
    async fn kpi_tallies(
        &self,
        scope: &[i64],
        since: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<huiyin_core::kpi::KpiTallies>;

    /// Claims an online submission's key (hashed). A claim left unfinished since `stale_before` (its
    /// request died) is taken over.
    async fn claim_submission(
        &self,
        key_hash: &str,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<SubmissionClaim>;
    /// Records the case filed under a claimed key, with the sealed query code.
    async fn finish_submission(&self, key_hash: &str, case_id: i64, sealed_code: &str) -> StoreResult<()>;
    /// Gives up a claim whose case was not filed, so that the petitioner may send it again.
    async fn release_submission(&self, key_hash: &str) -> StoreResult<()>;

    /// Counts one attempt under (`scope`, `key`) at `at`; attempts before `window_start` are
    /// forgotten first. Returns the attempts counted in the window, this one included.
    async fn count_failure(
        &self,
        scope: &str,
        key: &str,
        at: DateTime<Utc>,
        window_start: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Takes back one counted attempt under (`scope`, `key`) (it succeeded).
    async fn forgive_failure(&self, scope: &str, key: &str) -> StoreResult<()>;
    /// Forgets every counter last started before `before`; how many.
    async fn purge_failures(&self, before: DateTime<Utc>) -> StoreResult<u64>;
    /// Forgets the failures under (`scope`, `key`) (a reissued query code, a successful login).
    async fn clear_failures(&self, scope: &str, key: &str) -> StoreResult<()>;
    async fn session_load(&self, id: &str) -> StoreResult<Option<SessionRow>>;
    async fn session_save(&self, id: &str, row: &SessionRow) -> StoreResult<()>;
    /// Saves a new session only if the id is unused; false on a collision.
    async fn session_insert_new(&self, id: &str, row: &SessionRow) -> StoreResult<bool>;
    async fn session_delete(&self, id: &str) -> StoreResult<()>;
}
