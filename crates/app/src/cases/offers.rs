//! What a staff member is offered on a case now: each action of the catalogue judged by the same
//! guards that take it (state, role, unit and GEN-7) on a probe of its fields, and the choices its
//! pickers give, none within the reach of the accused (GEN-7). A page shows only these; the action
//! is judged again, with its real fields, when it is taken.

use chrono::Utc;
use huiyin_core::case::{Accused, Flag};
use huiyin_core::event::{EventData, Outcome, Rating};
use huiyin_core::lifecycle::{self, Refusal};
use huiyin_core::limits;
use huiyin_core::user::{Role, is_system_account};
use huiyin_store::{CaseFile, User};

use crate::actor::Actor;
use crate::cases::actions::{
    CaseActionKind, accepts_as_holder, receives_assignment, review_request_open, reviewing_unit,
};
use crate::cases::log::{guard_informant, may_change_accused};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::tree::unit_tree;

/// What the case page offers `actor` now: the actions, in the catalogue's order, and the
/// choices of their pickers (read once for both).
#[derive(Debug, Clone)]
pub struct Offers {
    pub actions: Vec<CaseActionKind>,
    pub pickers: Pickers,
}

/// The actions `actor` may take on the case now, in the catalogue's order.
pub async fn offered_actions(state: &AppState, actor: &Actor, file: &CaseFile) -> AppResult<Vec<CaseActionKind>> {
    Ok(offers(state, actor, file).await?.actions)
}

/// The actions `actor` may take on the case now and the choices of their pickers.
pub async fn offers(state: &AppState, actor: &Actor, file: &CaseFile) -> AppResult<Offers> {
    use CaseActionKind as K;
    let role = actor.user.role;
    let in_holding_unit = actor.sees_unit(file.holding_unit_id);
    let rules = state.store.limit_rules_for(file.unit_id).await?.unwrap_or_default();
    let tree = unit_tree(state).await?;
    let today = limits::china_day(Utc::now());
    let receiver = receives_assignment(state, actor, file).await?;
    let accepting = accepts_as_holder(state, actor, file).await?;
    // An action whose picker has nothing to choose is not offered: it could only be refused.
    let p = pickers(state, actor, file).await?;
    let choice = |choices: &[Choice]| if choices.is_empty() { Err(Refusal::NotHoldingUnit) } else { Ok(()) };
    let window = limits::rating_window(&file.events, &rules, &*state.calendar().await, today);
    let review_open = review_request_open(file, today);
    let reviewer = reviewing_unit(state, &tree, file).await?;
    let code_of = |id: &i64| tree.get(*id).map(|u| u.code.clone());
    let above = tree.above_outside_reach(file.holding_unit_id, file.accused_unit_id).first().and_then(code_of);
    let report_to = tree.above_outside_reach(file.unit_id, file.accused_unit_id).first().and_then(code_of);
    let petitioner = &file.registration.petitioner;
    let reachable = petitioner.phone.is_some() || petitioner.address.is_some();
    let forwarded = file.registration.forwarded_from.as_ref().map(|f| f.unit.as_str());
    let s = String::new;
    let mut offered = Vec::new();
    for kind in CaseActionKind::ALL.iter().copied() {
        let probe: Result<EventData, Refusal> = match kind {
            K::SetAccused => may_change_accused(&tree, actor, file)
                .and_then(|()| lifecycle::set_accused(role, Accused { name: None, unit: None, user: None }, s())),
            K::Take => lifecycle::take(&file.state, role, actor.user.unit_id == file.holding_unit_id),
            K::Accept => lifecycle::accept(&file.state, role, accepting),
            K::Extend => lifecycle::extend(&file.state, &file.events, role, 1, s()),
            K::Answer => lifecycle::answer(&file.state, role, in_holding_unit, s()),
            K::Reject => lifecycle::reject(&file.state, role, in_holding_unit, s(), s()),
            K::RegisterOnly => lifecycle::register_only(&file.state, role, in_holding_unit, reachable, s()),
            K::Assign => choice(&p.units_in_scope)
                .and_then(|()| lifecycle::send(&file.state, role, in_holding_unit, "", false, None)),
            K::Transfer => {
                choice(&p.units_any).and_then(|()| lifecycle::send(&file.state, role, in_holding_unit, "", true, None))
            }
            K::Object => lifecycle::object(&file.state, receiver, s()),
            K::Escalate => lifecycle::escalate(&file.state, role, in_holding_unit, above.clone(), s()),
            K::Opinion => lifecycle::opinion(&file.state, in_holding_unit, (Outcome::Support, s(), s(), s())),
            K::Approve => {
                lifecycle::approve(&file.state, role, in_holding_unit, &actor.user.username, rules.approvals_required)
            }
            K::ReturnOpinion => lifecycle::return_opinion(&file.state, role, in_holding_unit, s()),
            K::Reply => lifecycle::reply(&file.state, in_holding_unit),
            K::Rate => lifecycle::rate(&file.state, window, Rating::Satisfied, Rating::Satisfied, None),
            K::ReviewRequest => lifecycle::review_request(&file.state, review_open, reviewer.clone(), s()),
            K::Close => lifecycle::close(&file.state, role, in_holding_unit),
            K::Hearing => lifecycle::hearing(&file.state, in_holding_unit, (today, today, Vec::new(), s(), s())),
            K::Instruct => lifecycle::instruct(&file.state, role, s()),
            K::Liaison => lifecycle::liaison(&file.state, role, s(), s()),
            K::ReturnVisit => lifecycle::return_visit(&file.state, role, (s(), s(), Rating::Satisfied, false)),
            K::AssignLeader => choice(&p.leaders).and_then(|()| lifecycle::assign_leader(&file.state, role, s(), true)),
            K::ReportBack => lifecycle::report_back(&file.state, role, forwarded, s()),
            K::Flag => lifecycle::flag(role, Flag::Repeat, Vec::new(), None, s()),
            K::ClearFlag => match file.state.flags.first() {
                Some(flag) => lifecycle::clear_flag(&file.state, role, *flag, s()),
                None => Err(Refusal::FlagNotSet),
            },
            K::Investigation => lifecycle::investigation(&file.state, in_holding_unit, s()),
            K::HandOff => choice(&p.staff_in_scope)
                .or_else(|_| choice(&p.units_in_scope))
                .and_then(|()| lifecycle::hand_off(role, None, None, s())),
            // 回避: one's own, or (for those who may order it) another's from the picker.
            K::Recuse => match p.recusable.first() {
                Some(first) => lifecycle::recuse(&file.state, role, &actor.user.username, first.value.clone(), s()),
                None => Err(Refusal::AlreadyRecused),
            },
            K::ReportUp => match report_to.clone() {
                Some(unit) => lifecycle::report_up(role, unit, s()),
                None => Err(Refusal::NoUnitAbove),
            },
        };
        // GEN-7: the guard the action meets when taken, on the probe: no handling by a holder within
        // the accused's reach, and no step (an objection, a report back) that hands the case to
        // someone within it.
        let Ok(data) = probe else { continue };
        match guard_informant(state, actor, &tree, file, &data).await {
            Ok(()) => offered.push(kind),
            Err(AppError::Refused(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Offers { actions: offered, pickers: p })
}

/// One choice of a picker: the value a form posts, and what a person reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// For a person: the codes of their unit and of the units above it, space-separated, so that a
    /// form narrows the people to those of the unit chosen beside them; empty otherwise.
    pub within: String,
}

/// The choices of the case page's pickers. Every route lists only units and people outside the
/// reach of the accused (GEN-7), so a picker never offers what the action would refuse for it.
#[derive(Debug, Clone, Default)]
pub struct Pickers {
    /// 交办, 移交: units under the actor's authority, other than the holder.
    pub units_in_scope: Vec<Choice>,
    /// 转办: any unit other than the holder.
    pub units_any: Vec<Choice>,
    /// 上交: the units above the holder, nearest first.
    pub units_above: Vec<Choice>,
    /// 上报: the units above the registering unit, nearest first.
    pub units_above_registering: Vec<Choice>,
    /// 交办 to a person, 移交: active staff under the actor's authority, by unit.
    pub staff_in_scope: Vec<Choice>,
    /// 包案领导: active leaders of the holding unit or above it.
    pub leaders: Vec<Choice>,
    /// 更正被反映对象: every unit, and every active staff member (whom a petitioner may accuse).
    pub accusable_units: Vec<Choice>,
    pub accusable_staff: Vec<Choice>,
    /// 回避: the actor themselves first (when they may declare it), then, for a leader, supervisor
    /// or administrator, the active staff of their units who may be ordered to: not yet standing
    /// aside, neither owning nor leading the case.
    pub recusable: Vec<Choice>,
    /// 政策法规库 (FED-9): the articles an opinion or an answer may cite, `policy:number`, labelled
    /// with their name and first words.
    pub articles: Vec<Choice>,
}

/// How staff are named in a picker: “王秀英(接访员)· 西山社区”.
pub fn staff_label(user: &User, unit_name: &str) -> String {
    format!("{} · {unit_name}", crate::accounts::name_and_title(user))
}

/// How units are named in a picker: “西镇民政办(XZ-MZ)”, so that departments of the same name in
/// different towns are told apart.
fn unit_label(unit: &huiyin_store::Unit) -> String {
    format!("{}（{}）", unit.name, unit.code)
}

/// The pickers' choices for `actor` on the case.
pub async fn pickers(state: &AppState, actor: &Actor, file: &CaseFile) -> AppResult<Pickers> {
    let tree = unit_tree(state).await?;
    let units = state.store.units().await?;
    let users = state.store.users().await?;
    let accused = file.accused_unit_id;
    let person = huiyin_core::event::current_accused(&file.registration, &file.events).and_then(|a| a.user);
    let out_of_reach = |unit: i64| accused.is_none_or(|a| !tree.within_reach(unit, a));
    let unit_choice = |id: i64| {
        units.iter().find(|u| u.id == id).map(|u| Choice {
            value: u.code.clone(),
            label: unit_label(u),
            ..Default::default()
        })
    };
    let code_of = |id: i64| tree.get(id).map(|u| u.code.as_str()).unwrap_or_default();
    let unit_name = |id: i64| units.iter().find(|u| u.id == id).map(|u| u.name.as_str()).unwrap_or_default();
    let open = |id: i64| units.iter().any(|u| u.id == id && u.closed_at.is_none());
    let routable = |id: i64| id != file.holding_unit_id && out_of_reach(id) && open(id);
    let staff: Vec<&User> = users.iter().filter(|u| u.active && !is_system_account(&u.username)).collect();
    let recused = |u: &User| file.state.recused.iter().any(|r| r.eq_ignore_ascii_case(&u.username));
    // Who may take the case in person: not the accused, nobody blind to it, nobody standing aside.
    let may_hold = |u: &User| {
        person.as_deref().is_none_or(|p| !p.eq_ignore_ascii_case(&u.username))
            && !recused(u)
            && accused.is_none_or(|a| !tree.blind_to(u.unit_id).contains(&a))
            && out_of_reach(u.unit_id)
    };
    // FED-17 (属地管理): the unit the place belongs to, as the receiver picked it or as a territory
    // holds the place written, is proposed first for a transfer.
    let territorial = match file.registration.place_unit.as_ref() {
        Some(code) => units.iter().find(|u| u.code == code.as_str()).cloned(),
        None => {
            let place = huiyin_core::territory::Location { text: file.registration.place.clone(), point: None };
            crate::territories::route(state, &place, |_| true, accused).await?
        }
    };
    let person_choice = |u: &User| Choice {
        value: u.username.clone(),
        label: staff_label(u, unit_name(u.unit_id)),
        within: tree.chain(u.unit_id).into_iter().map(code_of).collect::<Vec<_>>().join(" "),
    };
    let mut staff_in_scope: Vec<&User> =
        staff.iter().copied().filter(|u| actor.sees_unit(u.unit_id) && may_hold(u)).collect();
    staff_in_scope.sort_by_key(|u| (u.unit_id, u.role != Role::Leader, u.id));
    let holder_chain = tree.chain(file.holding_unit_id);
    let holds = |u: &User| {
        (file.state.owner.eq_ignore_ascii_case(&u.username) && !file.state.owner_pending)
            || file.state.owner_leader.as_ref().is_some_and(|l| l.eq_ignore_ascii_case(&u.username))
    };
    let orders_recusal = matches!(actor.user.role, Role::Leader | Role::Supervisor | Role::Admin);
    let mut recusable: Vec<Choice> = Vec::new();
    if !recused(&actor.user) && !holds(&actor.user) {
        recusable.push(Choice {
            value: actor.user.username.clone(),
            label: format!("本人申请回避({})", actor.user.display_name),
            ..Default::default()
        });
    }
    recusable.extend(
        staff
            .iter()
            .filter(|u| {
                orders_recusal && actor.sees_unit(u.unit_id) && u.id != actor.user.id && !recused(u) && !holds(u)
            })
            .map(|u| person_choice(u)),
    );
    Ok(Pickers {
        units_in_scope: units
            .iter()
            .filter(|u| actor.sees_unit(u.id) && routable(u.id))
            .filter_map(|u| unit_choice(u.id))
            .collect(),
        units_any: territorial_first(
            units.iter().filter(|u| routable(u.id)).filter_map(|u| unit_choice(u.id)).collect(),
            territorial.as_ref().filter(|u| routable(u.id)),
        ),
        units_above: tree
            .above_outside_reach(file.holding_unit_id, accused)
            .into_iter()
            .filter_map(unit_choice)
            .collect(),
        units_above_registering: tree
            .above_outside_reach(file.unit_id, accused)
            .into_iter()
            .filter_map(unit_choice)
            .collect(),
        staff_in_scope: staff_in_scope.into_iter().map(person_choice).collect(),
        leaders: staff
            .iter()
            .filter(|u| u.role == Role::Leader && holder_chain.contains(&u.unit_id) && may_hold(u))
            .map(|u| person_choice(u))
            .collect(),
        accusable_units: units.iter().filter_map(|u| unit_choice(u.id)).collect(),
        accusable_staff: staff.iter().map(|u| person_choice(u)).collect(),
        recusable,
        articles: crate::policies::article_choices(state)
            .await?
            .into_iter()
            .map(|(value, label, first)| Choice { value, label: format!("{label} {first}"), ..Default::default() })
            .collect(),
    })
}

/// The transfer picker with the territorial unit, when there is one to offer, first and marked.
fn territorial_first(mut choices: Vec<Choice>, territorial: Option<&huiyin_store::Unit>) -> Vec<Choice> {
    if let Some(unit) = territorial
        && let Some(at) = choices.iter().position(|c| c.value == unit.code)
    {
        let mut first = choices.remove(at);
        first.label = format!("{}（属地）", first.label);
        choices.insert(0, first);
    }
    choices
}
