//! Web sessions, and the counting of failed attempts (logins, query codes) that slows guessing.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// A web session's stored record.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub data: String,
    pub expires_at: DateTime<Utc>,
    /// Whose the session is, once signed in: written on save, kept beside the record so that a
    /// person's sessions can be listed and ended one by one (not read back by `session_load`).
    pub owner: Option<SessionOwner>,
}

/// The signed-in person of a session and where it began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionOwner {
    pub user_id: i64,
    /// Names the session without its id (the id is the cookie's secret).
    pub handle: String,
    /// The credential stamp the session holds: a session whose stamp is no longer the account's
    /// has been ended (a password change, "end all").
    pub credential: String,
    pub signed_in_at: Option<DateTime<Utc>>,
    pub address: Option<String>,
    pub agent: Option<String>,
}

/// One unexpired signed-in session of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedSession {
    pub owner: SessionOwner,
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
    /// Saves an existing session; one no longer there (ended meanwhile) is not written again.
    async fn session_save(&self, id: &str, row: &SessionRow) -> StoreResult<()>;
    /// Saves a new session only if the id is unused; false on a collision.
    async fn session_insert_new(&self, id: &str, row: &SessionRow) -> StoreResult<bool>;
    async fn session_delete(&self, id: &str) -> StoreResult<()>;
    /// Forgets the sessions expired before `before` (with when and from where they were signed in);
    /// how many.
    async fn purge_sessions(&self, before: DateTime<Utc>) -> StoreResult<u64>;
    /// The person's sessions not expired at `now`, the latest signed in first.
    async fn user_sessions(&self, user_id: i64, now: DateTime<Utc>) -> StoreResult<Vec<OwnedSession>>;
    /// Ends one session of the person, named by its handle; false when they have no such session.
    async fn delete_user_session(&self, user_id: i64, handle: &str) -> StoreResult<bool>;
}
