//! 办事 (CDR-4, CDR-2, FED-1): residents' service requests. The first staff member asked takes
//! one, as they take a petition, and either does it on the spot or guides the resident to the
//! cadre responsible (an active staff member of their own unit), who records it done.
//! A service request is not a petition: it opens no case and no limit, and the petition measures
//! (GEN-9) never see it.
//!
//! Who reads: everyone whose scope holds the unit it was taken in (its staff and those above). Who
//! records it done: the cadre it was guided to, or a supervisor or leader whose scope holds it.
//! Every request and completion is on the audit log by its number only (no resident's name).

use chrono::{Duration, Utc};
use huiyin_core::service_request::{Disposal, ServiceDoneDraft, ServiceRequestDraft};
use huiyin_core::user::Role;
use huiyin_core::{FieldError, Invalid};
use huiyin_store::{NewServiceRequest, ServiceRequestRecord, StoreError, User};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::units::unit_in_scope;

/// How far back the register is read by default, in days.
pub const DEFAULT_DAYS: i64 = 30;
/// The longest span the register is read for, in days.
pub const MAX_DAYS: i64 = 366;

/// One request as a reader sees it, with the people named.
#[derive(Debug, Clone)]
pub struct ServiceLine {
    pub record: ServiceRequestRecord,
    pub unit_name: String,
    pub received_by: User,
    pub guided_to: Option<User>,
    pub done_by: Option<User>,
    /// Whether the reader may record it done now.
    pub may_complete: bool,
}

/// Records a request the actor was asked (they are its first receiver).
pub async fn record(state: &AppState, actor: &Actor, draft: &ServiceRequestDraft) -> AppResult<ServiceLine> {
    let request = draft.parse()?;
    let (guided_to, result) = match &request.disposal {
        Disposal::Done { result } => (None, Some(result.clone())),
        Disposal::Guided { cadre } => {
            let unknown = || AppError::from(FieldError::new("cadre", Invalid::UnknownUser));
            let cadre = state.store.user_by_username(cadre.as_str()).await?.ok_or_else(unknown)?;
            // The cadre responsible: an active staff member of the receiver's own unit (the request
            // is kept there, where the cadre reads it), not the receiver, not an administrator.
            if !is_cadre(actor, &cadre) {
                return Err(unknown());
            }
            (Some(cadre.id), None)
        }
    };
    let new = NewServiceRequest {
        unit_id: actor.user.unit_id,
        resident: request.resident,
        matter: request.matter,
        received_by: actor.user.id,
        received_at: Utc::now(),
        guided_to,
        result,
    };
    let id = state.store.add_service_request(&new).await?;
    let after = json!({ "id": id, "guided": new.guided_to.is_some() });
    audit::record(state, actor, "service.record", Target::user(&actor.user), None, Some(after)).await;
    read(state, actor, id).await
}

/// A request, for a reader whose scope holds its unit.
pub async fn read(state: &AppState, actor: &Actor, id: i64) -> AppResult<ServiceLine> {
    let record = state.store.service_request(id).await?.ok_or(AppError::NotFound)?;
    if !actor.sees_unit(record.request.unit_id) {
        return Err(AppError::NotFound);
    }
    line(state, actor, record).await
}

/// Records a guided request done: by the cadre it was guided to, or a supervisor or leader whose
/// scope holds it; once.
pub async fn complete(state: &AppState, actor: &Actor, id: i64, draft: &ServiceDoneDraft) -> AppResult<ServiceLine> {
    let current = read(state, actor, id).await?;
    if !current.may_complete {
        return Err(if current.record.done_at.is_some() { StoreError::Conflict.into() } else { AppError::Forbidden });
    }
    let result = draft.parse()?;
    if !state.store.complete_service_request(id, actor.user.id, Utc::now(), &result).await? {
        return Err(StoreError::Conflict.into());
    }
    audit::record(state, actor, "service.done", Target::user(&actor.user), None, Some(json!({ "id": id }))).await;
    read(state, actor, id).await
}

/// The register of the unit `unit` (by default the reader's own) and the units below it: those
/// taken in the last `days` days (1 … 366) and those still waiting however old, newest first;
/// those waiting on the reader first.
pub async fn register(
    state: &AppState,
    actor: &Actor,
    unit: Option<&str>,
    days: Option<i64>,
) -> AppResult<Vec<ServiceLine>> {
    let days = days.unwrap_or(DEFAULT_DAYS);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(FieldError::new("days", Invalid::OutOfRange { min: 1, max: MAX_DAYS }).into());
    }
    let unit = match unit {
        Some(code) => unit_in_scope(state, actor, code).await?,
        None => state.store.unit_by_id(actor.user.unit_id).await?.ok_or(AppError::NotFound)?,
    };
    let units = crate::tree::unit_tree(state).await?.subtree(unit.id);
    let now = Utc::now();
    let records = state.store.service_requests(&units, now - Duration::days(days), now + Duration::minutes(1)).await?;
    let mut lines = Vec::with_capacity(records.len());
    for record in records {
        lines.push(line(state, actor, record).await?);
    }
    lines.sort_by_key(|l| !(l.may_complete && l.guided_to.as_ref().is_some_and(|u| u.id == actor.user.id)));
    Ok(lines)
}

async fn line(state: &AppState, actor: &Actor, record: ServiceRequestRecord) -> AppResult<ServiceLine> {
    let person = async |id: Option<i64>| -> AppResult<Option<User>> {
        Ok(match id {
            Some(id) => state.store.user_by_id(id).await?,
            None => None,
        })
    };
    let received_by = person(Some(record.request.received_by)).await?.ok_or(AppError::NotFound)?;
    let guided_to = person(record.request.guided_to).await?;
    let done_by = person(record.done_by).await?;
    let unit_name = state.store.unit_by_id(record.request.unit_id).await?.map(|u| u.name).unwrap_or_default();
    let may_complete = record.done_at.is_none()
        && (guided_to.as_ref().is_some_and(|u| u.id == actor.user.id)
            || matches!(actor.user.role, Role::Supervisor | Role::Leader) && actor.sees_unit(record.request.unit_id));
    Ok(ServiceLine { record, unit_name, received_by, guided_to, done_by, may_complete })
}

/// Whether `user` is a cadre a request taken by `actor` may be guided to (CDR-2): an active staff
/// member of the actor's own unit, other than the actor, who handles work (not an administrator).
fn is_cadre(actor: &Actor, user: &User) -> bool {
    user.active
        && user.unit_id == actor.user.unit_id
        && user.id != actor.user.id
        && user.role != Role::Admin
        && !huiyin_core::user::is_system_account(&user.username)
}

/// The cadres a request may be guided to by `actor` ([`is_cadre`]).
pub async fn cadres(state: &AppState, actor: &Actor) -> AppResult<Vec<User>> {
    let staff = state.store.unit_staff(actor.user.unit_id, &Role::ALL).await?;
    Ok(staff.into_iter().filter(|u| is_cadre(actor, u)).collect())
}
