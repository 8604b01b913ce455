//! What a petitioner sees of their case without an account (GEN-11): the steps of its life that
//! answer them, in plain words, and none of the office's internal work (hand-offs between staff,
//! drafts, approvals, instructions, investigation records, flags, who did what); and the rules of
//! an online petition (GEN-1): who must be named, how many files, and the check question.

use chrono::{DateTime, Utc};

use crate::case::{Channel, Registration};
use crate::error::{FieldError, Invalid, ValidationErrors};
use crate::event::{Event, EventData};

/// A public step's name in English, by its kind (the English public pages).
pub fn step_label_en(kind: &str) -> &'static str {
    match kind {
        "registered" => "Registered",
        "accepted" => "Accepted",
        "assigned" => "Sent to the competent unit",
        "transferred" => "Transferred to the competent unit",
        "escalated" => "Sent to the unit above",
        "rated" => "Rated",
        "closed" => "Closed",
        "answered" => "Answered on the spot",
        "rejected" => "Not accepted",
        "registered_only" => "Registered only",
        "extended" => "Handling limit extended",
        "replied" => "Replied",
        "review_requested" => "Review requested",
        _ => "Step",
    }
}

/// The most files one online petition carries (each within [`crate::attachment::MAX_BYTES`]).
pub const MAX_ONLINE_ATTACHMENTS: usize = 5;

/// What an online petition must hold beyond any registration: it comes in on the online channel,
/// and it names the petitioner and a phone, so that the written notice (GEN-3) can reach them.
pub fn check_online(registration: &Registration) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    if registration.channel != Channel::Online {
        errors.push(FieldError::new("channel", Invalid::NotAChoice { allowed: "online".into() }));
    }
    if registration.petitioner.name.is_none() {
        errors.push(FieldError::new("petitioner.name", Invalid::Required));
    }
    if registration.petitioner.phone.is_none() {
        errors.push(FieldError::new("petitioner.phone", Invalid::Required));
    }
    ValidationErrors::from_vec(errors).map_or(Ok(()), Err)
}

/// What an online petition as typed lacks of what [`check_online`] asks (a name and a phone), so
/// that a form refused for other reasons names these too, all at once.
pub fn online_draft_gaps(draft: &crate::case::CaseDraft) -> Vec<FieldError> {
    let p = draft.petitioner.as_ref();
    let blank = |v: Option<&String>| v.is_none_or(|v| v.trim().is_empty());
    let mut gaps = Vec::new();
    if blank(p.and_then(|p| p.name.as_ref())) {
        gaps.push(FieldError::new("petitioner.name", Invalid::Required));
    }
    if blank(p.and_then(|p| p.phone.as_ref())) {
        gaps.push(FieldError::new("petitioner.phone", Invalid::Required));
    }
    gaps
}

/// The check question of the public form: a sum of two numbers from one to nine, asked in Chinese
/// numerals, which a person answers at a glance and a form-filling robot must be written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckSum {
    a: u8,
    b: u8,
}

const NUMERALS: [&str; 19] = [
    "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六",
    "十七", "十八",
];

impl CheckSum {
    /// The question for two random bytes.
    pub fn from_random(bytes: [u8; 2]) -> CheckSum {
        CheckSum { a: bytes[0] % 9 + 1, b: bytes[1] % 9 + 1 }
    }

    pub fn question_zh(&self) -> String {
        format!("{}加{}等于几?", NUMERALS[usize::from(self.a)], NUMERALS[usize::from(self.b)])
    }

    pub fn question_en(&self) -> String {
        format!("What is {} plus {}?", self.a, self.b)
    }

    pub fn answer(&self) -> u32 {
        u32::from(self.a) + u32::from(self.b)
    }
}

/// An answer as typed: digits (half- or full-width) or Chinese numerals up to 十八.
pub fn parse_answer(raw: &str) -> Option<u32> {
    let typed: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(u32::from(c) - u32::from('0') + u32::from('0')).unwrap_or(c),
            _ => c,
        })
        .collect();
    if let Ok(n) = typed.parse::<u32>() {
        return Some(n);
    }
    NUMERALS.iter().position(|n| *n == typed).and_then(|i| u32::try_from(i).ok())
}

/// One step of the public timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicStep {
    /// The event's kind (`registered`, `accepted`, …).
    pub kind: &'static str,
    /// The step in Chinese.
    pub label: &'static str,
    pub at: DateTime<Utc>,
    /// What the petitioner is told at this step, where there is something to tell.
    pub detail: Option<String>,
}

/// The public steps of a case's log, oldest first. A reply carries the text of the opinion that
/// was approved and sent.
pub fn public_timeline(events: &[Event]) -> Vec<PublicStep> {
    let mut opinion: Option<&str> = None;
    let mut steps = Vec::new();
    for event in events {
        let detail = match &event.data {
            EventData::OpinionDrafted { text, .. } => {
                opinion = Some(text);
                continue;
            }
            EventData::Registered { .. }
            | EventData::Accepted {}
            | EventData::Assigned { .. }
            | EventData::Transferred { .. }
            | EventData::Escalated { .. }
            | EventData::Rated { .. }
            | EventData::Closed {} => None,
            EventData::Answered { answer, .. } => Some(answer.clone()),
            EventData::Rejected { reason, channel } => Some(format!("{reason}(可向{channel}反映)")),
            EventData::RegisteredOnly { reason } => Some(reason.clone()),
            EventData::Extended { days, reason } => Some(format!("延长{days}日:{reason}")),
            EventData::Replied {} => opinion.map(str::to_owned),
            EventData::ReviewRequested { reason, .. } => Some(reason.clone()),
            EventData::HandedOff { .. }
            | EventData::ReportedUp { .. }
            | EventData::QueryCodeReissued {}
            | EventData::Objected { .. }
            | EventData::Approved { .. }
            | EventData::OpinionReturned { .. }
            | EventData::Taken {}
            | EventData::HearingHeld { .. }
            | EventData::Instructed { .. }
            | EventData::LiaisonRecorded { .. }
            | EventData::ReturnVisited { .. }
            | EventData::LeaderAssigned { .. }
            | EventData::ReportedBack { .. }
            | EventData::InvestigationNoted { .. }
            | EventData::AttachmentAdded { .. }
            | EventData::Flagged { .. }
            | EventData::FlagCleared { .. }
            | EventData::AccusedSet { .. }
            | EventData::Recused { .. } => continue,
        };
        steps.push(PublicStep { kind: event.data.kind(), label: event.data.label_zh(), at: event.occurred_at, detail });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gen_1_the_check_question_takes_digits_and_numerals() {
        let sum = CheckSum::from_random([2, 6]);
        assert_eq!(sum.question_zh(), "三加七等于几?");
        assert_eq!(sum.answer(), 10);
        for typed in ["10", " 10 ", "10", "十"] {
            assert_eq!(parse_answer(typed), Some(10), "{typed}");
        }
        assert_eq!(parse_answer("十九"), None);
        assert_eq!(parse_answer("ten"), None);
        let all: Vec<u32> = (0..=255u8).flat_map(|a| [CheckSum::from_random([a, a]).answer()]).collect();
        assert!(all.iter().all(|n| (2..=18).contains(n)));
    }
    use crate::event::Outcome;

    fn event(seq: i64, data: EventData) -> Event {
        let at = Utc::now();
        Event { seq, occurred_at: at, recorded_at: at, actor: "wang".into(), note: Some("内部备注".into()), data }
    }

    #[test]
    fn gen_11_the_public_timeline_leaves_out_internal_steps() {
        let log = [
            event(1, EventData::Accepted {}),
            event(2, EventData::InvestigationNoted { text: "入户核实,邻居称其收入较高".into() }),
            event(3, EventData::Instructed { text: "请尽快办理".into() }),
            event(
                4,
                EventData::OpinionDrafted {
                    outcome: Outcome::Support,
                    facts: "经查".into(),
                    basis: "依据".into(),
                    text: "您反映的问题属实,予以支持。".into(),
                    cited: Vec::new(),
                },
            ),
            event(5, EventData::Approved { complete: true }),
            event(6, EventData::Replied {}),
            event(7, EventData::Rejected { reason: "不属于本机关职责".into(), channel: "人民法院".into() }),
        ];
        let steps = public_timeline(&log);
        let kinds: Vec<&str> = steps.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, ["accepted", "replied", "rejected"]);
        assert_eq!(
            steps[1].detail.as_deref(),
            Some("您反映的问题属实,予以支持。"),
            "the reply is the approved opinion"
        );
        assert_eq!(steps[2].detail.as_deref(), Some("不属于本机关职责(可向人民法院反映)"));
        let all = format!("{steps:?}");
        for internal in ["邻居", "请尽快办理", "wang", "内部备注", "经查"] {
            assert!(!all.contains(internal), "{internal} is internal");
        }
    }
}
