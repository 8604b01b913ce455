//! Which action may be taken on a case, by whom, in which state: the guards of the case's life.
//! An action that passes becomes the event to append; one that does not is refused with a reason
//! and changes nothing. The actions' fields as typed are in `drafts`, the refusals in `refusal`.

mod drafts;
mod refusal;

pub use drafts::*;
pub use refusal::Refusal;

use crate::case::Flag;
use crate::event::{CaseState, Event, EventData, Status};
use crate::user::Role;

/// The statuses an action may be taken in.
fn allowed_in(action: &'static str, state: &CaseState, statuses: &[Status]) -> Result<(), Refusal> {
    if statuses.contains(&state.status) { Ok(()) } else { Err(Refusal::WrongState { action, status: state.status }) }
}

fn staff_may(action: &'static str, role: Role) -> Result<(), Refusal> {
    if role.can_register() { Ok(()) } else { Err(Refusal::Role { action, role }) }
}

/// A registered case is sorted by the unit that holds it (or one above it): once escalated, the
/// unit below no longer accepts, answers, rejects or routes it.
fn held(in_holding_unit: bool) -> Result<(), Refusal> {
    if in_holding_unit { Ok(()) } else { Err(Refusal::NotHoldingUnit) }
}

/// 当场答复 (FED-15): help, law or policy answered on the spot; the case closes.
pub fn answer(state: &CaseState, role: Role, in_holding_unit: bool, answer: String) -> Result<EventData, Refusal> {
    staff_may("answer", role)?;
    allowed_in("answer", state, &[Status::Registered])?;
    held(in_holding_unit)?;
    received_here(state)?;
    Ok(EventData::Answered { answer, cited: Vec::new() })
}

/// 不予受理 (GEN-3, TWN-3, SCH-6): with the reason and the proper channel.
pub fn reject(
    state: &CaseState,
    role: Role,
    in_holding_unit: bool,
    reason: String,
    channel: String,
) -> Result<EventData, Refusal> {
    staff_may("reject", role)?;
    allowed_in("reject", state, &[Status::Registered])?;
    held(in_holding_unit)?;
    Ok(EventData::Rejected { reason, channel })
}

/// 作登记处理 (FED-20): only when the writer cannot be reached (no phone, no address).
pub fn register_only(
    state: &CaseState,
    role: Role,
    in_holding_unit: bool,
    contact_known: bool,
    reason: String,
) -> Result<EventData, Refusal> {
    staff_may("register-only", role)?;
    allowed_in("register-only", state, &[Status::Registered])?;
    held(in_holding_unit)?;
    if contact_known {
        return Err(Refusal::ContactKnown);
    }
    Ok(EventData::RegisteredOnly { reason })
}

/// 交办 (FED-16) or 转办 (FED-17) to `unit`; never into the accused unit's reach, which
/// `informant::guard` judges for this and every other route (GEN-7).
pub fn send(
    state: &CaseState,
    role: Role,
    in_holding_unit: bool,
    unit: &str,
    transfer: bool,
    owner: Option<String>,
) -> Result<EventData, Refusal> {
    let action = if transfer { "transfer" } else { "assign" };
    staff_may(action, role)?;
    allowed_in(action, state, &[Status::Registered])?;
    held(in_holding_unit)?;
    if !transfer {
        received_here(state)?;
    }
    Ok(if transfer {
        EventData::Transferred { unit: unit.to_owned() }
    } else {
        EventData::Assigned { unit: unit.to_owned(), owner }
    })
}

/// 异议 (GEN-3 ¶3): the receiving unit returns an assignment that is not its own.
pub fn object(state: &CaseState, in_holding_unit: bool, reason: String) -> Result<EventData, Refusal> {
    allowed_in("object", state, &[Status::Assigned])?;
    if !in_holding_unit {
        return Err(Refusal::NotHoldingUnit);
    }
    let back_to = state.sent_from.clone().ok_or(Refusal::WrongState { action: "object", status: state.status })?;
    Ok(EventData::Objected { reason, back_to })
}

/// 上交 (FED-7, TWN-4): to the level above.
pub fn escalate(
    state: &CaseState,
    role: Role,
    in_holding_unit: bool,
    unit_above: Option<String>,
    reason: String,
) -> Result<EventData, Refusal> {
    staff_may("escalate", role)?;
    allowed_in("escalate", state, &[Status::Registered])?;
    held(in_holding_unit)?;
    let unit = unit_above.ok_or(Refusal::NoUnitAbove)?;
    Ok(EventData::Escalated { unit, reason, owner_released: true })
}

/// 拟定处理意见: by the unit holding an accepted case; a new draft replaces the old and its approvals.
pub fn opinion(
    state: &CaseState,
    in_holding_unit: bool,
    parsed: (crate::event::Outcome, String, String, String),
) -> Result<EventData, Refusal> {
    allowed_in("opinion", state, &[Status::Accepted, Status::AwaitingApproval])?;
    if !in_holding_unit {
        return Err(Refusal::NotHoldingUnit);
    }
    let (outcome, facts, basis, text) = parsed;
    Ok(EventData::OpinionDrafted { outcome, facts, basis, text, cited: Vec::new() })
}

/// 审批 (TWN-11): each leader of the holding unit (or above it) once; the last needed approval
/// completes it.
pub fn approve(
    state: &CaseState,
    role: Role,
    in_holding_unit: bool,
    username: &str,
    required: u8,
) -> Result<EventData, Refusal> {
    if role != Role::Leader {
        return Err(Refusal::Role { action: "approve", role });
    }
    allowed_in("approve", state, &[Status::AwaitingApproval])?;
    if !in_holding_unit {
        return Err(Refusal::NotHoldingUnit);
    }
    if state.approvals.iter().any(|a| a == username) {
        return Err(Refusal::AlreadyApproved);
    }
    Ok(EventData::Approved { complete: state.approvals.len() + 1 >= usize::from(required) })
}

/// 领取 (FED-1): a staff member who receives petitions, of the holding unit itself (a unit above
/// does not take its units' petitions from them), takes an online petition nobody has taken yet
/// from the unit's queue and becomes its first receiver.
pub fn take(state: &CaseState, role: Role, of_holding_unit: bool) -> Result<EventData, Refusal> {
    if !role.takes_petitions_in() {
        return Err(Refusal::Role { action: "take", role });
    }
    allowed_in("take", state, &[Status::Registered])?;
    if !of_holding_unit {
        return Err(Refusal::NotHoldingUnit);
    }
    if state.owner != crate::user::ONLINE_INTAKE_USERNAME {
        return Err(Refusal::AlreadyTaken);
    }
    Ok(EventData::Taken {})
}

/// 退回修改: a leader of the holding unit (or above it) returns the draft awaiting approval with a
/// comment; the approvals given lapse and the drafter writes it again.
pub fn return_opinion(
    state: &CaseState,
    role: Role,
    in_holding_unit: bool,
    comment: String,
) -> Result<EventData, Refusal> {
    if role != Role::Leader {
        return Err(Refusal::Role { action: "return-opinion", role });
    }
    allowed_in("return-opinion", state, &[Status::AwaitingApproval])?;
    if !in_holding_unit {
        return Err(Refusal::NotHoldingUnit);
    }
    Ok(EventData::OpinionReturned { comment })
}

/// 答复: the approved opinion goes to the petitioner.
pub fn reply(state: &CaseState, in_holding_unit: bool) -> Result<EventData, Refusal> {
    allowed_in("reply", state, &[Status::Approved])?;
    if !in_holding_unit {
        return Err(Refusal::NotHoldingUnit);
    }
    Ok(EventData::Replied {})
}

/// 评价 (GEN-9): once per reply, within the rating window after it; by the petitioner on the
/// public side, or recorded by staff.
pub fn rate(
    state: &CaseState,
    window: crate::limits::RatingWindow,
    office: crate::event::Rating,
    unit: crate::event::Rating,
    reason: Option<String>,
) -> Result<EventData, Refusal> {
    use crate::limits::RatingWindow;
    allowed_in("rate", state, &[Status::Replied, Status::Closed, Status::Final])?;
    match window {
        RatingWindow::Open { .. } => Ok(EventData::Rated { office, unit, reason }),
        RatingWindow::Lapsed => Err(Refusal::RatingLapsed),
        RatingWindow::Rated => Err(Refusal::AlreadyRated),
        RatingWindow::NotReplied => Err(Refusal::WrongState { action: "rate", status: state.status }),
    }
}

/// 申请复查 / 复核 (GEN-5): within the petitioner's limit, to the level above; none after re-review.
pub fn review_request(
    state: &CaseState,
    request_open: bool,
    unit_above: Option<String>,
    reason: String,
) -> Result<EventData, Refusal> {
    allowed_in("review-request", state, &[Status::Replied, Status::Final])?;
    if state.status == Status::Final || !request_open {
        return Err(Refusal::RequestLapsed);
    }
    let to_unit = unit_above.ok_or(Refusal::NoUnitAbove)?;
    Ok(EventData::ReviewRequested { reason, to_unit })
}

/// 办结: closed after the reply, by the unit that holds the case (or one above it).
pub fn close(state: &CaseState, role: Role, in_holding_unit: bool) -> Result<EventData, Refusal> {
    staff_may("close", role)?;
    allowed_in("close", state, &[Status::Replied])?;
    held(in_holding_unit)?;
    Ok(EventData::Closed {})
}

/// 听证 (TWN-12): held while the case is being handled, reviewed or re-reviewed, by its holder.
pub fn hearing(state: &CaseState, in_holding_unit: bool, parsed: Hearing) -> Result<EventData, Refusal> {
    allowed_in("hearing", state, &[Status::Accepted])?;
    if !in_holding_unit {
        return Err(Refusal::NotHoldingUnit);
    }
    let (from, to, participants, opinions, conclusion) = parsed;
    Ok(EventData::HearingHeld { from, to, participants, opinions, conclusion })
}

/// 批示 (SCH-7): a leader's instruction, on any case not yet ended.
pub fn instruct(state: &CaseState, role: Role, text: String) -> Result<EventData, Refusal> {
    if role != Role::Leader {
        return Err(Refusal::Role { action: "instruct", role });
    }
    if matches!(state.status, Status::Final | Status::Closed | Status::NotAccepted | Status::RegisteredOnly) {
        return Err(Refusal::WrongState { action: "instruct", status: state.status });
    }
    Ok(EventData::Instructed { text })
}

/// 联系公检法司 (FED-19): recorded by staff on a case not yet ended.
pub fn liaison(state: &CaseState, role: Role, agency: String, summary: String) -> Result<EventData, Refusal> {
    staff_may("liaison", role)?;
    if matches!(state.status, Status::Final | Status::Closed | Status::NotAccepted | Status::RegisteredOnly) {
        return Err(Refusal::WrongState { action: "liaison", status: state.status });
    }
    Ok(EventData::LiaisonRecorded { agency, summary })
}

/// 回访 (CDR-3): after the reply, by staff.
pub fn return_visit(
    state: &CaseState,
    role: Role,
    parsed: (String, String, crate::event::Rating, bool),
) -> Result<EventData, Refusal> {
    staff_may("return-visit", role)?;
    allowed_in("return-visit", state, &[Status::Replied, Status::Closed])?;
    let (method, outcome, rating, reopened) = parsed;
    Ok(EventData::ReturnVisited { method, outcome, rating, reopened })
}

/// 包案领导 (TWN-5): named by a leader, supervisor or administrator; `is_leader_in_scope` says the
/// named user is a leader who can see the case.
pub fn assign_leader(
    state: &CaseState,
    role: Role,
    leader: String,
    is_leader_in_scope: bool,
) -> Result<EventData, Refusal> {
    if !matches!(role, Role::Leader | Role::Supervisor | Role::Admin) {
        return Err(Refusal::Role { action: "assign-leader", role });
    }
    if matches!(state.status, Status::Final | Status::Closed | Status::NotAccepted | Status::RegisteredOnly) {
        return Err(Refusal::WrongState { action: "assign-leader", status: state.status });
    }
    if !is_leader_in_scope {
        return Err(Refusal::NotHoldingUnit);
    }
    Ok(EventData::LeaderAssigned { leader })
}

/// 回避 (GEN-7, 《信访工作条例》 Art 28 ¶3): `user` stands aside from the case, by their own
/// declaration of a direct interest or by the order of a leader, supervisor or administrator. Once
/// only; and not while they own or lead the case: it is handed to someone else first, so that it
/// never sits in hands that can no longer see it. In any state: the personal data of an ended case
/// is as much theirs to stay away from.
pub fn recuse(state: &CaseState, role: Role, actor: &str, user: String, reason: String) -> Result<EventData, Refusal> {
    let ordered = !user.eq_ignore_ascii_case(actor);
    if ordered && !matches!(role, Role::Leader | Role::Supervisor | Role::Admin) {
        return Err(Refusal::Role { action: "recuse", role });
    }
    if state.recused.iter().any(|r| r.eq_ignore_ascii_case(&user)) {
        return Err(Refusal::AlreadyRecused);
    }
    // An owner who sent the case on and waits for whoever accepts it there holds it no more.
    let holds = (state.owner.eq_ignore_ascii_case(&user) && !state.owner_pending)
        || state.owner_leader.as_ref().is_some_and(|l| l.eq_ignore_ascii_case(&user));
    if holds {
        return Err(Refusal::RecusedHolds { own: !ordered });
    }
    Ok(EventData::Recused { user, reason, ordered })
}

/// 调查笔录 (FED-13): recorded by the unit holding an accepted case.
pub fn investigation(state: &CaseState, in_holding_unit: bool, text: String) -> Result<EventData, Refusal> {
    allowed_in("investigation", state, &[Status::Accepted, Status::AwaitingApproval])?;
    if !in_holding_unit {
        return Err(Refusal::NotHoldingUnit);
    }
    Ok(EventData::InvestigationNoted { text })
}

/// 反馈 (FED-18): once the case has its result (replied, closed or final), to the unit that
/// forwarded it.
pub fn report_back(
    state: &CaseState,
    role: Role,
    forwarded_from: Option<&str>,
    summary: String,
) -> Result<EventData, Refusal> {
    staff_may("report-back", role)?;
    allowed_in("report-back", state, &[Status::Replied, Status::Closed, Status::Final])?;
    let to_unit = forwarded_from.ok_or(Refusal::NotForwarded)?.to_owned();
    Ok(EventData::ReportedBack { to_unit, summary })
}

/// 受理: a registered case is accepted by the unit that holds it, or an assigned one by the
/// receiving unit (officers, leaders, supervisors, administrators).
pub fn accept(state: &CaseState, role: Role, in_holding_unit: bool) -> Result<EventData, Refusal> {
    staff_may("accept", role)?;
    allowed_in("accept", state, &[Status::Registered, Status::Assigned])?;
    held(in_holding_unit)?;
    if state.flags.contains(&Flag::FinalMatter) {
        return Err(Refusal::FinalMatterUndecided);
    }
    received_here(state)?;
    Ok(EventData::Accepted {})
}

/// SCH-1: a petitioner the unit does not receive is guided elsewhere (不予受理 with the 引导告知,
/// or a transfer), never accepted, answered or assigned here, until the flag is cleared with the
/// reason (the relation checked).
fn received_here(state: &CaseState) -> Result<(), Refusal> {
    if state.outside_scope(Flag::OutsidePetitioners) {
        return Err(Refusal::OutsidePetitioners);
    }
    Ok(())
}

/// 研判提示 set by staff (FED-11, FED-6, TWN-14): a repeat, a final matter, a skipped level, or a
/// link with other people's cases as one collective matter; with the related cases and the reason.
pub fn flag(
    role: Role,
    flag: Flag,
    related: Vec<String>,
    against_unit: Option<String>,
    reason: String,
) -> Result<EventData, Refusal> {
    staff_may("flag", role)?;
    Ok(EventData::Flagged { flag, related, against_unit, reason })
}

/// Takes a flag off with the reason: a wrong flag, or for 不再受理 the receiver's decision that the
/// petition brings new facts and reasons (GEN-5).
pub fn clear_flag(state: &CaseState, role: Role, flag: Flag, reason: String) -> Result<EventData, Refusal> {
    staff_may("clear-flag", role)?;
    if !state.flags.contains(&flag) {
        return Err(Refusal::FlagNotSet);
    }
    Ok(EventData::FlagCleared { flag, reason })
}

/// 更正被反映对象 (GEN-7): staff who may register set or correct who the case accuses; the
/// informant guard then judges the new accused against the holder, the owner and the actor.
pub fn set_accused(role: Role, accused: crate::case::Accused, reason: String) -> Result<EventData, Refusal> {
    staff_may("set-accused", role)?;
    let crate::case::Accused { name, unit, user } = accused;
    Ok(EventData::AccusedSet { name, unit: unit.map(|u| u.as_str().to_owned()), user, reason })
}

/// 移交 (FED-1): staff who may register hand the case to a person or a unit; that they are in the
/// caller's scope is the caller's check.
pub fn hand_off(
    role: Role,
    to_user: Option<String>,
    to_unit: Option<String>,
    reason: String,
) -> Result<EventData, Refusal> {
    staff_may("hand-off", role)?;
    Ok(EventData::HandedOff { to_user, to_unit, reason })
}

/// 上报 (FED-5): staff who may register report a major case to a unit above the registering one
/// (the caller finds it).
pub fn report_up(role: Role, to_unit: String, summary: String) -> Result<EventData, Refusal> {
    staff_may("report-up", role)?;
    Ok(EventData::ReportedUp { to_unit, summary })
}

/// 延期 (GEN-4): once, by a leader (the unit's head), while the case is being handled.
pub fn extend(
    state: &CaseState,
    events: &[Event],
    role: Role,
    days: u32,
    reason: String,
) -> Result<EventData, Refusal> {
    if role != Role::Leader {
        return Err(Refusal::Role { action: "extend", role });
    }
    if state.status != Status::Accepted {
        return Err(Refusal::WrongState { action: "extend", status: state.status });
    }
    if events.iter().any(|e| matches!(e.data, EventData::Extended { .. })) {
        return Err(Refusal::AlreadyExtended);
    }
    Ok(EventData::Extended { days, reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::limits::LimitRules;
    use std::collections::BTreeSet;

    fn state(status: Status) -> CaseState {
        CaseState {
            status,
            case_number: "XS-2026-000001".into(),
            first_receiver: "a".into(),
            owner: "a".into(),
            holding_unit: "XS".into(),
            registering_unit: "XS".into(),
            flags: BTreeSet::new(),
            reported_to: Vec::new(),
            stage: Default::default(),
            sent_from: Some("XZ".into()),
            approvals: Vec::new(),
            owner_pending: false,
            sent_by: None,
            owner_leader: None,
            recused: Vec::new(),
        }
    }

    #[test]
    fn gen_7_recusal_is_declared_or_ordered_once_and_never_by_the_holder() {
        let mut s = state(Status::AwaitingApproval);
        s.owner_leader = Some("lead".into());
        s.approvals = vec!["b".into(), "c".into()];
        let why = || "亲属".to_owned();
        assert_eq!(
            recuse(&s, Role::Handler, "b", "b".into(), why()),
            Ok(EventData::Recused { user: "b".into(), reason: why(), ordered: false })
        );
        assert_eq!(recuse(&s, Role::Officer, "x", "b".into(), why()).unwrap_err().code(), "forbidden");
        for role in [Role::Leader, Role::Supervisor, Role::Admin] {
            assert!(
                recuse(&s, role, "x", "B".into(), why())
                    .is_ok_and(|e| matches!(e, EventData::Recused { ordered: true, .. }))
            );
        }
        assert_eq!(recuse(&s, Role::Officer, "a", "a".into(), why()), Err(Refusal::RecusedHolds { own: true }));
        assert_eq!(recuse(&s, Role::Leader, "x", "lead".into(), why()), Err(Refusal::RecusedHolds { own: false }));
        // Applied: an approval of the one who stands aside no longer counts; once only.
        let event = Event {
            seq: 9,
            occurred_at: chrono::Utc::now(),
            recorded_at: chrono::Utc::now(),
            actor: "x".into(),
            note: None,
            data: EventData::Recused { user: "B".into(), reason: why(), ordered: true },
        };
        s.status = Status::Approved;
        s.apply(&event);
        assert_eq!(
            (s.approvals.clone(), s.status, s.recused.clone()),
            (vec!["c".to_owned()], Status::AwaitingApproval, vec!["B".to_owned()])
        );
        assert_eq!(recuse(&s, Role::Handler, "b", "b".into(), why()).unwrap_err().code(), "already_recused");
    }

    #[test]
    fn gen_3_accept_only_a_registered_case_and_not_as_handler() {
        assert_eq!(accept(&state(Status::Registered), Role::Officer, true), Ok(EventData::Accepted {}));
        assert_eq!(accept(&state(Status::Registered), Role::Handler, true).unwrap_err().code(), "forbidden");
        assert_eq!(accept(&state(Status::Accepted), Role::Officer, true).unwrap_err().code(), "wrong_state");
        assert_eq!(accept(&state(Status::Assigned), Role::Officer, false).unwrap_err().code(), "not_holding_unit");
    }

    #[test]
    fn fed_1_an_online_petition_is_taken_once_by_a_receiver_of_its_unit() {
        let mut online = state(Status::Registered);
        online.first_receiver = crate::user::ONLINE_INTAKE_USERNAME.into();
        online.owner = crate::user::ONLINE_INTAKE_USERNAME.into();
        assert_eq!(take(&online, Role::Officer, true), Ok(EventData::Taken {}));
        assert_eq!(take(&online, Role::Handler, true).unwrap_err().code(), "forbidden");
        assert_eq!(take(&online, Role::Officer, false).unwrap_err().code(), "not_holding_unit");
        assert_eq!(take(&state(Status::Registered), Role::Officer, true).unwrap_err().code(), "already_taken");
        let event = Event {
            seq: 2,
            occurred_at: chrono::Utc::now(),
            recorded_at: chrono::Utc::now(),
            actor: "wang".into(),
            note: None,
            data: EventData::Taken {},
        };
        online.apply(&event);
        assert_eq!((online.first_receiver.as_str(), online.owner.as_str()), ("wang", "wang"));
        assert_eq!(take(&online, Role::Officer, true).unwrap_err().code(), "already_taken");
        // Accepted at once, without 领取: the one who accepts takes it all the same.
        let mut untaken = state(Status::Registered);
        untaken.first_receiver = crate::user::ONLINE_INTAKE_USERNAME.into();
        untaken.owner = crate::user::ONLINE_INTAKE_USERNAME.into();
        let at = |actor: &str, data| Event {
            seq: 2,
            occurred_at: chrono::Utc::now(),
            recorded_at: chrono::Utc::now(),
            actor: actor.into(),
            note: None,
            data,
        };
        let mut instructed = untaken.clone();
        instructed.apply(&at("lead", EventData::Instructed { text: "请尽快办理".into() }));
        assert_eq!(instructed.owner, crate::user::ONLINE_INTAKE_USERNAME, "an instruction takes nothing");
        untaken.apply(&at("li", EventData::Accepted {}));
        assert_eq!((untaken.first_receiver.as_str(), untaken.owner.as_str()), ("li", "li"));
    }

    #[test]
    fn twn_11_a_leader_returns_the_draft_and_the_approvals_lapse() {
        let mut waiting = state(Status::AwaitingApproval);
        waiting.approvals = vec!["lead1".into()];
        let returned = return_opinion(&waiting, Role::Leader, true, "补充依据".into());
        assert_eq!(returned, Ok(EventData::OpinionReturned { comment: "补充依据".into() }));
        assert_eq!(return_opinion(&waiting, Role::Officer, true, "x".into()).unwrap_err().code(), "forbidden");
        assert_eq!(return_opinion(&waiting, Role::Leader, false, "x".into()).unwrap_err().code(), "not_holding_unit");
        let accepted = state(Status::Accepted);
        assert_eq!(return_opinion(&accepted, Role::Leader, true, "x".into()).unwrap_err().code(), "wrong_state");
        let event = Event {
            seq: 9,
            occurred_at: chrono::Utc::now(),
            recorded_at: chrono::Utc::now(),
            actor: "lead2".into(),
            note: None,
            data: EventData::OpinionReturned { comment: "补充依据".into() },
        };
        waiting.apply(&event);
        assert_eq!((waiting.status, waiting.approvals.len()), (Status::Accepted, 0));
    }

    #[test]
    fn fed_7_an_escalated_case_is_sorted_by_the_unit_above_alone() {
        // The unit below, which no longer holds the registered case, neither takes nor routes it.
        let s = state(Status::Registered);
        let o = Role::Officer;
        let refusals = [
            accept(&s, o, false),
            answer(&s, o, false, "答".into()),
            reject(&s, o, false, "理由".into(), "法院".into()),
            register_only(&s, o, false, false, "理由".into()),
            send(&s, o, false, "DZ", false, None),
            send(&s, o, false, "DZ", true, None),
            escalate(&s, o, false, Some("QX".into()), "理由".into()),
        ];
        for r in refusals {
            assert_eq!(r.unwrap_err().code(), "not_holding_unit");
        }
        assert!(answer(&s, o, true, "答".into()).is_ok(), "the holder may");
    }

    #[test]
    fn gen_4_extension_once_by_a_leader_within_the_maximum() {
        let rules = LimitRules::national();
        let draft =
            |days| ExtendDraft { days: Some(days), reason: Some("需要现场勘验".into()), ..Default::default() };
        assert_eq!(parse_extension(&draft(30), &rules).unwrap().0, 30);
        assert_eq!(parse_extension(&draft(31), &rules).unwrap_err().first().code(), "out_of_range");
        assert_eq!(parse_extension(&draft(0), &rules).unwrap_err().first().code(), "out_of_range");
        assert_eq!(parse_extension(&ExtendDraft::default(), &rules).unwrap_err().iter().count(), 2);
        let s = state(Status::Accepted);
        assert!(extend(&s, &[], Role::Leader, 30, "r".into()).is_ok());
        assert_eq!(extend(&s, &[], Role::Officer, 30, "r".into()).unwrap_err().code(), "forbidden");
        assert_eq!(
            extend(&state(Status::Registered), &[], Role::Leader, 30, "r".into()).unwrap_err().code(),
            "wrong_state"
        );
        let earlier = Event {
            seq: 3,
            occurred_at: chrono::Utc::now(),
            recorded_at: chrono::Utc::now(),
            actor: "l".into(),
            note: None,
            data: EventData::Extended { days: 10, reason: "r".into() },
        };
        assert_eq!(extend(&s, &[earlier], Role::Leader, 5, "r".into()).unwrap_err(), Refusal::AlreadyExtended);
        assert!(Refusal::AlreadyExtended.message(Lang::Zh).contains("一次"));
    }
}
