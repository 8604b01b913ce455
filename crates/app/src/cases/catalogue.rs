//! The one description of a case's actions. For each: the name of its API operation, the path
//! segment the API and the staff forms share, the API path, its draft as typed, its variant of
//! [`CaseAction`](crate::cases::CaseAction), and what it does (the operation's description). The
//! enum, the parser of a body or a form, the API's operations and its routes are all made from this
//! list, so an action added here is offered everywhere at once.

/// Calls `$then!` with the catalogue of case actions, one
/// `(operation, segment, path, Draft, Variant, "description")` a row. The drafts are named as the
/// calling module has them in scope.
#[macro_export]
macro_rules! for_each_case_action {
    ($then:ident) => {
        $then! {
            (set_accused, "set-accused", "/cases/{id}/set-accused", SetAccusedDraft, SetAccused,
                 "更正被反映对象 (GEN-7): sets or corrects the person or unit the case accuses, with the reason. The \
                 case may not then be held or owned by the accused unit or its departments, nor owned or led by the \
                 accused staff member (409 accused_unit): route it out of their reach first. From then on the newly \
                 accused do not see the case; `user` left out keeps the accused staff member as they are."),
            (take, "take", "/cases/{id}/take", ActionDraft, Take,
                 "领取 (FED-1): an officer, leader or supervisor of the holding unit itself takes an online petition nobody has taken yet from the unit's queue (`GET /cases?owner=online`) and becomes its first receiver and owner; 409 `already_taken` once someone has. Sorting an untaken petition at once (accept, answer, reject, assign, transfer, escalate) takes it too."),
            (accept, "accept", "/cases/{id}/accept", ActionDraft, Accept,
                 "受理 (GEN-3): accepts a registered case, or the receiving unit accepts an assigned one; the sorting, notice and objection limits are met and the handling limit starts (GEN-4)."),
            (extend, "extend", "/cases/{id}/extend", ExtendDraft, Extend,
                 "延期 (GEN-4): once, by a leader, by 1 to the unit's maximum days (national 30), with the reason told to the petitioner."),
            (answer, "answer", "/cases/{id}/answer", AnswerDraft, Answer,
                 "当场答复 (FED-15): a help, law or policy question answered on the spot; the case closes."),
            (reject, "reject", "/cases/{id}/reject", RejectDraft, Reject,
                 "不予受理 (GEN-3, TWN-3): not accepted, with the reason and where to turn instead (including court, arbitration or administrative review)."),
            (register_only, "register-only", "/cases/{id}/register-only", ReasonDraft, RegisterOnly,
                 "作登记处理 (FED-20): an unclear letter whose writer cannot be reached is kept on record only."),
            (assign, "assign", "/cases/{id}/assign", SendDraft, Assign,
                 "交办 (FED-16): to a unit under our authority, optionally to a named owner there; never to the unit the case accuses (GEN-7)."),
            (transfer, "transfer", "/cases/{id}/transfer", SendDraft, Transfer,
                 "转办 (FED-17): to the competent unit by territory; never to the unit the case accuses (GEN-7)."),
            (object, "object", "/cases/{id}/object", ReasonDraft, Object,
                 "异议 (GEN-3 ¶3): the receiving unit says the case is not its own, within 5 working days; it goes back to the sender."),
            (escalate, "escalate", "/cases/{id}/escalate", SendDraft, Escalate,
                 "上交 (FED-7, TWN-4): to the unit above (or a named unit higher up), which sorts it anew."),
            (opinion, "opinion", "/cases/{id}/opinion", OpinionDraft, Opinion,
                 "拟定处理意见 (GEN-4): the draft handling opinion; a new draft replaces the old and its approvals."),
            (approve, "approve", "/cases/{id}/approve", ActionDraft, Approve,
                 "审批 (TWN-11): a leader approves the draft; the unit's number of approvals (default 2) completes it."),
            (return_opinion, "return-opinion", "/cases/{id}/return-opinion", ReturnOpinionDraft, ReturnOpinion,
                 "退回修改 (TWN-11): a leader returns the draft awaiting approval with a `comment` for the drafter, who is told; the approvals given lapse and the case is back to drafting."),
            (reply, "reply", "/cases/{id}/reply", ActionDraft, Reply,
                 "答复: the approved opinion is sent; the handling (or review) limit is met and the petitioner's time to ask for review starts (GEN-5)."),
            (rate, "rate", "/cases/{id}/rate", RateDraft, Rate,
                 "评价 (GEN-9): the petitioner's rating of the office and of the handling unit, recorded by staff."),
            (review_request, "review-request", "/cases/{id}/review-request", ReasonDraft, ReviewRequest,
                 "申请复查 / 复核 (GEN-5): within the petitioner's limit; the unit above takes the case. After re-review the case is final."),
            (close, "close", "/cases/{id}/close", ActionDraft, Close,
                 "办结: closed after the reply."),
            (hearing, "hearing", "/cases/{id}/hearing", HearingDraft, Hearing,
                 "听证 (TWN-12): participants, opinions and conclusion of a hearing held before the decision; its days do not count against a re-review's limit (GEN-5)."),
            (instruct, "instruct", "/cases/{id}/instruct", InstructDraft, Instruct,
                 "批示 (SCH-7): a leader's instruction on a case not yet ended."),
            (liaison, "liaison", "/cases/{id}/liaison", LiaisonDraft, Liaison,
                 "联系公检法司 (FED-19): liaison with public security, procuratorate, court or justice bureau, recorded."),
            (return_visit, "return-visit", "/cases/{id}/return-visit", ReturnVisitDraft, ReturnVisit,
                 "回访 (CDR-3): by phone or in person after the reply, with the outcome and the rating (GEN-9); `reopen` (only when dissatisfied) starts handling again."),
            (assign_leader, "assign-leader", "/cases/{id}/assign-leader", LeaderDraft, AssignLeader,
                 "包案领导 (TWN-5, CDR-2): the leader who owns the case end to end beside its owner."),
            (report_back, "report-back", "/cases/{id}/report-back", ReportBackDraft, ReportBack,
                 "反馈 (FED-18, SCH-3): the result of a case forwarded from above, reported back to that unit, which is told at once."),
            (flag, "flag", "/cases/{id}/flag", FlagDraft, Flag,
                 "研判提示 (FED-11, FED-6, TWN-14): flags the case (`repeat`, `skip_level`, `final_matter`, `collective`, …) with the related cases' numbers and the reason; `collective` with `related` links other people's cases as one collective matter."),
            (clear_flag, "clear-flag", "/cases/{id}/clear-flag", ClearFlagDraft, ClearFlag,
                 "撤销提示: takes a flag off with the reason. For `final_matter` (不再受理, GEN-5) the reason records the receiver's decision that the petition brings new facts and reasons; until then the case cannot be accepted."),
            (investigation, "investigation", "/cases/{id}/investigation", InstructDraft, Investigation,
                 "调查笔录 (FED-13): what the handling unit found (`text`), kept in the case file."),
            (hand_off, "hand-off", "/cases/{id}/hand-off", HandOffDraft, HandOff,
                 "移交 (FED-1): hands the case to another person or unit in the caller's scope; the first receiver stays on record."),
            (recuse, "recuse", "/cases/{id}/recuse", RecuseDraft, Recuse,
                 "回避 (GEN-7, 《信访工作条例》第二十八条): a staff member with a direct interest in the case stands aside: `user` is the caller's own login name to declare their own, or (a leader, supervisor or administrator) that of a staff member of their units to order it; required, as is `reason`. `reason` is required. Refused (409 `recused_holds`) while that person owns or leads the case: hand it on first. From then on the case does not exist for them (404 on every read, left out of every list, count and notice), it is never routed to them (409 `recused`), their approval of the current draft no longer counts, and the timeline records it."),
            (report_up, "report-up", "/cases/{id}/report-up", ReportUpDraft, ReportUp,
                 "上报 (FED-5): reports a major or prominent case to a unit above the registering one (by default its parent); the level above sees the report."),
        }
    };
}
