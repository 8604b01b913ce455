//! 属地 (TWN-1, TWN-2, FED-17): a unit's territory — the place names, address prefixes and
//! boundary it answers for — kept by the administrators whose scope holds the unit and read by
//! anyone whose scope does; a petition that names a place but no unit routed to the smallest open
//! unit whose territory holds it (the portal, Open311); the territorial unit of a case, proposed
//! first for a transfer.

use chrono::Utc;
use huiyin_core::territory::{self, Location, Territory, TerritoryDraft};
use huiyin_store::Unit;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::tree::unit_tree;
use crate::units;
use huiyin_core::informant::UnitTree;

/// A unit's territory (empty when it set none), for anyone whose scope holds the unit.
pub async fn territory_of(state: &AppState, actor: &Actor, code: &str) -> AppResult<(Unit, Territory)> {
    let unit = units::unit_in_scope(state, actor, code).await?;
    let territory = state.store.unit_territory(unit.id).await?.unwrap_or_default();
    Ok((unit, territory))
}

/// Replaces a unit's territory as a whole (administrators, for units in their scope). On the audit
/// log with the territory before and after.
pub async fn set_territory(
    state: &AppState,
    actor: &Actor,
    code: &str,
    draft: &TerritoryDraft,
) -> AppResult<Territory> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let unit = units::unit_in_scope(state, actor, code).await?;
    let territory = draft.parse()?;
    let before = state.store.unit_territory(unit.id).await?;
    state.store.set_unit_territory(unit.id, &territory, Utc::now()).await?;
    let before = before.and_then(|t| serde_json::to_value(t).ok());
    audit::record(state, actor, "unit.territory", Target::unit(&unit), before, serde_json::to_value(&territory).ok())
        .await;
    Ok(territory)
}

/// The smallest open unit whose territory holds `location` (TWN-2), among those `may_take`
/// accepts, if one does and no other holds it alike. GEN-7: a petition never goes to the unit it
/// accuses nor one below it: it goes to the nearest unit above them instead. Nothing of the caller
/// is needed: the public routes by it.
pub async fn route(
    state: &AppState,
    location: &Location,
    may_take: impl Fn(&Unit) -> bool,
    accused: Option<i64>,
) -> AppResult<Option<Unit>> {
    if location.is_empty() {
        return Ok(None);
    }
    let territories = state.store.unit_territories().await?;
    if territories.is_empty() {
        return Ok(None);
    }
    let units = state.store.units().await?;
    let tree = unit_tree(state).await?;
    let open = |id: i64| units.iter().any(|u| u.id == id && u.closed_at.is_none() && may_take(u));
    let found = territory::smallest_holding(&tree, &territories, open, location);
    Ok(found
        .and_then(|id| outside_accused(&tree, id, accused, &open))
        .and_then(|id| units.into_iter().find(|u| u.id == id)))
}

/// `unit`, or when it lies within the reach of the accused unit, the nearest unit above that
/// does not and may take the petition (GEN-7).
fn outside_accused(tree: &UnitTree, unit: i64, accused: Option<i64>, open: &impl Fn(i64) -> bool) -> Option<i64> {
    match accused {
        Some(a) if tree.within_reach(unit, a) => tree.above_outside_reach(unit, Some(a)).into_iter().find(|u| open(*u)),
        _ => Some(unit),
    }
}

/// Where a petition filed online goes when it names no unit (TWN-2): the unit the petitioner said
/// the place belongs to, else the smallest unit whose territory holds the place written or the
/// point given — among the units `actor` (the online intake, an Open311 key's holder) registers
/// in, and never the unit the petition accuses or one below it (GEN-7). The draft's unit is set to
/// it; `Ok(true)` when it was routed so, `Ok(false)` when a unit was named or none holds the place
/// (the registration's check then asks for one, with every other mistake at once).
pub async fn route_draft(
    state: &AppState,
    actor: &Actor,
    draft: &mut huiyin_core::case::CaseDraft,
    point: Option<huiyin_core::territory::Point>,
) -> AppResult<bool> {
    let given = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    if given(&draft.unit).is_some() {
        return Ok(false);
    }
    let units = state.store.units().await?;
    let tree = unit_tree(state).await?;
    let accused = draft.accused.as_ref().and_then(|a| {
        let by_code = given(&a.unit).and_then(|code| tree.id_of(&code));
        let plain_name = given(&a.name).map(|n| units::plain_name(&n));
        by_code.or_else(|| units.iter().find(|u| Some(units::plain_name(&u.name)) == plain_name).map(|u| u.id))
    });
    let may_take = |u: &Unit| actor.sees_unit(u.id);
    let unit = match given(&draft.place_unit) {
        Some(code) => {
            let open = |id: i64| units.iter().any(|u| u.id == id && u.closed_at.is_none() && may_take(u));
            tree.id_of(&code)
                .filter(|id| open(*id))
                .and_then(|id| outside_accused(&tree, id, accused, &open))
                .and_then(|id| units.iter().find(|u| u.id == id).cloned())
        }
        None => route(state, &Location { text: given(&draft.place), point }, may_take, accused).await?,
    };
    match unit {
        Some(unit) => {
            draft.unit = Some(unit.code);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// The refusal of a petition that names no unit, when it names a place no territory holds: the
/// unit is asked for as such (“未能按问题发生地点确定负责的单位”), not as a field left blank.
pub fn unrouted(error: huiyin_core::FieldError, draft: &huiyin_core::case::CaseDraft) -> huiyin_core::FieldError {
    let named_place = draft.place.as_deref().is_some_and(|p| !p.trim().is_empty());
    if error.field == "unit" && error.invalid == huiyin_core::Invalid::Required && named_place {
        huiyin_core::FieldError::new("unit", huiyin_core::Invalid::NoUnitForPlace)
    } else {
        error
    }
}
