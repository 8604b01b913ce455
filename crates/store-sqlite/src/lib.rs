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
            .busy_timeout(Duration::from_secs(10));
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

include!("../../store/src/shared_sql.rs");
