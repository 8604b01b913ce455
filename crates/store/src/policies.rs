//! 政策法规库 (FED-9): policies and their numbered articles, as added or shipped.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use huiyin_core::policy::{Article, NewPolicy};

use crate::StoreResult;

/// A policy as listed: without its articles, with how many it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRecord {
    pub id: i64,
    /// The key of a policy shipped with huiyin; none for one added.
    pub shipped: Option<String>,
    pub title: String,
    pub issuer: String,
    pub issued_on: Option<NaiveDate>,
    pub source: Option<String>,
    /// The unit of whoever added it; none for one shipped.
    pub unit_id: Option<i64>,
    pub added_by: Option<i64>,
    pub added_at: DateTime<Utc>,
    /// Withdrawn (废止, or added by mistake): no longer listed, searched or cited.
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub articles: i64,
}

/// One article with the policy it belongs to, for searching and citing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyArticle {
    pub policy_id: i64,
    pub title: String,
    pub article: Article,
}

#[async_trait]
pub trait PolicyStore: Send + Sync {
    /// Adds a policy with its articles in one transaction; its id. A shipped one (`shipped` given)
    /// is added once: adding it again changes nothing and answers the id it has.
    async fn add_policy(
        &self,
        policy: &NewPolicy,
        shipped: Option<&str>,
        unit_id: Option<i64>,
        added_by: Option<i64>,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Every policy not withdrawn, the newest issued first (those without a date last).
    async fn policies(&self) -> StoreResult<Vec<PolicyRecord>>;
    /// A policy (withdrawn or not) and its articles in order.
    async fn policy(&self, id: i64) -> StoreResult<Option<(PolicyRecord, Vec<Article>)>>;
    /// Every article of every policy not withdrawn, by policy and number.
    async fn policy_articles(&self) -> StoreResult<Vec<PolicyArticle>>;
    /// Withdraws a policy; false (nothing changed) when it was withdrawn already.
    async fn withdraw_policy(&self, id: i64, at: DateTime<Utc>) -> StoreResult<bool>;
}
