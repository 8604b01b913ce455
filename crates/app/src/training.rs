//! 业务培训 (issue 19, FED-14: petition staff trained every half year): training sessions a unit held
//! (day, topic, hours, trainer, who attended, the material), recorded by its supervisors, leaders
//! and administrators; a unit's sessions for a year, a person's training record, and where each
//! staff member of a unit stands: their last session and the day training is due again by the
//! unit's `training_interval` (a limit of its rules, 183 日 by default), those past it first — the
//! warning its supervisors and leaders also read on 工作台.
//!
//! Everyone reads the sessions of the units in their scope and their own record; the standing of a
//! unit's staff is for those who arrange training. Recording is on the audit log.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use huiyin_core::calendar::Calendar;
use huiyin_core::limits::china_day;
use huiyin_core::training::{TrainingDraft, hours_text, training_due_on};
use huiyin_core::user::{Role, is_system_account};
use huiyin_core::{FieldError, Invalid};
use huiyin_store::{NewTraining, Notice, Store, TrainingRecord, Unit, User};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::units::unit_in_scope;

/// A session as it is read: the unit that held it, who attended and who recorded it.
#[derive(Debug, Clone)]
pub struct TrainingLine {
    pub record: TrainingRecord,
    pub unit_name: String,
    pub attendees: Vec<User>,
    pub recorded_by: Option<User>,
}

/// Where a staff member stands.
#[derive(Debug, Clone)]
pub struct Standing {
    pub person: User,
    pub unit_name: String,
    /// Their last session, if any.
    pub last: Option<NaiveDate>,
    /// The day training is due again (counted from the last session, or from the day the account
    /// was added).
    pub due_on: NaiveDate,
    /// The day has passed: the supervisors are warned.
    pub overdue: bool,
}

/// Who records sessions and reads a unit's standing: supervisors, leaders, administrators.
pub fn arranges_training(actor: &Actor) -> bool {
    matches!(actor.user.role, Role::Supervisor | Role::Leader | Role::Admin)
}

/// Whose training is followed: every active staff member but administrators and the system.
fn trained(user: &User) -> bool {
    user.active && user.role != Role::Admin && !is_system_account(&user.username)
}

/// The unit `code` of the actor's scope, or their own.
async fn unit_or_own(state: &AppState, actor: &Actor, code: Option<&str>) -> AppResult<Unit> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => unit_in_scope(state, actor, code).await,
        None => state.store.unit_by_id(actor.user.unit_id).await?.ok_or(AppError::NotFound),
    }
}

/// Records a session held by a unit of the actor's scope (by default their own); the attendees are
/// active staff of their scope.
pub async fn record(state: &AppState, actor: &Actor, draft: &TrainingDraft) -> AppResult<TrainingLine> {
    if !arranges_training(actor) {
        return Err(AppError::Forbidden);
    }
    let unit = unit_or_own(state, actor, draft.unit.as_deref()).await?;
    crate::units::refuse_closed(&unit)?;
    let fields = draft.parse(china_day(Utc::now()))?;
    let mut attendees = Vec::with_capacity(fields.attendees.len());
    let mut errors = Vec::new();
    for (i, name) in fields.attendees.iter().enumerate() {
        match state.store.user_by_username(name.as_str()).await? {
            Some(u) if u.active && !is_system_account(&u.username) && actor.sees_unit(u.unit_id) => {
                attendees.push(u.id);
            }
            _ => errors.push(FieldError::new(format!("attendees[{i}]"), Invalid::UnknownUser)),
        }
    }
    if let Some(errors) = huiyin_core::ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    let training = NewTraining {
        unit_id: unit.id,
        held_on: fields.held_on,
        topic: fields.topic,
        tenths: fields.tenths,
        trainer: fields.trainer,
        material: fields.material,
        recorded_by: actor.user.id,
        recorded_at: Utc::now(),
    };
    let id = state.store.add_training(&training, &attendees).await?;
    let after = json!({
        "id": id,
        "held_on": training.held_on.to_string(),
        "topic": training.topic,
        "hours": hours_text(training.tenths),
        "attendees": attendees.len(),
    });
    audit::record(state, actor, "training.record", Target::unit(&unit), None, Some(after)).await;
    let record = TrainingRecord { id, training, attendees };
    line(state, record).await
}

/// The sessions held in `year` by a unit of the actor's scope (by default their own) and the units
/// below it, newest first.
pub async fn sessions(state: &AppState, actor: &Actor, unit: Option<&str>, year: i32) -> AppResult<Vec<TrainingLine>> {
    let unit = unit_or_own(state, actor, unit).await?;
    let (from, before) = huiyin_core::calendar::year_span(year)?;
    let units = crate::tree::unit_tree(state).await?.subtree(unit.id);
    let mut lines = Vec::new();
    for record in state.store.trainings(&units, from, before).await? {
        lines.push(line(state, record).await?);
    }
    Ok(lines)
}

/// A person's training record, newest first: one's own, or a staff member of the actor's scope.
pub async fn person(state: &AppState, actor: &Actor, username: &str) -> AppResult<(User, Vec<TrainingLine>)> {
    let username = huiyin_core::user::Username::parse("username", username).map_err(|_| AppError::NotFound)?;
    let user = state
        .store
        .user_by_username(username.as_str())
        .await?
        .filter(|u| u.id == actor.user.id || actor.sees_unit(u.unit_id))
        .filter(|u| !is_system_account(&u.username))
        .ok_or(AppError::NotFound)?;
    let mut lines = Vec::new();
    for record in state.store.trainings_of(user.id).await? {
        lines.push(line(state, record).await?);
    }
    Ok((user, lines))
}

/// Where the staff of a unit of the actor's scope (by default their own) and the units below it
/// stand, those past their due day first, then by due day.
pub async fn standing(state: &AppState, actor: &Actor, unit: Option<&str>) -> AppResult<Vec<Standing>> {
    if !arranges_training(actor) {
        return Err(AppError::Forbidden);
    }
    let unit = unit_or_own(state, actor, unit).await?;
    let units = crate::tree::unit_tree(state).await?.subtree(unit.id);
    let staff: Vec<User> =
        state.store.users().await?.into_iter().filter(|u| trained(u) && units.contains(&u.unit_id)).collect();
    let calendar = state.calendar().await;
    standings(&*state.store, &calendar, staff, china_day(Utc::now())).await
}

/// Where these staff stand on `today` against their units' training intervals, those past their
/// due day first, then by due day.
async fn standings(
    store: &dyn Store,
    calendar: &Calendar,
    staff: Vec<User>,
    today: NaiveDate,
) -> AppResult<Vec<Standing>> {
    let ids: Vec<i64> = staff.iter().map(|u| u.id).collect();
    let standing = store.training_standing(&ids).await?;
    let names: HashMap<i64, String> = store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let mut interval_of = HashMap::new();
    let mut out = Vec::with_capacity(staff.len());
    for person in staff {
        let Some(s) = standing.iter().find(|s| s.user_id == person.id) else { continue };
        if let std::collections::hash_map::Entry::Vacant(slot) = interval_of.entry(person.unit_id) {
            let rules = store.limit_rules_for(person.unit_id).await?.unwrap_or_default();
            slot.insert(rules.training_interval);
        }
        let due_on = training_due_on(calendar, s.last, china_day(s.added_at), interval_of[&person.unit_id]);
        out.push(Standing {
            unit_name: names.get(&person.unit_id).cloned().unwrap_or_default(),
            last: s.last,
            due_on,
            overdue: due_on < today,
            person,
        });
    }
    out.sort_by_key(|s| (!s.overdue, s.due_on, s.person.id));
    Ok(out)
}

/// 督办 (FED-14): tells the supervisors and leaders of a staff member's unit (or, when it has none,
/// of the unit above) that the person's training is past its interval, once for each day it fell
/// due. Returns how many were told now.
pub async fn tell_due(store: &dyn Store, calendar: &Calendar, now: chrono::DateTime<Utc>) -> AppResult<u64> {
    let staff: Vec<User> = store.users().await?.into_iter().filter(trained).collect();
    let overdue: Vec<Standing> =
        standings(store, calendar, staff, china_day(now)).await?.into_iter().filter(|s| s.overdue).collect();
    let subject = |s: &Standing| format!("{}:{}", s.person.id, s.due_on);
    // Read the ledger first: a run that finds nobody newly due writes nothing.
    let subjects: Vec<String> = overdue.iter().map(subject).collect();
    let already = store.told_already("training_due", &subjects).await?;
    let mut told = 0;
    for s in overdue.into_iter().filter(|s| !already.contains(&subject(s))) {
        let roles = [Role::Supervisor, Role::Leader];
        let mut recipients = store.unit_staff(s.person.unit_id, &roles).await?;
        recipients.retain(|u| u.id != s.person.id);
        if recipients.is_empty()
            && let Some(parent) = store.unit_by_id(s.person.unit_id).await?.and_then(|u| u.parent_id)
        {
            recipients = store.unit_staff(parent, &roles).await?;
        }
        let last =
            s.last.map_or_else(|| "尚无培训记录".to_owned(), |d| format!("上次参加培训为{}", crate::views::date_zh(d)));
        let message = format!(
            "督办:{}({}){last},已超过本单位规定的培训间隔(应于{}前参加),请安排业务培训。",
            s.person.display_name,
            s.unit_name,
            crate::views::date_zh(s.due_on)
        );
        let notices: Vec<Notice> = recipients
            .iter()
            .map(|u| Notice { user_id: u.id, case_id: None, kind: "training_due".into(), message: message.clone() })
            .collect();
        told += u64::from(store.tell_once("training_due", &subject(&s), &notices, now).await?);
    }
    Ok(told)
}

/// How many staff of the actor's own unit and below are past their training's due day (for
/// 工作台); none for those who do not arrange training.
pub async fn overdue_count(state: &AppState, actor: &Actor) -> AppResult<i64> {
    if !arranges_training(actor) || actor.user.role == Role::Admin {
        return Ok(0);
    }
    let standing = standing(state, actor, None).await?;
    Ok(i64::try_from(standing.iter().filter(|s| s.overdue).count()).unwrap_or(i64::MAX))
}

async fn line(state: &AppState, record: TrainingRecord) -> AppResult<TrainingLine> {
    let unit_name = state.store.unit_by_id(record.training.unit_id).await?.map(|u| u.name).unwrap_or_default();
    let mut attendees = Vec::with_capacity(record.attendees.len());
    for id in &record.attendees {
        if let Some(u) = state.store.user_by_id(*id).await? {
            attendees.push(u);
        }
    }
    let recorded_by = state.store.user_by_id(record.training.recorded_by).await?;
    Ok(TrainingLine { record, unit_name, attendees, recorded_by })
}
