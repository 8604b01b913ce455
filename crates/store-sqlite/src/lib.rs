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

type Db = Sqlite;
type Backend = SqliteStore;

/// A huiyin database in one SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    reader: Pool<Sqlite>,
    writer: Pool<Sqlite>,
}

impl SqliteStore {
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
        let reader = SqlitePoolOptions::new().max_connections(8).connect_with(options.read_only(true)).await?;
        Ok(SqliteStore { reader, writer })
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
    use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

    /// Joins the index to `cases c`.
    pub const FROM: &str = " FROM case_search s JOIN cases c ON c.id = s.rowid";

    /// `WHERE` the index holds every word.
    pub fn push_match(b: &mut QueryBuilder<Sqlite>, terms: &[String]) {
        b.push(" WHERE s.tokens MATCH ").push_bind(match_expression(terms));
    }

    /// Best rank first (FTS5's `rank` is BM25, smaller is better).
    pub fn push_rank(b: &mut QueryBuilder<Sqlite>, _terms: &[String]) {
        b.push("s.rank");
    }

    /// Every word as a quoted string: FTS5 reads them as an AND of terms, never as operators.
    fn match_expression(terms: &[String]) -> String {
        terms.iter().map(|t| format!("\"{}\"", t.replace('"', "\"\""))).collect::<Vec<_>>().join(" ")
    }

    /// Writes a case's words, replacing earlier ones unless the case is new.
    pub async fn write(
        conn: &mut SqliteConnection,
        case_id: i64,
        tokens: &[String],
        new: bool,
    ) -> Result<(), sqlx::Error> {
        if !new {
            sqlx::query("DELETE FROM case_search WHERE rowid = $1").bind(case_id).execute(&mut *conn).await?;
        }
        sqlx::query("INSERT INTO case_search (rowid, tokens) VALUES ($1, $2)")
            .bind(case_id)
            .bind(tokens.join(" "))
            .execute(&mut *conn)
            .await?;
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

include!("../../store/src/shared_sql.rs");
