//! Staff accounts: adding them, disabling and enabling them, passwords and API tokens. An
//! administrator disables, enables and revokes the tokens of accounts of the units in their scope;
//! everyone sets their own password; only the operator (the server's command line) adds accounts,
//! resets another person's password or makes an API token for them. A disabled account's sessions and tokens stop at
//! once (every request checks that its user is active) and its tokens are revoked; a new password
//! ends the sessions opened with the old one (the session keeps a fingerprint of the password hash).

use huiyin_core::unit::UnitDraft;
use huiyin_core::user::{
    AccountDraft, AccountFields, Role, StaffCardDraft, StaffCardFields, check_new_password, is_system_account,
};
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{NewUser, StaffCard, StoreError, User};
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
}

/// The staff accounts an administrator administers: those of the units in their scope, by unit and
/// login name, without the system accounts. Refused to every other role.
pub async fn list_accounts(state: &AppState, actor: &Actor, p: &AccountListParams) -> AppResult<Vec<User>> {
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
    Ok(state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| units.contains(&u.unit_id) && !is_system_account(&u.username))
        .filter(|u| role.is_none_or(|r| u.role == r) && p.active.is_none_or(|a| u.active == a))
        .collect())
}

/// Whether the installation still waits for its first administrator (the first-run setup link):
/// no person administers it yet. The system accounts do not count: the operator's account is an
/// administrator made by the first command that needs it.
pub async fn needs_first_administrator(state: &AppState) -> AppResult<bool> {
    Ok(state.store.users_with_role(Role::Admin).await?.iter().all(|u| is_system_account(&u.username)))
}

/// Adds a staff account to a unit, with a password (checked, then hashed) or without one (API
/// tokens only): the operator only, for now. An administrator who could add an account below
/// them could sign in as it, and a town accused in a case held below it would read the accusation
/// through that account (GEN-7); who may add accounts in the browser is the administration
/// issue's to decide.
pub async fn add_account(
    state: &AppState,
    actor: &Actor,
    draft: &AccountDraft,
    password: Option<&str>,
) -> AppResult<User> {
    if !actor.is_operator() {
        return Err(AppError::Forbidden);
    }
    let AccountFields { username, unit, role, display_name, title, credential, may_backdate } = draft.parse()?;
    if let Some(password) = password {
        check_new_password("password", password)?;
    }
    if state.store.unit_by_code(unit.as_str()).await?.filter(|u| actor.sees_unit(u.id)).is_none() {
        return Err(FieldError::new("unit", Invalid::UnknownUnit).into());
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
    let Some(AccountFields { username, unit: unit_code, role, display_name, title, credential, .. }) = fields else {
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

/// Sets how a staff member is named on records (亮证服务, FED-4, SCH-9): their title and credential
/// number, by an administrator, for an account of a unit in their scope; their name only by the
/// operator (`huiyin user card`). A name is how an online accusation finds the accused staff member
/// (GEN-7), so an administrator who could rename people could hide the accused from it; for the same
/// reason only the operator adds accounts.
pub async fn set_card(state: &AppState, actor: &Actor, username: &str, draft: &StaffCardDraft) -> AppResult<User> {
    let user = administered(state, actor, username).await?;
    let StaffCardFields { display_name, title, credential } = draft.parse()?;
    if display_name != user.display_name && !actor.is_operator() {
        let allowed = format!("{}(更改姓名须在服务器上用 huiyin user card 办理)", user.display_name);
        return Err(FieldError::new("display_name", Invalid::NotAChoice { allowed }).into());
    }
    let before = account_snapshot(&user);
    let user = state.store.set_user_card(user.id, &StaffCard { display_name, title, credential }).await?;
    tracing::info!(user = %user.username, actor = %actor.user.username, "staff card set");
    audit::record(state, actor, "user.card", Target::user(&user), Some(before), Some(account_snapshot(&user))).await;
    Ok(user)
}

/// Disables (`active` false) or enables an account. An administrator does not disable themself.
pub async fn set_active(state: &AppState, actor: &Actor, username: &str, active: bool) -> AppResult<User> {
    let user = administered(state, actor, username).await?;
    if user.id == actor.user.id && !active {
        return Err(FieldError::new("username", Invalid::NotAChoice { allowed: "另一位用户".into() }).into());
    }
    state.store.set_user_active(user.id, active).await?;
    // Enabling the account again does not bring back a token that may have been taken.
    let revoked = if active { 0 } else { state.store.revoke_user_tokens(user.id).await? };
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
/// password here: an administrator who could would sign in as anyone below them (an accused town
/// as the community officer holding the accusation, GEN-7). A forgotten password is reset on the
/// server with `huiyin user passwd`.
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
/// server), for the reason [`set_password`] gives. Sessions opened with the old one end.
pub async fn reset_password(state: &AppState, actor: &Actor, username: &str, password: &str) -> AppResult<User> {
    if !actor.is_operator() {
        return Err(AppError::Forbidden);
    }
    let user = administered(state, actor, username).await?;
    check_new_password("password", password)?;
    state.store.set_password_hash(user.id, &hash(password).await?).await?;
    tracing::info!(user = %user.username, actor = %actor.user.username, "password reset");
    let after = Some(json!({"password": secret_changed()}));
    audit::record(state, actor, "user.password_reset", Target::user(&user), None, after).await;
    Ok(user)
}

/// Makes a new API token for an account and returns it (shown once; only its hash is kept): the
/// operator only, since a token is a way to act as its holder.
pub async fn create_token(state: &AppState, actor: &Actor, username: &str) -> AppResult<(User, String)> {
    if !actor.is_operator() {
        return Err(AppError::Forbidden);
    }
    let user = administered(state, actor, username).await?;
    let token = crate::context::new_token("hy_")?;
    state.store.add_api_token(user.id, &crate::context::token_hash(&token), chrono::Utc::now()).await?;
    tracing::info!(user = %user.username, actor = %actor.user.username, "API token made");
    let after = Some(json!({"token": secret_changed()}));
    audit::record(state, actor, "token.create", Target::user(&user), None, after).await;
    Ok((user, token))
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
