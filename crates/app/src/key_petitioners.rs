//! 重点信访人 (issue 19, TWN-8: “对重点信访人和重大信访问题也可约访或下访”): a unit's register of the
//! persons its leaders keep in view for appointment visits (约访) and home visits (下访), each with
//! the reason, known by the resident ID number or the phone; taken off with a reason, never deleted.
//!
//! A label on a person is personal data that can follow them: the register is kept and read only by
//! the supervisors, leaders and administrators whose scope holds the unit, its ID numbers and
//! phones shown masked. The same readers see on a case they read that its petitioner is on the
//! register they keep (`flag_of`, applied once in `cases::view`, so the API and the case page
//! alike; never the accused's label on their accuser, GEN-7); the officer at the counter is not
//! told. A case's petitioner is put on a register from the case (`add_from_case`: never on a register
//! of the accused unit's or the accused person's reach, GEN-7), once per register — an old 15-digit
//! ID card and the 18-character one are one person. An appointment session, or a home visit to a key
//! petitioner, names them from the register of its unit or one below (`reception_sessions`). The
//! audit log keeps only the line's number.

use chrono::Utc;
use huiyin_core::identity::{IdKind, masked_id_number, masked_phone};
use huiyin_core::key_petitioner::{KeyPetitionerDraft, same_person};
use huiyin_core::user::Role;
use huiyin_core::{FieldError, Invalid, text};
use huiyin_store::{CaseFile, KeyPetitionerRecord, NewKeyPetitioner, StoreError, Unit, User};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::units::unit_in_scope;

/// A line of the register as its readers see it: the ID number and phone masked.
#[derive(Debug, Clone)]
pub struct KeyPetitionerLine {
    pub id: i64,
    pub unit: Unit,
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub reason: String,
    pub added_by: Option<User>,
    pub added_at: chrono::DateTime<Utc>,
    /// Taken off the register: by whom, when, why.
    pub removed: Option<(Option<User>, chrono::DateTime<Utc>, String)>,
}

/// What a case's reader is told when its petitioner is on a register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPetitionerFlag {
    pub id: i64,
    pub reason: String,
    /// The unit whose register it is, by name.
    pub unit: String,
}

/// Keeps and reads the register: supervisors, leaders and administrators.
pub fn keeps(actor: &Actor) -> bool {
    matches!(actor.user.role, Role::Supervisor | Role::Leader | Role::Admin)
}

/// Puts a person on the register of a unit of the actor's scope.
pub async fn add(
    state: &AppState,
    actor: &Actor,
    unit_code: &str,
    draft: &KeyPetitionerDraft,
) -> AppResult<KeyPetitionerLine> {
    if !keeps(actor) {
        return Err(AppError::Forbidden);
    }
    let unit = unit_in_scope(state, actor, unit_code).await?;
    crate::units::refuse_closed(&unit)?;
    let fields = draft.parse()?;
    // One line per person on a unit's register: the same person again is refused on the field that
    // knew them.
    let on_register = state.store.key_petitioners(&[unit.id]).await?;
    let again = fields.as_petitioner();
    if on_register.iter().any(|r| {
        let p = &r.person;
        r.removed_at.is_none() && same_person(&p.name, p.id_number.as_deref(), p.phone.as_deref(), &again)
    }) {
        return Err(FieldError::new(fields.known_by(), Invalid::AlreadyListed).into());
    }
    let person = NewKeyPetitioner {
        unit_id: unit.id,
        name: fields.name,
        id_number: fields.id_number,
        phone: fields.phone,
        reason: fields.reason,
        added_by: actor.user.id,
        added_at: Utc::now(),
    };
    let id = state.store.add_key_petitioner(&person).await?;
    audit::record(state, actor, "key_petitioner.add", Target::unit(&unit), None, Some(json!({ "id": id }))).await;
    let record = state.store.key_petitioner(id).await?.ok_or(AppError::NotFound)?;
    line(state, record).await
}

/// Whether the case page offers to put its petitioner on a register: to the registers' keepers, when
/// the petitioner is on none the reader keeps and can be known again (a name, and a resident ID
/// number or a phone).
pub fn offers_from_case(actor: &Actor, file: &CaseFile, flagged: bool) -> bool {
    let p = &file.registration.petitioner;
    let known = p.id.as_ref().is_some_and(|d| d.kind == IdKind::Resident) || p.phone.is_some();
    keeps(actor) && !flagged && p.name.is_some() && known
}

/// The units a case accuses, by the unit named or the unit of the staff member named: GEN-7, an
/// accuser is never put on a register that the accused keeps or reads (theirs or one below it).
pub(crate) async fn accused_reach(state: &AppState, file: &CaseFile) -> AppResult<Vec<i64>> {
    let person_unit = match file.accused_user_id {
        Some(id) => state.store.user_by_id(id).await?.map(|u| u.unit_id),
        None => None,
    };
    Ok([file.accused_unit_id, person_unit].into_iter().flatten().collect())
}

/// The registers a case's petitioner may be put on by the actor, for the case page's picker: the open
/// units of their scope outside the reach of whom the case accuses.
pub async fn registers_for_case(state: &AppState, actor: &Actor, file: &CaseFile) -> AppResult<Vec<Unit>> {
    let tree = crate::tree::unit_tree(state).await?;
    let accused = accused_reach(state, file).await?;
    Ok(crate::units::units_in_scope(state, actor)
        .await?
        .into_iter()
        .filter(|u| u.closed_at.is_none() && !accused.iter().any(|a| tree.within_reach(u.id, *a)))
        .collect())
}

/// Puts the petitioner of a case the actor reads on the register of a unit of their scope, with the
/// reason (the button on the case page): their name, resident ID number and phone are taken from the
/// case, never typed again. A case whose petitioner has no name, or neither an ID number nor a phone,
/// is refused on the petitioner's field. The audit log keeps the line's number only, as for `add`.
pub async fn add_from_case(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    unit_code: &str,
    reason: Option<&str>,
) -> AppResult<KeyPetitionerLine> {
    // The case first: for the accused it does not exist (404), whatever their role (GEN-7).
    let file = crate::cases::case_file(state, actor, case_id).await?;
    if !keeps(actor) {
        return Err(AppError::Forbidden);
    }
    let unit = unit_in_scope(state, actor, unit_code).await?;
    let tree = crate::tree::unit_tree(state).await?;
    if accused_reach(state, &file).await?.iter().any(|a| tree.within_reach(unit.id, *a)) {
        let allowed = "被反映单位和被反映人所在单位及其下级以外的单位".into();
        return Err(FieldError::new("unit", Invalid::NotAChoice { allowed }).into());
    }
    let p = &file.registration.petitioner;
    let draft = KeyPetitionerDraft {
        name: p.name.clone(),
        id_number: p.id.as_ref().filter(|d| d.kind == IdKind::Resident).map(|d| d.number.clone()),
        phone: p.phone.as_ref().map(|n| n.as_str().to_owned()),
        reason: reason.map(str::to_owned),
    };
    // The case's fields are named as the case names them, the reason as typed.
    let on_case = |e: &FieldError| match e.field.as_str() {
        "name" | "id_number" | "phone" => FieldError { field: format!("petitioner.{}", e.field), ..e.clone() },
        _ => e.clone(),
    };
    match add(state, actor, unit_code, &draft).await {
        Err(AppError::Invalid(errors)) => {
            let errors = errors.iter().map(on_case).collect();
            Err(huiyin_core::ValidationErrors::from_vec(errors).map_or(AppError::NotFound, AppError::Invalid))
        }
        other => other,
    }
}

/// The registers of a unit of the actor's scope (by default their own) and the units below it,
/// those on them first.
pub async fn list(state: &AppState, actor: &Actor, unit: Option<&str>) -> AppResult<Vec<KeyPetitionerLine>> {
    if !keeps(actor) {
        return Err(AppError::Forbidden);
    }
    let unit = match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => unit_in_scope(state, actor, code).await?,
        None => state.store.unit_by_id(actor.user.unit_id).await?.ok_or(AppError::NotFound)?,
    };
    let units = crate::tree::unit_tree(state).await?.subtree(unit.id);
    let mut lines = Vec::new();
    for record in state.store.key_petitioners(&units).await? {
        lines.push(line(state, record).await?);
    }
    Ok(lines)
}

/// One line of a register the actor keeps (else 404).
pub async fn key_petitioner(state: &AppState, actor: &Actor, id: i64) -> AppResult<KeyPetitionerRecord> {
    let record = state.store.key_petitioner(id).await?.ok_or(AppError::NotFound)?;
    if !keeps(actor) || !actor.sees_unit(record.person.unit_id) {
        return Err(AppError::NotFound);
    }
    Ok(record)
}

/// Takes a person off the register, with the reason (问题已化解, 信息有误 …); once.
pub async fn remove(state: &AppState, actor: &Actor, id: i64, reason: Option<&str>) -> AppResult<KeyPetitionerLine> {
    let record = key_petitioner(state, actor, id).await?;
    let reason = text::required("reason", reason, text::limits::REASON)?;
    if record.removed_at.is_some() {
        let allowed = "仍在册的重点信访人".into();
        return Err(FieldError::new("id", Invalid::NotAChoice { allowed }).into());
    }
    if !state.store.remove_key_petitioner(id, actor.user.id, Utc::now(), &reason).await? {
        return Err(StoreError::Conflict.into());
    }
    let unit = state.store.unit_by_id(record.person.unit_id).await?.ok_or(AppError::NotFound)?;
    audit::record(state, actor, "key_petitioner.remove", Target::unit(&unit), None, Some(json!({ "id": id }))).await;
    let record = state.store.key_petitioner(id).await?.ok_or(AppError::NotFound)?;
    line(state, record).await
}

/// Whether the petitioner of a case the actor reads is on a register the actor keeps (their unit's
/// or one below it): told to the registers' keepers only, of their own registers only — never a
/// unit's reason to another branch or to a unit below it. On an accusation, never a line of the
/// accused unit or below it, nor one the accused person added (GEN-7: a label the accused put on
/// their accuser is no one's to read on the accusation).
pub async fn flag_of(state: &AppState, actor: &Actor, file: &CaseFile) -> AppResult<Option<KeyPetitionerFlag>> {
    if !keeps(actor) {
        return Ok(None);
    }
    let tree = crate::tree::unit_tree(state).await?;
    let petitioner = &file.registration.petitioner;
    let by_accused = |r: &KeyPetitionerRecord| {
        file.accused_unit_id.is_some_and(|a| tree.chain(r.person.unit_id).contains(&a))
            || file.accused_user_id == Some(r.person.added_by)
    };
    let found = state.store.key_petitioners(&actor.scope).await?.into_iter().find(|r| {
        let p = &r.person;
        r.removed_at.is_none()
            && !by_accused(r)
            && same_person(&p.name, p.id_number.as_deref(), p.phone.as_deref(), petitioner)
    });
    Ok(found.map(|r| KeyPetitionerFlag {
        id: r.id,
        reason: r.person.reason,
        unit: tree.get(r.person.unit_id).map(|u| u.name.clone()).unwrap_or_default(),
    }))
}

async fn line(state: &AppState, record: KeyPetitionerRecord) -> AppResult<KeyPetitionerLine> {
    let p = record.person;
    let unit = state.store.unit_by_id(p.unit_id).await?.ok_or(AppError::NotFound)?;
    let added_by = state.store.user_by_id(p.added_by).await?;
    let removed = match (record.removed_at, record.removed_reason) {
        (Some(at), Some(reason)) => {
            let by = match record.removed_by {
                Some(id) => state.store.user_by_id(id).await?,
                None => None,
            };
            Some((by, at, reason))
        }
        _ => None,
    };
    Ok(KeyPetitionerLine {
        id: record.id,
        unit,
        name: p.name,
        id_number: p.id_number.as_deref().map(masked_id_number),
        phone: p.phone.as_deref().map(masked_phone),
        reason: p.reason,
        added_by,
        added_at: p.added_at,
        removed,
    })
}
