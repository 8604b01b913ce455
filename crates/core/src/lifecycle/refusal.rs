//! Why an action on a case is refused though its fields were well formed, in Chinese and English.

use crate::Lang;
use crate::event::Status;
use crate::user::Role;

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
    /// GEN-7 (回避): the staff member stood aside from the case; they never hold, lead or act on it.
    #[error("recused")]
    Recused,
    /// 回避 is declared or ordered once.
    #[error("already recused")]
    AlreadyRecused,
    /// 回避: the one who stands aside owns or leads the case; it is handed to someone else first.
    /// `own`: they declare it themselves.
    #[error("recused person holds the case")]
    RecusedHolds { own: bool },
    /// Only the receiving unit objects, accepts an assignment, or handles a case it holds.
    #[error("not the holding unit")]
    NotHoldingUnit,
    /// FED-20: only a letter whose writer cannot be reached is registered only.
    #[error("contact known")]
    ContactKnown,
    #[error("already approved")]
    AlreadyApproved,
    /// FED-1: an online petition already has its first receiver.
    #[error("already taken")]
    AlreadyTaken,
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
    /// SCH-1: the petitioner is not one the unit receives; they are guided elsewhere.
    #[error("outside the petitioners received")]
    OutsidePetitioners,
    /// Only a flag the case has can be cleared.
    #[error("flag not set")]
    FlagNotSet,
    /// GEN-9: the time to rate after the reply has lapsed.
    #[error("rating lapsed")]
    RatingLapsed,
    /// GEN-9: the reply was rated already (one rating per reply).
    #[error("already rated")]
    AlreadyRated,
    /// TWN-1: a closed unit (撤销) takes no case: none registered there, none routed to it.
    #[error("unit closed")]
    UnitClosed { name: String },
    /// TWN-1: a unit is closed only once nothing works through it: its open cases handed on, its
    /// staff moved or disabled, the units below it closed or moved. Each list names what is left.
    #[error("unit not empty")]
    UnitNotEmpty { cases: Vec<String>, staff: Vec<String>, units: Vec<String> },
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
            Refusal::Recused => "recused",
            Refusal::AlreadyRecused => "already_recused",
            Refusal::RecusedHolds { .. } => "recused_holds",
            Refusal::NotHoldingUnit => "not_holding_unit",
            Refusal::ContactKnown => "contact_known",
            Refusal::AlreadyApproved => "already_approved",
            Refusal::AlreadyTaken => "already_taken",
            Refusal::RequestLapsed => "request_lapsed",
            Refusal::NoUnitAbove => "no_unit_above",
            Refusal::NotForwarded => "not_forwarded",
            Refusal::FinalMatterUndecided => "final_matter_undecided",
            Refusal::OutsidePetitioners => "outside_petitioners",
            Refusal::FlagNotSet => "flag_not_set",
            Refusal::RatingLapsed => "rating_lapsed",
            Refusal::AlreadyRated => "already_rated",
            Refusal::UnitClosed { .. } => "unit_closed",
            Refusal::UnitNotEmpty { .. } => "unit_not_empty",
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
                "本件检举、控告的单位须由登记人回避(登记单位本身或其所属单位,或为登记人签发登录链接的管理员所在单位),依《信访工作条例》第三十条不得由其登记办理,请{}登记",
                refer_to.as_deref().map_or("由上级单位".to_owned(), |u| format!("引导信访人向{u}反映,或由{u}"))
            ),
            (Refusal::RegisteredAtAccused { refer_to }, Lang::En) => format!(
                "The case accuses a unit the registering staff member must stand aside from (their unit, the unit it belongs to, or that of the administrator who issued their sign-in link); it is registered by {} (GEN-7)",
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
            (Refusal::Recused, Lang::Zh) => {
                "该工作人员已回避本件,依《信访工作条例》第二十八条不得经手、领办或办理,请交其他工作人员".into()
            }
            (Refusal::Recused, Lang::En) => {
                "That staff member stood aside from the case; they may not hold, lead or handle it".into()
            }
            (Refusal::AlreadyRecused, Lang::Zh) => "该工作人员已回避本件,无需重复".into(),
            (Refusal::AlreadyRecused, Lang::En) => "That staff member stood aside from the case already".into(),
            (Refusal::RecusedHolds { own: true }, Lang::Zh) => {
                "您是本件的包案人或包案领导:请先将本件移交他人(或由领导另定包案领导),再申请回避".into()
            }
            (Refusal::RecusedHolds { own: false }, Lang::Zh) => {
                "该工作人员是本件的包案人或包案领导:请先将本件移交他人(或另定包案领导),再决定其回避".into()
            }
            (Refusal::RecusedHolds { .. }, Lang::En) => {
                "They own or lead the case: hand it to someone else first, then recuse them".into()
            }
            (Refusal::NotHoldingUnit, Lang::Zh) => "只有当前承办单位可以执行此操作".into(),
            (Refusal::NotHoldingUnit, Lang::En) => "Only the unit that holds the case may do this".into(),
            (Refusal::ContactKnown, Lang::Zh) => "信访人有联系电话或地址,应依法告知,不能仅作登记处理".into(),
            (Refusal::ContactKnown, Lang::En) => {
                "The petitioner can be reached; the case cannot be registered only".into()
            }
            (Refusal::AlreadyApproved, Lang::Zh) => "您已审批过该处理意见,需由另一位领导审批".into(),
            (Refusal::AlreadyApproved, Lang::En) => "You approved this opinion already; another leader must".into(),
            (Refusal::AlreadyTaken, Lang::Zh) => "该件已有首问责任人,不能再领取".into(),
            (Refusal::AlreadyTaken, Lang::En) => "This case already has its first receiver".into(),
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
            (Refusal::OutsidePetitioners, Lang::Zh) => {
                "信访人不属于本单位的受理对象,应引导其向有关单位反映:请作不予受理并写明引导去向(引导告知),\
                 或转办;如核实属于受理对象,请写明情况后撤销“非受理对象”提示"
                    .into()
            }
            (Refusal::OutsidePetitioners, Lang::En) => {
                "The petitioner is not one the unit receives (SCH-1): guide them elsewhere (reject with the channel, or transfer), or clear the flag with the reason".into()
            }
            (Refusal::FlagNotSet, Lang::Zh) => "本件没有该项提示,无需撤销".into(),
            (Refusal::FlagNotSet, Lang::En) => "The case does not have that flag".into(),
            (Refusal::RatingLapsed, Lang::Zh) => "评价期限已过,不能再评价".into(),
            (Refusal::RatingLapsed, Lang::En) => "The time to rate the reply has lapsed".into(),
            (Refusal::AlreadyRated, Lang::Zh) => "本次答复已经评价过,不能重复评价".into(),
            (Refusal::AlreadyRated, Lang::En) => "This reply was rated already".into(),
            (Refusal::UnitClosed { name }, Lang::Zh) => format!("{name}已撤销,不再登记、接收信访件"),
            (Refusal::UnitClosed { name }, Lang::En) => format!("{name} is closed: it takes no case"),
            (Refusal::UnitNotEmpty { cases, staff, units }, Lang::Zh) => {
                let mut left = Vec::new();
                if !cases.is_empty() {
                    left.push(format!("先移交在办信访件 {}", cases.join("、")));
                }
                if !staff.is_empty() {
                    left.push(format!("将在岗人员 {} 调往其他单位或停用", staff.join("、")));
                }
                if !units.is_empty() {
                    left.push(format!("先撤销或调整下属单位 {}", units.join("、")));
                }
                format!("单位尚不能撤销:请{}", left.join(";"))
            }
            (Refusal::UnitNotEmpty { cases, staff, units }, Lang::En) => {
                let left: Vec<String> =
                    [("open cases to hand on", cases), ("staff to move or disable", staff), ("units below", units)]
                        .into_iter()
                        .filter(|(_, items)| !items.is_empty())
                        .map(|(what, items)| format!("{what}: {}", items.join(", ")))
                        .collect();
                format!("The unit cannot be closed yet: {}", left.join("; "))
            }
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
        "take" => "领取",
        "return-opinion" => "退回修改",
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
        "set-accused" => "更正被反映对象",
        "hand-off" => "移交",
        "report-up" => "上报",
        "recuse" => "决定他人回避",
        _ => "执行此操作",
    }
}
