//! The PostgreSQL backend of the huiyin storage API: for a county or a city on several app servers.
//!
//! Owns the PostgreSQL schema (`migrations/`) and database creation: `open` creates the named
//! database when it does not exist yet, as the SQLite backend creates its file.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Executor, PgConnection, Pool, Postgres, Transaction};

use huiyin_store::StoreResult;

type Db = Postgres;
type Backend = PostgresStore;

/// A huiyin database on a PostgreSQL server.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool<Postgres>,
}

impl PostgresStore {
    /// The newest migration this huiyin brings (`/readyz` compares the database's).
    fn latest_migration() -> i64 {
        sqlx::migrate!("./migrations").iter().map(|m| m.version).max().unwrap_or_default()
    }

    const NAME: &'static str = "postgres";

    /// Connects to `url` (`postgres://user@host/dbname`), creating the database if it is missing,
    /// and brings its schema up to date (migrations take a lock, so several servers may start at once).
    pub async fn open(url: &str) -> StoreResult<PostgresStore> {
        let options = PgConnectOptions::from_str(url)?;
        if let Some(name) = options.get_database() {
            create_database_if_missing(&options, name).await?;
        }
        // No JIT compilation: huiyin's queries are short, and compiling one took longer than running it.
        let options = options.options([("jit", "off")]);
        let pool = PgPoolOptions::new().max_connections(16).connect_with(options).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        let store = PostgresStore { pool };
        store.chain_existing().await?;
        Ok(store)
    }

    /// Closes the pool (before the database is dropped, in tests).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// `VACUUM (ANALYZE)` after a bulk load: planner statistics, and the visibility map that lets
    /// counts be answered from indexes alone. It cannot run inside a transaction.
    async fn refresh_statistics(&self) -> huiyin_store::StoreResult<()> {
        sqlx::raw_sql("VACUUM (ANALYZE)").execute(&self.pool).await?;
        Ok(())
    }

    fn reader(&self) -> &Pool<Postgres> {
        &self.pool
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin().await
    }
}

/// Quotes an identifier for PostgreSQL.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn maintenance_connection(options: &PgConnectOptions) -> Result<PgConnection, sqlx::Error> {
    options.clone().database("postgres").connect().await
}

async fn create_database_if_missing(options: &PgConnectOptions, name: &str) -> Result<(), sqlx::Error> {
    // Try the database itself first: the common case needs no maintenance connection.
    if let Ok(conn) = options.clone().connect().await {
        conn.close().await?;
        return Ok(());
    }
    let mut admin = maintenance_connection(options).await?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(&mut admin)
        .await?;
    if !exists {
        tracing::info!(database = name, "creating the database");
        let sql = format!("CREATE DATABASE {}", quote_ident(name));
        admin.execute(sqlx::raw_sql(AssertSqlSafe(sql))).await?;
    }
    admin.close().await
}

/// Drops a database (for tests that create one per run). Connections to it are ended first.
pub async fn drop_database(url: &str) -> StoreResult<()> {
    let options = PgConnectOptions::from_str(url)?;
    let Some(name) = options.get_database().map(str::to_owned) else {
        return Ok(());
    };
    let mut admin = maintenance_connection(&options).await?;
    let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(&name));
    admin.execute(sqlx::raw_sql(AssertSqlSafe(sql))).await?;
    admin.close().await?;
    Ok(())
}

/// The tamper-evident record's day head on PostgreSQL (`sql::chain`): locked, so that servers
/// writing at once link their records one after the other.
mod chain_backend {
    pub const LOCK_DAY: &str = "SELECT entries, last_hash FROM ledger_days WHERE day = $1 FOR UPDATE";
    /// Servers started at once after the upgrade chain the earlier records once.
    pub const ONE_AT_A_TIME: &str = "SELECT pg_advisory_xact_lock(2023112301)";
}

/// What a whole-database transfer does differently on PostgreSQL (`sql::transfer`).
mod transfer_backend {
    use sqlx::{PgConnection, Postgres, QueryBuilder, Transaction};

    /// Written after the columns of an insert that gives the ids: identity columns take them.
    pub const KEEP_IDS: &str = " OVERRIDING SYSTEM VALUE";

    /// A `REPEATABLE READ` read-only transaction: every statement in it sees the database as it was at
    /// its first, whatever other servers commit meanwhile.
    pub async fn begin_snapshot(store: &super::PostgresStore) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        store.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await
    }

    /// Sets every id sequence after the largest id imported, so that the next row gets a new one.
    pub async fn after_import(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::TEXT FROM information_schema.columns \
              WHERE table_schema = current_schema() AND column_name = 'id' \
                AND pg_get_serial_sequence(quote_ident(table_name), 'id') IS NOT NULL",
        )
        .fetch_all(&mut *conn)
        .await?;
        for table in tables {
            let mut set = QueryBuilder::<Postgres>::new("SELECT setval(pg_get_serial_sequence(");
            set.push_bind(table.clone())
                .push(", 'id'), COALESCE(MAX(id), 0) + 1, false) FROM ")
                .push(format!("\"{table}\""));
            set.build().execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// Full-text search on PostgreSQL: a `tsvector` per case, built from huiyin's own words (no text
/// search configuration or extension), with a GIN index.
mod fulltext {
    use huiyin_store::ranking::{BLOCK_LEVELS, IdRange, block_size};
    use sqlx::{PgConnection, Postgres, QueryBuilder};

    /// The newest matches first (the most recently registered).
    pub const NEWEST: &str = "c.id DESC";

    /// Joins the index to `cases c`.
    pub const FROM: &str = " FROM case_search s JOIN cases c ON c.id = s.case_id";

    /// The column of `case_search` that is the case id.
    pub const CASE_ID: &str = "case_id";

    /// `WHERE` the index holds every word.
    pub fn push_match(b: &mut QueryBuilder<Postgres>, terms: &[String]) {
        b.push(" WHERE s.tokens @@ CAST(").push_bind(tsquery(terms)).push(" AS tsquery)");
    }

    /// `AND` the case is in the ring: its entry holds the lexeme of one of the ring's blocks
    /// (`'b0:243' | 'b1:15'`), so that the GIN index intersects the words with the ring and only the
    /// matches inside it are visited. The ring that reaches the first case is every older case, and
    /// is a bound on the id.
    pub fn push_ring(b: &mut QueryBuilder<Postgres>, ring: IdRange) {
        if ring.from == 0 {
            b.push(" AND s.case_id < ").push_bind(ring.end);
            return;
        }
        let blocks: Vec<String> = ring.blocks().into_iter().map(|(level, n)| lexeme(&block(level, n))).collect();
        b.push(" AND s.tokens @@ CAST(").push_bind(blocks.join(" | ")).push(" AS tsquery)");
    }

    /// The lexeme of a block of case ids: `b`, the size, `:` and its number (no word has a colon).
    fn block(level: u32, number: i64) -> String {
        format!("{}{number}", block_prefix(level))
    }

    fn block_prefix(level: u32) -> String {
        format!("b{level}:")
    }

    /// The rank, smaller is better.
    pub fn push_score(b: &mut QueryBuilder<Postgres>, terms: &[String]) {
        b.push("CAST(-ts_rank(s.tokens, CAST(").push_bind(tsquery(terms)).push(" AS tsquery)) AS DOUBLE PRECISION)");
    }

    fn lexeme(word: &str) -> String {
        format!("'{}'", word.replace('\\', "\\\\").replace('\'', "''"))
    }

    /// `'w1' & 'w2'`: quoted lexemes are taken as they are, without a parser or dictionary.
    fn tsquery(terms: &[String]) -> String {
        terms.iter().map(|t| lexeme(t)).collect::<Vec<_>>().join(" & ")
    }

    /// `'w1':1,4 'w2':2`: each word with its positions (PostgreSQL keeps positions up to 16383).
    fn tsvector(tokens: &[String]) -> String {
        let mut positions: std::collections::BTreeMap<&str, Vec<usize>> = std::collections::BTreeMap::new();
        for (i, token) in tokens.iter().enumerate().take(16_383) {
            // A lexeme is at most 2047 bytes; our words are far shorter, but a pasted run may not be.
            if !token.is_empty() && token.len() < 2048 {
                positions.entry(token).or_default().push(i + 1);
            }
        }
        positions
            .into_iter()
            .map(|(word, at)| {
                let at: Vec<String> = at.iter().take(256).map(usize::to_string).collect();
                format!("{}:{}", lexeme(word), at.join(","))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Writes cases' words, replacing earlier ones (an upsert either way), in one statement, with
    /// the lexemes of the case's blocks and of the units above its units (migrations 0014 and 0015
    /// say what they are).
    pub async fn write(conn: &mut PgConnection, entries: &[(i64, &[String])], _new: bool) -> Result<(), sqlx::Error> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut insert = QueryBuilder::<Postgres>::new(
            "INSERT INTO case_search (case_id, tokens) SELECT c.id, CAST(v.tokens AS tsvector) || array_to_tsvector(ARRAY[",
        );
        for level in 0..BLOCK_LEVELS {
            insert.push(if level == 0 { "'" } else { ", '" });
            insert.push(format!("{}' || (c.id / ", block_prefix(level)));
            insert.push_bind(block_size(level)).push(")");
        }
        insert.push("] || r.lexemes || h.lexemes) FROM (");
        insert.push_values(entries, |mut row, (case_id, tokens)| {
            row.push_bind(*case_id).push_bind(tsvector(tokens));
        });
        insert.push(") AS v (case_id, tokens) JOIN cases c ON c.id = v.case_id");
        insert.push(" JOIN unit_reach r ON r.unit_id = c.unit_id JOIN unit_reach h ON h.unit_id = c.holding_unit_id");
        insert.push(" ON CONFLICT (case_id) DO UPDATE SET tokens = EXCLUDED.tokens");
        insert.build().execute(&mut *conn).await?;
        Ok(())
    }

    /// Before a unit moves: no other move, and no search entry written, until this one commits (a
    /// concurrent move could close a cycle; an entry written meanwhile would keep the old lexemes).
    pub async fn lock_tree(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        sqlx::query("LOCK TABLE units, case_search IN SHARE ROW EXCLUSIVE MODE").execute(&mut *conn).await?;
        Ok(())
    }

    /// Before units move in the tree: the `v:` lexemes of the units at and above the units of
    /// every case registered or held in them leave its entry, as the tree has them now.
    pub async fn unit_moving(conn: &mut PgConnection, units: &[i64]) -> Result<(), sqlx::Error> {
        follow_units(conn, units, "ts_delete(s.tokens, r.lexemes || h.lexemes)").await
    }

    /// After units moved: those cases' entries take the lexemes of the tree as it is now.
    pub async fn unit_moved(conn: &mut PgConnection, units: &[i64]) -> Result<(), sqlx::Error> {
        follow_units(conn, units, "s.tokens || array_to_tsvector(r.lexemes || h.lexemes)").await
    }

    async fn follow_units(conn: &mut PgConnection, units: &[i64], tokens: &str) -> Result<(), sqlx::Error> {
        let mut b = QueryBuilder::<Postgres>::new("UPDATE case_search s SET tokens = ");
        b.push(tokens);
        b.push(" FROM cases c JOIN unit_reach r ON r.unit_id = c.unit_id JOIN unit_reach h ON h.unit_id = c.holding_unit_id");
        b.push(" WHERE c.id = s.case_id AND (c.unit_id = ANY(").push_bind(units.to_vec());
        b.push(") OR c.holding_unit_id = ANY(").push_bind(units.to_vec()).push("))");
        b.build().execute(&mut *conn).await?;
        Ok(())
    }

    /// `AND` the case is registered or held in the subtrees of these units: the GIN index
    /// intersects the words with the tops' `v:` lexemes (migration 0015).
    pub fn push_subtrees(b: &mut QueryBuilder<Postgres>, tops: &[i64], _units: &[i64]) {
        let tops: Vec<String> = tops.iter().map(|id| lexeme(&format!("v:{id}"))).collect();
        b.push(" AND s.tokens @@ CAST(").push_bind(tops.join(" | ")).push(" AS tsquery)");
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn lexemes_are_quoted_and_positions_kept() {
            let words: Vec<String> = ["拆迁", "补偿", "拆迁", "o'k"].iter().map(|w| w.to_string()).collect();
            assert_eq!(tsvector(&words), "'o''k':4 '拆迁':1,3 '补偿':2");
            assert_eq!(tsquery(&words[..2]), "'拆迁' & '补偿'");
        }
    }
}

/// Near-duplicate candidates on PostgreSQL: each case's bands as one array under a GIN index, beside
/// its receipt time under a B-tree, so that a look-up intersects the two.
mod band_index {
    use sqlx::{PgConnection, Postgres, QueryBuilder};

    /// Writes cases' bands, replacing earlier ones (an upsert; a case without bands loses its row).
    pub async fn write(conn: &mut PgConnection, entries: &[(i64, Vec<i64>)], new: bool) -> Result<(), sqlx::Error> {
        let (held, empty): (Vec<_>, Vec<_>) = entries.iter().partition(|(_, bands)| !bands.is_empty());
        if !new && !empty.is_empty() {
            let ids: Vec<i64> = empty.iter().map(|e| e.0).collect();
            sqlx::query("DELETE FROM case_band_index WHERE case_id = ANY($1)").bind(ids).execute(&mut *conn).await?;
        }
        if !held.is_empty() {
            // With each case's receipt time, read from the case (written before its search entry).
            let mut insert = QueryBuilder::<Postgres>::new(
                "INSERT INTO case_band_index (case_id, received_at, bands) \
                 SELECT c.id, c.received_at, v.bands FROM cases c JOIN (",
            );
            insert.push_values(held, |mut row, (case_id, bands)| {
                row.push_bind(*case_id).push_bind(bands.clone());
            });
            insert.push(") AS v (case_id, bands) ON v.case_id = c.id");
            insert.push(" ON CONFLICT (case_id) DO UPDATE SET bands = EXCLUDED.bands");
            insert.build().execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// `(…)`: the cases received from `since` to `until` with how many of `bands` they share (`case_id`,
    /// `shared`), most shared first, at most `limit`.
    pub fn push_shared(
        b: &mut QueryBuilder<Postgres>,
        bands: &[i64],
        (since, until): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
        limit: i64,
    ) {
        b.push("(SELECT i.case_id, (SELECT COUNT(*) FROM unnest(i.bands) x WHERE x = ANY(");
        b.push_bind(bands.to_vec());
        b.push(")) AS shared FROM case_band_index i WHERE i.bands && ");
        b.push_bind(bands.to_vec());
        b.push(" AND i.received_at >= ").push_bind(since);
        b.push(" AND i.received_at <= ").push_bind(until);
        b.push(" ORDER BY shared DESC, i.case_id DESC LIMIT ").push_bind(limit).push(") m");
    }
}

#[path = "../../store/sql/mod.rs"]
mod sql;

/// Creates a new, uniquely named database on the server of `base_url` and returns its URL.
/// For tests and benchmarks that need a fresh database per run; drop it with [`drop_database`].
pub async fn create_scratch_database(base_url: &str, prefix: &str) -> StoreResult<String> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let options = PgConnectOptions::from_str(base_url)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let name = format!("{prefix}_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
    let mut admin = maintenance_connection(&options).await?;
    let sql = format!("CREATE DATABASE {}", quote_ident(&name));
    admin.execute(sqlx::raw_sql(AssertSqlSafe(sql))).await?;
    admin.close().await?;
    let url = options.database(&name).to_url_lossy();
    Ok(url.to_string())
}
