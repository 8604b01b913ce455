//! A case list narrowed by words: counted, found newest first in rings, ranked by relevance.

use super::cases::{order_by, summaries};
use super::filters::{push_filters, push_whole_scope};
use super::push_ids;
use crate::{Backend, Db, fulltext};
use chrono::{DateTime, Utc};
use huiyin_store::ranking::{IdRange, RANKED_MATCHES, RING_BLOCK, block_start, ring_start, widened};
use huiyin_store::reach::{self, Reach};
use huiyin_store::{CaseQuery, CaseSort, CaseSummary, Page, StoreResult};
use sqlx::Row;

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
pub(super) async fn search_cases(
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
    let items = summaries(store, &ids, None).await?;
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
            rows.push(Scored {
                id: r.try_get("id")?,
                received_at: r.try_get("received_at")?,
                score: r.try_get("score")?,
            });
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
