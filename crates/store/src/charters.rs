//! 自治章程和公约 (DEM-1): a community's documents and their numbered versions.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::charter::CharterKind;

use crate::StoreResult;

/// A document first adopted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCharter {
    pub unit_id: i64,
    pub kind: CharterKind,
    pub title: String,
}

/// A version of a document: the first adopts it, each later one amends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCharterVersion {
    pub text: String,
    pub adopted_on: NaiveDate,
    /// The meeting and decision that adopted it.
    pub adopted_by: String,
    /// The recorded decision that adopted it, when it was taken at a meeting kept here.
    pub decision_id: Option<i64>,
    pub note: Option<String>,
    pub recorded_by: i64,
    pub recorded_at: DateTime<Utc>,
}

/// A document with the number of its latest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharterRecord {
    pub id: i64,
    pub charter: NewCharter,
    pub latest: i32,
}

/// A version as kept, numbered from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharterVersionRecord {
    pub charter_id: i64,
    pub version: i32,
    pub text: NewCharterVersion,
}

/// The charters and conventions of communities.
#[async_trait]
pub trait CharterStore: Send + Sync {
    /// Adopts a document with its first version; its id. A community's second charter (自治章程) is
    /// [`crate::StoreError::Conflict`].
    async fn add_charter(&self, charter: &NewCharter, first: &NewCharterVersion) -> StoreResult<i64>;
    /// Adds the version after `after` (the latest the caller saw): its number, or
    /// [`crate::StoreError::Conflict`] when another was added since.
    async fn amend_charter(&self, charter_id: i64, after: i32, version: &NewCharterVersion) -> StoreResult<i32>;
    async fn charter(&self, id: i64) -> StoreResult<Option<CharterRecord>>;
    /// A unit's documents, the charter first, then the conventions by title.
    async fn charters(&self, unit_id: i64) -> StoreResult<Vec<CharterRecord>>;
    /// A document's versions, the first first.
    async fn charter_versions(&self, charter_id: i64) -> StoreResult<Vec<CharterVersionRecord>>;
}
