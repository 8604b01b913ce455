//! 考核指标 (GEN-9): a unit's six measures over a period, with the period before for comparison.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

use super::refuse;
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::public::MeasureView;
use huiyin_core::kpi::MeasurePeriod;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PeriodParams {
    /// A month (`2026-11`), a quarter (`2026-Q4`) or a year (`2026`); or give `from` and `to`. Neither:
    /// the twelve months to today.
    period: Option<String>,
    /// The first day counted (YYYY-MM-DD), with `to`.
    from: Option<String>,
    /// The last day counted (YYYY-MM-DD), included.
    to: Option<String>,
}

/// A unit's measures over a period.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct UnitMeasuresView {
    /// The unit's code and name; its measures count it and every unit below it.
    unit: String,
    unit_name: String,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    /// The period as named: 2026年11月, 2026年第四季度, 2026年, or its days.
    period: String,
    /// The six measures in the regulation's order (docs/MEASURES.md).
    measures: Vec<MeasureView>,
    /// The same measures over the period before, as long.
    previous: Vec<MeasureView>,
}

/// 考核指标 (GEN-9): 及时受理率, 按期办结率, 参评率, 满意率 (of the petition office and of the
/// handling unit) and 重复信访率 of a unit and the units below it over a period, each with its
/// numerator and denominator as `docs/MEASURES.md` defines them, and the period before. Counts
/// only: no case and no person is named.
#[utoipa::path(get, path = "/units/{code}/measures", tag = "units", params(("code" = String, Path), PeriodParams),
    responses((status = 200, body = UnitMeasuresView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn unit_measures(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    Query(q): Query<PeriodParams>,
) -> ApiResult<Json<UnitMeasuresView>> {
    let lang = caller.lang;
    let today = huiyin_core::limits::china_day(chrono::Utc::now());
    let period = MeasurePeriod::parse(q.period.as_deref(), q.from.as_deref(), q.to.as_deref(), today)
        .map_err(|e| refuse(lang, huiyin_app::error::AppError::from(e)))?;
    let now =
        huiyin_app::measures::unit_measures(&state, &caller.actor, &code, period).await.map_err(|e| refuse(lang, e))?;
    let before = huiyin_app::measures::unit_measures(&state, &caller.actor, &code, period.previous())
        .await
        .map_err(|e| refuse(lang, e))?;
    Ok(Json(UnitMeasuresView {
        unit: now.unit.code,
        unit_name: now.unit.name,
        from: period.from,
        to: period.to,
        period: period.label_zh(),
        measures: now.measures.iter().map(MeasureView::of).collect(),
        previous: before.measures.iter().map(MeasureView::of).collect(),
    }))
}
