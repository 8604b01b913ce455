//! Registration (GEN-1, GEN-10): a case checked as typed with the units and people it names, the
//! accused named (GEN-7), written with its limits, search entry and query code; the intake flags
//! and the leaders' alert (FED-21).

use chrono::Utc;
use huiyin_core::case::{CaseDraft, Channel, Flag, QueryCode, Registration};
use huiyin_core::event::EventData;
use huiyin_core::lifecycle::Refusal;
use huiyin_core::limits;
use huiyin_core::unit::UnitCode;
use huiyin_core::user::{Role, is_system_account};
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::NewCase;

use crate::actor::Actor;
use crate::cases::notice;
use crate::cases::{Unreached, new_query_code, send_case_notices, unit_in_scope};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::search::{EarlierView, IntakeReport, Judging, judge_registration};
use crate::tree::unit_tree;

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
    let received_on = huiyin_core::limits::china_day(registration.received_at);
    registration.on_duty = crate::duty::on_duty(state, unit_id, received_on).await?.map(|u| u.username);
    if let Some(session) = draft.session {
        registration.session = Some(
            crate::reception_sessions::session_for_visit(state, unit_id, received_on, registration.channel, session)
                .await?,
        );
    }
    name_the_accused_unit(state, &mut registration).await?;
    name_the_accused_person(state, actor, &mut registration).await?;
    // Units named elsewhere in the registration must exist, though they may lie outside the scope.
    let mut errors = Vec::new();
    // SCH-1: a unit that receives only some people asks a visitor or caller how they stand to it.
    // A letter or an online petition may not say: the receiver who finds an outsider's flags it
    // (研判提示 非受理对象) and guides them elsewhere alike.
    let scope = crate::presets::terms_for(state, unit_id).await?.scope;
    let asked = matches!(registration.channel, Channel::Visit | Channel::Phone);
    if asked && scope.as_ref().is_some_and(|s| s.asks_relation()) && registration.relation.is_none() {
        errors.push(FieldError::new("relation", Invalid::Required));
    }
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

/// GEN-7: an accused named in free text that is exactly a unit's name (“东镇人民政府”), or a name it
/// had before a rename (a petitioner names a unit as they know it), is taken as that unit when no
/// unit was picked, so that the protection does not hang on the receiver choosing from a list.
/// Spaces do not count. A name that only begins with one (“东镇派出所” is another organ) is left as
/// typed; a current name wins over a former one.
pub(crate) async fn name_the_accused_unit(state: &AppState, registration: &mut Registration) -> AppResult<()> {
    match registration.accused.as_mut() {
        Some(accused) => unit_by_accused_name(state, accused).await,
        None => Ok(()),
    }
}

/// [`name_the_accused_unit`] for one accused (at registration, and when the accused is corrected):
/// with no unit picked, a name typed that is a unit's name, current or former, is taken as it.
pub(crate) async fn unit_by_accused_name(state: &AppState, accused: &mut huiyin_core::case::Accused) -> AppResult<()> {
    if accused.unit.is_some() {
        return Ok(());
    }
    let plain = crate::units::plain_name;
    let name = accused.name.as_deref().map(plain).unwrap_or_default();
    if name.is_empty() {
        return Ok(());
    }
    let units = state.store.units().await?;
    let unit = match units.iter().find(|u| plain(&u.name) == name) {
        Some(unit) => Some(unit),
        None => {
            let former = state.store.unit_former_names().await?;
            former.iter().find(|f| plain(&f.name) == name).and_then(|f| units.iter().find(|u| u.id == f.unit_id))
        }
    };
    if let Some(unit) = unit {
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
pub(crate) async fn name_the_accused_person(
    state: &AppState,
    actor: &Actor,
    registration: &mut Registration,
) -> AppResult<()> {
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
                    users.iter().filter(|u| u.active && !is_system_account(&u.username) && u.display_name == name);
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
    // Nor one blind to the person by the link that set their password: they would be its first
    // receiver and could never read it.
    if let Some(username) = accused.user.as_deref()
        && let Some(person) = state.store.user_by_username(username).await?
        && actor.blind.hides_person(Some(person.id))
    {
        return Err(Refusal::AccusedPerson.into());
    }
    Ok(())
}

/// A staff account named in `field` by login name, active or not (never the online intake account).
pub(crate) async fn staff_account(state: &AppState, field: &str, username: &str) -> AppResult<huiyin_store::User> {
    let user = state.store.user_by_username(&username.to_ascii_lowercase()).await?;
    user.filter(|u| !is_system_account(&u.username)).ok_or_else(|| FieldError::new(field, Invalid::UnknownUser).into())
}

/// GEN-7: a case that accuses the registering unit itself (or, for a department, the unit it belongs
/// to) is not registered there, nor by a staff member of the accused (who would become its first
/// receiver and owner): they could never read it again. The refusal names the nearest unit above
/// outside the accused's reach, which registers it instead.
pub(crate) async fn refuse_registration_at_accused(
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
    let segmenter = state.segmenter().await;
    let new_case = NewCase {
        deadlines,
        search: crate::search::search_doc(&segmenter, &registration, &[]),
        registration,
        query_code_hash: state.secret.query_code_hash(&code),
        actor_id: actor.user.id,
        recorded_at: now,
        note: None,
    };
    let alert = new_case.registration.flags.iter().any(|f| f.alerts());
    let online = new_case.registration.channel == huiyin_core::case::Channel::Online;
    let registration = new_case.registration.clone();
    let id = state.registrar.register(new_case).await?;
    tracing::info!(case_id = id, actor = %actor.user.username, "case registered");
    // 重复访, 不再受理, 越级访 (FED-11, GEN-5, TWN-14): recorded as flags the receiver sees at once.
    flag_at_intake(state, actor, id, &registration).await?;
    if alert {
        alert_leaders(state, unit_id, id, None).await?;
    }
    if online {
        tell_of_online_petition(state, unit_id, id).await?;
    }
    Ok((id, code))
}

/// A new online petition is work for the unit it was sent to: its officers (and leaders) hear of
/// it at once, and one of them takes it (FED-1). Never the accused (GEN-7).
async fn tell_of_online_petition(state: &AppState, unit_id: i64, case_id: i64) -> AppResult<()> {
    let Some(file) = state.store.case_file(case_id).await? else { return Ok(()) };
    let message = format!("新的网上信访件 {},请及时受理", file.state.case_number);
    let notices = state
        .store
        .unit_staff(unit_id, &[Role::Officer, Role::Leader])
        .await?
        .iter()
        .map(|u| notice(u.id, case_id, "online_petition", &message))
        .collect();
    let tree = unit_tree(state).await?;
    send_case_notices(state, &tree, Unreached::of(&file), notices).await
}

/// FED-21, COM-5: a major, urgent, collective or abnormal case alerts the leaders (and supervisors)
/// of the unit and of the unit above at once: the registering unit when it is registered so; the
/// unit holding it when `marked` so later by a staff member (who is not told of their own act).
pub(crate) async fn alert_leaders(
    state: &AppState,
    unit_id: i64,
    case_id: i64,
    marked: Option<(&Actor, Flag)>,
) -> AppResult<()> {
    let Some(file) = state.store.case_file(case_id).await? else { return Ok(()) };
    let message = match marked {
        None => {
            let kinds: Vec<&str> = file.state.flags.iter().filter(|f| f.alerts()).map(|f| f.label_zh()).collect();
            format!(
                "紧急:{} 登记了{}信访件 {}({} 人),请立即处理。",
                file.unit_name,
                kinds.join("、"),
                file.state.case_number,
                file.registration.headcount
            )
        }
        Some((actor, flag)) => format!(
            "紧急:信访件 {}({} 人)已被 {} 标记为{},请立即处理。",
            file.state.case_number,
            file.registration.headcount,
            actor.user.display_name,
            flag.label_zh()
        ),
    };
    let actor_id = marked.map(|(actor, _)| actor.user.id);
    // The unit above, past the accused unit when the case accuses the one above (GEN-7).
    let tree = unit_tree(state).await?;
    let mut units = vec![unit_id];
    units.extend(tree.above_outside_reach(unit_id, file.accused_unit_id).first());
    let mut notices = Vec::new();
    for unit in units {
        for user in state.store.unit_staff(unit, &[Role::Leader, Role::Supervisor]).await? {
            if Some(user.id) != actor_id {
                notices.push(notice(user.id, case_id, "alert", &message));
            }
        }
    }
    send_case_notices(state, &tree, Unreached::of(&file), notices).await
}

/// After registration: records what the intake check found as flags, each an event that staff may
/// clear with a reason (FED-11, GEN-5, TWN-14). Collective candidates are only offered.
pub(crate) async fn flag_at_intake(
    state: &AppState,
    actor: &Actor,
    id: i64,
    registration: &Registration,
) -> AppResult<IntakeReport> {
    let report = judge_registration(state, actor, id, registration, Judging::AtRegistration).await?;
    let linked = |flag: Flag, cases: &[EarlierView], reason: String| EventData::Flagged {
        flag,
        related: cases.iter().map(|c| c.case_number.clone()).collect(),
        against_unit: None,
        reason,
    };
    let mut flags = Vec::new();
    if let Some(first) = report.repeat_of.first() {
        let reason = format!(
            "系统研判:与本人信访件 {} 内容相似(相似度 {:.2}),登记为重复访",
            first.case_number, first.similarity
        );
        flags.push(linked(Flag::Repeat, &report.repeat_of, reason));
    }
    if let Some(first) = report.final_matters.first() {
        let reason = format!(
            "系统研判:与已终结事项 {} 相同(相似度 {:.2}),同一事实和理由不再受理(《信访工作条例》第三十六条);\
             请决定不予受理,或写明新的事实和理由后撤销提示",
            first.case_number, first.similarity
        );
        flags.push(linked(Flag::FinalMatter, &report.final_matters, reason));
    }
    flags.extend(scope_flags(state, registration).await?);
    if let Some(against) = &report.skip_level {
        let reason = format!("系统研判:越级走访,问题属地为{}({}),计入该单位", against.name, against.code);
        flags.push(EventData::Flagged {
            flag: Flag::SkipLevel,
            related: Vec::new(),
            against_unit: Some(against.code.clone()),
            reason,
        });
    }
    // The case is read back only when there is something to record on it.
    for data in flags {
        let file = state.store.case_file(id).await?.ok_or(AppError::NotFound)?;
        crate::cases::log::append_at_registration(state, actor, &file, data).await?;
    }
    Ok(report)
}

/// SCH-1, SCH-2: what the registering unit's scope says of the case, as flags with the path to
/// take: a petitioner it does not receive is guided elsewhere; a matter not its own is answered on
/// the spot when a question of law or policy, else transferred.
async fn scope_flags(state: &AppState, registration: &Registration) -> AppResult<Vec<EventData>> {
    let Some(unit) = state.store.unit_by_code(registration.unit.as_str()).await? else { return Ok(Vec::new()) };
    let Some(scope) = crate::presets::terms_for(state, unit.id).await?.scope else { return Ok(Vec::new()) };
    let flag =
        |flag: Flag, reason: String| EventData::Flagged { flag, related: Vec::new(), against_unit: None, reason };
    let mut flags = Vec::new();
    if let Some(relation) = registration.relation.filter(|r| !scope.receives(*r)) {
        flags.push(flag(
            Flag::OutsidePetitioners,
            format!(
                "信访人为{},不属于{}的受理对象({}):请引导其向有关单位反映,作不予受理并写明引导去向\
                 (出具引导告知书),或转办;核实属于受理对象的,写明情况后撤销本提示",
                relation.label_zh(),
                unit.name,
                scope.relations_zh()
            ),
        ));
    }
    if !scope.covers(&registration.category.path) {
        flags.push(flag(
            Flag::OutsideMatters,
            format!(
                "反映内容属“{}”,不属于{}的受理事项({}):法律法规及政策咨询可当场解答(当场答复),\
                 其他事项请转办至主管或属地单位",
                registration.category.path,
                unit.name,
                scope.classes_zh()
            ),
        ));
    }
    Ok(flags)
}
