//! 预设 (issue 22): a shipped preset applied to an installation — the unit and its usual
//! sub-units, what it calls its roles and letters, its public information, limits, the bodies of
//! a democratic community — through the same services an administrator uses, so that each step
//! is checked and on the audit log as theirs is. A preset is for a new database; merged into one
//! that has units, it adds only what is missing and never overwrites what an administrator set.
//! The unit's terms ([`UnitTerms`]) are read here for whoever prints or offers them.

use chrono::Utc;
use huiyin_core::preset::{LimitsPlan, Placement, Plan, Preset, UnitTerms};
use huiyin_core::{FieldError, Invalid};
use huiyin_store::Unit;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::error::{AppError, AppResult};
use crate::{AppState, community_bodies, deadlines, units};

/// One step of applying a preset: what it is, and whether it was done now or found already there
/// (and so left as it was).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub what: String,
    pub done: bool,
}

/// What applying a preset did.
#[derive(Debug, Clone)]
pub struct Applied {
    pub preset: String,
    /// The top unit's code.
    pub top: String,
    pub steps: Vec<Step>,
}

/// Applies `preset`, placed as `placement`, as `actor` (an administrator, or the operator). On a
/// database without units the top unit becomes the tree's top; a database with units is refused
/// unless `merge`, and then the top goes under `placement.parent` (or is the unit of that code
/// already there). Everything a preset would set that is already there is left as it is. Bad input
/// is refused before anything is written.
pub async fn apply(
    state: &AppState,
    actor: &Actor,
    preset: &Preset,
    placement: &Placement,
    merge: bool,
) -> AppResult<Applied> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let empty = state.store.units().await?.is_empty();
    if !empty && !merge {
        return Err(FieldError::new("unit_preset", Invalid::NotEmpty).into());
    }
    let placement = onto_existing(state, preset, placement).await?;
    let plan = preset.plan(&placement)?;
    let missing = check_units(state, actor, &plan, empty).await?;
    let mut steps = Vec::new();
    let mut actor = actor.clone();
    for (i, draft) in plan.units.iter().enumerate() {
        let code = draft.code.clone().unwrap_or_default();
        let name = draft.name.clone().unwrap_or_default();
        if !missing.contains(&i) {
            steps.push(Step { what: format!("单位 {code} 已存在,保留原样"), done: false });
            continue;
        }
        if i == 0 && empty {
            units::add_top_unit(state, draft).await?;
        } else {
            units::add_unit(state, &actor, draft).await?;
        }
        // The actor's scope is read again to hold the new unit.
        actor = if actor.is_operator() {
            crate::actor::operator(state).await?
        } else {
            Actor::load(state, actor.user.clone()).await?
        };
        steps.push(Step { what: format!("已添加单位 {name}({code})"), done: true });
    }
    let top = units::unit_in_scope(state, &actor, plan.top_code()).await?;
    steps.push(fill_terms(state, &actor, &top, &plan).await?);
    steps.extend(set_settings(state, &actor, &top, &plan).await?);
    tracing::info!(preset = %plan.preset, unit = %top.code, actor = %actor.user.username, "preset applied");
    Ok(Applied { preset: plan.preset.clone(), top: top.code, steps })
}

/// The placement of a preset merged onto a unit already there: that unit must be of the preset's
/// kind, open, and where the placement says; the sub-units and the address take its name.
async fn onto_existing(state: &AppState, preset: &Preset, placement: &Placement) -> AppResult<Placement> {
    let code = placement.code.as_deref().map(str::trim).filter(|c| !c.is_empty()).unwrap_or(&preset.top.code);
    let Some(unit) = state.store.unit_by_code(&code.to_ascii_uppercase()).await? else {
        return Ok(placement.clone());
    };
    if unit.kind != preset.kind() {
        return Err(FieldError::new("code", Invalid::AlreadyExists).into());
    }
    units::refuse_closed(&unit)?;
    if let Some(parent) = placement.parent.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        let above = match unit.parent_id {
            Some(id) => state.store.unit_by_id(id).await?.map(|u| u.code),
            None => None,
        };
        if above.as_deref() != Some(parent.to_ascii_uppercase().as_str()) {
            let allowed = above.unwrap_or_else(|| "空(最上级单位)".into());
            return Err(FieldError::new("parent", Invalid::NotAChoice { allowed }).into());
        }
    }
    Ok(Placement { name: Some(unit.name), ..placement.clone() })
}

/// The units of the plan not yet there (by their place in the plan), after checking that each can
/// be added: its name not another unit's, the top's parent in the actor's scope. Refused before
/// anything is written.
async fn check_units(state: &AppState, actor: &Actor, plan: &Plan, empty: bool) -> AppResult<Vec<usize>> {
    let mut missing = Vec::new();
    for (i, draft) in plan.units.iter().enumerate() {
        let code = draft.code.as_deref().unwrap_or_default();
        if state.store.unit_by_code(code).await?.is_some() {
            continue;
        }
        units::refuse_taken_name(state, None, draft.name.as_deref().unwrap_or_default()).await?;
        if i == 0 && !empty {
            let parent = match draft.parent.as_deref() {
                None => return Err(FieldError::new("parent", Invalid::Required).into()),
                Some(parent) => state.store.unit_by_code(&parent.trim().to_ascii_uppercase()).await?,
            };
            if !parent.is_some_and(|p| actor.sees_unit(p.id)) {
                return Err(FieldError::new("parent", Invalid::UnknownUnit).into());
            }
        }
        missing.push(i);
    }
    Ok(missing)
}

/// The preset's terms kept for the top unit, unless it has terms of its own already: those are an
/// administrator's (or an earlier preset's) and are left whole — a name they cleared stays cleared.
async fn fill_terms(state: &AppState, actor: &Actor, top: &Unit, plan: &Plan) -> AppResult<Step> {
    if state.store.unit_terms(top.id).await?.is_some() {
        return Ok(Step {
            what: "本单位的称谓、文书名称和常用分类已设置,保留原样".into(), done: false
        });
    }
    let terms = &plan.terms;
    state.store.set_unit_terms(top.id, terms, Utc::now()).await?;
    audit::record(state, actor, "unit.terms", Target::unit(top), None, serde_json::to_value(terms).ok()).await;
    let roles: Vec<String> = terms.roles.values().cloned().collect();
    let mut what = format!("本单位称谓:{}", if roles.is_empty() { "(沿用系统名称)".into() } else { roles.join("、") });
    for title in [&terms.assignment_title, &terms.transfer_title].into_iter().flatten() {
        what.push_str(&format!(";《{title}》"));
    }
    Ok(Step { what, done: true })
}

/// The public information, limits and bodies, each only where the unit has none of its own.
async fn set_settings(state: &AppState, actor: &Actor, top: &Unit, plan: &Plan) -> AppResult<Vec<Step>> {
    let mut steps = Vec::new();
    match &plan.public {
        Some(_) if state.store.unit_public_info(top.id).await?.is_some() => {
            steps.push(Step { what: "公开信息已设置,保留原样".into(), done: false });
        }
        Some(draft) => {
            let info = units::set_unit_public_info(state, actor, &top.code, draft).await?;
            steps.push(Step { what: format!("接待时间:{}", info.office_hours.describe_zh()), done: true });
        }
        None => steps.push(Step {
            what: "公开信息未设置:没有给出信访电话(可在“单位设置”中填写)".into(), done: false
        }),
    }
    if let Some(limits) = &plan.limits {
        steps.push(set_limits(state, actor, top, limits).await?);
    }
    for (kind, draft) in &plan.bodies {
        if state.store.body_rules(top.id, *kind).await?.is_some() {
            steps.push(Step { what: format!("{}的议事规则已设置,保留原样", kind.label_zh()), done: false });
        } else {
            community_bodies::set_rules(state, actor, &top.code, kind.code(), draft).await?;
            steps.push(Step { what: format!("{}的议事规则", kind.label_zh()), done: true });
        }
    }
    Ok(steps)
}

/// The preset's limits where the unit has none of its own: at the top of a tree the preset's base
/// with its changes, below a unit the limits it inherits with the preset's changes (a preset never
/// loosens what the unit above set). Nothing is written when that is what it inherits already.
async fn set_limits(state: &AppState, actor: &Actor, top: &Unit, limits: &LimitsPlan) -> AppResult<Step> {
    if state.store.own_limit_rules(top.id).await?.is_some() {
        return Ok(Step { what: "办理期限已设置,保留原样".into(), done: false });
    }
    let inherited = state.store.limit_rules_for(top.id).await?.unwrap_or_default();
    let wanted = if top.parent_id.is_none() { limits.rules() } else { limits.over(inherited.clone()) };
    let wanted = wanted.map_err(|why| FieldError::new("limits", Invalid::NotAChoice { allowed: why }))?;
    if wanted == inherited {
        return Ok(Step { what: "办理期限:沿用上级单位或全国规定".into(), done: false });
    }
    deadlines::set_unit_limits(state, actor, &top.code, None, Some(wanted.clone())).await?;
    Ok(Step {
        what: format!("办理期限:{},处理意见须 {} 位领导同意", wanted.preset, wanted.approvals_required),
        done: true,
    })
}

/// The terms in force at `unit_id`: its own, with what they lack taken from the unit it is a
/// department of (a federation's 维权办 prints the federation's letters), and so on up while the
/// unit is a department. A village or a community below a town keeps its own (or none): a town's
/// names are not theirs.
pub async fn terms_for(state: &AppState, unit_id: i64) -> AppResult<UnitTerms> {
    let mut terms = state.store.unit_terms(unit_id).await?.unwrap_or_default();
    let mut unit = state.store.unit_by_id(unit_id).await?;
    // A tree is a few levels deep; the bound guards against a cycle in bad data.
    for _ in 0..16 {
        let Some(department) = unit.filter(|u| u.kind == huiyin_core::unit::UnitKind::Department) else { break };
        let Some(above) = department.parent_id else { break };
        if let Some(theirs) = state.store.unit_terms(above).await? {
            terms = theirs.filling(&terms);
        }
        unit = state.store.unit_by_id(above).await?;
    }
    Ok(terms)
}

/// The content classes offered first for `unit`, as path prefixes: those its terms name (its
/// preset's, or an administrator's), else the usual ones of its kind.
pub async fn first_classes(state: &AppState, unit: &Unit) -> AppResult<Vec<String>> {
    let terms = terms_for(state, unit.id).await?;
    Ok(if terms.first_classes.is_empty() {
        unit.kind.usual_classes().iter().map(|c| (*c).to_owned()).collect()
    } else {
        terms.first_classes
    })
}

/// A unit's terms for `actor` (anyone whose scope holds it): its own, if any, and those in force.
pub async fn terms_of(state: &AppState, actor: &Actor, code: &str) -> AppResult<(Unit, Option<UnitTerms>, UnitTerms)> {
    let unit = units::unit_in_scope(state, actor, code).await?;
    let own = state.store.unit_terms(unit.id).await?;
    let in_force = terms_for(state, unit.id).await?;
    Ok((unit, own, in_force))
}

/// Replaces a unit's own terms (administrators, for units in their scope); the preset they came
/// from is kept. On the audit log with the terms before and after.
pub async fn set_terms(
    state: &AppState,
    actor: &Actor,
    code: &str,
    draft: &huiyin_core::preset::UnitTermsDraft,
) -> AppResult<UnitTerms> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let unit = units::unit_in_scope(state, actor, code).await?;
    let kept = state.store.unit_terms(unit.id).await?;
    let classes = state.classes().await;
    let paths: Vec<&str> = classes.iter().filter(|c| c.active).map(|c| c.path.as_str()).collect();
    let terms = draft.parse(kept.as_ref().and_then(|k| k.preset.clone()), &paths)?;
    state.store.set_unit_terms(unit.id, &terms, Utc::now()).await?;
    let before = kept.and_then(|k| serde_json::to_value(k).ok());
    audit::record(state, actor, "unit.terms", Target::unit(&unit), before, serde_json::to_value(&terms).ok()).await;
    Ok(terms)
}
