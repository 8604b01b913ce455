//! The notices, letters and records a case issues (登记回执, 受理告知书, 不予受理告知书, 交办函, 转办函,
//! 延期告知书, 调查笔录, 信访处理意见书, 回访记录, 来访登记表, 督办单), composed from the case file.
//!
//! Which documents exist follows from the events: each is issued by one event (a 督办单 by one
//! supervision item) and names the unit that held the case at that moment as its issuer, printed under
//! that unit's letterhead and signature block. Their wording follows the regulation. One composition
//! serves the print view and the PDF (`huiyin_pdf::Letter`).

pub mod issue;
pub mod name_plate;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use huiyin_core::case::{Channel, Flag};
use huiyin_core::event::{CaseState, Event, EventData, Outcome, Rating, Status};
use huiyin_core::limits::DeadlineKind;
use huiyin_core::unit::UnitKind;
use huiyin_pdf::Letter;
use huiyin_store::{CaseFile, SupervisionItem};

use crate::views;

/// A document kind, with the code used in its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    Receipt,
    ReceptionRegister,
    AcceptanceNotice,
    RejectionNotice,
    AssignmentLetter,
    TransferLetter,
    ExtensionNotice,
    HearingRecord,
    InvestigationRecord,
    Opinion,
    ReturnVisitRecord,
    SupervisionSlip,
}

impl DocKind {
    pub const ALL: [DocKind; 12] = [
        DocKind::Receipt,
        DocKind::ReceptionRegister,
        DocKind::AcceptanceNotice,
        DocKind::RejectionNotice,
        DocKind::AssignmentLetter,
        DocKind::TransferLetter,
        DocKind::ExtensionNotice,
        DocKind::HearingRecord,
        DocKind::InvestigationRecord,
        DocKind::Opinion,
        DocKind::ReturnVisitRecord,
        DocKind::SupervisionSlip,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocKind::Receipt => "receipt",
            DocKind::ReceptionRegister => "reception-register",
            DocKind::AcceptanceNotice => "acceptance-notice",
            DocKind::RejectionNotice => "rejection-notice",
            DocKind::AssignmentLetter => "assignment-letter",
            DocKind::TransferLetter => "transfer-letter",
            DocKind::ExtensionNotice => "extension-notice",
            DocKind::HearingRecord => "hearing-record",
            DocKind::InvestigationRecord => "investigation-record",
            DocKind::Opinion => "opinion",
            DocKind::ReturnVisitRecord => "return-visit-record",
            DocKind::SupervisionSlip => "supervision-slip",
        }
    }

    /// The short name shown in lists and links.
    pub fn label_zh(self) -> &'static str {
        match self {
            DocKind::Receipt => "登记回执",
            DocKind::ReceptionRegister => "来访登记表",
            DocKind::AcceptanceNotice => "受理告知书",
            DocKind::RejectionNotice => "不予受理告知书",
            DocKind::AssignmentLetter => "交办函",
            DocKind::TransferLetter => "转办函",
            DocKind::ExtensionNotice => "延期告知书",
            DocKind::HearingRecord => "听证记录",
            DocKind::InvestigationRecord => "调查笔录",
            DocKind::Opinion => "处理意见书",
            DocKind::ReturnVisitRecord => "回访记录",
            DocKind::SupervisionSlip => "督办单",
        }
    }

    pub fn parse(code: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The documents addressed to the petitioner, which they may read on the public side (GEN-3):
    /// the receipt, the notices and the handling opinion. Records and letters between offices stay
    /// internal.
    pub fn for_petitioner(self) -> bool {
        matches!(
            self,
            DocKind::Receipt
                | DocKind::AcceptanceNotice
                | DocKind::RejectionNotice
                | DocKind::ExtensionNotice
                | DocKind::Opinion
        )
    }
}

/// The unit that issues a document, as it prints.
#[derive(Debug, Clone)]
pub struct Issuer {
    pub name: String,
    pub kind: UnitKind,
    /// 红头: the unit's own, or its name.
    pub letterhead: String,
    /// 落款: the unit's own lines, or its name.
    pub signature: Vec<String>,
    /// What the unit calls its letters (交办函, 转办函), by its preset or its administrators.
    pub terms: huiyin_core::preset::UnitTerms,
}

impl Issuer {
    /// An issuer printing its name, for a unit that set no letterhead.
    pub fn plain(name: &str, kind: UnitKind) -> Issuer {
        Issuer {
            name: name.into(),
            kind,
            letterhead: name.into(),
            signature: vec![name.into()],
            terms: Default::default(),
        }
    }
}

/// Whom and what a document names, as it prints them: units by their full names, staff by name and
/// title, and on a registration record the receiver with their credential number (亮证服务, FED-4).
/// A code or login not on record prints as it is.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Unit code → full name.
    pub units: HashMap<String, String>,
    pub staff: crate::accounts::StaffNames,
}

impl Names {
    /// A unit's full name, or its code when no unit has it.
    pub fn unit(&self, code: &str) -> String {
        self.units.get(code).cloned().unwrap_or_else(|| code.to_owned())
    }

    /// A staff member as “王秀英（接访员）”, or the login when no account has it.
    pub fn person(&self, login: &str) -> String {
        self.staff.of(login)
    }
}

/// One issued document: what it is, what issued it, when, by which unit, and its text.
#[derive(Debug, Clone)]
pub struct Issued {
    pub kind: DocKind,
    /// The issuing event's seq; for a 督办单, the supervision item's id.
    pub issued_by: i64,
    pub issued_at: DateTime<Utc>,
    pub issuer: String,
    pub letter: Letter,
}

impl Issued {
    /// The stable name of this document, from which its PDF identifier is derived.
    pub fn ident(&self, case_id: i64) -> String {
        format!("huiyin-case-{case_id}-{}-{}", self.kind.code(), self.issued_by)
    }
}

/// Each event that issues a document, with the code of the unit holding the case when it happened.
fn issuing_events(file: &CaseFile) -> Vec<(DocKind, &Event, String)> {
    let mut out = Vec::new();
    let mut state: Option<CaseState> = None;
    let last_instruction = file.events.iter().rev().find(|e| matches!(e.data, EventData::Instructed { .. }));
    for event in &file.events {
        let issuer = state.as_ref().map_or_else(|| file.unit_code.clone(), |s| s.holding_unit.clone());
        let kind = match &event.data {
            EventData::Registered { .. } => Some(DocKind::Receipt),
            EventData::Accepted {} => Some(DocKind::AcceptanceNotice),
            EventData::Rejected { .. } => Some(DocKind::RejectionNotice),
            EventData::Assigned { .. } => Some(DocKind::AssignmentLetter),
            EventData::Transferred { .. } => Some(DocKind::TransferLetter),
            EventData::Extended { .. } => Some(DocKind::ExtensionNotice),
            EventData::HearingHeld { .. } => Some(DocKind::HearingRecord),
            EventData::InvestigationNoted { .. } => Some(DocKind::InvestigationRecord),
            EventData::Replied {} => Some(DocKind::Opinion),
            EventData::ReturnVisited { .. } => Some(DocKind::ReturnVisitRecord),
            _ => None,
        };
        if let Some(kind) = kind {
            out.push((kind, event, issuer.clone()));
        }
        // TWN-10: a visit received in a leader's reception session is given the leaders' register, at
        // registration and again with each leader's instruction; the latest one stands. Outside a
        // session no such register is issued.
        if file.registration.channel == Channel::Visit
            && file.registration.session.is_some()
            && (last_instruction.map(|e| e.seq) == Some(event.seq)
                || (last_instruction.is_none() && matches!(event.data, EventData::Registered { .. })))
        {
            out.push((DocKind::ReceptionRegister, event, issuer));
        }
        match &mut state {
            Some(s) => s.apply(event),
            None => state = CaseState::derive(std::slice::from_ref(event)),
        }
    }
    out
}

/// The codes of the units that issued the case's documents.
pub fn issuer_codes(file: &CaseFile) -> BTreeSet<String> {
    issuing_events(file).into_iter().map(|(_, _, issuer)| issuer).collect()
}

/// Every document the case has issued, in the order issued. `issuers` maps unit codes to how they
/// print; a unit missing from it prints the case's registering unit name.
pub fn issued(file: &CaseFile, issuers: &HashMap<String, Issuer>, names: &Names) -> Vec<Issued> {
    issuing_events(file)
        .into_iter()
        .filter_map(|(kind, event, code)| {
            let issuer =
                issuers.get(&code).cloned().unwrap_or_else(|| Issuer::plain(&file.unit_name, UnitKind::Agency));
            let letter = compose(file, kind, event, &issuer, names)?;
            Some(Issued { kind, issued_by: event.seq, issued_at: event.occurred_at, issuer: code, letter })
        })
        .collect()
}

/// The latest document of a kind, or the one issued by `issued_by`.
pub fn find(all: Vec<Issued>, kind: DocKind, issued_by: Option<i64>) -> Option<Issued> {
    all.into_iter().rev().find(|d| d.kind == kind && issued_by.is_none_or(|seq| d.issued_by == seq))
}

fn petitioner(file: &CaseFile) -> String {
    file.registration.petitioner.name.clone().unwrap_or_else(|| "信访人".into())
}

fn matter(file: &CaseFile) -> String {
    format!(
        "您于{}以{}形式反映的“{}”",
        views::day_zh(file.registration.received_at),
        file.registration.channel.label_zh(),
        views::excerpt(&file.registration.content, 40)
    )
}

fn letter(file: &CaseFile, issuer: &Issuer, title: &str, at: DateTime<Utc>) -> Letter {
    Letter {
        letterhead: issuer.letterhead.clone(),
        title: title.into(),
        number: Some(file.state.case_number.clone()),
        addressee: None,
        paragraphs: Vec::new(),
        facts: Vec::new(),
        table: None,
        signature: issuer.signature.clone(),
        issued_on: views::day_zh(at),
    }
}

fn rating_zh(rating: Rating) -> &'static str {
    match rating {
        Rating::Satisfied => "满意",
        Rating::BasicallySatisfied => "基本满意",
        Rating::Dissatisfied => "不满意",
    }
}

/// The title of the issuer's assignment letter: its own (FED-16: 《残疾人来信来访来电交办函》 by the
/// federation's preset), else a federation's or the regulation's.
fn assignment_title(issuer: &Issuer) -> &str {
    match &issuer.terms.assignment_title {
        Some(title) => title,
        None if issuer.kind == UnitKind::Federation => "残疾人来信来访来电交办函",
        None => "信访事项交办通知书",
    }
}

/// The title of the issuer's transfer letter (FED-17), as [`assignment_title`].
fn transfer_title(issuer: &Issuer) -> &str {
    match &issuer.terms.transfer_title {
        Some(title) => title,
        None if issuer.kind == UnitKind::Federation => "群众来信来访来电转办函",
        None => "信访事项转送函",
    }
}

/// Composes the document `kind` issued by `event`; `None` if the event does not issue it.
fn compose(file: &CaseFile, kind: DocKind, event: &Event, issuer: &Issuer, names: &Names) -> Option<Letter> {
    let number = file.state.case_number.clone();
    let at = event.occurred_at;
    let doc = match (kind, &event.data) {
        (DocKind::Receipt, EventData::Registered { .. }) => Letter {
            addressee: Some(petitioner(file)),
            paragraphs: vec![
                format!("{}已登记,信访件编号 {number}。", matter(file)),
                "本机关将依法在十五日内告知是否受理。凭信访件编号和登记时告知的查询码可查询办理进展;查询码遗失的,可申请重新发放。".into(),
                "件件有回音,事事有着落。".into(),
            ],
            facts: registration_facts(file, names),
            ..letter(file, issuer, "信访事项登记回执", at)
        },
        (DocKind::ReceptionRegister, _) => {
            let instructions: Vec<String> = file
                .events
                .iter()
                .filter(|e| e.seq <= event.seq)
                .filter_map(|e| match &e.data {
                    EventData::Instructed { text } => {
                        Some(format!("{text}({},{})", names.person(&e.actor), views::day_zh(e.occurred_at)))
                    }
                    _ => None,
                })
                .collect();
            let mut facts = registration_facts(file, names);
            if let Some(session) = &file.registration.session {
                let leaders: Vec<String> = session.leaders.iter().map(|l| names.person(l)).collect();
                facts.push(("接访活动".into(), session.kind.label_zh().into()));
                facts.push(("接访领导".into(), leaders.join("、")));
            }
            facts.push((
                "领导批示意见".into(),
                if instructions.is_empty() { "(待批示)".into() } else { instructions.join(";") },
            ));
            Letter { facts, ..letter(file, issuer, "领导干部接待群众来访登记表", at) }
        }
        (DocKind::AcceptanceNotice, EventData::Accepted {}) => Letter {
            addressee: Some(petitioner(file)),
            paragraphs: vec![
                format!("{}一事,本机关已于{}依法受理。", matter(file), views::day_zh(at)),
                "根据《信访工作条例》第三十四条的规定,本机关将自受理之日起六十日内办结并书面答复;情况复杂的,经批准可适当延长,延长期限不超过三十日,并告知您延期理由。".into(),
                format!("您可凭信访件编号 {number} 和查询码查询办理进展。"),
            ],
            ..letter(file, issuer, "信访事项受理告知书", at)
        },
        // SCH-1: a petitioner the unit does not receive is guided elsewhere in writing (引导告知).
        (DocKind::RejectionNotice, EventData::Rejected { reason, channel })
            if file.state.outside_scope(Flag::OutsidePetitioners) =>
        {
            Letter {
                addressee: Some(petitioner(file)),
                paragraphs: vec![
                    format!("{}一事,经了解,您不属于本单位的信访受理对象:{reason}。", matter(file)),
                    format!("为使您反映的问题得到及时处理,请您{channel}。"),
                ],
                ..letter(file, issuer, "信访事项引导告知书", at)
            }
        }
        (DocKind::RejectionNotice, EventData::Rejected { reason, channel }) => Letter {
            addressee: Some(petitioner(file)),
            paragraphs: vec![
                format!("{}一事,经审查,因{reason},根据《信访工作条例》的规定,本机关不予受理。", matter(file)),
                format!("您可以{channel}。"),
            ],
            ..letter(file, issuer, "信访事项不予受理告知书", at)
        },
        (DocKind::AssignmentLetter, EventData::Assigned { unit, owner }) => Letter {
            addressee: Some(names.unit(unit)),
            paragraphs: vec![
                format!(
                    "现将信访件 {number}({})交你单位办理{}。",
                    views::excerpt(&file.registration.content, 40),
                    owner.as_deref().map(|o| format!(",包案人:{}", names.person(o))).unwrap_or_default()
                ),
                "请依法依规办理,将处理情况答复信访人,并于期限内报送办理结果。如认为不属于你单位职责范围,请在收到之日起五个工作日内提出异议并说明理由。".into(),
            ],
            facts: registration_facts(file, names),
            ..letter(file, issuer, assignment_title(issuer), at)
        },
        (DocKind::TransferLetter, EventData::Transferred { unit }) => Letter {
            addressee: Some(names.unit(unit)),
            paragraphs: vec![
                format!(
                    "信访件 {number}({})反映的问题属你单位职责范围,按照属地管理、分级负责的原则,现转你单位依法处理。",
                    views::excerpt(&file.registration.content, 40)
                ),
                "请将处理结果答复信访人。如认为不属于你单位职责范围,请在收到之日起五个工作日内提出异议。".into(),
            ],
            facts: registration_facts(file, names),
            ..letter(file, issuer, transfer_title(issuer), at)
        },
        (DocKind::ExtensionNotice, EventData::Extended { days, reason }) => {
            let accepted = file
                .events
                .iter()
                .rfind(|e| e.seq < event.seq && matches!(e.data, EventData::Accepted {}))
                .map(|e| views::day_zh(e.occurred_at))
                .unwrap_or_default();
            let due = file
                .deadlines
                .iter()
                .find(|d| d.kind == DeadlineKind::Handling)
                .map(|d| format!(",至{}", views::date_zh(d.due.date)))
                .unwrap_or_default();
            Letter {
                addressee: Some(petitioner(file)),
                paragraphs: vec![
                    format!(
                        "{}一事,本机关已于{accepted}受理。因{reason},根据《信访工作条例》第三十四条的规定,经本机关负责人批准,办理期限延长 {days} 日{due}。我们将在延长的期限内出具处理意见。",
                        matter(file)
                    ),
                    "特此告知。".into(),
                ],
                ..letter(file, issuer, "信访事项延期办理告知书", at)
            }
        }
        (DocKind::HearingRecord, EventData::HearingHeld { from, to, participants, opinions, conclusion }) => Letter {
            paragraphs: vec![format!("各方意见:{opinions}"), format!("听证结论:{conclusion}")],
            facts: vec![
                ("信访件编号".into(), number.clone()),
                (
                    "听证时间".into(),
                    if from == to {
                        views::date_zh(*from)
                    } else {
                        format!("{} 至 {}", views::date_zh(*from), views::date_zh(*to))
                    },
                ),
                ("参加人员".into(), participants.join("、")),
            ],
            ..letter(file, issuer, "信访事项听证记录", at)
        },
        (DocKind::InvestigationRecord, EventData::InvestigationNoted { text }) => Letter {
            paragraphs: vec![text.clone()],
            facts: vec![
                ("信访件编号".into(), number.clone()),
                ("调查时间".into(), views::minute_zh(at)),
                ("记录人".into(), names.person(&event.actor)),
                ("反映事项".into(), views::excerpt(&file.registration.content, 40)),
            ],
            ..letter(file, issuer, "调查笔录", at)
        },
        (DocKind::Opinion, EventData::Replied {}) => {
            let draft = file
                .events
                .iter()
                .rfind(|e| e.seq < event.seq && matches!(e.data, EventData::OpinionDrafted { .. }))?;
            let EventData::OpinionDrafted { outcome, facts, basis, text, cited } = &draft.data else { return None };
            // The round is told by how many review requests came before this reply.
            let round = file
                .events
                .iter()
                .filter(|e| e.seq < event.seq && matches!(e.data, EventData::ReviewRequested { .. }))
                .count();
            let title = match round {
                0 => "信访事项处理意见书",
                1 => "信访事项复查意见书",
                _ => "信访事项复核意见书",
            };
            let outcome_text = match outcome {
                Outcome::Support => "对您的请求予以支持",
                Outcome::Explain => "对您反映的问题作出解释说明",
                Outcome::Reject => "对您的请求不予支持",
            };
            let cited_after = if cited.is_empty() {
                String::new()
            } else {
                let labels: Vec<&str> = cited.iter().map(|c| c.label.as_str()).collect();
                format!("所依据的条文:{}(原文附后)。", labels.join("、"))
            };
            let mut paragraphs = vec![
                format!("{}一事,本机关经调查核实,现答复如下:", matter(file)),
                format!("一、查明的事实和理由:{facts}"),
                format!("二、处理意见:{outcome_text}。{text}"),
                format!("三、依据:{basis}。{cited_after}"),
                match round {
                    0 => "如对本处理意见不服,可自收到本意见书之日起三十日内,向本机关的上一级机关请求复查。".into(),
                    1 => "如对本复查意见不服,可自收到本意见书之日起三十日内,向复查机关的上一级机关请求复核。".into(),
                    _ => "本复核意见为终结意见。对同一事实和理由再提出信访事项的,不再受理。".into(),
                },
            ];
            // FED-9, GEN-4: the articles cited, as they read when cited.
            paragraphs.extend(cited_articles(cited));
            Letter { addressee: Some(petitioner(file)), paragraphs, ..letter(file, issuer, title, at) }
        }
        (DocKind::ReturnVisitRecord, EventData::ReturnVisited { method, outcome, rating, reopened }) => Letter {
            paragraphs: vec![format!("回访情况:{outcome}")],
            facts: vec![
                ("信访件编号".into(), number.clone()),
                ("信访人".into(), petitioner(file)),
                ("回访方式".into(), if method == "phone" { "电话回访".into() } else { "上门回访".into() }),
                ("回访人".into(), names.person(&event.actor)),
                ("满意程度".into(), rating_zh(*rating).into()),
                ("处理".into(), if *reopened { "不满意,重新办理".into() } else { "回访完毕".into() }),
            ],
            ..letter(file, issuer, "信访事项回访记录", at)
        },
        _ => return None,
    };
    Some(doc)
}

/// The articles an opinion cites, as printed after it (FED-9): a heading, then each article by
/// its name and words, its paragraphs run on.
fn cited_articles(cited: &[huiyin_core::policy::Citation]) -> Vec<String> {
    if cited.is_empty() {
        return Vec::new();
    }
    let mut out = vec!["附:所依据的法律法规条文".to_owned()];
    out.extend(cited.iter().map(|c| format!("{} {}", c.label, c.text.replace('\n', " "))));
    out
}

/// The handling opinion as it will print if replied at `at`: the draft awaiting approval (or
/// approved) composed as the reply would issue it, so that the leader reads it whole before approving.
/// `None` when no draft waits.
pub fn opinion_preview(file: &CaseFile, issuer: &Issuer, names: &Names, at: DateTime<Utc>) -> Option<Letter> {
    if !matches!(file.state.status, Status::AwaitingApproval | Status::Approved) {
        return None;
    }
    let seq = file.events.last().map_or(1, |e| e.seq + 1);
    let reply =
        Event { seq, occurred_at: at, recorded_at: at, actor: String::new(), note: None, data: EventData::Replied {} };
    compose(file, DocKind::Opinion, &reply, issuer, names)
}

/// The unit that issues a supervision item's 督办单: the unit it was escalated to, or else the unit
/// whose supervisors opened it.
pub fn slip_issuer(item: &SupervisionItem) -> &str {
    item.escalated_to.as_deref().unwrap_or(&item.unit_code)
}

/// 督办单 (FED-10): the slip a supervision item issues to the unit that owes the overdue step.
pub fn supervision_slip(file: &CaseFile, item: &SupervisionItem, issuer: &Issuer, names: &Names) -> Issued {
    let what = DeadlineKind::parse(&item.kind).map_or(item.kind.clone(), |k| k.label_zh().to_string());
    let escalated = item.escalated_to.as_deref().map(|u| format!(";已提级至{}督办", names.unit(u))).unwrap_or_default();
    let letter = Letter {
        addressee: Some(names.unit(&item.unit_code)),
        paragraphs: vec![
            format!(
                "信访件 {}({})的“{what}”期限已于{}届满,至今未办结{escalated}。",
                item.case_number,
                views::excerpt(&file.registration.content, 40),
                views::date_zh(item.due)
            ),
            "请你单位接此督办单后抓紧办理,依法按期答复信访人,并于三个工作日内将办理进展书面报告本机关。".into(),
        ],
        facts: vec![
            ("信访件编号".into(), item.case_number.clone()),
            ("督办事项".into(), what),
            ("到期日".into(), views::date_zh(item.due)),
            ("责任单位".into(), names.unit(&item.unit_code)),
            ("包案人".into(), names.person(&item.owner)),
        ],
        ..letter(file, issuer, "信访事项督办单", item.opened_at)
    };
    Issued {
        kind: DocKind::SupervisionSlip,
        issued_by: item.id,
        issued_at: item.opened_at,
        issuer: slip_issuer(item).to_owned(),
        letter,
    }
}

/// The registration's facts for letters and registers; the petitioner's phone is shown masked, the
/// first receiver with their title and credential number (亮证服务, FED-4).
fn registration_facts(file: &CaseFile, names: &Names) -> Vec<(String, String)> {
    let r = &file.registration;
    let p = &r.petitioner;
    vec![
        ("信访件编号".into(), file.state.case_number.clone()),
        ("信访形式".into(), r.channel.label_zh().into()),
        ("收到时间".into(), views::minute_zh(r.received_at)),
        ("信访人".into(), p.name.clone().unwrap_or_else(|| "(匿名)".into())),
        ("人数".into(), r.headcount.to_string()),
        ("联系电话".into(), p.phone.as_ref().map(|ph| ph.masked()).unwrap_or_default()),
        ("内容分类".into(), r.category.path.clone()),
        ("反映内容".into(), r.content.clone()),
        ("首问责任人".into(), names.staff.badge_of(&file.state.first_receiver)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use huiyin_core::case::{CaseDraft, PetitionerDraft};
    use huiyin_core::category;
    use huiyin_core::event::{CaseState, Event};

    fn file_with(events: Vec<EventData>) -> CaseFile {
        let classes = category::parse_tsv("yjnr\tejnr\tsjnr\n其他\t其他\t其他\n");
        let registration = CaseDraft {
            channel: Some("visit".into()),
            unit: Some("XS".into()),
            petitioner: Some(PetitionerDraft { name: Some("王秀英".into()), ..Default::default() }),
            category: Some("其他".into()),
            content: Some("残疾人两项补贴停发".into()),
            ..Default::default()
        }
        .parse(Utc::now(), &classes)
        .unwrap();
        file_of(registration, events)
    }

    /// A visit received in a leader's reception session (TWN-10).
    fn in_session(events: Vec<EventData>) -> CaseFile {
        let mut file = file_with(Vec::new());
        let mut registration = file.registration.clone();
        registration.session = Some(huiyin_core::reception_session::SessionRef {
            id: 7,
            kind: huiyin_core::reception_session::SessionKind::LeaderDay,
            leaders: vec!["lizhen".into()],
        });
        file = file_of(registration, events);
        file
    }

    fn file_of(registration: huiyin_core::case::Registration, events: Vec<EventData>) -> CaseFile {
        let mut all = vec![Event {
            seq: 1,
            occurred_at: Utc::now(),
            recorded_at: Utc::now(),
            actor: "wang".into(),
            note: None,
            data: EventData::Registered {
                case_number: "XS-2026-000001".into(),
                registration: Box::new(registration.clone()),
            },
        }];
        for (i, data) in events.into_iter().enumerate() {
            all.push(Event {
                seq: i as i64 + 2,
                occurred_at: Utc::now(),
                recorded_at: Utc::now(),
                actor: "wang".into(),
                note: None,
                data,
            });
        }
        CaseFile {
            id: 1,
            unit_id: 1,
            unit_code: "XS".into(),
            unit_name: "西山社区".into(),
            holding_unit_id: 1,
            accused_unit_id: None,
            accused_user_id: None,
            version: all.len() as i64,
            state: CaseState::derive(&all).unwrap(),
            registration,
            events: all,
            deadlines: Vec::new(),
            query_code_hash: String::new(),
        }
    }

    fn issuers(kind: UnitKind) -> HashMap<String, Issuer> {
        HashMap::from([("XS".to_string(), Issuer::plain("西山社区", kind))])
    }

    fn titles(file: &CaseFile, kind: UnitKind) -> Vec<(DocKind, String)> {
        issued(file, &issuers(kind), &Names::default()).into_iter().map(|d| (d.kind, d.letter.title)).collect()
    }

    #[test]
    fn fed_16_fed_17_a_federation_issues_its_own_letters() {
        let file = file_with(vec![EventData::Assigned { unit: "XS-CL".into(), owner: None }]);
        let letter = |file: &CaseFile, kind| {
            find(issued(file, &issuers(kind), &Names::default()), DocKind::AssignmentLetter, None)
        };
        assert_eq!(letter(&file, UnitKind::Federation).unwrap().letter.title, "残疾人来信来访来电交办函");
        assert_eq!(letter(&file, UnitKind::Community).unwrap().letter.title, "信访事项交办通知书");
        let moved = file_with(vec![EventData::Transferred { unit: "DZ".into() }]);
        let transfer =
            find(issued(&moved, &issuers(UnitKind::Federation), &Names::default()), DocKind::TransferLetter, None)
                .unwrap();
        assert_eq!(transfer.letter.title, "群众来信来访来电转办函");
        assert_eq!(transfer.issuer, "XS", "issued by the unit that held the case");
        assert!(
            find(issued(&file, &issuers(UnitKind::Federation), &Names::default()), DocKind::TransferLetter, None)
                .is_none()
        );
    }

    #[test]
    fn gen_4_gen_5_opinion_letters_follow_the_round() {
        let opinion = || EventData::OpinionDrafted {
            outcome: Outcome::Support,
            facts: "属实".into(),
            basis: "《残疾人保障法》".into(),
            text: "恢复发放".into(),
            cited: Vec::new(),
        };
        let first = file_with(vec![
            EventData::Accepted {},
            opinion(),
            EventData::Approved { complete: true },
            EventData::Replied {},
        ]);
        let all = issued(&first, &issuers(UnitKind::Community), &Names::default());
        let doc = find(all.clone(), DocKind::Opinion, None).unwrap();
        assert_eq!(doc.letter.title, "信访事项处理意见书");
        assert_eq!(doc.issued_by, 5, "issued by the reply");
        assert!(doc.letter.paragraphs.iter().any(|p| p.contains("请求复查")), "names the next step");
        assert_eq!(
            all.iter().map(|d| d.kind).collect::<Vec<_>>(),
            [DocKind::Receipt, DocKind::AcceptanceNotice, DocKind::Opinion],
            "a visit outside a leader's reception session has no TWN-10 register"
        );
        let review = file_with(vec![
            EventData::Accepted {},
            opinion(),
            EventData::Approved { complete: true },
            EventData::Replied {},
            EventData::ReviewRequested { reason: "不服".into(), to_unit: "XZ".into() },
            opinion(),
            EventData::Approved { complete: true },
            EventData::Replied {},
        ]);
        let opinions: Vec<String> = titles(&review, UnitKind::Town)
            .into_iter()
            .filter(|(k, _)| *k == DocKind::Opinion)
            .map(|(_, t)| t)
            .collect();
        assert_eq!(opinions, ["信访事项处理意见书", "信访事项复查意见书"], "each reply keeps its own letter");
    }

    #[test]
    fn twn_10_the_visit_register_carries_the_sessions_leaders_and_the_latest_instruction() {
        let instructions = || {
            vec![
                EventData::Instructed { text: "请民政办核实".into() },
                EventData::Instructed { text: "三日内答复".into() },
            ]
        };
        let file = in_session(instructions());
        let register =
            find(issued(&file, &issuers(UnitKind::Town), &Names::default()), DocKind::ReceptionRegister, None).unwrap();
        assert_eq!(register.issued_by, 3, "the latest instruction issues it");
        let (_, text) = register.letter.facts.last().unwrap();
        assert!(text.contains("请民政办核实") && text.contains("三日内答复"), "{text}");
        assert!(register.letter.facts.iter().any(|(k, v)| k == "接访领导" && v == "lizhen"));
        // Outside a session, no register however many instructions.
        let plain = file_with(instructions());
        assert!(
            find(issued(&plain, &issuers(UnitKind::Town), &Names::default()), DocKind::ReceptionRegister, None)
                .is_none()
        );
    }

    #[test]
    fn fed_4_papers_name_units_and_people_not_codes_and_logins() {
        let file = file_with(vec![EventData::Assigned { unit: "XZ-MZ".into(), owner: Some("minzheng".into()) }]);
        let mut names = Names::default();
        names.units.insert("XZ-MZ".into(), "西镇民政办".into());
        let staff = [("wang", "王秀英", "接访员", Some("XS-001")), ("minzheng", "赵德明", "民政办主任", None)];
        names.staff = crate::accounts::StaffNames::from_cards(staff.map(|(login, name, title, credential)| {
            let card = match credential {
                Some(c) => format!("{name}（{title}，工作证号 {c}）"),
                None => format!("{name}（{title}）"),
            };
            (login.to_owned(), format!("{name}（{title}）"), card)
        }));
        let letter = find(issued(&file, &issuers(UnitKind::Town), &names), DocKind::AssignmentLetter, None).unwrap();
        assert_eq!(letter.letter.addressee.as_deref(), Some("西镇民政办"));
        assert!(letter.letter.paragraphs[0].contains("包案人:赵德明（民政办主任）"), "{:?}", letter.letter.paragraphs);
        let receipt = find(issued(&file, &issuers(UnitKind::Town), &names), DocKind::Receipt, None).unwrap();
        let receiver = receipt.letter.facts.iter().find(|(k, _)| k == "首问责任人").map(|(_, v)| v.as_str());
        assert_eq!(receiver, Some("王秀英（接访员，工作证号 XS-001）"));
        assert!(receipt.letter.issued_on.contains('年') && receipt.letter.issued_on.ends_with('日'));
        let printed: Vec<&str> = receipt.letter.facts.iter().map(|(_, v)| v.as_str()).collect();
        assert!(!printed.contains(&"wang"), "no login on paper: {printed:?}");
    }

    #[test]
    fn a_unit_letterhead_and_signature_print_on_its_documents() {
        let file = file_with(vec![EventData::Accepted {}]);
        let mut own = issuers(UnitKind::Community);
        own.insert(
            "XS".into(),
            Issuer {
                name: "西山社区".into(),
                kind: UnitKind::Community,
                letterhead: "西山社区居民委员会".into(),
                signature: vec!["西山社区居民委员会".into(), "(盖章)".into()],
                terms: Default::default(),
            },
        );
        let notice = find(issued(&file, &own, &Names::default()), DocKind::AcceptanceNotice, None).unwrap();
        assert_eq!(notice.letter.letterhead, "西山社区居民委员会");
        assert_eq!(notice.letter.signature, ["西山社区居民委员会", "(盖章)"]);
        assert_eq!(notice.letter.number.as_deref(), Some("XS-2026-000001"));
    }
}
