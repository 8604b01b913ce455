//! The case file is its event log: every action on a case is an appended [`Event`], and the case's
//! current state is [`CaseState::derive`]d from the log alone.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{Flag, Registration};
use crate::text::{self, limits};
use crate::unit::UnitCode;
use crate::user::Username;
use crate::{FieldError, Invalid, ValidationErrors};

/// What happened, with the facts of that kind of event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventData {
    /// 登记: the first event of every case. The registering user is the first receiver (首问责任人, FED-1).
    Registered { case_number: String, registration: Box<Registration> },
    /// 移交: the case is handed to another person or unit (FED-1, CDR-2).
    HandedOff { to_user: Option<String>, to_unit: Option<String>, reason: String },
    /// 上报: a major or prominent case is reported to the level above (FED-5).
    ReportedUp { to_unit: String, summary: String },
    /// The petitioner's query code was replaced; the old one no longer works.
    QueryCodeReissued {},
    /// 受理: the unit accepts the case and tells the petitioner (受理告知书, GEN-3); the handling
    /// limit starts (GEN-4).
    Accepted {},
    /// 延期: the unit's head extends the handling limit once, and the petitioner is told why
    /// (延期告知书, GEN-4, SCH-7).
    Extended { days: u32, reason: String },
    /// 当场答复: a help-seeking, legal or policy question answered on the spot; the case closes (FED-15).
    Answered {
        answer: String,
        /// The articles of the policy library the answer rests on (FED-9), as they read when cited.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        cited: Vec<crate::policy::Citation>,
    },
    /// 不予受理: not accepted; the notice names where to turn instead (GEN-3, TWN-3, SCH-6).
    Rejected { reason: String, channel: String },
    /// 作登记处理: an unclear letter with no way to reach the writer is kept on record only (FED-20).
    RegisteredOnly { reason: String },
    /// 交办: assigned to a unit under our authority (FED-16), with an owner there if named.
    Assigned { unit: String, owner: Option<String> },
    /// 转办: transferred to the competent unit by territory (FED-17).
    Transferred { unit: String },
    /// 异议: the receiving unit says the case is not its own; it goes back to the sender (GEN-3 ¶3).
    Objected { reason: String, back_to: String },
    /// 上交: sent to the level above (FED-7, TWN-4). Since issue 15 the owner is released with it
    /// (`owner_released`): whoever accepts it above owns it. Escalations recorded before have the
    /// field false and replay as they were written.
    Escalated {
        unit: String,
        reason: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        owner_released: bool,
    },
    /// 处理意见 (draft): the request, facts and reasons, outcome and legal basis (GEN-4).
    OpinionDrafted {
        outcome: Outcome,
        facts: String,
        basis: String,
        text: String,
        /// The articles of the policy library cited as its legal basis (FED-9), as they read when
        /// cited; printed on the 处理意见书.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        cited: Vec<crate::policy::Citation>,
    },
    /// A leader approves the current draft (TWN-11); `complete` when it was the last approval needed.
    Approved { complete: bool },
    /// 领取 (FED-1): a staff member of the holding unit takes an online petition from the unit's
    /// queue; they become its first receiver and its owner.
    Taken {},
    /// A leader returns the draft opinion with a comment: it is not approved, its approvals lapse and
    /// the drafter writes it again (issue 17).
    OpinionReturned { comment: String },
    /// 答复: the approved opinion is sent to the petitioner.
    Replied {},
    /// 满意度评价 recorded (GEN-9).
    Rated { office: Rating, unit: Rating, reason: Option<String> },
    /// 复查 / 复核 requested by the petitioner (GEN-5); the level above takes the case.
    ReviewRequested { reason: String, to_unit: String },
    /// 办结: closed after the reply.
    Closed {},
    /// 听证 (TWN-12): participants, their opinions and the conclusion, recorded before the decision.
    /// Its days do not count against a re-review's limit (GEN-5).
    HearingHeld {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        participants: Vec<String>,
        opinions: String,
        conclusion: String,
    },
    /// 批示: a leader's instruction on the case (SCH-7, TWN-10).
    Instructed { text: String },
    /// 联系公检法司 (FED-19): liaison with public security, procuratorate, court or justice bureau.
    LiaisonRecorded { agency: String, summary: String },
    /// 回访 (CDR-3): by phone or in person after the reply, with its outcome and the petitioner's
    /// rating; an unsatisfied petitioner's case may be reopened for handling.
    ReturnVisited { method: String, outcome: String, rating: Rating, reopened: bool },
    /// 包案领导 (TWN-5, CDR-2): the leader who owns the case end to end beside its owner.
    LeaderAssigned { leader: String },
    /// 反馈 (FED-18, SCH-3): the result of a case forwarded from above, reported back to that unit.
    ReportedBack { to_unit: String, summary: String },
    /// 调查笔录 (FED-13): what the handler found, with whom and where.
    InvestigationNoted { text: String },
    /// 附件: a scan, photo or recording added to the case file, kept by its hash.
    AttachmentAdded { sha256: String, media_type: crate::attachment::MediaType, filename: String, size: u64 },
    /// 研判提示 (FED-11, GEN-5, GEN-6, TWN-14): the case was flagged at intake or by staff: a repeat of
    /// the petitioner's earlier case, a matter already final (不再受理), a visit that skipped levels, or
    /// linked with other people's cases as one collective matter. `related` names the other cases;
    /// `against_unit` is the unit a 越级访 counts against.
    Flagged { flag: crate::case::Flag, related: Vec<String>, against_unit: Option<String>, reason: String },
    /// A flag taken off, with the reason: a wrong flag, or for 不再受理 the receiver's decision that the
    /// petition brings new facts and reasons.
    FlagCleared { flag: crate::case::Flag, reason: String },
    /// 更正被反映对象 (GEN-7): the person or unit the case accuses, set or corrected after
    /// registration, with the reason; `unit` is a unit's code, `None` for none of ours; `user` the
    /// login name of a staff member accused (absent in events written before persons were named).
    AccusedSet {
        name: Option<String>,
        unit: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user: Option<String>,
        reason: String,
    },
    /// 回避 (GEN-7, 《信访工作条例》 Art 28 ¶3): a staff member with a direct interest in the case
    /// stands aside, by their own declaration or by a leader's order (`ordered`); `user` is their
    /// login name. From then on the case does not exist for them, as an accusation does not for its
    /// accused.
    Recused { user: String, reason: String, ordered: bool },
}

/// The outcome of a handling opinion (GEN-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 支持
    Support,
    /// 解释说明
    Explain,
    /// 不予支持
    Reject,
}

impl Outcome {
    pub fn label_zh(self) -> &'static str {
        match self {
            Outcome::Support => "支持",
            Outcome::Explain => "解释说明",
            Outcome::Reject => "不予支持",
        }
    }
}

/// A satisfaction rating (GEN-9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// 满意
    Satisfied,
    /// 基本满意
    BasicallySatisfied,
    /// 不满意
    Dissatisfied,
}

impl Rating {
    pub fn label_zh(self) -> &'static str {
        match self {
            Rating::Satisfied => "满意",
            Rating::BasicallySatisfied => "基本满意",
            Rating::Dissatisfied => "不满意",
        }
    }
}

/// Which round of handling a case is in (GEN-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 办理
    #[default]
    Handling,
    /// 复查
    Review,
    /// 复核
    ReReview,
}

impl EventData {
    pub fn kind(&self) -> &'static str {
        match self {
            EventData::Registered { .. } => "registered",
            EventData::HandedOff { .. } => "handed_off",
            EventData::ReportedUp { .. } => "reported_up",
            EventData::QueryCodeReissued {} => "query_code_reissued",
            EventData::Accepted {} => "accepted",
            EventData::Extended { .. } => "extended",
            EventData::Answered { .. } => "answered",
            EventData::Rejected { .. } => "rejected",
            EventData::RegisteredOnly { .. } => "registered_only",
            EventData::Assigned { .. } => "assigned",
            EventData::Transferred { .. } => "transferred",
            EventData::Objected { .. } => "objected",
            EventData::Escalated { .. } => "escalated",
            EventData::OpinionDrafted { .. } => "opinion_drafted",
            EventData::Approved { .. } => "approved",
            EventData::OpinionReturned { .. } => "opinion_returned",
            EventData::Taken {} => "taken",
            EventData::Replied {} => "replied",
            EventData::Rated { .. } => "rated",
            EventData::ReviewRequested { .. } => "review_requested",
            EventData::Closed {} => "closed",
            EventData::HearingHeld { .. } => "hearing_held",
            EventData::Instructed { .. } => "instructed",
            EventData::LiaisonRecorded { .. } => "liaison_recorded",
            EventData::ReturnVisited { .. } => "return_visited",
            EventData::LeaderAssigned { .. } => "leader_assigned",
            EventData::ReportedBack { .. } => "reported_back",
            EventData::InvestigationNoted { .. } => "investigation_noted",
            EventData::AttachmentAdded { .. } => "attachment_added",
            EventData::Flagged { .. } => "flagged",
            EventData::FlagCleared { .. } => "flag_cleared",
            EventData::AccusedSet { .. } => "accused_set",
            EventData::Recused { .. } => "recused",
        }
    }

    pub fn label_zh(&self) -> &'static str {
        match self {
            EventData::Registered { .. } => "登记",
            EventData::HandedOff { .. } => "移交",
            EventData::ReportedUp { .. } => "上报",
            EventData::QueryCodeReissued {} => "重发查询码",
            EventData::Accepted {} => "受理",
            EventData::Extended { .. } => "延期",
            EventData::Answered { .. } => "当场答复",
            EventData::Rejected { .. } => "不予受理",
            EventData::RegisteredOnly { .. } => "作登记处理",
            EventData::Assigned { .. } => "交办",
            EventData::Transferred { .. } => "转办",
            EventData::Objected { .. } => "提出异议",
            EventData::Escalated { .. } => "上交上级",
            EventData::OpinionDrafted { .. } => "拟定处理意见",
            EventData::Approved { .. } => "领导审批",
            EventData::OpinionReturned { .. } => "退回修改",
            EventData::Taken {} => "领取网上信访",
            EventData::Replied {} => "答复信访人",
            EventData::Rated { .. } => "满意度评价",
            EventData::ReviewRequested { .. } => "申请复查复核",
            EventData::Closed {} => "办结",
            EventData::HearingHeld { .. } => "听证",
            EventData::Instructed { .. } => "领导批示",
            EventData::LiaisonRecorded { .. } => "联系公检法司",
            EventData::ReturnVisited { .. } => "回访",
            EventData::LeaderAssigned { .. } => "确定包案领导",
            EventData::ReportedBack { .. } => "向上级反馈结果",
            EventData::InvestigationNoted { .. } => "调查笔录",
            EventData::AttachmentAdded { .. } => "添加附件",
            EventData::Flagged { .. } => "研判提示",
            EventData::FlagCleared { .. } => "撤销提示",
            EventData::AccusedSet { .. } => "更正被反映对象",
            EventData::Recused { .. } => "回避",
        }
    }
}

/// One entry of a case's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the case's log, from 1.
    pub seq: i64,
    /// When it happened (may be earlier than `recorded_at` for records entered after the fact).
    pub occurred_at: DateTime<Utc>,
    /// When huiyin wrote it down.
    pub recorded_at: DateTime<Utc>,
    /// The acting user's username.
    pub actor: String,
    pub note: Option<String>,
    pub data: EventData,
}

/// Where a case stands (状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 已登记: registered, awaiting sorting.
    Registered,
    /// 办理中: accepted, being handled.
    Accepted,
    /// 已交办/转办: waiting for the receiving unit to accept or object.
    Assigned,
    /// 待审批: a handling opinion waits for the leaders' approval.
    AwaitingApproval,
    /// 待答复: the opinion is approved and waits to be sent.
    Approved,
    /// 已答复
    Replied,
    /// 已办结
    Closed,
    /// 不予受理
    NotAccepted,
    /// 作登记处理
    RegisteredOnly,
    /// 已终结: re-reviewed, or the time to ask has lapsed (GEN-5 不再受理).
    Final,
}

impl Status {
    /// The states in which a case is settled and its file can be archived (FED-13).
    pub const SETTLED: [Status; 4] = [Status::Closed, Status::NotAccepted, Status::RegisteredOnly, Status::Final];

    pub const ALL: [Status; 10] = [
        Status::Registered,
        Status::Assigned,
        Status::Accepted,
        Status::AwaitingApproval,
        Status::Approved,
        Status::Replied,
        Status::Closed,
        Status::NotAccepted,
        Status::RegisteredOnly,
        Status::Final,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::Accepted => "accepted",
            Status::Assigned => "assigned",
            Status::AwaitingApproval => "awaiting_approval",
            Status::Approved => "approved",
            Status::Replied => "replied",
            Status::Closed => "closed",
            Status::NotAccepted => "not_accepted",
            Status::RegisteredOnly => "registered_only",
            Status::Final => "final",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Registered => "已登记",
            Status::Accepted => "办理中",
            Status::Assigned => "已交办待接收",
            Status::AwaitingApproval => "待审批",
            Status::Approved => "待答复",
            Status::Replied => "已答复",
            Status::Closed => "已办结",
            Status::NotAccepted => "不予受理",
            Status::RegisteredOnly => "作登记处理",
            Status::Final => "已终结",
        }
    }

    /// For the English public pages.
    /// The state as a petitioner reads it on the public side: what is happening to their matter,
    /// not the office's step (issue 17).
    pub fn label_for_petitioner_zh(self) -> &'static str {
        match self {
            Status::Registered => "已登记,等待受理",
            Status::Assigned => "已转交承办单位,等待受理",
            Status::Accepted | Status::AwaitingApproval | Status::Approved => "正在办理",
            Status::Replied => "已答复",
            Status::Closed => "已办结",
            Status::NotAccepted => "不予受理",
            Status::RegisteredOnly => "已登记存档",
            Status::Final => "已终结",
        }
    }

    /// The state as a petitioner reads it, in English (the public pages in English).
    pub fn label_for_petitioner_en(self) -> &'static str {
        match self {
            Status::Accepted | Status::AwaitingApproval | Status::Approved => "Being handled",
            other => other.label_en(),
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Registered => "Registered",
            Status::Accepted => "Being handled",
            Status::Assigned => "Sent to the competent unit",
            Status::AwaitingApproval => "Opinion awaiting approval",
            Status::Approved => "Reply being sent",
            Status::Replied => "Replied",
            Status::Closed => "Closed",
            Status::NotAccepted => "Not accepted",
            Status::RegisteredOnly => "Registered only",
            Status::Final => "Final",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Status, FieldError> {
        Status::ALL.into_iter().find(|s| s.code() == raw.trim()).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: Status::ALL.map(Status::code).join(", ") })
        })
    }
}

/// The state of a case, derived from its events and stored beside them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseState {
    pub status: Status,
    pub case_number: String,
    /// 首问责任人: who registered it (FED-1).
    pub first_receiver: String,
    /// The person who holds the case now (包案人).
    pub owner: String,
    /// The unit that holds the case now.
    pub holding_unit: String,
    /// The unit that registered it.
    #[serde(default)]
    pub registering_unit: String,
    pub flags: BTreeSet<Flag>,
    /// The units this case was reported up to (FED-5).
    pub reported_to: Vec<String>,
    /// Which round of handling (GEN-5).
    #[serde(default)]
    pub stage: Stage,
    /// The unit that assigned or transferred the case, while the receiver may still object.
    #[serde(default)]
    pub sent_from: Option<String>,
    /// Leaders who approved the current draft opinion (TWN-11).
    #[serde(default)]
    pub approvals: Vec<String>,
    /// True after an assignment or transfer that named no owner: whoever accepts becomes the owner.
    #[serde(default)]
    pub owner_pending: bool,
    /// The owner before an assignment or transfer, who has the case back after an objection.
    #[serde(default)]
    pub sent_by: Option<String>,
    /// 包案领导: the leader accountable end to end (TWN-5).
    #[serde(default)]
    pub owner_leader: Option<String>,
    /// Who stands aside from the case (回避, GEN-7): login names, in the order they did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recused: Vec<String>,
}

impl CaseState {
    /// SCH-1, SCH-2: whether `flag` (非受理对象, 非受理事项: the registering unit's scope) binds now.
    /// It does while the registering unit holds the case (again, after an objection sent it back);
    /// a unit the case is transferred or sent up to judges it by its own scope.
    pub fn outside_scope(&self, flag: Flag) -> bool {
        self.flags.contains(&flag) && self.holding_unit == self.registering_unit
    }

    /// Folds a case's log, oldest first. `None` if the log does not start with a registration.
    pub fn derive(events: &[Event]) -> Option<CaseState> {
        let (first, rest) = events.split_first()?;
        let EventData::Registered { case_number, registration } = &first.data else {
            return None;
        };
        let mut state = CaseState {
            status: Status::Registered,
            case_number: case_number.clone(),
            first_receiver: first.actor.clone(),
            owner: first.actor.clone(),
            holding_unit: registration.unit.as_str().to_owned(),
            registering_unit: registration.unit.as_str().to_owned(),
            flags: registration.flags.clone(),
            reported_to: Vec::new(),
            stage: Stage::Handling,
            sent_from: None,
            approvals: Vec::new(),
            owner_pending: false,
            sent_by: None,
            owner_leader: None,
            recused: Vec::new(),
        };
        for event in rest {
            state.apply(event);
        }
        Some(state)
    }

    /// The state after one more event.
    pub fn apply(&mut self, event: &Event) {
        // FED-1: an online petition nobody has taken is taken by the first staff member who sorts
        // it, who becomes its first receiver and owner, whether by 领取 or by sorting it at once
        // (accepting, answering, refusing, sending it on). An instruction or a flag takes nothing.
        let online = crate::user::ONLINE_INTAKE_USERNAME;
        let sorts = matches!(
            event.data,
            EventData::Taken {}
                | EventData::Accepted {}
                | EventData::Answered { .. }
                | EventData::Rejected { .. }
                | EventData::RegisteredOnly { .. }
                | EventData::Assigned { .. }
                | EventData::Transferred { .. }
                | EventData::Escalated { .. }
        );
        if sorts && self.owner == online && !crate::user::is_system_account(&event.actor) {
            if self.first_receiver == online {
                self.first_receiver = event.actor.clone();
            }
            self.owner = event.actor.clone();
        }
        match &event.data {
            EventData::Registered { .. }
            | EventData::QueryCodeReissued {}
            | EventData::Extended { .. }
            | EventData::Rated { .. }
            | EventData::HearingHeld { .. }
            | EventData::Instructed { .. }
            | EventData::LiaisonRecorded { .. }
            | EventData::ReportedBack { .. }
            | EventData::InvestigationNoted { .. }
            | EventData::AttachmentAdded { .. } => {}
            EventData::AccusedSet { user, .. } => {
                // GEN-7: an approval by the person now accused no longer counts; the opinion goes
                // back to the leaders.
                let approved_by_accused =
                    user.as_ref().is_some_and(|u| self.approvals.iter().any(|a| a.eq_ignore_ascii_case(u)));
                if approved_by_accused {
                    self.approvals.clear();
                    if self.status == Status::Approved {
                        self.status = Status::AwaitingApproval;
                    }
                }
            }
            EventData::Recused { user, .. } => {
                // As for the accused (above): an approval of the one who stands aside no longer
                // counts.
                if self.approvals.iter().any(|a| a.eq_ignore_ascii_case(user)) {
                    self.approvals.retain(|a| !a.eq_ignore_ascii_case(user));
                    if self.status == Status::Approved {
                        self.status = Status::AwaitingApproval;
                    }
                }
                self.recused.push(user.clone());
            }
            EventData::LeaderAssigned { leader } => self.owner_leader = Some(leader.clone()),
            EventData::Flagged { flag, .. } => {
                self.flags.insert(*flag);
            }
            EventData::FlagCleared { flag, .. } => {
                self.flags.remove(flag);
            }
            EventData::ReturnVisited { reopened, .. } => {
                if *reopened {
                    self.approvals.clear();
                    self.status = Status::Accepted;
                }
            }
            EventData::Accepted {} => {
                self.status = Status::Accepted;
                self.sent_from = None;
                self.sent_by = None;
                // Whoever accepts for the receiving unit owns the case there, unless one was named.
                if self.owner_pending {
                    self.owner = event.actor.clone();
                    self.owner_pending = false;
                }
            }
            EventData::Answered { .. } => self.status = Status::Closed,
            EventData::Rejected { .. } => self.status = Status::NotAccepted,
            EventData::RegisteredOnly { .. } => self.status = Status::RegisteredOnly,
            EventData::Assigned { unit, owner } => {
                self.sent_from = Some(self.holding_unit.clone());
                self.sent_by = Some(self.owner.clone());
                self.holding_unit = unit.clone();
                match owner {
                    Some(owner) => self.owner = owner.clone(),
                    None => self.owner_pending = true,
                }
                self.status = Status::Assigned;
            }
            EventData::Transferred { unit } => {
                self.sent_from = Some(self.holding_unit.clone());
                self.sent_by = Some(self.owner.clone());
                self.holding_unit = unit.clone();
                self.owner_pending = true;
                self.status = Status::Assigned;
            }
            EventData::Objected { back_to, .. } => {
                self.holding_unit = back_to.clone();
                self.sent_from = None;
                self.owner_pending = false;
                match self.sent_by.take() {
                    // 回避: one who stands aside does not have it back; whoever accepts it does.
                    Some(previous) if self.recused.iter().any(|r| r.eq_ignore_ascii_case(&previous)) => {
                        self.owner_pending = true;
                    }
                    Some(previous) => self.owner = previous,
                    None => {}
                }
                self.status = Status::Registered;
            }
            EventData::Escalated { unit, owner_released, .. } => {
                self.holding_unit = unit.clone();
                self.status = Status::Registered;
                // Whoever accepts it at the level above owns it there (GEN-7: the officer below an
                // accused unit who sent it up does not stay its owner).
                if *owner_released {
                    self.owner_pending = true;
                }
            }
            EventData::OpinionDrafted { .. } => {
                self.approvals.clear();
                self.status = Status::AwaitingApproval;
            }
            EventData::Taken {} => {
                // The taker became owner above; whoever accepts later does not replace them.
                self.owner_pending = false;
            }
            EventData::OpinionReturned { .. } => {
                self.approvals.clear();
                self.status = Status::Accepted;
            }
            EventData::Approved { complete } => {
                self.approvals.push(event.actor.clone());
                if *complete {
                    self.status = Status::Approved;
                }
            }
            EventData::Replied {} => {
                self.status = if self.stage == Stage::ReReview { Status::Final } else { Status::Replied };
            }
            EventData::ReviewRequested { to_unit, .. } => {
                self.stage = if self.stage == Stage::Handling { Stage::Review } else { Stage::ReReview };
                self.holding_unit = to_unit.clone();
                self.approvals.clear();
                self.status = Status::Accepted;
            }
            EventData::Closed {} => self.status = Status::Closed,
            EventData::HandedOff { to_user, to_unit, .. } => {
                if let Some(unit) = to_unit {
                    self.holding_unit = unit.clone();
                }
                if let Some(user) = to_user {
                    self.owner = user.clone();
                }
            }
            EventData::ReportedUp { to_unit, .. } => self.reported_to.push(to_unit.clone()),
        }
    }
}

/// The person or unit a case accuses now (GEN-7): the last 更正被反映对象, or as registered.
pub fn current_accused(registration: &Registration, events: &[Event]) -> Option<crate::case::Accused> {
    let corrected = events.iter().rev().find_map(|e| match &e.data {
        EventData::AccusedSet { name, unit, user, .. } => Some((name.clone(), unit.clone(), user.clone())),
        _ => None,
    });
    match corrected {
        None => registration.accused.clone(),
        Some((None, None, None)) => None,
        Some((name, unit, user)) => {
            Some(crate::case::Accused { name, unit: unit.and_then(|u| UnitCode::parse("unit", &u).ok()), user })
        }
    }
}

/// The `at` of an action entered after the fact: an instant or a day (China time); blank is none.
pub fn parse_at(raw: Option<&str>) -> Result<Option<DateTime<Utc>>, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => crate::case::parse_instant("at", raw).map(Some),
    }
}

/// The note and `at` every action may carry.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionDraft {
    pub note: Option<String>,
    /// For records entered after the fact: when it happened (instant or day).
    pub at: Option<String>,
}

impl ActionDraft {
    pub fn parse(&self) -> Result<(Option<String>, Option<DateTime<Utc>>), ValidationErrors> {
        let mut errors = Vec::new();
        let note =
            text::optional("note", self.note.as_deref(), limits::NOTE).map_err(|e| errors.push(e)).ok().flatten();
        let at = parse_at(self.at.as_deref()).map_err(|e| errors.push(e)).ok().flatten();
        match ValidationErrors::from_vec(errors) {
            Some(errors) => Err(errors),
            None => Ok((note, at)),
        }
    }
}

/// A hand-off as typed (FED-1): to a person, a unit, or both, with a reason.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HandOffDraft {
    pub to_user: Option<String>,
    pub to_unit: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// For records entered after the fact: when it happened (instant or day).
    pub at: Option<String>,
}

/// A checked hand-off. Whether the person and unit exist and are in reach is the caller's check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandOff {
    pub to_user: Option<Username>,
    pub to_unit: Option<UnitCode>,
    pub reason: String,
    pub note: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

impl HandOffDraft {
    pub fn parse(&self) -> Result<HandOff, ValidationErrors> {
        let mut errors = Vec::new();
        let to_user = match self.to_user.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Username::parse("to_user", raw).map_err(|e| errors.push(e)).ok(),
        };
        let to_unit = match self.to_unit.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => UnitCode::parse("to_unit", raw).map_err(|e| errors.push(e)).ok(),
        };
        if to_user.is_none() && to_unit.is_none() && errors.is_empty() {
            errors.push(FieldError::new("to_user", Invalid::Required));
        }
        let reason = text::required("reason", self.reason.as_deref(), limits::REASON).map_err(|e| errors.push(e)).ok();
        let note =
            text::optional("note", self.note.as_deref(), limits::NOTE).map_err(|e| errors.push(e)).ok().flatten();
        let at = parse_at(self.at.as_deref()).map_err(|e| errors.push(e)).ok().flatten();
        match (ValidationErrors::from_vec(errors), reason) {
            (Some(errors), _) => Err(errors),
            (None, Some(reason)) => Ok(HandOff { to_user, to_unit, reason, note, at }),
            (None, None) => Err(FieldError::new("reason", Invalid::Required).into()),
        }
    }
}

/// A report to the level above as typed (FED-5): to a named unit above, or by default the parent.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportUpDraft {
    pub to_unit: Option<String>,
    /// What is reported: the situation in brief.
    pub summary: Option<String>,
    pub note: Option<String>,
    /// For records entered after the fact: when it happened (instant or day).
    pub at: Option<String>,
}

/// A checked report; whether `to_unit` is really above the case's unit is the caller's check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportUp {
    pub to_unit: Option<UnitCode>,
    pub summary: String,
    pub note: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

impl ReportUpDraft {
    pub fn parse(&self) -> Result<ReportUp, ValidationErrors> {
        let mut errors = Vec::new();
        let to_unit = match self.to_unit.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => UnitCode::parse("to_unit", raw).map_err(|e| errors.push(e)).ok(),
        };
        let summary =
            text::required("summary", self.summary.as_deref(), limits::REASON).map_err(|e| errors.push(e)).ok();
        let note =
            text::optional("note", self.note.as_deref(), limits::NOTE).map_err(|e| errors.push(e)).ok().flatten();
        let at = parse_at(self.at.as_deref()).map_err(|e| errors.push(e)).ok().flatten();
        match (ValidationErrors::from_vec(errors), summary) {
            (Some(errors), _) => Err(errors),
            (None, Some(summary)) => Ok(ReportUp { to_unit, summary, note, at }),
            (None, None) => Err(FieldError::new("summary", Invalid::Required).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseDraft, PetitionerDraft};
    use crate::category;

    fn registered() -> Event {
        let classes = category::parse_tsv("yjnr\tejnr\tsjnr\n其他\t其他\t其他\n");
        let now = Utc::now();
        let reg = CaseDraft {
            channel: Some("phone".into()),
            unit: Some("XS".into()),
            petitioner: Some(PetitionerDraft { name: Some("张三".into()), ..Default::default() }),
            category: Some("其他 / 其他 / 其他".into()),
            content: Some("路灯坏了".into()),
            flags: vec!["major_urgent".into()],
            ..Default::default()
        }
        .parse(now, &classes)
        .unwrap();
        Event {
            seq: 1,
            occurred_at: now,
            recorded_at: now,
            actor: "officer1".into(),
            note: None,
            data: EventData::Registered { case_number: "XS-2026-000001".into(), registration: Box::new(reg) },
        }
    }

    #[test]
    fn fed_1_registering_user_is_first_receiver_and_owner() {
        let s = CaseState::derive(&[registered()]).unwrap();
        assert_eq!(s.first_receiver, "officer1");
        assert_eq!(s.owner, "officer1");
        assert_eq!(s.holding_unit, "XS");
        assert_eq!(s.status, Status::Registered);
        assert!(s.flags.contains(&Flag::MajorUrgent));
    }

    #[test]
    fn fed_1_hand_off_moves_the_case_but_not_the_first_receiver() {
        let mut h = registered();
        h.seq = 2;
        h.data =
            EventData::HandedOff {
                to_user: Some("wq".into()), to_unit: Some("XS-WQ".into()), reason: "维权办".into()
            };
        let s = CaseState::derive(&[registered(), h]).unwrap();
        assert_eq!((s.first_receiver.as_str(), s.owner.as_str(), s.holding_unit.as_str()), ("officer1", "wq", "XS-WQ"));
    }

    #[test]
    fn gen_7_an_approval_by_the_person_later_accused_no_longer_counts() {
        let at = |seq: i64, actor: &str, data: EventData| Event { seq, actor: actor.into(), data, ..registered() };
        let mut log = vec![
            registered(),
            at(2, "officer1", EventData::Accepted {}),
            at(3, "lead1", EventData::Approved { complete: true }),
        ];
        let s = CaseState::derive(&log).unwrap();
        assert_eq!((s.status, s.approvals.len()), (Status::Approved, 1));
        let named = |user: &str| EventData::AccusedSet {
            name: None,
            unit: None,
            user: Some(user.into()),
            reason: "信访人补充".into(),
        };
        log.push(at(4, "boss", named("lead9")));
        assert_eq!(CaseState::derive(&log).unwrap().status, Status::Approved, "someone else accused");
        log.push(at(5, "boss", named("LEAD1")));
        let s = CaseState::derive(&log).unwrap();
        assert_eq!((s.status, s.approvals.len()), (Status::AwaitingApproval, 0), "back to the leaders");
    }

    #[test]
    fn a_log_must_start_with_a_registration() {
        let mut h = registered();
        h.data = EventData::QueryCodeReissued {};
        assert_eq!(CaseState::derive(&[h]), None);
        assert_eq!(CaseState::derive(&[]), None);
    }

    #[test]
    fn events_round_trip_through_json() {
        let e = registered();
        let json = serde_json::to_string(&e.data).unwrap();
        assert!(json.starts_with(r#"{"kind":"registered""#), "{json}");
        assert_eq!(serde_json::from_str::<EventData>(&json).unwrap(), e.data);
    }

    #[test]
    fn fed_5_report_up_needs_a_summary_and_counts_in_the_state() {
        let e = ReportUpDraft::default().parse().unwrap_err();
        assert_eq!(e.first().field, "summary");
        let ok = ReportUpDraft { summary: Some("集体访 30 人".into()), ..Default::default() }.parse().unwrap();
        assert_eq!(ok.to_unit, None);
        let mut r = registered();
        r.seq = 2;
        r.data = EventData::ReportedUp { to_unit: "XZ".into(), summary: ok.summary };
        assert_eq!(CaseState::derive(&[registered(), r]).unwrap().reported_to, ["XZ"]);
    }

    #[test]
    fn hand_off_needs_a_target_and_a_reason() {
        let e = HandOffDraft::default().parse().unwrap_err();
        let codes: Vec<_> = e.iter().map(|e| (e.field.as_str(), e.code())).collect();
        assert_eq!(codes, [("to_user", "required"), ("reason", "required")]);
        let ok =
            HandOffDraft {
                to_unit: Some("xs-wq".into()), reason: Some("不能当场解决".into()), ..Default::default()
            };
        assert_eq!(ok.parse().unwrap().to_unit.unwrap().as_str(), "XS-WQ");
    }
}
