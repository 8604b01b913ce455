//! 统计报表 (issue 21): a unit's statistics over a period, and the roll-up of its units' measures
//! against the period before. Every number comes with the query that lists its cases at
//! `/api/v1/cases`.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

use super::refuse;
use crate::auth::ApiActor;
use crate::case_query;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::public::MeasureView;
use huiyin_app::statistics::{RollupLine, StatLine};
use huiyin_core::kpi::MeasurePeriod;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ReportParams {
    /// A month (`2026-11`), a quarter (`2026-Q4`), a year (`2026`) or days (`2026-03-05..2026-03-14`);
    /// or give `from` and `to`. Neither: the twelve months to today.
    period: Option<String>,
    /// The first day counted (YYYY-MM-DD), with `to`.
    from: Option<String>,
    /// The last day counted (YYYY-MM-DD), included.
    to: Option<String>,
    /// The roll-up's order: a measure's code (best first; `-` before it: worst first),
    /// `registered` (most first), or `code` (the default).
    sort: Option<String>,
}

impl ReportParams {
    pub(super) fn period(&self) -> Result<MeasurePeriod, huiyin_app::error::AppError> {
        let today = huiyin_core::limits::china_day(chrono::Utc::now());
        Ok(MeasurePeriod::parse(self.period.as_deref(), self.from.as_deref(), self.to.as_deref(), today)?)
    }
}

/// A number of cases, the people who brought them, and the query that lists them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct StatLineView {
    label: String,
    cases: u64,
    people: u64,
    /// The query string of `/api/v1/cases` (and of the `/cases` page) that lists these cases;
    /// none where no list can (a problem place not recorded).
    list: Option<String>,
}

impl StatLineView {
    fn of(line: &StatLine) -> StatLineView {
        StatLineView {
            label: line.label.clone(),
            cases: line.count.cases,
            people: line.count.people,
            list: line.cases.as_ref().map(case_query),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct StatTableView {
    /// `class1`, `class2`, `class3`, `channel`, `purpose`, `place`, `holder` or `month`.
    code: String,
    title: String,
    lines: Vec<StatLineView>,
}

/// Skip-level visits counted against one unit (TWN-14).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct SkipLevelView {
    /// The unit of the problems' place; none where no unit was recorded.
    unit: Option<String>,
    unit_name: Option<String>,
    cases: u64,
    people: u64,
    list: Option<String>,
    /// By the farthest level reached: `county`, `city`, `province`, `beijing`.
    reached: Vec<ReachedView>,
    /// The accountable leaders (包案领导) by name, with their visits; `未确定` where none was named.
    leaders: Vec<LeaderCount>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ReachedView {
    level: String,
    label: String,
    cases: u64,
    people: u64,
    list: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct LeaderCount {
    name: String,
    cases: u64,
}

/// A unit's statistics over a period.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct StatisticsView {
    unit: String,
    unit_name: String,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    period: String,
    /// Every case received in the period.
    all: StatLineView,
    /// 初信初访 and 重复信访.
    first: StatLineView,
    repeats: StatLineView,
    /// 集体访, with their people.
    collective: StatLineView,
    tables: Vec<StatTableView>,
    /// 越级访 by the unit counted against (TWN-14).
    skip_level: Vec<SkipLevelView>,
}

/// 统计 (issue 21; COM-2, TWN-14): the cases of a unit and the units below it received in a period,
/// counted by content class (each level), channel, purpose, problem place, holding unit and month;
/// first petitions and repeats; collective petitions and their people; skip-level visits by the
/// level reached, against the unit and the accountable leader. Counts only; none of a case that
/// accuses the caller (GEN-7). Each number carries the query that lists its cases.
#[utoipa::path(get, path = "/units/{code}/statistics", tag = "units", params(("code" = String, Path), ReportParams),
    responses((status = 200, body = StatisticsView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn unit_statistics(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    Query(q): Query<ReportParams>,
) -> ApiResult<Json<StatisticsView>> {
    let lang = caller.lang;
    let period = q.period().map_err(|e| refuse(lang, e))?;
    let s = huiyin_app::statistics::unit_statistics(&state, &caller.actor, &code, period)
        .await
        .map_err(|e| refuse(lang, e))?;
    Ok(Json(StatisticsView {
        unit: s.unit.code,
        unit_name: s.unit.name,
        from: period.from,
        to: period.to,
        period: period.label_zh(),
        all: StatLineView::of(&s.all),
        first: StatLineView::of(&s.first),
        repeats: StatLineView::of(&s.repeats),
        collective: StatLineView::of(&s.collective),
        tables: s
            .tables
            .iter()
            .map(|t| StatTableView {
                code: t.code.into(),
                title: t.title.into(),
                lines: t.lines.iter().map(StatLineView::of).collect(),
            })
            .collect(),
        skip_level: s
            .skip_level
            .iter()
            .map(|l| SkipLevelView {
                unit: l.unit.as_ref().map(|u| u.0.clone()),
                unit_name: l.unit.as_ref().map(|u| u.1.clone()),
                cases: l.all.cases,
                people: l.all.people,
                list: l.cases.as_ref().map(case_query),
                reached: l
                    .reached
                    .iter()
                    .map(|(r, n, list)| ReachedView {
                        level: r.code().into(),
                        label: r.label_zh().into(),
                        cases: n.cases,
                        people: n.people,
                        list: list.as_ref().map(case_query),
                    })
                    .collect(),
                leaders: l
                    .leaders
                    .iter()
                    .map(|(name, cases)| LeaderCount { name: name.clone(), cases: *cases })
                    .collect(),
            })
            .collect(),
    }))
}

/// One measure of a roll-up line, with its change and the queries listing its cases.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RollupMeasureView {
    #[serde(flatten)]
    measure: MeasureView,
    /// The rate of the period before.
    previous: Option<f64>,
    /// Percentage points against the period before; none where either had nothing to count.
    change: Option<f64>,
    /// The queries of `/api/v1/cases` listing the cases it counts (`all`), those counted for it
    /// (`counted`) and those against it (`missed`).
    list_all: String,
    list_counted: String,
    list_missed: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RollupLineView {
    unit: String,
    unit_name: String,
    /// Units lie below it: its own roll-up drills down.
    has_units: bool,
    /// Cases registered in the period.
    registered: u64,
    measures: Vec<RollupMeasureView>,
}

impl RollupLineView {
    pub(super) fn of(line: &RollupLine, period: MeasurePeriod) -> RollupLineView {
        use huiyin_app::statistics::measure_cases;
        let code = &line.unit.code;
        RollupLineView {
            unit: code.clone(),
            unit_name: line.unit.name.clone(),
            has_units: line.has_units,
            registered: line.registered,
            measures: line
                .measures
                .iter()
                .zip(&line.previous)
                .zip(&line.changes)
                .map(|((m, p), change)| RollupMeasureView {
                    measure: MeasureView::of(m),
                    previous: p.percent,
                    change: *change,
                    list_all: case_query(&measure_cases(code, m.code, "all", period)),
                    list_counted: case_query(&measure_cases(code, m.code, "counted", period)),
                    list_missed: case_query(&measure_cases(code, m.code, "missed", period)),
                })
                .collect(),
        }
    }
}

/// A unit's roll-up.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RollupView {
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    period: String,
    /// The period compared against.
    previous_period: String,
    /// The unit itself, its whole subtree.
    total: RollupLineView,
    /// Each unit directly below it, its own subtree, in `sort`'s order.
    units: Vec<RollupLineView>,
}

/// 汇总 (issue 21, GEN-9): the six measures of a unit and of each unit directly below it over a
/// period, with the change against the period before; a line with `has_units` drills down to that
/// unit's own roll-up. A parent's numbers count the cases of its whole subtree once (a case
/// registered in one unit and held by another counts for both), so they are not the sum of its
/// units' (docs/MEASURES.md).
#[utoipa::path(get, path = "/units/{code}/rollup", tag = "units", params(("code" = String, Path), ReportParams),
    responses((status = 200, body = RollupView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn unit_rollup(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    Query(q): Query<ReportParams>,
) -> ApiResult<Json<RollupView>> {
    let lang = caller.lang;
    let period = q.period().map_err(|e| refuse(lang, e))?;
    let r = huiyin_app::statistics::rollup(&state, &caller.actor, &code, period, q.sort.as_deref().unwrap_or("code"))
        .await
        .map_err(|e| refuse(lang, e))?;
    Ok(Json(RollupView {
        from: period.from,
        to: period.to,
        period: period.label_zh(),
        previous_period: r.previous.label_zh(),
        total: RollupLineView::of(&r.total, period),
        units: r.units.iter().map(|l| RollupLineView::of(l, period)).collect(),
    }))
}

/// The printed statistics report of a unit over a period (打印版, PDF typeset with its charts): the
/// measures, the roll-up of its units against the period before (in `sort`'s order), the totals,
/// each statistics table and the skip-level visits, as the caller may count them (GEN-7), saying
/// who printed it and when. As the 统计 page's 打印版.
#[utoipa::path(get, path = "/units/{code}/report.pdf", tag = "units", params(("code" = String, Path), ReportParams),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn unit_report_pdf(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    Query(q): Query<ReportParams>,
) -> ApiResult<axum::response::Response> {
    let lang = caller.lang;
    let period = q.period().map_err(|e| refuse(lang, e))?;
    let sort = q.sort.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or("code");
    let stats = huiyin_app::statistics::unit_statistics(&state, &caller.actor, &code, period)
        .await
        .map_err(|e| refuse(lang, e))?;
    let rollup = huiyin_app::statistics::rollup(&state, &caller.actor, &code, period, sort)
        .await
        .map_err(|e| refuse(lang, e))?;
    let (name, pdf) = huiyin_app::statistics::report_pdf(&state, &caller.actor, &stats, &rollup)
        .await
        .map_err(|e| refuse(lang, e))?;
    Ok(crate::made_pdf(&name, pdf))
}
