//! Cases: registration, their event logs, attachments' bytes, lists, and the log of who viewed
//! whose personal data.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::case::{Channel, Registration};
use huiyin_core::event::{CaseState, Event, EventData, Status};
use huiyin_core::limits::Deadline;

use crate::{ExactKey, SearchDoc, StoreResult, TextSearch};

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
    /// 急事急办 first (COM-5), then the earliest open due date, as `DueAsc`.
    UrgentFirst,
    /// Best match first: the typed phrase word for word, then by rank (full-text search only).
    Relevance,
}

impl CaseSort {
    pub const ALL: [CaseSort; 7] = [
        CaseSort::ReceivedDesc,
        CaseSort::ReceivedAsc,
        CaseSort::NumberAsc,
        CaseSort::NumberDesc,
        CaseSort::DueAsc,
        CaseSort::UrgentFirst,
        CaseSort::Relevance,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseSort::ReceivedDesc => "-received_at",
            CaseSort::ReceivedAsc => "received_at",
            CaseSort::NumberAsc => "case_number",
            CaseSort::NumberDesc => "-case_number",
            CaseSort::DueAsc => "due",
            CaseSort::UrgentFirst => "urgent",
            CaseSort::Relevance => "relevance",
        }
    }

    pub fn parse(raw: &str) -> Option<CaseSort> {
        CaseSort::ALL.into_iter().find(|s| s.code() == raw.trim())
    }
}

/// Whose accusations a reader never sees (GEN-7): the accused units they work for (their own unit
/// and, for a department, the unit it belongs to) and the people whose accusations they never see:
/// themselves and, when an administrator's link set their password, that administrator; and the
/// cases they (or those people) stand aside from (回避).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blindness {
    pub units: Vec<i64>,
    pub users: Vec<i64>,
    /// The cases recused from (回避) by any of `users`.
    pub cases: Vec<i64>,
}

impl Blindness {
    pub fn is_empty(&self) -> bool {
        self.units.is_empty() && self.users.is_empty() && self.cases.is_empty()
    }

    /// Whether the case `case_id`, accusing this unit and this user (either may be none), is hidden.
    pub fn hides(&self, case_id: i64, unit: Option<i64>, user: Option<i64>) -> bool {
        self.cases.contains(&case_id) || self.hides_person(user) || unit.is_some_and(|u| self.units.contains(&u))
    }

    /// Whether an accusation of this staff member (if any) is hidden, whatever case makes it.
    pub fn hides_person(&self, user: Option<i64>) -> bool {
        user.is_some_and(|u| self.users.contains(&u))
    }
}

/// A step a case waits on its holder for, that no status says alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// The leaders returned the draft opinion (退回修改) and it has not been drafted again.
    Redraft,
    /// A 不满意 rating asks for a return visit (回访, CDR-3) not yet made.
    ReturnVisit,
}

/// Which skip-level visits a list keeps (TWN-14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipFilter {
    /// Flagged at any level.
    Any,
    /// Went this far and no farther.
    Reached(huiyin_core::statistics::Reached),
}

/// The cases behind one number of a measure over a period (docs/MEASURES.md): all it counts, those
/// counted for it (met in time, rated, pleased, a repeat) or those that count against it (late,
/// lapsed unrated, 不满意, a first petition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureFilter {
    pub measure: huiyin_core::kpi::MeasureCode,
    pub part: huiyin_core::kpi::MeasurePart,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
    /// The units whose steps are counted (a number's unit and the units below it).
    pub units: Vec<i64>,
    /// 参评率: the cases whose rating window lapsed unrated in the period (the application counts
    /// them, with the calendar).
    pub lapsed: Vec<i64>,
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
    /// Only cases with an open deadline of the office that is provisional (counted over a year whose
    /// holiday schedule is not loaded, GEN-8); the petitioner's windows do not count, as for
    /// `next_due`.
    pub due_provisional: bool,
    /// Only cases this user holds (包案人).
    pub owner: Option<i64>,
    /// Only cases this unit holds now.
    pub held_by: Option<i64>,
    /// Only the visits registered in this reception session (TWN-10).
    pub session: Option<i64>,
    /// Only cases not ended (not closed, not accepted, registered only or final).
    pub open_only: bool,
    /// Only cases of this content class or a class under it (its stable code, two digits a level).
    pub category: Option<String>,
    /// Only cases with this flag (研判提示).
    pub flag: Option<huiyin_core::case::Flag>,
    /// Only cases waiting on this step of their holder.
    pub waiting: Option<Waiting>,
    /// Only cases of this purpose (诉求目的).
    pub purpose: Option<huiyin_core::case::Purpose>,
    /// Only cases whose problem is in this unit's place (问题属地).
    pub place_unit: Option<i64>,
    /// Only skip-level visits: any, or those that went this far and no farther (TWN-14).
    pub skip_level: Option<SkipFilter>,
    /// Only the cases behind a measure's number (GEN-9, docs/MEASURES.md).
    pub measure: Option<MeasureFilter>,
    /// A full-text search counts its matches only this far past the page's first row, and says
    /// when there are more ([`Page::total_exact`]); `None` counts them all. Other totals are always
    /// exact (they come from tallies and covering indexes).
    pub count_up_to: Option<u32>,
    pub sort: CaseSort,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
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

/// Cases and their logs. Every method is one transaction.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Registers cases: numbers them per unit and year, writes the registration event and the derived
    /// row, all in one transaction. Returns the new case ids in order.
    async fn register_cases(&self, cases: &[NewCase]) -> StoreResult<Vec<i64>>;
    /// Appends one event if the case is still at `expected_version`; otherwise [`StoreError::Conflict`].
    async fn append_event(&self, case_id: i64, expected_version: i64, event: &NewEvent) -> StoreResult<()>;
    async fn case_file(&self, case_id: i64) -> StoreResult<Option<CaseFile>>;
    /// The cases any of these staff members stand aside from (回避, the `recused` events).
    async fn recused_cases(&self, user_ids: &[i64]) -> StoreResult<Vec<i64>>;
    /// The bytes stored under a hash.
    async fn blob(&self, sha256: &str) -> StoreResult<Option<Blob>>;
    async fn case_id_by_number(&self, case_number: &str) -> StoreResult<Option<i64>>;
    async fn list_cases(&self, query: &CaseQuery) -> StoreResult<Page<CaseSummary>>;
    /// The ids of the first `limit` cases `query` lists, in its order (its scope, filters, GEN-7
    /// and sort as [`CaseStore::list_cases`]; `page` and `per_page` are not read): an export reads
    /// the list's order once, then its cases a page at a time ([`CaseStore::case_summaries`]).
    async fn list_case_ids(&self, query: &CaseQuery, limit: usize) -> StoreResult<Vec<i64>>;
    /// The list rows of the cases `ids` registered or held in `scope`, in that order (an id of no
    /// such case left out: a case moved out of the reader's scope since its id was read).
    async fn case_summaries(&self, ids: &[i64], scope: &[i64]) -> StoreResult<Vec<CaseSummary>>;
    /// Records that `user_id` saw a case's personal data in full (COM-4).
    async fn log_personal_data_view(
        &self,
        user_id: i64,
        case_id: i64,
        at: DateTime<Utc>,
        purpose: &str,
    ) -> StoreResult<()>;
    /// Records that `user_id` saw the personal data of each of these cases in full, at once (a full
    /// export, COM-4), in one transaction.
    async fn log_personal_data_views(
        &self,
        user_id: i64,
        case_ids: &[i64],
        at: DateTime<Utc>,
        purpose: &str,
    ) -> StoreResult<()>;
    async fn personal_data_views(&self, case_id: i64) -> StoreResult<Vec<(String, DateTime<Utc>, String)>>;
}
