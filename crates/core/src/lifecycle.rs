//! Which action may be taken on a case, by whom, in which state: the guards of the case's life.
//! An action that passes becomes the event to append; one that does not is refused with a reason
//! and changes nothing. (This module grows with the lifecycle: sorting, handling, review.)

use serde::Deserialize;

use crate::case::Flag;
use crate::event::{CaseState, Event, EventData, Status};
use crate::limits::LimitRules;
use crate::text::{self, limits};
use crate::user::Role;
use crate::{FieldError, Invalid, Lang, ValidationErrors};

/// Why an action was refused though its fields were well formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("wrong state")]
    WrongState { action: &'static str, status: Status },
    #[error("wrong role")]
    Role { action: &'static str, role: Role },
    #[error("already extended")]
    AlreadyExtended,
    /// GEN-7: a case is never sent to the unit it accuses, a unit below it or anyone of them.
    #[error("accused unit")]
    AccusedUnit,
    /// GEN-7: a unit within the accused's reach (below the accused unit) routes the case out
    /// instead of handling it.
    #[error("holder within the accused unit's reach")]
    HolderWithinAccusedReach,
    /// GEN-7: a case that accuses the registering unit (or the unit a department belongs to) is
    /// registered by the level above it, named here when there is one.
    #[error("registered at the accused unit")]
    RegisteredAtAccused { refer_to: Option<String> },
    /// GEN-7: the staff member a case accuses never registers, holds, leads or acts on it.
    #[error("accused person")]
    AccusedPerson,
    /// Only the receiving unit objects, accepts an assignment, or handles a case it holds.
    #[error("not the holding unit")]
    NotHoldingUnit,
    /// FED-20: only a letter whose writer cannot be reached is registered only.
    #[error("contact known")]
    ContactKnown,
    #[error("already approved")]
    AlreadyApproved,
    /// GEN-5: the time to ask for a review has lapsed, or the case is final.
    #[error("request lapsed")]
    RequestLapsed,
    /// The unit has no unit above it to send the case to.
    #[error("no unit above")]
    NoUnitAbove,
    /// FED-18: only a case forwarded from above is reported back.
    #[error("not forwarded")]
    NotForwarded,
    /// GEN-5: the case repeats a final matter; the receiver decides before accepting it.
    #[error("final matter undecided")]
    FinalMatterUndecided,
    /// Only a flag the case has can be cleared.
    #[error("flag not set")]
    FlagNotSet,
    /// GEN-9: the time to rate after the reply has lapsed.
    #[error("rating lapsed")]
    RatingLapsed,
    /// GEN-9: the reply was rated already (one rating per reply).
    #[error("already rated")]
    AlreadyRated,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::WrongState { .. } => "wrong_state",
            Refusal::Role { .. } => "forbidden",
            Refusal::AlreadyExtended => "already_extended",
            Refusal::AccusedUnit
            | Refusal::HolderWithinAccusedReach
            | Refusal::RegisteredAtAccused { .. }
            | Refusal::AccusedPerson => "accused_unit",
            Refusal::NotHoldingUnit => "not_holding_unit",
            Refusal::ContactKnown => "contact_known",
            Refusal::AlreadyApproved => "already_approved",
            Refusal::RequestLapsed => "request_lapsed",
            Refusal::NoUnitAbove => "no_unit_above",
            Refusal::NotForwarded => "not_forwarded",
            Refusal::FinalMatterUndecided => "final_matter_undecided",
            Refusal::FlagNotSet => "flag_not_set",
            Refusal::RatingLapsed => "rating_lapsed",
            Refusal::AlreadyRated => "already_rated",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Refusal::WrongState { action, status }, Lang::Zh) => {
                format!("信访件当前为“{}”,不能{}", status.label_zh(), action_label_zh(action))
            }
            (Refusal::WrongState { action, status }, Lang::En) => {
                format!("The case is {}; it cannot be {action}ed now", status.code())
            }
            (Refusal::Role { action, role }, Lang::Zh) => {
                format!("{}无权{}", role.label_zh(), action_label_zh(action))
            }
            (Refusal::Role { action, role }, Lang::En) => format!("A {} may not {action}", role.code()),
            (Refusal::AlreadyExtended, Lang::Zh) => "办理期限只能延长一次,本件已延期".into(),
            (Refusal::AlreadyExtended, Lang::En) => "The handling limit may be extended once only; it was".into(),
            (Refusal::AccusedUnit, Lang::Zh) => {
                "本件检举、控告了该单位,不得交由被检举单位、其下属单位或其工作人员办理,\
                 请选择被检举单位管辖范围以外的单位(《信访工作条例》第三十条)"
                    .into()
            }
            (Refusal::AccusedUnit, Lang::En) => {
                "The case accuses that unit; it may not go to it, to a unit below it or to anyone of them (GEN-7)"
                    .into()
            }
            (Refusal::HolderWithinAccusedReach, Lang::Zh) => "本件检举、控告了本单位的上级单位,本单位不得自行办理,\
                 请交办、转办或上交至被检举单位管辖范围以外的单位(《信访工作条例》第三十条)"
                .into(),
            (Refusal::RegisteredAtAccused { refer_to }, Lang::Zh) => format!(
                "本件检举、控告的正是登记单位(或其所属单位),依《信访工作条例》第三十条不得由其登记办理,请{}登记",
                refer_to.as_deref().map_or("由上级单位".to_owned(), |u| format!("引导信访人向{u}反映,或由{u}"))
            ),
            (Refusal::RegisteredAtAccused { refer_to }, Lang::En) => format!(
                "The case accuses the registering unit (or the unit it belongs to); it is registered by {} (GEN-7)",
                refer_to.as_deref().unwrap_or("the level above")
            ),
            (Refusal::AccusedPerson, Lang::Zh) => "本件检举、控告的正是该工作人员,依《信访工作条例》第三十条\
                 不得由其登记、经手、领办或办理,请交其他工作人员"
                .into(),
            (Refusal::AccusedPerson, Lang::En) => {
                "The case accuses that staff member; they may not register, hold, lead or handle it (GEN-7)".into()
            }
            (Refusal::HolderWithinAccusedReach, Lang::En) => {
                "The case accuses a unit above yours: route it to a unit outside the accused's reach (GEN-7)".into()
            }
            (Refusal::NotHoldingUnit, Lang::Zh) => "只有当前承办单位可以执行此操作".into(),
            (Refusal::NotHoldingUnit, Lang::En) => "Only the unit that holds the case may do this".into(),
            (Refusal::ContactKnown, Lang::Zh) => "信访人有联系电话或地址,应依法告知,不能仅作登记处理".into(),
            (Refusal::ContactKnown, Lang::En) => {
                "The petitioner can be reached; the case cannot be registered only".into()
            }
            (Refusal::AlreadyApproved, Lang::Zh) => "您已审批过该处理意见,需由另一位领导审批".into(),
            (Refusal::AlreadyApproved, Lang::En) => "You approved this opinion already; another leader must".into(),
            (Refusal::RequestLapsed, Lang::Zh) => {
                "申请期限已过或已复核终结,不再受理(《信访工作条例》第三十六条)".into()
            }
            (Refusal::RequestLapsed, Lang::En) => "The time to ask has lapsed or the case is final (GEN-5)".into(),
            (Refusal::NoUnitAbove, Lang::Zh) => "没有上级单位可以上交".into(),
            (Refusal::NoUnitAbove, Lang::En) => "There is no unit above to send the case to".into(),
            (Refusal::NotForwarded, Lang::Zh) => "本件不是上级批转的信访件,无需反馈".into(),
            (Refusal::NotForwarded, Lang::En) => "The case was not forwarded from above".into(),
            (Refusal::FinalMatterUndecided, Lang::Zh) => {
                "本件与已终结的信访事项相同,依《信访工作条例》第三十六条不再受理:请作不予受理,\
                 或写明新的事实和理由后撤销“不再受理提示”再受理"
                    .into()
            }
            (Refusal::FinalMatterUndecided, Lang::En) => {
                "The case repeats a final matter (GEN-5): refuse it, or clear the warning with the new facts first"
                    .into()
            }
            (Refusal::FlagNotSet, Lang::Zh) => "本件没有该项提示,无需撤销".into(),
            (Refusal::FlagNotSet, Lang::En) => "The case does not have that flag".into(),
            (Refusal::RatingLapsed, Lang::Zh) => "评价期限已过,不能再评价".into(),
            (Refusal::RatingLapsed, Lang::En) => "The time to rate the reply has lapsed".into(),
            (Refusal::AlreadyRated, Lang::Zh) => "本次答复已经评价过,不能重复评价".into(),
            (Refusal::AlreadyRated, Lang::En) => "This reply was rated already".into(),
        }
    }
}

fn action_label_zh(action: &str) -> &'static str {
    match action {
        "accept" => "受理",
        "extend" => "延长办理期限",
        "answer" => "当场答复",
        "reject" => "不予受理",
        "register-only" => "作登记处理",
        "assign" => "交办",
        "transfer" => "转办",
        "object" => "提出异议",
        "escalate" => "上交上级",
        "opinion" => "拟定处理意见",
        "approve" => "审批",
        "reply" => "答复",
        "rate" => "记录评价",
        "review-request" => "申请复查复核",
        "close" => "办结",
        "hearing" => "记录听证",
        "instruct" => "批示",
        "liaison" => "记录联系公检法司",
        "return-visit" => "回访",
        "assign-leader" => "确定包案领导",
        "report-back" => "向上级反馈",
        "investigation" => "记录调查笔录",
        "flag" => "添加研判提示",
        "clear-flag" => "撤销研判提示",
        _ => "执行此操作",
    }
}

/// The statuses an action may be taken in.
fn allowed_in(action: &'static str, state: &CaseState, statuses: &[Status]) -> Result<(), Refusal> {
    if statuses.contains(&state.status) { Ok(()) } else { Err(Refusal::WrongState { action, status: state.status }) }
}

fn staff_may(action: &'static str, role: Role) -> Result<(), Refusal> {
    if role.can_register() { Ok(()) } else { Err(Refusal::Role { action, role }) }
}

/// 当场答复 (FED-15): help, law or policy answered on the spot; the case closes.
pub fn answer(state: &CaseState, role: Role, answer: String) -> Result<EventData, Refusal> {
    staff_may("answer", role)?;
    allowed_in("answer", state, &[Status::Registered])?;
    Ok(EventData::Answered { answer })
}

/// 不予受理 (GEN-3, TWN-3, SCH-6): with the reason and the proper channel.
pub fn reject(state: &CaseState, role: Role, reason: String, channel: String) -> Result<EventData, Refusal> {
    staff_may("reject", role)?;
    allowed_in("reject", state, &[Status::Registered])?;
    Ok(EventData::Rejected { reason, channel })
}

/// 作登记处理 (FED-20): only when the writer cannot be reached (no phone, no address).
pub fn register_only(state: &CaseState, role: Role, contact_known: bool, reason: String) -> Result<EventData, Refusal> {
    staff_may("register-only", role)?;
    allowed_in("register-only", state, &[Status::Registered])?;
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
    unit: &str,
    transfer: bool,
    owner: Option<String>,
) -> Result<EventData, Refusal> {
    let action = if transfer { "transfer" } else { "assign" };
    staff_may(action, role)?;
    allowed_in(action, state, &[Status::Registered])?;
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
    unit_above: Option<String>,
    reason: String,
) -> Result<EventData, Refusal> {
    staff_may("escalate", role)?;
    allowed_in("escalate", state, &[Status::Registered])?;
    let unit = unit_above.ok_or(Refusal::NoUnitAbove)?;
    Ok(EventData::Escalated { unit, reason, owner_released: true })
}

/// The handling opinion (GEN-4) as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpinionDraft {
    /// `support` (支持), `explain` (解释说明) or `reject` (不予支持).
    pub outcome: Option<String>,
    /// The facts found and the reasons.
    pub facts: Option<String>,
    /// The legal or policy basis.
    pub basis: Option<String>,
    /// The opinion's text to the petitioner.
    pub text: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

impl OpinionDraft {
    pub fn parse(&self) -> Result<(crate::event::Outcome, String, String, String), ValidationErrors> {
        use crate::event::Outcome;
        let mut errors = Vec::new();
        let outcome = match self.outcome.as_deref().map(str::trim) {
            Some("support") => Some(Outcome::Support),
            Some("explain") => Some(Outcome::Explain),
            Some("reject") => Some(Outcome::Reject),
            None | Some("") => {
                errors.push(FieldError::new("outcome", Invalid::Required));
                None
            }
            Some(_) => {
                errors.push(FieldError::new(
                    "outcome",
                    Invalid::NotAChoice { allowed: "support, explain, reject".into() },
                ));
                None
            }
        };
        let mut take = |field: &str, v: &Option<String>| {
            text::required(field, v.as_deref(), limits::CONTENT).map_err(|e| errors.push(e)).ok()
        };
        let facts = take("facts", &self.facts);
        let basis = take("basis", &self.basis);
        let body = take("text", &self.text);
        match (ValidationErrors::from_vec(errors), outcome, facts, basis, body) {
            (None, Some(o), Some(f), Some(b), Some(t)) => Ok((o, f, b, t)),
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("outcome", Invalid::Required).into()),
        }
    }
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
    Ok(EventData::OpinionDrafted { outcome, facts, basis, text })
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

/// 办结: closed after the reply.
pub fn close(state: &CaseState, role: Role) -> Result<EventData, Refusal> {
    staff_may("close", role)?;
    allowed_in("close", state, &[Status::Replied])?;
    Ok(EventData::Closed {})
}

/// An extension as typed (GEN-4).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtendDraft {
    /// Calendar days added to the handling limit: 1 to the unit's maximum (national: 30).
    pub days: Option<i64>,
    /// Why the limit cannot be met; told to the petitioner in the extension notice.
    pub reason: Option<String>,
    pub note: Option<String>,
    /// For records entered after the fact: when it happened (instant or day).
    pub at: Option<String>,
}

/// A reason and the common fields (reject-less actions: register only, object, review request).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReasonDraft {
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 当场答复 as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerDraft {
    /// The answer given, with the policy or law cited (FED-9).
    pub answer: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 不予受理 as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RejectDraft {
    pub reason: Option<String>,
    /// Where to turn instead: the competent organ, or court / arbitration / administrative review.
    pub channel: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 交办 / 转办 / 上交 as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SendDraft {
    /// The receiving unit's code (for escalation: optional, default the unit above).
    pub unit: Option<String>,
    /// For an assignment: the person there who will own the case (包案人).
    pub owner: Option<String>,
    /// For an escalation: why.
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 评价 as typed (GEN-9).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RateDraft {
    /// The petition office: `satisfied`, `basically_satisfied` or `dissatisfied`.
    pub office: Option<String>,
    /// The handling unit, likewise.
    pub unit: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 听证 as typed (TWN-12).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HearingDraft {
    /// First day of the hearing (YYYY-MM-DD).
    pub held_from: Option<String>,
    /// Last day of the hearing (YYYY-MM-DD), the first day or later.
    pub held_to: Option<String>,
    /// Who took part: names, separated by commas, or a list.
    #[serde(default)]
    pub participants: Vec<String>,
    /// The opinions heard.
    pub opinions: Option<String>,
    /// The hearing's conclusion.
    pub conclusion: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// A checked hearing: (from, to, participants, opinions, conclusion).
pub type Hearing = (chrono::NaiveDate, chrono::NaiveDate, Vec<String>, String, String);

impl HearingDraft {
    pub fn parse(&self) -> Result<Hearing, ValidationErrors> {
        let mut errors = Vec::new();
        let mut day = |field: &str, v: &Option<String>| match v.as_deref().map(str::trim) {
            None | Some("") => {
                errors.push(FieldError::new(field, Invalid::Required));
                None
            }
            Some(raw) => chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| errors.push(FieldError::new(field, Invalid::DateFormat)))
                .ok(),
        };
        let from = day("held_from", &self.held_from);
        let to = day("held_to", &self.held_to);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errors.push(FieldError::new("held_to", Invalid::BeforeEarlierEvent));
        }
        let participants: Vec<String> = self
            .participants
            .iter()
            .flat_map(|p| p.split([',', ',', '、']))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        if participants.is_empty() {
            errors.push(FieldError::new("participants", Invalid::Required));
        } else if let Some(e) = participants.iter().find_map(|p| text::check_chars("participants", p).err()) {
            errors.push(e);
        } else if participants.len() > 50 || participants.iter().any(|p| p.chars().count() > limits::NAME) {
            errors.push(FieldError::new("participants", Invalid::TooLong { max: limits::NAME }));
        }
        let opinions =
            text::required("opinions", self.opinions.as_deref(), limits::CONTENT).map_err(|e| errors.push(e)).ok();
        let conclusion =
            text::required("conclusion", self.conclusion.as_deref(), limits::CONTENT).map_err(|e| errors.push(e)).ok();
        match (ValidationErrors::from_vec(errors), from, to, opinions, conclusion) {
            (None, Some(f), Some(t), Some(o), Some(c)) => Ok((f, t, participants, o, c)),
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("held_from", Invalid::Required).into()),
        }
    }
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

/// 批示 as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InstructDraft {
    /// The leader's instruction.
    pub text: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// 联系公检法司 as typed (FED-19).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LiaisonDraft {
    /// `public_security` (公安), `procuratorate` (检察院), `court` (法院) or `justice` (司法局).
    pub agency: Option<String>,
    /// What was agreed.
    pub summary: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// The agencies of FED-19, with their names.
pub const AGENCIES: [(&str, &str); 4] =
    [("public_security", "公安机关"), ("procuratorate", "检察院"), ("court", "法院"), ("justice", "司法局")];

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

/// The agency and summary of a liaison record, checked.
pub fn parse_liaison(draft: &LiaisonDraft) -> Result<(String, String), ValidationErrors> {
    let agency = match draft.agency.as_deref().map(str::trim) {
        Some(a) if AGENCIES.iter().any(|(code, _)| *code == a) => a.to_owned(),
        None | Some("") => return Err(FieldError::new("agency", Invalid::Required).into()),
        Some(_) => {
            let allowed = AGENCIES.map(|(c, _)| c).join(", ");
            return Err(FieldError::new("agency", Invalid::NotAChoice { allowed }).into());
        }
    };
    Ok((agency, required_text("summary", &draft.summary)?))
}

/// 联系公检法司 (FED-19): recorded by staff on a case not yet ended.
pub fn liaison(state: &CaseState, role: Role, agency: String, summary: String) -> Result<EventData, Refusal> {
    staff_may("liaison", role)?;
    if matches!(state.status, Status::Final | Status::Closed | Status::NotAccepted | Status::RegisteredOnly) {
        return Err(Refusal::WrongState { action: "liaison", status: state.status });
    }
    Ok(EventData::LiaisonRecorded { agency, summary })
}

/// 回访 as typed (CDR-3).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnVisitDraft {
    /// `phone` or `in_person`.
    pub method: Option<String>,
    /// What the petitioner said; whether the matter is settled.
    pub outcome: Option<String>,
    /// `satisfied`, `basically_satisfied` or `dissatisfied` (GEN-9).
    pub rating: Option<String>,
    /// Reopen handling (only when dissatisfied).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub reopen: bool,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// A boolean from JSON, or from a form's "on"/"true"/"1".
fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Text(String),
    }
    Ok(match B::deserialize(d)? {
        B::Bool(b) => b,
        B::Text(t) => matches!(t.as_str(), "on" | "true" | "1"),
    })
}

/// 包案领导 as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LeaderDraft {
    /// The leader's username.
    pub leader: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// A return visit's fields, checked: (method, outcome, rating, reopen).
pub fn parse_return_visit(
    draft: &ReturnVisitDraft,
) -> Result<(String, String, crate::event::Rating, bool), ValidationErrors> {
    let method = match draft.method.as_deref().map(str::trim) {
        Some(m @ ("phone" | "in_person")) => m.to_owned(),
        None | Some("") => return Err(FieldError::new("method", Invalid::Required).into()),
        Some(_) => {
            return Err(FieldError::new("method", Invalid::NotAChoice { allowed: "phone, in_person".into() }).into());
        }
    };
    let outcome = required_text("outcome", &draft.outcome)?;
    let rating = parse_rating("rating", &draft.rating)?;
    if draft.reopen && rating != crate::event::Rating::Dissatisfied {
        return Err(FieldError::new("reopen", Invalid::NotAChoice { allowed: "dissatisfied".into() }).into());
    }
    Ok((method, outcome, rating, draft.reopen))
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

/// A required text of an action.
pub fn required_text(field: &str, value: &Option<String>) -> Result<String, ValidationErrors> {
    text::required(field, value.as_deref(), limits::REASON).map_err(Into::into)
}

/// A rating as typed.
pub fn parse_rating(field: &str, value: &Option<String>) -> Result<crate::event::Rating, ValidationErrors> {
    use crate::event::Rating;
    match value.as_deref().map(str::trim) {
        Some("satisfied") => Ok(Rating::Satisfied),
        Some("basically_satisfied") => Ok(Rating::BasicallySatisfied),
        Some("dissatisfied") => Ok(Rating::Dissatisfied),
        None | Some("") => Err(FieldError::new(field, Invalid::Required).into()),
        Some(_) => Err(FieldError::new(
            field,
            Invalid::NotAChoice { allowed: "satisfied, basically_satisfied, dissatisfied".into() },
        )
        .into()),
    }
}

/// 受理: a registered case is accepted by the unit that holds it, or an assigned one by the
/// receiving unit (officers, leaders, supervisors, administrators).
pub fn accept(state: &CaseState, role: Role, in_holding_unit: bool) -> Result<EventData, Refusal> {
    staff_may("accept", role)?;
    allowed_in("accept", state, &[Status::Registered, Status::Assigned])?;
    if state.status == Status::Assigned && !in_holding_unit {
        return Err(Refusal::NotHoldingUnit);
    }
    if state.flags.contains(&Flag::FinalMatter) {
        return Err(Refusal::FinalMatterUndecided);
    }
    Ok(EventData::Accepted {})
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

/// 更正被反映对象 as typed (GEN-7): the person or unit accused, set or corrected after registration.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetAccusedDraft {
    /// The person or unit accused, as named.
    pub name: Option<String>,
    /// The accused unit's code; empty when no unit of ours is accused.
    pub unit: Option<String>,
    /// The login name of the staff member accused; empty when none of ours is.
    pub user: Option<String>,
    /// Why the accused is set or corrected.
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

impl SetAccusedDraft {
    /// The fields checked.
    pub fn parse(&self) -> Result<(crate::case::Accused, String), ValidationErrors> {
        let mut errors = Vec::new();
        let user = match self.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => Some(None),
            Some(raw) => crate::user::Username::parse("user", raw)
                .map(|u| Some(u.as_str().to_owned()))
                .map_err(|e| errors.push(e))
                .ok(),
        };
        let name = text::optional("name", self.name.as_deref(), limits::NAME * 2).map_err(|e| errors.push(e)).ok();
        let unit = match self.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => Some(None),
            Some(raw) => crate::unit::UnitCode::parse("unit", raw).map(Some).map_err(|e| errors.push(e)).ok(),
        };
        let reason = text::required("reason", self.reason.as_deref(), limits::REASON).map_err(|e| errors.push(e)).ok();
        match (name, unit, user, reason) {
            (Some(name), Some(unit), Some(user), Some(reason)) if errors.is_empty() => {
                Ok((crate::case::Accused { name, unit, user }, reason))
            }
            _ => Err(ValidationErrors::from_vec(errors)
                .unwrap_or_else(|| FieldError::new("reason", Invalid::Required).into())),
        }
    }
}

/// 更正被反映对象 (GEN-7): staff who may register set or correct who the case accuses; the
/// informant guard then judges the new accused against the holder, the owner and the actor.
pub fn set_accused(role: Role, accused: crate::case::Accused, reason: String) -> Result<EventData, Refusal> {
    staff_may("set-accused", role)?;
    let crate::case::Accused { name, unit, user } = accused;
    Ok(EventData::AccusedSet { name, unit: unit.map(|u| u.as_str().to_owned()), user, reason })
}

/// A flag as typed by staff.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FlagDraft {
    /// `repeat`, `skip_level`, `final_matter`, `collective`, `joint`, `major_urgent`, `law_litigation`
    pub flag: Option<String>,
    /// Case numbers of the related cases (for `collective`: the cases linked as one matter).
    #[serde(default)]
    pub related: Vec<String>,
    /// For `skip_level`: the unit responsible for the problem's place.
    pub against_unit: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// Taking a flag off, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClearFlagDraft {
    pub flag: Option<String>,
    /// Why the flag is wrong, or (for `final_matter`) the new facts and reasons.
    pub reason: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
}

/// The fields of an extension, checked against the unit's maximum.
pub fn parse_extension(draft: &ExtendDraft, rules: &LimitRules) -> Result<(u32, String), ValidationErrors> {
    let max = rules.extension_max_days();
    let mut errors = Vec::new();
    let days = match draft.days {
        None => {
            errors.push(FieldError::new("days", Invalid::Required));
            None
        }
        Some(d) if d >= 1 && d <= i64::from(max) => u32::try_from(d).ok(),
        Some(_) => {
            errors.push(FieldError::new("days", Invalid::OutOfRange { min: 1, max: i64::from(max) }));
            None
        }
    };
    let reason = text::required("reason", draft.reason.as_deref(), limits::REASON).map_err(|e| errors.push(e)).ok();
    match (ValidationErrors::from_vec(errors), days, reason) {
        (None, Some(days), Some(reason)) => Ok((days, reason)),
        (Some(errors), _, _) => Err(errors),
        _ => Err(FieldError::new("days", Invalid::Required).into()),
    }
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
    use std::collections::BTreeSet;

    fn state(status: Status) -> CaseState {
        CaseState {
            status,
            case_number: "XS-2026-000001".into(),
            first_receiver: "a".into(),
            owner: "a".into(),
            holding_unit: "XS".into(),
            flags: BTreeSet::new(),
            reported_to: Vec::new(),
            stage: Default::default(),
            sent_from: Some("XZ".into()),
            approvals: Vec::new(),
            owner_pending: false,
            sent_by: None,
            owner_leader: None,
        }
    }

    #[test]
    fn gen_3_accept_only_a_registered_case_and_not_as_handler() {
        assert_eq!(accept(&state(Status::Registered), Role::Officer, true), Ok(EventData::Accepted {}));
        assert_eq!(accept(&state(Status::Registered), Role::Handler, true).unwrap_err().code(), "forbidden");
        assert_eq!(accept(&state(Status::Accepted), Role::Officer, true).unwrap_err().code(), "wrong_state");
        assert_eq!(accept(&state(Status::Assigned), Role::Officer, false).unwrap_err().code(), "not_holding_unit");
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
