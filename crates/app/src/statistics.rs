//! 统计报表 (issue 21; GEN-9, COM-2, TWN-14): the statistics of a unit's subtree over a period —
//! by content class at each level, channel, purpose, problem place, holding unit and month; first
//! petitions and repeats; collective petitions and their people; skip-level visits by the level
//! reached, against the unit and the accountable leader — and the roll-up of its units' measures
//! against the period before. Every number carries the list filters that show its cases.
//!
//! Who: staff, for a unit of their scope; counts only (no petitioner is named), and none of a case
//! that accuses the reader (GEN-7: not even as a number).

use std::collections::{BTreeMap, HashMap};

use huiyin_core::case::{Channel, Purpose};
use huiyin_core::kpi::{Measure, MeasurePeriod};
use huiyin_core::statistics::{Count, Reached, change, fold_classes};
use huiyin_store::{CaseCounts, Unit};

use crate::actor::Actor;
use crate::context::AppState;
use crate::error::AppResult;
use crate::units::unit_in_scope;

/// The case-list filters (as [`crate::cases::list::ListParams`] names them) that list a number's
/// cases.
pub type CaseFilter = Vec<(&'static str, String)>;

/// One line of a statistics table.
#[derive(Debug, Clone)]
pub struct StatLine {
    /// What the line counts, named: `劳动和社会保障`, `来访`, `2026年11月`.
    pub label: String,
    pub count: Count,
    /// The filters that list its cases; none where no list can (a place not recorded).
    pub cases: Option<CaseFilter>,
}

/// A statistics table: what it counts by, and its lines.
#[derive(Debug, Clone)]
pub struct StatTable {
    /// `class1`, `class2`, `class3`, `channel`, `purpose`, `place`, `holder`, `month`.
    pub code: &'static str,
    pub title: &'static str,
    pub lines: Vec<StatLine>,
}

/// Skip-level visits (越级访) counted against one unit of the problems' places (TWN-14).
#[derive(Debug, Clone)]
pub struct SkipLevelLine {
    /// The unit's code and name; none for visits whose place has no unit recorded.
    pub unit: Option<(String, String)>,
    pub all: Count,
    /// By the level reached, in [`Reached::ALL`]'s order.
    pub reached: Vec<(Reached, Count, Option<CaseFilter>)>,
    /// The accountable leaders (包案领导) by name, with their visits; `未确定` for none named.
    pub leaders: Vec<(String, u64)>,
    pub cases: Option<CaseFilter>,
}

/// A unit's statistics over a period.
#[derive(Debug, Clone)]
pub struct UnitStatistics {
    pub unit: Unit,
    pub period: MeasurePeriod,
    pub all: StatLine,
    pub first: StatLine,
    pub repeats: StatLine,
    pub collective: StatLine,
    pub tables: Vec<StatTable>,
    pub skip_level: Vec<SkipLevelLine>,
}

/// The filters of every case received in `period` in the subtree of `unit`.
fn received(unit: &str, period: MeasurePeriod) -> CaseFilter {
    vec![("unit", unit.to_owned()), ("from", period.from.to_string()), ("to", period.to.to_string())]
}

fn with(mut filter: CaseFilter, key: &'static str, value: impl Into<String>) -> CaseFilter {
    filter.push((key, value.into()));
    filter
}

/// The statistics of the unit `code` and the units below it, over `period`.
pub async fn unit_statistics(
    state: &AppState,
    actor: &Actor,
    code: &str,
    period: MeasurePeriod,
) -> AppResult<UnitStatistics> {
    let unit = unit_in_scope(state, actor, code).await?;
    let scope = state.store.unit_subtree(unit.id).await?;
    let (start, end) = period_instants(period);
    let counts = state.store.case_counts(&scope, &actor.blind, start, end).await?;
    let units: HashMap<i64, Unit> = state.store.units().await?.into_iter().map(|u| (u.id, u)).collect();
    let classes = state.classes().await;
    let class_names: HashMap<&str, &str> = classes.iter().map(|c| (c.code.as_str(), c.name.as_str())).collect();
    let names = crate::accounts::staff_names(state).await?;
    let base = received(&unit.code, period);
    let measure_key = period.key();
    let line = |label: String, count: Count, cases: Option<CaseFilter>| StatLine { label, count, cases };
    let CaseCounts {
        all,
        repeats,
        collective,
        by_class,
        by_channel,
        by_purpose,
        by_place,
        by_holder,
        by_month,
        skip_level,
    } = counts;
    let first =
        Count { cases: all.cases - repeats.cases.min(all.cases), people: all.people.saturating_sub(repeats.people) };
    let measure_filter = |part: &str| {
        vec![
            ("unit", unit.code.clone()),
            ("measure", "repeat_rate".to_owned()),
            ("part", part.to_owned()),
            ("period", measure_key.clone()),
        ]
    };
    let mut tables = Vec::new();
    for (level, code, title) in
        [(1, "class1", "按内容分类(一级)"), (2, "class2", "按内容分类(二级)"), (3, "class3", "按内容分类(三级)")]
    {
        let lines = fold_classes(&by_class, level)
            .into_iter()
            .map(|(class, count)| {
                let label = class_names.get(class.as_str()).map_or_else(|| class.clone(), |n| (*n).to_owned());
                line(label, count, Some(with(base.clone(), "category", class)))
            })
            .collect();
        tables.push(StatTable { code, title, lines });
    }
    let named = |rows: Vec<(String, Count)>, label: &dyn Fn(&str) -> String, key: &'static str| -> Vec<StatLine> {
        rows.into_iter().map(|(code, count)| line(label(&code), count, Some(with(base.clone(), key, code)))).collect()
    };
    let channel_label =
        |c: &str| Channel::parse("channel", c).map_or_else(|_| c.to_owned(), |c| c.label_zh().to_owned());
    let purpose_label =
        |c: &str| Purpose::parse("purpose", c).map_or_else(|_| c.to_owned(), |p| p.label_zh().to_owned());
    tables.push(StatTable {
        code: "channel",
        title: "按信访形式",
        lines: named(by_channel, &channel_label, "channel"),
    });
    tables.push(StatTable {
        code: "purpose",
        title: "按诉求目的",
        lines: named(by_purpose, &purpose_label, "purpose"),
    });
    let unit_line = |id: Option<i64>, count: Count, key: &'static str| match id.and_then(|id| units.get(&id)) {
        Some(u) => line(u.name.clone(), count, Some(with(base.clone(), key, u.code.clone()))),
        None => line("未填写".into(), count, None),
    };
    tables.push(StatTable {
        code: "place",
        title: "按问题属地",
        lines: by_place.into_iter().map(|(id, count)| unit_line(id, count, "place")).collect(),
    });
    tables.push(StatTable {
        code: "holder",
        title: "按承办单位(现办理单位)",
        lines: by_holder.into_iter().map(|(id, count)| unit_line(Some(id), count, "held")).collect(),
    });
    let months = by_month
        .into_iter()
        .map(|(month, count)| {
            let whole = MeasurePeriod::parse(Some(&month), None, None, period.to).ok();
            let label = whole.map_or_else(|| month.clone(), |m| m.label_zh());
            // A month's cases within the report's days.
            let cases = whole.map(|m| {
                let (from, to) = (m.from.max(period.from), m.to.min(period.to));
                vec![("unit", unit.code.clone()), ("from", from.to_string()), ("to", to.to_string())]
            });
            line(label, count, cases)
        })
        .collect();
    tables.push(StatTable { code: "month", title: "按月份", lines: months });
    Ok(UnitStatistics {
        all: line("信访总量".into(), all, Some(base.clone())),
        first: line("初信初访".into(), first, Some(measure_filter("missed"))),
        repeats: line("重复信访".into(), repeats, Some(measure_filter("counted"))),
        collective: line("集体访".into(), collective, Some(with(base.clone(), "flag", "collective"))),
        skip_level: skip_level_lines(skip_level, &units, &names, &base),
        tables,
        unit,
        period,
    })
}

/// Skip-level visits by the unit they count against, most first (TWN-14).
fn skip_level_lines(
    visits: Vec<huiyin_store::SkipLevelVisit>,
    units: &HashMap<i64, Unit>,
    names: &crate::accounts::StaffNames,
    base: &CaseFilter,
) -> Vec<SkipLevelLine> {
    let mut by_unit: BTreeMap<Option<i64>, Vec<huiyin_store::SkipLevelVisit>> = BTreeMap::new();
    for visit in visits {
        by_unit.entry(visit.against).or_default().push(visit);
    }
    let mut lines: Vec<SkipLevelLine> = by_unit
        .into_iter()
        .map(|(against, visits)| {
            let unit = against.and_then(|id| units.get(&id)).map(|u| (u.code.clone(), u.name.clone()));
            let filter = |reached: &str| {
                unit.as_ref().map(|(code, _)| with(with(base.clone(), "place", code.clone()), "reached", reached))
            };
            let mut all = Count::default();
            let mut reached: BTreeMap<Reached, Count> = BTreeMap::new();
            let mut leaders: BTreeMap<String, u64> = BTreeMap::new();
            for v in &visits {
                let count = Count { cases: 1, people: v.people };
                all.add(count);
                if let Some(level) = Reached::of(&v.flags) {
                    reached.entry(level).or_default().add(count);
                }
                let leader = v.leader.as_deref().map_or_else(|| "未确定".to_owned(), |l| names.of(l));
                *leaders.entry(leader).or_default() += 1;
            }
            let mut leaders: Vec<(String, u64)> = leaders.into_iter().collect();
            leaders.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            SkipLevelLine {
                reached: Reached::ALL
                    .into_iter()
                    .map(|r| (r, reached.get(&r).copied().unwrap_or_default(), filter(r.code())))
                    .collect(),
                cases: filter("any"),
                unit,
                all,
                leaders,
            }
        })
        .collect();
    lines.sort_by_key(|l| std::cmp::Reverse(l.all.cases));
    lines
}

/// The instants a period's China days span.
fn period_instants(period: MeasurePeriod) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
    let start = crate::cases::list::day_start("from", &period.from.to_string()).unwrap_or_default();
    let end =
        crate::cases::list::day_start("to", &period.to.to_string()).unwrap_or_default() + chrono::Duration::days(1);
    (start, end)
}

/// One unit's line of a roll-up: its measures over the period and the period before, and the
/// change of each.
#[derive(Debug, Clone)]
pub struct RollupLine {
    pub unit: Unit,
    /// Whether units lie below it (the line drills down).
    pub has_units: bool,
    pub measures: Vec<Measure>,
    pub previous: Vec<Measure>,
    /// Percentage points, by measure; none where either period had nothing to count.
    pub changes: Vec<Option<f64>>,
    /// Cases registered in the period (the repeat rate's denominator).
    pub registered: u64,
}

/// 汇总: a unit's measures and those of each unit directly below it, over a period.
#[derive(Debug, Clone)]
pub struct Rollup {
    pub period: MeasurePeriod,
    pub previous: MeasurePeriod,
    /// The unit itself, its whole subtree.
    pub total: RollupLine,
    /// Each unit directly below it (open ones, and closed ones that had cases), its subtree.
    pub units: Vec<RollupLine>,
}

/// How a roll-up's units are ordered: by a measure's code (best first, `-` before it for worst
/// first), `registered`, or by code (the default; `-code` from Z to A).
pub fn sort_rollup(lines: &mut [RollupLine], sort: &str) {
    let (descending, key) = match sort.strip_prefix('-') {
        Some(key) => (false, key),
        None => (true, sort),
    };
    let value = |line: &RollupLine| -> Option<f64> {
        if key == "registered" {
            return Some(line.registered as f64);
        }
        let m = line.measures.iter().find(|m| m.code == key)?;
        // Best first: a rate lower is better for counts against the unit.
        m.percent.map(|p| if m.higher_is_better { p } else { -p })
    };
    if key == "code" || (key != "registered" && !huiyin_core::kpi::MeasureCode::ALL.iter().any(|m| m.code() == key)) {
        // By code, A to Z; `-code` Z to A.
        lines.sort_by(|a, b| if descending { a.unit.code.cmp(&b.unit.code) } else { b.unit.code.cmp(&a.unit.code) });
        return;
    }
    lines.sort_by(|a, b| {
        // Nothing to count sorts last either way.
        match (value(a), value(b)) {
            (Some(x), Some(y)) => {
                let order = x.total_cmp(&y);
                if descending { order.reverse() } else { order }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.unit.code.cmp(&b.unit.code))
    });
}

/// The roll-up of the unit `code` over `period`, its units in `sort`'s order.
pub async fn rollup(
    state: &AppState,
    actor: &Actor,
    code: &str,
    period: MeasurePeriod,
    sort: &str,
) -> AppResult<Rollup> {
    let unit = unit_in_scope(state, actor, code).await?;
    let all = state.store.units().await?;
    let tree = crate::tree::unit_tree(state).await?;
    let previous = period.previous();
    // The whole subtree read once for each period, each unit's line summed from it.
    let whole = tree.subtree(unit.id);
    let units_now = crate::measures::tallies_by_unit(state, &whole, &actor.blind, period).await?;
    let units_before = crate::measures::tallies_by_unit(state, &whole, &actor.blind, previous).await?;
    let line = async |u: &Unit| -> AppResult<RollupLine> {
        let scope = tree.subtree(u.id);
        let now = crate::measures::sum_for_subtree(&units_now, &scope);
        let before = crate::measures::sum_for_subtree(&units_before, &scope);
        let (measures, previous) = (huiyin_core::kpi::measures(&now), huiyin_core::kpi::measures(&before));
        let changes = measures.iter().zip(&previous).map(|(m, p)| change(m.percent, p.percent)).collect();
        Ok(RollupLine {
            unit: u.clone(),
            has_units: scope.len() > 1,
            registered: now.repeats.registered,
            measures,
            previous,
            changes,
        })
    };
    let total = line(&unit).await?;
    let mut units = Vec::new();
    for child in all.iter().filter(|u| u.parent_id == Some(unit.id)) {
        let l = line(child).await?;
        if child.closed_at.is_none() || l.registered > 0 || l.measures.iter().any(|m| m.denominator > 0) {
            units.push(l);
        }
    }
    sort_rollup(&mut units, sort);
    Ok(Rollup { period, previous, total, units })
}

/// The filters that list the cases behind a measure's number of `unit` over `period`: `part` is
/// `all` (its denominator), `counted` (its numerator) or `missed`.
pub fn measure_cases(unit: &str, measure: &str, part: &str, period: MeasurePeriod) -> CaseFilter {
    vec![
        ("unit", unit.to_owned()),
        ("measure", measure.to_owned()),
        ("part", part.to_owned()),
        ("period", period.key()),
    ]
}

/// A cell of a report's table: text, a count, or a rate (none: nothing to count).
pub enum Cell {
    Text(String),
    Count(u64),
    Rate(Option<f64>),
    /// A change in percentage points, one decimal (none: nothing to compare), and whether a rise
    /// is better (all measures but 重复信访率).
    Points(Option<f64>, bool),
}

/// A table of a report: a sheet of the XLSX, a section of the CSV and of the printed report.
pub struct ReportTable {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The report's tables, in order: the measures, the roll-up, the totals, each statistics table and
/// the skip-level visits. The XLSX and CSV exports write them; the printed report sets them.
pub fn report_tables(stats: &UnitStatistics, rollup: &Rollup) -> Vec<ReportTable> {
    let total = &rollup.total;
    let mut out = vec![ReportTable {
        name: "考核指标".into(),
        headers: ["指标", "本期", "分子", "分母", "上期", "变化(百分点)"].map(String::from).to_vec(),
        rows: total
            .measures
            .iter()
            .zip(&total.previous)
            .zip(&total.changes)
            .map(|((m, p), c)| {
                vec![
                    Cell::Text(m.label.into()),
                    Cell::Rate(m.percent),
                    Cell::Count(m.numerator),
                    Cell::Count(m.denominator),
                    Cell::Rate(p.percent),
                    Cell::Points(*c, m.higher_is_better),
                ]
            })
            .collect(),
    }];
    let mut headers = vec!["单位".to_owned(), "单位代码".to_owned(), "登记件数".to_owned()];
    headers.extend(total.measures.iter().map(|m| m.label.to_owned()));
    out.push(ReportTable {
        name: "下级单位汇总".into(),
        headers,
        rows: std::iter::once(total)
            .chain(&rollup.units)
            .map(|l| {
                let mut row =
                    vec![Cell::Text(l.unit.name.clone()), Cell::Text(l.unit.code.clone()), Cell::Count(l.registered)];
                if std::ptr::eq(l, total) {
                    row[0] = Cell::Text(format!("合计({})", l.unit.name));
                }
                row.extend(l.measures.iter().map(|m| Cell::Rate(m.percent)));
                row
            })
            .collect(),
    });
    let count_rows = |lines: &mut dyn Iterator<Item = &StatLine>| -> Vec<Vec<Cell>> {
        lines
            .map(|l| vec![Cell::Text(l.label.clone()), Cell::Count(l.count.cases), Cell::Count(l.count.people)])
            .collect()
    };
    let count_headers = || ["项目", "件数", "人数"].map(String::from).to_vec();
    out.push(ReportTable {
        name: "总量".into(),
        headers: count_headers(),
        rows: count_rows(&mut [&stats.all, &stats.first, &stats.repeats, &stats.collective].into_iter()),
    });
    for t in &stats.tables {
        out.push(ReportTable {
            name: t.title.to_owned(),
            headers: count_headers(),
            rows: count_rows(&mut t.lines.iter()),
        });
    }
    let mut skip_headers = vec!["被计单位".to_owned(), "合计".to_owned()];
    skip_headers.extend(huiyin_core::statistics::Reached::ALL.iter().map(|r| r.label_zh().to_owned()));
    skip_headers.push("包案领导".into());
    out.push(ReportTable {
        name: "越级访".into(),
        headers: skip_headers,
        rows: stats
            .skip_level
            .iter()
            .map(|l| {
                let mut row = vec![
                    Cell::Text(l.unit.as_ref().map_or_else(|| "问题属地未填写".to_owned(), |u| u.1.clone())),
                    Cell::Count(l.all.cases),
                ];
                row.extend(l.reached.iter().map(|(_, n, _)| Cell::Count(n.cases)));
                row.push(Cell::Text(
                    l.leaders.iter().map(|(n, c)| format!("{n} {c} 件")).collect::<Vec<_>>().join("、"),
                ));
                row
            })
            .collect(),
    });
    out
}

/// A change as a reader takes it in: `↑1.2个百分点(好转)`, `↓6.4个百分点(变差)`, `持平` or `—`.
pub fn change_words(change: Option<f64>, higher_is_better: bool) -> String {
    match change {
        None => "—".into(),
        Some(0.0) => "持平".into(),
        Some(c) => {
            let arrow = if c > 0.0 { "↑" } else { "↓" };
            let judged = if (c > 0.0) == higher_is_better { "好转" } else { "变差" };
            format!("{arrow}{:.1}个百分点({judged})", c.abs())
        }
    }
}

impl Cell {
    /// The cell as a printed table shows it.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Rate(Some(p)) => format!("{p:.1}%"),
            Cell::Rate(None) => "暂无数据".into(),
            Cell::Points(change, higher_is_better) => change_words(*change, *higher_is_better),
        }
    }
}

/// A line's label under its column: a month without its year (`10月`), which the title gives.
pub fn chart_label(table: &str, label: &str) -> String {
    match label.split_once('年') {
        Some((_, month)) if table == "month" => month.to_owned(),
        _ => label.to_owned(),
    }
}

/// The charts of a report by the name of the table they draw: the units' 按期办结率, the month
/// trend beside the totals, and each statistics table's counts.
fn report_charts(stats: &UnitStatistics, rollup: &Rollup) -> HashMap<String, String> {
    use crate::charts::{Bar, bars, columns};
    let mut charts = HashMap::new();
    let closure: Vec<Bar> = rollup
        .units
        .iter()
        .filter_map(|l| {
            let rate = l.measures.iter().find(|m| m.code == "on_time_closure").and_then(|m| m.percent)?;
            Some((l.unit.name.clone(), rate))
        })
        .collect();
    if !closure.is_empty() {
        let svg = bars("closure", "下级单位按期办结率", "各下级单位的按期办结率,数据见下表", &closure, "%", 30);
        charts.insert("下级单位汇总".to_owned(), svg);
    }
    for t in &stats.tables {
        let data: Vec<Bar> = t.lines.iter().map(|l| (chart_label(t.code, &l.label), l.count.cases as f64)).collect();
        let svg = if t.code == "month" {
            columns(t.code, "信访量月度走势", "每月收到的信访件数,数据见下表", &data, "")
        } else {
            bars(t.code, t.title, &format!("{}的信访件数,数据见下表", t.title), &data, "件", 12)
        };
        charts.insert(t.title.to_owned(), svg);
    }
    charts
}

/// 统计报表 as printed (书面存档, issue 21): the report's tables each with its chart, with who
/// printed it and when. The file's name and its bytes.
///
/// Not under the unit's letterhead: the figures are counted as the reader may see them (GEN-7: a
/// case that accuses the reader is not even a number), so the paper says who printed it and when.
pub async fn report_pdf(
    state: &AppState,
    actor: &Actor,
    stats: &UnitStatistics,
    rollup: &Rollup,
) -> AppResult<(String, Vec<u8>)> {
    let mut charts = report_charts(stats, rollup);
    let sections = report_tables(stats, rollup)
        .into_iter()
        .map(|t| {
            // The first column names the line; other text (a unit's code, leaders' names) is
            // wider than a number.
            let texty =
                |col: usize| t.rows.iter().any(|row| matches!(row.get(col), Some(Cell::Text(_) | Cell::Points(..))));
            let widths = (0..t.headers.len())
                .map(|i| {
                    if i == 0 {
                        3
                    } else if texty(i) {
                        2
                    } else {
                        1
                    }
                })
                .collect();
            huiyin_pdf::ReportSection {
                chart: charts.remove(&t.name),
                heading: t.name,
                table: huiyin_pdf::LetterTable {
                    columns: t.headers,
                    widths,
                    rows: t.rows.iter().map(|row| row.iter().map(Cell::text).collect()).collect(),
                },
            }
        })
        .collect();
    let now = chrono::Utc::now();
    let paper = huiyin_pdf::ReportPaper {
        letterhead: String::new(),
        title: format!("{}信访工作统计报表", stats.unit.name),
        subtitle: format!(
            "统计期间:{}(比较期间:{});按打印人查阅范围统计",
            stats.period.label_zh(),
            rollup.previous.label_zh()
        ),
        sections,
        signature: vec![format!("打印人:{}", crate::accounts::name_and_title(&actor.user))],
        issued_on: format!("打印于{}", crate::views::day_zh(now)),
    };
    let ident = format!("report-{}-{}", stats.unit.code, stats.period.key());
    let pdf = crate::documents::issue::typeset_off_thread(state, move |t| t.report(&paper, &ident, now)).await?;
    Ok((format!("统计报表-{}-{}.pdf", stats.unit.code, stats.period.key()), pdf))
}
