//! The SQLite backend of the huiyin storage API: the embedded default.
//!
//! Owns the SQLite schema (`migrations/`), opening the file (created with its folder if missing) in
//! WAL mode with foreign keys on and `synchronous=FULL`, so that a case acknowledged to a client
//! survives a crash. Writes go through a single-connection pool and `BEGIN IMMEDIATE`, so writers
//! queue instead of failing with "database is locked"; reads use a separate pool.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite, Transaction};

use huiyin_store::StoreResult;

type Db = Sqlite;
type Backend = SqliteStore;

/// A huiyin database in one SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    reader: Pool<Sqlite>,
    writer: Pool<Sqlite>,
}

impl SqliteStore {
    /// The newest migration this huiyin brings (`/readyz` compares the database's).
    fn latest_migration() -> i64 {
        sqlx::migrate!("./migrations").iter().map(|m| m.version).max().unwrap_or_default()
    }

    const NAME: &'static str = "sqlite";

    /// Opens (creating if needed) the database at `url` (`sqlite://path/to/file.db`) and brings its
    /// schema up to date.
    pub async fn open(url: &str) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // 64 MiB of page cache and the file mapped: the search indexes are read back while written.
            .pragma("cache_size", "-65536")
            .pragma("mmap_size", "1073741824");
        if let Some(dir) = Path::new(options.get_filename()).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
        let writer = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
        sqlx::migrate!("./migrations").run(&writer).await?;
        // Lets SQLite refresh its planner statistics where they are missing or stale.
        sqlx::query("PRAGMA optimize=0x10002").execute(&writer).await?;
        // Readers read through the memory map: a small page cache each keeps the server's own
        // memory low however much a list or an export reads (8 readers × 8 MiB).
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true).pragma("cache_size", "-8192"))
            .await?;
        let store = SqliteStore { reader, writer };
        store.chain_existing().await?;
        Ok(store)
    }

    /// `ANALYZE`: fresh planner statistics after a bulk load.
    async fn refresh_statistics(&self) -> huiyin_store::StoreResult<()> {
        sqlx::query("ANALYZE").execute(&self.writer).await?;
        Ok(())
    }

    fn reader(&self) -> &Pool<Sqlite> {
        &self.reader
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }
}

/// Full-text search on SQLite: an FTS5 table whose rowid is the case id.
mod fulltext {
    use huiyin_store::ranking::IdRange;
    use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

    /// The newest matches first (the most recently registered).
    pub const NEWEST: &str = "s.rowid DESC";

    /// Joins the index to `cases c`.
    pub const FROM: &str = " FROM case_search s JOIN cases c ON c.id = s.rowid";

    /// The column of `case_search` that is the case id.
    pub const CASE_ID: &str = "rowid";

    /// `WHERE` the index holds every word.
    pub fn push_match(b: &mut QueryBuilder<Sqlite>, terms: &[String]) {
        b.push(" WHERE s.tokens MATCH ").push_bind(match_expression(terms));
    }

    /// `AND` the case is registered or held in one of these units (the subtrees of the tops): the
    /// units are listed, since FTS5 cannot intersect its words with them.
    pub fn push_subtrees(b: &mut QueryBuilder<Sqlite>, _tops: &[i64], units: &[i64]) {
        crate::sql::filters::push_whole_scope(b, units);
    }

    /// `AND` the case is in the ring: FTS5 reads the words' entries for that range of rowids only.
    pub fn push_ring(b: &mut QueryBuilder<Sqlite>, ring: IdRange) {
        b.push(" AND s.rowid >= ").push_bind(ring.from);
        b.push(" AND s.rowid < ").push_bind(ring.end);
    }

    /// Before a unit moves: the write transaction (`BEGIN IMMEDIATE`) already keeps every other
    /// writer out.
    pub async fn lock_tree(_conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// Before units move in the tree: nothing to do, since a search lists its units (above).
    pub async fn unit_moving(_conn: &mut SqliteConnection, _units: &[i64]) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// After units moved: nothing to do either.
    pub async fn unit_moved(_conn: &mut SqliteConnection, _units: &[i64]) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// The rank, smaller is better (FTS5's `rank` is BM25, negated).
    pub fn push_score(b: &mut QueryBuilder<Sqlite>, _terms: &[String]) {
        b.push("s.rank");
    }

    /// Every word as a quoted string: FTS5 reads them as an AND of terms, never as operators.
    fn match_expression(terms: &[String]) -> String {
        terms.iter().map(|t| format!("\"{}\"", t.replace('"', "\"\""))).collect::<Vec<_>>().join(" ")
    }

    /// Writes cases' words, replacing earlier ones unless the cases are new, in two statements.
    pub async fn write(
        conn: &mut SqliteConnection,
        entries: &[(i64, &[String])],
        new: bool,
    ) -> Result<(), sqlx::Error> {
        if entries.is_empty() {
            return Ok(());
        }
        if !new {
            crate::delete_rows(&mut *conn, "case_search", entries.iter().map(|e| e.0)).await?;
        }
        let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO case_search (rowid, tokens) ");
        insert.push_values(entries, |mut row, (case_id, tokens)| {
            row.push_bind(*case_id).push_bind(tokens.join(" "));
        });
        insert.build().execute(&mut *conn).await?;
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn words_are_quoted_so_that_none_is_an_operator() {
            assert_eq!(super::match_expression(&["拆迁".into(), "or".into()]), "\"拆迁\" \"or\"");
            assert_eq!(super::match_expression(&["a\"b".into()]), "\"a\"\"b\"");
        }
    }
}

/// Near-duplicate candidates on SQLite: a contentless FTS5 index of band tokens whose rowid is the
/// case id, each band's 64 bits written as 16 hexadecimal digits.
mod band_index {
    use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

    /// How many of the newest cases holding one band are counted: a statement that thousands share
    /// costs a bounded read, and the newest are the ones a receiver links.
    const NEWEST_PER_BAND: i64 = 256;

    fn token(band: i64) -> String {
        format!("{:016x}", band as u64)
    }

    /// Writes cases' bands, replacing earlier ones unless the cases are new, in two statements.
    pub async fn write(conn: &mut SqliteConnection, entries: &[(i64, Vec<i64>)], new: bool) -> Result<(), sqlx::Error> {
        if !new && !entries.is_empty() {
            crate::delete_rows(&mut *conn, "case_band_index", entries.iter().map(|e| e.0)).await?;
        }
        let held: Vec<&(i64, Vec<i64>)> = entries.iter().filter(|(_, bands)| !bands.is_empty()).collect();
        if !held.is_empty() {
            let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO case_band_index (rowid, bands) ");
            insert.push_values(held, |mut row, (case_id, bands)| {
                let tokens: Vec<String> = bands.iter().map(|b| token(*b)).collect();
                row.push_bind(*case_id).push_bind(tokens.join(" "));
            });
            insert.build().execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// `(…)`: the cases received from `since` to `until` with how many of `bands` they share (`case_id`,
    /// `shared`), most shared first, at most `limit`. Each band reads its newest holders only.
    pub fn push_shared(
        b: &mut QueryBuilder<Sqlite>,
        bands: &[i64],
        (since, until): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
        limit: i64,
    ) {
        b.push("(SELECT m.case_id, COUNT(*) AS shared FROM (");
        for (i, band) in bands.iter().enumerate() {
            if i > 0 {
                b.push(" UNION ALL ");
            }
            b.push("SELECT case_id FROM (SELECT rowid AS case_id FROM case_band_index WHERE case_band_index MATCH ");
            b.push_bind(format!("\"{}\"", token(*band)));
            b.push(" ORDER BY rowid DESC LIMIT ").push_bind(NEWEST_PER_BAND).push(")");
        }
        b.push(") m JOIN cases w ON w.id = m.case_id WHERE w.received_at >= ").push_bind(since);
        b.push(" AND w.received_at <= ").push_bind(until);
        b.push(" GROUP BY m.case_id ORDER BY shared DESC, m.case_id DESC LIMIT ").push_bind(limit).push(") m");
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn a_band_is_sixteen_hexadecimal_digits() {
            assert_eq!(super::token(-5), "fffffffffffffffb");
            assert_eq!(super::token(255), "00000000000000ff");
        }
    }
}

/// The tamper-evident record's day head on SQLite (`sql::chain`): the one writer holds the
/// database, so reading the head is enough.
mod chain_backend {
    pub const LOCK_DAY: &str = "SELECT entries, last_hash FROM ledger_days WHERE day = $1";
    /// `BEGIN IMMEDIATE` already keeps a second writer out.
    pub const ONE_AT_A_TIME: &str = "SELECT 1";
}

/// What a whole-database transfer does differently on SQLite (`sql::transfer`).
mod transfer_backend {
    use sqlx::{Sqlite, SqliteConnection, Transaction};

    /// Written after the columns of an insert that gives the ids: nothing, SQLite takes them.
    pub const KEEP_IDS: &str = "";

    /// A read transaction on a reader: WAL keeps what its first read sees until it ends, whatever
    /// the writer commits meanwhile.
    pub async fn begin_snapshot(store: &super::SqliteStore) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        store.reader.begin().await
    }

    /// Nothing to set after an import: a rowid after the largest is SQLite's next.
    pub async fn after_import(_conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        Ok(())
    }
}

/// Deletes the rows of an FTS5 table whose rowids are `case_ids`, in one statement.
async fn delete_rows(
    conn: &mut sqlx::SqliteConnection,
    table: &str,
    case_ids: impl Iterator<Item = i64>,
) -> Result<(), sqlx::Error> {
    let mut delete = sqlx::QueryBuilder::<Sqlite>::new(format!("DELETE FROM {table} WHERE rowid IN ("));
    let mut ids = delete.separated(", ");
    for id in case_ids {
        ids.push_bind(id);
    }
    delete.push(")");
    delete.build().execute(&mut *conn).await?;
    Ok(())
}

#[path = "../../store/sql/mod.rs"]
mod sql;
