//! Time limits as data (GEN-2 … GEN-5): a unit's limit rules, the holiday calendar imported, and
//! every open deadline recounted over it (GEN-8).

use chrono::Utc;
use huiyin_core::calendar::{Calendar, YearFile};
use huiyin_core::limits::{Deadline, LimitRules};
use huiyin_core::{FieldError, Invalid};
use huiyin_store::Store;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// A unit's time limits as an administrator reads them: those in force, whether they are the
/// unit's own, and those it would inherit without them (from the nearest unit above that has its
/// own, or the national defaults), to show beside each override.
#[derive(Debug, Clone)]
pub struct UnitLimits {
    pub rules: LimitRules,
    pub own: bool,
    pub inherited: LimitRules,
}

/// The limits in force for a unit of the actor's scope ([`UnitLimits`]).
pub async fn unit_limits(state: &AppState, actor: &Actor, code: &str) -> AppResult<UnitLimits> {
    limits_of(state, &crate::units::unit_in_scope(state, actor, code).await?).await
}

async fn limits_of(state: &AppState, unit: &huiyin_store::Unit) -> AppResult<UnitLimits> {
    let own = state.store.own_limit_rules(unit.id).await?;
    let inherited = match unit.parent_id {
        Some(p) => state.store.limit_rules_for(p).await?,
        None => None,
    }
    .unwrap_or_default();
    Ok(UnitLimits { own: own.is_some(), rules: own.unwrap_or_else(|| inherited.clone()), inherited })
}

/// The unit named, for an administrator who sets its limits: a unit below their own, or their own
/// when it has none above it. The limits bind the unit (how long it has, how many leaders approve,
/// when it is escalated), so a unit's administrator does not loosen them for their own unit: the
/// unit above sets them.
async fn limits_setter_unit(state: &AppState, actor: &Actor, code: &str) -> AppResult<huiyin_store::Unit> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let unit = crate::units::unit_in_scope(state, actor, code).await?;
    if !may_set_limits(actor, &unit) {
        return Err(AppError::Forbidden);
    }
    Ok(unit)
}

/// Whether `actor` may set the limits of `unit` ([`limits_setter_unit`]'s rule), for pages that
/// offer the form only where it would be taken.
pub fn may_set_limits(actor: &Actor, unit: &huiyin_store::Unit) -> bool {
    actor.user.role.can_administer()
        && actor.sees_unit(unit.id)
        && (unit.id != actor.user.unit_id || unit.parent_id.is_none() || actor.is_operator())
}

/// Sets a unit's time limits from a preset or as a whole (administrators, for the units below
/// theirs: [`limits_setter_unit`]); the units below inherit them. Every limit must be at least one day. Deadlines already counted keep their dates;
/// limits apply to what is counted from now on.
pub async fn set_unit_limits(
    state: &AppState,
    actor: &Actor,
    code: &str,
    preset: Option<&str>,
    rules: Option<LimitRules>,
) -> AppResult<LimitRules> {
    let unit = limits_setter_unit(state, actor, code).await?;
    let rules = match (preset, rules) {
        (Some(name), None) => LimitRules::preset(name).ok_or_else(|| {
            FieldError::new("preset", Invalid::NotAChoice { allowed: LimitRules::PRESETS.join(", ") })
        })?,
        (None, Some(rules)) => rules.checked().map_err(|field| {
            let range = match field.as_str() {
                "rules.approvals_required" => Invalid::OutOfRange { min: 1, max: 2 },
                "rules.review_levels_up" => Invalid::OutOfRange { min: 1, max: 3 },
                "rules.reception_publish_by" | "rules.screening_by" => Invalid::OutOfRange { min: 1, max: 10 },
                "rules.reception_min_rank" => Invalid::NotAChoice {
                    allowed: huiyin_core::reception::rank_names().collect::<Vec<_>>().join("、"),
                },
                _ => Invalid::OutOfRange { min: 1, max: 3650 },
            };
            FieldError::new(field, range)
        })?,
        _ => return Err(FieldError::new("preset", Invalid::Required).into()),
    };
    // Before: the unit's own rules, or those it inherited.
    let current = limits_of(state, &unit).await?;
    let before = Some(serde_json::json!({"own": current.own, "rules": current.rules}));
    state.store.set_unit_limits(unit.id, &rules, Utc::now()).await?;
    tracing::info!(unit = code, preset = %rules.preset, actor = %actor.user.username, "time limits set");
    let after = Some(serde_json::json!({"own": true, "rules": rules}));
    audit::record(state, actor, "unit.limits", Target::unit(&unit), before, after).await;
    Ok(rules)
}

/// Drops a unit's own time limits (administrators, as [`set_unit_limits`]): it takes those of the unit above again,
/// or the national defaults. Nothing changes, and nothing is logged, when it had none.
pub async fn inherit_unit_limits(state: &AppState, actor: &Actor, code: &str) -> AppResult<UnitLimits> {
    let unit = limits_setter_unit(state, actor, code).await?;
    let current = limits_of(state, &unit).await?;
    if state.store.clear_unit_limits(unit.id).await? {
        tracing::info!(unit = code, actor = %actor.user.username, "time limits inherited");
        let before = Some(serde_json::json!({"own": current.own, "rules": current.rules}));
        let after = Some(serde_json::json!({"own": false, "rules": current.inherited}));
        audit::record(state, actor, "unit.limits", Target::unit(&unit), before, after).await;
    }
    limits_of(state, &unit).await
}

/// Loads one year of the holiday schedule (holiday-cn format), replacing that year's earlier file:
/// administrators of the whole installation only ([`Actor::administers_installation`]), since
/// the calendar is every unit's. The caller then recounts the open
/// deadlines over the new calendar ([`recount_deadlines`]).
pub async fn import_holiday_year(state: &AppState, actor: &Actor, json: &str, source: &str) -> AppResult<(i32, usize)> {
    if !actor.administers_installation() {
        return Err(AppError::Forbidden);
    }
    let file = YearFile::parse(json)?;
    state.store.put_holiday_year(file.year, json, source, Utc::now()).await?;
    tracing::info!(year = file.year, source, actor = %actor.user.username, "holiday schedule imported");
    let year = file.year.to_string();
    let after = Some(serde_json::json!({"year": file.year, "days": file.days.len(), "source": source}));
    audit::record(state, actor, "calendar.import", Target::installation(&year), None, after).await;
    Ok((file.year, file.days.len()))
}

/// Recounts every open deadline over `calendar` and writes those whose due date moved (GEN-8: a
/// loaded schedule recomputes open deadlines). `progress` is told how many were read so far.
pub async fn recount_deadlines(store: &dyn Store, calendar: &Calendar, progress: impl Fn(u64)) -> AppResult<u64> {
    const PAGE: i64 = 2000;
    let mut cursor: (i64, String) = (0, String::new());
    let (mut read, mut moved) = (0u64, 0u64);
    loop {
        let page = store.open_deadlines_after((cursor.0, &cursor.1), PAGE).await?;
        let Some((last_case, last)) = page.last() else { break };
        cursor = (*last_case, last.kind.code().to_owned());
        read += page.len() as u64;
        let changed: Vec<(i64, Deadline)> = page
            .iter()
            .map(|(case_id, d)| (*case_id, d.recounted(calendar)))
            .zip(page.iter())
            .filter(|((_, new), (_, old))| new.due != old.due)
            .map(|(new, _)| new)
            .collect();
        moved += changed.len() as u64;
        store.update_deadline_dues(&changed).await?;
        progress(read);
    }
    Ok(moved)
}
