//! Staff accounts: adding them, placing them (unit and role), disabling and enabling them, passwords,
//! sessions and API tokens. An administrator adds accounts to the units in their scope and
//! administers those accounts; everyone sets their own password; only the operator (the server's
//! command line) chooses a password for another person or makes an API token for them.
//!
//! A password an administrator does not choose: they issue a one-time link with an expiry
//! ([`issue_password_link`], shown once), and whoever opens it sets the password. Because the
//! administrator held the link, the account is from then on also blind to what the administrator is
//! blind to (GEN-7, [`crate::actor::blindness_of`]): a town's administrator who used a community
//! officer's link would still never read an accusation against the town. A link the operator
//! issues, or a password the operator sets, carries no such blindness.
//!
//! A disabled account's sessions and tokens stop at once (every request checks that its user is
//! active) and its tokens are revoked; a new password, or [`end_sessions`], ends every session (the
//! session keeps a fingerprint of the password hash and the session generation, [`credential_stamp`]);
//! one session is ended by [`end_session`].
//!
//! One role per account: the seeds' leader who also receives petitioners does so as a leader (a
//! leader registers, receives on the reception day and approves); a person who must also draft
//! opinions that leaders approve has a second account, so that nobody approves their own draft
//! (TWN-11).

use huiyin_core::unit::UnitDraft;
use huiyin_core::user::{
    AccountDraft, AccountFields, Role, StaffCardDraft, StaffCardFields, check_new_password, is_system_account,
};
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{ApiToken, NewUser, StaffCard, StoreError, User};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target, account_snapshot, secret_changed};
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// The account `username` if the actor may administer it: an administrator, and the account of a
/// unit in their scope, other than a system account. Unknown and out-of-scope accounts look alike
/// (404).
async fn administered(state: &AppState, actor: &Actor, username: &str) -> AppResult<User> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    // The system accounts (`_online`, `_operator`) are nobody's to administer; what is no login
    // name at all (a NUL, say) is no account.
    let username = username.trim().to_ascii_lowercase();
    if is_system_account(&username) || huiyin_core::user::Username::parse("username", &username).is_err() {
        return Err(AppError::NotFound);
    }
    let user = state.store.user_by_username(&username).await?;
    user.filter(|u| actor.sees_unit(u.unit_id)).ok_or(AppError::NotFound)
}

/// The account `username` if the actor administers it ([`administered`]): for the person's page.
pub async fn administered_account(state: &AppState, actor: &Actor, username: &str) -> AppResult<User> {
    administered(state, actor, username).await
}

/// The latest sign-ins to an account the actor administers, successful or not, newest first, from
/// the audit log.
pub async fn recent_sign_ins(state: &AppState, actor: &Actor, user: &User) -> AppResult<Vec<huiyin_store::AdminEvent>> {
    let user = administered(state, actor, &user.username).await?;
    let query = huiyin_store::AdminEventQuery {
        units: vec![user.unit_id],
        action_prefix: Some("login.".into()),
        target: Some(user.username.clone()),
        page: 1,
        per_page: 10,
        ..Default::default()
    };
    Ok(state.store.admin_events(&query).await?.items)
}

/// Filters of the staff list, as they arrive in a query string.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountListParams {
    /// A unit code: only that unit's staff and those of the units below it.
    pub unit: Option<String>,
    /// A role's code (`admin`, `officer`, `leader`, `handler`, `supervisor`).
    pub role: Option<String>,
    /// `true`: only enabled accounts; `false`: only disabled ones.
    pub active: Option<bool>,
    /// `true`: only accounts that have never signed in; `false`: only those that have.
    pub never_signed_in: Option<bool>,
}

/// An account as the staff list shows it: with when the person last signed in.
#[derive(Debug, Clone)]
pub struct AccountListing {
    pub user: User,
    pub last_sign_in: Option<chrono::DateTime<chrono::Utc>>,
}

/// The staff accounts an administrator administers: those of the units in their scope, by unit and
/// login name, without the system accounts, each with their last sign-in. Refused to every other
/// role.
pub async fn list_accounts(state: &AppState, actor: &Actor, p: &AccountListParams) -> AppResult<Vec<AccountListing>> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let mut errors = Vec::new();
    let units = crate::units::units_within(state, actor, given(&p.unit).as_deref(), &mut errors).await?;
    let role = given(&p.role).and_then(|r| Role::parse("role", &r).map_err(|e| errors.push(e)).ok());
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    let signed_in: std::collections::HashMap<i64, chrono::DateTime<chrono::Utc>> =
        state.store.last_sign_ins().await?.into_iter().collect();
    Ok(state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| units.contains(&u.unit_id) && !is_system_account(&u.username))
        .filter(|u| role.is_none_or(|r| u.role == r) && p.active.is_none_or(|a| u.active == a))
        .map(|user| AccountListing { last_sign_in: signed_in.get(&user.id).copied(), user })
        .filter(|a| p.never_signed_in.is_none_or(|never| a.last_sign_in.is_none() == never))
        .collect())
}

/// Adds an account without a password ([`add_account`]) and issues the link by which the person
/// sets theirs ([`issue_password_link`]).
pub async fn add_account_with_link(
    state: &AppState,
    actor: &Actor,
    draft: &AccountDraft,
) -> AppResult<(User, IssuedLink)> {
    let user = add_account(state, actor, draft, None).await?;
    let link = issue_password_link(state, actor, &user.username).await?;
    Ok((user, link))
}

/// Whether the installation still waits for its first administrator (the first-run setup link):
/// no person administers it yet. The system accounts do not count: the operator's account is an
/// administrator made by the first command that needs it.
pub async fn needs_first_administrator(state: &AppState) -> AppResult<bool> {
    Ok(state.store.users_with_role(Role::Admin).await?.iter().all(|u| is_system_account(&u.username)))
}

/// Adds a staff account to a unit in the administrator's scope. Without a password the person sets
/// their own by a one-time link ([`issue_password_link`]; or the account is for API tokens only). A
/// password is chosen only by the operator (the server's command line): an administrator never
/// knows another person's password. Only the operator allows 补录 or gives a name another active
/// account has (an accused person is recognised by their name, GEN-7).
pub async fn add_account(
    state: &AppState,
    actor: &Actor,
    draft: &AccountDraft,
    password: Option<&str>,
) -> AppResult<User> {
    if !actor.user.role.can_administer() || (password.is_some() && !actor.is_operator()) {
        return Err(AppError::Forbidden);
    }
    let AccountFields { username, unit, role, display_name, title, credential, rank, phone, email, may_backdate } =
        draft.parse()?;
    if let Some(password) = password {
        check_new_password("password", password)?;
    }
    if !actor.is_operator() {
        // 补录 can make late handling look timely: the operator's to allow.
        if may_backdate {
            return Err(FieldError::new("may_backdate", Invalid::NotAChoice { allowed: "否".into() }).into());
        }
        // An online accusation finds the accused person by their name when one active account has
        // it (GEN-7): a second account of the same name would hide them.
        let plain = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let users = state.store.users().await?;
        if users.iter().any(|u| u.username == username.as_str()) {
            return Err(FieldError::new("username", Invalid::AlreadyExists).into());
        }
        if users.iter().any(|u| u.active && plain(&u.display_name) == plain(&display_name)) {
            let allowed = "与其他在岗人员不同的姓名(同名人员须在服务器上用 huiyin user add 添加)".to_owned();
            return Err(FieldError::new("display_name", Invalid::NotAChoice { allowed }).into());
        }
    }
    match state.store.unit_by_code(unit.as_str()).await?.filter(|u| actor.sees_unit(u.id)) {
        Some(unit) => crate::units::refuse_closed(&unit)?,
        None => return Err(FieldError::new("unit", Invalid::UnknownUnit).into()),
    }
    let password_hash = match password {
        Some(p) => Some(hash(p).await?),
        None => None,
    };
    let account = NewUser {
        username: username.as_str().to_owned(),
        display_name,
        unit,
        role,
        password_hash,
        may_backdate,
        title,
        credential,
        rank,
        phone,
        email,
    };
    let user = state.store.add_user(&account).await.map_err(|e| match e {
        StoreError::Duplicate(_) => FieldError::new("username", Invalid::AlreadyExists).into(),
        StoreError::UnknownReference(_) => FieldError::new("unit", Invalid::UnknownUnit).into(),
        other => AppError::from(other),
    })?;
    tracing::info!(user = %user.username, role = user.role.code(), actor = %actor.user.username, "account added");
    audit::record(state, actor, "user.add", Target::user(&user), None, Some(account_snapshot(&user))).await;
    Ok(user)
}

/// The first administrator, by the one-time link `huiyin serve` prints while nobody administers the
/// installation: with the top unit when there is none yet (`unit`), else of a unit that exists.
/// Everything is checked before the link is used up; using it up first means two submissions cannot
/// both make an administrator. An unknown or used link is [`AppError::NotFound`].
pub async fn set_up_first_administrator(
    state: &AppState,
    setup_token: &str,
    unit: &UnitDraft,
    draft: &AccountDraft,
    password: &str,
) -> AppResult<User> {
    let token = crate::context::token_hash(setup_token);
    if !state.store.setup_token_exists(&token).await? {
        return Err(AppError::NotFound);
    }
    let draft = AccountDraft { role: Some(Role::Admin.code().into()), ..draft.clone() };
    let mut errors = Vec::new();
    let fields = draft.parse().map_err(|e| errors.extend(e.iter().cloned())).ok();
    check_new_password("password", password).map_err(|e| errors.push(e)).ok();
    let has_units = !state.store.units().await?.is_empty();
    if let Some(f) = &fields {
        if has_units && state.store.unit_by_code(f.unit.as_str()).await?.is_none() {
            errors.push(FieldError::new("unit", Invalid::UnknownUnit));
        }
        if state.store.user_by_username(f.username.as_str()).await?.is_some() {
            errors.push(FieldError::new("username", Invalid::AlreadyExists));
        }
    }
    if !has_units {
        unit.parse().map_err(|e| errors.extend(e.iter().filter(|e| e.field != "code").cloned())).ok();
    }
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    let Some(AccountFields {
        username,
        unit: unit_code,
        role,
        display_name,
        title,
        credential,
        rank,
        phone,
        email,
        ..
    }) = fields
    else {
        return Err(FieldError::new("username", Invalid::Required).into());
    };
    if !state.store.take_setup_token(&token).await? {
        return Err(AppError::NotFound);
    }
    if !has_units {
        let top = UnitDraft { code: Some(unit_code.as_str().to_owned()), parent: None, ..unit.clone() };
        crate::units::add_top_unit(state, &top).await?;
    }
    let password_hash = Some(hash(password).await?);
    let account = NewUser {
        username: username.as_str().to_owned(),
        display_name,
        unit: unit_code,
        role,
        password_hash,
        may_backdate: false,
        title,
        credential,
        rank,
        phone,
        email,
    };
    let user = state.store.add_user(&account).await.map_err(|e| match e {
        StoreError::Duplicate(_) => FieldError::new("username", Invalid::AlreadyExists).into(),
        other => AppError::from(other),
    })?;
    tracing::info!(user = %user.username, "first administrator created");
    let actor = Actor::load(state, user.clone()).await?;
    let after = Some(account_snapshot(&user));
    audit::record(state, &actor, "user.setup_first_administrator", Target::user(&user), None, after).await;
    Ok(user)
}

/// Sets how a staff member is named on records (亮证服务, FED-4, SCH-9): their title, rank, credential
/// number and telephone, by an administrator, for an account of a unit in their scope; their name
/// only by the operator (`huiyin user card`). A name is how an online accusation finds the accused staff member
/// (GEN-7), so an administrator who could rename people could hide the accused from it; for the same
/// reason an administrator adds no account under a name another active account has.
pub async fn set_card(state: &AppState, actor: &Actor, username: &str, draft: &StaffCardDraft) -> AppResult<User> {
    let user = administered(state, actor, username).await?;
    let StaffCardFields { display_name, title, credential, rank, phone, email } = draft.parse()?;
    if display_name != user.display_name && !actor.is_operator() {
        let allowed = format!("{}(更改姓名须在服务器上用 huiyin user card 办理)", user.display_name);
        return Err(FieldError::new("display_name", Invalid::NotAChoice { allowed }).into());
    }
    let before = account_snapshot(&user);
    let card = StaffCard { display_name, title, credential, rank, phone, email };
    let user = state.store.set_user_card(user.id, &card).await?;
    tracing::info!(user = %user.username, actor = %actor.user.username, "staff card set");
    audit::record(state, actor, "user.card", Target::user(&user), Some(before), Some(account_snapshot(&user))).await;
    Ok(user)
}

/// Moves a staff member to another unit of the administrator's scope, or gives them another role
/// (FED-2: dedicated petition officers are a role the administrator assigns), or both. Not one's own
/// account: an administrator does not move themself out of their scope or out of administering.
/// What the person sees follows at their next request: scope and blindness are read each time.
pub async fn set_placement(
    state: &AppState,
    actor: &Actor,
    username: &str,
    draft: &huiyin_core::user::PlacementDraft,
) -> AppResult<User> {
    let user = administered(state, actor, username).await?;
    if user.id == actor.user.id {
        return Err(FieldError::new("role", Invalid::NotAChoice { allowed: "另一位用户".into() }).into());
    }
    let huiyin_core::user::PlacementFields { unit, role } = draft.parse()?;
    let unit_id = match unit {
        Some(code) => {
            let unit = state.store.unit_by_code(code.as_str()).await?.filter(|u| actor.sees_unit(u.id));
            let unit = unit.ok_or_else(|| FieldError::new("unit", Invalid::UnknownUnit))?;
            crate::units::refuse_closed(&unit)?;
            unit.id
        }
        None => user.unit_id,
    };
    let role = role.unwrap_or(user.role);
    // GEN-7: a move that would let the person see an accusation the administrator must not (against
    // their own unit, from a unit below it) is for an administrator above them, or the operator:
    // else an administrator could move themself there through a second administrator, or place a
    // colleague there to read it for them.
    if !actor.is_operator() && unit_id != user.unit_id {
        let tree = crate::tree::unit_tree(state).await?;
        let blind_now = crate::actor::blindness_of(&*state.store, &tree, &user).await?;
        let moved = User { unit_id, ..user.clone() };
        let blind_then = crate::actor::blindness_of(&*state.store, &tree, &moved).await?;
        let lost = blind_now.units.iter().any(|u| !blind_then.units.contains(u) && actor.blind.units.contains(u));
        if lost {
            let allowed = "不会使其看到反映本单位信访件的单位(此调整须在服务器上办理)".to_owned();
            return Err(FieldError::new("unit", Invalid::NotAChoice { allowed }).into());
        }
    }
    if unit_id == user.unit_id && role == user.role {
        return Ok(user);
    }
    let before = account_snapshot(&user);
    let placed = state.store.set_user_placement(user.id, unit_id, role).await?;
    tracing::info!(user = %placed.username, actor = %actor.user.username, "account placed");
    audit::record(state, actor, "user.placement", Target::user(&placed), Some(before), Some(account_snapshot(&placed)))
        .await;
    Ok(placed)
}

/// Ends every session of an account at once (a lost telephone, a shared computer): the person
/// signs in again. Their tokens are [`revoke_tokens`]'s.
pub async fn end_sessions(state: &AppState, actor: &Actor, username: &str) -> AppResult<User> {
    let user = administered(state, actor, username).await?;
    state.store.end_user_sessions(user.id).await?;
    tracing::info!(user = %user.username, actor = %actor.user.username, "sessions ended");
    audit::record(state, actor, "user.sessions_end", Target::user(&user), None, Some(json!({"sessions": "已结束"})))
        .await;
    Ok(user)
}

/// A fingerprint of the account's password hash and session generation that a web session keeps
/// when it signs in: a new password (or a reset), or [`end_sessions`], changes it, and every session
/// holding the old one is over.
pub fn credential_stamp(user: &User) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(user.password_hash.as_deref().unwrap_or_default().as_bytes());
    hasher.update(user.session_generation.to_le_bytes());
    let digest = hasher.finalize();
    crate::context::hex(&digest[..8])
}

/// The signed-in browser sessions of oneself or of an account the actor administers that still
/// work, the latest first: when and from where each was signed in, and until when it lasts without
/// use. Sessions already ended (a new password, "end all", a disabled account) are not listed.
pub async fn list_sessions(
    state: &AppState,
    actor: &Actor,
    username: Option<&str>,
) -> AppResult<(User, Vec<huiyin_store::OwnedSession>)> {
    let user = own_or_administered(state, actor, username).await?;
    if !user.active {
        return Ok((user, Vec::new()));
    }
    let stamp = credential_stamp(&user);
    let sessions = state.store.user_sessions(user.id, chrono::Utc::now()).await?;
    Ok((user, sessions.into_iter().filter(|s| s.owner.credential == stamp).collect()))
}

/// Ends one browser session, named by its handle, of oneself or of an account the actor
/// administers (a computer left signed in at a counter); the person's other sessions go on. One not
/// there, or already ended, is [`AppError::NotFound`].
pub async fn end_session(state: &AppState, actor: &Actor, username: Option<&str>, handle: &str) -> AppResult<User> {
    let (user, sessions) = list_sessions(state, actor, username).await?;
    let session = sessions.into_iter().find(|s| s.owner.handle == handle.trim()).ok_or(AppError::NotFound)?;
    if !state.store.delete_user_session(user.id, &session.owner.handle).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(user = %user.username, actor = %actor.user.username, "session ended");
    let before = json!({
        "session": "有效",
        "signed_in_at": session.owner.signed_in_at.map(|t| t.to_rfc3339()),
        "address": session.owner.address,
    });
    audit::record(
        state,
        actor,
        "user.session_end",
        Target::user(&user),
        Some(before),
        Some(json!({"session": "已结束"})),
    )
    .await;
    Ok(user)
}

/// How long a one-time password link works.
pub const PASSWORD_LINK_HOURS: i64 = 72;

/// A one-time link that sets an account's password, as issued: its secret is shown this once.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    pub user: User,
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl IssuedLink {
    /// The link's path on this server.
    pub fn path(&self) -> String {
        format!("/password/{}", self.token)
    }
}

/// Issues a one-time link by which the person sets the password of an account in the
/// administrator's scope (a new account's first, a forgotten one's reset): it works once, for
/// [`PASSWORD_LINK_HOURS`], and the account's earlier links stop working. The password stays until
/// the link is used. Not for one's own account (one sets one's own password with the old one), nor
/// for a disabled account. See the module's note on the blindness a link carries (GEN-7).
pub async fn issue_password_link(state: &AppState, actor: &Actor, username: &str) -> AppResult<IssuedLink> {
    let user = administered(state, actor, username).await?;
    if user.id == actor.user.id {
        return Err(FieldError::new("username", Invalid::NotAChoice { allowed: "另一位用户".into() }).into());
    }
    if !user.active {
        return Err(FieldError::new("username", Invalid::NotAChoice { allowed: "已启用的账号".into() }).into());
    }
    let token = crate::context::new_token("pw_")?;
    let now = chrono::Utc::now();
    let expires_at = now + chrono::Duration::hours(PASSWORD_LINK_HOURS);
    let issued_by = (!actor.is_operator()).then_some(actor.user.id);
    let link = huiyin_store::PasswordLink { user_id: user.id, issued_by, expires_at };
    state.store.put_password_link(&crate::context::token_hash(&token), &link, now).await?;
    tracing::info!(user = %user.username, actor = %actor.user.username, "password link issued");
    let after = json!({"link": secret_changed(), "expires_at": expires_at.to_rfc3339()});
    audit::record(state, actor, "user.password_link", Target::user(&user), None, Some(after)).await;
    Ok(IssuedLink { user, token, expires_at })
}

/// The account a one-time link would set the password of, while the link works; else
/// [`AppError::NotFound`] (unknown, used, superseded, expired, or the account disabled since).
pub async fn password_link_account(state: &AppState, token: &str) -> AppResult<User> {
    let link = state.store.password_link(&crate::context::token_hash(token), chrono::Utc::now()).await?;
    let user = match link {
        Some(link) => state.store.user_by_id(link.user_id).await?,
        None => None,
    };
    user.filter(|u| u.active).ok_or(AppError::NotFound)
}

/// Sets an account's password by its one-time link, from `address`: the password is checked first,
/// then the link is used up in the same transaction that sets it, so two submissions cannot both
/// succeed. Every session of the account ends; the audit log keeps the address.
pub async fn use_password_link(state: &AppState, token: &str, password: &str, address: &str) -> AppResult<User> {
    password_link_account(state, token).await?;
    check_new_password("password", password)?;
    let hash = hash(password).await?;
    let user = state.store.use_password_link(&crate::context::token_hash(token), &hash, chrono::Utc::now()).await?;
    let user = user.ok_or(AppError::NotFound)?;
    tracing::info!(user = %user.username, "password set by link");
    audit::record_password_link_used(state, &user, address).await;
    Ok(user)
}

/// Disables (`active` false) or enables an account. An administrator does not disable themself.
pub async fn set_active(state: &AppState, actor: &Actor, username: &str, active: bool) -> AppResult<User> {
    let user = administered(state, actor, username).await?;
    if active && let Some(unit) = state.store.unit_by_id(user.unit_id).await? {
        // A closed unit has no active staff (TWN-1): move the person first.
        crate::units::refuse_closed(&unit)?;
    }
    if user.id == actor.user.id && !active {
        return Err(FieldError::new("username", Invalid::NotAChoice { allowed: "另一位用户".into() }).into());
    }
    state.store.set_user_active(user.id, active).await?;
    // Enabling the account again brings back no token, nor a password link, that may have been taken.
    let revoked = if active { 0 } else { state.store.revoke_user_tokens(user.id).await? };
    if !active {
        state.store.drop_password_links(user.id).await?;
        // Nor a session: enabled again, the person signs in afresh.
        state.store.end_user_sessions(user.id).await?;
    }
    tracing::info!(user = %user.username, active, actor = %actor.user.username, "account enabled or disabled");
    let changed = User { active, ..user.clone() };
    let action = if active { "user.enable" } else { "user.disable" };
    let mut after = account_snapshot(&changed);
    if revoked > 0 {
        after["tokens_revoked"] = json!(revoked);
    }
    let (before, after) = (account_snapshot(&user), after);
    audit::record(state, actor, action, Target::user(&changed), Some(before), Some(after)).await;
    Ok(changed)
}

/// Sets one's own new password; sessions opened with the old one end. Nobody sets another person's
/// password here: an administrator issues a one-time link ([`issue_password_link`]); the operator
/// may set one on the server (`huiyin user passwd`).
pub async fn set_password(state: &AppState, actor: &Actor, username: &str, password: &str) -> AppResult<()> {
    if !username.trim().eq_ignore_ascii_case(&actor.user.username) {
        return Err(AppError::Forbidden);
    }
    let user = actor.user.clone();
    check_new_password("password", password)?;
    state.store.set_password_hash(user.id, &hash(password).await?).await?;
    tracing::info!(user = %user.username, actor = %actor.user.username, "password set");
    let after = Some(json!({"password": secret_changed()}));
    audit::record(state, actor, "user.password", Target::user(&user), None, after).await;
    Ok(())
}

/// Resets another person's forgotten password: the operator only (`huiyin user passwd` on the
/// server), for the reason [`set_password`] gives. Every session ends; since no administrator held
/// this password, the account loses the blindness of an earlier link's issuer.
pub async fn reset_password(state: &AppState, actor: &Actor, username: &str, password: &str) -> AppResult<User> {
    if !actor.is_operator() {
        return Err(AppError::Forbidden);
    }
    let user = administered(state, actor, username).await?;
    check_new_password("password", password)?;
    state.store.reset_password_hash(user.id, &hash(password).await?).await?;
    tracing::info!(user = %user.username, actor = %actor.user.username, "password reset");
    let after = Some(json!({"password": secret_changed()}));
    audit::record(state, actor, "user.password_reset", Target::user(&user), None, after).await;
    Ok(user)
}

/// Makes a new API token for an account and returns it (shown once; only its hash is kept), with
/// the name, scope and expiry asked for (none: `full`, unnamed, until revoked, as the command line
/// always made them): the operator only, since a token is a way to act as its holder, and an
/// administrator who held one could read as that person what they themself must not (GEN-7).
pub async fn create_token(
    state: &AppState,
    actor: &Actor,
    username: &str,
    draft: Option<&huiyin_core::user::TokenDraft>,
) -> AppResult<(User, String)> {
    if !actor.is_operator() {
        return Err(AppError::Forbidden);
    }
    let user = administered(state, actor, username).await?;
    let token = new_api_token(state, actor, &user, draft, huiyin_core::user::TokenScope::Full, None).await?;
    Ok((user, token))
}

/// Makes a new API token for oneself, for a system one connects (a hotline's, a partner's): named,
/// with a scope no wider than that of the token asking (`caller_scope`; a browser session is
/// `full`) and an optional expiry, never later than the asking token's (`caller_expires`): a
/// token cannot outlive itself through another. Shown once.
pub async fn create_own_token(
    state: &AppState,
    actor: &Actor,
    draft: &huiyin_core::user::TokenDraft,
    caller_scope: huiyin_core::user::TokenScope,
    caller_expires: Option<chrono::DateTime<chrono::Utc>>,
) -> AppResult<(ApiToken, String)> {
    let user = actor.user.clone();
    let token = new_api_token(state, actor, &user, Some(draft), caller_scope, caller_expires).await?;
    let made = state.store.api_tokens(user.id).await?.into_iter().next().ok_or(AppError::NotFound)?;
    Ok((made, token))
}

/// Checks what is asked for, makes the token, keeps its hash and records it.
async fn new_api_token(
    state: &AppState,
    actor: &Actor,
    user: &User,
    draft: Option<&huiyin_core::user::TokenDraft>,
    widest: huiyin_core::user::TokenScope,
    latest: Option<chrono::DateTime<chrono::Utc>>,
) -> AppResult<String> {
    use huiyin_core::user::TokenScope;
    let now = chrono::Utc::now();
    let asked = match draft {
        Some(draft) => {
            let fields = draft.parse()?;
            let wider = |s: TokenScope| TokenScope::ALL.iter().position(|x| *x == s);
            if wider(fields.scope) > wider(widest) {
                let allowed = format!("不超过本令牌的权限({})", widest.label_zh());
                return Err(FieldError::new("scope", Invalid::NotAChoice { allowed }).into());
            }
            let asked = fields.expires_in_days.map(|d| now + chrono::Duration::days(i64::from(d)));
            let expires_at = match (asked, latest) {
                (Some(a), Some(l)) => Some(a.min(l)),
                (a, l) => a.or(l),
            };
            huiyin_store::NewApiToken { name: Some(fields.name), scope: fields.scope, expires_at }
        }
        None => huiyin_store::NewApiToken::default(),
    };
    let token = crate::context::new_token("hy_")?;
    state.store.add_api_token(user.id, &crate::context::token_hash(&token), &asked, now).await?;
    tracing::info!(user = %user.username, actor = %actor.user.username, "API token made");
    let after = json!({
        "token": secret_changed(),
        "name": asked.name,
        "scope": asked.scope.code(),
        "expires_at": asked.expires_at.map(|t| t.to_rfc3339()),
    });
    audit::record(state, actor, "token.create", Target::user(user), None, Some(after)).await;
    Ok(token)
}

/// The account whose tokens `username` names: one's own (an empty name too), or one the actor
/// administers.
pub(crate) async fn own_or_administered(state: &AppState, actor: &Actor, username: Option<&str>) -> AppResult<User> {
    match username.map(str::trim).filter(|u| !u.is_empty()) {
        None => Ok(actor.user.clone()),
        Some(u) if u.eq_ignore_ascii_case(&actor.user.username) => Ok(actor.user.clone()),
        Some(u) => administered(state, actor, u).await,
    }
}

/// The API tokens of oneself or of an account the actor administers, newest first: name, scope,
/// made, expiry; never the secret.
pub async fn list_tokens(state: &AppState, actor: &Actor, username: Option<&str>) -> AppResult<(User, Vec<ApiToken>)> {
    let user = own_or_administered(state, actor, username).await?;
    let tokens = state.store.api_tokens(user.id).await?;
    Ok((user, tokens))
}

/// Revokes one token, by its id, of oneself or of an account the actor administers; it stops at
/// once. Another's token, or one not there, is [`AppError::NotFound`].
pub async fn revoke_token_id(state: &AppState, actor: &Actor, username: Option<&str>, id: i64) -> AppResult<User> {
    let user = own_or_administered(state, actor, username).await?;
    let token = state.store.api_tokens(user.id).await?.into_iter().find(|t| t.id == id).ok_or(AppError::NotFound)?;
    if !state.store.revoke_api_token_id(user.id, id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(user = %user.username, token = id, actor = %actor.user.username, "API token revoked");
    let before = json!({"token": "有效", "name": token.name, "scope": token.scope.code()});
    audit::record(state, actor, "token.revoke", Target::user(&user), Some(before), Some(json!({"token": "已撤销"})))
        .await;
    Ok(user)
}

/// Revokes the one API token given (whoever holds a token may end it); whether it existed.
pub async fn revoke_token(state: &AppState, actor: &Actor, token: &str) -> AppResult<bool> {
    let token_hash = crate::context::token_hash(token.trim());
    let holder = state.store.user_by_api_token(&token_hash).await?;
    let revoked = state.store.revoke_api_token(&token_hash).await?;
    tracing::info!(revoked, actor = %actor.user.username, "API token revoked");
    if let Some(holder) = holder.filter(|_| revoked) {
        let before = Some(json!({"token": "有效"}));
        audit::record(state, actor, "token.revoke", Target::user(&holder), before, Some(json!({"token": "已撤销"})))
            .await;
    }
    Ok(revoked)
}

/// Hashes a password off the async threads.
async fn hash(password: &str) -> AppResult<String> {
    crate::actor::hash_password(password.to_owned())
        .await
        .map_err(|e| AppError::Random(std::io::Error::other(e.to_string())))
}

/// Revokes every API token of another account; how many there were. (One's own are revoked with
/// `huiyin token revoke`, so that a caller cannot lock itself out by mistake.)
pub async fn revoke_tokens(state: &AppState, actor: &Actor, username: &str) -> AppResult<u64> {
    let user = administered(state, actor, username).await?;
    if user.id == actor.user.id {
        return Err(FieldError::new("username", Invalid::NotAChoice { allowed: "另一位用户".into() }).into());
    }
    let revoked = state.store.revoke_user_tokens(user.id).await?;
    tracing::info!(user = %user.username, revoked, actor = %actor.user.username, "API tokens revoked");
    audit::record(state, actor, "token.revoke_all", Target::user(&user), None, Some(json!({"revoked": revoked}))).await;
    Ok(revoked)
}

/// The active account that `password` opens, or `None` (an unknown, disabled or password-less
/// account, a system account, or a wrong password). An unknown name costs the same hashing as a
/// known one, so the answer's time does not tell which names exist. Every attempt is on the audit
/// log with the address it came from (issue 18), under the account the name belongs to.
pub async fn authenticate(state: &AppState, username: &str, password: &str, address: &str) -> AppResult<Option<User>> {
    let named = state.store.user_by_username(&username.trim().to_ascii_lowercase()).await?;
    let named = named.filter(|u| !is_system_account(&u.username));
    let user = named.clone().filter(|u| u.active);
    let opens = match user.as_ref().and_then(|u| u.password_hash.clone()) {
        Some(hash) => crate::actor::verify_password(password.to_owned(), hash).await,
        None => {
            crate::actor::verify_password(password.to_owned(), crate::actor::stand_in_hash().await).await;
            false
        }
    };
    audit::record_sign_in(state, named.as_ref(), opens, address).await;
    Ok(user.filter(|_| opens))
}

/// Every account's name as pages show it, by login: “王秀英(接访员)”, and the online intake
/// account as “网上信访”; and as registration records show it, with the credential number (FED-4).
/// A login not on record stays as it is (see [`StaffNames::of`]).
pub async fn staff_names(state: &AppState) -> AppResult<StaffNames> {
    let users = state.store.users().await?;
    Ok(StaffNames::from_cards(users.into_iter().map(|u| {
        let (name, badge) = if u.username == huiyin_core::user::ONLINE_INTAKE_USERNAME {
            ("网上信访".to_owned(), "网上信访".to_owned())
        } else if is_system_account(&u.username) {
            (u.display_name.clone(), u.display_name.clone())
        } else {
            (name_and_title(&u), name_title_credential(&u))
        };
        (u.username, name, badge)
    })))
}

/// A staff member as pages name them: “王秀英（接访员）”, with their title (职务), or their role's
/// name when they have none.
pub fn name_and_title(user: &User) -> String {
    format!("{}（{}）", user.display_name, user.title.as_deref().unwrap_or(user.role.label_zh()))
}

/// A staff member as a registration record names them (亮证服务, FED-4, SCH-9): name, title and
/// credential number, “王秀英（接访员，工作证号 XS-001）”.
pub fn name_title_credential(user: &User) -> String {
    let title = user.title.as_deref().unwrap_or(user.role.label_zh());
    match &user.credential {
        Some(credential) => format!("{}（{title}，工作证号 {credential}）", user.display_name),
        None => format!("{}（{title}）", user.display_name),
    }
}

/// Staff names by login ([`staff_names`]).
#[derive(Debug, Clone, Default)]
pub struct StaffNames {
    names: std::collections::HashMap<String, String>,
    badges: std::collections::HashMap<String, String>,
}

impl StaffNames {
    /// Names from `(login, name and title, name with credential)`.
    pub fn from_cards(cards: impl IntoIterator<Item = (String, String, String)>) -> StaffNames {
        let mut names = StaffNames::default();
        for (login, name, badge) in cards {
            names.names.insert(login.clone(), name);
            names.badges.insert(login, badge);
        }
        names
    }

    /// The name of `login`, “王秀英（接访员）”, or the login itself when no account has it.
    pub fn of(&self, login: &str) -> String {
        self.names.get(login).cloned().unwrap_or_else(|| login.to_owned())
    }

    /// The name of `login` with the credential number, “王秀英（接访员，工作证号 XS-001）” (FED-4).
    pub fn badge_of(&self, login: &str) -> String {
        self.badges.get(login).cloned().unwrap_or_else(|| self.of(login))
    }
}

/// A staff member as “王秀英 · 西山社区”, marked when the account is disabled.
pub async fn name_and_unit(state: &AppState, username: &str) -> AppResult<String> {
    let Some(user) = state.store.user_by_username(username).await? else { return Ok(username.to_owned()) };
    let unit = state.store.unit_by_code(&user.unit_code).await?.map_or(user.unit_code, |u| u.name);
    Ok(format!("{} · {unit}{}", user.display_name, if user.active { "" } else { "(已停用)" }))
}
