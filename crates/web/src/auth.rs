//! Who is asking: bearer tokens for the API, sessions for the staff UI, and each user's scope
//! (their unit and every unit below it).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use huiyin_core::Lang;
use huiyin_core::user::TokenScope;

use crate::error::ApiError;
pub use huiyin_app::actor::{Actor, hash_password, stand_in_hash, verify_password};
use huiyin_app::context::{AppState, token_hash};

/// The caller's language, from `Accept-Language`.
#[derive(Debug, Clone, Copy)]
pub struct AcceptLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for AcceptLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(AcceptLang(lang_of(parts)))
    }
}

pub fn lang_of(parts: &Parts) -> Lang {
    parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// An API caller authenticated by `Authorization: Bearer TOKEN`, within the token's scope: a
/// `read` token only reads (`GET`, `HEAD`, and the intake check, which writes nothing), a
/// `register` token also registers cases
/// (`POST /api/v1/cases`); anything else they ask is refused (403) before a handler runs.
pub struct ApiActor {
    pub actor: Actor,
    pub lang: Lang,
    /// What the token may do.
    pub scope: TokenScope,
    /// When the token stops working; a token it makes stops no later.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = lang_of(parts);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::unauthorized(lang))?;
        let huiyin_store::TokenHolder { user, scope, expires_at } = state
            .store
            .api_token_holder(&token_hash(token), chrono::Utc::now())
            .await
            .map_err(|e| ApiError::store(lang, e))?
            .filter(|h| h.user.active)
            .ok_or_else(|| ApiError::unauthorized(lang))?;
        // Under `/api/v1` (nested) the path is the API's own: `/cases`.
        let path = parts.extensions.get::<axum::extract::OriginalUri>().map_or(parts.uri.path(), |u| u.0.path());
        let path = path.trim_end_matches('/');
        // The intake check is a question sent in a body: it writes nothing, so it is a read.
        let checks = parts.method == Method::POST && path == "/api/v1/intake/check";
        let reads = parts.method == Method::GET || parts.method == Method::HEAD || checks;
        let registers = parts.method == Method::POST && path == "/api/v1/cases";
        if !scope.permits(reads, registers) {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "token_scope", token_scope_refusal(lang, scope)));
        }
        let actor = Actor::load(state, user).await.map_err(|e| ApiError::store(lang, e))?;
        Ok(ApiActor { actor, lang, scope, expires_at })
    }
}

/// Why a token's scope refuses a request.
fn token_scope_refusal(lang: Lang, scope: TokenScope) -> String {
    match lang {
        Lang::Zh => format!("此接口令牌的权限为“{}”,不能进行此操作", scope.label_zh()),
        Lang::En => format!("this token's scope is {}: it may not do this", scope.code()),
    }
}
