//! The units of the tree (TWN-1): adding them, what each tells the public (COM-3) and its weekly
//! reception schedule.

use chrono::Utc;
use huiyin_core::unit::{UnitDraft, UnitFields};
use huiyin_core::{FieldError, Invalid};
use huiyin_store::{NewUnit, StoreError, Unit};

use crate::actor::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// Adds a unit below one in the administrator's scope; a unit with none above it only by the
/// operator, who administers every tree. The first unit of a new database is added with
/// [`add_top_unit`].
pub async fn add_unit(state: &AppState, actor: &Actor, draft: &UnitDraft) -> AppResult<Unit> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let fields = draft.parse()?;
    match &fields.parent {
        None if actor.is_operator() => {}
        None => return Err(FieldError::new("parent", Invalid::Required).into()),
        Some(parent) => {
            let parent = state.store.unit_by_code(parent.as_str()).await?.filter(|u| actor.sees_unit(u.id));
            if parent.is_none() {
                return Err(FieldError::new("parent", Invalid::UnknownUnit).into());
            }
        }
    }
    let unit = insert_unit(state, fields).await?;
    tracing::info!(unit = %unit.code, actor = %actor.user.username, "unit added");
    Ok(unit)
}

/// Adds the first unit, the top of the tree (a county, a town, a school…), to a database that has
/// no unit yet: by first-run setup, or on the server's command line. Refused once there is a unit.
pub async fn add_top_unit(state: &AppState, draft: &UnitDraft) -> AppResult<Unit> {
    let fields = draft.parse()?;
    if fields.parent.is_some() {
        return Err(FieldError::new("parent", Invalid::NotAChoice { allowed: "空(最上级单位)".into() }).into());
    }
    if !state.store.units().await?.is_empty() {
        return Err(FieldError::new("parent", Invalid::Required).into());
    }
    let unit = insert_unit(state, fields).await?;
    tracing::info!(unit = %unit.code, "top unit added");
    Ok(unit)
}

async fn insert_unit(state: &AppState, fields: UnitFields) -> AppResult<Unit> {
    let UnitFields { code, name, kind, parent } = fields;
    state.store.add_unit(&NewUnit { code, name, kind, parent }).await.map_err(|e| match e {
        StoreError::Duplicate(_) => FieldError::new("code", Invalid::AlreadyExists).into(),
        StoreError::UnknownReference(_) => FieldError::new("parent", Invalid::UnknownUnit).into(),
        other => other.into(),
    })
}

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
