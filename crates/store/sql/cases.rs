//! Registering cases, appending events, reading a case file, and the case list.

use super::filters::{Access, ScopePart, push_filters, push_scope, push_whole_scope};
use super::search::{SearchEntry, SearchWrite, write_search};
use super::supervision::{deadline_from_row, write_deadlines};
use super::tallies::{TallyChanges, add_facts, add_to_tally, china_year, kept_facts, replace_facts};
use super::text_search::search_cases;
use super::{DbRow, chain, corrupt, on_violation, push_ids};
use crate::{Backend, Db};
use futures_util::TryStreamExt;
use huiyin_core::case::{CaseNumber, Channel, Flag};
use huiyin_core::event::{CaseState, Event, EventData, Status};
use huiyin_core::limits::{DeadlineKind, next_due};
use huiyin_core::measure_facts;
use huiyin_store::prelude::*;
use huiyin_store::{CaseFile, CaseQuery, CaseSort, CaseSummary, NewCase, NewEvent, Page, StoreError, StoreResult};
use sqlx::Row;
use sqlx::types::Json;
use std::collections::HashMap;

pub(super) fn event_from_row(row: &DbRow) -> StoreResult<Event> {
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

/// The measures' facts (docs/MEASURES.md) of a case after `event`, its `seq`-th: its registration
/// (a repeat as its flags now say) and deadlines rewritten ([`measure_facts::case_facts`]), a reply
/// or a rating added — the step of the unit that held the case when it was taken.
async fn write_event_facts(
    conn: &mut <Db as sqlx::Database>::Connection,
    case_id: i64,
    units: measure_facts::Units,
    received_at: chrono::DateTime<chrono::Utc>,
    event: &NewEvent,
    seq: i64,
) -> StoreResult<()> {
    let mut changes = TallyChanges::default();
    let kept = kept_facts(conn, case_id).await?;
    let repeat = event.state.flags.contains(&Flag::Repeat);
    let now = measure_facts::case_facts(received_at, repeat, &event.deadlines, &kept, units);
    replace_facts(conn, case_id, &kept, &now, &mut changes).await?;
    let added: Vec<(measure_facts::Fact, i64)> = match &event.data {
        EventData::Replied {} => vec![(measure_facts::reply(seq, event.occurred_at), units.step_by)],
        EventData::Rated { office, unit, .. } => {
            let [office, unit] = measure_facts::rating(seq, event.occurred_at, *office, *unit);
            vec![(office, units.registered_by), (unit, units.step_by)]
        }
        _ => Vec::new(),
    };
    add_facts(conn, case_id, &added, &mut changes).await?;
    changes.apply(conn).await
}

fn flag_codes(state: &CaseState) -> Vec<&'static str> {
    state.flags.iter().map(|f| f.code()).collect()
}

/// 0 for a case flagged 急事急办 (COM-5), 1 otherwise: the flags as their JSON text on both backends.
macro_rules! urgent_first {
    () => {
        "CAST(CASE WHEN CAST(c.flags AS TEXT) LIKE '%\"urgent\"%' THEN 0 ELSE 1 END AS BIGINT)"
    };
}

pub(super) fn order_by(sort: CaseSort) -> &'static str {
    match sort {
        CaseSort::ReceivedDesc => " ORDER BY c.received_at DESC, c.id DESC",
        CaseSort::ReceivedAsc => " ORDER BY c.received_at ASC, c.id ASC",
        CaseSort::NumberAsc => " ORDER BY c.case_number ASC",
        CaseSort::NumberDesc => " ORDER BY c.case_number DESC",
        CaseSort::DueAsc => " ORDER BY c.next_due IS NULL, c.next_due, c.id",
        // An explicit choice for small lists (a holder's work): no index serves the flag.
        CaseSort::UrgentFirst => concat!(" ORDER BY ", urgent_first!(), ", c.next_due IS NULL, c.next_due, c.id"),
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
/// The list rows of the cases `ids`, in that order; with `scope`, only those registered or held in it.
pub(super) async fn summaries(store: &Backend, ids: &[i64], scope: Option<&[i64]>) -> StoreResult<Vec<CaseSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = sqlx::QueryBuilder::<Db>::new(
        "SELECT c.id, c.case_number, c.status, c.channel, c.received_at, n.code AS unit_code, n.name AS unit_name, \
         c.petitioner_name, c.petitioner_phone, c.petitioner_id_number, c.category_path, c.headcount, c.flags, \
         c.content, c.next_due, c.accused_unit_id, c.accused_user_id, EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = c.id \
         AND d.met_at IS NULL AND d.provisional AND d.kind NOT IN ('review_request', 're_review_request')) \
         AS due_provisional \
         FROM cases c JOIN units n ON n.id = c.unit_id WHERE c.id IN ",
    );
    push_ids(&mut rows, ids);
    if let Some(scope) = scope {
        push_whole_scope(&mut rows, scope);
    }
    let mut by_id: HashMap<i64, CaseSummary> = HashMap::new();
    for row in rows.build().fetch_all(store.reader()).await? {
        let summary = summary_from_row(&row)?;
        by_id.insert(summary.id, summary);
    }
    let items: Vec<CaseSummary> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
    Ok(items)
}

impl Backend {
    /// How many cases `query` lists, and the parts of its scope that hold any, each with its count.
    async fn count_scope_parts(&self, query: &CaseQuery) -> StoreResult<(i64, Vec<(ScopePart, i64)>)> {
        // The total: from the tally when only status and channel narrow the list, else by counting.
        let tally_answers = query.received_from.is_none()
            && query.received_before.is_none()
            && query.exact.is_none()
            && query.due_by.is_none()
            && !query.due_provisional
            && query.owner.is_none()
            && query.category.is_none()
            && query.held_by.is_none()
            && query.session.is_none()
            && !query.open_only
            && query.flag.is_none()
            && query.waiting.is_none()
            && query.purpose.is_none()
            && query.place_unit.is_none()
            && query.skip_level.is_none()
            && query.measure.is_none()
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
        Ok((total, parts))
    }

    /// The ids of the first `wanted` cases `query` lists, in its order: the first rows of each part
    /// of the scope, merged.
    async fn first_ids(&self, query: &CaseQuery, parts: &[(ScopePart, i64)], wanted: i64) -> StoreResult<Vec<i64>> {
        let all_cases: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM case_tally")
            .fetch_one(self.reader())
            .await?;
        type Key = (i64, chrono::DateTime<chrono::Utc>, String, Option<chrono::NaiveDate>, i64);
        let mut keys: Vec<Key> = Vec::new();
        for &(part, matched) in parts {
            // One case in fifty or more: the sort order's index finds a page within a few thousand rows.
            let access = match part {
                ScopePart::Registered if matched.saturating_mul(50) >= all_cases => Access::SortOrder,
                _ => Access::ScopeIndex,
            };
            let mut select = sqlx::QueryBuilder::<Db>::new(concat!(
                "SELECT c.id, c.received_at, c.case_number, c.next_due, ",
                urgent_first!(),
                " AS urgent_rank FROM cases c"
            ));
            push_scope(&mut select, part, &query.scope, access);
            push_filters(&mut select, query);
            select.push(order_by(query.sort));
            select.push(" LIMIT ").push_bind(wanted);
            // Row by row: an export reads a hundred thousand keys, which whole rows held at once
            // would make a few hundred megabytes.
            let mut rows = select.build().fetch(self.reader());
            while let Some(row) = rows.try_next().await? {
                keys.push((
                    row.try_get("id")?,
                    row.try_get("received_at")?,
                    row.try_get("case_number")?,
                    row.try_get("next_due")?,
                    row.try_get("urgent_rank")?,
                ));
            }
        }
        keys.sort_by(|a, b| match query.sort {
            CaseSort::ReceivedDesc | CaseSort::Relevance => b.1.cmp(&a.1).then(b.0.cmp(&a.0)),
            CaseSort::ReceivedAsc => a.1.cmp(&b.1).then(a.0.cmp(&b.0)),
            CaseSort::NumberAsc => a.2.cmp(&b.2),
            CaseSort::NumberDesc => b.2.cmp(&a.2),
            CaseSort::DueAsc => (a.3.is_none(), a.3, a.0).cmp(&(b.3.is_none(), b.3, b.0)),
            CaseSort::UrgentFirst => (a.4, a.3.is_none(), a.3, a.0).cmp(&(b.4, b.3.is_none(), b.3, b.0)),
        });
        Ok(keys.into_iter().map(|k| k.0).collect())
    }
}

#[async_trait::async_trait]
impl CaseStore for Backend {
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
        let mut measured = TallyChanges::default();
        let mut ids = Vec::with_capacity(cases.len());
        let mut search = Vec::with_capacity(cases.len());
        let mut chained = Vec::with_capacity(cases.len());
        for case in cases {
            let reg = &case.registration;
            let unit_id = unit_ids[reg.unit.as_str()];
            let year = china_year(reg);
            let seq = next_seq.get_mut(&(unit_id, year)).ok_or_else(|| corrupt("case number block"))?;
            let case_number =
                CaseNumber::new(&reg.unit, i32::try_from(year).map_err(corrupt)?, *seq).as_str().to_owned();
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
                 next_due, accused_unit_id, place_unit_id, accused_user_id, session_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $1, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1, $7, $20, \
                 $21, $22, $23, $24) RETURNING id",
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
            .bind(reg.session.as_ref().map(|s| s.id))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| on_violation(e, "case_number", "unit"))?;
            write_deadlines(&mut tx, case_id, &case.deadlines, false).await?;
            // The measures' facts: the registration, and the deadlines of the unit holding it.
            let units = measure_facts::Units { registered_by: unit_id, step_by: unit_id, holder: unit_id };
            let repeat = state.flags.contains(&Flag::Repeat);
            let facts = measure_facts::case_facts(reg.received_at, repeat, &case.deadlines, &[], units);
            add_facts(&mut tx, case_id, &facts, &mut measured).await?;
            search.push(SearchEntry { case_id, tokens: &case.search.tokens, bands: &case.search.bands });
            let payload = serde_json::to_value(&event.data).map_err(|e| corrupt(format!("event payload: {e}")))?;
            let hash = huiyin_core::chain::EventRecord {
                case_id,
                seq: 1,
                kind: event.data.kind(),
                occurred_at: event.occurred_at,
                recorded_at: event.recorded_at,
                actor_id: Some(case.actor_id),
                note: event.note.as_deref(),
                payload: &payload,
            }
            .hash();
            sqlx::query(
                "INSERT INTO case_events (case_id, seq, kind, occurred_at, recorded_at, actor_id, note, payload, chain_hash) \
                 VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(case_id)
            .bind(event.data.kind())
            .bind(event.occurred_at)
            .bind(event.recorded_at)
            .bind(case.actor_id)
            .bind(&event.note)
            .bind(Json(&payload))
            .bind(huiyin_core::chain::link(None, &hash))
            .execute(&mut *tx)
            .await?;
            chained.push(chain::Entry {
                at: event.recorded_at,
                kind: huiyin_core::chain::RecordKind::Event,
                case_id: Some(case_id),
                item: 1,
                hash,
            });
            *tally.entry((unit_id, unit_id, state.status.code(), reg.channel.code())).or_default() += 1;
            ids.push(case_id);
        }
        write_search(&mut tx, &search, SearchWrite::New).await?;
        for ((unit_id, holding_unit_id, status, channel), n) in tally {
            add_to_tally(&mut tx, unit_id, holding_unit_id, status, channel, n).await?;
        }
        measured.apply(&mut tx).await?;
        chain::append(&mut tx, &chained).await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn append_event(&self, case_id: i64, expected_version: i64, event: &NewEvent) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let (owner_id, holding_unit_id) =
            user_and_unit_ids(&mut tx, &event.state.owner, &event.state.holding_unit).await?;
        let before = sqlx::query(
            "SELECT unit_id, holding_unit_id, status, channel, received_at FROM cases WHERE id = $1 AND version = $2",
        )
        .bind(case_id)
        .bind(expected_version)
        .fetch_optional(&mut *tx)
        .await?;
        let updated = sqlx::query(
            "UPDATE cases SET status = $1, owner_id = $2, holding_unit_id = $3, flags = $4, state = $5, \
             query_code_hash = COALESCE($6, query_code_hash), version = version + 1, updated_at = $7, \
             accused_unit_id = CASE WHEN $10 THEN (SELECT id FROM units WHERE code = $11) ELSE accused_unit_id END, \
             accused_user_id = CASE WHEN $10 THEN (SELECT id FROM users WHERE username = $12) ELSE accused_user_id END, \
             first_receiver_id = COALESCE((SELECT id FROM users WHERE username = $13), first_receiver_id) \
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
        // 领取 (FED-1): the one who takes an online petition becomes its first receiver.
        .bind(&event.state.first_receiver)
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
        if let EventData::Recused { user, .. } = &event.data {
            sqlx::query(
                "INSERT INTO case_recusals (case_id, user_id, recused_at) \
                 SELECT $1, id, $2 FROM users WHERE username = $3 ON CONFLICT DO NOTHING",
            )
            .bind(case_id)
            .bind(event.recorded_at)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        }
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
        if let Some(row) = &before {
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
        // After the list's tally, as a registration writes them (the same order of locks).
        if let Some(row) = &before {
            let units = measure_facts::Units {
                registered_by: row.try_get("unit_id")?,
                step_by: row.try_get("holding_unit_id")?,
                holder: holding_unit_id,
            };
            write_event_facts(&mut tx, case_id, units, row.try_get("received_at")?, event, expected_version + 1)
                .await?;
        }
        let seq = expected_version + 1;
        let payload = serde_json::to_value(&event.data).map_err(|e| corrupt(format!("event payload: {e}")))?;
        let hash = huiyin_core::chain::EventRecord {
            case_id,
            seq,
            kind: event.data.kind(),
            occurred_at: event.occurred_at,
            recorded_at: event.recorded_at,
            actor_id: Some(event.actor_id),
            note: event.note.as_deref(),
            payload: &payload,
        }
        .hash();
        let previous = chain::previous_link(&mut tx, case_id, expected_version).await?;
        sqlx::query(
            "INSERT INTO case_events (case_id, seq, kind, occurred_at, recorded_at, actor_id, note, payload, chain_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(case_id)
        .bind(seq)
        .bind(event.data.kind())
        .bind(event.occurred_at)
        .bind(event.recorded_at)
        .bind(event.actor_id)
        .bind(&event.note)
        .bind(Json(&payload))
        .bind(huiyin_core::chain::link(previous.as_deref(), &hash))
        .execute(&mut *tx)
        .await
        .map_err(|e| match on_violation(e, "seq", "user") {
            StoreError::Duplicate(_) => StoreError::Conflict,
            other => other,
        })?;
        let entry = chain::Entry {
            at: event.recorded_at,
            kind: huiyin_core::chain::RecordKind::Event,
            case_id: Some(case_id),
            item: seq,
            hash,
        };
        chain::append(&mut tx, &[entry]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn recused_cases(&self, user_ids: &[i64]) -> StoreResult<Vec<i64>> {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new("SELECT DISTINCT case_id FROM case_recusals WHERE user_id IN ");
        push_ids(&mut b, user_ids);
        b.push(" ORDER BY case_id");
        Ok(b.build_query_scalar().fetch_all(self.reader()).await?)
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
            Ok(huiyin_store::Blob {
                sha256: r.try_get("sha256")?,
                media_type: r.try_get("media_type")?,
                bytes: r.try_get("bytes")?,
            })
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
        let (total, parts) = self.count_scope_parts(query).await?;
        // The page: the first rows of each part in order, merged, then fetched whole.
        let offset = (u64::from(page) - 1) * u64::from(per_page);
        let wanted = i64::try_from(offset + u64::from(per_page)).map_err(corrupt)?;
        let keys = self.first_ids(query, &parts, wanted).await?;
        let ids: Vec<i64> =
            keys.into_iter().skip(usize::try_from(offset).map_err(corrupt)?).take(per_page as usize).collect();
        if ids.is_empty() {
            return Ok(Page { items: Vec::new(), total, total_exact: true, page, per_page });
        }
        let items = summaries(self, &ids, None).await?;
        Ok(Page { items, total, total_exact: true, page, per_page })
    }

    async fn list_case_ids(&self, query: &CaseQuery, limit: usize) -> StoreResult<Vec<i64>> {
        if query.scope.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        if let Some(search) = query.search.as_ref().filter(|s| !s.terms.is_empty()) {
            // A search's order is its pages' (not counted again for each).
            let query = CaseQuery { count_up_to: Some(0), ..query.clone() };
            let mut ids = Vec::new();
            for page in 1u32.. {
                let found = search_cases(self, &query, &search.terms, &search.phrase, 200, page).await?;
                let last = found.items.len() < 200;
                ids.extend(found.items.into_iter().map(|c| c.id));
                if last || ids.len() >= limit {
                    break;
                }
            }
            ids.truncate(limit);
            return Ok(ids);
        }
        let (_, parts) = self.count_scope_parts(query).await?;
        let mut ids = self.first_ids(query, &parts, i64::try_from(limit).map_err(corrupt)?).await?;
        ids.truncate(limit);
        Ok(ids)
    }

    async fn case_summaries(&self, ids: &[i64], scope: &[i64]) -> StoreResult<Vec<CaseSummary>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        summaries(self, ids, Some(scope)).await
    }

    async fn log_personal_data_view(
        &self,
        user_id: i64,
        case_id: i64,
        at: chrono::DateTime<chrono::Utc>,
        purpose: &str,
    ) -> StoreResult<()> {
        self.log_personal_data_views(user_id, &[case_id], at, purpose).await
    }

    async fn log_personal_data_views(
        &self,
        user_id: i64,
        case_ids: &[i64],
        at: chrono::DateTime<chrono::Utc>,
        purpose: &str,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let mut chained = Vec::with_capacity(case_ids.len());
        for chunk in case_ids.chunks(200) {
            let mut insert = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO personal_data_views (user_id, case_id, viewed_at, purpose) ",
            );
            insert.push_values(chunk, |mut row, case_id| {
                row.push_bind(user_id).push_bind(*case_id).push_bind(at).push_bind(purpose.to_owned());
            });
            insert.push(" RETURNING id, case_id");
            let rows = insert.build().fetch_all(&mut *tx).await.map_err(|e| on_violation(e, "view", "case"))?;
            for row in rows {
                let (id, case_id): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
                let hash = huiyin_core::chain::ViewRecord { id, user_id, case_id, viewed_at: at, purpose }.hash();
                let kind = huiyin_core::chain::RecordKind::View;
                chained.push(chain::Entry { at, kind, case_id: Some(case_id), item: id, hash });
            }
        }
        chained.sort_by_key(|entry| entry.item);
        chain::append(&mut tx, &chained).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn personal_data_views(
        &self,
        case_id: i64,
    ) -> StoreResult<Vec<(String, chrono::DateTime<chrono::Utc>, String)>> {
        let rows = sqlx::query(
            "SELECT u.username, v.viewed_at, v.purpose FROM personal_data_views v JOIN users u ON u.id = v.user_id \
             WHERE v.case_id = $1 ORDER BY v.id",
        )
        .bind(case_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(|r| Ok((r.try_get("username")?, r.try_get("viewed_at")?, r.try_get("purpose")?))).collect()
    }
}
