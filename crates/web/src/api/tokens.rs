//! API tokens (issue 18): one's own listed (never their secret), made for a system one connects,
//! and revoked; an administrator lists and revokes those of the accounts they administer.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::accounts;
use huiyin_app::context::AppState;

/// A token as listed: never its secret.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct TokenView {
    id: i64,
    /// What it is for; absent for tokens made before tokens had names.
    name: Option<String>,
    /// `read`, `register` or `full`.
    scope: String,
    created_at: chrono::DateTime<chrono::Utc>,
    /// When it stops working; absent: when revoked.
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<huiyin_store::ApiToken> for TokenView {
    fn from(t: huiyin_store::ApiToken) -> Self {
        TokenView {
            id: t.id,
            name: t.name,
            scope: t.scope.code().into(),
            created_at: t.created_at,
            expires_at: t.expires_at,
        }
    }
}

/// A new token: its secret, shown this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct NewTokenView {
    /// The secret, for `Authorization: Bearer …` (or Open311's `api_key`). Not shown again.
    token: String,
    #[serde(flatten)]
    listed: TokenView,
}

/// Whose tokens: one's own when absent.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct TokenOwner {
    /// The login name of an account the caller administers.
    user: Option<String>,
}

/// The caller's own tokens, or with `user` those of an account the caller administers, newest
/// first.
#[utoipa::path(get, path = "/tokens", tag = "accounts", params(TokenOwner),
    responses((status = 200, body = Vec<TokenView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_tokens(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(owner): Query<TokenOwner>,
) -> ApiResult<Json<Vec<TokenView>>> {
    let (_, tokens) = accounts::list_tokens(&state, &caller.actor, owner.user.as_deref())
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(tokens.into_iter().map(TokenView::from).collect()))
}

/// Makes a token for the caller, for a system they connect: named, with a scope no wider than the
/// calling token's, and an optional expiry in days, never later than the calling token's. The
/// secret is in the answer, once.
#[utoipa::path(post, path = "/tokens", tag = "accounts", request_body = huiyin_core::user::TokenDraft,
    responses((status = 201, body = NewTokenView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn create_token(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(body): ApiJson<huiyin_core::user::TokenDraft>,
) -> ApiResult<(StatusCode, Json<NewTokenView>)> {
    let (made, token) = accounts::create_own_token(&state, &caller.actor, &body, caller.scope, caller.expires_at)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(NewTokenView { token, listed: made.into() })))
}

/// Revokes one token of the caller's, or with `user` of an account the caller administers; it stops
/// at once.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "accounts", params(("id" = i64, Path), TokenOwner),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn revoke_token(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    Query(owner): Query<TokenOwner>,
) -> ApiResult<StatusCode> {
    accounts::revoke_token_id(&state, &caller.actor, owner.user.as_deref(), id)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(StatusCode::NO_CONTENT)
}
