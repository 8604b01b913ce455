//! The units of the tree (TWN-1): adding, renaming and moving them, what each tells the public
//! (COM-3) and its weekly reception schedule.

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
            let Some(parent) = parent else { return Err(FieldError::new("parent", Invalid::UnknownUnit).into()) };
            refuse_closed(&parent)?;
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

/// A unit's name, spaces not counted: how GEN-7 matches the name a petitioner types.
pub(crate) fn plain_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

/// GEN-7 finds the unit a petitioner accuses by its name, current or former ([`plain_name`]), so a
/// name names one unit: refused on `name` when another unit (not `unit_id`) has it or had it.
pub(crate) async fn refuse_taken_name(state: &AppState, unit_id: Option<i64>, name: &str) -> AppResult<()> {
    let name = plain_name(name);
    let other = |id: i64| Some(id) != unit_id;
    if state.store.units().await?.iter().any(|u| other(u.id) && plain_name(&u.name) == name) {
        return Err(FieldError::new("name", Invalid::AlreadyExists).into());
    }
    // Another unit's former name is taken too: petitioners still accuse that unit by it.
    if state.store.unit_former_names().await?.iter().any(|f| other(f.unit_id) && plain_name(&f.name) == name) {
        return Err(FieldError::new("name", Invalid::AlreadyExists).into());
    }
    Ok(())
}

async fn insert_unit(state: &AppState, fields: UnitFields) -> AppResult<Unit> {
    let UnitFields { code, name, kind, parent } = fields;
    // A code taken is said first: the same unit sent twice is refused on its code.
    if state.store.unit_by_code(code.as_str()).await?.is_some() {
        return Err(FieldError::new("code", Invalid::AlreadyExists).into());
    }
    refuse_taken_name(state, None, &name).await?;
    state.store.add_unit(&NewUnit { code, name, kind, parent }).await.map_err(|e| match e {
        StoreError::Duplicate(_) => FieldError::new("code", Invalid::AlreadyExists).into(),
        StoreError::UnknownReference(_) => FieldError::new("parent", Invalid::UnknownUnit).into(),
        other => other.into(),
    })
}

/// Renames a unit below the administrator's own (the operator: any unit). Its code, and so its
/// case numbers, stay; documents already issued keep the name they were issued under; the search
/// dictionary takes the new name at once. GEN-7 finds the unit a petitioner accuses by the name they
/// type, the former names too (a petitioner knows a unit by the name it had), so no unit takes
/// another's name, current or former, and no administrator renames their own unit (they could
/// rename it away from the name petitioners know). Its kind is [`set_unit_kind`]'s.
pub async fn rename_unit(state: &AppState, actor: &Actor, code: &str, name: &str) -> AppResult<Unit> {
    let unit = unit_below(state, actor, code).await?;
    let name = huiyin_core::text::required("name", Some(name), huiyin_core::text::limits::UNIT_NAME)?;
    refuse_taken_name(state, Some(unit.id), &name).await?;
    let before = unit_snapshot(state, &unit).await?;
    let renamed = state.store.rename_unit(unit.id, &name, chrono::Utc::now()).await?;
    // The words changed: this server's segmenter is rebuilt now, the others' at their next use.
    state.segmenter().await;
    tracing::info!(unit = %renamed.code, actor = %actor.user.username, "unit renamed");
    let after = unit_snapshot(state, &renamed).await?;
    audit::record(state, actor, "unit.rename", Target::unit(&renamed), Some(before), Some(after)).await;
    Ok(renamed)
}

/// Moves a unit, with everything below it, under another unit of the administrator's scope (the
/// operator: anywhere in the tree). Not one's own unit (one above moves it), nor under itself or a
/// unit below it. Scope and blindness follow the tree at once, since they are read from it at each
/// request; full-text search follows it in the same transaction. A case held in the moved unit that
/// accuses a unit now above it stays hidden from the accused (they are blind to it) and may only be
/// routed out (GEN-7: the holder lies within the accused's reach).
pub async fn move_unit(state: &AppState, actor: &Actor, code: &str, parent: &str) -> AppResult<Unit> {
    let unit = unit_below(state, actor, code).await?;
    let parent = huiyin_core::unit::UnitCode::parse("parent", parent)?;
    let parent = state
        .store
        .unit_by_code(parent.as_str())
        .await?
        .filter(|u| actor.sees_unit(u.id))
        .ok_or_else(|| FieldError::new("parent", Invalid::UnknownUnit))?;
    refuse_closed(&parent)?;
    if unit.parent_id == Some(parent.id) {
        return Ok(unit);
    }
    // GEN-7: a department moved from under the administrator's own unit would no longer be blind
    // to accusations against it; such a move is the operator's to make.
    let reshaped = |u: &Unit| if u.id == unit.id { (Some(parent.id), u.kind) } else { (u.parent_id, u.kind) };
    if opens_blindness(state, actor, &unit, reshaped).await? {
        let allowed = "不会使其看到反映本单位信访件的上级单位(此调整须在服务器上办理)".to_owned();
        return Err(FieldError::new("parent", Invalid::NotAChoice { allowed }).into());
    }
    let before = unit_snapshot(state, &unit).await?;
    let moved = state.store.move_unit(unit.id, parent.id).await.map_err(|e| match e {
        StoreError::UnknownReference(_) => {
            FieldError::new("parent", Invalid::NotAChoice { allowed: format!("不在{}之下的单位", unit.name) }).into()
        }
        other => AppError::from(other),
    })?;
    tracing::info!(unit = %moved.code, parent = %parent.code, actor = %actor.user.username, "unit moved");
    let after = unit_snapshot(state, &moved).await?;
    audit::record(state, actor, "unit.move", Target::unit(&moved), Some(before), Some(after)).await;
    Ok(moved)
}

/// Whether reshaping the tree (each unit's parent and kind as `reshaped` gives them) would let a
/// unit at or below `unit` see an accusation the actor is blind to (GEN-7): such a change is for an
/// administrator above, or the operator, never for the accused unit's own administrator.
async fn opens_blindness(
    state: &AppState,
    actor: &Actor,
    unit: &Unit,
    reshaped: impl Fn(&Unit) -> (Option<i64>, huiyin_core::unit::UnitKind),
) -> AppResult<bool> {
    use huiyin_core::informant::{UnitNode, UnitTree};
    if actor.is_operator() {
        return Ok(false);
    }
    let units = state.store.units().await?;
    let node = |u: &Unit, (parent, kind): (Option<i64>, huiyin_core::unit::UnitKind)| UnitNode {
        id: u.id,
        code: u.code.clone(),
        name: u.name.clone(),
        kind,
        parent,
    };
    let now = UnitTree::new(units.iter().map(|u| node(u, (u.parent_id, u.kind))));
    let then = UnitTree::new(units.iter().map(|u| node(u, reshaped(u))));
    Ok(now.subtree(unit.id).into_iter().any(|id| {
        let blind_then = then.blind_to(id);
        now.blind_to(id).iter().any(|u| !blind_then.contains(u) && actor.blind.units.contains(u))
    }))
}

/// Changes what kind of body a unit below the administrator's own is (the operator: any unit). The
/// kind decides how its documents read (a federation's 交办函) and whether it is a department of
/// the unit above, blind to accusations against it (GEN-7): a change that would lift that
/// blindness from under the administrator's own unit is the operator's, as a move is.
pub async fn set_unit_kind(state: &AppState, actor: &Actor, code: &str, kind: &str) -> AppResult<Unit> {
    let unit = unit_below(state, actor, code).await?;
    let kind = huiyin_core::unit::UnitKind::parse("kind", kind)?;
    if unit.kind == kind {
        return Ok(unit);
    }
    let reshaped = |u: &Unit| (u.parent_id, if u.id == unit.id { kind } else { u.kind });
    if opens_blindness(state, actor, &unit, reshaped).await? {
        let allowed = "不会使其看到反映本单位信访件的类型(此调整须在服务器上办理)".to_owned();
        return Err(FieldError::new("kind", Invalid::NotAChoice { allowed }).into());
    }
    let before = unit_snapshot(state, &unit).await?;
    let changed = state.store.set_unit_kind(unit.id, kind).await?;
    tracing::info!(unit = %changed.code, kind = kind.code(), actor = %actor.user.username, "unit kind changed");
    let after = unit_snapshot(state, &changed).await?;
    audit::record(state, actor, "unit.kind", Target::unit(&changed), Some(before), Some(after)).await;
    Ok(changed)
}

/// Closes a unit (撤销) below the administrator's own: only once nothing works through it (TWN-1).
/// Refused, with what is left named ([`huiyin_core::lifecycle::Refusal::UnitNotEmpty`]), while it
/// holds an open case, has an active staff member, or has a unit below it still open. A closed unit
/// takes no case registered or routed to it, no new account, no new unit below it; its cases and
/// records stay as they were; it is reopened with [`reopen_unit`].
pub async fn close_unit(state: &AppState, actor: &Actor, code: &str) -> AppResult<Unit> {
    let unit = unit_below(state, actor, code).await?;
    if unit.closed_at.is_some() {
        return Ok(unit);
    }
    // GEN-7: the numbers of the cases the administrator may see; the others only counted.
    let held = state.store.open_cases_held(unit.id, 20).await?;
    let hidden = held.iter().filter(|c| actor.is_blind_to(c.0, c.2, c.3)).count();
    let mut cases: Vec<String> = held.into_iter().filter(|c| !actor.is_blind_to(c.0, c.2, c.3)).map(|c| c.1).collect();
    if hidden > 0 {
        cases.push(format!("另 {hidden} 件"));
    }
    let staff: Vec<String> = state
        .store
        .users()
        .await?
        .iter()
        .filter(|u| u.unit_id == unit.id && u.active && !huiyin_core::user::is_system_account(&u.username))
        .map(crate::accounts::name_and_title)
        .collect();
    let units: Vec<String> = state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| u.parent_id == Some(unit.id) && u.closed_at.is_none())
        .map(|u| u.name)
        .collect();
    if !cases.is_empty() || !staff.is_empty() || !units.is_empty() {
        return Err(huiyin_core::lifecycle::Refusal::UnitNotEmpty { cases, staff, units }.into());
    }
    let before = unit_snapshot(state, &unit).await?;
    let closed = state.store.set_unit_closed(unit.id, Some(Utc::now())).await?;
    tracing::info!(unit = %closed.code, actor = %actor.user.username, "unit closed");
    let after = unit_snapshot(state, &closed).await?;
    audit::record(state, actor, "unit.close", Target::unit(&closed), Some(before), Some(after)).await;
    Ok(closed)
}

/// Opens a closed unit again, below the administrator's own.
pub async fn reopen_unit(state: &AppState, actor: &Actor, code: &str) -> AppResult<Unit> {
    let unit = unit_below(state, actor, code).await?;
    if unit.closed_at.is_none() {
        return Ok(unit);
    }
    // Every unit above an open unit is open: escalation, review and report-up follow the tree.
    if let Some(parent) = match unit.parent_id {
        Some(id) => state.store.unit_by_id(id).await?,
        None => None,
    } {
        refuse_closed(&parent)?;
    }
    let before = unit_snapshot(state, &unit).await?;
    let opened = state.store.set_unit_closed(unit.id, None).await?;
    tracing::info!(unit = %opened.code, actor = %actor.user.username, "unit reopened");
    let after = unit_snapshot(state, &opened).await?;
    audit::record(state, actor, "unit.reopen", Target::unit(&opened), Some(before), Some(after)).await;
    Ok(opened)
}

/// Refuses a closed unit as the place of something new (a case, an account, a unit below it).
pub(crate) fn refuse_closed(unit: &Unit) -> AppResult<()> {
    match unit.closed_at {
        Some(_) => Err(huiyin_core::lifecycle::Refusal::UnitClosed { name: unit.name.clone() }.into()),
        None => Ok(()),
    }
}

/// The unit `code` if the actor administers it from above: an administrator, and a unit of their
/// scope other than their own (the operator: any). Unknown and out-of-scope units look alike (404);
/// one's own is 403.
async fn unit_below(state: &AppState, actor: &Actor, code: &str) -> AppResult<Unit> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let unit = unit_in_scope(state, actor, code).await?;
    if unit.id == actor.user.unit_id && !actor.is_operator() {
        return Err(AppError::Forbidden);
    }
    Ok(unit)
}

/// The unit of the actor's scope with this code; not found for a malformed code, a unit nobody has
/// and a unit outside their scope alike. The one lookup of a unit named in a request.
pub async fn unit_in_scope(state: &AppState, actor: &Actor, code: &str) -> AppResult<Unit> {
    let code = huiyin_core::unit::UnitCode::parse("code", code).map_err(|_| AppError::NotFound)?;
    state.store.unit_by_code(code.as_str()).await?.filter(|u| actor.sees_unit(u.id)).ok_or(AppError::NotFound)
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
    let unit = unit_in_scope(state, actor, code).await?;
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
    let unit = unit_in_scope(state, actor, code).await?;
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
    Ok(
        serde_json::json!({"name": unit.name, "kind": unit.kind.code(), "parent": parent, "closed": unit.closed_at.is_some()}),
    )
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
