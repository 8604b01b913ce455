//! Staff accounts: who they are, their passwords and API tokens, and the one-time setup token.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use huiyin_core::unit::UnitCode;
use huiyin_core::user::Role;

use crate::StoreResult;

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: i64,
    pub unit_code: String,
    pub role: Role,
    /// PHC-format hash; `None` until a password is set (API-only accounts).
    pub password_hash: Option<String>,
    pub active: bool,
    /// May record actions that happened earlier (补录, with an `at`).
    pub may_backdate: bool,
    /// 职务, shown with the name (FED-4); the role's name when unset.
    pub title: Option<String>,
    /// 工作证号 (FED-4, SCH-9).
    pub credential: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub unit: UnitCode,
    pub role: Role,
    pub password_hash: Option<String>,
    pub may_backdate: bool,
    pub title: Option<String>,
    pub credential: Option<String>,
}

/// How a staff member is named on records (亮证服务, FED-4): name, title and credential number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffCard {
    pub display_name: String,
    pub title: Option<String>,
    pub credential: Option<String>,
}

/// A case-list filter a staff member saved under a name of their own (issue 17).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedFilter {
    pub id: i64,
    pub name: String,
    /// The list's query string, e.g. `status=registered&owner=me`.
    pub query: String,
    pub created_at: DateTime<Utc>,
}

/// Staff accounts and their credentials.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn add_user(&self, user: &NewUser) -> StoreResult<User>;
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>>;
    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>>;
    /// Every account, active or not, by unit and login name.
    async fn users(&self) -> StoreResult<Vec<User>>;
    async fn users_with_role(&self, role: Role) -> StoreResult<Vec<User>>;
    async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()>;
    /// Enables or disables an account. A disabled user's sessions and tokens stop at once: every
    /// request checks that its user is active.
    async fn set_user_active(&self, user_id: i64, active: bool) -> StoreResult<()>;
    /// Sets the name, title and credential number of an account.
    async fn set_user_card(&self, user_id: i64, card: &StaffCard) -> StoreResult<User>;
    /// The user's saved list filters, by name.
    async fn saved_filters(&self, user_id: i64) -> StoreResult<Vec<SavedFilter>>;
    /// Saves a filter under `name`, replacing the user's filter of that name.
    async fn save_filter(&self, user_id: i64, name: &str, query: &str, at: DateTime<Utc>) -> StoreResult<SavedFilter>;
    /// Deletes one of the user's saved filters; whether it was theirs and there.
    async fn delete_saved_filter(&self, user_id: i64, id: i64) -> StoreResult<bool>;
    /// Revokes one API token; whether it existed.
    async fn revoke_api_token(&self, token_hash: &str) -> StoreResult<bool>;
    /// Revokes every API token of a user; how many there were.
    async fn revoke_user_tokens(&self, user_id: i64) -> StoreResult<u64>;
    async fn add_api_token(&self, user_id: i64, token_hash: &str, at: DateTime<Utc>) -> StoreResult<()>;
    async fn user_by_api_token(&self, token_hash: &str) -> StoreResult<Option<User>>;
    /// Replaces any earlier setup token: only the newest printed link works.
    async fn put_setup_token(&self, token_hash: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Uses up the setup token; true if it was valid.
    async fn take_setup_token(&self, token_hash: &str) -> StoreResult<bool>;
    async fn setup_token_exists(&self, token_hash: &str) -> StoreResult<bool>;
    /// Active staff of a unit with one of the roles.
    async fn unit_staff(&self, unit_id: i64, roles: &[Role]) -> StoreResult<Vec<User>>;
}
