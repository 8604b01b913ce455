//! 拒收礼品登记 (issue 19, SCH-8: no gifts, banquets or favours): a staff member records what they were
//! offered and refused — by whom, what, when, how refused, over which case — and a supervisor or
//! leader of their unit or above reviews it; a unit's register and its yearly summary.
//!
//! Who reads: everyone their own records; supervisors, leaders and administrators those of the
//! units in their scope. GEN-7: a record about a case the reader may not see (it accuses them,
//! their unit, or they stand aside from it) does not exist for them — not listed, not counted, not
//! reviewed: who offered what, and even that something was offered that day, could point to the
//! accuser. The audit log holds only the record's number, kind and day.

use chrono::Utc;
use huiyin_core::gift::{GiftDraft, GiftKind};
use huiyin_core::limits::china_day;
use huiyin_core::user::Role;
use huiyin_core::{FieldError, Invalid, ValidationErrors, text};
use huiyin_store::{GiftRecord, NewGift, StoreError, Unit, User};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::units::unit_in_scope;

/// One line of the register as a reader sees it.
#[derive(Debug, Clone)]
pub struct GiftLine {
    pub record: GiftRecord,
    /// Who was offered it.
    pub person: User,
    pub unit_name: String,
    /// The case it was offered over.
    pub case_number: Option<String>,
    pub reviewed_by: Option<User>,
    /// Whether the reader may review it now.
    pub may_review: bool,
}

/// A unit's year: the offers refused, by kind.
#[derive(Debug, Clone)]
pub struct GiftSummary {
    pub unit: Unit,
    pub year: i32,
    /// (kind, how many, their known value in yuan), every kind listed.
    pub by_kind: Vec<(GiftKind, usize, i64)>,
    pub total: usize,
    pub value_yuan: i64,
    pub reviewed: usize,
}

/// Reads the units of the reader's scope (supervisors, leaders, administrators); the others read
/// only their own records.
fn reads_units(actor: &Actor) -> bool {
    matches!(actor.user.role, Role::Supervisor | Role::Leader | Role::Admin)
}

/// Reviews a record: a supervisor or leader whose scope holds its unit, never the one offered it.
fn may_review(actor: &Actor, record: &GiftRecord) -> bool {
    matches!(actor.user.role, Role::Supervisor | Role::Leader)
        && actor.sees_unit(record.gift.unit_id)
        && actor.user.id != record.gift.user_id
        && record.reviewed_by.is_none()
}

/// Records an offer the actor refused. The case, if named, must be one the actor sees.
pub async fn record(state: &AppState, actor: &Actor, draft: &GiftDraft) -> AppResult<GiftLine> {
    let fields = draft.parse(china_day(Utc::now()))?;
    let case_id = match &fields.case_number {
        None => None,
        Some(number) => {
            let unknown = || AppError::from(FieldError::new("case_number", Invalid::UnknownCase));
            let id = state.store.case_id_by_number(number).await?.ok_or_else(unknown)?;
            crate::cases::case_file(state, actor, id).await.map_err(|_| unknown())?;
            Some(id)
        }
    };
    let gift = NewGift {
        unit_id: actor.user.unit_id,
        user_id: actor.user.id,
        kind: fields.kind,
        offered_by: fields.offered_by,
        what: fields.what,
        offered_on: fields.offered_on,
        value_yuan: fields.value_yuan,
        handling: fields.handling,
        case_id,
        recorded_at: Utc::now(),
    };
    let id = state.store.add_gift(&gift).await?;
    let after = json!({ "id": id, "kind": gift.kind.code(), "offered_on": gift.offered_on.to_string() });
    audit::record(state, actor, "gift.record", Target::user(&actor.user), None, Some(after)).await;
    let record = state.store.gift(id).await?.ok_or(AppError::NotFound)?;
    line(state, actor, record).await?.ok_or(AppError::NotFound)
}

/// The register for `year`: of the unit `unit` and the units below it (by default the reader's
/// own), or only the reader's own records for those who do not read a unit's.
pub async fn register(state: &AppState, actor: &Actor, unit: Option<&str>, year: i32) -> AppResult<Vec<GiftLine>> {
    let (from, before) = huiyin_core::calendar::year_span(year)?;
    let records = if reads_units(actor) {
        let unit = match unit {
            Some(code) => unit_in_scope(state, actor, code).await?,
            None => state.store.unit_by_id(actor.user.unit_id).await?.ok_or(AppError::NotFound)?,
        };
        let units = crate::tree::unit_tree(state).await?.subtree(unit.id);
        state.store.gifts(&units, from, before, None).await?
    } else {
        if unit.is_some_and(|code| !code.eq_ignore_ascii_case(&actor.user.unit_code)) {
            return Err(AppError::Forbidden);
        }
        state.store.gifts(&[actor.user.unit_id], from, before, Some(actor.user.id)).await?
    };
    let mut lines = Vec::with_capacity(records.len());
    for record in records {
        lines.extend(line(state, actor, record).await?);
    }
    Ok(lines)
}

/// Reviews a record (审核), with an optional note; once.
pub async fn review(state: &AppState, actor: &Actor, id: i64, note: Option<&str>) -> AppResult<GiftLine> {
    let record = readable(state, actor, id).await?;
    if !may_review(actor, &record) {
        return Err(if record.reviewed_by.is_some() { StoreError::Conflict.into() } else { AppError::Forbidden });
    }
    let note = text::optional("note", note, text::limits::REASON).map_err(ValidationErrors::from)?;
    if !state.store.review_gift(id, actor.user.id, Utc::now(), note.as_deref()).await? {
        return Err(StoreError::Conflict.into());
    }
    let after = json!({ "id": id, "reviewed": true });
    let person = state.store.user_by_id(record.gift.user_id).await?.ok_or(AppError::NotFound)?;
    audit::record(state, actor, "gift.review", Target::user(&person), None, Some(after)).await;
    let record = state.store.gift(id).await?.ok_or(AppError::NotFound)?;
    line(state, actor, record).await?.ok_or(AppError::NotFound)
}

/// The yearly summary of a unit and the units below it (by default the reader's own).
pub async fn summary(state: &AppState, actor: &Actor, unit: Option<&str>, year: i32) -> AppResult<GiftSummary> {
    if !reads_units(actor) {
        return Err(AppError::Forbidden);
    }
    let unit = match unit {
        Some(code) => unit_in_scope(state, actor, code).await?,
        None => state.store.unit_by_id(actor.user.unit_id).await?.ok_or(AppError::NotFound)?,
    };
    let (from, before) = huiyin_core::calendar::year_span(year)?;
    let units = crate::tree::unit_tree(state).await?.subtree(unit.id);
    let mut records = Vec::new();
    for record in state.store.gifts(&units, from, before, None).await? {
        if sees_case_of(state, actor, &record).await? {
            records.push(record);
        }
    }
    let by_kind = GiftKind::ALL
        .into_iter()
        .map(|kind| {
            let of: Vec<&GiftRecord> = records.iter().filter(|r| r.gift.kind == kind).collect();
            (kind, of.len(), of.iter().filter_map(|r| r.gift.value_yuan).sum())
        })
        .collect();
    Ok(GiftSummary {
        unit,
        year,
        by_kind,
        total: records.len(),
        value_yuan: records.iter().filter_map(|r| r.gift.value_yuan).sum(),
        reviewed: records.iter().filter(|r| r.reviewed_by.is_some()).count(),
    })
}

/// The record `id` if the reader may read it (else 404).
async fn readable(state: &AppState, actor: &Actor, id: i64) -> AppResult<GiftRecord> {
    let record = state.store.gift(id).await?.ok_or(AppError::NotFound)?;
    let reads = record.gift.user_id == actor.user.id || (reads_units(actor) && actor.sees_unit(record.gift.unit_id));
    if reads && sees_case_of(state, actor, &record).await? { Ok(record) } else { Err(AppError::NotFound) }
}

/// Whether the record's case, if any, is one the reader may see (GEN-7, 回避).
async fn sees_case_of(state: &AppState, actor: &Actor, record: &GiftRecord) -> AppResult<bool> {
    let Some(id) = record.gift.case_id else { return Ok(true) };
    match crate::cases::case_file(state, actor, id).await {
        Ok(_) => Ok(true),
        Err(AppError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A record as `actor` sees it; `None` when it is about a case hidden from them (GEN-7).
async fn line(state: &AppState, actor: &Actor, record: GiftRecord) -> AppResult<Option<GiftLine>> {
    let case_number = match record.gift.case_id {
        None => None,
        Some(id) => match crate::cases::case_file(state, actor, id).await {
            Ok(file) => Some(file.state.case_number),
            Err(AppError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        },
    };
    let person = state.store.user_by_id(record.gift.user_id).await?.ok_or(AppError::NotFound)?;
    let unit_name = state.store.unit_by_id(record.gift.unit_id).await?.map(|u| u.name).unwrap_or_default();
    let reviewed_by = match record.reviewed_by {
        Some(id) => state.store.user_by_id(id).await?,
        None => None,
    };
    let may_review = may_review(actor, &record);
    Ok(Some(GiftLine { record, person, unit_name, case_number, reviewed_by, may_review }))
}
