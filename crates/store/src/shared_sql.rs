// The SQL both backends share, compiled into each of them with `include!`.
//
// The including crate defines, before the `include!`:
// - `type Db`: its `sqlx::Database` (`Sqlite` or `Postgres`);
// - `type Backend`: its store type, with inherent methods `reader()` and `begin_write()` and a
//   `const NAME: &str`;
// Every statement here is valid on SQLite 3.35+ and PostgreSQL 13+ ($n placeholders, RETURNING,
// ON CONFLICT, recursive CTEs). What differs between the two lives in the backend crates.

use huiyin_store::ranking::{block_start, ring_start, widened, IdRange, RANKED_MATCHES, RING_BLOCK};
use huiyin_store::reach::{self, Reach};
use huiyin_store::{
    Blindness, CaseFile, CaseMatch, CaseQuery, ItemToEscalate, CaseSort, CaseSummary, DocumentStyle, DueDeadline, IssuedDocument, NewCase, NewEvent,
    NewIssuedDocument, NewUnit, NewUser, Notice, Notification, OutboxMessage, Page, ExactKey, PersonKeys, SearchDoc,
    SessionRow, SkipLevelCount, Store, StoreError, SubmissionClaim, UnitPublicInfo, StoreResult, SupervisionItem, Unit, User,
};
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::case::{CaseNumber, Channel};
use huiyin_core::calendar::{Due, Limit};
use huiyin_core::category::Category;
use huiyin_core::limits::{Deadline, DeadlineKind, next_due};
use huiyin_core::event::{CaseState, Event, EventData, Status};
use huiyin_core::unit::UnitKind;
use huiyin_core::user::Role;
use std::collections::HashMap;

use sqlx::types::Json;
use sqlx::Row;

type DbRow = <Db as sqlx::Database>::Row;

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// Marks a shared setting as changed (`Store::setting_version`), inside the writing transaction.
async fn bump_setting_version(conn: &mut <Db as sqlx::Database>::Connection, name: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO setting_versions (name, version) VALUES ($1, 1) \
         ON CONFLICT (name) DO UPDATE SET version = setting_versions.version + 1",
    )
    .bind(name)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Maps a unique or foreign-key violation to the storage error that names it.
fn on_violation(e: sqlx::Error, unique: &'static str, reference: &'static str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(unique),
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::UnknownReference(reference),
        _ => StoreError::Database(e),
    }
}

fn unit_from_row(row: &DbRow) -> StoreResult<Unit> {
    let kind: String = row.try_get("kind")?;
    Ok(Unit {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        kind: UnitKind::parse("kind", &kind).map_err(corrupt)?,
        parent_id: row.try_get("parent_id")?,
    })
}

/// A `SELECT` of the columns `issued_document_from_row` reads, followed by the given clauses on `d`.
macro_rules! select_issued_documents {
    ($($tail:literal),*) => {
        concat!(
            "SELECT d.id, d.case_id, d.kind, d.issued_by, d.title, d.sha256, b.size, d.issued_at ",
            "FROM issued_documents d JOIN blobs b ON b.sha256 = d.sha256 ",
            $($tail),*
        )
    };
}

/// A `SELECT` of the columns `supervision_from_row` reads, followed by the given clauses on `s`.
macro_rules! select_supervision_items {
    ($($tail:literal),*) => {
        concat!(
            "SELECT s.id, s.case_id, c.case_number, s.kind, s.due, n.code AS unit_code, u.username AS owner, ",
            "s.opened_at, e.code AS escalated_to, s.closed_at FROM supervision_items s ",
            "JOIN cases c ON c.id = s.case_id JOIN units n ON n.id = s.unit_id JOIN users u ON u.id = s.owner_id ",
            "LEFT JOIN units e ON e.id = s.escalated_to_unit_id ",
            $($tail),*
        )
    };
}

fn issued_document_from_row(row: &DbRow) -> StoreResult<IssuedDocument> {
    Ok(IssuedDocument {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        kind: row.try_get("kind")?,
        issued_by: row.try_get("issued_by")?,
        title: row.try_get("title")?,
        sha256: row.try_get("sha256")?,
        size: row.try_get("size")?,
        issued_at: row.try_get("issued_at")?,
    })
}

/// A `SELECT` of users with their unit code, followed by the given clauses.
macro_rules! select_users {
    ($($tail:literal),*) => {
        concat!(
            "SELECT u.id, u.username, u.display_name, u.unit_id, n.code AS unit_code, u.role, u.password_hash, u.active, ",
            "u.may_backdate ",
            "FROM users u JOIN units n ON n.id = u.unit_id ",
            $($tail),*
        )
    };
}

fn user_from_row(row: &DbRow) -> StoreResult<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        unit_id: row.try_get("unit_id")?,
        unit_code: row.try_get("unit_code")?,
        role: Role::parse("role", &role).map_err(corrupt)?,
        password_hash: row.try_get("password_hash")?,
        active: row.try_get("active")?,
        may_backdate: row.try_get("may_backdate")?,
    })
}

fn event_from_row(row: &DbRow) -> StoreResult<Event> {
    let Json(data): Json<EventData> = row.try_get("payload")?;
    Ok(Event {
        seq: row.try_get("seq")?,
        occurred_at: row.try_get("occurred_at")?,
        recorded_at: row.try_get("recorded_at")?,
        actor: row.try_get("actor")?,
        note: row.try_get("note")?,
        data,
    })
}

fn summary_from_row(row: &DbRow) -> StoreResult<CaseSummary> {
    let status: String = row.try_get("status")?;
    let channel: String = row.try_get("channel")?;
    let Json(flags): Json<Vec<String>> = row.try_get("flags")?;
    Ok(CaseSummary {
        id: row.try_get("id")?,
        case_number: row.try_get("case_number")?,
        status: Status::parse("status", &status).map_err(corrupt)?,
        channel: Channel::parse("channel", &channel).map_err(corrupt)?,
        received_at: row.try_get("received_at")?,
        unit_code: row.try_get("unit_code")?,
        unit_name: row.try_get("unit_name")?,
        petitioner_name: row.try_get("petitioner_name")?,
        petitioner_phone: row.try_get("petitioner_phone")?,
        petitioner_id_number: row.try_get("petitioner_id_number")?,
        category_path: row.try_get("category_path")?,
        headcount: row.try_get("headcount")?,
        flags,
        content: row.try_get("content")?,
        next_due: row.try_get("next_due")?,
        due_provisional: row.try_get("due_provisional")?,
        accused_unit_id: row.try_get("accused_unit_id")?,
        accused_user_id: row.try_get("accused_user_id")?,
    })
}

fn flag_codes(state: &CaseState) -> Vec<&'static str> {
    state.flags.iter().map(|f| f.code()).collect()
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

fn deadline_from_row(row: &DbRow) -> StoreResult<Deadline> {
    let kind: String = row.try_get("kind")?;
    let Json(limit): Json<Limit> = row.try_get("limit_rule")?;
    let extension_days: i64 = row.try_get("extension_days")?;
    Ok(Deadline {
        kind: DeadlineKind::parse(&kind).ok_or_else(|| corrupt(format!("deadline kind {kind}")))?,
        start: row.try_get("start_day")?,
        limit,
        extension_days: u32::try_from(extension_days).map_err(corrupt)?,
        due: Due { date: row.try_get("due")?, provisional: row.try_get("provisional")? },
        met_at: row.try_get("met_at")?,
    })
}

/// Replaces a case's deadlines and its earliest open due date.
async fn write_deadlines(
    conn: &mut <Db as sqlx::Database>::Connection,
    case_id: i64,
    deadlines: &[Deadline],
    replace: bool,
) -> StoreResult<()> {
    if replace {
        sqlx::query("DELETE FROM case_deadlines WHERE case_id = $1").bind(case_id).execute(&mut *conn).await?;
    }
    for d in deadlines {
        sqlx::query(
            "INSERT INTO case_deadlines (case_id, kind, start_day, limit_rule, extension_days, due, provisional, met_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(case_id)
        .bind(d.kind.code())
        .bind(d.start)
        .bind(Json(d.limit))
        .bind(i64::from(d.extension_days))
        .bind(d.due.date)
        .bind(d.due.provisional)
        .bind(d.met_at)
        .execute(&mut *conn)
        .await?;
    }
    if replace {
        sqlx::query("UPDATE cases SET next_due = $1 WHERE id = $2")
            .bind(next_due(deadlines))
            .bind(case_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Writes notices: in-app notifications, and an outbox message for each for later delivery.
async fn write_notices(conn: &mut <Db as sqlx::Database>::Connection, notices: &[Notice], at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
    for n in notices {
        sqlx::query("INSERT INTO notifications (user_id, case_id, kind, message, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(n.user_id)
            .bind(n.case_id)
            .bind(&n.kind)
            .bind(&n.message)
            .bind(at)
            .execute(&mut *conn)
            .await?;
        sqlx::query("INSERT INTO outbox (channel, user_id, body, created_at, attempts) VALUES ('sms', $1, $2, $3, 0)")
            .bind(n.user_id)
            .bind(&n.message)
            .bind(at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

fn supervision_from_row(r: &DbRow) -> StoreResult<SupervisionItem> {
    Ok(SupervisionItem {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        case_number: r.try_get("case_number")?,
        kind: r.try_get("kind")?,
        due: r.try_get("due")?,
        unit_code: r.try_get("unit_code")?,
        owner: r.try_get("owner")?,
        opened_at: r.try_get("opened_at")?,
        escalated_to: r.try_get("escalated_to")?,
        closed_at: r.try_get("closed_at")?,
    })
}

/// The year (China time) a case is numbered in.
fn china_year(reg: &huiyin_core::case::Registration) -> i64 {
    i64::from(chrono::Datelike::year(&reg.received_at.with_timezone(&huiyin_core::case::CHINA_OFFSET)))
}

/// Adds `n` (which may be negative) to a tally row, creating it if needed.
async fn add_to_tally(
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

/// The two disjoint parts of a reader's scope: cases registered in it, and cases registered outside
/// it but held in it now. Each part is one index range, which an `OR` of the two would not be.
#[derive(Clone, Copy)]
enum ScopePart {
    Registered,
    HeldOnly,
}

fn push_ids(b: &mut sqlx::QueryBuilder<Db>, ids: &[i64]) {
    b.push("(");
    let mut list = b.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    b.push(")");
}

/// How a page of a scope part is best read.
#[derive(Clone, Copy, PartialEq)]
enum Access {
    /// Through the scope's index range, then sorted: for parts that are a small share of all cases.
    ScopeIndex,
    /// Along the index of the sort order, skipping rows out of scope: for large shares, where the
    /// first page is found after a few rows. Written `unit_id + 0` so that no planner takes the
    /// scope index instead.
    SortOrder,
}

/// `WHERE` and the scope part, on a query whose table is aliased `c` (`cases` or `case_tally`).
fn push_scope(b: &mut sqlx::QueryBuilder<Db>, part: ScopePart, scope: &[i64], access: Access) {
    match part {
        ScopePart::Registered if access == Access::SortOrder => {
            b.push(" WHERE c.unit_id + 0 IN ");
            push_ids(b, scope);
        }
        ScopePart::Registered => {
            b.push(" WHERE c.unit_id IN ");
            push_ids(b, scope);
        }
        ScopePart::HeldOnly => {
            b.push(" WHERE c.holding_unit_id IN ");
            push_ids(b, scope);
            // Repeats the partial index's predicate, so that planners take it.
            b.push(" AND c.holding_unit_id <> c.unit_id AND c.unit_id NOT IN ");
            push_ids(b, scope);
        }
    }
}

/// The list filters. Status and channel exist on `case_tally` too; the others only on `cases`.
fn push_filters(b: &mut sqlx::QueryBuilder<Db>, query: &CaseQuery) {
    if let Some(status) = query.status {
        b.push(" AND c.status = ").push_bind(status.code());
    }
    if let Some(channel) = query.channel {
        b.push(" AND c.channel = ").push_bind(channel.code());
    }
    if let Some(from) = query.received_from {
        b.push(" AND c.received_at >= ").push_bind(from);
    }
    if let Some(before) = query.received_before {
        b.push(" AND c.received_at < ").push_bind(before);
    }
    if let Some(owner) = query.owner {
        b.push(" AND c.owner_id = ").push_bind(owner);
    }
    if let Some(due_by) = query.due_by {
        b.push(" AND c.next_due <= ").push_bind(due_by);
    }
    push_not_accusing(b, &query.hidden_accusers_of);
    match &query.exact {
        Some(ExactKey::CaseNumber(number)) => {
            b.push(" AND c.case_number = ").push_bind(number.clone());
        }
        Some(ExactKey::IdNumber(number)) => {
            b.push(" AND c.petitioner_id_number = ").push_bind(number.clone());
        }
        Some(ExactKey::Phone(phone)) => {
            b.push(" AND c.petitioner_phone = ").push_bind(phone.clone());
        }
        None => {}
    }
}

/// GEN-7: leaves out the cases `c` that accuse one of the reader's units or the reader (for them
/// those cases do not exist).
fn push_not_accusing(b: &mut sqlx::QueryBuilder<Db>, blind: &Blindness) {
    if !blind.units.is_empty() {
        b.push(" AND (c.accused_unit_id IS NULL OR c.accused_unit_id NOT IN ");
        push_ids(b, &blind.units);
        b.push(")");
    }
    if let Some(user) = blind.user {
        b.push(" AND (c.accused_user_id IS NULL OR c.accused_user_id <> ").push_bind(user).push(")");
    }
}

/// Both parts of a scope at once: registered in it, or held by it.
fn push_whole_scope(b: &mut sqlx::QueryBuilder<Db>, scope: &[i64]) {
    b.push(" AND (c.unit_id IN ");
    push_ids(b, scope);
    b.push(" OR c.holding_unit_id IN ");
    push_ids(b, scope);
    b.push(")");
}

/// What a search write replaces: nothing (cases just registered), the words only (after an event),
/// or the words and the bands (rebuilding).
#[derive(Clone, Copy, PartialEq, Eq)]
enum SearchWrite {
    New,
    Words,
    All,
}

/// One case's search entry: its words, and its statement's bands.
struct SearchEntry<'a> {
    case_id: i64,
    tokens: &'a [String],
    bands: &'a [i64],
}

/// Cases per statement when search entries are written.
const SEARCH_ENTRIES_PER_STATEMENT: usize = 500;

/// Writes the search entries of many cases with a few statements: SQLite's FTS5 flushes its pending
/// words to a new segment at every statement inside a transaction, so a statement per case would
/// make a segment per case and spend a bulk load merging them.
async fn write_search(
    conn: &mut <Db as sqlx::Database>::Connection,
    entries: &[SearchEntry<'_>],
    what: SearchWrite,
) -> StoreResult<()> {
    let fresh = what == SearchWrite::New;
    for chunk in entries.chunks(SEARCH_ENTRIES_PER_STATEMENT) {
        let words: Vec<(i64, &[String])> = chunk.iter().map(|e| (e.case_id, e.tokens)).collect();
        fulltext::write(&mut *conn, &words, fresh).await?;
        if what != SearchWrite::Words {
            let bands: Vec<(i64, Vec<i64>)> = chunk
                .iter()
                .map(|e| {
                    let unique: std::collections::BTreeSet<i64> = e.bands.iter().copied().collect();
                    (e.case_id, unique.into_iter().collect())
                })
                .collect();
            band_index::write(&mut *conn, &bands, fresh).await?;
        }
    }
    Ok(())
}

/// The columns of a [`CaseMatch`], on `cases c JOIN units n`; the lapse is judged on the bound day.
const CASE_MATCH_COLUMNS: &str = "SELECT c.id, c.case_number, c.status, c.received_at, c.unit_id, n.code AS unit_code, \
     n.name AS unit_name, c.petitioner_name, c.petitioner_id_number, c.petitioner_phone, c.petitioner_address, c.content, \
     c.accused_unit_id, c.accused_user_id, \
     EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = c.id AND d.met_at IS NULL \
     AND d.kind IN ('review_request', 're_review_request') AND d.due < ";

fn case_match_from_row(r: &DbRow) -> StoreResult<CaseMatch> {
    let status: String = r.try_get("status")?;
    Ok(CaseMatch {
        id: r.try_get("id")?,
        case_number: r.try_get("case_number")?,
        status: Status::parse("status", &status).map_err(corrupt)?,
        received_at: r.try_get("received_at")?,
        unit_id: r.try_get("unit_id")?,
        unit_code: r.try_get("unit_code")?,
        unit_name: r.try_get("unit_name")?,
        petitioner_name: r.try_get("petitioner_name")?,
        petitioner_id_number: r.try_get("petitioner_id_number")?,
        petitioner_phone: r.try_get("petitioner_phone")?,
        petitioner_address: r.try_get("petitioner_address")?,
        content: r.try_get("content")?,
        accused_unit_id: r.try_get("accused_unit_id")?,
        accused_user_id: r.try_get("accused_user_id")?,
        request_lapsed: r.try_get("request_lapsed")?,
    })
}

fn order_by(sort: CaseSort) -> &'static str {
    match sort {
        CaseSort::ReceivedDesc => " ORDER BY c.received_at DESC, c.id DESC",
        CaseSort::ReceivedAsc => " ORDER BY c.received_at ASC, c.id ASC",
        CaseSort::NumberAsc => " ORDER BY c.case_number ASC",
        CaseSort::NumberDesc => " ORDER BY c.case_number DESC",
        CaseSort::DueAsc => " ORDER BY c.next_due IS NULL, c.next_due, c.id",
        // Without words to rank by, relevance is recency.
        CaseSort::Relevance => " ORDER BY c.received_at DESC, c.id DESC",
    }
}

/// Resolves a username and a unit code to ids inside a transaction.
async fn user_and_unit_ids(
    conn: &mut <Db as sqlx::Database>::Connection,
    username: &str,
    unit_code: &str,
) -> StoreResult<(i64, i64)> {
    let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::UnknownReference("user"))?;
    let unit_id: i64 = sqlx::query_scalar("SELECT id FROM units WHERE code = $1")
        .bind(unit_code)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::UnknownReference("unit"))?;
    Ok((user_id, unit_id))
}

/// The list rows of these cases, in this order.
async fn summaries(store: &Backend, ids: &[i64]) -> StoreResult<Vec<CaseSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = sqlx::QueryBuilder::<Db>::new(
        "SELECT c.id, c.case_number, c.status, c.channel, c.received_at, n.code AS unit_code, n.name AS unit_name, \
         c.petitioner_name, c.petitioner_phone, c.petitioner_id_number, c.category_path, c.headcount, c.flags, \
         c.content, c.next_due, c.accused_unit_id, c.accused_user_id, EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = c.id \
         AND d.met_at IS NULL AND d.provisional) AS due_provisional \
         FROM cases c JOIN units n ON n.id = c.unit_id WHERE c.id IN ",
    );
    push_ids(&mut rows, ids);
    let mut by_id: HashMap<i64, CaseSummary> = HashMap::new();
    for row in rows.build().fetch_all(store.reader()).await? {
        let summary = summary_from_row(&row)?;
        by_id.insert(summary.id, summary);
    }
    let items: Vec<CaseSummary> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
    Ok(items)
}

/// A full-text search's `FROM` and `WHERE`: the index joined to `cases c`, every word matching,
/// within the scope (left out when it is every unit) and the filters.
struct Matching<'a> {
    query: &'a CaseQuery,
    terms: &'a [String],
    reach: Reach,
}

impl Matching<'_> {
    fn push(&self, b: &mut sqlx::QueryBuilder<Db>) {
        b.push(fulltext::FROM);
        fulltext::push_match(b, self.terms);
        match &self.reach {
            Reach::Everywhere => {}
            Reach::Subtrees(tops) => fulltext::push_subtrees(b, tops, &self.query.scope),
            Reach::Units => push_whole_scope(b, &self.query.scope),
        }
        push_filters(b, self.query);
    }
}

/// A page of a full-text search: every word matches, in scope and filters, ranked or sorted.
async fn search_cases(
    store: &Backend,
    query: &CaseQuery,
    terms: &[String],
    phrase: &str,
    per_page: u32,
    page: u32,
) -> StoreResult<Page<CaseSummary>> {
    let tree: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, parent_id FROM units").fetch_all(store.reader()).await?;
    let matching = Matching { query, terms, reach: reach::of_scope(&query.scope, &tree) };
    let offset = (i64::from(page) - 1) * i64::from(per_page);
    let limit = i64::from(per_page);
    let newest = if query.sort == CaseSort::Relevance && offset < RANKED_MATCHES {
        Some(newest_matches(store, &matching).await?)
    } else {
        None
    };
    let (total, total_exact) = match (&newest, query.count_up_to) {
        (Some(newest), _) if newest.complete => (newest.rows.len() as i64, true),
        // The rings held RANKED_MATCHES: more than the bound, uncounted.
        (Some(_), Some(up_to)) if offset + i64::from(up_to) < RANKED_MATCHES => (offset + i64::from(up_to), false),
        _ => count_matches(store, &matching, query.count_up_to.map(|n| offset + i64::from(n))).await?,
    };
    if total_exact && total <= offset {
        return Ok(Page { items: Vec::new(), total, total_exact, page, per_page });
    }
    let mut ids: Vec<i64> = match newest {
        Some(newest) => {
            let ranked = rank(store, newest.rows, phrase).await?;
            ranked.into_iter().skip(offset as usize).take(per_page as usize).collect()
        }
        None if query.sort == CaseSort::Relevance => Vec::new(),
        None => {
            let mut select = sqlx::QueryBuilder::<Db>::new("SELECT c.id");
            matching.push(&mut select);
            select.push(order_by(query.sort));
            select.push(" LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
            select.build_query_scalar().fetch_all(store.reader()).await?
        }
    };
    // By relevance, the matches older than the ranked ones follow newest first.
    let wanted = limit - ids.len() as i64;
    if query.sort == CaseSort::Relevance && wanted > 0 && offset + limit > RANKED_MATCHES {
        let mut select = sqlx::QueryBuilder::<Db>::new("SELECT c.id");
        matching.push(&mut select);
        select.push(" ORDER BY ").push(fulltext::NEWEST);
        select.push(" LIMIT ").push_bind(wanted).push(" OFFSET ").push_bind(offset.max(RANKED_MATCHES));
        ids.extend(select.build_query_scalar::<i64>().fetch_all(store.reader()).await?);
    }
    let items = summaries(store, &ids).await?;
    Ok(Page { items, total, total_exact, page, per_page })
}

/// Counts the matches, all of them or up to `bound` (then `(bound, false)` when there are more).
async fn count_matches(store: &Backend, matching: &Matching<'_>, bound: Option<i64>) -> StoreResult<(i64, bool)> {
    let mut count = sqlx::QueryBuilder::<Db>::new("SELECT COUNT(*) FROM (SELECT 1 AS one");
    matching.push(&mut count);
    if let Some(bound) = bound {
        count.push(" LIMIT ").push_bind(bound + 1);
    }
    count.push(") m");
    let counted: i64 = count.build_query_scalar().fetch_one(store.reader()).await?;
    Ok(match bound {
        Some(bound) if counted > bound => (bound, false),
        _ => (counted, true),
    })
}

/// A match to rank: its case id, receipt time and full-text score (smaller is better).
struct Scored {
    id: i64,
    received_at: DateTime<Utc>,
    score: f64,
}

/// The newest [`RANKED_MATCHES`] matches, newest first; `complete` when they are all the matches.
struct NewestMatches {
    rows: Vec<Scored>,
    complete: bool,
}

/// Finds the newest [`RANKED_MATCHES`] matches in rings of the newest cases, each older ring wider
/// in proportion to how densely the last one held matches, so that a word tens of thousands of
/// cases hold is looked for among the newest few blocks only: each match found costs a visit to its
/// row, the index's intersection of the words with a ring's blocks does not. Each ring is read once.
async fn newest_matches(store: &Backend, matching: &Matching<'_>) -> StoreResult<NewestMatches> {
    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM cases").fetch_one(store.reader()).await?;
    let newest = newest.unwrap_or(0);
    let mut rows: Vec<Scored> = Vec::new();
    // Read so far: the ids from `from` on. The first ring could hold all the matches wanted, if
    // every case in it matched.
    let mut from = block_start(newest) + RING_BLOCK;
    let mut span = RANKED_MATCHES;
    while from > 0 && (rows.len() as i64) < RANKED_MATCHES {
        let ring = IdRange { from: ring_start(newest - span, from), end: from };
        let mut select = sqlx::QueryBuilder::<Db>::new("SELECT c.id, c.received_at, ");
        fulltext::push_score(&mut select, matching.terms);
        select.push(" AS score");
        matching.push(&mut select);
        fulltext::push_ring(&mut select, ring);
        select.push(" ORDER BY ").push(fulltext::NEWEST).push(" LIMIT ").push_bind(RANKED_MATCHES - rows.len() as i64);
        let before = rows.len() as i64;
        for r in select.build().fetch_all(store.reader()).await? {
            rows.push(Scored { id: r.try_get("id")?, received_at: r.try_get("received_at")?, score: r.try_get("score")? });
        }
        from = ring.from;
        let found = rows.len() as i64;
        span = widened(newest - from + 1, found, ring.end - ring.from, found - before);
    }
    Ok(NewestMatches { complete: (rows.len() as i64) < RANKED_MATCHES, rows })
}

/// The relevance order of these matches: a case whose statement holds the phrase as typed (word
/// for word) first, then by score, then newest.
async fn rank(store: &Backend, mut rows: Vec<Scored>, phrase: &str) -> StoreResult<Vec<i64>> {
    let mut holders = std::collections::HashSet::new();
    if !rows.is_empty() {
        let mut select = sqlx::QueryBuilder::<Db>::new("SELECT id FROM cases WHERE content LIKE ");
        select.push_bind(like_pattern(phrase.trim())).push(" ESCAPE '\\' AND id IN ");
        push_ids(&mut select, &rows.iter().map(|row| row.id).collect::<Vec<_>>());
        holders.extend(select.build_query_scalar::<i64>().fetch_all(store.reader()).await?);
    }
    rows.sort_by(|a, b| {
        (!holders.contains(&a.id))
            .cmp(&!holders.contains(&b.id))
            .then(a.score.total_cmp(&b.score))
            .then(b.received_at.cmp(&a.received_at))
            .then(b.id.cmp(&a.id))
    });
    Ok(rows.into_iter().map(|r| r.id).collect())
}

#[async_trait::async_trait]
impl Store for Backend {
    fn backend(&self) -> &'static str {
        Backend::NAME
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(self.reader()).await?;
        Ok(())
    }

    async fn analyze(&self) -> StoreResult<()> {
        self.refresh_statistics().await
    }

    async fn add_unit(&self, unit: &NewUnit) -> StoreResult<Unit> {
        let mut tx = self.begin_write().await?;
        let parent_id: Option<i64> = match &unit.parent {
            None => None,
            Some(code) => Some(
                sqlx::query_scalar("SELECT id FROM units WHERE code = $1")
                    .bind(code.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::UnknownReference("parent"))?,
            ),
        };
        let row = sqlx::query(
            "INSERT INTO units (code, name, kind, parent_id) VALUES ($1, $2, $3, $4) \
             RETURNING id, code, name, kind, parent_id",
        )
        .bind(unit.code.as_str())
        .bind(&unit.name)
        .bind(unit.kind.code())
        .bind(parent_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "code", "parent"))?;
        let unit = unit_from_row(&row)?;
        tx.commit().await?;
        Ok(unit)
    }

    async fn unit_by_code(&self, code: &str) -> StoreResult<Option<Unit>> {
        let row = sqlx::query("SELECT id, code, name, kind, parent_id FROM units WHERE code = $1")
            .bind(code)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(unit_from_row).transpose()
    }

    async fn unit_by_id(&self, id: i64) -> StoreResult<Option<Unit>> {
        let row = sqlx::query("SELECT id, code, name, kind, parent_id FROM units WHERE id = $1")
            .bind(id)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(unit_from_row).transpose()
    }

    async fn units(&self) -> StoreResult<Vec<Unit>> {
        let rows = sqlx::query("SELECT id, code, name, kind, parent_id FROM units ORDER BY code")
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(unit_from_row).collect()
    }

    async fn unit_subtree(&self, unit_id: i64) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE id = $1 \
             UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub ORDER BY id",
        )
        .bind(unit_id)
        .fetch_all(self.reader())
        .await?)
    }

    async fn add_user(&self, user: &NewUser) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        let unit_id: i64 = sqlx::query_scalar("SELECT id FROM units WHERE code = $1")
            .bind(user.unit.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::UnknownReference("unit"))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, unit_id, role, password_hash, active, may_backdate) \
             VALUES ($1, $2, $3, $4, $5, TRUE, $6) RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(unit_id)
        .bind(user.role.code())
        .bind(&user.password_hash)
        .bind(user.may_backdate)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "username", "unit"))?;
        tx.commit().await?;
        self.user_by_id(id).await?.ok_or(StoreError::NotFound)
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query(select_users!("WHERE u.username = $1")).bind(username).fetch_optional(self.reader()).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>> {
        let row = sqlx::query(select_users!("WHERE u.id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn set_user_active(&self, user_id: i64, active: bool) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(active)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    async fn revoke_api_token(&self, token_hash: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM api_tokens WHERE token_hash = $1").bind(token_hash).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    async fn revoke_user_tokens(&self, user_id: i64) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM api_tokens WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(select_users!("ORDER BY u.unit_id, u.username")).fetch_all(self.reader()).await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn users_with_role(&self, role: Role) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(select_users!("WHERE u.role = $1 ORDER BY u.username")).bind(role.code()).fetch_all(self.reader()).await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    async fn add_api_token(&self, user_id: i64, token_hash: &str, at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(token_hash)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(|e| on_violation(e, "token", "user"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn user_by_api_token(&self, token_hash: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query(select_users!("JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = $1")).bind(token_hash).fetch_optional(self.reader()).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn put_setup_token(&self, token_hash: &str, at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM setup_tokens").execute(&mut *tx).await?;
        sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
            .bind(token_hash)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn take_setup_token(&self, token_hash: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn setup_token_exists(&self, token_hash: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM setup_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_one(self.reader())
            .await?;
        Ok(n > 0)
    }

    async fn seed_categories(&self, classes: &[Category]) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM categories").fetch_one(&mut *tx).await?;
        if existing > 0 {
            return Ok(0);
        }
        for (i, c) in classes.iter().enumerate() {
            sqlx::query(
                "INSERT INTO categories (code, name, parent_code, level, path, active, sort_order) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&c.code)
            .bind(&c.name)
            .bind(&c.parent)
            .bind(i64::from(c.level))
            .bind(&c.path)
            .bind(c.active)
            .bind(i as i64)
            .execute(&mut *tx)
            .await?;
        }
        bump_setting_version(&mut tx, "categories").await?;
        tx.commit().await?;
        Ok(classes.len())
    }

    async fn categories(&self) -> StoreResult<Vec<Category>> {
        let rows = sqlx::query(
            "SELECT code, name, parent_code, level, path, active FROM categories ORDER BY sort_order",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                let level: i64 = row.try_get("level")?;
                Ok(Category {
                    code: row.try_get("code")?,
                    name: row.try_get("name")?,
                    parent: row.try_get("parent_code")?,
                    level: u8::try_from(level).map_err(corrupt)?,
                    path: row.try_get("path")?,
                    active: row.try_get("active")?,
                })
            })
            .collect()
    }

    async fn save_categories(&self, classes: &[Category]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for c in classes {
            sqlx::query(
                "INSERT INTO categories (code, name, parent_code, level, path, active, sort_order) \
                 VALUES ($1, $2, $3, $4, $5, $6, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM categories)) \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, path = excluded.path, active = excluded.active",
            )
            .bind(&c.code)
            .bind(&c.name)
            .bind(&c.parent)
            .bind(i64::from(c.level))
            .bind(&c.path)
            .bind(c.active)
            .execute(&mut *tx)
            .await
            .map_err(|e| on_violation(e, "code", "parent"))?;
        }
        bump_setting_version(&mut tx, "categories").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn setting_version(&self, name: &str) -> StoreResult<i64> {
        let found: Option<i64> = sqlx::query_scalar("SELECT version FROM setting_versions WHERE name = $1")
            .bind(name)
            .fetch_optional(self.reader())
            .await?;
        Ok(found.unwrap_or(0))
    }

    async fn holiday_years(&self) -> StoreResult<Vec<(i32, String)>> {
        let rows = sqlx::query("SELECT year, file FROM holiday_years ORDER BY year").fetch_all(self.reader()).await?;
        rows.iter()
            .map(|r| {
                let year: i64 = r.try_get("year")?;
                Ok((i32::try_from(year).map_err(corrupt)?, r.try_get("file")?))
            })
            .collect()
    }

    async fn put_holiday_year(&self, year: i32, file: &str, source: &str, at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO holiday_years (year, file, source, loaded_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (year) DO UPDATE SET file = excluded.file, source = excluded.source, loaded_at = excluded.loaded_at",
        )
        .bind(i64::from(year))
        .bind(file)
        .bind(source)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        bump_setting_version(&mut tx, "calendar").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn seed_holiday_years(&self, years: &[(i32, &str)], at: chrono::DateTime<chrono::Utc>) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        for (year, file) in years {
            let done = sqlx::query(
                "INSERT INTO holiday_years (year, file, source, loaded_at) VALUES ($1, $2, 'shipped', $3) \
                 ON CONFLICT (year) DO NOTHING",
            )
            .bind(i64::from(*year))
            .bind(*file)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            added += done.rows_affected() as usize;
        }
        bump_setting_version(&mut tx, "calendar").await?;
        tx.commit().await?;
        Ok(added)
    }

    async fn limit_rules_for(&self, unit_id: i64) -> StoreResult<Option<huiyin_core::limits::LimitRules>> {
        let rules: Option<Json<huiyin_core::limits::LimitRules>> = sqlx::query_scalar(
            "WITH RECURSIVE up(id, parent_id, depth) AS ( \
               SELECT id, parent_id, 0 FROM units WHERE id = $1 \
               UNION ALL SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id) \
             SELECT l.rules FROM up JOIN unit_limits l ON l.unit_id = up.id ORDER BY up.depth LIMIT 1",
        )
        .bind(unit_id)
        .fetch_optional(self.reader())
        .await?;
        Ok(rules.map(|Json(r)| r))
    }

    async fn set_unit_limits(
        &self,
        unit_id: i64,
        rules: &huiyin_core::limits::LimitRules,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO unit_limits (unit_id, rules, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (unit_id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at",
        )
        .bind(unit_id)
        .bind(Json(rules))
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "unit", "unit"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn register_cases(&self, cases: &[NewCase]) -> StoreResult<Vec<i64>> {
        let mut tx = self.begin_write().await?;
        // Look each unit and registering user up once per batch.
        let mut unit_ids: HashMap<String, i64> = HashMap::new();
        let mut actors: HashMap<i64, String> = HashMap::new();
        let mut accused_users: HashMap<String, i64> = HashMap::new();
        let mut blocks: HashMap<(i64, i64), i64> = HashMap::new();
        for case in cases {
            let code = case.registration.unit.as_str();
            if !unit_ids.contains_key(code) {
                let id: i64 = sqlx::query_scalar("SELECT id FROM units WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::UnknownReference("unit"))?;
                unit_ids.insert(code.to_owned(), id);
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = actors.entry(case.actor_id) {
                let username: String = sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
                    .bind(case.actor_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::UnknownReference("user"))?;
                slot.insert(username);
            }
            let named = [
                ("accused.unit", case.registration.accused.as_ref().and_then(|a| a.unit.as_ref())),
                ("place_unit", case.registration.place_unit.as_ref()),
            ];
            for (field, named) in named {
                if let Some(named) = named
                    && !unit_ids.contains_key(named.as_str())
                {
                    let id: i64 = sqlx::query_scalar("SELECT id FROM units WHERE code = $1")
                        .bind(named.as_str())
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StoreError::UnknownReference(field))?;
                    unit_ids.insert(named.as_str().to_owned(), id);
                }
            }
            if let Some(username) = case.registration.accused.as_ref().and_then(|a| a.user.as_ref())
                && !accused_users.contains_key(username)
            {
                let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                    .bind(username)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::UnknownReference("accused.user"))?;
                accused_users.insert(username.clone(), id);
            }
            *blocks.entry((unit_ids[code], china_year(&case.registration))).or_default() += 1;
        }
        // Reserve a block of case numbers per unit and year with one statement each.
        let mut next_seq: HashMap<(i64, i64), i64> = HashMap::new();
        for ((unit_id, year), count) in blocks {
            let last: i64 = sqlx::query_scalar(
                "INSERT INTO case_counters (unit_id, year, last_seq) VALUES ($1, $2, $3) \
                 ON CONFLICT (unit_id, year) DO UPDATE SET last_seq = case_counters.last_seq + $3 RETURNING last_seq",
            )
            .bind(unit_id)
            .bind(year)
            .bind(count)
            .fetch_one(&mut *tx)
            .await?;
            next_seq.insert((unit_id, year), last - count + 1);
        }
        let mut tally: HashMap<(i64, i64, &'static str, &'static str), i64> = HashMap::new();
        let mut ids = Vec::with_capacity(cases.len());
        let mut search = Vec::with_capacity(cases.len());
        for case in cases {
            let reg = &case.registration;
            let unit_id = unit_ids[reg.unit.as_str()];
            let year = china_year(reg);
            let seq = next_seq.get_mut(&(unit_id, year)).ok_or_else(|| corrupt("case number block"))?;
            let case_number = CaseNumber::new(&reg.unit, i32::try_from(year).map_err(corrupt)?, *seq).as_str().to_owned();
            *seq += 1;
            let event = Event {
                seq: 1,
                occurred_at: reg.received_at,
                recorded_at: case.recorded_at,
                actor: actors[&case.actor_id].clone(),
                note: case.note.clone(),
                data: EventData::Registered { case_number: case_number.clone(), registration: Box::new(reg.clone()) },
            };
            let state = CaseState::derive(std::slice::from_ref(&event)).ok_or_else(|| corrupt("registration"))?;
            let p = &reg.petitioner;
            let case_id: i64 = sqlx::query_scalar(
                "INSERT INTO cases (unit_id, case_number, query_code_hash, status, channel, received_at, registered_at, \
                 first_receiver_id, owner_id, holding_unit_id, petitioner_name, petitioner_id_number, petitioner_phone, \
                 petitioner_address, headcount, category_code, category_path, purpose, content, flags, state, version, updated_at, \
                 next_due, accused_unit_id, place_unit_id, accused_user_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $1, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1, $7, $20, \
                 $21, $22, $23) RETURNING id",
            )
            .bind(unit_id)
            .bind(&case_number)
            .bind(&case.query_code_hash)
            .bind(state.status.code())
            .bind(reg.channel.code())
            .bind(reg.received_at)
            .bind(case.recorded_at)
            .bind(case.actor_id)
            .bind(&p.name)
            .bind(p.id.as_ref().map(|d| d.number.as_str()))
            .bind(p.phone.as_ref().map(|ph| ph.as_str()))
            .bind(&p.address)
            .bind(i64::from(reg.headcount))
            .bind(&reg.category.code)
            .bind(&reg.category.path)
            .bind(reg.purpose.code())
            .bind(&reg.content)
            .bind(Json(flag_codes(&state)))
            .bind(Json(&state))
            .bind(next_due(&case.deadlines))
            .bind(reg.accused.as_ref().and_then(|a| a.unit.as_ref()).map(|u| unit_ids[u.as_str()]))
            .bind(reg.place_unit.as_ref().map(|u| unit_ids[u.as_str()]))
            .bind(reg.accused.as_ref().and_then(|a| a.user.as_ref()).map(|u| accused_users[u.as_str()]))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| on_violation(e, "case_number", "unit"))?;
            write_deadlines(&mut tx, case_id, &case.deadlines, false).await?;
            search.push(SearchEntry { case_id, tokens: &case.search.tokens, bands: &case.search.bands });
            sqlx::query(
                "INSERT INTO case_events (case_id, seq, kind, occurred_at, recorded_at, actor_id, note, payload) \
                 VALUES ($1, 1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(case_id)
            .bind(event.data.kind())
            .bind(event.occurred_at)
            .bind(event.recorded_at)
            .bind(case.actor_id)
            .bind(&event.note)
            .bind(Json(&event.data))
            .execute(&mut *tx)
            .await?;
            *tally.entry((unit_id, unit_id, state.status.code(), reg.channel.code())).or_default() += 1;
            ids.push(case_id);
        }
        write_search(&mut tx, &search, SearchWrite::New).await?;
        for ((unit_id, holding_unit_id, status, channel), n) in tally {
            add_to_tally(&mut tx, unit_id, holding_unit_id, status, channel, n).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn append_event(&self, case_id: i64, expected_version: i64, event: &NewEvent) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let (owner_id, holding_unit_id) = user_and_unit_ids(&mut tx, &event.state.owner, &event.state.holding_unit).await?;
        let before = sqlx::query("SELECT unit_id, holding_unit_id, status, channel FROM cases WHERE id = $1 AND version = $2")
            .bind(case_id)
            .bind(expected_version)
            .fetch_optional(&mut *tx)
            .await?;
        let updated = sqlx::query(
            "UPDATE cases SET status = $1, owner_id = $2, holding_unit_id = $3, flags = $4, state = $5, \
             query_code_hash = COALESCE($6, query_code_hash), version = version + 1, updated_at = $7, \
             accused_unit_id = CASE WHEN $10 THEN (SELECT id FROM units WHERE code = $11) ELSE accused_unit_id END, \
             accused_user_id = CASE WHEN $10 THEN (SELECT id FROM users WHERE username = $12) ELSE accused_user_id END \
             WHERE id = $8 AND version = $9",
        )
        .bind(event.state.status.code())
        .bind(owner_id)
        .bind(holding_unit_id)
        .bind(Json(flag_codes(&event.state)))
        .bind(Json(&event.state))
        .bind(&event.new_query_code_hash)
        .bind(event.recorded_at)
        .bind(case_id)
        .bind(expected_version)
        // 更正被反映对象 (GEN-7): the row follows, so that every list and read sees the new accused.
        .bind(matches!(event.data, EventData::AccusedSet { .. }))
        .bind(match &event.data {
            EventData::AccusedSet { unit, .. } => unit.clone(),
            _ => None,
        })
        .bind(match &event.data {
            EventData::AccusedSet { user, .. } => user.clone(),
            _ => None,
        })
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_one(&mut *tx)
                .await?;
            return Err(if exists == 0 { StoreError::NotFound } else { StoreError::Conflict });
        }
        write_deadlines(&mut tx, case_id, &event.deadlines, true).await?;
        if let Some(tokens) = &event.search_tokens {
            write_search(&mut tx, &[SearchEntry { case_id, tokens, bands: &[] }], SearchWrite::Words).await?;
        }
        for blob in &event.blobs {
            sqlx::query(
                "INSERT INTO blobs (sha256, media_type, size, bytes, created_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (sha256) DO NOTHING",
            )
            .bind(&blob.sha256)
            .bind(&blob.media_type)
            .bind(i64::try_from(blob.bytes.len()).map_err(corrupt)?)
            .bind(&blob.bytes)
            .bind(event.recorded_at)
            .execute(&mut *tx)
            .await?;
        }
        // The version matched, so the row read above is the row just replaced: move its tally.
        if let Some(row) = before {
            let unit_id: i64 = row.try_get("unit_id")?;
            let old_holding: i64 = row.try_get("holding_unit_id")?;
            let old_status: String = row.try_get("status")?;
            let channel: String = row.try_get("channel")?;
            let new_status = event.state.status.code();
            if old_holding != holding_unit_id || old_status != new_status {
                add_to_tally(&mut tx, unit_id, old_holding, &old_status, &channel, -1).await?;
                add_to_tally(&mut tx, unit_id, holding_unit_id, new_status, &channel, 1).await?;
            }
        }
        sqlx::query(
            "INSERT INTO case_events (case_id, seq, kind, occurred_at, recorded_at, actor_id, note, payload) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(case_id)
        .bind(expected_version + 1)
        .bind(event.data.kind())
        .bind(event.occurred_at)
        .bind(event.recorded_at)
        .bind(event.actor_id)
        .bind(&event.note)
        .bind(Json(&event.data))
        .execute(&mut *tx)
        .await
        .map_err(|e| match on_violation(e, "seq", "user") {
            StoreError::Duplicate(_) => StoreError::Conflict,
            other => other,
        })?;
        tx.commit().await?;
        Ok(())
    }

    async fn case_file(&self, case_id: i64) -> StoreResult<Option<CaseFile>> {
        let Some(row) = sqlx::query(
            "SELECT c.id, c.unit_id, n.code AS unit_code, n.name AS unit_name, c.holding_unit_id, c.accused_unit_id, \
             c.accused_user_id, c.version, c.query_code_hash \
             FROM cases c JOIN units n ON n.id = c.unit_id WHERE c.id = $1",
        )
        .bind(case_id)
        .fetch_optional(self.reader())
        .await?
        else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "SELECT e.seq, e.occurred_at, e.recorded_at, u.username AS actor, e.note, e.payload \
             FROM case_events e JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.seq",
        )
        .bind(case_id)
        .fetch_all(self.reader())
        .await?;
        let events: Vec<Event> = rows.iter().map(event_from_row).collect::<StoreResult<_>>()?;
        let deadline_rows = sqlx::query(
            "SELECT kind, start_day, limit_rule, extension_days, due, provisional, met_at FROM case_deadlines \
             WHERE case_id = $1 ORDER BY start_day, kind",
        )
        .bind(case_id)
        .fetch_all(self.reader())
        .await?;
        let mut deadlines = deadline_rows.iter().map(deadline_from_row).collect::<StoreResult<Vec<_>>>()?;
        deadlines.sort_by_key(|d| (d.start, DeadlineKind::ALL.iter().position(|k| *k == d.kind)));
        let state = CaseState::derive(&events).ok_or_else(|| corrupt(format!("case {case_id} has no registration")))?;
        let registration = match events.first().map(|e| &e.data) {
            Some(EventData::Registered { registration, .. }) => (**registration).clone(),
            _ => return Err(corrupt(format!("case {case_id} has no registration"))),
        };
        Ok(Some(CaseFile {
            id: row.try_get("id")?,
            unit_id: row.try_get("unit_id")?,
            unit_code: row.try_get("unit_code")?,
            unit_name: row.try_get("unit_name")?,
            holding_unit_id: row.try_get("holding_unit_id")?,
            accused_unit_id: row.try_get("accused_unit_id")?,
        accused_user_id: row.try_get("accused_user_id")?,
            version: row.try_get("version")?,
            query_code_hash: row.try_get("query_code_hash")?,
            registration,
            state,
            events,
            deadlines,
        }))
    }

    async fn blob(&self, sha256: &str) -> StoreResult<Option<huiyin_store::Blob>> {
        let row = sqlx::query("SELECT sha256, media_type, bytes FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(self.reader())
            .await?;
        row.map(|r| {
            Ok(huiyin_store::Blob { sha256: r.try_get("sha256")?, media_type: r.try_get("media_type")?, bytes: r.try_get("bytes")? })
        })
        .transpose()
    }

    async fn case_id_by_number(&self, case_number: &str) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM cases WHERE case_number = $1")
            .bind(case_number)
            .fetch_optional(self.reader())
            .await?)
    }

    async fn list_cases(&self, query: &CaseQuery) -> StoreResult<Page<CaseSummary>> {
        let per_page = query.per_page.clamp(1, 200);
        let page = query.page.max(1);
        if query.scope.is_empty() {
            return Ok(Page { items: Vec::new(), total: 0, total_exact: true, page, per_page });
        }
        if let Some(search) = query.search.as_ref().filter(|s| !s.terms.is_empty()) {
            return search_cases(self, query, &search.terms, &search.phrase, per_page, page).await;
        }
        // The total: from the tally when only status and channel narrow the list, else by counting.
        let tally_answers = query.received_from.is_none()
            && query.received_before.is_none()
            && query.exact.is_none()
            && query.due_by.is_none()
            && query.owner.is_none()
            && query.hidden_accusers_of.is_empty();
        let mut total = 0i64;
        let mut parts = Vec::with_capacity(2);
        for part in [ScopePart::Registered, ScopePart::HeldOnly] {
            let mut count = if tally_answers {
                sqlx::QueryBuilder::<Db>::new("SELECT CAST(COALESCE(SUM(c.n), 0) AS BIGINT) FROM case_tally c")
            } else {
                sqlx::QueryBuilder::<Db>::new("SELECT COUNT(*) FROM cases c")
            };
            push_scope(&mut count, part, &query.scope, Access::ScopeIndex);
            push_filters(&mut count, query);
            let n: i64 = count.build_query_scalar().fetch_one(self.reader()).await?;
            total += n;
            // An empty part is not read again: scanning for rows that are not there is the slow case.
            if n > 0 {
                parts.push((part, n));
            }
        }
        let all_cases: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM case_tally")
            .fetch_one(self.reader())
            .await?;
        // The page: the first rows of each part in order, merged, then fetched whole.
        let offset = (u64::from(page) - 1) * u64::from(per_page);
        let wanted = i64::try_from(offset + u64::from(per_page)).map_err(corrupt)?;
        type Key = (i64, chrono::DateTime<chrono::Utc>, String, Option<chrono::NaiveDate>);
        let mut keys: Vec<Key> = Vec::new();
        for (part, matched) in parts {
            // One case in fifty or more: the sort order's index finds a page within a few thousand rows.
            let access = match part {
                ScopePart::Registered if matched.saturating_mul(50) >= all_cases => Access::SortOrder,
                _ => Access::ScopeIndex,
            };
            let mut select =
                sqlx::QueryBuilder::<Db>::new("SELECT c.id, c.received_at, c.case_number, c.next_due FROM cases c");
            push_scope(&mut select, part, &query.scope, access);
            push_filters(&mut select, query);
            select.push(order_by(query.sort));
            select.push(" LIMIT ").push_bind(wanted);
            for row in select.build().fetch_all(self.reader()).await? {
                keys.push((row.try_get("id")?, row.try_get("received_at")?, row.try_get("case_number")?, row.try_get("next_due")?));
            }
        }
        keys.sort_by(|a, b| match query.sort {
            CaseSort::ReceivedDesc | CaseSort::Relevance => b.1.cmp(&a.1).then(b.0.cmp(&a.0)),
            CaseSort::ReceivedAsc => a.1.cmp(&b.1).then(a.0.cmp(&b.0)),
            CaseSort::NumberAsc => a.2.cmp(&b.2),
            CaseSort::NumberDesc => b.2.cmp(&a.2),
            CaseSort::DueAsc => (a.3.is_none(), a.3, a.0).cmp(&(b.3.is_none(), b.3, b.0)),
        });
        let ids: Vec<i64> = keys.iter().skip(usize::try_from(offset).map_err(corrupt)?).take(per_page as usize).map(|k| k.0).collect();
        if ids.is_empty() {
            return Ok(Page { items: Vec::new(), total, total_exact: true, page, per_page });
        }
        let items = summaries(self, &ids).await?;
        Ok(Page { items, total, total_exact: true, page, per_page })
    }

    async fn open_deadlines_after(&self, after: (i64, &str), limit: i64) -> StoreResult<Vec<(i64, Deadline)>> {
        let rows = sqlx::query(
            "SELECT case_id, kind, start_day, limit_rule, extension_days, due, provisional, met_at FROM case_deadlines \
             WHERE met_at IS NULL AND (case_id > $1 OR (case_id = $1 AND kind > $2)) ORDER BY case_id, kind LIMIT $3",
        )
        .bind(after.0)
        .bind(after.1)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(|r| Ok((r.try_get("case_id")?, deadline_from_row(r)?))).collect()
    }

    async fn update_deadline_dues(&self, changed: &[(i64, Deadline)]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for (case_id, d) in changed {
            sqlx::query("UPDATE case_deadlines SET due = $1, provisional = $2 WHERE case_id = $3 AND kind = $4")
                .bind(d.due.date)
                .bind(d.due.provisional)
                .bind(*case_id)
                .bind(d.kind.code())
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE cases SET next_due = (SELECT MIN(due) FROM case_deadlines WHERE case_id = $1 AND met_at IS NULL) \
                 WHERE id = $1",
            )
            .bind(*case_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn due_deadlines(&self, until: chrono::NaiveDate, limit: i64) -> StoreResult<Vec<DueDeadline>> {
        let rows = sqlx::query(
            "SELECT d.case_id, c.case_number, c.holding_unit_id, c.owner_id, c.accused_unit_id, c.accused_user_id, d.kind, d.start_day, d.limit_rule, \
             d.extension_days, d.due, d.provisional, d.met_at FROM case_deadlines d JOIN cases c ON c.id = d.case_id \
             WHERE d.met_at IS NULL AND d.due <= $1 ORDER BY d.due, d.case_id LIMIT $2",
        )
        .bind(until)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DueDeadline {
                    case_id: r.try_get("case_id")?,
                    case_number: r.try_get("case_number")?,
                    unit_id: r.try_get("holding_unit_id")?,
                    owner_id: r.try_get("owner_id")?,
                    accused_unit_id: r.try_get("accused_unit_id")?,
                    accused_user_id: r.try_get("accused_user_id")?,
                    deadline: deadline_from_row(r)?,
                })
            })
            .collect()
    }

    async fn open_supervision_item(&self, due: &DueDeadline, at: chrono::DateTime<chrono::Utc>, notices: &[Notice]) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO supervision_items (case_id, kind, due, unit_id, owner_id, opened_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (case_id, kind, due) DO NOTHING",
        )
        .bind(due.case_id)
        .bind(due.deadline.kind.code())
        .bind(due.deadline.due.date)
        .bind(due.unit_id)
        .bind(due.owner_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let opened = done.rows_affected() == 1;
        if opened {
            write_notices(&mut tx, notices, at).await?;
        }
        tx.commit().await?;
        Ok(opened)
    }

    async fn remind_once(&self, due: &DueDeadline, at: chrono::DateTime<chrono::Utc>, notices: &[Notice]) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO reminders (case_id, kind, due, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT (case_id, kind, due) DO NOTHING",
        )
        .bind(due.case_id)
        .bind(due.deadline.kind.code())
        .bind(due.deadline.due.date)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let first = done.rows_affected() == 1;
        if first {
            write_notices(&mut tx, notices, at).await?;
        }
        tx.commit().await?;
        Ok(first)
    }

    async fn items_to_escalate(&self, due_by: chrono::NaiveDate) -> StoreResult<Vec<ItemToEscalate>> {
        let rows = sqlx::query(
            "SELECT s.id, s.case_id, c.case_number, c.accused_unit_id, c.accused_user_id, s.kind, s.due, s.unit_id, n.code AS unit_code, n.parent_id, \
             u.username AS owner, s.opened_at, NULL AS escalated_to, s.closed_at \
             FROM supervision_items s JOIN cases c ON c.id = s.case_id JOIN units n ON n.id = s.unit_id \
             JOIN users u ON u.id = s.owner_id \
             WHERE s.closed_at IS NULL AND s.escalated_at IS NULL AND s.due <= $1 ORDER BY s.id",
        )
        .bind(due_by)
        .fetch_all(self.reader())
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            // A unit with no unit above has nowhere to escalate to.
            let parent: Option<i64> = r.try_get("parent_id")?;
            if let Some(parent_id) = parent {
                out.push(ItemToEscalate {
                    holding_unit_id: r.try_get("unit_id")?,
                    parent_id,
                    accused_unit_id: r.try_get("accused_unit_id")?,
                    accused_user_id: r.try_get("accused_user_id")?,
                    item: supervision_from_row(r)?,
                });
            }
        }
        Ok(out)
    }

    async fn escalate_item(&self, item_id: i64, to_unit: i64, at: chrono::DateTime<chrono::Utc>, notices: &[Notice]) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE supervision_items SET escalated_to_unit_id = $1, escalated_at = $2 \
             WHERE id = $3 AND escalated_at IS NULL AND closed_at IS NULL",
        )
        .bind(to_unit)
        .bind(at)
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
        let escalated = done.rows_affected() == 1;
        if escalated {
            write_notices(&mut tx, notices, at).await?;
        }
        tx.commit().await?;
        Ok(escalated)
    }

    async fn close_settled_items(&self, at: chrono::DateTime<chrono::Utc>) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE supervision_items SET closed_at = $1 WHERE closed_at IS NULL AND NOT EXISTS ( \
               SELECT 1 FROM case_deadlines d WHERE d.case_id = supervision_items.case_id \
               AND d.kind = supervision_items.kind AND d.due = supervision_items.due AND d.met_at IS NULL)",
        )
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    async fn supervision_items(
        &self,
        units: &[i64],
        blind: &Blindness,
        open_only: bool,
        limit: i64,
    ) -> StoreResult<Vec<SupervisionItem>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = sqlx::QueryBuilder::<Db>::new(select_supervision_items!("WHERE (s.unit_id IN "));
        push_ids(&mut q, units);
        q.push(" OR s.escalated_to_unit_id IN ");
        push_ids(&mut q, units);
        q.push(")");
        push_not_accusing(&mut q, blind);
        if open_only {
            q.push(" AND s.closed_at IS NULL");
        }
        q.push(" ORDER BY s.due, s.id LIMIT ").push_bind(limit);
        let rows = q.build().fetch_all(self.reader()).await?;
        rows.iter().map(supervision_from_row).collect()
    }

    async fn case_supervision_items(&self, case_id: i64) -> StoreResult<Vec<SupervisionItem>> {
        let rows = sqlx::query(
            select_supervision_items!("WHERE s.case_id = $1 ORDER BY s.id"),
        )
        .bind(case_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(supervision_from_row).collect()
    }

    async fn unit_staff(&self, unit_id: i64, roles: &[Role]) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(select_users!("WHERE u.unit_id = $1 AND u.active ORDER BY u.username"))
            .bind(unit_id)
            .fetch_all(self.reader())
            .await?;
        let users = rows.iter().map(user_from_row).collect::<StoreResult<Vec<_>>>()?;
        Ok(users.into_iter().filter(|u| roles.contains(&u.role)).collect())
    }

    async fn send_notices(&self, notices: &[Notice], at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        write_notices(&mut tx, notices, at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn notifications(&self, user_id: i64, blind: &Blindness, limit: i64) -> StoreResult<Vec<Notification>> {
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT n.id, n.case_id, n.kind, n.message, n.created_at, n.read_at FROM notifications n \
             LEFT JOIN cases c ON c.id = n.case_id WHERE n.user_id = ",
        );
        b.push_bind(user_id);
        push_not_accusing(&mut b, blind);
        b.push(" ORDER BY n.id DESC LIMIT ").push_bind(limit);
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter()
            .map(|r| {
                Ok(Notification {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    kind: r.try_get("kind")?,
                    message: r.try_get("message")?,
                    created_at: r.try_get("created_at")?,
                    read_at: r.try_get("read_at")?,
                })
            })
            .collect()
    }

    async fn unread_notifications(&self, user_id: i64, blind: &Blindness) -> StoreResult<i64> {
        let mut b = sqlx::QueryBuilder::<Db>::new(
            "SELECT COUNT(*) FROM notifications n LEFT JOIN cases c ON c.id = n.case_id \
             WHERE n.read_at IS NULL AND n.user_id = ",
        );
        b.push_bind(user_id);
        push_not_accusing(&mut b, blind);
        Ok(b.build_query_scalar().fetch_one(self.reader()).await?)
    }

    async fn mark_notification_read(&self, user_id: i64, id: i64, at: chrono::DateTime<chrono::Utc>) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND user_id = $3")
            .bind(at)
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn outbox_claim(
        &self,
        limit: i64,
        at: chrono::DateTime<chrono::Utc>,
        stale_before: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Vec<OutboxMessage>> {
        // The outer condition repeats the inner one: on PostgreSQL a second sender waiting on a row
        // the first one claimed re-checks it against the committed claim and leaves it (SQLite has
        // one writer at a time).
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(
            "UPDATE outbox SET claimed_at = $1 \
             WHERE sent_at IS NULL AND (claimed_at IS NULL OR claimed_at < $2) AND id IN \
             (SELECT id FROM outbox WHERE sent_at IS NULL AND (claimed_at IS NULL OR claimed_at < $2) ORDER BY id LIMIT $3) \
             RETURNING id, channel, user_id, body",
        )
        .bind(at)
        .bind(stale_before)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut messages: Vec<OutboxMessage> = rows.iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: r.try_get("id")?,
                    channel: r.try_get("channel")?,
                    user_id: r.try_get("user_id")?,
                    body: r.try_get("body")?,
                })
            })
            .collect::<StoreResult<_>>()?;
        messages.sort_by_key(|m| m.id);
        Ok(messages)
    }

    async fn outbox_mark_sent(&self, id: i64, at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn log_personal_data_view(
        &self,
        user_id: i64,
        case_id: i64,
        at: chrono::DateTime<chrono::Utc>,
        purpose: &str,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO personal_data_views (user_id, case_id, viewed_at, purpose) VALUES ($1, $2, $3, $4)")
            .bind(user_id)
            .bind(case_id)
            .bind(at)
            .bind(purpose)
            .execute(&mut *tx)
            .await
            .map_err(|e| on_violation(e, "view", "case"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn personal_data_views(&self, case_id: i64) -> StoreResult<Vec<(String, chrono::DateTime<chrono::Utc>, String)>> {
        let rows = sqlx::query(
            "SELECT u.username, v.viewed_at, v.purpose FROM personal_data_views v JOIN users u ON u.id = v.user_id \
             WHERE v.case_id = $1 ORDER BY v.id",
        )
        .bind(case_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("username")?, r.try_get("viewed_at")?, r.try_get("purpose")?)))
            .collect()
    }

    async fn issued_documents(&self, case_id: i64) -> StoreResult<Vec<IssuedDocument>> {
        let rows = sqlx::query(
            select_issued_documents!("WHERE d.case_id = $1 ORDER BY d.id"),
        )
        .bind(case_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(issued_document_from_row).collect()
    }

    async fn keep_issued_document(&self, case_id: i64, doc: &NewIssuedDocument) -> StoreResult<IssuedDocument> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO blobs (sha256, media_type, size, bytes, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&doc.pdf.sha256)
        .bind(&doc.pdf.media_type)
        .bind(i64::try_from(doc.pdf.bytes.len()).map_err(corrupt)?)
        .bind(&doc.pdf.bytes)
        .bind(doc.issued_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO issued_documents (case_id, kind, issued_by, title, sha256, issued_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id, kind, issued_by) DO NOTHING",
        )
        .bind(case_id)
        .bind(&doc.kind)
        .bind(doc.issued_by)
        .bind(&doc.title)
        .bind(&doc.pdf.sha256)
        .bind(doc.issued_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "document", "case"))?;
        let row = sqlx::query(
            select_issued_documents!("WHERE d.case_id = $1 AND d.kind = $2 AND d.issued_by = $3"),
        )
        .bind(case_id)
        .bind(&doc.kind)
        .bind(doc.issued_by)
        .fetch_one(&mut *tx)
        .await?;
        let kept = issued_document_from_row(&row)?;
        tx.commit().await?;
        Ok(kept)
    }

    async fn document_style(&self, unit_id: i64) -> StoreResult<Option<DocumentStyle>> {
        let row = sqlx::query("SELECT letterhead, signature FROM unit_document_styles WHERE unit_id = $1")
            .bind(unit_id)
            .fetch_optional(self.reader())
            .await?;
        row.map(|r| {
            let signature: String = r.try_get("signature")?;
            Ok(DocumentStyle {
                letterhead: r.try_get("letterhead")?,
                signature: signature.lines().map(str::to_owned).collect(),
            })
        })
        .transpose()
    }

    async fn set_document_style(
        &self,
        unit_id: i64,
        style: &DocumentStyle,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO unit_document_styles (unit_id, letterhead, signature, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (unit_id) DO UPDATE SET letterhead = excluded.letterhead, signature = excluded.signature, \
             updated_at = excluded.updated_at",
        )
        .bind(unit_id)
        .bind(&style.letterhead)
        .bind(style.signature.join("\n"))
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "unit", "unit"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn case_ids_received(
        &self,
        unit_id: i64,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
        statuses: &[Status],
    ) -> StoreResult<Vec<i64>> {
        if statuses.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new("SELECT id FROM cases WHERE unit_id = ");
        b.push_bind(unit_id).push(" AND received_at >= ").push_bind(from);
        b.push(" AND received_at < ").push_bind(to).push(" AND status IN (");
        let mut list = b.separated(", ");
        for status in statuses {
            list.push_bind(status.code());
        }
        b.push(") ORDER BY case_number");
        Ok(b.build_query_scalar().fetch_all(self.reader()).await?)
    }

    async fn petitioner_cases(
        &self,
        keys: &PersonKeys,
        scope: &[i64],
        today: chrono::NaiveDate,
        limit: i64,
    ) -> StoreResult<Vec<CaseMatch>> {
        if keys.is_empty() || scope.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(CASE_MATCH_COLUMNS);
        b.push_bind(today).push(") AS request_lapsed FROM cases c JOIN units n ON n.id = c.unit_id WHERE (");
        let mut any = b.separated(" OR ");
        if let Some(number) = &keys.id_number {
            any.push("c.petitioner_id_number = ").push_bind_unseparated(number.clone());
        }
        if let Some(phone) = &keys.phone {
            any.push("c.petitioner_phone = ").push_bind_unseparated(phone.clone());
        }
        if let Some((name, address)) = &keys.name_address {
            any.push("(c.petitioner_name = ").push_bind_unseparated(name.clone());
            any.push_unseparated(" AND c.petitioner_address = ").push_bind_unseparated(address.clone());
            any.push_unseparated(")");
        }
        b.push(")");
        push_whole_scope(&mut b, scope);
        b.push(" ORDER BY c.received_at DESC, c.id DESC LIMIT ").push_bind(limit);
        b.build().fetch_all(self.reader()).await?.iter().map(case_match_from_row).collect()
    }

    async fn cases_sharing_bands(
        &self,
        bands: &[i64],
        scope: &[i64],
        since: chrono::DateTime<chrono::Utc>,
        until: chrono::DateTime<chrono::Utc>,
        today: chrono::NaiveDate,
        limit: i64,
    ) -> StoreResult<Vec<CaseMatch>> {
        if bands.is_empty() || scope.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(CASE_MATCH_COLUMNS);
        b.push_bind(today).push(") AS request_lapsed FROM ");
        // The statements sharing most bands first, a bounded number of them, before anything is
        // joined: a flood of the same complaint costs a sort, not thousands of look-ups.
        band_index::push_shared(&mut b, bands, (since, until), limit.saturating_mul(4));
        b.push(" JOIN cases c ON c.id = m.case_id JOIN units n ON n.id = c.unit_id WHERE 1 = 1");
        push_whole_scope(&mut b, scope);
        b.push(" ORDER BY m.shared DESC, c.received_at DESC LIMIT ").push_bind(limit);
        b.build().fetch_all(self.reader()).await?.iter().map(case_match_from_row).collect()
    }

    async fn cases_for_index(
        &self,
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<(i64, huiyin_core::case::Registration, Vec<Event>)>> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after_id)
            .bind(limit)
            .fetch_all(self.reader())
            .await?;
        let (Some(first), Some(last)) = (ids.first(), ids.last()) else { return Ok(Vec::new()) };
        let rows = sqlx::query(
            "SELECT e.case_id, e.seq, e.occurred_at, e.recorded_at, u.username AS actor, e.note, e.payload \
             FROM case_events e JOIN users u ON u.id = e.actor_id WHERE e.case_id >= $1 AND e.case_id <= $2 \
             ORDER BY e.case_id, e.seq",
        )
        .bind(first)
        .bind(last)
        .fetch_all(self.reader())
        .await?;
        let mut out: Vec<(i64, huiyin_core::case::Registration, Vec<Event>)> = Vec::with_capacity(ids.len());
        for row in &rows {
            let case_id: i64 = row.try_get("case_id")?;
            let event = event_from_row(row)?;
            match out.last_mut() {
                Some(last) if last.0 == case_id => last.2.push(event),
                _ => {
                    let EventData::Registered { registration, .. } = &event.data else {
                        return Err(corrupt(format!("case {case_id} has no registration")));
                    };
                    out.push((case_id, (**registration).clone(), vec![event]));
                }
            }
        }
        Ok(out)
    }

    async fn put_search_docs(&self, docs: &[(i64, SearchDoc)]) -> StoreResult<()> {
        if docs.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let mut select =
            sqlx::QueryBuilder::<Db>::new(format!("SELECT {id} FROM case_search WHERE {id} IN ", id = fulltext::CASE_ID));
        push_ids(&mut select, &docs.iter().map(|(case_id, _)| *case_id).collect::<Vec<_>>());
        let indexed: std::collections::HashSet<i64> =
            select.build_query_scalar::<i64>().fetch_all(&mut *tx).await?.into_iter().collect();
        let (words, whole): (Vec<SearchEntry>, Vec<SearchEntry>) = docs
            .iter()
            .map(|(case_id, doc)| SearchEntry { case_id: *case_id, tokens: &doc.tokens, bands: &doc.bands })
            .partition(|entry| indexed.contains(&entry.case_id));
        write_search(&mut tx, &words, SearchWrite::Words).await?;
        write_search(&mut tx, &whole, SearchWrite::All).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn search_coverage(&self) -> StoreResult<(i64, i64)> {
        let indexed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_search").fetch_one(self.reader()).await?;
        let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(self.reader()).await?;
        Ok((indexed, cases))
    }

    async fn search_words(&self) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT word FROM search_words ORDER BY word").fetch_all(self.reader()).await?)
    }

    async fn add_search_words(
        &self,
        words: &[String],
        by: Option<i64>,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        for word in words {
            let done = sqlx::query(
                "INSERT INTO search_words (word, added_by, added_at) VALUES ($1, $2, $3) ON CONFLICT (word) DO NOTHING",
            )
            .bind(word)
            .bind(by)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            added += done.rows_affected() as usize;
        }
        tx.commit().await?;
        Ok(added)
    }

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
            .map(|r| Ok(SkipLevelCount { unit_code: r.try_get("code")?, unit_name: r.try_get("name")?, cases: r.try_get("cases")? }))
            .collect()
    }

    async fn count_failure(
        &self,
        scope: &str,
        key: &str,
        at: chrono::DateTime<chrono::Utc>,
        window_start: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let failures: i64 = sqlx::query_scalar(
            "INSERT INTO guard_failures (scope, key, since, failures) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (scope, key) DO UPDATE SET \
             failures = CASE WHEN guard_failures.since < $4 THEN 1 ELSE guard_failures.failures + 1 END, \
             since = CASE WHEN guard_failures.since < $4 THEN $3 ELSE guard_failures.since END \
             RETURNING failures",
        )
        .bind(scope)
        .bind(key)
        .bind(at)
        .bind(window_start)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(failures)
    }

    async fn forgive_failure(&self, scope: &str, key: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE guard_failures SET failures = failures - 1 WHERE scope = $1 AND key = $2 AND failures > 0")
            .bind(scope)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn purge_failures(&self, before: chrono::DateTime<chrono::Utc>) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM guard_failures WHERE since < $1").bind(before).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    async fn clear_failures(&self, scope: &str, key: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM guard_failures WHERE scope = $1 AND key = $2").bind(scope).bind(key).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session_load(&self, id: &str) -> StoreResult<Option<SessionRow>> {
        let row = sqlx::query("SELECT data, expires_at FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_optional(self.reader())
            .await?;
        row.map(|r| Ok(SessionRow { data: r.try_get("data")?, expires_at: r.try_get("expires_at")? }))
            .transpose()
    }

    async fn session_save(&self, id: &str, row: &SessionRow) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(id)
        .bind(&row.data)
        .bind(row.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session_insert_new(&self, id: &str, row: &SessionRow) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
            .bind(id)
            .bind(&row.data)
            .bind(row.expires_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn session_delete(&self, id: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn claim_submission(
        &self,
        key_hash: &str,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<SubmissionClaim> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM online_submissions WHERE key_hash = $1 AND case_id IS NULL AND claimed_at < $2")
            .bind(key_hash)
            .bind(stale_before)
            .execute(&mut *tx)
            .await?;
        let claimed =
            sqlx::query("INSERT INTO online_submissions (key_hash, claimed_at) VALUES ($1, $2) ON CONFLICT (key_hash) DO NOTHING")
                .bind(key_hash)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
        let claim = if claimed {
            SubmissionClaim::Claimed
        } else {
            let row = sqlx::query("SELECT case_id, sealed_code, claimed_at FROM online_submissions WHERE key_hash = $1")
                .bind(key_hash)
                .fetch_one(&mut *tx)
                .await?;
            match row.try_get::<Option<i64>, _>("case_id")? {
                Some(case_id) => SubmissionClaim::Filed {
                    case_id,
                    sealed_code: row.try_get("sealed_code")?,
                    claimed_at: row.try_get("claimed_at")?,
                },
                None => SubmissionClaim::Pending,
            }
        };
        tx.commit().await?;
        Ok(claim)
    }

    async fn finish_submission(&self, key_hash: &str, case_id: i64, sealed_code: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE online_submissions SET case_id = $1, sealed_code = $2 WHERE key_hash = $3")
            .bind(case_id)
            .bind(sealed_code)
            .bind(key_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn release_submission(&self, key_hash: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM online_submissions WHERE key_hash = $1 AND case_id IS NULL")
            .bind(key_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn unit_public_info(&self, unit_id: i64) -> StoreResult<Option<UnitPublicInfo>> {
        let row = sqlx::query("SELECT hotline, address, office_hours, procedure FROM unit_public_info WHERE unit_id = $1")
            .bind(unit_id)
            .fetch_optional(self.reader())
            .await?;
        row.map(|r| {
            Ok(UnitPublicInfo {
                hotline: r.try_get("hotline")?,
                address: r.try_get("address")?,
                office_hours: r.try_get("office_hours")?,
                procedure: r.try_get("procedure")?,
            })
        })
        .transpose()
    }

    async fn set_unit_public_info(&self, unit_id: i64, info: &UnitPublicInfo, at: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO unit_public_info (unit_id, hotline, address, office_hours, procedure, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unit_id) DO UPDATE SET hotline = excluded.hotline, \
             address = excluded.address, office_hours = excluded.office_hours, procedure = excluded.procedure, \
             updated_at = excluded.updated_at",
        )
        .bind(unit_id)
        .bind(&info.hotline)
        .bind(&info.address)
        .bind(&info.office_hours)
        .bind(&info.procedure)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "unit", "unit"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn kpi_tallies(
        &self,
        scope: &[i64],
        since: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<huiyin_core::kpi::KpiTallies> {
        use huiyin_core::kpi::{DeadlineTally, KpiTallies};
        use huiyin_core::event::Rating;
        let mut tallies = KpiTallies::default();
        if scope.is_empty() {
            return Ok(tallies);
        }
        let mut deadlines = sqlx::QueryBuilder::<Db>::new("SELECT d.kind, COUNT(*) AS due, SUM(CASE WHEN d.met_at IS NOT NULL AND ");
        deadlines.push(dialect::CHINA_DAY_OF_MET_AT).push(" <= d.due THEN 1 ELSE 0 END) AS on_time");
        deadlines.push(" FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.kind IN ('notice', 'handling')");
        deadlines.push(" AND d.due >= ").push_bind(since);
        deadlines.push(" AND (d.met_at IS NOT NULL OR d.due < ").push_bind(today).push(")");
        push_whole_scope(&mut deadlines, scope);
        deadlines.push(" GROUP BY d.kind");
        for row in deadlines.build().fetch_all(self.reader()).await? {
            let kind: String = row.try_get("kind")?;
            let tally = DeadlineTally {
                due: u64::try_from(row.try_get::<i64, _>("due")?).unwrap_or_default(),
                on_time: u64::try_from(row.try_get::<Option<i64>, _>("on_time")?.unwrap_or_default()).unwrap_or_default(),
            };
            match kind.as_str() {
                "notice" => tallies.acceptance = tally,
                _ => tallies.closure = tally,
            }
        }
        let since_instant = chrono::TimeZone::from_local_datetime(&huiyin_core::case::CHINA_OFFSET, &since.and_time(chrono::NaiveTime::MIN))
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| StoreError::Corrupt(format!("no instant for {since}")))?;
        let mut ratings = sqlx::QueryBuilder::<Db>::new(
            "SELECT e.payload FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'rated' AND e.occurred_at >= ",
        );
        ratings.push_bind(since_instant);
        push_whole_scope(&mut ratings, scope);
        for row in ratings.build().fetch_all(self.reader()).await? {
            let Json(data): Json<EventData> = row.try_get("payload")?;
            if let EventData::Rated { unit, .. } = data {
                let r = &mut tallies.ratings;
                match unit {
                    Rating::Satisfied => r.satisfied += 1,
                    Rating::BasicallySatisfied => r.basically_satisfied += 1,
                    Rating::Dissatisfied => r.dissatisfied += 1,
                }
            }
        }
        Ok(tallies)
    }

    async fn reception_schedule(&self, unit_id: i64) -> StoreResult<Vec<huiyin_core::unit::ReceptionDay>> {
        let rows = sqlx::query(
            "SELECT weekday, leader, title, credential FROM reception_schedule WHERE unit_id = $1 ORDER BY weekday",
        )
        .bind(unit_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(huiyin_core::unit::ReceptionDay {
                    weekday: u8::try_from(r.try_get::<i64, _>("weekday")?).map_err(corrupt)?,
                    leader: r.try_get("leader")?,
                    title: r.try_get("title")?,
                    credential: r.try_get("credential")?,
                })
            })
            .collect()
    }

    async fn set_reception_schedule(
        &self,
        unit_id: i64,
        days: &[huiyin_core::unit::ReceptionDay],
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM reception_schedule WHERE unit_id = $1").bind(unit_id).execute(&mut *tx).await?;
        for day in days {
            sqlx::query(
                "INSERT INTO reception_schedule (unit_id, weekday, leader, title, credential, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(unit_id)
            .bind(i64::from(day.weekday))
            .bind(&day.leader)
            .bind(&day.title)
            .bind(&day.credential)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(|e| on_violation(e, "unit", "unit"))?;
        }
        tx.commit().await?;
        Ok(())
    }
}
