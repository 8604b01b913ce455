//! The units of the tree (TWN-1): adding them, what each tells the public (COM-3) and its weekly
//! reception schedule.

use chrono::Utc;
use huiyin_core::unit::{UnitDraft, UnitFields};
use huiyin_core::{FieldError, Invalid};
use huiyin_store::{NewUnit, StoreError, Unit};

use crate::actor::Actor;
use crate::audit::{self, Target};
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
    audit::record(state, actor, "unit.add", Target::unit(&unit), None, Some(unit_snapshot(state, &unit).await?)).await;
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
    audit::record_unattributed(state, "unit.add", Target::unit(&unit), Some(unit_snapshot(state, &unit).await?)).await;
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

/// Renames a unit below the administrator's own (the operator: any unit). Its code, and so its
/// case numbers, stay; documents already issued keep the name they were issued under; the search
/// dictionary takes the new name at once. GEN-7 finds the unit a petitioner accuses by the name they
/// type, so no unit takes another's name, and no administrator renames their own unit (they could
/// rename it away from the name petitioners know). Nor is its kind changed here: a department's
/// kind makes it blind to accusations against the unit above it, which that unit's administrator
/// must not be able to undo.
pub async fn rename_unit(state: &AppState, actor: &Actor, code: &str, name: &str) -> AppResult<Unit> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let code = huiyin_core::unit::UnitCode::parse("code", code).map_err(|_| AppError::NotFound)?;
    let unit =
        state.store.unit_by_code(code.as_str()).await?.filter(|u| actor.sees_unit(u.id)).ok_or(AppError::NotFound)?;
    if unit.id == actor.user.unit_id && !actor.is_operator() {
        return Err(AppError::Forbidden);
    }
    let name = huiyin_core::text::required("name", Some(name), huiyin_core::text::limits::UNIT_NAME)?;
    let plain = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let taken = state.store.units().await?.into_iter().any(|u| u.id != unit.id && plain(&u.name) == plain(&name));
    if taken {
        return Err(FieldError::new("name", Invalid::AlreadyExists).into());
    }
    let before = unit_snapshot(state, &unit).await?;
    let renamed = state.store.rename_unit(unit.id, &name).await?;
    state.reload_segmenter().await?;
    tracing::info!(unit = %renamed.code, actor = %actor.user.username, "unit renamed");
    let after = unit_snapshot(state, &renamed).await?;
    audit::record(state, actor, "unit.rename", Target::unit(&renamed), Some(before), Some(after)).await;
    Ok(renamed)
}

/// The units of the actor's scope, by code.
pub async fn units_in_scope(state: &AppState, actor: &Actor) -> AppResult<Vec<Unit>> {
    Ok(state.store.units().await?.into_iter().filter(|u| actor.sees_unit(u.id)).collect())
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
    let before = state.store.unit_public_info(unit.id).await?.map(|i| public_info_snapshot(&i));
    let stored = stored_public_info(&info);
    state.store.set_unit_public_info(unit.id, &stored, Utc::now()).await?;
    tracing::info!(unit = code, actor = %actor.user.username, "public information set");
    let after = Some(public_info_snapshot(&stored));
    audit::record(state, actor, "unit.public_info", Target::unit(&unit), before, after).await;
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
    let before = serde_json::to_value(state.store.reception_schedule(unit.id).await?).ok();
    state.store.set_reception_schedule(unit.id, &week, Utc::now()).await?;
    tracing::info!(unit = code, actor = %actor.user.username, "reception schedule set");
    let after = serde_json::to_value(&week).ok();
    audit::record(state, actor, "unit.schedule", Target::unit(&unit), before, after).await;
    Ok(week)
}

/// The units a filter names for `actor`: their whole scope when `code` is none, else the unit named
/// and those below it if it is in their scope; a malformed, unknown or out-of-scope code is an
/// error on the field `unit` (pushed onto `errors`) and no unit.
pub async fn units_within(
    state: &AppState,
    actor: &Actor,
    code: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> AppResult<Vec<i64>> {
    let Some(code) = code else { return Ok(actor.scope.clone()) };
    let code = match huiyin_core::unit::UnitCode::parse("unit", code) {
        Ok(code) => code,
        Err(e) => {
            errors.push(e);
            return Ok(Vec::new());
        }
    };
    match state.store.unit_by_code(code.as_str()).await? {
        Some(u) if actor.sees_unit(u.id) => Ok(state.store.unit_subtree(u.id).await?),
        _ => {
            errors.push(FieldError::new("unit", Invalid::UnknownUnit));
            Ok(Vec::new())
        }
    }
}

/// A unit as the audit log shows it: its name, kind and the unit above it.
async fn unit_snapshot(state: &AppState, unit: &Unit) -> AppResult<serde_json::Value> {
    let parent = match unit.parent_id {
        Some(id) => state.store.unit_by_id(id).await?.map(|p| p.code),
        None => None,
    };
    Ok(serde_json::json!({"name": unit.name, "kind": unit.kind.code(), "parent": parent}))
}

/// What a unit tells the public, as the audit log shows it.
fn public_info_snapshot(info: &huiyin_store::UnitPublicInfo) -> serde_json::Value {
    serde_json::json!({
        "hotline": info.hotline,
        "address": info.address,
        "office_hours": info.office_hours,
        "procedure": info.procedure,
    })
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
