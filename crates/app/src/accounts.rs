//! Revoking access: disabling and enabling staff accounts, setting one's password, revoking API
//! tokens. An administrator disables, enables and revokes the tokens of accounts of the units in
//! their scope; everyone sets their own password. A disabled account's sessions and tokens stop at
//! once (every request checks that its user is active) and its tokens are revoked; a new password
//! ends the sessions opened with the old one (the session keeps a fingerprint of the password hash).

use huiyin_core::user::check_new_password;
use huiyin_core::{FieldError, Invalid};
use huiyin_store::User;

use crate::actor::Actor;
use crate::cases::{AppError, AppResult};
use crate::context::AppState;

/// The account `username` if the actor may administer it: an administrator, and the account of a
/// unit in their scope. Unknown and out-of-scope accounts look alike (404).
async fn administered(state: &AppState, actor: &Actor, username: &str) -> AppResult<User> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let user = state.store.user_by_username(&username.trim().to_ascii_lowercase()).await?;
    user.filter(|u| actor.sees_unit(u.unit_id)).ok_or(AppError::NotFound)
}

/// Disables (`active` false) or enables an account. An administrator does not disable themself.
pub async fn set_active(state: &AppState, actor: &Actor, username: &str, active: bool) -> AppResult<User> {
    let user = administered(state, actor, username).await?;
    if user.id == actor.user.id && !active {
        return Err(FieldError::new("username", Invalid::NotAChoice { allowed: "另一位用户".into() }).into());
    }
    state.store.set_user_active(user.id, active).await?;
    if !active {
        // Enabling the account again does not bring back a token that may have been taken.
        state.store.revoke_user_tokens(user.id).await?;
    }
    tracing::info!(user = %user.username, active, actor = %actor.user.username, "account enabled or disabled");
    Ok(User { active, ..user })
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
    let hash = crate::actor::hash_password(password.to_owned())
        .await
        .map_err(|e| AppError::Random(std::io::Error::other(e.to_string())))?;
    state.store.set_password_hash(user.id, &hash).await?;
    tracing::info!(user = %user.username, actor = %actor.user.username, "password set");
    Ok(())
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
    Ok(revoked)
}
