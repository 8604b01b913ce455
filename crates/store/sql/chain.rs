//! 防篡改记录 (issue 23; FED-13, COM-4): the links of the chains, written in the transaction of the
//! record they cover, and read back for verification (`huiyin_store::ChainStore`). What is hashed
//! is `huiyin_core::chain`'s; the day's head row (`ledger_days`) is locked last in a transaction
//! (after the case and its tallies), so that writers queue on it in one order.

use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::chain::{self, AdminRecord, EventRecord, RecordKind, ViewRecord};
use huiyin_store::{DayHead, EventLink, LedgerRow, Unchained};
use sqlx::Row;
use sqlx::types::Json;

use super::*;

/// A record to put on the chain of the day it was written.
pub(super) struct Entry {
    /// When it was written.
    pub at: DateTime<Utc>,
    pub kind: RecordKind,
    pub case_id: Option<i64>,
    pub item: i64,
    pub hash: String,
}

type Conn = <Db as sqlx::Database>::Connection;

/// Appends the records, in order, to the chain of the day each was written (China time).
pub(super) async fn append(conn: &mut Conn, entries: &[Entry]) -> StoreResult<()> {
    let mut days: Vec<(NaiveDate, Vec<&Entry>)> = Vec::new();
    for entry in entries {
        let day = huiyin_core::limits::china_day(entry.at);
        match days.iter_mut().find(|(d, _)| *d == day) {
            Some((_, of_day)) => of_day.push(entry),
            None => days.push((day, vec![entry])),
        }
    }
    // Days locked in order, so that two writers with records of two days never wait on each other.
    days.sort_by_key(|(day, _)| *day);
    for (day, of_day) in days {
        append_to_day(conn, day, &of_day).await?;
    }
    Ok(())
}

async fn append_to_day(conn: &mut Conn, day: NaiveDate, entries: &[&Entry]) -> StoreResult<()> {
    sqlx::query("INSERT INTO ledger_days (day, entries, last_hash) VALUES ($1, 0, '') ON CONFLICT (day) DO NOTHING")
        .bind(day)
        .execute(&mut *conn)
        .await?;
    let head = sqlx::query(crate::chain_backend::LOCK_DAY).bind(day).fetch_one(&mut *conn).await?;
    let (mut entries_of_day, mut last): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
    for entry in entries {
        entries_of_day += 1;
        let link = chain::link((!last.is_empty()).then_some(last.as_str()), &entry.hash);
        sqlx::query(
            "INSERT INTO ledger (day, seq, kind, case_id, item, record_hash, link) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(day)
        .bind(entries_of_day)
        .bind(entry.kind.code())
        .bind(entry.case_id)
        .bind(entry.item)
        .bind(&entry.hash)
        .bind(&link)
        .execute(&mut *conn)
        .await?;
        last = link;
    }
    sqlx::query("UPDATE ledger_days SET entries = $1, last_hash = $2 WHERE day = $3")
        .bind(entries_of_day)
        .bind(&last)
        .bind(day)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The link of a case's previous event (`seq`), when it has one.
pub(super) async fn previous_link(conn: &mut Conn, case_id: i64, seq: i64) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT chain_hash FROM case_events WHERE case_id = $1 AND seq = $2")
        .bind(case_id)
        .bind(seq)
        .fetch_optional(&mut *conn)
        .await?
        .flatten())
}

fn event_hash(row: &DbRow, prefix: &str) -> Result<Option<String>, sqlx::Error> {
    let column = |name: &str| format!("{prefix}{name}");
    let Some(case_id) = row.try_get::<Option<i64>, _>(column("case_id").as_str())? else { return Ok(None) };
    let payload: Json<serde_json::Value> = row.try_get(column("payload").as_str())?;
    let kind: String = row.try_get(column("kind").as_str())?;
    let note: Option<String> = row.try_get(column("note").as_str())?;
    Ok(Some(
        EventRecord {
            case_id,
            seq: row.try_get(column("seq").as_str())?,
            kind: &kind,
            occurred_at: row.try_get(column("occurred_at").as_str())?,
            recorded_at: row.try_get(column("recorded_at").as_str())?,
            actor_id: row.try_get(column("actor_id").as_str())?,
            note: note.as_deref(),
            payload: &payload.0,
        }
        .hash(),
    ))
}

fn view_hash(row: &DbRow) -> Result<Option<String>, sqlx::Error> {
    let Some(id) = row.try_get::<Option<i64>, _>("v_id")? else { return Ok(None) };
    let purpose: String = row.try_get("v_purpose")?;
    Ok(Some(
        ViewRecord {
            id,
            user_id: row.try_get("v_user_id")?,
            case_id: row.try_get("v_case_id")?,
            viewed_at: row.try_get("v_viewed_at")?,
            purpose: &purpose,
        }
        .hash(),
    ))
}

fn admin_hash(row: &DbRow) -> Result<Option<String>, sqlx::Error> {
    let Some(id) = row.try_get::<Option<i64>, _>("a_id")? else { return Ok(None) };
    let text = |name: &str| row.try_get::<Option<String>, _>(name);
    let (action, target) = (text("a_action")?.unwrap_or_default(), text("a_target")?.unwrap_or_default());
    let (before, after, address) = (text("a_before")?, text("a_after")?, text("a_address")?);
    Ok(Some(
        AdminRecord {
            id,
            at: row.try_get("a_at")?,
            actor_id: row.try_get("a_actor_id")?,
            unit_id: row.try_get("a_unit_id")?,
            action: &action,
            target: &target,
            before: before.as_deref(),
            after: after.as_deref(),
            address: address.as_deref(),
        }
        .hash(),
    ))
}

const EVENT_COLUMNS: &str = "e.case_id AS e_case_id, e.seq AS e_seq, e.kind AS e_kind, e.occurred_at AS e_occurred_at, \
     e.recorded_at AS e_recorded_at, e.actor_id AS e_actor_id, e.note AS e_note, e.payload AS e_payload";

impl Backend {
    /// Chains the records written before the chains existed (migration 0050/0052): each case's
    /// events in order, then every event, view and administration event onto the chain of the day
    /// it was written, by kind and in the order written. Does nothing once any day has a chain.
    pub(crate) async fn chain_existing(&self) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(crate::chain_backend::ONE_AT_A_TIME).execute(&mut *tx).await?;
        // Once, after the migration that made the chains: a ledger emptied later is not rebuilt
        // over what was edited (its records are then on no chain, and `verify` says so).
        let pending: Option<i64> =
            sqlx::query_scalar("SELECT pending FROM chain_backfill WHERE pending = 1").fetch_optional(&mut *tx).await?;
        if pending.is_none() {
            return Ok(());
        }
        let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_events").fetch_one(&mut *tx).await?;
        let views: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM personal_data_views").fetch_one(&mut *tx).await?;
        let admin: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admin_events").fetch_one(&mut *tx).await?;
        if events + views + admin > 0 {
            tracing::info!(events, views, admin, "chaining the records written before the tamper-evident record");
        }
        // Each case's chain, and each event onto its day's chain in the order written.
        let (mut after, mut previous): ((i64, i64), Option<String>) = ((0, 0), None);
        let mut written: Vec<Entry> = Vec::new();
        loop {
            let rows = sqlx::query(
                "SELECT e.case_id AS e_case_id, e.seq AS e_seq, e.kind AS e_kind, e.occurred_at AS e_occurred_at, \
                 e.recorded_at AS e_recorded_at, e.actor_id AS e_actor_id, e.note AS e_note, e.payload AS e_payload \
                 FROM case_events e WHERE (e.case_id, e.seq) > ($1, $2) ORDER BY e.case_id, e.seq LIMIT 5000",
            )
            .bind(after.0)
            .bind(after.1)
            .fetch_all(&mut *tx)
            .await?;
            let Some(last) = rows.last() else { break };
            let next = (last.try_get("e_case_id")?, last.try_get("e_seq")?);
            for row in &rows {
                let (case_id, seq): (i64, i64) = (row.try_get("e_case_id")?, row.try_get("e_seq")?);
                let hash = event_hash(row, "e_")?.unwrap_or_default();
                let prior = if seq > 1 { previous.as_deref() } else { None };
                let link = chain::link(prior, &hash);
                sqlx::query("UPDATE case_events SET chain_hash = $1 WHERE case_id = $2 AND seq = $3")
                    .bind(&link)
                    .bind(case_id)
                    .bind(seq)
                    .execute(&mut *tx)
                    .await?;
                previous = Some(link);
                let at = row.try_get("e_recorded_at")?;
                written.push(Entry { at, kind: RecordKind::Event, case_id: Some(case_id), item: seq, hash });
            }
            after = next;
        }
        for row in sqlx::query(
            "SELECT id AS v_id, user_id AS v_user_id, case_id AS v_case_id, viewed_at AS v_viewed_at, purpose AS v_purpose \
             FROM personal_data_views ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await?
        {
            written.push(Entry {
                at: row.try_get("v_viewed_at")?,
                kind: RecordKind::View,
                case_id: Some(row.try_get("v_case_id")?),
                item: row.try_get("v_id")?,
                hash: view_hash(&row)?.unwrap_or_default(),
            });
        }
        for row in sqlx::query(
            "SELECT id AS a_id, at AS a_at, actor_id AS a_actor_id, unit_id AS a_unit_id, action AS a_action, \
             target AS a_target, before_value AS a_before, after_value AS a_after, address AS a_address \
             FROM admin_events ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await?
        {
            written.push(Entry {
                at: row.try_get("a_at")?,
                kind: RecordKind::Admin,
                case_id: None,
                item: row.try_get("a_id")?,
                hash: admin_hash(&row)?.unwrap_or_default(),
            });
        }
        // In the order written (records of the same instant by kind, then as read).
        written.sort_by_key(|entry| entry.at);
        append(&mut tx, &written).await?;
        sqlx::query("UPDATE chain_backfill SET pending = 0").execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn ledger_row(row: &DbRow) -> StoreResult<LedgerRow> {
    let kind: String = row.try_get("kind")?;
    let kind = RecordKind::parse(&kind).ok_or_else(|| corrupt(format!("ledger kind {kind}")))?;
    let current = match kind {
        RecordKind::Event => event_hash(row, "e_"),
        RecordKind::View => view_hash(row),
        RecordKind::Admin => admin_hash(row),
    };
    // A record that no longer decodes was changed: its hash is none a record could have.
    let current_hash = current.unwrap_or_else(|e| Some(format!("无法读取:{e}")));
    Ok(LedgerRow {
        day: row.try_get("day")?,
        seq: row.try_get("seq")?,
        kind,
        case_id: row.try_get("case_id")?,
        item: row.try_get("item")?,
        record_hash: row.try_get("record_hash")?,
        link: row.try_get("link")?,
        current_hash,
    })
}

#[async_trait::async_trait]
impl huiyin_store::ChainStore for Backend {
    async fn ledger_page(&self, after: Option<(NaiveDate, i64)>, limit: i64) -> StoreResult<Vec<LedgerRow>> {
        let mut b =
            sqlx::QueryBuilder::<Db>::new("SELECT l.day, l.seq, l.kind, l.case_id, l.item, l.record_hash, l.link, ");
        b.push(EVENT_COLUMNS).push(
            ", v.id AS v_id, v.user_id AS v_user_id, v.case_id AS v_case_id, v.viewed_at AS v_viewed_at, \
             v.purpose AS v_purpose, a.id AS a_id, a.at AS a_at, a.actor_id AS a_actor_id, a.unit_id AS a_unit_id, \
             a.action AS a_action, a.target AS a_target, a.before_value AS a_before, a.after_value AS a_after, \
             a.address AS a_address \
             FROM ledger l \
             LEFT JOIN case_events e ON l.kind = 'event' AND e.case_id = l.case_id AND e.seq = l.item \
             LEFT JOIN personal_data_views v ON l.kind = 'view' AND v.id = l.item \
             LEFT JOIN admin_events a ON l.kind = 'admin' AND a.id = l.item",
        );
        if let Some((day, seq)) = after {
            // A row value, so that each page starts where the last ended on the primary key.
            b.push(" WHERE (l.day, l.seq) > (").push_bind(day).push(", ").push_bind(seq).push(")");
        }
        b.push(" ORDER BY l.day, l.seq LIMIT ").push_bind(limit);
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter().map(ledger_row).collect()
    }

    async fn event_links(&self, after: (i64, i64), limit: i64) -> StoreResult<Vec<EventLink>> {
        let rows = sqlx::query(
            "SELECT e.case_id AS e_case_id, e.seq AS e_seq, e.kind AS e_kind, e.occurred_at AS e_occurred_at, \
             e.recorded_at AS e_recorded_at, e.actor_id AS e_actor_id, e.note AS e_note, e.payload AS e_payload, \
             e.chain_hash FROM case_events e WHERE (e.case_id, e.seq) > ($1, $2) \
             ORDER BY e.case_id, e.seq LIMIT $3",
        )
        .bind(after.0)
        .bind(after.1)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(EventLink {
                    case_id: row.try_get("e_case_id")?,
                    seq: row.try_get("e_seq")?,
                    current_hash: event_hash(row, "e_")
                        .unwrap_or_else(|e| Some(format!("无法读取:{e}")))
                        .unwrap_or_default(),
                    chain_hash: row.try_get("chain_hash")?,
                })
            })
            .collect()
    }

    async fn day_heads(&self) -> StoreResult<Vec<DayHead>> {
        let rows = sqlx::query("SELECT day, entries, last_hash FROM ledger_days ORDER BY day")
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|row| Ok(DayHead { day: row.try_get(0)?, entries: row.try_get(1)?, last_hash: row.try_get(2)? }))
            .collect()
    }

    async fn unchained(&self, limit: i64) -> StoreResult<(Vec<Unchained>, [i64; 3])> {
        let mut found = Vec::new();
        let events = sqlx::query(
            "SELECT e.case_id, e.seq FROM case_events e WHERE NOT EXISTS (SELECT 1 FROM ledger l \
             WHERE l.kind = 'event' AND l.case_id = e.case_id AND l.item = e.seq) ORDER BY e.case_id, e.seq LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        for row in events {
            found.push(Unchained { kind: RecordKind::Event, case_id: Some(row.try_get(0)?), item: row.try_get(1)? });
        }
        let views = sqlx::query(
            "SELECT v.case_id, v.id FROM personal_data_views v WHERE NOT EXISTS (SELECT 1 FROM ledger l \
             WHERE l.kind = 'view' AND l.item = v.id) ORDER BY v.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        for row in views {
            found.push(Unchained { kind: RecordKind::View, case_id: Some(row.try_get(0)?), item: row.try_get(1)? });
        }
        let admin = sqlx::query(
            "SELECT a.id FROM admin_events a WHERE NOT EXISTS (SELECT 1 FROM ledger l \
             WHERE l.kind = 'admin' AND l.item = a.id) ORDER BY a.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        for row in admin {
            found.push(Unchained { kind: RecordKind::Admin, case_id: None, item: row.try_get(0)? });
        }
        let mut counts = [0; 3];
        for (i, statement) in [
            "SELECT COUNT(*) FROM case_events",
            "SELECT COUNT(*) FROM personal_data_views",
            "SELECT COUNT(*) FROM admin_events",
        ]
        .into_iter()
        .enumerate()
        {
            counts[i] = sqlx::query_scalar(statement).fetch_one(self.reader()).await?;
        }
        Ok((found, counts))
    }
}
