//! The notices and letters a case issues (受理告知书, 不予受理告知书, 交办函, 转办函, 信访处理意见书, …), as
//! print views composed from the case file. Which documents exist follows from the events; their
//! wording follows the regulation. (PDF output and stored, hashed copies come later.)

use huiyin_core::event::{EventData, Outcome};
use huiyin_core::unit::UnitKind;
use huiyin_store::CaseFile;

use crate::views;

/// A document kind, with the code used in its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// 登记回执 is the receipt page; the others:
    AcceptanceNotice,
    RejectionNotice,
    AssignmentLetter,
    TransferLetter,
    Opinion,
    ReceptionRegister,
}

impl DocKind {
    pub const ALL: [DocKind; 6] = [
        DocKind::AcceptanceNotice,
        DocKind::RejectionNotice,
        DocKind::AssignmentLetter,
        DocKind::TransferLetter,
        DocKind::Opinion,
        DocKind::ReceptionRegister,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocKind::AcceptanceNotice => "acceptance-notice",
            DocKind::RejectionNotice => "rejection-notice",
            DocKind::AssignmentLetter => "assignment-letter",
            DocKind::TransferLetter => "transfer-letter",
            DocKind::Opinion => "opinion",
            DocKind::ReceptionRegister => "reception-register",
        }
    }

    pub fn parse(code: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A composed document: its title, the addressee line, the body paragraphs, and a table of facts.
pub struct Document {
    pub title: String,
    pub addressee: Option<String>,
    pub paragraphs: Vec<String>,
    pub facts: Vec<(String, String)>,
    pub issued_on: String,
}

fn last(file: &CaseFile, pick: impl Fn(&EventData) -> bool) -> Option<&huiyin_core::event::Event> {
    file.events.iter().rev().find(|e| pick(&e.data))
}

fn petitioner(file: &CaseFile) -> String {
    file.registration.petitioner.name.clone().unwrap_or_else(|| "信访人".into())
}

fn matter(file: &CaseFile) -> String {
    format!(
        "您于 {} 以{}形式反映的“{}”",
        views::day(file.registration.received_at),
        file.registration.channel.label_zh(),
        views::excerpt(&file.registration.content, 40)
    )
}

/// The documents this case has issued so far.
pub fn available(file: &CaseFile) -> Vec<DocKind> {
    let has = |pick: &dyn Fn(&EventData) -> bool| file.events.iter().any(|e| pick(&e.data));
    let mut out = Vec::new();
    if has(&|d| matches!(d, EventData::Accepted {})) {
        out.push(DocKind::AcceptanceNotice);
    }
    if has(&|d| matches!(d, EventData::Rejected { .. })) {
        out.push(DocKind::RejectionNotice);
    }
    if has(&|d| matches!(d, EventData::Assigned { .. })) {
        out.push(DocKind::AssignmentLetter);
    }
    if has(&|d| matches!(d, EventData::Transferred { .. })) {
        out.push(DocKind::TransferLetter);
    }
    if has(&|d| matches!(d, EventData::Replied {})) {
        out.push(DocKind::Opinion);
    }
    if file.registration.channel == huiyin_core::case::Channel::Visit {
        out.push(DocKind::ReceptionRegister);
    }
    out
}

/// Composes one document of the case; `None` if the case has not issued it. `holder_kind` is the
/// kind of the issuing unit (a federation's letters carry the federation's names, FED-16, FED-17).
pub fn compose(file: &CaseFile, kind: DocKind, holder_kind: UnitKind) -> Option<Document> {
    let number = file.state.case_number.clone();
    let federation = holder_kind == UnitKind::Federation;
    let doc = match kind {
        DocKind::AcceptanceNotice => {
            let e = last(file, |d| matches!(d, EventData::Accepted {}))?;
            Document {
                title: "信访事项受理告知书".into(),
                addressee: Some(petitioner(file)),
                paragraphs: vec![
                    format!("{}一事,本机关已于 {} 依法受理。", matter(file), views::day(e.occurred_at)),
                    "根据《信访工作条例》第三十二条的规定,本机关将自受理之日起六十日内办结并书面答复;情况复杂的,经批准可适当延长,延长期限不超过三十日,并告知您延期理由。".into(),
                    format!("您可凭信访件编号 {number} 和查询码查询办理进展。"),
                ],
                facts: vec![],
                issued_on: views::day(e.occurred_at),
            }
        }
        DocKind::RejectionNotice => {
            let e = last(file, |d| matches!(d, EventData::Rejected { .. }))?;
            let EventData::Rejected { reason, channel } = &e.data else { return None };
            Document {
                title: "信访事项不予受理告知书".into(),
                addressee: Some(petitioner(file)),
                paragraphs: vec![
                    format!("{}一事,经审查,因{reason},根据《信访工作条例》的规定,本机关不予受理。", matter(file)),
                    format!("您可以{channel}。"),
                ],
                facts: vec![],
                issued_on: views::day(e.occurred_at),
            }
        }
        DocKind::AssignmentLetter => {
            let e = last(file, |d| matches!(d, EventData::Assigned { .. }))?;
            let EventData::Assigned { unit, owner } = &e.data else { return None };
            Document {
                title: if federation { "残疾人来信来访来电交办函".into() } else { "信访事项交办通知书".into() },
                addressee: Some(unit.clone()),
                paragraphs: vec![
                    format!("现将信访件 {number}({})交你单位办理{}。", views::excerpt(&file.registration.content, 40), owner.as_deref().map(|o| format!(",包案人 {o}")).unwrap_or_default()),
                    "请依法依规办理,将处理情况答复信访人,并于期限内报送办理结果。如认为不属于你单位职责范围,请在收到之日起五个工作日内提出异议并说明理由。".into(),
                ],
                facts: registration_facts(file),
                issued_on: views::day(e.occurred_at),
            }
        }
        DocKind::TransferLetter => {
            let e = last(file, |d| matches!(d, EventData::Transferred { .. }))?;
            let EventData::Transferred { unit } = &e.data else { return None };
            Document {
                title: if federation {
                    "群众来信来访来电转办函".into()
                } else {
                    "信访事项转送函".into()
                },
                addressee: Some(unit.clone()),
                paragraphs: vec![
                    format!(
                        "信访件 {number}({})反映的问题属你单位职责范围,按照属地管理、分级负责的原则,现转你单位依法处理。",
                        views::excerpt(&file.registration.content, 40)
                    ),
                    "请将处理结果答复信访人。如认为不属于你单位职责范围,请在收到之日起五个工作日内提出异议。".into(),
                ],
                facts: registration_facts(file),
                issued_on: views::day(e.occurred_at),
            }
        }
        DocKind::Opinion => {
            let reply = last(file, |d| matches!(d, EventData::Replied {}))?;
            let draft = file
                .events
                .iter()
                .rev()
                .find(|e| e.seq < reply.seq && matches!(e.data, EventData::OpinionDrafted { .. }))?;
            let EventData::OpinionDrafted { outcome, facts, basis, text } = &draft.data else { return None };
            let round = file
                .events
                .iter()
                .filter(|e| e.seq < reply.seq && matches!(e.data, EventData::ReviewRequested { .. }))
                .count();
            // The round is told by how many review requests came before this reply.
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
            Document {
                title: title.into(),
                addressee: Some(petitioner(file)),
                paragraphs: vec![
                    format!("{}一事,本机关经调查核实,现答复如下:", matter(file)),
                    format!("一、查明的事实和理由:{facts}"),
                    format!("二、处理意见:{outcome_text}。{text}"),
                    format!("三、依据:{basis}。"),
                    match round {
                        0 => "如对本处理意见不服,可自收到本意见书之日起三十日内,向本机关的上一级机关请求复查。".into(),
                        1 => {
                            "如对本复查意见不服,可自收到本意见书之日起三十日内,向复查机关的上一级机关请求复核。".into()
                        }
                        _ => "本复核意见为终结意见。对同一事实和理由再提出信访事项的,不再受理。".into(),
                    },
                ],
                facts: vec![],
                issued_on: views::day(reply.occurred_at),
            }
        }
        DocKind::ReceptionRegister => {
            let instructions: Vec<String> = file
                .events
                .iter()
                .filter_map(|e| match &e.data {
                    EventData::Instructed { text } => {
                        Some(format!("{}({},{})", text, e.actor, views::day(e.occurred_at)))
                    }
                    _ => None,
                })
                .collect();
            let mut facts = registration_facts(file);
            facts.push((
                "领导批示意见".into(),
                if instructions.is_empty() { "(待批示)".into() } else { instructions.join(";") },
            ));
            Document {
                title: "领导干部接待群众来访登记表".into(),
                addressee: None,
                paragraphs: vec![],
                facts,
                issued_on: views::day(file.registration.received_at),
            }
        }
    };
    Some(doc)
}

/// The registration's facts for letters and registers; the petitioner's ID is shown masked.
fn registration_facts(file: &CaseFile) -> Vec<(String, String)> {
    let r = &file.registration;
    let p = &r.petitioner;
    vec![
        ("信访件编号".into(), file.state.case_number.clone()),
        ("信访形式".into(), r.channel.label_zh().into()),
        ("收到时间".into(), views::instant(r.received_at).replace('T', " ").chars().take(16).collect()),
        ("信访人".into(), p.name.clone().unwrap_or_else(|| "(匿名)".into())),
        ("人数".into(), r.headcount.to_string()),
        ("联系电话".into(), p.phone.as_ref().map(|ph| ph.masked()).unwrap_or_default()),
        ("内容分类".into(), r.category.path.clone()),
        ("反映内容".into(), r.content.clone()),
        ("首问责任人".into(), file.state.first_receiver.clone()),
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
            version: all.len() as i64,
            state: CaseState::derive(&all).unwrap(),
            registration,
            events: all,
            deadlines: Vec::new(),
            query_code_hash: String::new(),
        }
    }

    #[test]
    fn fed_16_fed_17_a_federation_issues_its_own_letters() {
        let file = file_with(vec![EventData::Assigned { unit: "XS-CL".into(), owner: None }]);
        assert_eq!(
            compose(&file, DocKind::AssignmentLetter, UnitKind::Federation).unwrap().title,
            "残疾人来信来访来电交办函"
        );
        assert_eq!(compose(&file, DocKind::AssignmentLetter, UnitKind::Community).unwrap().title, "信访事项交办通知书");
        let moved = file_with(vec![EventData::Transferred { unit: "DZ".into() }]);
        assert_eq!(
            compose(&moved, DocKind::TransferLetter, UnitKind::Federation).unwrap().title,
            "群众来信来访来电转办函"
        );
        assert!(compose(&file, DocKind::TransferLetter, UnitKind::Federation).is_none(), "not issued");
    }

    #[test]
    fn gen_4_gen_5_opinion_letters_follow_the_round() {
        let opinion = || EventData::OpinionDrafted {
            outcome: Outcome::Support,
            facts: "属实".into(),
            basis: "《残疾人保障法》".into(),
            text: "恢复发放".into(),
        };
        let first = file_with(vec![
            EventData::Accepted {},
            opinion(),
            EventData::Approved { complete: true },
            EventData::Replied {},
        ]);
        let doc = compose(&first, DocKind::Opinion, UnitKind::Community).unwrap();
        assert_eq!(doc.title, "信访事项处理意见书");
        assert!(doc.paragraphs.iter().any(|p| p.contains("请求复查")), "names the next step");
        assert_eq!(available(&first), [DocKind::AcceptanceNotice, DocKind::Opinion, DocKind::ReceptionRegister]);
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
        assert_eq!(compose(&review, DocKind::Opinion, UnitKind::Town).unwrap().title, "信访事项复查意见书");
    }
}
