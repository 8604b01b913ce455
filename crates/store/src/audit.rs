//! The audit log of administration (issue 18): every change to accounts, units and settings, and
//! every sign-in, with who, when, what, and the value before and after. Written, never edited.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{Page, StoreResult};

/// One entry of the audit log as it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// Who acted, by login name; `None` for a sign-in under a name no account has.
    pub actor: Option<String>,
    /// The unit whose administration it concerns (the account's unit, the unit changed); `None`
    /// for what belongs to the whole installation (the holiday calendar, the content classes).
    pub unit_id: Option<i64>,
    /// What was done, as a code: `user.add`, `user.disable`, `unit.rename`, `login.failure` …
    pub action: String,
    /// What it was done to: a login name, a unit code, a setting's name.
    pub target: String,
    /// The value before and after, as JSON text; never a secret.
    pub before: Option<String>,
    pub after: Option<String>,
    /// Where the request came from, when it came over the network.
    pub address: Option<String>,
}

/// An entry to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAdminEvent {
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub address: Option<String>,
}

/// Which entries to read: those of the units in `units` (and, with `installation`, those of no
/// unit), newest first.
#[derive(Debug, Clone, Default)]
pub struct AdminEventQuery {
    pub units: Vec<i64>,
    pub installation: bool,
    /// And the entries this account made, wherever they belong.
    pub by: Option<i64>,
    /// Only actions whose code starts with this (`user.`, `login.`).
    pub action_prefix: Option<String>,
    /// Only entries about this target.
    pub target: Option<String>,
    /// Only entries on or after, and before.
    pub from: Option<DateTime<Utc>>,
    pub before: Option<DateTime<Utc>>,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

/// The audit log.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn record_admin_event(&self, event: &NewAdminEvent) -> StoreResult<()>;
    /// A page of the entries the query selects, newest first.
    async fn admin_events(&self, query: &AdminEventQuery) -> StoreResult<Page<AdminEvent>>;
    /// When each account last signed in (`login.success`), by account id.
    async fn last_sign_ins(&self) -> StoreResult<Vec<(i64, DateTime<Utc>)>>;
}
