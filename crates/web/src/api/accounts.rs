//! Staff accounts: listing and adding them, placing them (unit and role), disabling and enabling
//! them, their names on records, passwords and one-time password links, ending their sessions,
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

/// A staff account as the API shows it: never a password or its hash.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct AccountView {
    username: String,
    display_name: String,
    /// 职务 (FED-4); absent when unset, and the role's name is shown.
    title: Option<String>,
    /// 工作证号 (FED-4, SCH-9).
    credential: Option<String>,
    /// 职级: 副科级.
    rank: Option<String>,
    phone: Option<String>,
    /// Where the person's notices are also sent by e-mail.
    email: Option<String>,
    unit: String,
    role: String,
    active: bool,
    /// Whether a password is set (else the person has yet to use their link, or the account is for
    /// API tokens only).
    has_password: bool,
    /// When the person last signed in (the staff list only).
    #[serde(skip_serializing_if = "Option::is_none")]
    last_sign_in: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<huiyin_store::User> for AccountView {
    fn from(u: huiyin_store::User) -> Self {
        AccountView {
            has_password: u.password_hash.is_some(),
            username: u.username,
            display_name: u.display_name,
            title: u.title,
            credential: u.credential,
            rank: u.rank,
            phone: u.phone,
            email: u.email,
            unit: u.unit_code,
            role: u.role.code().to_owned(),
            active: u.active,
            last_sign_in: None,
        }
    }
}

/// A one-time link that sets an account's password: shown this once, never again.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct PasswordLinkView {
    /// The link's path on this server (`/password/pw_…`): give it to the person, who opens it and
    /// sets their password. It works once.
    path: String,
    expires_at: chrono::DateTime<chrono::Utc>,
}

impl From<&accounts::IssuedLink> for PasswordLinkView {
    fn from(link: &accounts::IssuedLink) -> Self {
        PasswordLinkView { path: link.path(), expires_at: link.expires_at }
    }
}

/// A new account and the link by which the person sets their password.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct NewAccountView {
    account: AccountView,
    password_link: PasswordLinkView,
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
    let view = |a: accounts::AccountListing| AccountView { last_sign_in: a.last_sign_in, ..a.user.into() };
    Ok(Json(users.into_iter().map(view).collect()))
}

/// Adds a staff account to a unit in the caller's scope (administrators), without a password: the
/// answer holds a one-time link (72 hours) by which the person sets their own. The account is blind
/// to the accusations the caller is blind to (GEN-7), since the caller held the link.
#[utoipa::path(post, path = "/users", tag = "accounts", request_body = huiyin_core::user::AccountDraft,
    responses((status = 201, body = NewAccountView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn add_user(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(body): ApiJson<huiyin_core::user::AccountDraft>,
) -> ApiResult<(StatusCode, Json<NewAccountView>)> {
    let (user, link) =
        accounts::add_account_with_link(&state, &caller.actor, &body).await.map_err(|e| refuse(caller.lang, e))?;
    let view = NewAccountView { account: user.into(), password_link: (&link).into() };
    Ok((StatusCode::CREATED, Json(view)))
}

/// Moves a staff member to another unit of the caller's scope, or gives them another role, or both
/// (administrators; not one's own account).
#[utoipa::path(patch, path = "/users/{username}", tag = "accounts", params(("username" = String, Path)),
    request_body = huiyin_core::user::PlacementDraft,
    responses((status = 200, body = AccountView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn place_user(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
    ApiJson(body): ApiJson<huiyin_core::user::PlacementDraft>,
) -> ApiResult<Json<AccountView>> {
    let user =
        accounts::set_placement(&state, &caller.actor, &username, &body).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(user.into()))
}

/// Issues a one-time link (72 hours) by which the person sets a new password (administrators, for
/// another enabled account of a unit in scope). The old password works until the link is used;
/// earlier links stop working. Shown once.
#[utoipa::path(post, path = "/users/{username}/password-link", tag = "accounts", params(("username" = String, Path)),
    responses((status = 201, body = PasswordLinkView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn issue_password_link(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
) -> ApiResult<(StatusCode, Json<PasswordLinkView>)> {
    let link =
        accounts::issue_password_link(&state, &caller.actor, &username).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json((&link).into())))
}

/// Ends every browser session of an account of a unit in scope at once (administrators); the
/// person signs in again. API tokens are revoked with `DELETE /users/{username}/tokens`.
#[utoipa::path(delete, path = "/users/{username}/sessions", tag = "accounts", params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn end_sessions(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    accounts::end_sessions(&state, &caller.actor, &username).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A signed-in browser session as the API lists it: never its id (the cookie's secret).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct SessionView {
    /// Names the session for `DELETE /users/{username}/sessions/{handle}`.
    handle: String,
    /// When it was signed in (absent for a session signed in before huiyin recorded it).
    signed_in_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The address it was signed in from.
    address: Option<String>,
    /// The browser's description of itself.
    agent: Option<String>,
    /// When it ends (eight hours after it was last changed: signed in, a form's token made).
    expires_at: chrono::DateTime<chrono::Utc>,
}

impl From<huiyin_store::OwnedSession> for SessionView {
    fn from(s: huiyin_store::OwnedSession) -> Self {
        SessionView {
            handle: s.owner.handle,
            signed_in_at: s.owner.signed_in_at,
            address: s.owner.address,
            agent: s.owner.agent,
            expires_at: s.expires_at,
        }
    }
}

/// The signed-in browser sessions of one's own account or of an account of a unit in scope
/// (administrators) that still work, the latest first.
#[utoipa::path(get, path = "/users/{username}/sessions", tag = "accounts", params(("username" = String, Path)),
    responses((status = 200, body = [SessionView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_sessions(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
) -> ApiResult<Json<Vec<SessionView>>> {
    let (_, sessions) =
        accounts::list_sessions(&state, &caller.actor, Some(&username)).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(sessions.into_iter().map(SessionView::from).collect()))
}

/// Ends one browser session, by its handle, of one's own account or of an account of a unit in
/// scope (administrators); the person's other sessions go on.
#[utoipa::path(delete, path = "/users/{username}/sessions/{handle}", tag = "accounts",
    params(("username" = String, Path), ("handle" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn end_session(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((username, handle)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    accounts::end_session(&state, &caller.actor, Some(&username), &handle).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The desk name plate (桌牌, 亮证服务: FED-4, SCH-9) of one's own account or of an account of a
/// unit in scope (administrators): unit, name, title and credential number on both faces of a
/// folded A4 sheet. Refused (422, `credential`) while the person has no credential number.
#[utoipa::path(get, path = "/users/{username}/name-plate", tag = "accounts", params(("username" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn name_plate(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
) -> ApiResult<axum::response::Response> {
    let (user, pdf) = huiyin_app::documents::name_plate::name_plate(&state, &caller.actor, Some(&username))
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(crate::made_pdf(&format!("name-plate-{}.pdf", user.username), pdf))
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

/// Sets how a staff member of a unit in the caller's scope is named on records (administrators): name
/// (on the server only), title, rank, credential number and telephone, shown as 王秀英（接访员，工作证号 XS-001） on the registration records they take
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
/// ends. Another person's password is set by a one-time link (`POST /users/{username}/password-link`).
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
