//! What a unit calls things and uses first (issue 22): its names of roles and letters, the content
//! classes it offers first, the kind of duty it keeps — set by its preset, kept by its
//! administrators.

use axum::Json;
use axum::extract::{Path, State};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::presets;
use huiyin_core::preset::{UnitTerms, UnitTermsDraft};

/// A unit's terms: those in force, and whether they are its own.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct UnitTermsView {
    unit: String,
    /// False when the terms are a unit's above it (a federation's 维权办 prints the federation's
    /// letters), or none.
    own: bool,
    terms: UnitTerms,
}

/// A unit's terms (anyone whose scope holds the unit).
#[utoipa::path(get, path = "/units/{code}/terms", tag = "units", params(("code" = String, Path)),
    responses((status = 200, body = UnitTermsView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_unit_terms(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<UnitTermsView>> {
    let lang = caller.lang;
    let (unit, own, terms) = presets::terms_of(&state, &caller.actor, &code).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(UnitTermsView { unit: unit.code, own: own.is_some(), terms }))
}

/// Replaces a unit's own terms as a whole (administrators, for units in their scope); the preset
/// they came from is kept. A merged preset never overwrites them.
#[utoipa::path(put, path = "/units/{code}/terms", tag = "units", params(("code" = String, Path)), request_body = UnitTermsDraft,
    responses((status = 200, body = UnitTermsView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn set_unit_terms(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<UnitTermsDraft>,
) -> ApiResult<Json<UnitTermsView>> {
    let lang = caller.lang;
    let terms = presets::set_terms(&state, &caller.actor, &code, &body).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(UnitTermsView { unit: code.trim().to_ascii_uppercase(), own: true, terms }))
}
