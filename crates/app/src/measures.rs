//! 考核指标 (GEN-9, COM-3; issue 21): the six measures of a unit's subtree over a period, as
//! `docs/MEASURES.md` defines them — the store counts the deadlines, ratings and registrations; the
//! rating windows that lapsed unrated (参评率) are counted here, with the calendar and each unit's
//! rules.
//!
//! Who: everyone reads the measures of a unit in their scope (counts only: no case and no person is
//! named); the public reads a unit's twelve months on its page.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use huiyin_core::calendar::{Calendar, Limit, due_date};
use huiyin_core::kpi::{KpiTallies, Measure, MeasurePeriod, measures};
use huiyin_core::limits::{LimitRules, china_day};
use huiyin_store::{Blindness, ReplyStep, Unit, UnitTallies};

use crate::actor::Actor;
use crate::context::AppState;
use crate::error::AppResult;
use crate::units::unit_in_scope;

/// A unit's measures over a period.
#[derive(Debug, Clone)]
pub struct UnitMeasures {
    pub unit: Unit,
    pub period: MeasurePeriod,
    pub tallies: KpiTallies,
    pub measures: Vec<Measure>,
}

/// The measures of the unit `code` and the units below it, over `period`.
pub async fn unit_measures(
    state: &AppState,
    actor: &Actor,
    code: &str,
    period: MeasurePeriod,
) -> AppResult<UnitMeasures> {
    let unit = unit_in_scope(state, actor, code).await?;
    let scope = state.store.unit_subtree(unit.id).await?;
    let tallies = tallies(state, &scope, &actor.blind, period).await?;
    Ok(UnitMeasures { unit, period, measures: measures(&tallies), tallies })
}

/// What is counted for the units `scope` over `period`, as of today; no case that accuses one of
/// `blind` (GEN-7: for the accused, an accusation is not even a number).
pub async fn tallies(
    state: &AppState,
    scope: &[i64],
    blind: &Blindness,
    period: MeasurePeriod,
) -> AppResult<KpiTallies> {
    Ok(sum_for_subtree(&tallies_by_unit(state, scope, blind, period).await?, scope))
}

/// The same counts apart for each unit of `scope`, by the steps it took (docs/MEASURES.md): a
/// subtree's are the sum of its units' ([`sum_for_subtree`]), so that a roll-up reads once for
/// all its units.
pub(crate) async fn tallies_by_unit(
    state: &AppState,
    scope: &[i64],
    blind: &Blindness,
    period: MeasurePeriod,
) -> AppResult<Vec<UnitTallies>> {
    let today = china_day(Utc::now());
    let mut units = state.store.kpi_tallies_by_unit(scope, blind, period.from, period.to, today).await?;
    for step in lapsed_steps(state, scope, blind, period, today).await? {
        match units.iter_mut().find(|u| u.unit_id == step.step_by) {
            Some(unit) => unit.tallies.participation.lapsed += 1,
            None => {
                let mut tallies = KpiTallies::default();
                tallies.participation.lapsed = 1;
                units.push(UnitTallies { unit_id: step.step_by, tallies });
            }
        }
    }
    Ok(units)
}

/// The counts of the units `subtree`, from those of [`tallies_by_unit`].
pub(crate) fn sum_for_subtree(units: &[UnitTallies], subtree: &[i64]) -> KpiTallies {
    let mut sum = KpiTallies::default();
    for unit in units.iter().filter(|u| subtree.contains(&u.unit_id)) {
        sum.add(&unit.tallies);
    }
    sum
}

/// How many days a rating window may last at most, in calendar days: a window of working days is
/// stretched by weekends, and any window ending on a rest day moves to the next working day (the
/// longest holidays are about a week; fifteen days more is safe).
fn window_days(limit: Limit) -> i64 {
    match limit {
        Limit::CalendarDays(n) => i64::from(n) + 15,
        Limit::WorkingDays(n) => i64::from(n) * 2 + 15,
    }
}

/// The cases of the replies whose rating window closed in `period`, before `today`, with no rating
/// given in it (a reply is rated once, before the next reply): a case once per lapsed window.
pub(crate) async fn lapsed_cases(
    state: &AppState,
    scope: &[i64],
    blind: &Blindness,
    period: MeasurePeriod,
    today: chrono::NaiveDate,
) -> AppResult<Vec<i64>> {
    Ok(lapsed_steps(state, scope, blind, period, today).await?.into_iter().map(|s| s.case_id).collect())
}

/// The replies of [`lapsed_cases`] by one of `scope`, with their cases' units.
async fn lapsed_steps(
    state: &AppState,
    scope: &[i64],
    blind: &Blindness,
    period: MeasurePeriod,
    today: chrono::NaiveDate,
) -> AppResult<Vec<ReplyStep>> {
    let calendar = state.calendar().await;
    let mut rules: HashMap<i64, LimitRules> = HashMap::new();
    // Every unit's rules: a case held in the scope keeps those of the unit that registered it,
    // wherever that is, so the trail reaches back as far as the longest window of all (the same
    // reach for a unit's page, its line in a roll-up and the list behind the number).
    for unit in state.store.units().await? {
        rules.insert(unit.id, state.store.limit_rules_for(unit.id).await?.unwrap_or_default());
    }
    let longest = rules.values().map(|r| window_days(r.rating_window)).max().unwrap_or(45);
    let since = period.from - Duration::days(longest + 1);
    let trail = state.store.reply_trail(scope, blind, since).await?;
    let in_scope: std::collections::HashSet<i64> = scope.iter().copied().collect();
    let mut lapsed = Vec::new();
    for (i, step) in trail.iter().enumerate() {
        if step.rated || !in_scope.contains(&step.step_by) {
            continue;
        }
        if rated_after(&trail[i + 1..], step.case_id) {
            continue;
        }
        // A case keeps the rules of the unit that registered it.
        let rule = match rules.get(&step.unit_id) {
            Some(known) => known.rating_window,
            None => state.store.limit_rules_for(step.unit_id).await?.unwrap_or_default().rating_window,
        };
        if closes_in(&calendar, step, rule, period, today) {
            lapsed.push(step.clone());
        }
    }
    Ok(lapsed)
}

/// Whether the reply's case was rated before its next reply.
fn rated_after(rest: &[ReplyStep], case_id: i64) -> bool {
    rest.first().is_some_and(|next| next.case_id == case_id && next.rated)
}

/// Whether a reply's window of `limit` closed on a day of `period` before `today`.
fn closes_in(
    calendar: &Calendar,
    reply: &ReplyStep,
    limit: Limit,
    period: MeasurePeriod,
    today: chrono::NaiveDate,
) -> bool {
    let until = due_date(calendar, reply.day, limit).date;
    until >= period.from && until <= period.to && until < today
}
