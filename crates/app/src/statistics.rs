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
/// first), `registered`, or by code (the default).
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
        lines.sort_by(|a, b| a.unit.code.cmp(&b.unit.code));
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
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    for u in &all {
        if let Some(parent) = u.parent_id {
            children.entry(parent).or_default().push(u.id);
        }
    }
    let subtree = |root: i64| {
        let mut ids = vec![root];
        let mut i = 0;
        while i < ids.len() {
            ids.extend(children.get(&ids[i]).into_iter().flatten().copied());
            i += 1;
        }
        ids
    };
    let previous = period.previous();
    let line = async |u: &Unit| -> AppResult<RollupLine> {
        let scope = subtree(u.id);
        let now = crate::measures::tallies(state, &scope, &actor.blind, period).await?;
        let before = crate::measures::tallies(state, &scope, &actor.blind, previous).await?;
        let (measures, previous) = (huiyin_core::kpi::measures(&now), huiyin_core::kpi::measures(&before));
        let changes = measures.iter().zip(&previous).map(|(m, p)| change(m.percent, p.percent)).collect();
        Ok(RollupLine {
            unit: u.clone(),
            has_units: children.contains_key(&u.id),
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
