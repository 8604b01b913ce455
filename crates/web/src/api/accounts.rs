//! Staff accounts: listing them, disabling and enabling them, their names on records, passwords,
//! revoking API tokens.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::accounts;
use huiyin_app::context::AppState;

/// An account as the revocation operations answer it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct AccountView {
    username: String,
    display_name: String,
    /// 职务 (FED-4); absent when unset, and the role's name is shown.
    title: Option<String>,
    /// 工作证号 (FED-4, SCH-9).
    credential: Option<String>,
    unit: String,
    role: String,
    active: bool,
}

impl From<huiyin_store::User> for AccountView {
    fn from(u: huiyin_store::User) -> Self {
        AccountView {
            username: u.username,
            display_name: u.display_name,
            title: u.title,
            credential: u.credential,
            unit: u.unit_code,
            role: u.role.code().to_owned(),
            active: u.active,
        }
    }
}

/// The staff of the units in the caller's scope (administrators), by unit and login name; filtered by
/// unit (and the units below it), role and whether the account is enabled. No system account, no
/// password.
#[utoipa::path(get, path = "/users", tag = "accounts", params(accounts::AccountListParams),
    responses((status = 200, body = Vec<AccountView>), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_users(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(params): Query<accounts::AccountListParams>,
) -> ApiResult<Json<Vec<AccountView>>> {
    let users = accounts::list_accounts(&state, &caller.actor, &params).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(users.into_iter().map(AccountView::from).collect()))
}

/// Disables an account of a unit in the caller's scope (administrators): its sessions stop at once
/// and its API tokens are revoked; its past work keeps its name. Not one's own account.
#[utoipa::path(post, path = "/users/{username}/disable", tag = "accounts", params(("username" = String, Path)),
    responses((status = 200, body = AccountView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn disable_user(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
) -> ApiResult<Json<AccountView>> {
    let user =
        accounts::set_active(&state, &caller.actor, &username, false).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(user.into()))
}

/// Enables a disabled account again (administrators).
#[utoipa::path(post, path = "/users/{username}/enable", tag = "accounts", params(("username" = String, Path)),
    responses((status = 200, body = AccountView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn enable_user(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
) -> ApiResult<Json<AccountView>> {
    let user =
        accounts::set_active(&state, &caller.actor, &username, true).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(user.into()))
}

/// Sets how a staff member of a unit in the caller's scope is named on records (administrators): name,
/// title and credential number, shown as 王秀英（接访员，工作证号 XS-001） on the registration records they take
/// (亮证服务, FED-4, SCH-9).
#[utoipa::path(put, path = "/users/{username}/card", tag = "accounts", params(("username" = String, Path)),
    request_body = huiyin_core::user::StaffCardDraft,
    responses((status = 200, body = AccountView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn set_card(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
    ApiJson(body): ApiJson<huiyin_core::user::StaffCardDraft>,
) -> ApiResult<Json<AccountView>> {
    let user = accounts::set_card(&state, &caller.actor, &username, &body).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(user.into()))
}

/// A new password.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PasswordBody {
    /// At least 10 characters.
    password: String,
}

/// Sets one's own password (`username` is the caller's); every session opened with the old password
/// ends. Another person's password is reset on the server (`huiyin user passwd`).
#[utoipa::path(put, path = "/users/{username}/password", tag = "accounts", params(("username" = String, Path)),
    request_body = PasswordBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn set_password(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
    ApiJson(body): ApiJson<PasswordBody>,
) -> ApiResult<StatusCode> {
    accounts::set_password(&state, &caller.actor, &username, &body.password)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many tokens were revoked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RevokedTokens {
    revoked: u64,
}

/// Revokes every API token of another account of a unit in scope (administrators); they stop at once.
#[utoipa::path(delete, path = "/users/{username}/tokens", tag = "accounts", params(("username" = String, Path)),
    responses((status = 200, body = RevokedTokens), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn revoke_tokens(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
) -> ApiResult<Json<RevokedTokens>> {
    let revoked =
        accounts::revoke_tokens(&state, &caller.actor, &username).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(RevokedTokens { revoked }))
}
