//! Test support for the storage conformance suite: opens a fresh database of either backend.
//!
//! PostgreSQL is found at `HUIYIN_TEST_PG_URL` (default `postgres://root@127.0.0.1:5432/postgres`).
//! When it cannot be reached, a PostgreSQL test fails if `CI` is set and is skipped (with a line on
//! stderr) otherwise.

use std::sync::Arc;

use huiyin_store::Store;
use huiyin_store_postgres::PostgresStore;
use huiyin_store_sqlite::SqliteStore;

/// The PostgreSQL server the tests use.
pub fn pg_base_url() -> String {
    std::env::var("HUIYIN_TEST_PG_URL").unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh database that is removed when dropped (the SQLite file with its folder; the PostgreSQL
/// database by name).
pub struct Scratch {
    pub store: Arc<dyn Store>,
    pub url: String,
    pg: Option<PostgresStore>,
    _dir: Option<TempDir>,
}

impl Scratch {
    pub async fn sqlite() -> Scratch {
        let dir = TempDir::new("huiyin-store-test");
        let url = format!("sqlite://{}/huiyin.db", dir.0.display());
        let store = SqliteStore::open(&url).await.expect("open sqlite");
        Scratch { store: Arc::new(store), url, pg: None, _dir: Some(dir) }
    }

    /// `None` when PostgreSQL is unreachable outside CI.
    pub async fn postgres() -> Option<Scratch> {
        let url = match huiyin_store_postgres::create_scratch_database(&pg_base_url(), "huiyin_test").await {
            Ok(url) => url,
            Err(e) if std::env::var_os("CI").is_some() => panic!("PostgreSQL is required in CI: {e}"),
            Err(e) => {
                eprintln!("skipping a PostgreSQL test: {e}");
                return None;
            }
        };
        let store = PostgresStore::open(&url).await.expect("open postgres");
        Some(Scratch { store: Arc::new(store.clone()), url, pg: Some(store), _dir: None })
    }

    /// Closes and drops a PostgreSQL database; a no-op for SQLite (its folder goes on drop).
    pub async fn finish(self) {
        if let Some(pg) = &self.pg {
            pg.close().await;
            huiyin_store_postgres::drop_database(&self.url).await.expect("drop test database");
        }
    }
}

/// A temporary folder removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let path =
            std::env::temp_dir().join(format!("{prefix}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs one async scenario against a fresh SQLite database and a fresh PostgreSQL database:
/// `conformance!(name, scenario_fn)` defines `name::sqlite` and `name::postgres` tests.
#[macro_export]
macro_rules! conformance {
    ($name:ident, $scenario:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let scratch = $crate::Scratch::sqlite().await;
                super::$scenario(&*scratch.store).await;
                scratch.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(scratch) = $crate::Scratch::postgres().await else { return };
                super::$scenario(&*scratch.store).await;
                scratch.finish().await;
            }
        }
    };
}
