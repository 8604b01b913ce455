//! The units of the tree (TWN-1, issue 18): listed, added, renamed, moved, closed and reopened by
//! administrators.

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
    /// When it was closed (撤销); absent while it works.
    #[serde(skip_serializing_if = "Option::is_none")]
    closed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The names it had before a rename (曾用名), the latest first; absent when none. A case
    /// accusing a unit by one of them is taken as accusing it (GEN-7).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    former_names: Vec<String>,
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
    let former = state.store.unit_former_names().await.map_err(|e| refuse(caller.lang, e.into()))?;
    Ok(Json(
        mine.into_iter()
            .map(|u| UnitView {
                former_names: former.iter().filter(|f| f.unit_id == u.id).map(|f| f.name.clone()).collect(),
                parent: u.parent_id.and_then(code_of),
                closed_at: u.closed_at,
                code: u.code,
                name: u.name,
                kind: u.kind.code().to_owned(),
            })
            .collect(),
    ))
}

/// What changes of a unit: its name, the unit above it, or its kind; one at a time.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct UnitEdit {
    /// The unit's full name, e.g. `西山社区居民委员会`.
    name: Option<String>,
    /// The code of the unit it moves under, with everything below it.
    parent: Option<String>,
    /// What kind of body it is: `county`, `town`, `subdistrict`, `village`, `community`,
    /// `department`, `federation`, `school` or `agency`.
    kind: Option<String>,
}

/// The answer's view of a unit.
async fn unit_view(state: &AppState, unit: huiyin_store::Unit) -> Result<UnitView, huiyin_app::error::AppError> {
    let parent = match unit.parent_id {
        Some(id) => state.store.unit_by_id(id).await?.map(|p| p.code),
        None => None,
    };
    let former = state.store.unit_former_names().await?;
    Ok(UnitView {
        former_names: former.into_iter().filter(|f| f.unit_id == unit.id).map(|f| f.name).collect(),
        code: unit.code,
        name: unit.name,
        kind: unit.kind.code().to_owned(),
        parent,
        closed_at: unit.closed_at,
    })
}

/// Adds a unit below one of the caller's scope (administrators): its code (the prefix of its case
/// numbers) never changes. On the audit log.
#[utoipa::path(post, path = "/units", tag = "units", request_body = huiyin_core::unit::UnitDraft,
    responses((status = 201, body = UnitView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn add_unit(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(body): ApiJson<huiyin_core::unit::UnitDraft>,
) -> ApiResult<(axum::http::StatusCode, Json<UnitView>)> {
    let unit = units::add_unit(&state, &caller.actor, &body).await.map_err(|e| refuse(caller.lang, e))?;
    let view = unit_view(&state, unit).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((axum::http::StatusCode::CREATED, Json(view)))
}

/// Renames a unit of the caller's scope, moves it (with everything below it) under another unit of
/// the caller's scope, or changes its kind, one change at a time (administrators; nobody changes
/// their own unit; a move or a kind that would let a department see accusations against the
/// caller's unit is the operator's). Its code and case numbers stay; documents already issued keep their name; who sees its cases, and search,
/// follow the tree at once. On the audit log.
#[utoipa::path(patch, path = "/units/{code}", tag = "units", params(("code" = String, Path)), request_body = UnitEdit,
    responses((status = 200, body = UnitView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn edit_unit(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<UnitEdit>,
) -> ApiResult<Json<UnitView>> {
    let edited = async {
        use huiyin_core::{FieldError, Invalid};
        if !caller.actor.user.role.can_administer() {
            return Err(huiyin_app::error::AppError::Forbidden);
        }
        // One change at a time, so that a refused one leaves nothing half done.
        let unit = match (&body.name, &body.parent, &body.kind) {
            (Some(name), None, None) => units::rename_unit(&state, &caller.actor, &code, name).await?,
            (None, Some(parent), None) => units::move_unit(&state, &caller.actor, &code, parent).await?,
            (None, None, Some(kind)) => units::set_unit_kind(&state, &caller.actor, &code, kind).await?,
            (None, None, None) => return Err(FieldError::new("name", Invalid::Required).into()),
            (_, _, kind) => {
                let allowed = "name、parent 或 kind 之一(一次改一项)".to_owned();
                let field = if kind.is_some() { "kind" } else { "parent" };
                return Err(FieldError::new(field, Invalid::NotAChoice { allowed }).into());
            }
        };
        unit_view(&state, unit).await
    };
    Ok(Json(edited.await.map_err(|e| refuse(caller.lang, e))?))
}

/// Closes a unit of the caller's scope below their own (撤销, administrators): refused (409
/// `unit_not_empty`, the message naming them) while it holds open cases, has active staff or open
/// units below it. A closed unit takes no case registered or routed to it and no new account.
#[utoipa::path(post, path = "/units/{code}/close", tag = "units", params(("code" = String, Path)),
    responses((status = 200, body = UnitView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn close_unit(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<UnitView>> {
    let closed = async { unit_view(&state, units::close_unit(&state, &caller.actor, &code).await?).await };
    Ok(Json(closed.await.map_err(|e| refuse(caller.lang, e))?))
}

/// Opens a closed unit again (administrators of a unit above it).
#[utoipa::path(post, path = "/units/{code}/reopen", tag = "units", params(("code" = String, Path)),
    responses((status = 200, body = UnitView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn reopen_unit(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<UnitView>> {
    let opened = async { unit_view(&state, units::reopen_unit(&state, &caller.actor, &code).await?).await };
    Ok(Json(opened.await.map_err(|e| refuse(caller.lang, e))?))
}
