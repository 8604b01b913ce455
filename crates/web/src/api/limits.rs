//! Time limits as data and the holiday calendar (GEN-2 … GEN-5, GEN-8).

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiError, ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::deadlines;

/// A unit's time limits in force, and whether they are the unit's own or inherited.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct UnitLimitsView {
    unit: String,
    /// False when inherited from a unit above or the national defaults.
    own: bool,
    #[schema(value_type = Object)]
    rules: huiyin_core::limits::LimitRules,
    /// What the unit would take without its own: the nearest unit above that has its own, or the
    /// national defaults.
    #[schema(value_type = Object)]
    inherited: huiyin_core::limits::LimitRules,
}

impl UnitLimitsView {
    fn of(unit: String, limits: deadlines::UnitLimits) -> UnitLimitsView {
        UnitLimitsView { unit, own: limits.own, rules: limits.rules, inherited: limits.inherited }
    }
}

/// The time limits in force for a unit (GEN-2 … GEN-5 as data).
#[utoipa::path(get, path = "/units/{code}/limits", tag = "limits", params(("code" = String, Path)),
    responses((status = 200, body = UnitLimitsView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_unit_limits(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<UnitLimitsView>> {
    let lang = caller.lang;
    let limits = deadlines::unit_limits(&state, &caller.actor, &code).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(UnitLimitsView::of(code, limits)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SetLimitsBody {
    /// `national`, `zhejiang` or `shandong`.
    preset: Option<String>,
    /// Or the whole set of limits, e.g. a preset's with some changed (see `GET`).
    #[schema(value_type = Option<Object>)]
    rules: Option<huiyin_core::limits::LimitRules>,
}

/// Sets a unit's time limits from a preset or as a whole (administrators, for the units below their
/// own, or their own when it has none above it: a unit does not loosen its own limits); units below
/// inherit them.
#[utoipa::path(put, path = "/units/{code}/limits", tag = "limits", params(("code" = String, Path)), request_body = SetLimitsBody,
    responses((status = 200, body = UnitLimitsView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn set_unit_limits(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<SetLimitsBody>,
) -> ApiResult<Json<UnitLimitsView>> {
    let lang = caller.lang;
    deadlines::set_unit_limits(&state, &caller.actor, &code, body.preset.as_deref(), body.rules)
        .await
        .map_err(|e| refuse(lang, e))?;
    let limits = deadlines::unit_limits(&state, &caller.actor, &code).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(UnitLimitsView::of(code, limits)))
}

/// Drops a unit's own time limits (administrators, as for `PUT`): it inherits those of the unit above again, or
/// the national defaults. On the audit log when it had its own.
#[utoipa::path(delete, path = "/units/{code}/limits", tag = "limits", params(("code" = String, Path)),
    responses((status = 200, body = UnitLimitsView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn inherit_unit_limits(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<UnitLimitsView>> {
    let lang = caller.lang;
    let limits = deadlines::inherit_unit_limits(&state, &caller.actor, &code).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(UnitLimitsView::of(code, limits)))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct CalendarView {
    /// The years whose official schedule is loaded.
    years: Vec<i32>,
}

/// The loaded holiday years (GEN-8).
#[utoipa::path(get, path = "/calendar", tag = "limits",
    responses((status = 200, body = CalendarView)), security(("bearer" = [])))]
pub(super) async fn get_calendar(State(state): State<AppState>, _caller: ApiActor) -> Json<CalendarView> {
    Json(CalendarView { years: state.calendar().await.years().collect() })
}

/// Loads one year's holiday schedule in the holiday-cn format (administrators of the whole
/// installation: of a unit with none above it), replacing that year's earlier file; open deadlines follow at once.
#[utoipa::path(post, path = "/calendar", tag = "limits", request_body(content = Object, description = "holiday-cn year file"),
    responses((status = 200, body = CalendarView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn import_calendar(
    State(state): State<AppState>,
    caller: ApiActor,
    body: axum::body::Bytes,
) -> ApiResult<Json<CalendarView>> {
    let lang = caller.lang;
    let json = std::str::from_utf8(&body).map_err(|e| ApiError::malformed(lang, &e.to_string()))?;
    deadlines::import_holiday_year(&state, &caller.actor, json, "api").await.map_err(|e| refuse(lang, e))?;
    let calendar = state.calendar().await;
    // Recounting a county's open deadlines takes a while: it runs on after the answer.
    let (store, recount_over) = (state.store.clone(), calendar.clone());
    tokio::spawn(async move {
        match deadlines::recount_deadlines(store.as_ref(), &recount_over, |_| {}).await {
            Ok(moved) => tracing::info!(moved, "open deadlines recounted over the new calendar"),
            Err(e) => tracing::error!(error = %e, "recounting deadlines failed"),
        }
    });
    Ok(Json(CalendarView { years: calendar.years().collect() }))
}
