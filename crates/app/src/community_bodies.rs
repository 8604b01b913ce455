//! 社区民主管理的三个组织 (issue 20, DEM-2 … DEM-5): a community's residents' committee,
//! representatives' consultation council and residents' representatives' congress — each with the
//! cadence the seed sets, its own rules (quorum, majority, notice; the share of representatives
//! who may convene the congress) as data with defaults and their source, and its members with their
//! terms (one chair sitting at a time; a member who leaves keeps their line).
//!
//! Who: as the community's charter (`charters::keeps`): its administrators and leaders and those
//! above keep them; everyone whose scope holds it reads them. Members are named as the community
//! names them in public; no phone or ID number is kept.

use chrono::Utc;
use huiyin_core::community_body::{BodyKind, BodyMemberDraft, BodyRules, BodyRulesDraft, MemberRole};
use huiyin_core::limits::china_day;
use huiyin_core::{FieldError, Invalid, text};
use huiyin_store::{BodyMemberRecord, NewBodyMember, Store, StoreError, Unit};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::charters::{keeps, refuse_not_community};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::units::unit_in_scope;

/// A body of a community as its readers see it.
#[derive(Debug, Clone)]
pub struct BodyView {
    pub kind: BodyKind,
    pub rules: BodyRules,
    /// Whether the community set these rules (else they are the defaults).
    pub own_rules: bool,
    /// Its members, those sitting first.
    pub members: Vec<BodyMemberRecord>,
}

impl BodyView {
    /// The members sitting now.
    pub fn sitting(&self) -> impl Iterator<Item = &BodyMemberRecord> {
        self.members.iter().filter(|m| m.left_on.is_none())
    }
}

/// The rules a community's body follows: its own, or the defaults.
pub async fn rules_of(store: &dyn Store, unit_id: i64, kind: BodyKind) -> AppResult<BodyRules> {
    Ok(store.body_rules(unit_id, kind).await?.unwrap_or_else(|| kind.default_rules()))
}

/// The three bodies of the community `code` (of the actor's scope); none for another kind of unit.
pub async fn bodies(state: &AppState, actor: &Actor, code: &str) -> AppResult<(Unit, Vec<BodyView>)> {
    let unit = unit_in_scope(state, actor, code).await?;
    if unit.kind != huiyin_core::unit::UnitKind::Community {
        return Ok((unit, Vec::new()));
    }
    let members = state.store.body_members(unit.id).await?;
    let mut out = Vec::new();
    for kind in BodyKind::ALL {
        let own = state.store.body_rules(unit.id, kind).await?;
        let mut of_body: Vec<BodyMemberRecord> = members.iter().filter(|m| m.member.body == kind).cloned().collect();
        of_body.sort_by_key(|m| m.left_on.is_some());
        out.push(BodyView {
            kind,
            rules: own.unwrap_or_else(|| kind.default_rules()),
            own_rules: own.is_some(),
            members: of_body,
        });
    }
    Ok((unit, out))
}

/// Sets a body's own rules.
pub async fn set_rules(
    state: &AppState,
    actor: &Actor,
    code: &str,
    kind: &str,
    draft: &BodyRulesDraft,
) -> AppResult<BodyView> {
    let (unit, kind) = kept_body(state, actor, code, kind).await?;
    let rules = draft.parse(kind)?;
    state.store.set_body_rules(unit.id, kind, &rules, Utc::now()).await?;
    let after = json!({ "body": kind.code(), "quorum": rules.quorum.code(), "majority": rules.majority.code(),
        "notice_days": rules.notice_days, "convene_share": rules.convene_share.map(|s| s.code()) });
    audit::record(state, actor, "body.rules", Target::unit(&unit), None, Some(after)).await;
    body(state, actor, &unit, kind).await
}

/// Adds a member to a body: one chair sitting at a time.
pub async fn add_member(
    state: &AppState,
    actor: &Actor,
    code: &str,
    kind: &str,
    draft: &BodyMemberDraft,
) -> AppResult<BodyMemberRecord> {
    let (unit, kind) = kept_body(state, actor, code, kind).await?;
    let fields = draft.parse(kind)?;
    let chair_sitting = || {
        let allowed = "副主任、委员或居民代表(该组织已有在任主任,请先登记其离任)".into();
        AppError::from(FieldError::new("role", Invalid::NotAChoice { allowed }))
    };
    if fields.role == MemberRole::Chair
        && state
            .store
            .body_members(unit.id)
            .await?
            .iter()
            .any(|m| m.member.body == kind && m.member.role == MemberRole::Chair && m.left_on.is_none())
    {
        return Err(chair_sitting());
    }
    let member = NewBodyMember {
        unit_id: unit.id,
        body: kind,
        name: fields.name,
        role: fields.role,
        represents: fields.represents,
        term_from: fields.term_from,
        term_to: fields.term_to,
        added_by: actor.user.id,
        added_at: Utc::now(),
    };
    let id = match state.store.add_body_member(&member).await {
        Err(StoreError::Duplicate(_)) => return Err(chair_sitting()),
        other => other?,
    };
    let after = json!({ "body": kind.code(), "member": id, "role": member.role.code() });
    audit::record(state, actor, "body.member_add", Target::unit(&unit), None, Some(after)).await;
    state.store.body_member(id).await?.ok_or(AppError::NotFound)
}

/// Records that a member left (任期届满, 辞职, 罢免 …) on a day, with the reason; once.
pub async fn end_member(
    state: &AppState,
    actor: &Actor,
    id: i64,
    left_on: Option<&str>,
    reason: Option<&str>,
) -> AppResult<BodyMemberRecord> {
    let record = state.store.body_member(id).await?.ok_or(AppError::NotFound)?;
    let unit = state.store.unit_by_id(record.member.unit_id).await?.ok_or(AppError::NotFound)?;
    if !actor.sees_unit(unit.id) {
        return Err(AppError::NotFound);
    }
    if !keeps(actor, &unit) {
        return Err(AppError::Forbidden);
    }
    refuse_not_community(&unit)?;
    let mut errors = Vec::new();
    let reason = text::required("reason", reason, text::limits::REASON).map_err(|e| errors.push(e)).ok();
    let left_on = huiyin_core::calendar::past_day("left_on", left_on, china_day(Utc::now()))
        .map_err(|e| errors.push(e))
        .ok()
        .filter(|day| {
            let before_term = *day < record.member.term_from;
            if before_term {
                let what = format!("任期开始({})", record.member.term_from);
                errors.push(FieldError::new("left_on", Invalid::NotBefore { what }));
            }
            !before_term
        });
    if let Some(errors) = huiyin_core::ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    let (Some(left_on), Some(reason)) = (left_on, reason) else { return Err(AppError::NotFound) };
    if record.left_on.is_some() {
        let allowed = "在任的成员".into();
        return Err(FieldError::new("id", Invalid::NotAChoice { allowed }).into());
    }
    if !state.store.end_body_member(id, left_on, &reason).await? {
        return Err(StoreError::Conflict.into());
    }
    let after = json!({ "body": record.member.body.code(), "member": id });
    audit::record(state, actor, "body.member_leave", Target::unit(&unit), None, Some(after)).await;
    state.store.body_member(id).await?.ok_or(AppError::NotFound)
}

/// A body of a community the actor keeps, by its code.
async fn kept_body(state: &AppState, actor: &Actor, code: &str, kind: &str) -> AppResult<(Unit, BodyKind)> {
    let unit = unit_in_scope(state, actor, code).await?;
    if !keeps(actor, &unit) {
        return Err(AppError::Forbidden);
    }
    refuse_not_community(&unit)?;
    let kind = BodyKind::parse("body", kind).map_err(|_| AppError::NotFound)?;
    Ok((unit, kind))
}

async fn body(state: &AppState, actor: &Actor, unit: &Unit, kind: BodyKind) -> AppResult<BodyView> {
    let (_, bodies) = bodies(state, actor, &unit.code).await?;
    bodies.into_iter().find(|b| b.kind == kind).ok_or(AppError::NotFound)
}
