//! What a petitioner sees of their case without an account (GEN-11): the steps of its life that
//! answer them, in plain words, and none of the office's internal work (hand-offs between staff,
//! drafts, approvals, instructions, investigation records, flags, who did what).

use chrono::{DateTime, Utc};

use crate::event::{Event, EventData};

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
            EventData::Answered { answer } => Some(answer.clone()),
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
            | EventData::HearingHeld { .. }
            | EventData::Instructed { .. }
            | EventData::LiaisonRecorded { .. }
            | EventData::ReturnVisited { .. }
            | EventData::LeaderAssigned { .. }
            | EventData::ReportedBack { .. }
            | EventData::InvestigationNoted { .. }
            | EventData::AttachmentAdded { .. }
            | EventData::Flagged { .. }
            | EventData::FlagCleared { .. } => continue,
        };
        steps.push(PublicStep { kind: event.data.kind(), label: event.data.label_zh(), at: event.occurred_at, detail });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
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
