//! 统计报表 (issue 21; GEN-9, COM-2, TWN-14): a unit's measures and statistics over a period, with
//! the roll-up of the units below it — every number a link to the list of its cases, each chart
//! drawn here as SVG beside its table — and the same tables as XLSX (a sheet a table) or CSV.
//! Counts only: no petitioner is named, so the exports are not personal-data views.

use askama::Template;
use axum::extract::{Query, State};
use chrono::{Datelike, Months, Utc};
use serde::Deserialize;

use super::{Me, PageError, PageResult, Staff, render};
use crate::case_query;
use huiyin_app::charts;
use huiyin_app::context::AppState;
use huiyin_app::statistics::{CaseFilter, Rollup, StatLine, UnitStatistics, measure_cases, rollup, unit_statistics};
use huiyin_core::kpi::MeasurePeriod;

#[derive(Deserialize, Default)]
pub(super) struct ReportQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    sort: String,
    /// `xlsx` or `csv`, for the export.
    #[serde(default)]
    format: String,
}

/// A number on the page and the list of its cases.
pub(super) struct Linked {
    text: String,
    href: Option<String>,
}

fn linked(text: impl Into<String>, filter: Option<&CaseFilter>) -> Linked {
    Linked { text: text.into(), href: filter.map(|f| format!("/cases?{}", case_query(f))) }
}

/// A statistics table as the page shows it, with its chart.
pub(super) struct TableView {
    id: &'static str,
    title: &'static str,
    chart: String,
    /// Label, cases, people.
    lines: Vec<(String, Linked, u64)>,
    /// The deeper class levels are folded away at first.
    folded: bool,
}

/// A measure's line: name, rate, numerator, denominator, missed, the rate before and the change.
pub(super) struct MeasureLine {
    label: &'static str,
    shown: String,
    counted: Linked,
    all: Linked,
    missed: Linked,
    before: String,
    change: String,
    /// `better`, `worse` or empty, for the change's colour.
    trend: &'static str,
}

/// A roll-up line: the unit (a link down when units lie below it), cases registered, each rate with
/// its change.
pub(super) struct RollupRow {
    code: String,
    name: String,
    drill: Option<String>,
    registered: u64,
    rates: Vec<(Linked, String, &'static str)>,
}

#[derive(Template)]
#[template(path = "staff/reports.html")]
pub(super) struct ReportsPage {
    me: Option<Me>,
    csrf: String,
    unit_code: String,
    unit_name: String,
    parent: Option<(String, String)>,
    units: Vec<(String, String, bool)>,
    period_key: String,
    period_label: String,
    previous_label: String,
    periods: Vec<(String, String)>,
    sort: String,
    measures: Vec<MeasureLine>,
    rollup_heads: Vec<(String, &'static str)>,
    rollup: Vec<RollupRow>,
    rollup_chart: String,
    totals: Vec<(&'static str, Linked, u64)>,
    month_chart: String,
    tables: Vec<TableView>,
    skip_level: Vec<SkipRow>,
    export_query: String,
}

impl ReportsPage {
    /// A number, a link to its cases where there is a list.
    fn link(&self, n: &Linked) -> String {
        match &n.href {
            Some(href) => format!("<a href=\"{}\">{}</a>", super::escape(href), super::escape(&n.text)),
            None => super::escape(&n.text),
        }
    }
}

/// A unit's skip-level visits by the level reached, and its accountable leaders.
pub(super) struct SkipRow {
    unit: String,
    all: Linked,
    reached: Vec<Linked>,
    leaders: String,
}

/// The period asked for; by default the month before this one (the monthly report).
fn period_of(q: &ReportQuery) -> Result<MeasurePeriod, huiyin_app::error::AppError> {
    let today = huiyin_core::limits::china_day(Utc::now());
    let blank = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let (period, from, to) = (blank(&q.period), blank(&q.from), blank(&q.to));
    if period.is_none() && from.is_none() && to.is_none() {
        let last_month = today.checked_sub_months(Months::new(1)).unwrap_or(today);
        let key = format!("{}-{:02}", last_month.year(), last_month.month());
        return Ok(MeasurePeriod::parse(Some(&key), None, None, today)?);
    }
    Ok(MeasurePeriod::parse(period.as_deref(), from.as_deref(), to.as_deref(), today)?)
}

/// The periods offered: the last twelve months, the last four quarters and the last three years.
fn offered_periods() -> Vec<(String, String)> {
    let today = huiyin_core::limits::china_day(Utc::now());
    let mut out = Vec::new();
    for back in 0..12 {
        if let Some(day) = today.checked_sub_months(Months::new(back)) {
            let key = format!("{}-{:02}", day.year(), day.month());
            out.push((key.clone(), format!("{}年{}月", day.year(), day.month())));
        }
    }
    for back in 0..4 {
        if let Some(day) = today.checked_sub_months(Months::new(back * 3)) {
            let q = day.month0() / 3 + 1;
            out.push((
                format!("{}-Q{q}", day.year()),
                format!("{}年第{}季度", day.year(), ["一", "二", "三", "四"][q as usize - 1]),
            ));
        }
    }
    for back in 0..3 {
        let year = today.year() - back;
        out.push((year.to_string(), format!("{year}年")));
    }
    out
}

/// A change in words (as the printed report has it) and its colour's class.
fn change_text(change: Option<f64>, higher_is_better: bool) -> (String, &'static str) {
    let trend = match change {
        Some(c) if c != 0.0 && (c > 0.0) == higher_is_better => "better",
        Some(c) if c != 0.0 => "worse",
        _ => "",
    };
    (huiyin_app::statistics::change_words(change, higher_is_better), trend)
}

struct Report {
    stats: UnitStatistics,
    rollup: Rollup,
}

async fn report(state: &AppState, staff: &Staff, q: &ReportQuery) -> Result<Report, PageError> {
    let period = period_of(q)?;
    let code = match q.unit.trim() {
        "" => staff.actor.user.unit_code.clone(),
        code => code.to_owned(),
    };
    let sort = if q.sort.trim().is_empty() { "code" } else { q.sort.trim() };
    let stats = unit_statistics(state, &staff.actor, &code, period).await?;
    let rollup = rollup(state, &staff.actor, &code, period, sort).await?;
    Ok(Report { stats, rollup })
}

pub(super) async fn reports_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let Report { stats, rollup } = report(&state, &staff, &q).await?;
    let period = stats.period;
    let unit = stats.unit.clone();
    let sort = if q.sort.trim().is_empty() { "code".to_owned() } else { q.sort.trim().to_owned() };
    let total = &rollup.total;
    let measures = total
        .measures
        .iter()
        .zip(&total.previous)
        .zip(&total.changes)
        .map(|((m, before), change)| {
            let cases = |part: &str| measure_cases(&unit.code, m.code, part, period);
            let (change, trend) = change_text(*change, m.higher_is_better);
            MeasureLine {
                label: m.label,
                shown: m.shown(),
                counted: linked(m.numerator.to_string(), Some(&cases("counted"))),
                all: linked(m.denominator.to_string(), Some(&cases("all"))),
                missed: linked((m.denominator - m.numerator.min(m.denominator)).to_string(), Some(&cases("missed"))),
                before: before.shown(),
                change,
                trend,
            }
        })
        .collect();
    let rollup_heads = total.measures.iter().map(|m| (m.code.to_owned(), m.label)).collect();
    let rollup_rows: Vec<RollupRow> = rollup
        .units
        .iter()
        .map(|line| RollupRow {
            code: line.unit.code.clone(),
            name: line.unit.name.clone(),
            drill: line.has_units.then(|| format!("/reports?unit={}&period={}", line.unit.code, period.key())),
            registered: line.registered,
            rates: line
                .measures
                .iter()
                .zip(&line.changes)
                .map(|(m, change)| {
                    let (change, trend) = change_text(*change, m.higher_is_better);
                    (linked(m.shown(), Some(&measure_cases(&line.unit.code, m.code, "all", period))), change, trend)
                })
                .collect(),
        })
        .collect();
    let closure: Vec<charts::Bar> = rollup
        .units
        .iter()
        .filter_map(|l| {
            l.measures
                .iter()
                .find(|m| m.code == "on_time_closure")
                .and_then(|m| m.percent)
                .map(|p| (l.unit.name.clone(), p))
        })
        .collect();
    let rollup_chart = charts::bars(
        "chart-rollup",
        &format!("下级单位按期办结率({})", period.label_zh()),
        "各下级单位的按期办结率,数据见下级单位汇总表",
        &closure,
        "%",
        30,
    );
    let months: Vec<charts::Bar> = stats
        .tables
        .iter()
        .find(|t| t.code == "month")
        .map(|t| {
            t.lines
                .iter()
                .map(|l| (huiyin_app::statistics::chart_label("month", &l.label), l.count.cases as f64))
                .collect()
        })
        .unwrap_or_default();
    let month_chart = charts::columns(
        "chart-month",
        &format!("{} 信访量月度走势", unit.name),
        "每月收到的信访件数,数据见“按月份”表",
        &months,
        "",
    );
    let tables = stats
        .tables
        .iter()
        .map(|t| {
            let data: Vec<charts::Bar> = t.lines.iter().map(|l| (l.label.clone(), l.count.cases as f64)).collect();
            TableView {
                id: t.code,
                title: t.title,
                chart: charts::bars(
                    &format!("chart-{}", t.code),
                    t.title,
                    &format!("{}的信访件数,数据见旁表", t.title),
                    &data,
                    "件",
                    12,
                ),
                lines: t
                    .lines
                    .iter()
                    .map(|l| (l.label.clone(), linked(l.count.cases.to_string(), l.cases.as_ref()), l.count.people))
                    .collect(),
                folded: matches!(t.code, "class2" | "class3"),
            }
        })
        .collect();
    let line = |l: &StatLine| linked(l.count.cases.to_string(), l.cases.as_ref());
    let totals = vec![
        ("信访总量", line(&stats.all), stats.all.count.people),
        ("初信初访", line(&stats.first), stats.first.count.people),
        ("重复信访", line(&stats.repeats), stats.repeats.count.people),
        ("集体访", line(&stats.collective), stats.collective.count.people),
    ];
    let skip_level = stats
        .skip_level
        .iter()
        .map(|l| SkipRow {
            unit: l.unit.as_ref().map_or_else(|| "问题属地未填写".to_owned(), |u| u.1.clone()),
            all: linked(l.all.cases.to_string(), l.cases.as_ref()),
            reached: l.reached.iter().map(|(_, n, f)| linked(n.cases.to_string(), f.as_ref())).collect(),
            leaders: l.leaders.iter().map(|(name, n)| format!("{name} {n} 件")).collect::<Vec<_>>().join("、"),
        })
        .collect();
    let all_units = state.store.units().await.map_err(huiyin_app::error::AppError::from)?;
    let parent = unit
        .parent_id
        .and_then(|p| all_units.iter().find(|u| u.id == p))
        .filter(|p| staff.actor.scope.contains(&p.id))
        .map(|p| (p.code.clone(), p.name.clone()));
    let in_scope = huiyin_app::units::units_in_scope(&state, &staff.actor).await?;
    let page = ReportsPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        parent,
        units: in_scope
            .into_iter()
            .filter(|u| u.closed_at.is_none() || u.id == unit.id)
            .map(|u| {
                let here = u.id == unit.id;
                (u.code, u.name, here)
            })
            .collect(),
        period_key: period.key(),
        period_label: period.label_zh(),
        previous_label: rollup.previous.label_zh(),
        periods: {
            // Days asked for are offered too, so that the picker shows what the page counts.
            let mut periods = offered_periods();
            if !periods.iter().any(|(key, _)| *key == period.key()) {
                periods.insert(0, (period.key(), period.label_zh()));
            }
            periods
        },
        sort,
        measures,
        rollup_heads,
        rollup: rollup_rows,
        rollup_chart,
        totals,
        month_chart,
        tables,
        skip_level,
        export_query: format!("unit={}&period={}", unit.code, period.key()),
    };
    Ok(render(&page))
}

/// 导出: the report's tables as XLSX (a sheet a table) or CSV (the tables one after another).
pub(super) async fn export(State(state): State<AppState>, staff: Staff, Query(q): Query<ReportQuery>) -> PageResult {
    let Report { stats, rollup } = report(&state, &staff, &q).await?;
    let tables = huiyin_app::statistics::report_tables(&stats, &rollup);
    let name = format!("统计报表-{}-{}", stats.unit.code, stats.period.key());
    if q.format == "pdf" {
        let (_, pdf) = huiyin_app::statistics::report_pdf(&state, &staff.actor, &stats, &rollup).await?;
        let blob = huiyin_store::Blob { sha256: String::new(), media_type: "application/pdf".into(), bytes: pdf };
        return Ok(crate::attachment_response(&format!("{name}.pdf"), blob));
    }
    let (media_type, extension, bytes) = match q.format.as_str() {
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            super::export::xlsx_book(&tables)?,
        ),
        _ => (
            "text/csv; charset=utf-8",
            "csv",
            super::export::csv_book(&format!("{} {}", stats.unit.name, stats.period.label_zh()), &tables).into_bytes(),
        ),
    };
    let blob = huiyin_store::Blob { sha256: String::new(), media_type: media_type.into(), bytes };
    Ok(crate::attachment_response(&format!("{name}.{extension}"), blob))
}
