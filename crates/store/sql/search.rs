//! The search index (words and bands) and intake's lookups of earlier cases.

use super::cases::event_from_row;
use super::filters::push_whole_scope;
use super::{DbRow, corrupt, push_ids};
use crate::{Backend, Db, band_index, fulltext};
use huiyin_core::event::{Event, EventData, Status};
use huiyin_store::prelude::*;
use huiyin_store::{CaseMatch, PersonKeys, SearchDoc, StoreResult};
use sqlx::Row;

/// What a search write replaces: nothing (cases just registered), the words only (after an event),
/// or the words and the bands (rebuilding).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum SearchWrite {
    New,
    Words,
    All,
}

/// One case's search entry: its words, and its statement's bands.
pub(super) struct SearchEntry<'a> {
    pub(super) case_id: i64,
    pub(super) tokens: &'a [String],
    pub(super) bands: &'a [i64],
}

/// Cases per statement when search entries are written.
const SEARCH_ENTRIES_PER_STATEMENT: usize = 500;

/// Writes the search entries of many cases with a few statements: SQLite's FTS5 flushes its pending
/// words to a new segment at every statement inside a transaction, so a statement per case would
/// make a segment per case and spend a bulk load merging them.
pub(super) async fn write_search(
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

#[async_trait::async_trait]
impl SearchStore for Backend {
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
        let mut select = sqlx::QueryBuilder::<Db>::new(format!(
            "SELECT {id} FROM case_search WHERE {id} IN ",
            id = fulltext::CASE_ID
        ));
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
        if added > 0 {
            super::settings::bump_setting_version(&mut tx, super::settings::DICTIONARY).await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn remove_search_word(&self, word: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let removed = sqlx::query("DELETE FROM search_words WHERE word = $1").bind(word).execute(&mut *tx).await?;
        if removed.rows_affected() > 0 {
            super::settings::bump_setting_version(&mut tx, super::settings::DICTIONARY).await?;
        }
        tx.commit().await?;
        Ok(removed.rows_affected() > 0)
    }
}
