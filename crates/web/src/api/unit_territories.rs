//! A unit's territory (属地, TWN-2): the place names, address prefixes and boundary it answers for,
//! by which a petition that names a place but no unit is routed (the portal, Open311) and a
//! transfer proposes its unit first.

use axum::Json;
use axum::extract::{Path, State};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::territories;
use huiyin_core::territory::{Territory, TerritoryDraft};

/// A unit's territory; empty lists when it set none.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct TerritoryView {
    unit: String,
    territory: Territory,
}

/// A unit's territory (anyone whose scope holds the unit).
#[utoipa::path(get, path = "/units/{code}/territory", tag = "units", params(("code" = String, Path)),
    responses((status = 200, body = TerritoryView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_unit_territory(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<TerritoryView>> {
    let lang = caller.lang;
    let (unit, territory) =
        territories::territory_of(&state, &caller.actor, &code).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(TerritoryView { unit: unit.code, territory }))
}

/// Replaces a unit's territory as a whole (administrators, for units in their scope): place names
/// (at least two characters each), address prefixes, and optionally a boundary of `[lat, long]`
/// points. A petition naming no unit goes to the smallest unit whose territory holds its place.
#[utoipa::path(put, path = "/units/{code}/territory", tag = "units", params(("code" = String, Path)),
    request_body = TerritoryDraft,
    responses((status = 200, body = TerritoryView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn set_unit_territory(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<TerritoryDraft>,
) -> ApiResult<Json<TerritoryView>> {
    let lang = caller.lang;
    let territory =
        territories::set_territory(&state, &caller.actor, &code, &body).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(TerritoryView { unit: code.trim().to_ascii_uppercase(), territory }))
}
