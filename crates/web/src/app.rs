//! The application services: what the API and the staff UI both do, in one place. Each service
//! checks the actor's role and scope, lets the core decide, and has the store write the result.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use huiyin_core::calendar::{Calendar, CalendarError, YearFile, due_date};
use huiyin_core::case::{CHINA_OFFSET, CaseDraft, CaseNumber, Channel, Flag, QueryCode, Registration};
use huiyin_core::category::{self, Category};
use huiyin_core::event::{ActionDraft, Event, EventData, HandOffDraft, ReportUpDraft, Status};
use huiyin_core::informant::{self, UnitNode, UnitTree};
use huiyin_core::lifecycle::{
    self, AnswerDraft, ClearFlagDraft, ExtendDraft, FlagDraft, HearingDraft, InstructDraft, LeaderDraft, LiaisonDraft,
    OpinionDraft, RateDraft, ReasonDraft, Refusal, RejectDraft, ReturnVisitDraft, SendDraft, SetAccusedDraft,
};
use huiyin_core::limits::{self, Deadline, DeadlineKind, LimitRules, Urgency};
use huiyin_core::text;
use huiyin_core::unit::{UnitCode, UnitKind};
use huiyin_core::user::Role;
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{
    Blob, CaseFile, CaseQuery, CaseSort, CaseSummary, DocumentStyle, IssuedDocument, NewCase, NewEvent,
    NewIssuedDocument, Notice, Page, Store, StoreError,
};
use serde::Deserialize;
use sha2::Digest;

use std::collections::{BTreeSet, HashMap};

use crate::auth::Actor;
use crate::documents::{self, DocKind, Issued, Issuer};
use crate::state::{AppState, random_bytes};
use crate::views::CaseView;

/// Why a service refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Invalid(ValidationErrors),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no randomness: {0}")]
    Random(#[from] std::io::Error),
    #[error("{0}")]
    Calendar(#[from] CalendarError),
    /// The action is well formed but not allowed now (state, role, once-only).
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// Recording an earlier `at` is a permission this user lacks.
    #[error("may not backdate")]
    MayNotBackdate,
    /// A document could not be typeset (no fonts, a character no font has).
    #[error("{0}")]
    Typeset(String),
    /// The public side: this address sent too much too quickly; it may try again after this long.
    #[error("too many requests")]
    TooManyRequests(std::time::Duration),
    /// Online petitions cannot be taken yet: no unit has been set up.
    #[error("online petitions are not open")]
    NotOpen,
}

impl From<ValidationErrors> for AppError {
    fn from(e: ValidationErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(e.into())
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// A new query code from the operating system's random source.
fn new_query_code() -> std::io::Result<QueryCode> {
    Ok(QueryCode::from_random(random_bytes::<8>()?))
}

/// Checks that a unit code names a unit the actor may act for.
async fn unit_in_scope(state: &AppState, actor: &Actor, field: &str, code: &UnitCode) -> AppResult<i64> {
    match state.store.unit_by_code(code.as_str()).await? {
        Some(unit) if actor.sees_unit(unit.id) => Ok(unit.id),
        _ => Err(FieldError::new(field, Invalid::UnknownUnit).into()),
    }
}

/// Registers a case (GEN-10, FED-1): the actor becomes its first receiver. Returns the new case's
/// id and its query code, which is shown once and kept only as a keyed hash.
pub async fn register_case(state: &AppState, actor: &Actor, draft: &CaseDraft) -> AppResult<(i64, QueryCode)> {
    let now = Utc::now();
    let (registration, unit_id) = check_registration(state, actor, draft, now).await?;
    write_registration(state, actor, registration, unit_id, now).await
}

/// Checks a registration as typed, with the units it names, without writing anything: the
/// registration and the registering unit's id.
pub async fn check_registration(
    state: &AppState,
    actor: &Actor,
    draft: &CaseDraft,
    now: chrono::DateTime<Utc>,
) -> AppResult<(Registration, i64)> {
    if !actor.user.role.can_register() {
        return Err(AppError::Forbidden);
    }
    let classes = state.classes().await;
    let mut registration = draft.parse(now, &classes)?;
    let unit_id = unit_in_scope(state, actor, "unit", &registration.unit).await?;
    name_the_accused_unit(state, &mut registration).await?;
    name_the_accused_person(state, actor, &mut registration).await?;
    // Units named elsewhere in the registration must exist, though they may lie outside the scope.
    let mut errors = Vec::new();
    if let Some(forwarded) = &registration.forwarded_from {
        let above = state.store.unit_by_code(forwarded.unit.as_str()).await?;
        let is_above = match above {
            Some(u) => u.id != unit_id && state.store.unit_subtree(u.id).await?.contains(&unit_id),
            None => false,
        };
        if !is_above {
            return Err(FieldError::new("forwarded_from.unit", Invalid::UnknownUnit).into());
        }
    }
    let named_units = [
        ("place_unit", registration.place_unit.as_ref()),
        ("accused.unit", registration.accused.as_ref().and_then(|a| a.unit.as_ref())),
    ];
    for (field, code) in named_units {
        if let Some(code) = code
            && state.store.unit_by_code(code.as_str()).await?.is_none()
        {
            errors.push(FieldError::new(field, Invalid::UnknownUnit));
        }
    }
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    refuse_registration_at_accused(state, actor, &registration, unit_id).await?;
    Ok((registration, unit_id))
}

/// GEN-7: an accused named in free text that is exactly a unit's name (“东镇人民政府”) is taken as that
/// unit when no unit was picked, so that the protection does not hang on the receiver choosing from
/// a list. A name that only begins with one (“东镇派出所” is another organ) is left as typed.
async fn name_the_accused_unit(state: &AppState, registration: &mut Registration) -> AppResult<()> {
    let Some(accused) = registration.accused.as_mut().filter(|a| a.unit.is_none()) else { return Ok(()) };
    let Some(name) = accused.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) else { return Ok(()) };
    if let Some(unit) = state.store.units().await?.into_iter().find(|u| u.name == name) {
        accused.unit = UnitCode::parse("accused.unit", &unit.code).ok();
    }
    Ok(())
}

/// GEN-7: the staff member a case accuses, checked (an account of ours, `accused.user`, active or
/// not: a disabled account may be enabled again) or, for a petition filed online (the portal and
/// Open311, which offer no staff picker), found: a name typed that is exactly the display name of
/// one active staff member (and no other) is taken as them. At the counter the receiver picks the
/// person. The accused may not register it themselves: they would be its first receiver and could
/// never read it again.
async fn name_the_accused_person(state: &AppState, actor: &Actor, registration: &mut Registration) -> AppResult<()> {
    let online = registration.channel == Channel::Online;
    let Some(accused) = registration.accused.as_mut() else { return Ok(()) };
    match accused.user.as_deref() {
        Some(username) => {
            accused.user = Some(staff_account(state, "accused.user", username).await?.username);
        }
        None if online => {
            if let Some(name) = accused.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                let users = state.store.users().await?;
                let mut named =
                    users.iter().filter(|u| u.active && !u.username.starts_with('_') && u.display_name == name);
                if let (Some(user), None) = (named.next(), named.next()) {
                    accused.user = Some(user.username.clone());
                }
            }
        }
        None => {}
    }
    if accused.user.as_deref() == Some(actor.user.username.as_str()) {
        return Err(Refusal::AccusedPerson.into());
    }
    Ok(())
}

/// A staff account named in `field` by login name, active or not (never the online intake account).
async fn staff_account(state: &AppState, field: &str, username: &str) -> AppResult<huiyin_store::User> {
    let user = state.store.user_by_username(&username.to_ascii_lowercase()).await?;
    user.filter(|u| !u.username.starts_with('_')).ok_or_else(|| FieldError::new(field, Invalid::UnknownUser).into())
}

/// GEN-7: a case that accuses the registering unit itself (or, for a department, the unit it belongs
/// to) is not registered there, nor by a staff member of the accused (who would become its first
/// receiver and owner): they could never read it again. The refusal names the nearest unit above
/// outside the accused's reach, which registers it instead.
async fn refuse_registration_at_accused(
    state: &AppState,
    actor: &Actor,
    registration: &Registration,
    unit_id: i64,
) -> AppResult<()> {
    let Some(code) = registration.accused.as_ref().and_then(|a| a.unit.as_ref()) else { return Ok(()) };
    let tree = unit_tree(state).await?;
    let Some(accused) = tree.id_of(code.as_str()) else { return Ok(()) };
    if !tree.blind_to(unit_id).contains(&accused) && !actor.blind.units.contains(&accused) {
        return Ok(());
    }
    let above = tree.above_outside_reach(unit_id, Some(accused));
    let refer_to = above.first().and_then(|id| tree.get(*id)).map(|u| u.name.clone());
    Err(Refusal::RegisteredAtAccused { refer_to }.into())
}

/// Writes a checked registration: its limits, search entry and query code; then the intake flags
/// and the leaders' alert.
pub async fn write_registration(
    state: &AppState,
    actor: &Actor,
    registration: Registration,
    unit_id: i64,
    now: chrono::DateTime<Utc>,
) -> AppResult<(i64, QueryCode)> {
    let rules = state.store.limit_rules_for(unit_id).await?.unwrap_or_default();
    let deadlines = limits::registration_deadlines(&registration, &rules, &*state.calendar().await);
    let code = new_query_code()?;
    let new_case = NewCase {
        deadlines,
        search: crate::search::search_doc(&state.segmenter(), &registration, &[]),
        registration,
        query_code_hash: state.secret.query_code_hash(&code),
        actor_id: actor.user.id,
        recorded_at: now,
        note: None,
    };
    let alert = new_case.registration.flags.iter().any(|f| matches!(f, Flag::MajorUrgent | Flag::Collective));
    let registration = new_case.registration.clone();
    let id = state.registrar.register(new_case).await?;
    tracing::info!(case_id = id, actor = %actor.user.username, "case registered");
    // 重复访, 不再受理, 越级访 (FED-11, GEN-5, TWN-14): recorded as flags the receiver sees at once.
    crate::search::flag_at_intake(state, actor, id, &registration).await?;
    if alert {
        alert_leaders(state, unit_id, id).await?;
    }
    Ok((id, code))
}

/// FED-21: a major, urgent or collective case alerts the leaders (and supervisors) of the unit and
/// of the unit above at once.
async fn alert_leaders(state: &AppState, unit_id: i64, case_id: i64) -> AppResult<()> {
    let Some(file) = state.store.case_file(case_id).await? else { return Ok(()) };
    let kinds: Vec<&str> = file
        .state
        .flags
        .iter()
        .filter(|f| matches!(f, Flag::MajorUrgent | Flag::Collective))
        .map(|f| f.label_zh())
        .collect();
    let message = format!(
        "紧急:{} 登记了{}信访件 {}({} 人),请立即处理。",
        file.unit_name,
        kinds.join("、"),
        file.state.case_number,
        file.registration.headcount
    );
    // The unit above, past the accused unit when the case accuses the one above (GEN-7).
    let tree = unit_tree(state).await?;
    let mut units = vec![unit_id];
    units.extend(tree.above_outside_reach(unit_id, file.accused_unit_id).first());
    let mut notices = Vec::new();
    for unit in units {
        for user in state.store.unit_staff(unit, &[Role::Leader, Role::Supervisor]).await? {
            notices.push(notice(user.id, case_id, "alert", &message));
        }
    }
    send_case_notices(state, &tree, file.accused_unit_id, file.accused_user_id, notices).await
}

/// The case file, if the actor may see it: it was registered in or is held by a unit in scope, and
/// it does not accuse the actor's unit (GEN-7: for the accused and its departments an accusing case
/// does not exist). Every read and every action of a case starts here.
pub async fn case_file(state: &AppState, actor: &Actor, id: i64) -> AppResult<CaseFile> {
    let file = state.store.case_file(id).await?.ok_or(AppError::NotFound)?;
    let in_scope = actor.sees_unit(file.unit_id) || actor.sees_unit(file.holding_unit_id);
    if in_scope && !actor.is_blind_to(file.accused_unit_id, file.accused_user_id) {
        Ok(file)
    } else {
        Err(AppError::NotFound)
    }
}

/// The unit tree as the informant guard reads it (GEN-7).
pub async fn unit_tree(state: &AppState) -> Result<UnitTree, StoreError> {
    unit_tree_of(&*state.store).await
}

async fn unit_tree_of(store: &dyn Store) -> Result<UnitTree, StoreError> {
    let units = store.units().await?;
    Ok(UnitTree::new(units.into_iter().map(|u| UnitNode {
        id: u.id,
        code: u.code,
        name: u.name,
        kind: u.kind,
        parent: u.parent_id,
    })))
}

/// Where a case held within the accused's reach must go (GEN-7): the accused unit's name and the
/// units above it outside that reach, nearest first; `None` when the holder may handle the case.
pub async fn route_out(state: &AppState, file: &CaseFile) -> AppResult<Option<(String, Vec<String>)>> {
    let Some(accused) = file.accused_unit_id else { return Ok(None) };
    let tree = unit_tree(state).await?;
    if !tree.within_reach(file.holding_unit_id, accused) {
        return Ok(None);
    }
    let name = |id: i64| tree.get(id).map(|u| u.name.clone());
    let above = tree.above_outside_reach(file.holding_unit_id, Some(accused)).into_iter().filter_map(name).collect();
    Ok(Some((name(accused).unwrap_or_default(), above)))
}

/// GEN-7 on the write path of notices: neither the staff member a case accuses nor anybody of the
/// unit it accuses (or of its departments) hears of it, in the app or by SMS and e-mail. Every
/// notice about a case passes through here.
async fn notices_outside_accused(
    store: &dyn Store,
    tree: &UnitTree,
    accused: Option<i64>,
    accused_user: Option<i64>,
    notices: Vec<Notice>,
) -> AppResult<Vec<Notice>> {
    if accused.is_none() && accused_user.is_none() {
        return Ok(notices);
    }
    let mut kept = Vec::with_capacity(notices.len());
    for n in notices {
        let Some(user) = store.user_by_id(n.user_id).await? else { continue };
        let blind = huiyin_store::Blindness { units: tree.blind_to(user.unit_id), user: Some(user.id) };
        if !blind.hides(accused, accused_user) {
            kept.push(n);
        }
    }
    Ok(kept)
}

/// Sends notices about a case that accuses this unit and this staff member (either may be none), to
/// nobody blind to it (GEN-7).
async fn send_case_notices(
    state: &AppState,
    tree: &UnitTree,
    accused: Option<i64>,
    accused_user: Option<i64>,
    notices: Vec<Notice>,
) -> AppResult<()> {
    let notices = notices_outside_accused(&*state.store, tree, accused, accused_user, notices).await?;
    state.store.send_notices(&notices, Utc::now()).await?;
    Ok(())
}

/// The actor's notifications, newest first (at most `limit`), and how many are unread; none about a
/// case that accuses the actor's unit (GEN-7).
pub async fn notifications(
    state: &AppState,
    actor: &Actor,
    limit: i64,
) -> AppResult<(Vec<huiyin_store::Notification>, i64)> {
    let items = state.store.notifications(actor.user.id, &actor.blind, limit).await?;
    Ok((items, unread_notifications(state, actor).await?))
}

/// How many of the actor's notifications are unread (GEN-7 as [`notifications`]).
pub async fn unread_notifications(state: &AppState, actor: &Actor) -> AppResult<i64> {
    Ok(state.store.unread_notifications(actor.user.id, &actor.blind).await?)
}

/// The supervision items of the cases in the actor's scope (GEN-7: none of a case that accuses the
/// actor's unit).
pub async fn supervision_items(
    state: &AppState,
    actor: &Actor,
    open_only: bool,
    limit: i64,
) -> AppResult<Vec<huiyin_store::SupervisionItem>> {
    Ok(state.store.supervision_items(&actor.scope, &actor.blind, open_only, limit).await?)
}

/// The time limits of a case (GEN-2 … GEN-5), as stored with it and recounted when the calendar changes.
pub async fn case_deadlines(_state: &AppState, file: &CaseFile) -> AppResult<Vec<Deadline>> {
    Ok(file.deadlines.clone())
}

/// The rules in force for a unit, and whether they are the unit's own.
pub async fn unit_limits(state: &AppState, actor: &Actor, code: &str) -> AppResult<(LimitRules, bool)> {
    let unit = state.store.unit_by_code(code).await?.filter(|u| actor.sees_unit(u.id)).ok_or(AppError::NotFound)?;
    let own = state.store.limit_rules_for(unit.id).await?;
    let parent = match unit.parent_id {
        Some(p) => state.store.limit_rules_for(p).await?,
        None => None,
    };
    let is_own = own.is_some() && own != parent;
    Ok((own.unwrap_or_default(), is_own))
}

/// Sets a unit's time limits from a preset or as a whole (administrators only); the units below
/// inherit them. Every limit must be at least one day.
pub async fn set_unit_limits(
    state: &AppState,
    actor: &Actor,
    code: &str,
    preset: Option<&str>,
    rules: Option<LimitRules>,
) -> AppResult<LimitRules> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let unit = state.store.unit_by_code(code).await?.filter(|u| actor.sees_unit(u.id)).ok_or(AppError::NotFound)?;
    let rules = match (preset, rules) {
        (Some(name), None) => LimitRules::preset(name).ok_or_else(|| {
            FieldError::new("preset", Invalid::NotAChoice { allowed: LimitRules::PRESETS.join(", ") })
        })?,
        (None, Some(rules)) => {
            rules.checked().map_err(|field| FieldError::new(field, Invalid::OutOfRange { min: 1, max: 3650 }))?
        }
        _ => return Err(FieldError::new("preset", Invalid::Required).into()),
    };
    state.store.set_unit_limits(unit.id, &rules, Utc::now()).await?;
    tracing::info!(unit = code, preset = %rules.preset, actor = %actor.user.username, "time limits set");
    Ok(rules)
}

/// Loads one year of the holiday schedule (holiday-cn format), replacing that year's earlier file.
/// The caller then recounts the open deadlines over the new calendar ([`recount_deadlines`]).
pub async fn import_holiday_year(store: &dyn Store, json: &str, source: &str) -> AppResult<(i32, usize)> {
    let file = YearFile::parse(json)?;
    store.put_holiday_year(file.year, json, source, Utc::now()).await?;
    Ok((file.year, file.days.len()))
}

/// Recounts every open deadline over `calendar` and writes those whose due date moved (GEN-8: a
/// loaded schedule recomputes open deadlines). `progress` is told how many were read so far.
pub async fn recount_deadlines(store: &dyn Store, calendar: &Calendar, progress: impl Fn(u64)) -> AppResult<u64> {
    const PAGE: i64 = 2000;
    let mut cursor: (i64, String) = (0, String::new());
    let (mut read, mut moved) = (0u64, 0u64);
    loop {
        let page = store.open_deadlines_after((cursor.0, &cursor.1), PAGE).await?;
        let Some((last_case, last)) = page.last() else { break };
        cursor = (*last_case, last.kind.code().to_owned());
        read += page.len() as u64;
        let changed: Vec<(i64, Deadline)> = page
            .iter()
            .map(|(case_id, d)| (*case_id, d.recounted(calendar)))
            .zip(page.iter())
            .filter(|((_, new), (_, old))| new.due != old.due)
            .map(|(new, _)| new)
            .collect();
        moved += changed.len() as u64;
        store.update_deadline_dues(&changed).await?;
        progress(read);
    }
    Ok(moved)
}

/// What one supervision run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SupervisionRun {
    pub reminded: u64,
    pub opened: u64,
    pub escalated: u64,
    pub closed: u64,
}

/// How far ahead a supervision run looks for deadlines to remind of.
const REMIND_HORIZON_DAYS: i64 = 31;

/// 督办 (FED-10): reminds owners of deadlines due soon, opens a supervision item for each overdue
/// deadline (owner, supervisors and leaders of the holding unit are told), escalates items overdue
/// past the unit's limit to the unit above, and closes items whose deadline was met. Idempotent:
/// several servers may run it at once, and a second run changes nothing.
pub async fn supervise(store: &dyn Store, calendar: &Calendar, now: DateTime<Utc>) -> AppResult<SupervisionRun> {
    let today = limits::china_day(now);
    let mut run = SupervisionRun::default();
    let mut rules_by_unit: std::collections::HashMap<i64, LimitRules> = std::collections::HashMap::new();
    let due = store.due_deadlines(today + Duration::days(REMIND_HORIZON_DAYS), 100_000).await?;
    let tree = unit_tree_of(store).await?;
    for item in &due {
        if let std::collections::hash_map::Entry::Vacant(slot) = rules_by_unit.entry(item.unit_id) {
            slot.insert(store.limit_rules_for(item.unit_id).await?.unwrap_or_default());
        }
        let rules = &rules_by_unit[&item.unit_id];
        let d = &item.deadline;
        if !d.kind.is_units() {
            // The petitioner's own limits (to ask for review) are not chased.
            continue;
        }
        match d.urgency(today, calendar, rules.remind_before) {
            Urgency::DueSoon => {
                let message = format!(
                    "信访件 {} 的“{}”将于 {} 到期,请及时办理。",
                    item.case_number,
                    d.kind.label_zh(),
                    d.due.date
                );
                let notices = vec![notice(item.owner_id, item.case_id, "due_soon", &message)];
                let notices =
                    notices_outside_accused(store, &tree, item.accused_unit_id, item.accused_user_id, notices).await?;
                run.reminded += u64::from(store.remind_once(item, now, &notices).await?);
            }
            Urgency::Overdue(days) => {
                let message = format!(
                    "督办:信访件 {} 的“{}”已于 {} 到期,超期 {days} 天,请立即办理。",
                    item.case_number,
                    d.kind.label_zh(),
                    d.due.date
                );
                let mut recipients = vec![item.owner_id];
                for u in store.unit_staff(item.unit_id, &[Role::Supervisor, Role::Leader]).await? {
                    if !recipients.contains(&u.id) {
                        recipients.push(u.id);
                    }
                }
                let notices: Vec<Notice> =
                    recipients.iter().map(|u| notice(*u, item.case_id, "overdue", &message)).collect();
                let notices =
                    notices_outside_accused(store, &tree, item.accused_unit_id, item.accused_user_id, notices).await?;
                run.opened += u64::from(store.open_supervision_item(item, now, &notices).await?);
            }
            Urgency::Met | Urgency::OnTrack => {}
        }
    }
    for candidate in store.items_to_escalate(today).await? {
        let (unit_id, item) = (candidate.holding_unit_id, candidate.item);
        // GEN-7: escalation from below the accused skips over it.
        let above = tree.above_outside_reach(unit_id, candidate.accused_unit_id);
        let Some(&parent) = above.first() else { continue };
        if let std::collections::hash_map::Entry::Vacant(slot) = rules_by_unit.entry(unit_id) {
            slot.insert(store.limit_rules_for(unit_id).await?.unwrap_or_default());
        }
        let limit = rules_by_unit[&unit_id].escalate_after;
        if due_date(calendar, item.due, limit).date >= today {
            continue;
        }
        let message = format!(
            "督办升级:{} 的信访件 {} 的“{}”自 {} 超期未办,已报上级督办。",
            item.unit_code,
            item.case_number,
            DeadlineKind::parse(&item.kind).map_or(item.kind.clone(), |k| k.label_zh().to_owned()),
            item.due
        );
        let notices: Vec<Notice> = store
            .unit_staff(parent, &[Role::Supervisor, Role::Leader])
            .await?
            .iter()
            .map(|u| notice(u.id, item.case_id, "escalated", &message))
            .collect();
        let notices =
            notices_outside_accused(store, &tree, candidate.accused_unit_id, candidate.accused_user_id, notices)
                .await?;
        run.escalated += u64::from(store.escalate_item(item.id, parent, now, &notices).await?);
    }
    run.closed = store.close_settled_items(now).await?;
    // The guessing counters (guards) keep a day at most.
    store.purge_failures(now - Duration::days(2)).await?;
    Ok(run)
}

fn notice(user_id: i64, case_id: i64, kind: &str, message: &str) -> Notice {
    Notice { user_id, case_id: Some(case_id), kind: kind.to_owned(), message: message.to_owned() }
}

/// How long a sender's claim on outbox messages holds before another sender may take them.
const OUTBOX_LEASE_MINUTES: i64 = 10;

/// Delivers the outbox: claims a batch first, so that servers delivering at once send each message
/// once. No SMS gateway or mail server is configured yet, so delivery is a log line; the message is
/// then marked sent.
pub async fn deliver_outbox(store: &dyn Store) -> AppResult<u64> {
    let mut sent = 0;
    let now = Utc::now();
    for message in store.outbox_claim(500, now, now - Duration::minutes(OUTBOX_LEASE_MINUTES)).await? {
        tracing::info!(channel = %message.channel, user_id = message.user_id, body = %message.body, "outbox message (log-only sender)");
        store.outbox_mark_sent(message.id, Utc::now()).await?;
        sent += 1;
    }
    Ok(sent)
}

/// The case as the actor may see it (read through [`case_file`]). A full view (COM-4) is logged.
pub async fn view(
    state: &AppState,
    actor: &Actor,
    file: &CaseFile,
    full: bool,
    code: Option<String>,
) -> AppResult<CaseView> {
    if full {
        log_full_view(state, actor, file.id, "case_detail").await?;
    }
    Ok(CaseView::new(file, &file.deadlines, full, code))
}

/// Records that the actor opened a case's personal data in full (COM-4).
pub async fn log_full_view(state: &AppState, actor: &Actor, case_id: i64, purpose: &str) -> AppResult<()> {
    state.store.log_personal_data_view(actor.user.id, case_id, Utc::now(), purpose).await?;
    tracing::info!(case_id, actor = %actor.user.username, purpose, "personal data viewed in full");
    Ok(())
}

/// When an action happened: now, or the `at` of a record entered after the fact (补录), which needs
/// the permission, may not lie in the future, and may not precede the case's last event.
fn occurred_at(
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
    let rules = state.store.limit_rules_for(file.unit_id).await?.unwrap_or_default();
    let deadlines = limits::after_event(&file.deadlines, &event, &rules, &*state.calendar().await);
    // The case's words after this event, when it brings words of its own.
    let search_tokens = (event.note.is_some() || huiyin_search::document::has_text(&event.data)).then(|| {
        let mut events = file.events.clone();
        events.push(event.clone());
        huiyin_search::document::case_tokens(&state.segmenter(), &file.registration, &events)
    });
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
    Ok(())
}

/// The actions on a case after registration (INTERFACE.md `POST /cases/{id}/{action}`).
pub enum CaseAction {
    Accept(ActionDraft),
    Extend(ExtendDraft),
    Answer(AnswerDraft),
    Reject(RejectDraft),
    RegisterOnly(ReasonDraft),
    Assign(SendDraft),
    Transfer(SendDraft),
    Object(ReasonDraft),
    Escalate(SendDraft),
    Opinion(OpinionDraft),
    Approve(ActionDraft),
    Reply(ActionDraft),
    Rate(RateDraft),
    ReviewRequest(ReasonDraft),
    Close(ActionDraft),
    Hearing(HearingDraft),
    Instruct(InstructDraft),
    Liaison(LiaisonDraft),
    ReturnVisit(ReturnVisitDraft),
    AssignLeader(LeaderDraft),
    ReportBack(ReportBackDraft),
    Investigation(InstructDraft),
    HandOff(HandOffDraft),
    ReportUp(ReportUpDraft),
    Flag(FlagDraft),
    ClearFlag(ClearFlagDraft),
    SetAccused(SetAccusedDraft),
}

/// 反馈 as typed (FED-18).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBackDraft {
    /// The result, reported truthfully.
    pub summary: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

fn meta(
    note: &Option<String>,
    at: &Option<String>,
) -> Result<(Option<String>, Option<DateTime<Utc>>), ValidationErrors> {
    ActionDraft { note: note.clone(), at: at.clone() }.parse()
}

/// A unit above `unit_id`: the named one (it must be above; the informant guard then judges it), or
/// the nearest outside the reach of the accused unit (GEN-7: escalation skips over the accused).
fn named_or_nearest_above(
    tree: &UnitTree,
    unit_id: i64,
    accused: Option<i64>,
    field: &str,
    named: Option<&str>,
) -> AppResult<Option<String>> {
    let code = |id: i64| tree.get(id).map(|u| u.code.clone());
    match named.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(tree.above_outside_reach(unit_id, accused).first().and_then(|id| code(*id))),
        Some(named) => tree
            .chain(unit_id)
            .into_iter()
            .skip(1)
            .find_map(|id| code(id).filter(|c| c.eq_ignore_ascii_case(named)))
            .map(Some)
            .ok_or_else(|| FieldError::new(field, Invalid::UnknownUnit).into()),
    }
}

/// GEN-7 when the accused is set or corrected: only a unit outside the reach of the unit accused now
/// may change or clear it; and the case may not then be held, owned or led by the newly accused
/// person, unit or its departments, nor the correction made by one of them (it would vanish from
/// their sight in their hands). It is routed out of their reach first.
async fn refuse_accused_holding(
    state: &AppState,
    actor: &Actor,
    tree: &UnitTree,
    file: &CaseFile,
    accused: Option<i64>,
    accused_user: Option<&str>,
) -> AppResult<()> {
    // Changing or clearing who is accused is for units outside the reach of the unit accused now:
    // a unit below it could otherwise hand the accusation to it.
    if file.accused_unit_id.is_some_and(|current| tree.within_reach(actor.user.unit_id, current)) {
        return Err(Refusal::AccusedUnit.into());
    }
    let people = [Some(&file.state.owner), file.state.owner_leader.as_ref(), Some(&actor.user.username)];
    if let Some(person) = accused_user
        && people.iter().flatten().any(|p| p.eq_ignore_ascii_case(person))
    {
        return Err(Refusal::AccusedPerson.into());
    }
    let Some(accused) = accused else { return Ok(()) };
    let mut units = vec![file.holding_unit_id, actor.user.unit_id];
    for username in people.into_iter().flatten() {
        if let Some(user) = state.store.user_by_username(username).await? {
            units.push(user.unit_id);
        }
    }
    if units.iter().any(|u| tree.blind_to(*u).contains(&accused)) {
        return Err(Refusal::AccusedUnit.into());
    }
    Ok(())
}

/// GEN-7: the staff member accused now is changed or cleared only from outside the reach of their
/// unit, so that their own colleagues and subordinates cannot hand the accusation back to them.
async fn refuse_person_change_from_within(
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
/// case to and lets the core judge them against the accused unit ([`informant::guard`]).
async fn guard_informant(
    state: &AppState,
    actor: &Actor,
    tree: &UnitTree,
    file: &CaseFile,
    data: &EventData,
) -> AppResult<()> {
    if file.accused_unit_id.is_none() && file.accused_user_id.is_none() {
        return Ok(());
    }
    let routes = informant::routes(data);
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
    // And the case as the event leaves it, whatever the event names: an objection returns it to
    // whoever sent it, who may be of the accused or the accused person.
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
    let new_people = [
        Some(&next.owner).filter(|o| **o != file.state.owner),
        next.owner_leader.as_ref().filter(|l| file.state.owner_leader.as_ref() != Some(*l)),
    ];
    for p in new_people.into_iter().flatten() {
        if person.as_deref().is_some_and(|person| person.eq_ignore_ascii_case(p)) {
            return Err(Refusal::AccusedPerson.into());
        }
        if let (Some(accused), Some(user)) = (file.accused_unit_id, state.store.user_by_username(p).await?)
            && tree.blind_to(user.unit_id).contains(&accused)
        {
            return Err(Refusal::AccusedUnit.into());
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

/// Takes one action on a case: checks the fields, asks the core whether it is allowed (state, role,
/// unit, GEN-7), and appends the event. A refusal writes nothing. Returns the case as it is now, even
/// when the action moved it out of the actor's sight (an objection returns it to the sender).
///
/// `shown` is the case's version as a page showed it to the actor, if the action comes from one:
/// when it is no longer the case's, someone changed the case since, and the action is refused as a
/// stale write (409) rather than taken on what the actor did not see.
pub async fn act(
    state: &AppState,
    actor: &Actor,
    id: i64,
    action: CaseAction,
    shown: Option<i64>,
) -> AppResult<CaseFile> {
    let file = case_file(state, actor, id).await?;
    if shown.is_some_and(|v| v != file.version) {
        return Err(StoreError::Conflict.into());
    }
    let role = actor.user.role;
    let in_holding_unit = actor.sees_unit(file.holding_unit_id);
    let rules = state.store.limit_rules_for(file.unit_id).await?.unwrap_or_default();
    let tree = unit_tree(state).await?;
    let accused = file.accused_unit_id;
    let (data, m) = match &action {
        CaseAction::Accept(d) => (lifecycle::accept(&file.state, role, in_holding_unit)?, d.parse()?),
        CaseAction::Extend(d) => {
            let (days, reason) = lifecycle::parse_extension(d, &rules)?;
            (lifecycle::extend(&file.state, &file.events, role, days, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Answer(d) => {
            let answer =
                text::required("answer", d.answer.as_deref(), text::limits::CONTENT).map_err(ValidationErrors::from)?;
            (lifecycle::answer(&file.state, role, answer)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Reject(d) => {
            let reason = lifecycle::required_text("reason", &d.reason)?;
            let channel = lifecycle::required_text("channel", &d.channel)?;
            (lifecycle::reject(&file.state, role, reason, channel)?, meta(&d.note, &d.at)?)
        }
        CaseAction::RegisterOnly(d) => {
            let p = &file.registration.petitioner;
            let reachable = p.phone.is_some() || p.address.is_some();
            let reason = lifecycle::required_text("reason", &d.reason)?;
            (lifecycle::register_only(&file.state, role, reachable, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Assign(d) | CaseAction::Transfer(d) => {
            let transfer = matches!(action, CaseAction::Transfer(_));
            let code = UnitCode::parse("unit", d.unit.as_deref().unwrap_or_default())?;
            let target = state.store.unit_by_code(code.as_str()).await?;
            // 交办 stays under our authority (our scope); 转办 may go to any competent unit.
            let target = target
                .filter(|u| u.id != file.holding_unit_id && (transfer || actor.sees_unit(u.id)))
                .ok_or_else(|| FieldError::new("unit", Invalid::UnknownUnit))?;
            let owner = match d.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
                None => None,
                Some(name) => {
                    let subtree = state.store.unit_subtree(target.id).await?;
                    let user = state.store.user_by_username(&name.to_ascii_lowercase()).await?;
                    let user = user
                        .filter(|u| u.active && subtree.contains(&u.unit_id))
                        .ok_or_else(|| FieldError::new("owner", Invalid::UnknownUnit))?;
                    Some(user.username)
                }
            };
            (lifecycle::send(&file.state, role, &target.code, transfer, owner)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Object(d) => {
            let reason = lifecycle::required_text("reason", &d.reason)?;
            // The receiving side objects: staff of the holding unit who are not also the sender's.
            let sender = match &file.state.sent_from {
                Some(code) => state.store.unit_by_code(code).await?.map(|u| u.id),
                None => None,
            };
            let receiver = in_holding_unit && !sender.is_some_and(|s| actor.sees_unit(s));
            (lifecycle::object(&file.state, receiver, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Escalate(d) => {
            let reason = lifecycle::required_text("reason", &d.reason)?;
            // Any unit above the holder may be named (the town's reception day, TWN-4).
            let above = named_or_nearest_above(&tree, file.holding_unit_id, accused, "unit", d.unit.as_deref())?;
            (lifecycle::escalate(&file.state, role, above, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Opinion(d) => {
            (lifecycle::opinion(&file.state, in_holding_unit, d.parse()?)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Approve(d) => {
            let approval =
                lifecycle::approve(&file.state, role, in_holding_unit, &actor.user.username, rules.approvals_required);
            (approval?, d.parse()?)
        }
        CaseAction::Reply(d) => (lifecycle::reply(&file.state, in_holding_unit)?, d.parse()?),
        CaseAction::Rate(d) => {
            let office = lifecycle::parse_rating("office", &d.office)?;
            let unit = lifecycle::parse_rating("unit", &d.unit)?;
            let reason =
                text::optional("reason", d.reason.as_deref(), text::limits::REASON).map_err(ValidationErrors::from)?;
            let m = meta(&d.note, &d.at)?;
            // The window is judged on the day the rating was given.
            let today = limits::china_day(m.1.unwrap_or_else(Utc::now));
            let window = limits::rating_window(&file.events, &rules, &*state.calendar().await, today);
            (lifecycle::rate(&file.state, window, office, unit, reason)?, m)
        }
        CaseAction::ReviewRequest(d) => {
            let reason = lifecycle::required_text("reason", &d.reason)?;
            let m = meta(&d.note, &d.at)?;
            // The petitioner's limit is judged on the day the request was made.
            let today = limits::china_day(m.1.unwrap_or_else(Utc::now));
            let open = file.deadlines.iter().any(|dl| {
                matches!(dl.kind, DeadlineKind::ReviewRequest | DeadlineKind::ReReviewRequest)
                    && dl.met_at.is_none()
                    && dl.due.date >= today
            });
            // GEN-5: to the level the replying unit's rules name, by default the unit above it.
            let levels = state.store.limit_rules_for(file.holding_unit_id).await?.unwrap_or_default().review_levels_up;
            let above = tree.above_outside_reach(file.holding_unit_id, accused);
            let above = above.iter().filter_map(|id| tree.get(*id).map(|u| u.code.clone())).collect();
            let reviewer = limits::reviewing_unit(above, levels);
            (lifecycle::review_request(&file.state, open, reviewer, reason)?, m)
        }
        CaseAction::Close(d) => (lifecycle::close(&file.state, role)?, d.parse()?),
        CaseAction::Hearing(d) => {
            (lifecycle::hearing(&file.state, in_holding_unit, d.parse()?)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Instruct(d) => {
            let text = lifecycle::required_text("text", &d.text)?;
            (lifecycle::instruct(&file.state, role, text)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Liaison(d) => {
            let (agency, summary) = lifecycle::parse_liaison(d)?;
            (lifecycle::liaison(&file.state, role, agency, summary)?, meta(&d.note, &d.at)?)
        }
        CaseAction::ReturnVisit(d) => {
            (lifecycle::return_visit(&file.state, role, lifecycle::parse_return_visit(d)?)?, meta(&d.note, &d.at)?)
        }
        CaseAction::HandOff(d) => {
            if !role.can_register() {
                return Err(AppError::Forbidden);
            }
            let h = d.parse()?;
            let mut to_unit = h.to_unit.clone();
            if let Some(code) = &h.to_unit {
                unit_in_scope(state, actor, "to_unit", code).await?;
            }
            if let Some(username) = &h.to_user {
                let user = state
                    .store
                    .user_by_username(username.as_str())
                    .await?
                    .filter(|u| u.active && actor.sees_unit(u.unit_id))
                    .ok_or_else(|| FieldError::new("to_user", Invalid::UnknownUnit))?;
                if to_unit.is_none() {
                    // A person takes the case to their own unit.
                    to_unit = UnitCode::parse("to_unit", &user.unit_code).ok();
                }
            }
            let data = EventData::HandedOff {
                to_user: h.to_user.map(|u| u.as_str().to_owned()),
                to_unit: to_unit.map(|u| u.as_str().to_owned()),
                reason: h.reason,
            };
            (data, (h.note, h.at))
        }
        CaseAction::ReportUp(d) => {
            if !role.can_register() {
                return Err(AppError::Forbidden);
            }
            let r = d.parse()?;
            // FED-5: to a unit above the one that registered the case, by default its parent.
            let named = r.to_unit.as_ref().map(UnitCode::as_str);
            let target = named_or_nearest_above(&tree, file.unit_id, accused, "to_unit", named)?
                .ok_or_else(|| FieldError::new("to_unit", Invalid::UnknownUnit))?;
            (EventData::ReportedUp { to_unit: target, summary: r.summary }, (r.note, r.at))
        }
        CaseAction::Investigation(d) => {
            let text =
                text::required("text", d.text.as_deref(), text::limits::CONTENT).map_err(ValidationErrors::from)?;
            (lifecycle::investigation(&file.state, in_holding_unit, text)?, meta(&d.note, &d.at)?)
        }
        CaseAction::ReportBack(d) => {
            let summary = lifecycle::required_text("summary", &d.summary)?;
            let source = file.registration.forwarded_from.as_ref().map(|f| f.unit.as_str());
            (lifecycle::report_back(&file.state, role, source, summary)?, meta(&d.note, &d.at)?)
        }
        CaseAction::Flag(d) => {
            let flag = Flag::parse("flag", d.flag.as_deref().unwrap_or_default())?;
            let reason = lifecycle::required_text("reason", &d.reason)?;
            let mut related = Vec::with_capacity(d.related.len());
            for raw in &d.related {
                // Each related case must exist and be in the actor's sight, and not be this case.
                let number = CaseNumber::parse(raw).ok_or_else(|| FieldError::new("related", Invalid::UnknownCase))?;
                // GEN-7: a case that accuses a unit is linked only from a case accusing the same one,
                // so a link never leads from a case its accused may read to one they may not.
                let other = match state.store.case_id_by_number(number.as_str()).await? {
                    Some(other) if other != file.id => case_file(state, actor, other).await.ok(),
                    _ => None,
                };
                match other {
                    Some(o)
                        if (o.accused_unit_id.is_none() || o.accused_unit_id == accused)
                            && (o.accused_user_id.is_none() || o.accused_user_id == file.accused_user_id) =>
                    {
                        related.push(number.as_str().to_owned());
                    }
                    _ => return Err(FieldError::new("related", Invalid::UnknownCase).into()),
                }
            }
            let against = match d.against_unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                Some(code) => {
                    let code = UnitCode::parse("against_unit", code)?;
                    let unit = state.store.unit_by_code(code.as_str()).await?;
                    Some(unit.ok_or_else(|| FieldError::new("against_unit", Invalid::UnknownUnit))?.code)
                }
                None => None,
            };
            (lifecycle::flag(role, flag, related, against, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::SetAccused(d) => {
            let (accused, reason) = d.parse()?;
            let new_accused = match &accused.unit {
                Some(code) => {
                    Some(tree.id_of(code.as_str()).ok_or_else(|| FieldError::new("unit", Invalid::UnknownUnit))?)
                }
                None => None,
            };
            let mut accused = accused;
            let current = huiyin_core::event::current_accused(&file.registration, &file.events).and_then(|a| a.user);
            accused.user = match d.user.as_deref().map(str::trim) {
                // Absent: the accused person stays as they are (a client that knows only name and unit).
                None => current.clone(),
                Some("") => None,
                Some(_) => match &accused.user {
                    Some(username) => Some(staff_account(state, "user", username).await?.username),
                    None => None,
                },
            };
            if current != accused.user
                && let Some(current) = &current
            {
                refuse_person_change_from_within(state, actor, &tree, current).await?;
            }
            refuse_accused_holding(state, actor, &tree, &file, new_accused, accused.user.as_deref()).await?;
            (lifecycle::set_accused(role, accused, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::ClearFlag(d) => {
            let flag = Flag::parse("flag", d.flag.as_deref().unwrap_or_default())?;
            let reason = lifecycle::required_text("reason", &d.reason)?;
            (lifecycle::clear_flag(&file.state, role, flag, reason)?, meta(&d.note, &d.at)?)
        }
        CaseAction::AssignLeader(d) => {
            let name = lifecycle::required_text("leader", &d.leader)?.to_ascii_lowercase();
            let leader = state.store.user_by_username(&name).await?;
            let leader = leader
                .filter(|u| u.active && u.role == Role::Leader)
                .ok_or_else(|| FieldError::new("leader", Invalid::UnknownUnit))?;
            // The leader must be of the holding unit or above it, so that the case is in their sight.
            let sees = state.store.unit_subtree(leader.unit_id).await?.contains(&file.holding_unit_id);
            (lifecycle::assign_leader(&file.state, role, leader.username, sees)?, meta(&d.note, &d.at)?)
        }
    };
    guard_informant(state, actor, &tree, &file, &data).await?;
    let reported_to = match &data {
        EventData::ReportedBack { to_unit, summary } => Some((to_unit.clone(), summary.clone())),
        _ => None,
    };
    append(state, actor, &file, data, m, None, Vec::new()).await?;
    if let Some((to_unit, summary)) = reported_to
        && let Some(unit) = state.store.unit_by_code(&to_unit).await?
    {
        // The unit above hears of the result at once (FED-18).
        let message = format!("{} 反馈批转件 {} 的办理结果:{summary}", file.unit_name, file.state.case_number);
        let notices: Vec<Notice> = state
            .store
            .unit_staff(unit.id, &[Role::Supervisor, Role::Leader])
            .await?
            .iter()
            .map(|u| notice(u.id, id, "reported_back", &message))
            .collect();
        send_case_notices(state, &tree, file.accused_unit_id, file.accused_user_id, notices).await?;
    }
    state.store.case_file(id).await?.ok_or(AppError::NotFound)
}

/// 受理 (GEN-3, GEN-4).
pub async fn accept(state: &AppState, actor: &Actor, id: i64, draft: &ActionDraft) -> AppResult<()> {
    act(state, actor, id, CaseAction::Accept(draft.clone()), None).await.map(|_| ())
}

/// 延期 (GEN-4, SCH-7).
pub async fn extend(state: &AppState, actor: &Actor, id: i64, draft: &ExtendDraft) -> AppResult<()> {
    act(state, actor, id, CaseAction::Extend(draft.clone()), None).await.map(|_| ())
}

/// Adds a class to the content classification (administrators only).
pub async fn add_category(state: &AppState, actor: &Actor, parent: Option<&str>, name: &str) -> AppResult<Category> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let classes = state.classes().await;
    let class = category::add(&classes, parent, name)?;
    state.store.save_categories(std::slice::from_ref(&class)).await?;
    tracing::info!(code = %class.code, path = %class.path, actor = %actor.user.username, "class added");
    Ok(class)
}

/// Renames, retires or restores a class with everything below it (administrators only); returns the
/// classes changed.
pub async fn edit_category(
    state: &AppState,
    actor: &Actor,
    code: &str,
    name: Option<&str>,
    active: Option<bool>,
) -> AppResult<Vec<Category>> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let mut classes: Vec<Category> = state.classes().await.as_ref().clone();
    let mut changed: Vec<Category> = Vec::new();
    let mut apply = |edited: Vec<Category>, classes: &mut Vec<Category>| {
        for c in edited {
            if let Some(slot) = classes.iter_mut().find(|x| x.code == c.code) {
                *slot = c.clone();
            }
            match changed.iter_mut().find(|x| x.code == c.code) {
                Some(slot) => *slot = c,
                None => changed.push(c),
            }
        }
    };
    if let Some(name) = name {
        let edited = category::rename(&classes, code, name)?;
        apply(edited, &mut classes);
    }
    if let Some(active) = active {
        let edited = category::set_active(&classes, code, active)?;
        apply(edited, &mut classes);
    }
    if changed.is_empty() {
        // Nothing asked for: still say whether the class exists.
        classes.iter().find(|c| c.code == code).ok_or_else(|| FieldError::new("code", Invalid::UnknownCategory))?;
    }
    state.store.save_categories(&changed).await?;
    tracing::info!(code, actor = %actor.user.username, "class edited");
    Ok(changed)
}

/// Adds an attachment (a scan, photo or recording) to a case the actor may see: at most 10 MiB, at most 20 a case, of a type recognised from its bytes; kept by its hash.
pub async fn attach(state: &AppState, actor: &Actor, id: i64, filename: &str, bytes: Vec<u8>) -> AppResult<String> {
    use huiyin_core::attachment::{self, MAX_BYTES, MAX_PER_CASE};
    let file = case_file(state, actor, id).await?;
    if bytes.is_empty() {
        return Err(FieldError::new("file", Invalid::Required).into());
    }
    if bytes.len() > MAX_BYTES {
        return Err(FieldError::new("file", Invalid::TooLong { max: MAX_BYTES }).into());
    }
    let media_type = attachment::sniff(&bytes).ok_or_else(|| {
        FieldError::new("file", Invalid::NotAChoice { allowed: "PDF, JPEG, PNG, WEBP, MP3, WAV, M4A".into() })
    })?;
    let count = file.events.iter().filter(|e| matches!(e.data, EventData::AttachmentAdded { .. })).count();
    if count >= MAX_PER_CASE {
        return Err(FieldError::new("file", Invalid::TooManyRepresentatives { max: MAX_PER_CASE }).into());
    }
    let sha256 = crate::state::hex(&sha2::Sha256::digest(&bytes));
    let data = EventData::AttachmentAdded {
        sha256: sha256.clone(),
        media_type,
        filename: attachment::clean_filename(filename),
        size: bytes.len() as u64,
    };
    let blob = Blob { sha256: sha256.clone(), media_type: media_type.mime().to_owned(), bytes };
    append(state, actor, &file, data, (None, None), None, vec![blob]).await?;
    Ok(sha256)
}

/// An attachment of a case the actor may see: its name and bytes.
pub async fn attachment(state: &AppState, actor: &Actor, id: i64, sha256: &str) -> AppResult<(String, Blob)> {
    let file = case_file(state, actor, id).await?;
    let filename = file
        .events
        .iter()
        .find_map(|e| match &e.data {
            EventData::AttachmentAdded { sha256: h, filename, .. } if h == sha256 => Some(filename.clone()),
            _ => None,
        })
        .ok_or(AppError::NotFound)?;
    let blob = state.store.blob(sha256).await?.ok_or(AppError::NotFound)?;
    Ok((filename, blob))
}

/// Replaces a case's query code (the petitioner lost it); the old one stops working, and a lookup
/// locked by guessing opens again (`guards::LOOKUP_CASE`). Only the staff
/// of the unit that registered the case or of a unit above it may, never the accused (GEN-7): the
/// code opens the petitioner's receipt and speaks for them on the public side. Logged as a view of
/// personal data (COM-4).
pub async fn reissue_query_code(state: &AppState, actor: &Actor, id: i64) -> AppResult<QueryCode> {
    let file = case_file(state, actor, id).await?;
    if !actor.user.role.can_register() || !actor.sees_unit(file.unit_id) {
        return Err(AppError::Forbidden);
    }
    let code = new_query_code()?;
    let hash = state.secret.query_code_hash(&code);
    append(state, actor, &file, EventData::QueryCodeReissued {}, (None, None), Some(hash), Vec::new()).await?;
    // A lookup locked by guessing opens again with the new code.
    crate::guards::LOOKUP_CASE.clear(state, &file.state.case_number).await?;
    log_full_view(state, actor, file.id, "reissue_query_code").await?;
    Ok(code)
}

/// Filters of a case list as they arrive in a query string (API and UI alike).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `registered`, …
    pub status: Option<String>,
    /// `letter`, `visit`, `phone`, `online`, `email`, `fax`
    pub channel: Option<String>,
    /// A unit code: that unit and the units below it (within the caller's scope).
    pub unit: Option<String>,
    /// First day received (YYYY-MM-DD, China time), inclusive.
    pub from: Option<String>,
    /// Last day received (YYYY-MM-DD, China time), inclusive.
    pub to: Option<String>,
    /// Text in the statement, the petitioner's name or the case number.
    pub q: Option<String>,
    /// `-received_at` (default), `received_at`, `case_number`, `-case_number`, `due` (earliest open deadline first)
    pub sort: Option<String>,
    /// `overdue`: an open deadline has passed; `soon`: one is due within 3 days (or has passed).
    pub due: Option<String>,
    /// `me`: only the cases the caller holds.
    pub owner: Option<String>,
    /// `exact` (default): `total` counts every case; `bounded`: a full-text search counts its
    /// matches only up to 1,000 past the page's first row, and says `total_exact: false` when there
    /// are more (fast at any size; the staff list asks for this).
    pub total: Option<String>,
    /// From 1.
    pub page: Option<u32>,
    /// 1 to 200, default 20.
    pub per_page: Option<u32>,
}

/// How far past a page's first row a bounded total counts a full-text search's matches: a word
/// that tens of thousands of cases hold would otherwise cost a visit to each of them (issue 5).
pub const SEARCH_COUNT_UP_TO: u32 = 1_000;

fn day_start(field: &str, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    let day =
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| FieldError::new(field, Invalid::DateFormat))?;
    CHINA_OFFSET
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| FieldError::new(field, Invalid::DateFormat))
}

/// Keeps a value, or records why it was refused.
fn keep<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A page of the cases the actor may see.
pub async fn list_cases(state: &AppState, actor: &Actor, p: &ListParams) -> AppResult<Listing> {
    let mut errors = Vec::new();
    if let Some(q) = blank(&p.q)
        && let Err(e) = text::check_chars("q", q)
    {
        return Err(e.into());
    }
    let lookup = match blank(&p.q) {
        Some(q) => crate::search::read_query(&state.segmenter(), q),
        None => crate::search::Lookup::Nothing,
    };
    let (exact, search) = match lookup {
        crate::search::Lookup::Exact(key) => (Some(key), None),
        crate::search::Lookup::Words(words) => (None, Some(words)),
        crate::search::Lookup::Nothing => (None, None),
    };
    let status = blank(&p.status).and_then(|s| keep(&mut errors, Status::parse("status", s)));
    let channel = blank(&p.channel).and_then(|s| keep(&mut errors, Channel::parse("channel", s)));
    let received_from = blank(&p.from).and_then(|s| keep(&mut errors, day_start("from", s)));
    let received_before =
        blank(&p.to).and_then(|s| keep(&mut errors, day_start("to", s).map(|t| t + Duration::days(1))));
    let sort = match blank(&p.sort) {
        // Words are ranked unless another order is asked for.
        None if search.is_some() => Some(CaseSort::Relevance),
        None => Some(CaseSort::default()),
        Some(s) => keep(
            &mut errors,
            CaseSort::parse(s).ok_or_else(|| {
                let allowed = CaseSort::ALL.map(CaseSort::code).join(", ");
                FieldError::new("sort", Invalid::NotAChoice { allowed })
            }),
        ),
    };
    let today = limits::china_day(Utc::now());
    let due_by = match blank(&p.due) {
        None => None,
        Some("overdue") => Some(today - Duration::days(1)),
        Some("soon") => Some(today + Duration::days(3)),
        Some(_) => {
            errors.push(FieldError::new("due", Invalid::NotAChoice { allowed: "overdue, soon".into() }));
            None
        }
    };
    let owner = match blank(&p.owner) {
        None => None,
        Some("me") => Some(actor.user.id),
        Some(_) => {
            errors.push(FieldError::new("owner", Invalid::NotAChoice { allowed: "me".into() }));
            None
        }
    };
    let count_up_to = match blank(&p.total) {
        None | Some("exact") => None,
        Some("bounded") => Some(SEARCH_COUNT_UP_TO),
        Some(_) => {
            errors.push(FieldError::new("total", Invalid::NotAChoice { allowed: "exact, bounded".into() }));
            None
        }
    };
    let per_page = p.per_page.unwrap_or(20);
    if !(1..=200).contains(&per_page) {
        errors.push(FieldError::new("per_page", Invalid::OutOfRange { min: 1, max: 200 }));
    }
    let unit = blank(&p.unit).map(|s| UnitCode::parse("unit", s));
    let scope = match unit {
        None => actor.scope.clone(),
        Some(Err(e)) => {
            errors.push(e);
            Vec::new()
        }
        Some(Ok(code)) => match state.store.unit_by_code(code.as_str()).await? {
            Some(u) if actor.sees_unit(u.id) => state.store.unit_subtree(u.id).await?,
            _ => {
                errors.push(FieldError::new("unit", Invalid::UnknownUnit));
                Vec::new()
            }
        },
    };
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    let query = CaseQuery {
        scope,
        status,
        channel,
        received_from,
        received_before,
        search,
        exact,
        // GEN-7: for the accused and its departments an accusing case does not exist.
        hidden_accusers_of: actor.blind.clone(),
        due_by,
        owner,
        count_up_to,
        sort: sort.unwrap_or_default(),
        page: p.page.unwrap_or(1).max(1),
        per_page,
    };
    let terms = query.search.as_ref().map(|s| s.terms.clone()).unwrap_or_default();
    Ok(Listing { page: state.store.list_cases(&query).await?, terms })
}

/// A page of a case list, with the words searched for (to highlight them).
pub struct Listing {
    pub page: Page<CaseSummary>,
    pub terms: Vec<String>,
}

// ---------- documents ----------

/// How the units that issue documents print: their letterhead and signature block, or their name.
async fn issuers(state: &AppState, codes: BTreeSet<String>) -> AppResult<HashMap<String, Issuer>> {
    let mut out = HashMap::new();
    for code in codes {
        let Some(unit) = state.store.unit_by_code(&code).await? else { continue };
        let issuer = match state.store.document_style(unit.id).await? {
            Some(style) => {
                Issuer { name: unit.name, kind: unit.kind, letterhead: style.letterhead, signature: style.signature }
            }
            None => Issuer::plain(&unit.name, unit.kind),
        };
        out.insert(code, issuer);
    }
    Ok(out)
}

/// Every document the case has issued, composed, in the order issued: the events' notices, letters
/// and records, then the 督办单 of its supervision items.
pub async fn compose_documents(state: &AppState, file: &CaseFile) -> AppResult<Vec<Issued>> {
    let items = state.store.case_supervision_items(file.id).await?;
    let mut codes = documents::issuer_codes(file);
    codes.extend(items.iter().map(|i| documents::slip_issuer(i).to_owned()));
    let issuers = issuers(state, codes).await?;
    let mut all = documents::issued(file, &issuers);
    for item in &items {
        let code = documents::slip_issuer(item);
        let issuer = issuers.get(code).cloned().unwrap_or_else(|| Issuer::plain(code, UnitKind::Agency));
        all.push(documents::supervision_slip(file, item, &issuer));
    }
    Ok(all)
}

/// The case's documents as the actor may read them.
pub async fn case_documents(state: &AppState, actor: &Actor, id: i64) -> AppResult<Vec<Issued>> {
    let file = case_file(state, actor, id).await?;
    compose_documents(state, &file).await
}

/// Typesets and keeps every document of the case not kept yet, and returns each with its record. A
/// kept document is never typeset again: a reprint serves the bytes first issued.
pub async fn issue_documents(state: &AppState, file: &CaseFile) -> AppResult<Vec<(Issued, IssuedDocument)>> {
    let all = compose_documents(state, file).await?;
    let mut kept = state.store.issued_documents(file.id).await?;
    let mut out = Vec::with_capacity(all.len());
    for doc in all {
        let code = doc.kind.code();
        let found = kept.iter().position(|k| k.kind == code && k.issued_by == doc.issued_by);
        let record = match found {
            Some(i) => kept.swap_remove(i),
            None => {
                let pdf = typeset(state, &doc, file.id).await?;
                let new = NewIssuedDocument {
                    kind: code.to_owned(),
                    issued_by: doc.issued_by,
                    title: doc.letter.title.clone(),
                    issued_at: doc.issued_at,
                    pdf,
                };
                state.store.keep_issued_document(file.id, &new).await?
            }
        };
        out.push((doc, record));
    }
    Ok(out)
}

/// After an action: issues the documents it issued (受理告知书 with acceptance, 交办函 with
/// assignment, …). A failure to typeset (no fonts, say) is logged and does not undo the action: the
/// document is issued when it is next asked for. Registration's receipt, and bulk paths such as the
/// demo, leave issuing to that first request.
pub async fn issue_after_action(state: &AppState, file: &CaseFile) {
    if let Err(e) = issue_documents(state, file).await {
        tracing::warn!(case = file.id, error = %e, "documents not issued yet");
    }
}

/// The actor's view of the issued documents, issuing any not yet kept.
pub async fn issued_documents(state: &AppState, actor: &Actor, id: i64) -> AppResult<Vec<(Issued, IssuedDocument)>> {
    let file = case_file(state, actor, id).await?;
    issue_documents(state, &file).await
}

/// One issued document's PDF: the latest of its kind, or the one issued by `issued_by`.
pub async fn document_pdf(
    state: &AppState,
    actor: &Actor,
    id: i64,
    kind: DocKind,
    issued_by: Option<i64>,
) -> AppResult<(IssuedDocument, Blob)> {
    let all = issued_documents(state, actor, id).await?;
    let (_, record) = all
        .into_iter()
        .rev()
        .find(|(d, _)| d.kind == kind && issued_by.is_none_or(|seq| d.issued_by == seq))
        .ok_or(AppError::NotFound)?;
    let blob = state.store.blob(&record.sha256).await?.ok_or(AppError::NotFound)?;
    Ok((record, blob))
}

/// Runs a typesetting job on the blocking threads (it is CPU work, and the first one scans the fonts).
async fn typeset_off_thread(
    state: &AppState,
    job: impl FnOnce(&huiyin_pdf::Typesetter) -> Result<Vec<u8>, huiyin_pdf::TypesetError> + Send + 'static,
) -> AppResult<Vec<u8>> {
    let typesetting = state.typesetting();
    tokio::task::spawn_blocking(move || {
        let typesetter = typesetting.get()?;
        job(&typesetter).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| AppError::Typeset(e.to_string()))?
    .map_err(AppError::Typeset)
}

async fn typeset(state: &AppState, doc: &Issued, case_id: i64) -> AppResult<Blob> {
    let letter = doc.letter.clone();
    let ident = doc.ident(case_id);
    let at = doc.issued_at;
    let bytes = typeset_off_thread(state, move |t| t.letter(&letter, &ident, at)).await?;
    let sha256 = crate::state::hex(&sha2::Sha256::digest(&bytes));
    Ok(Blob { sha256, media_type: "application/pdf".into(), bytes })
}

/// The most lines a signature block has.
pub const SIGNATURE_LINES: usize = 4;

/// A unit's letterhead and signature block as they print, and whether they are the unit's own.
pub async fn document_style(state: &AppState, actor: &Actor, code: &str) -> AppResult<(DocumentStyle, bool)> {
    let unit = state.store.unit_by_code(code).await?.filter(|u| actor.sees_unit(u.id)).ok_or(AppError::NotFound)?;
    Ok(match state.store.document_style(unit.id).await? {
        Some(style) => (style, true),
        None => (DocumentStyle { letterhead: unit.name.clone(), signature: vec![unit.name] }, false),
    })
}

/// Sets a unit's letterhead (红头) and signature block (落款), administrators only. Documents issued
/// from now on print them; documents already issued keep what they were issued with.
pub async fn set_document_style(
    state: &AppState,
    actor: &Actor,
    code: &str,
    letterhead: Option<&str>,
    signature: &[String],
) -> AppResult<DocumentStyle> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let unit = state.store.unit_by_code(code).await?.filter(|u| actor.sees_unit(u.id)).ok_or(AppError::NotFound)?;
    let letterhead = text::required("letterhead", letterhead, text::limits::UNIT_NAME)?;
    let mut lines = Vec::new();
    for line in signature {
        if let Some(line) = text::optional("signature", Some(line), text::limits::UNIT_NAME)? {
            lines.push(line);
        }
    }
    if lines.is_empty() {
        return Err(FieldError::new("signature", Invalid::Required).into());
    }
    if lines.len() > SIGNATURE_LINES {
        return Err(FieldError::new("signature", Invalid::TooLong { max: SIGNATURE_LINES }).into());
    }
    let style = DocumentStyle { letterhead, signature: lines };
    state.store.set_document_style(unit.id, &style, Utc::now()).await?;
    tracing::info!(unit = code, actor = %actor.user.username, "letterhead set");
    Ok(style)
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

/// A bound archive volume (FED-13).
pub struct BuiltArchive {
    pub unit_name: String,
    pub cases: usize,
    pub documents: usize,
    pub sha256: String,
    pub pdf: Vec<u8>,
}

/// Binds the settled cases (办结, 不予受理, 作登记处理, 终结) that `unit_code` received in `year` (China
/// time) into one PDF: a cover, the table of contents, then each case's documents in the order
/// issued — registration, letters, investigation notes, hearings, opinion and reply, return visits
/// (FED-13). `progress(done, total)` is called as cases are gathered. `None` when the year has no
/// settled case: nothing is bound empty.
pub async fn build_archive(
    state: &AppState,
    unit_code: &str,
    year: i32,
    progress: impl Fn(usize, usize),
) -> AppResult<Option<BuiltArchive>> {
    let unit = state.store.unit_by_code(unit_code).await?.ok_or(AppError::NotFound)?;
    let start = |y: i32| {
        CHINA_OFFSET
            .with_ymd_and_hms(y, 1, 1, 0, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| FieldError::new("year", Invalid::OutOfRange { min: 2000, max: 2100 }))
    };
    if !(2000..=2100).contains(&year) {
        return Err(FieldError::new("year", Invalid::OutOfRange { min: 2000, max: 2100 }).into());
    }
    let ids = state.store.case_ids_received(unit.id, start(year)?, start(year + 1)?, &Status::SETTLED).await?;
    if ids.is_empty() {
        return Ok(None);
    }
    let mut cases = Vec::with_capacity(ids.len());
    let mut documents = 0;
    for (done, id) in ids.iter().enumerate() {
        progress(done, ids.len());
        let Some(file) = state.store.case_file(*id).await? else { continue };
        let letters: Vec<huiyin_pdf::Letter> =
            compose_documents(state, &file).await?.into_iter().map(|d| d.letter).collect();
        documents += letters.len();
        cases.push(huiyin_pdf::ArchivedCase {
            number: file.state.case_number.clone(),
            summary: crate::views::excerpt(&file.registration.content, 24),
            documents: letters,
        });
    }
    progress(ids.len(), ids.len());
    let first = cases.first().map(|c| c.number.clone()).unwrap_or_default();
    let last = cases.last().map(|c| c.number.clone()).unwrap_or_default();
    let built_at = Utc::now();
    let volume = huiyin_pdf::ArchiveVolume {
        title: format!("{} {year} 年度信访档案", unit.name),
        unit: unit.name.clone(),
        year,
        cover: vec![
            ("立卷单位".into(), format!("{}({})", unit.name, unit.code)),
            ("年度".into(), year.to_string()),
            ("件数".into(), cases.len().to_string()),
            ("文书份数".into(), documents.to_string()),
            ("起止件号".into(), format!("{first} 至 {last}")),
            ("立卷日期".into(), crate::views::day(built_at)),
        ],
        cases,
    };
    let case_count = volume.cases.len();
    let ident = format!("huiyin-archive-{}-{year}", unit.code);
    let pdf = typeset_off_thread(state, move |t| t.archive(&volume, &ident, built_at)).await?;
    Ok(Some(BuiltArchive {
        unit_name: unit.name,
        cases: case_count,
        documents,
        sha256: crate::state::hex(&sha2::Sha256::digest(&pdf)),
        pdf,
    }))
}
