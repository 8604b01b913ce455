//! Web sessions, and the counting of failed attempts (logins, query codes) that slows guessing.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// A web session's stored record.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub data: String,
    pub expires_at: DateTime<Utc>,
}

/// Web sessions and failed-attempt counters.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Counts one attempt under (`scope`, `key`) at `at`; attempts before `window_start` are
    /// forgotten first. Returns the attempts counted in the window, this one included.
    async fn count_failure(
        &self,
        scope: &str,
        key: &str,
        at: DateTime<Utc>,
        window_start: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Takes back one counted attempt under (`scope`, `key`) (it succeeded).
    async fn forgive_failure(&self, scope: &str, key: &str) -> StoreResult<()>;
    /// Forgets every counter last started before `before`; how many.
    async fn purge_failures(&self, before: DateTime<Utc>) -> StoreResult<u64>;
    /// Forgets the failures under (`scope`, `key`) (a reissued query code, a successful login).
    async fn clear_failures(&self, scope: &str, key: &str) -> StoreResult<()>;
    async fn session_load(&self, id: &str) -> StoreResult<Option<SessionRow>>;
    async fn session_save(&self, id: &str, row: &SessionRow) -> StoreResult<()>;
    /// Saves a new session only if the id is unused; false on a collision.
    async fn session_insert_new(&self, id: &str, row: &SessionRow) -> StoreResult<bool>;
    async fn session_delete(&self, id: &str) -> StoreResult<()>;
}
