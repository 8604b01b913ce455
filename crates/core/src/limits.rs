//! The time limits of the regulation as data (GEN-2 … GEN-5, GEN-8, SCH-7, TWN-3, TWN-11): the
//! national defaults, province presets, and the deadlines of a case derived from its events.
//!
//! Every limit is a value a unit may change, never a constant in the code that applies it: provinces
//! set stricter limits than 《信访工作条例》.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, Due, Limit, due_date};
use crate::case::CHINA_OFFSET;
use crate::case::Registration;
use crate::event::{Event, EventData, Rating};

/// Which limit a deadline is (INTERFACE.md `deadlines[].kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// 转送、交办: sort the case within the limit from registration (GEN-2).
    Sorting,
    /// 书面告知: tell the petitioner whether and how the case is handled (GEN-3).
    Notice,
    /// 异议: an assignee that is not competent objects (GEN-3 ¶3).
    Objection,
    /// 办理: the written handling opinion (GEN-4).
    Handling,
    /// 申请复查
    ReviewRequest,
    /// 复查
    Review,
    /// 申请复核
    ReReviewRequest,
    /// 复核
    ReReview,
    /// 回访 (CDR-3): the owner follows up a 不满意 rating with a return visit.
    ReturnVisit,
}

impl DeadlineKind {
    pub const ALL: [DeadlineKind; 9] = [
        DeadlineKind::Sorting,
        DeadlineKind::Notice,
        DeadlineKind::Objection,
        DeadlineKind::Handling,
        DeadlineKind::ReviewRequest,
        DeadlineKind::Review,
        DeadlineKind::ReReviewRequest,
        DeadlineKind::ReReview,
        DeadlineKind::ReturnVisit,
    ];

    pub fn parse(raw: &str) -> Option<DeadlineKind> {
        DeadlineKind::ALL.into_iter().find(|k| k.code() == raw)
    }

    pub fn code(self) -> &'static str {
        match self {
            DeadlineKind::Sorting => "sorting",
            DeadlineKind::Notice => "notice",
            DeadlineKind::Objection => "objection",
            DeadlineKind::Handling => "handling",
            DeadlineKind::ReviewRequest => "review_request",
            DeadlineKind::Review => "review",
            DeadlineKind::ReReviewRequest => "re_review_request",
            DeadlineKind::ReReview => "re_review",
            DeadlineKind::ReturnVisit => "return_visit",
        }
    }

    /// Whose step this is: the office answers for its own (supervised, overdue when past); the
    /// review and re-review requests are the petitioner's windows, never the office's lateness.
    pub fn owner(self) -> DeadlineOwner {
        match self {
            DeadlineKind::ReviewRequest | DeadlineKind::ReReviewRequest => DeadlineOwner::Petitioner,
            _ => DeadlineOwner::Office,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DeadlineKind::Sorting => "转送交办",
            DeadlineKind::Notice => "书面告知",
            DeadlineKind::Objection => "提出异议",
            DeadlineKind::Handling => "出具处理意见",
            DeadlineKind::ReviewRequest => "申请复查",
            DeadlineKind::Review => "复查答复",
            DeadlineKind::ReReviewRequest => "申请复核",
            DeadlineKind::ReReview => "复核答复",
            DeadlineKind::ReturnVisit => "回访",
        }
    }

    /// For the English public pages.
    pub fn label_en(self) -> &'static str {
        match self {
            DeadlineKind::Sorting => "Sent on to the competent unit",
            DeadlineKind::Notice => "Written notice whether it is accepted",
            DeadlineKind::Objection => "Objection by the receiving unit",
            DeadlineKind::Handling => "Written handling opinion",
            DeadlineKind::ReviewRequest => "Asking for review",
            DeadlineKind::Review => "Review answered",
            DeadlineKind::ReReviewRequest => "Asking for re-review",
            DeadlineKind::ReReview => "Re-review answered",
            DeadlineKind::ReturnVisit => "Return visit after a dissatisfied rating",
        }
    }
}

/// Whose step a deadline is (issue 17).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineOwner {
    /// The office's: it answers for the step, supervision follows it, and past its day it is overdue.
    Office,
    /// The petitioner's: a window they may use (to ask for review), shown as "可申请复查至…".
    Petitioner,
}

impl DeadlineOwner {
    pub fn code(self) -> &'static str {
        match self {
            DeadlineOwner::Office => "office",
            DeadlineOwner::Petitioner => "petitioner",
        }
    }
}

/// A unit's limits. Units without their own take their parent's, up to the national defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitRules {
    /// The preset these rules started from (`national`, `zhejiang`), for people reading them.
    pub preset: String,
    pub sorting: Limit,
    pub notice: Limit,
    pub objection: Limit,
    pub handling: Limit,
    /// The longest single extension of the handling limit (GEN-4).
    pub extension_max: Limit,
    pub review_request: Limit,
    pub review: Limit,
    pub re_review_request: Limit,
    pub re_review: Limit,
    /// How long before a due date its owner is reminded (督办 "due soon").
    #[serde(default = "default_remind_before")]
    pub remind_before: Limit,
    /// How long after a due date an open supervision item goes to the unit above.
    #[serde(default = "default_escalate_after")]
    pub escalate_after: Limit,
    /// How many leaders approve a handling opinion before the reply: the receiving leader and the
    /// leader in charge (TWN-11), or one where the unit says so.
    #[serde(default = "default_approvals")]
    pub approvals_required: u8,
    /// How many levels above the unit that replied a review (复查) or re-review (复核) request goes:
    /// 1, the unit directly above, as the regulation has it; more where a province routes reviews to
    /// a higher office. A shorter tree ends at its top.
    #[serde(default = "default_review_levels")]
    pub review_levels_up: u8,
    /// How long after the reply the petitioner may rate the petition office and the handling unit
    /// (GEN-9); a rating window that lapsed counts against 参评率.
    #[serde(default = "default_rating_window")]
    pub rating_window: Limit,
    /// How long the owner has to pay a return visit after a 不满意 rating (CDR-3).
    #[serde(default = "default_return_visit")]
    pub return_visit: Limit,
    /// How long a petition staff member may go without training before the unit's supervisors are
    /// warned (FED-14: every half year).
    #[serde(default = "default_training_interval")]
    pub training_interval: Limit,
    /// 急事急办 (COM-5): the limits of an urgent case, in place of `sorting`, `notice` and `handling`
    /// (a unit sets them as it sets the others).
    #[serde(default = "default_urgent_sorting")]
    pub urgent_sorting: Limit,
    #[serde(default = "default_urgent_notice")]
    pub urgent_notice: Limit,
    #[serde(default = "default_urgent_handling")]
    pub urgent_handling: Limit,
    /// How long a complaint against staff takes to be investigated and concluded (FED-12, CDR-5).
    #[serde(default = "default_complaint_handling")]
    pub complaint_handling: Limit,
    /// The lowest rank (职级) of a leader on the month's reception table (TWN-7: 副科级 or above for
    /// a town), one of [`crate::reception::rank_names`].
    #[serde(default = "default_reception_min_rank")]
    pub reception_min_rank: String,
    /// The working day of the month by which the month's leaders' reception table is published
    /// (TWN-9: at the start of the month, the first working day); 1 to 10.
    #[serde(default = "default_reception_publish_by")]
    pub reception_publish_by: u8,
    /// The working day of the month by which the month before is screened and signed off (TWN-13:
    /// 每月排查, at the start of each month); 1 to 10.
    #[serde(default = "default_screening_by")]
    pub screening_by: u8,
}

fn default_urgent_sorting() -> Limit {
    Limit::CalendarDays(3)
}

fn default_urgent_notice() -> Limit {
    Limit::CalendarDays(3)
}

fn default_urgent_handling() -> Limit {
    Limit::CalendarDays(15)
}

fn default_screening_by() -> u8 {
    5
}

fn default_reception_min_rank() -> String {
    "副科级".into()
}

fn default_reception_publish_by() -> u8 {
    1
}

fn default_complaint_handling() -> Limit {
    Limit::CalendarDays(30)
}

fn default_training_interval() -> Limit {
    Limit::CalendarDays(183)
}

fn default_return_visit() -> Limit {
    Limit::WorkingDays(10)
}

fn default_rating_window() -> Limit {
    Limit::CalendarDays(30)
}

fn default_review_levels() -> u8 {
    1
}

fn default_approvals() -> u8 {
    2
}

fn default_remind_before() -> Limit {
    Limit::WorkingDays(3)
}

fn default_escalate_after() -> Limit {
    Limit::WorkingDays(5)
}

/// The unit that reviews: `levels` up the list of units above (nearest first), or the top of a
/// shorter tree; none when there is no unit above.
pub fn reviewing_unit<T>(above: Vec<T>, levels: u8) -> Option<T> {
    let wanted = usize::from(levels.max(1)) - 1;
    let count = above.len();
    above.into_iter().nth(wanted.min(count.saturating_sub(1)))
}

impl LimitRules {
    /// 《信访工作条例》 (2022): 15 日 to sort and to notify, 5 工作日 to object, 60 日 to handle with one
    /// extension of up to 30 日, 30 日 to ask for and to answer a review or re-review.
    pub fn national() -> LimitRules {
        LimitRules {
            preset: "national".into(),
            sorting: Limit::CalendarDays(15),
            notice: Limit::CalendarDays(15),
            objection: Limit::WorkingDays(5),
            handling: Limit::CalendarDays(60),
            extension_max: Limit::CalendarDays(30),
            review_request: Limit::CalendarDays(30),
            review: Limit::CalendarDays(30),
            re_review_request: Limit::CalendarDays(30),
            re_review: Limit::CalendarDays(30),
            remind_before: default_remind_before(),
            escalate_after: default_escalate_after(),
            approvals_required: default_approvals(),
            review_levels_up: default_review_levels(),
            rating_window: default_rating_window(),
            return_visit: default_return_visit(),
            training_interval: default_training_interval(),
            urgent_sorting: default_urgent_sorting(),
            urgent_notice: default_urgent_notice(),
            urgent_handling: default_urgent_handling(),
            complaint_handling: default_complaint_handling(),
            reception_min_rank: default_reception_min_rank(),
            reception_publish_by: default_reception_publish_by(),
            screening_by: default_screening_by(),
        }
    }

    /// 浙江: decide and notify within 5 工作日; close within 30 日, extendable by up to 60 more (as
    /// the requirements state it).
    pub fn zhejiang() -> LimitRules {
        LimitRules {
            preset: "zhejiang".into(),
            sorting: Limit::WorkingDays(5),
            notice: Limit::WorkingDays(5),
            handling: Limit::CalendarDays(30),
            extension_max: Limit::CalendarDays(60),
            ..LimitRules::national()
        }
    }

    /// 山东: a review request is accepted within 3 工作日; otherwise the national limits.
    pub fn shandong() -> LimitRules {
        LimitRules { preset: "shandong".into(), review_request: Limit::WorkingDays(3), ..LimitRules::national() }
    }

    pub const PRESETS: [&'static str; 3] = ["national", "zhejiang", "shandong"];

    /// The rules a case with these flags counts by: an urgent case's sorting, notice and handling
    /// limits are the unit's urgent ones (COM-5).
    pub fn for_flags<'a>(&self, flags: impl IntoIterator<Item = &'a crate::case::Flag>) -> LimitRules {
        let mut rules = self.clone();
        if flags.into_iter().any(|f| *f == crate::case::Flag::Urgent) {
            rules.sorting = self.urgent_sorting;
            rules.notice = self.urgent_notice;
            rules.handling = self.urgent_handling;
        }
        rules
    }

    pub fn preset(name: &str) -> Option<LimitRules> {
        match name {
            "national" => Some(LimitRules::national()),
            "zhejiang" => Some(LimitRules::zhejiang()),
            "shandong" => Some(LimitRules::shandong()),
            _ => None,
        }
    }
}

impl LimitRules {
    /// Every limit counted in days, by its field name (as in the JSON), in the order forms list them.
    pub fn named_limits(&self) -> [(&'static str, Limit); 18] {
        [
            ("sorting", self.sorting),
            ("notice", self.notice),
            ("objection", self.objection),
            ("handling", self.handling),
            ("urgent_sorting", self.urgent_sorting),
            ("urgent_notice", self.urgent_notice),
            ("urgent_handling", self.urgent_handling),
            ("extension_max", self.extension_max),
            ("review_request", self.review_request),
            ("review", self.review),
            ("re_review_request", self.re_review_request),
            ("re_review", self.re_review),
            ("remind_before", self.remind_before),
            ("escalate_after", self.escalate_after),
            ("rating_window", self.rating_window),
            ("return_visit", self.return_visit),
            ("training_interval", self.training_interval),
            ("complaint_handling", self.complaint_handling),
        ]
    }

    /// The limit named `field` (a name of [`LimitRules::named_limits`]), to change it.
    pub fn limit_mut(&mut self, field: &str) -> Option<&mut Limit> {
        Some(match field {
            "sorting" => &mut self.sorting,
            "notice" => &mut self.notice,
            "objection" => &mut self.objection,
            "handling" => &mut self.handling,
            "urgent_sorting" => &mut self.urgent_sorting,
            "urgent_notice" => &mut self.urgent_notice,
            "urgent_handling" => &mut self.urgent_handling,
            "extension_max" => &mut self.extension_max,
            "review_request" => &mut self.review_request,
            "review" => &mut self.review,
            "re_review_request" => &mut self.re_review_request,
            "re_review" => &mut self.re_review,
            "remind_before" => &mut self.remind_before,
            "escalate_after" => &mut self.escalate_after,
            "rating_window" => &mut self.rating_window,
            "return_visit" => &mut self.return_visit,
            "training_interval" => &mut self.training_interval,
            "complaint_handling" => &mut self.complaint_handling,
            _ => return None,
        })
    }

    /// How staff call a limit of [`LimitRules::named_limits`] or another rule, and the regulation's
    /// article or seed rule it comes from.
    pub fn label_zh(field: &str) -> &'static str {
        match field {
            "sorting" => "登记后决定是否受理(分类处理)",
            "notice" => "书面告知信访人",
            "objection" => "对转交、交办提出异议",
            "handling" => "办理并答复",
            "urgent_sorting" => "急事急办:决定是否受理",
            "urgent_notice" => "急事急办:书面告知信访人",
            "urgent_handling" => "急事急办:办理并答复",
            "extension_max" => "延期最长",
            "review_request" => "信访人申请复查",
            "review" => "复查答复",
            "re_review_request" => "信访人申请复核",
            "re_review" => "复核答复",
            "remind_before" => "到期前提醒承办人",
            "escalate_after" => "逾期后报上级督办",
            "rating_window" => "答复后信访人评价",
            "return_visit" => "不满意后回访",
            "training_interval" => "信访干部培训间隔(超过即提醒)",
            "complaint_handling" => "对接待人员的投诉调查办结",
            "approvals_required" => "办理意见须经几位领导审批",
            "review_levels_up" => "复查、复核向上几级",
            _ => "",
        }
    }

    /// Checks that every limit is between 1 and 3650 days; the error names the first that is not.
    pub fn checked(self) -> Result<LimitRules, String> {
        for (field, limit) in self.named_limits() {
            let (Limit::CalendarDays(n) | Limit::WorkingDays(n)) = limit;
            if !(1..=3650).contains(&n) {
                return Err(format!("rules.{field}"));
            }
        }
        if !(1..=2).contains(&self.approvals_required) {
            return Err("rules.approvals_required".into());
        }
        if !(1..=3).contains(&self.review_levels_up) {
            return Err("rules.review_levels_up".into());
        }
        if !(1..=10).contains(&self.reception_publish_by) {
            return Err("rules.reception_publish_by".into());
        }
        if !(1..=10).contains(&self.screening_by) {
            return Err("rules.screening_by".into());
        }
        if crate::reception::rank_level(&self.reception_min_rank).is_none() {
            return Err("rules.reception_min_rank".into());
        }
        Ok(self)
    }

    /// The longest extension in days (GEN-4).
    pub fn extension_max_days(&self) -> u32 {
        match self.extension_max {
            Limit::CalendarDays(n) | Limit::WorkingDays(n) => n,
        }
    }
}

impl Default for LimitRules {
    fn default() -> Self {
        LimitRules::national()
    }
}

/// One time limit of a case: what it counts from, when it is due, and when it was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub kind: DeadlineKind,
    /// The day of the event the limit counts from (China time; the day itself is not counted).
    pub start: NaiveDate,
    pub limit: Limit,
    /// Calendar days added by an approved extension (GEN-4); 0 without one.
    pub extension_days: u32,
    pub due: Due,
    pub met_at: Option<DateTime<Utc>>,
}

/// Where an open deadline stands today (督办).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Met,
    OnTrack,
    /// Due within the reminder window, or today.
    DueSoon,
    /// Past due by so many days.
    Overdue(i64),
}

impl Deadline {
    /// A deadline of `limit` counted from `start` over `calendar`.
    pub fn new(kind: DeadlineKind, start: NaiveDate, limit: Limit, calendar: &Calendar) -> Deadline {
        Deadline { kind, start, limit, extension_days: 0, due: due_date(calendar, start, limit), met_at: None }
            .recounted(calendar)
    }

    /// The same deadline counted over `calendar` (after a year's schedule is loaded or replaced).
    /// An extension runs on from the original due date in calendar days.
    pub fn recounted(&self, calendar: &Calendar) -> Deadline {
        let base = due_date(calendar, self.start, self.limit);
        let due = if self.extension_days == 0 {
            base
        } else {
            let extended = due_date(calendar, base.date, Limit::CalendarDays(self.extension_days));
            Due { date: extended.date, provisional: base.provisional || extended.provisional }
        };
        Deadline { due, ..*self }
    }

    /// Days from `today` to the due date (negative when overdue); `None` once met.
    pub fn days_left(&self, today: NaiveDate) -> Option<i64> {
        self.met_at.is_none().then(|| (self.due.date - today).num_days())
    }

    /// Whether the deadline is met, on track, due soon (within `remind_before`) or overdue.
    pub fn urgency(&self, today: NaiveDate, calendar: &Calendar, remind_before: Limit) -> Urgency {
        match self.days_left(today) {
            None => Urgency::Met,
            Some(n) if n < 0 => Urgency::Overdue(-n),
            Some(_) if due_date(calendar, today, remind_before).date >= self.due.date => Urgency::DueSoon,
            Some(_) => Urgency::OnTrack,
        }
    }
}

/// The earliest due date among the office's open deadlines: what lists sort and filter by, and
/// what makes a case overdue. The petitioner's windows are not the office's due dates.
pub fn next_due(deadlines: &[Deadline]) -> Option<NaiveDate> {
    deadlines.iter().filter(|d| d.met_at.is_none() && d.kind.owner() == DeadlineOwner::Office).map(|d| d.due.date).min()
}

/// The China date of an instant: limits count whole days in China.
pub fn china_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&CHINA_OFFSET).date_naive()
}

/// The deadlines a registration opens (GEN-2, GEN-3): sorting and notice, from the day of receipt;
/// an urgent case's by the urgent limits (COM-5).
pub fn registration_deadlines(registration: &Registration, rules: &LimitRules, calendar: &Calendar) -> Vec<Deadline> {
    let rules = rules.for_flags(&registration.flags);
    let received = china_day(registration.received_at);
    [(DeadlineKind::Sorting, rules.sorting), (DeadlineKind::Notice, rules.notice)]
        .into_iter()
        .map(|(kind, limit)| Deadline::new(kind, received, limit, calendar))
        .collect()
}

/// Where a case stands for a rating (GEN-9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingWindow {
    /// The petitioner may rate until this day.
    Open { until: Due },
    /// No reply was given yet.
    NotReplied,
    /// The window after the last reply lapsed.
    Lapsed,
    /// A rating was given since the last reply: one per reply.
    Rated,
}

/// Whether a rating may be given on `today`: after a reply, within the rules' window from the last
/// reply (counted as any limit, GEN-8), once per reply.
pub fn rating_window(events: &[Event], rules: &LimitRules, calendar: &Calendar, today: NaiveDate) -> RatingWindow {
    let Some(last_reply) = events.iter().rposition(|e| matches!(e.data, EventData::Replied {})) else {
        return RatingWindow::NotReplied;
    };
    if events[last_reply..].iter().any(|e| matches!(e.data, EventData::Rated { .. })) {
        return RatingWindow::Rated;
    }
    let until = due_date(calendar, china_day(events[last_reply].occurred_at), rules.rating_window);
    if today > until.date { RatingWindow::Lapsed } else { RatingWindow::Open { until } }
}

/// Marks the open deadlines of the given kinds met at `at`.
fn meet(current: &[Deadline], kinds: &[DeadlineKind], at: DateTime<Utc>) -> Vec<Deadline> {
    current
        .iter()
        .map(|d| if d.met_at.is_none() && kinds.contains(&d.kind) { Deadline { met_at: Some(at), ..*d } } else { *d })
        .collect()
}

/// Opens a deadline from the event's day, replacing an earlier one of the same kind.
fn open(
    mut current: Vec<Deadline>,
    kind: DeadlineKind,
    at: DateTime<Utc>,
    limit: Limit,
    calendar: &Calendar,
) -> Vec<Deadline> {
    current.retain(|d| d.kind != kind);
    current.push(Deadline::new(kind, china_day(at), limit, calendar));
    current
}

/// The deadlines after one more event (GEN-2 … GEN-5): the event may meet some and open others.
/// Events that do neither (a hand-off, a report up, a rating) leave them as they are.
pub fn after_event(current: &[Deadline], event: &Event, rules: &LimitRules, calendar: &Calendar) -> Vec<Deadline> {
    use DeadlineKind::*;
    let at = event.occurred_at;
    match &event.data {
        EventData::Registered { registration, .. } => registration_deadlines(registration, rules, calendar),
        // Marked urgent on the way (COM-5): an open sorting, notice or handling limit runs on by the
        // urgent one from the day it is marked, where that ends sooner than it would; a limit met
        // stays met, and no step is late for the days before anyone knew.
        EventData::Flagged { flag: crate::case::Flag::Urgent, .. } => {
            let urgent = rules.for_flags(&[crate::case::Flag::Urgent]);
            current
                .iter()
                .map(|d| {
                    let limit = match d.kind {
                        Sorting => urgent.sorting,
                        Notice => urgent.notice,
                        Handling => urgent.handling,
                        _ => return *d,
                    };
                    let from_now = Deadline::new(d.kind, china_day(at), limit, calendar);
                    if d.met_at.is_none() && from_now.due.date < d.due.date { from_now } else { *d }
                })
                .collect()
        }
        EventData::HandedOff { .. }
        | EventData::ReportedUp { .. }
        | EventData::QueryCodeReissued {}
        | EventData::OpinionDrafted { .. }
        | EventData::Approved { .. }
        | EventData::OpinionReturned { .. }
        | EventData::Taken {}
        | EventData::Instructed { .. }
        | EventData::LiaisonRecorded { .. }
        | EventData::LeaderAssigned { .. }
        | EventData::ReportedBack { .. }
        | EventData::InvestigationNoted { .. }
        | EventData::AttachmentAdded { .. }
        | EventData::Flagged { .. }
        | EventData::FlagCleared { .. }
        | EventData::AccusedSet { .. }
        | EventData::Recused { .. } => current.to_vec(),
        // A 不满意 rating opens the owner's return visit (CDR-3); other ratings change nothing.
        EventData::Rated { office, unit, .. } if *office == Rating::Dissatisfied || *unit == Rating::Dissatisfied => {
            open(current.to_vec(), ReturnVisit, at, rules.return_visit, calendar)
        }
        EventData::Rated { .. } => current.to_vec(),
        // The return visit meets its limit; reopened after it, handling starts again from that day.
        EventData::ReturnVisited { reopened: true, .. } => {
            open(meet(current, &[ReturnVisit], at), Handling, at, rules.handling, calendar)
        }
        EventData::ReturnVisited { .. } => meet(current, &[ReturnVisit], at),
        // Sorted and answered; the petitioner is told in the same act (GEN-2, GEN-3).
        EventData::Answered { .. } | EventData::Rejected { .. } | EventData::RegisteredOnly { .. } => {
            meet(current, &[Sorting, Notice], at)
        }
        // Sorted; the receiving unit has its limit to object (GEN-3 ¶3). A transfer tells the
        // petitioner where the case went; an assignment does when the assignee accepts.
        EventData::Assigned { .. } => open(meet(current, &[Sorting], at), Objection, at, rules.objection, calendar),
        EventData::Transferred { .. } => {
            open(meet(current, &[Sorting, Notice], at), Objection, at, rules.objection, calendar)
        }
        EventData::Objected { .. } => meet(current, &[Objection], at),
        // The level above sorts the case anew.
        EventData::Escalated { .. } => open(current.to_vec(), Sorting, at, rules.sorting, calendar),
        // The acceptance sorts the case and its notice tells the petitioner; the handling limit
        // counts from that day (GEN-4).
        EventData::Accepted {} => {
            open(meet(current, &[Sorting, Notice, Objection], at), Handling, at, rules.handling, calendar)
        }
        EventData::Extended { days, .. } => current
            .iter()
            .map(|d| match d.kind {
                Handling if d.met_at.is_none() => Deadline { extension_days: *days, ..*d }.recounted(calendar),
                _ => *d,
            })
            .collect(),
        // The reply meets the round's limit and opens the petitioner's time to ask for the next (GEN-5).
        EventData::Replied {} => {
            let met = meet(current, &[Handling, Review, ReReview], at);
            if current.iter().any(|d| d.kind == ReReview) {
                met
            } else if current.iter().any(|d| d.kind == Review) {
                open(met, ReReviewRequest, at, rules.re_review_request, calendar)
            } else {
                open(met, ReviewRequest, at, rules.review_request, calendar)
            }
        }
        EventData::ReviewRequested { .. } => {
            if current.iter().any(|d| d.kind == ReReviewRequest) {
                open(meet(current, &[ReReviewRequest], at), ReReview, at, rules.re_review, calendar)
            } else {
                open(meet(current, &[ReviewRequest], at), Review, at, rules.review, calendar)
            }
        }
        EventData::Closed {} => current.to_vec(),
        // The hearing's days are not counted against a re-review (GEN-5, Art 36); other limits run on.
        EventData::HearingHeld { from, to, .. } => {
            let days = u32::try_from((*to - *from).num_days() + 1).unwrap_or(0);
            current
                .iter()
                .map(|d| match d.kind {
                    ReReview if d.met_at.is_none() => {
                        Deadline { extension_days: d.extension_days + days, ..*d }.recounted(calendar)
                    }
                    _ => *d,
                })
                .collect()
        }
    }
}

/// The deadlines of a case from its whole log (the fold of [`after_event`]), each event counted
/// by the rules for the flags the case had when it came (an urgent case's, COM-5).
pub fn deadlines(events: &[Event], rules: &LimitRules, calendar: &Calendar) -> Vec<Deadline> {
    let mut flags = std::collections::BTreeSet::new();
    events.iter().fold(Vec::new(), |current, event| {
        match &event.data {
            EventData::Registered { registration, .. } => flags.clone_from(&registration.flags),
            EventData::Flagged { flag, .. } => {
                flags.insert(*flag);
            }
            EventData::FlagCleared { flag, .. } => {
                flags.remove(flag);
            }
            _ => {}
        }
        after_event(&current, event, &rules.for_flags(&flags), calendar)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gen_5_the_petitioners_windows_are_not_the_offices_due_dates() {
        let c = calendar();
        let at = |kind, start: &str| Deadline::new(kind, day(start), Limit::CalendarDays(30), &c);
        let window = at(DeadlineKind::ReviewRequest, "2026-03-01");
        let handling = at(DeadlineKind::Handling, "2026-03-10");
        assert_eq!(window.kind.owner(), DeadlineOwner::Petitioner);
        assert_eq!(DeadlineKind::ReReviewRequest.owner(), DeadlineOwner::Petitioner);
        assert_eq!(handling.kind.owner(), DeadlineOwner::Office);
        assert_eq!(next_due(&[window, handling]), Some(handling.due.date));
        assert_eq!(next_due(&[window]), None, "a replied case waiting on the petitioner has nothing due");
    }

    #[test]
    fn gen_5_review_goes_to_the_configured_level() {
        let above = vec!["XZ", "QX", "SJ"];
        assert_eq!(reviewing_unit(above.clone(), 1), Some("XZ"), "the unit above by default");
        assert_eq!(reviewing_unit(above.clone(), 2), Some("QX"));
        assert_eq!(reviewing_unit(above.clone(), 3), Some("SJ"));
        assert_eq!(reviewing_unit(vec!["XZ"], 3), Some("XZ"), "a shorter tree ends at its top");
        assert_eq!(reviewing_unit(Vec::<&str>::new(), 1), None);
        let mut rules = LimitRules::national();
        assert_eq!(rules.review_levels_up, 1);
        rules.review_levels_up = 0;
        assert_eq!(rules.checked(), Err("rules.review_levels_up".to_owned()));
        let old: LimitRules = serde_json::from_value({
            let mut v = serde_json::to_value(LimitRules::national()).unwrap();
            v.as_object_mut().unwrap().remove("review_levels_up");
            v
        })
        .unwrap();
        assert_eq!(old.review_levels_up, 1, "rules stored before the setting existed read as 1");
    }
    use crate::calendar::YearFile;
    use crate::case::{CaseDraft, PetitionerDraft};
    use crate::category;

    fn calendar() -> Calendar {
        let mut c = Calendar::new();
        c.load(&YearFile::parse(include_str!("../../../data/holiday-cn/2025.json")).unwrap());
        c.load(&YearFile::parse(include_str!("../../../data/holiday-cn/2026.json")).unwrap());
        c
    }

    fn registered(received: &str) -> Event {
        let classes = category::parse_tsv("yjnr\tejnr\tsjnr\n其他\t其他\t其他\n");
        let now: DateTime<Utc> = "2026-12-01T00:00:00Z".parse().unwrap();
        let reg = CaseDraft {
            channel: Some("letter".into()),
            received_at: Some(received.into()),
            unit: Some("XS".into()),
            petitioner: Some(PetitionerDraft { name: Some("张三".into()), ..Default::default() }),
            category: Some("其他".into()),
            content: Some("x".into()),
            ..Default::default()
        }
        .parse(now, &classes)
        .unwrap();
        Event {
            seq: 1,
            occurred_at: reg.received_at,
            recorded_at: now,
            actor: "a".into(),
            note: None,
            data: EventData::Registered { case_number: "XS-2025-000001".into(), registration: Box::new(reg) },
        }
    }

    #[test]
    fn gen_2_gen_3_sorting_and_notice_run_from_receipt() {
        let ds = deadlines(&[registered("2025-09-20")], &LimitRules::national(), &calendar());
        let got: Vec<(&str, String)> = ds.iter().map(|d| (d.kind.code(), d.due.date.to_string())).collect();
        assert_eq!(got, [("sorting", "2025-10-09".to_string()), ("notice", "2025-10-09".to_string())]);
        assert!(ds.iter().all(|d| d.met_at.is_none() && !d.due.provisional));
    }

    #[test]
    fn gen_8_a_province_preset_changes_the_limits_without_code() {
        let ds = deadlines(&[registered("2025-09-26")], &LimitRules::zhejiang(), &calendar());
        assert_eq!(ds[0].due.date.to_string(), "2025-10-10", "5 工作日 across National Day");
        assert_eq!(LimitRules::preset("zhejiang").unwrap().handling, Limit::CalendarDays(30));
        assert_eq!(LimitRules::preset("nowhere"), None);
        for name in LimitRules::PRESETS {
            assert_eq!(LimitRules::preset(name).unwrap().preset, name);
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// An event at `when` (an RFC 3339 instant), recorded then.
    fn event(seq: i64, when: &str, data: EventData) -> Event {
        let at: DateTime<Utc> = when.parse().unwrap();
        Event { seq, occurred_at: at, recorded_at: at, actor: "a".into(), note: None, data }
    }

    #[test]
    fn com_5_an_urgent_case_counts_by_the_shorter_limits() {
        use crate::case::Flag;
        let c = calendar();
        let rules = LimitRules::national();
        let due =
            |ds: &[Deadline], kind: DeadlineKind| ds.iter().find(|d| d.kind == kind).map(|d| d.due.date.to_string());
        // Registered urgent on Monday 2026-03-02: 3 日 to sort and notify, not 15.
        let mut urgent = registered("2026-03-02");
        if let EventData::Registered { registration, .. } = &mut urgent.data {
            registration.flags.insert(Flag::Urgent);
        }
        let ds = deadlines(&[urgent], &rules, &c);
        assert_eq!(due(&ds, DeadlineKind::Sorting).as_deref(), Some("2026-03-05"));
        assert_eq!(due(&ds, DeadlineKind::Notice).as_deref(), Some("2026-03-05"));
        // An ordinary case accepted, then marked urgent: its open handling limit runs on 15 日 from
        // the day it is marked; the sorting met at acceptance stays met as it was.
        let flagged =
            EventData::Flagged {
                flag: Flag::Urgent, related: vec![], against_unit: None, reason: "断水断电".into()
            };
        let mut events = vec![registered("2026-03-02"), event(2, "2026-03-03T02:00:00Z", EventData::Accepted {})];
        let sixty = due_date(&c, day("2026-03-03"), Limit::CalendarDays(60)).date.to_string();
        assert_eq!(due(&deadlines(&events, &rules, &c), DeadlineKind::Handling), Some(sixty));
        events.push(event(3, "2026-03-04T02:00:00Z", flagged));
        let ds = deadlines(&events, &rules, &c);
        assert_eq!(due(&ds, DeadlineKind::Handling).as_deref(), Some("2026-03-19"));
        // Marked when its notice had a day left, a notice is not made overdue by it: the sooner of
        // the two is kept.
        let late_mark = [
            registered("2026-03-02"),
            event(
                2,
                "2026-03-16T02:00:00Z",
                EventData::Flagged { flag: Flag::Urgent, related: vec![], against_unit: None, reason: "急".into() },
            ),
        ];
        let before = due(&deadlines(&late_mark[..1], &rules, &c), DeadlineKind::Notice);
        assert_eq!(due(&deadlines(&late_mark, &rules, &c), DeadlineKind::Notice), before);
        assert!(ds.iter().find(|d| d.kind == DeadlineKind::Sorting).unwrap().met_at.is_some());
        // The fold and the event written one at a time agree.
        let step = events.iter().fold(Vec::new(), |current, e| after_event(&current, e, &rules, &c));
        assert_eq!(step, ds);
        // The unit's own urgent limits are the ones that count.
        let quick = LimitRules { urgent_sorting: Limit::WorkingDays(1), ..LimitRules::national() };
        assert_eq!(quick.for_flags(&[Flag::Urgent]).sorting, Limit::WorkingDays(1));
        assert_eq!(quick.for_flags(&[Flag::Urgent]).handling, Limit::CalendarDays(15));
        assert_eq!(quick.for_flags(&[]).handling, Limit::CalendarDays(60));
    }

    #[test]
    fn gen_9_a_reply_is_rated_once_within_the_window() {
        use crate::event::Rating;
        let c = calendar();
        let rules = LimitRules::national();
        let mut events = vec![registered("2026-03-01")];
        assert_eq!(rating_window(&events, &rules, &c, day("2026-03-02")), RatingWindow::NotReplied);
        // Replied on 2026-04-01 (China time): 30 日 end on 2026-05-01, a holiday, so on 2026-05-06.
        events.push(event(2, "2026-04-01T02:00:00Z", EventData::Replied {}));
        let open = rating_window(&events, &rules, &c, day("2026-05-06"));
        assert_eq!(open, RatingWindow::Open { until: due_date(&c, day("2026-04-01"), rules.rating_window) });
        assert_eq!(rating_window(&events, &rules, &c, day("2026-05-07")), RatingWindow::Lapsed);
        events.push(event(
            3,
            "2026-04-02T02:00:00Z",
            EventData::Rated { office: Rating::Satisfied, unit: Rating::Dissatisfied, reason: None },
        ));
        assert_eq!(rating_window(&events, &rules, &c, day("2026-04-03")), RatingWindow::Rated);
        // A reply after review opens a new window.
        events.push(event(4, "2026-06-01T02:00:00Z", EventData::Replied {}));
        assert!(matches!(rating_window(&events, &rules, &c, day("2026-06-02")), RatingWindow::Open { .. }));
    }

    #[test]
    fn cdr_3_a_dissatisfied_rating_opens_the_owners_return_visit() {
        use crate::event::Rating;
        let c = calendar();
        let rules = LimitRules::national();
        let event = |seq, when: &str, data| Event {
            seq,
            occurred_at: when.parse().unwrap(),
            recorded_at: when.parse().unwrap(),
            actor: "a".into(),
            note: None,
            data,
        };
        let rated = |seq, unit| {
            event(seq, "2026-04-02T02:00:00Z", EventData::Rated { office: Rating::Satisfied, unit, reason: None })
        };
        let replied = vec![registered("2026-03-01"), event(2, "2026-04-01T02:00:00Z", EventData::Replied {})];
        let satisfied = deadlines(&[replied.clone(), vec![rated(3, Rating::Satisfied)]].concat(), &rules, &c);
        assert!(satisfied.iter().all(|d| d.kind != DeadlineKind::ReturnVisit), "a satisfied rating asks nothing");
        let mut events = [replied, vec![rated(3, Rating::Dissatisfied)]].concat();
        let ds = deadlines(&events, &rules, &c);
        let visit = ds.iter().find(|d| d.kind == DeadlineKind::ReturnVisit).unwrap();
        assert_eq!(visit.kind.owner(), DeadlineOwner::Office, "the office answers for it");
        assert_eq!(visit.due.date, due_date(&c, day("2026-04-02"), Limit::WorkingDays(10)).date);
        assert!(visit.met_at.is_none() && next_due(&[*visit]) == Some(visit.due.date), "it is due, and supervised");
        let outcome = EventData::ReturnVisited {
            method: "phone".into(),
            outcome: "已解释".into(),
            rating: Rating::BasicallySatisfied,
            reopened: false,
        };
        events.push(event(4, "2026-04-03T02:00:00Z", outcome));
        let ds = deadlines(&events, &rules, &c);
        assert!(
            ds.iter().find(|d| d.kind == DeadlineKind::ReturnVisit).unwrap().met_at.is_some(),
            "the visit meets it"
        );
    }

    #[test]
    fn days_left_counts_to_the_due_date() {
        let d = Deadline::new(DeadlineKind::Sorting, day("2026-02-23"), Limit::CalendarDays(15), &calendar());
        assert_eq!(d.due.date, day("2026-03-10"));
        assert_eq!(d.days_left(day("2026-03-01")), Some(9));
        assert_eq!(d.days_left(day("2026-03-12")), Some(-2));
        assert_eq!(Deadline { met_at: Some(Utc::now()), ..d }.days_left(day("2026-03-01")), None);
    }

    #[test]
    fn fed_10_urgency_for_supervision() {
        let c = calendar();
        // Due Tuesday 2026-03-10; reminders three working days ahead.
        let d = Deadline::new(DeadlineKind::Sorting, day("2026-02-23"), Limit::CalendarDays(15), &c);
        let remind = Limit::WorkingDays(3);
        assert_eq!(d.urgency(day("2026-03-02"), &c, remind), Urgency::OnTrack);
        assert_eq!(d.urgency(day("2026-03-05"), &c, remind), Urgency::DueSoon, "Thu + 3 working days = Tue");
        assert_eq!(d.urgency(day("2026-03-10"), &c, remind), Urgency::DueSoon, "due today");
        assert_eq!(d.urgency(day("2026-03-13"), &c, remind), Urgency::Overdue(3));
        assert_eq!(Deadline { met_at: Some(Utc::now()), ..d }.urgency(day("2026-03-13"), &c, remind), Urgency::Met);
    }

    #[test]
    fn gen_4_an_extension_runs_on_from_the_original_due_date() {
        let c = calendar();
        let d = Deadline::new(DeadlineKind::Handling, day("2026-01-05"), Limit::CalendarDays(60), &c);
        assert_eq!(d.due.date, day("2026-03-06"));
        let extended = Deadline { extension_days: 30, ..d }.recounted(&c);
        assert_eq!(extended.due.date, day("2026-04-07"), "04-05 is a Sunday and 04-06 a Qingming holiday");
    }

    #[test]
    fn gen_8_recounting_over_a_new_calendar_moves_the_due_date() {
        let mut c = calendar();
        let d = Deadline::new(DeadlineKind::Sorting, day("2026-12-20"), Limit::CalendarDays(15), &c);
        assert_eq!((d.due.date, d.due.provisional), (day("2027-01-04"), true));
        let y2027 = r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-04", "isOffDay": true}]}"#;
        c.load(&YearFile::parse(y2027).unwrap());
        let again = d.recounted(&c);
        assert_eq!((again.due.date, again.due.provisional), (day("2027-01-05"), false));
    }

    #[test]
    fn rules_round_trip_as_json() {
        let json = serde_json::to_string(&LimitRules::national()).unwrap();
        assert!(json.contains(r#""handling":{"unit":"calendar_days","count":60}"#), "{json}");
        assert_eq!(serde_json::from_str::<LimitRules>(&json).unwrap(), LimitRules::national());
    }
}
