//! Staff accounts: who they are, their passwords and API tokens, and the one-time setup token.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use huiyin_core::unit::UnitCode;
use huiyin_core::user::{Role, TokenScope};

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
    /// 职级: 副科级 (a reception-day leader is of deputy-section level or above, TWN-7).
    pub rank: Option<String>,
    /// A telephone number colleagues reach the person at.
    pub phone: Option<String>,
    /// An e-mail address the person's notices are also sent to.
    pub email: Option<String>,
    /// The administrator whose one-time link last set the password: the account is blind to what
    /// they are blind to (GEN-7). `None` when the operator set it.
    pub link_issuer_id: Option<i64>,
    /// Raised to end every session at once; a session keeps the value it began with.
    pub session_generation: i64,
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
    pub rank: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// How a staff member is named on records (亮证服务, FED-4): name, title and credential number;
/// with their rank and telephone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffCard {
    pub display_name: String,
    pub title: Option<String>,
    pub credential: Option<String>,
    pub rank: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A one-time link that sets an account's password, as kept: its secret only as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordLink {
    pub user_id: i64,
    /// The administrator who issued it; `None` for the operator.
    pub issued_by: Option<i64>,
    pub expires_at: DateTime<Utc>,
}

/// An API token as listed (never its secret, which is kept only as a hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    /// What it is for; tokens made before tokens had names have none.
    pub name: Option<String>,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    /// When it stops working; `None`: when revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A new API token: by default unnamed, `full` and without expiry (as `huiyin token create` makes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiToken {
    pub name: Option<String>,
    pub scope: TokenScope,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Default for NewApiToken {
    fn default() -> Self {
        NewApiToken { name: None, scope: TokenScope::Full, expires_at: None }
    }
}

/// Who holds a working token, and what the token allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    pub user: User,
    pub scope: TokenScope,
    /// When the token stops working; `None`: when revoked.
    pub expires_at: Option<DateTime<Utc>>,
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
    /// Sets one's own new password (the link issuer, if any, stays).
    async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()>;
    /// Sets a password on the operator's word: no administrator held it, so the account is no longer
    /// blind to a link issuer's accusations; every session ends.
    async fn reset_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()>;
    /// Moves an account to another unit and role.
    async fn set_user_placement(&self, user_id: i64, unit_id: i64, role: Role) -> StoreResult<User>;
    /// Ends every session of the account (raises its session generation).
    async fn end_user_sessions(&self, user_id: i64) -> StoreResult<()>;
    /// Keeps a new one-time password link for `link.user_id`; the account's earlier links stop working.
    async fn put_password_link(&self, token_hash: &str, link: &PasswordLink, at: DateTime<Utc>) -> StoreResult<()>;
    /// Deletes every unused link of the account (it is disabled); how many there were.
    async fn drop_password_links(&self, user_id: i64) -> StoreResult<u64>;
    /// The link of that hash if it has not expired by `now`.
    async fn password_link(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<PasswordLink>>;
    /// Uses a link up, in one transaction: if it is there and unexpired at `now`, deletes it, sets
    /// the password hash and the link's issuer on the account and ends its sessions; the account as
    /// it is now, or `None` (unknown, used or expired).
    async fn use_password_link(&self, token_hash: &str, hash: &str, now: DateTime<Utc>) -> StoreResult<Option<User>>;
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
    async fn add_api_token(
        &self,
        user_id: i64,
        token_hash: &str,
        token: &NewApiToken,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The holder of a token, expired or not (for revoking it).
    async fn user_by_api_token(&self, token_hash: &str) -> StoreResult<Option<User>>;
    /// The holder of a token that works at `now` (not expired), with the token's scope and expiry.
    async fn api_token_holder(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<TokenHolder>>;
    /// A user's tokens, newest first, expired ones too.
    async fn api_tokens(&self, user_id: i64) -> StoreResult<Vec<ApiToken>>;
    /// Revokes one of the user's tokens by its id; whether it was theirs and there.
    async fn revoke_api_token_id(&self, user_id: i64, id: i64) -> StoreResult<bool>;
    /// Replaces any earlier setup token: only the newest printed link works.
    async fn put_setup_token(&self, token_hash: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Uses up the setup token; true if it was valid.
    async fn take_setup_token(&self, token_hash: &str) -> StoreResult<bool>;
    async fn setup_token_exists(&self, token_hash: &str) -> StoreResult<bool>;
    /// Active staff of a unit with one of the roles.
    async fn unit_staff(&self, unit_id: i64, roles: &[Role]) -> StoreResult<Vec<User>>;
}
