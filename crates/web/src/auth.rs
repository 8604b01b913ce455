//! Who is asking: bearer tokens for the API, sessions for the staff UI, and each user's scope
//! (their unit and every unit below it).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use huiyin_core::Lang;

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

/// An API caller authenticated by `Authorization: Bearer TOKEN`.
pub struct ApiActor {
    pub actor: Actor,
    pub lang: Lang,
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
        let user = state
            .store
            .user_by_api_token(&token_hash(token))
            .await
            .map_err(|e| ApiError::store(lang, e))?
            .filter(|u| u.active)
            .ok_or_else(|| ApiError::unauthorized(lang))?;
        let actor = Actor::load(state, user).await.map_err(|e| ApiError::store(lang, e))?;
        Ok(ApiActor { actor, lang })
    }
}
