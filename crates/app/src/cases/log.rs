//! The log of a case, written: when an action happened (补录 included), the one GEN-7 guard every
//! event passes (the informant guard, the accused's reach, the person accused), and appending the
//! event with the case's new state, deadlines, search words, and the notices to whom it concerns
//! (`notify`).

use chrono::{DateTime, Utc};
use huiyin_core::event::{Event, EventData};
use huiyin_core::informant::{self, UnitTree};
use huiyin_core::lifecycle::Refusal;
use huiyin_core::limits::{self};
use huiyin_core::{FieldError, Invalid};
use huiyin_store::{Blob, CaseFile, NewEvent};

use crate::actor::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// When an action happened: now, or the `at` of a record entered after the fact (补录), which needs
/// the permission, may not lie in the future, and may not precede the case's last event.
pub(crate) fn occurred_at(
    actor: &Actor,
    file: &CaseFile,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> AppResult<DateTime<Utc>> {
    let Some(at) = at else { return Ok(now) };
    if !actor.user.may_backdate {
        return Err(AppError::MayNotBackdate);
    }
    if at > now {
        return Err(FieldError::new("at", Invalid::InFuture).into());
    }
    if file.events.last().is_some_and(|last| at < last.occurred_at) {
        return Err(FieldError::new("at", Invalid::BeforeEarlierEvent).into());
    }
    Ok(at)
}

/// Appends one event to a case the actor may see, deriving the new state and deadlines with the
/// core. Deadlines count from when the event happened (`at`), not from when it was written down.
pub(crate) async fn append(
    state: &AppState,
    actor: &Actor,
    file: &CaseFile,
    data: EventData,
    (note, at): (Option<String>, Option<DateTime<Utc>>),
    new_code_hash: Option<String>,
    blobs: Vec<Blob>,
) -> AppResult<()> {
    let now = Utc::now();
    let occurred = occurred_at(actor, file, at, now)?;
    write_event(state, actor, file, data, note, occurred, (new_code_hash, blobs)).await
}

/// Appends a judgement the system makes at registration (an intake flag) at the registration's
/// time, not when it was written down: entering a letter from the paper book, the actions that
/// followed can then still be recorded on their real days.
pub(crate) async fn append_at_registration(
    state: &AppState,
    actor: &Actor,
    file: &CaseFile,
    data: EventData,
) -> AppResult<()> {
    let at = file.events.last().map_or_else(Utc::now, |e| e.occurred_at);
    write_event(state, actor, file, data, None, at, (None, Vec::new())).await
}

/// Writes one event that happened at `occurred`, with the state and deadlines it leads to.
async fn write_event(
    state: &AppState,
    actor: &Actor,
    file: &CaseFile,
    data: EventData,
    note: Option<String>,
    occurred: DateTime<Utc>,
    (new_code_hash, blobs): (Option<String>, Vec<Blob>),
) -> AppResult<()> {
    let now = Utc::now();
    let event = Event {
        seq: file.version + 1,
        occurred_at: occurred,
        recorded_at: now,
        actor: actor.user.username.clone(),
        note: note.clone(),
        data: data.clone(),
    };
    let mut next = file.state.clone();
    next.apply(&event);
    // An urgent case counts by the unit's urgent limits (COM-5).
    let rules = state.store.limit_rules_for(file.unit_id).await?.unwrap_or_default().for_flags(&next.flags);
    let deadlines = limits::after_event(&file.deadlines, &event, &rules, &*state.calendar().await);
    // The case's words after this event, when it brings words of its own.
    let search_tokens = if event.note.is_some() || huiyin_search::document::has_text(&event.data) {
        let segmenter = state.segmenter().await;
        let mut events = file.events.clone();
        events.push(event.clone());
        Some(huiyin_search::document::case_tokens(&segmenter, &file.registration, &events))
    } else {
        None
    };
    let new_event = NewEvent {
        deadlines,
        occurred_at: occurred,
        recorded_at: now,
        actor_id: actor.user.id,
        note,
        data,
        state: next,
        new_query_code_hash: new_code_hash,
        blobs,
        search_tokens,
    };
    state.store.append_event(file.id, file.version, &new_event).await?;
    // The action is taken; a notice that cannot be written does not undo it.
    if let Err(e) = crate::cases::notify::tell_whom_it_concerns(state, actor, file, &event.data).await {
        tracing::warn!(case_id = file.id, error = %e, "the notices of an action were not written");
    }
    Ok(())
}

/// GEN-7: changing or clearing who is accused is for units outside the reach of the unit accused
/// now: a unit below it could otherwise hand the accusation to it.
pub(crate) fn may_change_accused(tree: &UnitTree, actor: &Actor, file: &CaseFile) -> Result<(), Refusal> {
    if file.accused_unit_id.is_some_and(|current| tree.within_reach(actor.user.unit_id, current)) {
        return Err(Refusal::AccusedUnit);
    }
    Ok(())
}

/// GEN-7 when the accused is set or corrected: only a unit outside the reach of the unit accused now
/// may change or clear it; and the case may not then be held, owned or led by the newly accused
/// person, unit or its departments, nor the correction made by one of them (it would vanish from
/// their sight in their hands). It is routed out of their reach first.
pub(crate) async fn refuse_accused_holding(
    state: &AppState,
    actor: &Actor,
    tree: &UnitTree,
    file: &CaseFile,
    accused: Option<i64>,
    accused_user: Option<&str>,
) -> AppResult<()> {
    may_change_accused(tree, actor, file)?;
    let people = [Some(&file.state.owner), file.state.owner_leader.as_ref(), Some(&actor.user.username)];
    if let Some(person) = accused_user
        && people.iter().flatten().any(|p| p.eq_ignore_ascii_case(person))
    {
        return Err(Refusal::AccusedPerson.into());
    }
    // Whoever holds it on would be blind to it: by their unit, or by the administrator whose link
    // set their password (`actor::blindness_of`).
    let accused_user_id = match accused_user {
        Some(username) => state.store.user_by_username(username).await?.map(|u| u.id),
        None => None,
    };
    for username in people.into_iter().flatten() {
        if let Some(user) = state.store.user_by_username(username).await? {
            let blind = crate::actor::blindness_of(&*state.store, tree, &user).await?;
            if accused.is_some_and(|a| blind.units.contains(&a)) {
                return Err(Refusal::AccusedUnit.into());
            }
            if blind.hides_person(accused_user_id) {
                return Err(Refusal::AccusedPerson.into());
            }
        }
    }
    let Some(accused) = accused else { return Ok(()) };
    if [file.holding_unit_id, actor.user.unit_id].iter().any(|u| tree.blind_to(*u).contains(&accused)) {
        return Err(Refusal::AccusedUnit.into());
    }
    Ok(())
}

/// GEN-7: the staff member accused now is changed or cleared only from outside the reach of their
/// unit, so that their own colleagues and subordinates cannot hand the accusation back to them.
pub(crate) async fn refuse_person_change_from_within(
    state: &AppState,
    actor: &Actor,
    tree: &UnitTree,
    current: &str,
) -> AppResult<()> {
    match state.store.user_by_username(current).await? {
        Some(person) if tree.within_reach(actor.user.unit_id, person.unit_id) => Err(Refusal::AccusedPerson.into()),
        _ => Ok(()),
    }
}

/// The one GEN-7 guard on every action of a case: resolves the units and users the event routes the
/// case to and lets the core judge them against the accused unit ([`informant::guard`]); and no
/// route to a closed unit (TWN-1).
pub(crate) async fn guard_informant(
    state: &AppState,
    actor: &Actor,
    tree: &UnitTree,
    file: &CaseFile,
    data: &EventData,
) -> AppResult<()> {
    let routes = informant::routes(data);
    // TWN-1: a closed unit takes no case, whether or not the case accuses anybody; nor is a case
    // objected back to a sender that has closed since.
    let sender = match data {
        EventData::Objected { .. } => file.state.sent_from.as_deref(),
        _ => None,
    };
    for code in routes.units.iter().copied().chain(sender) {
        if let Some(unit) = state.store.unit_by_code(code).await? {
            crate::units::refuse_closed(&unit)?;
        }
    }
    // The case as the event leaves it, whatever the event names: an objection returns it to
    // whoever sent it, who may be of the accused, the accused person, or one who stands aside.
    let mut next = file.state.clone();
    let now = Utc::now();
    let event = Event {
        seq: 0,
        occurred_at: now,
        recorded_at: now,
        actor: actor.user.username.clone(),
        note: None,
        data: data.clone(),
    };
    next.apply(&event);
    let new_people: Vec<&String> = [
        Some(&next.owner).filter(|o| **o != file.state.owner),
        next.owner_leader.as_ref().filter(|l| file.state.owner_leader.as_ref() != Some(*l)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut new_holders = Vec::with_capacity(new_people.len());
    for p in &new_people {
        if let Some(user) = state.store.user_by_username(p).await? {
            let blind = crate::actor::blindness_of(&*state.store, tree, &user).await?;
            // 回避: never to someone who stands aside from it (or whose link's issuer does).
            if blind.cases.contains(&file.id) {
                return Err(Refusal::Recused.into());
            }
            new_holders.push(blind);
        }
    }
    if file.accused_unit_id.is_none() && file.accused_user_id.is_none() {
        return Ok(());
    }
    let units: Vec<i64> = routes.units.iter().filter_map(|code| tree.id_of(code)).collect();
    let mut user_units = Vec::new();
    for username in routes.users {
        if let Some(user) = state.store.user_by_username(username).await? {
            user_units.push(user.unit_id);
        }
    }
    let person = huiyin_core::event::current_accused(&file.registration, &file.events).and_then(|a| a.user);
    let accused = informant::Accusation { unit: file.accused_unit_id, user: person.as_deref() };
    let (holder, actor_unit) = (file.holding_unit_id, actor.user.unit_id);
    informant::guard(tree, accused, holder, actor_unit, data, &units, &user_units)?;
    // And the people the event leaves it with.
    for p in new_people {
        if person.as_deref().is_some_and(|person| person.eq_ignore_ascii_case(p)) {
            return Err(Refusal::AccusedPerson.into());
        }
    }
    // Nor to someone blind to it (by their unit, or by the link that set their password): the case
    // would sit in hands that cannot see it.
    for blind in new_holders {
        if file.accused_unit_id.is_some_and(|a| blind.units.contains(&a)) {
            return Err(Refusal::AccusedUnit.into());
        }
        if blind.hides_person(file.accused_user_id) {
            return Err(Refusal::AccusedPerson.into());
        }
    }
    if let Some(accused) = file.accused_unit_id
        && next.holding_unit != file.state.holding_unit
        && tree.id_of(&next.holding_unit).is_some_and(|h| tree.blind_to(h).contains(&accused))
    {
        return Err(Refusal::AccusedUnit.into());
    }
    Ok(())
}
