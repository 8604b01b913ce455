//! What a unit tells the public (COM-3) and its weekly reception schedule.

use chrono::Utc;

use crate::actor::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// Sets what a unit tells the public (COM-3): hotline, address, reception hours, procedure;
/// administrators only, for units in their scope.
pub async fn set_unit_public_info(
    state: &AppState,
    actor: &Actor,
    code: &str,
    draft: &huiyin_core::unit::PublicInfoDraft,
) -> AppResult<huiyin_core::unit::PublicInfo> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let unit = state.store.unit_by_code(code).await?.filter(|u| actor.sees_unit(u.id)).ok_or(AppError::NotFound)?;
    let info = draft.parse()?;
    state.store.set_unit_public_info(unit.id, &stored_public_info(&info), Utc::now()).await?;
    tracing::info!(unit = code, actor = %actor.user.username, "public information set");
    Ok(info)
}

/// Replaces a unit's weekly reception schedule (FED-3, FED-4); administrators only, for units in
/// their scope. An empty week clears it.
pub async fn set_reception_schedule(
    state: &AppState,
    actor: &Actor,
    code: &str,
    days: &[huiyin_core::unit::ReceptionDay],
) -> AppResult<Vec<huiyin_core::unit::ReceptionDay>> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let unit = state.store.unit_by_code(code).await?.filter(|u| actor.sees_unit(u.id)).ok_or(AppError::NotFound)?;
    let week = huiyin_core::unit::parse_schedule(days)?;
    state.store.set_reception_schedule(unit.id, &week, Utc::now()).await?;
    tracing::info!(unit = code, actor = %actor.user.username, "reception schedule set");
    Ok(week)
}

/// A unit's checked public information as the store keeps it.
pub fn stored_public_info(info: &huiyin_core::unit::PublicInfo) -> huiyin_store::UnitPublicInfo {
    huiyin_store::UnitPublicInfo {
        hotline: info.hotline.clone(),
        address: info.address.clone(),
        office_hours: info.office_hours.to_text(),
        procedure: info.procedure.clone(),
    }
}
