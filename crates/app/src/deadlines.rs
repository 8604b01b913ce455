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

/// The rules in force for a unit, and whether they are the unit's own.
pub async fn unit_limits(state: &AppState, actor: &Actor, code: &str) -> AppResult<(LimitRules, bool)> {
    let unit = state.store.unit_by_code(code).await?.filter(|u| actor.sees_unit(u.id)).ok_or(AppError::NotFound)?;
    let own = state.store.limit_rules_for(unit.id).await?;
    let parent = match unit.parent_id {
        Some(p) => state.store.limit_rules_for(p).await?,
        None => None,
    };
    let is_own = own.is_some() && own != parent;
    Ok((own.unwrap_or_default(), is_own))
}

/// Sets a unit's time limits from a preset or as a whole (administrators only); the units below
/// inherit them. Every limit must be at least one day.
pub async fn set_unit_limits(
    state: &AppState,
    actor: &Actor,
    code: &str,
    preset: Option<&str>,
    rules: Option<LimitRules>,
) -> AppResult<LimitRules> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let unit = state.store.unit_by_code(code).await?.filter(|u| actor.sees_unit(u.id)).ok_or(AppError::NotFound)?;
    let rules = match (preset, rules) {
        (Some(name), None) => LimitRules::preset(name).ok_or_else(|| {
            FieldError::new("preset", Invalid::NotAChoice { allowed: LimitRules::PRESETS.join(", ") })
        })?,
        (None, Some(rules)) => {
            rules.checked().map_err(|field| FieldError::new(field, Invalid::OutOfRange { min: 1, max: 3650 }))?
        }
        _ => return Err(FieldError::new("preset", Invalid::Required).into()),
    };
    // Before: the unit's own rules, or those it inherited.
    let (current, own) = unit_limits(state, actor, code).await?;
    let before = Some(serde_json::json!({"own": own, "rules": current}));
    state.store.set_unit_limits(unit.id, &rules, Utc::now()).await?;
    tracing::info!(unit = code, preset = %rules.preset, actor = %actor.user.username, "time limits set");
    let after = Some(serde_json::json!({"own": true, "rules": rules}));
    audit::record(state, actor, "unit.limits", Target::unit(&unit), before, after).await;
    Ok(rules)
}

/// Loads one year of the holiday schedule (holiday-cn format), replacing that year's earlier file:
/// administrators only, since the calendar is the whole tree's. The caller then recounts the open
/// deadlines over the new calendar ([`recount_deadlines`]).
pub async fn import_holiday_year(state: &AppState, actor: &Actor, json: &str, source: &str) -> AppResult<(i32, usize)> {
    if !actor.user.role.can_administer() {
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
