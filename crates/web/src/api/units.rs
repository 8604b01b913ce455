//! The units of the tree (TWN-1, issue 18): listed and renamed by administrators.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::units;

/// A unit of the tree.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct UnitView {
    code: String,
    name: String,
    /// `county`, `town`, `subdistrict`, `village`, `community`, `department`, `federation`,
    /// `school` or `agency`.
    kind: String,
    /// The code of the unit above it; absent for the top of a tree.
    parent: Option<String>,
}

/// The units of the caller's scope (administrators), by code, each with the unit above it.
#[utoipa::path(get, path = "/units", tag = "units",
    responses((status = 200, body = Vec<UnitView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_units(State(state): State<AppState>, caller: ApiActor) -> ApiResult<Json<Vec<UnitView>>> {
    if !caller.actor.user.role.can_administer() {
        return Err(refuse(caller.lang, huiyin_app::error::AppError::Forbidden));
    }
    let all = state.store.units().await.map_err(|e| refuse(caller.lang, e.into()))?;
    let code_of = |id: i64| all.iter().find(|u| u.id == id).map(|u| u.code.clone());
    let mine = units::units_in_scope(&state, &caller.actor).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(
        mine.into_iter()
            .map(|u| UnitView {
                parent: u.parent_id.and_then(code_of),
                code: u.code,
                name: u.name,
                kind: u.kind.code().to_owned(),
            })
            .collect(),
    ))
}

/// A unit's new name.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct UnitEdit {
    /// The unit's full name, e.g. `西山社区居民委员会`.
    name: String,
}

/// Renames a unit of the caller's scope (administrators). Its code and case numbers stay; documents
/// already issued keep their name; the change is on the audit log.
#[utoipa::path(patch, path = "/units/{code}", tag = "units", params(("code" = String, Path)), request_body = UnitEdit,
    responses((status = 200, body = UnitView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn rename_unit(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<UnitEdit>,
) -> ApiResult<Json<UnitView>> {
    let unit =
        units::rename_unit(&state, &caller.actor, &code, &body.name).await.map_err(|e| refuse(caller.lang, e))?;
    let parent = match unit.parent_id {
        Some(id) => state.store.unit_by_id(id).await.map_err(|e| refuse(caller.lang, e.into()))?.map(|p| p.code),
        None => None,
    };
    Ok(Json(UnitView { code: unit.code, name: unit.name, kind: unit.kind.code().to_owned(), parent }))
}
