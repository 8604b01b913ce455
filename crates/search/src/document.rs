//! What of a case is searchable: the statement, the petitioner's name and address, the place, the
//! class, the representatives and the accused, and the words of every later event (notes, replies,
//! opinions, instructions, investigation records). ID numbers and phones are not: they are looked up
//! exactly, never by words.

use huiyin_core::case::Registration;
use huiyin_core::event::{Event, EventData};

use crate::Segmenter;

/// A case's searchable text, one field a line.
pub fn case_text(registration: &Registration, events: &[Event]) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let r = registration;
    parts.extend(r.petitioner.name.as_deref());
    parts.extend(r.petitioner.address.as_deref());
    parts.extend(r.place.as_deref());
    parts.push(&r.category.path);
    parts.extend(r.representatives.iter().map(String::as_str));
    parts.extend(r.accused.as_ref().and_then(|a| a.name.as_deref()));
    parts.push(&r.content);
    for event in events {
        parts.extend(event.note.as_deref());
        event_texts(&event.data, &mut parts);
    }
    parts.retain(|p| !p.trim().is_empty());
    parts.join("\n")
}

/// The words to index for a case.
pub fn case_tokens(segmenter: &Segmenter, registration: &Registration, events: &[Event]) -> Vec<String> {
    segmenter.index_tokens(&case_text(registration, events))
}

/// Whether an event carries free text of its own (its note aside).
pub fn has_text(data: &EventData) -> bool {
    let mut parts = Vec::new();
    event_texts(data, &mut parts);
    parts.iter().any(|p| !p.trim().is_empty())
}

/// The free text an event carries.
fn event_texts<'a>(data: &'a EventData, out: &mut Vec<&'a str>) {
    use EventData as E;
    match data {
        E::Registered { .. } | E::QueryCodeReissued {} | E::Accepted {} | E::Approved { .. } | E::Replied {} => {}
        E::Closed {} | E::Assigned { .. } | E::Transferred { .. } | E::LeaderAssigned { .. } | E::Taken {} => {}
        // Why a staff member stands aside is about them, not the matter.
        E::Recused { .. } => {}
        E::HandedOff { reason, .. } => out.push(reason),
        E::ReportedUp { summary, .. } | E::ReportedBack { summary, .. } => out.push(summary),
        E::Extended { reason, .. } | E::RegisteredOnly { reason } | E::Objected { reason, .. } => out.push(reason),
        E::Escalated { reason, .. } | E::ReviewRequested { reason, .. } => out.push(reason),
        E::Answered { answer, .. } => out.push(answer),
        E::Rejected { reason, channel } => out.extend([reason.as_str(), channel.as_str()]),
        E::OpinionDrafted { facts, basis, text, .. } => out.extend([facts.as_str(), basis.as_str(), text.as_str()]),
        E::Rated { reason, .. } => out.extend(reason.as_deref()),
        E::HearingHeld { participants, opinions, conclusion, .. } => {
            out.extend(participants.iter().map(String::as_str));
            out.extend([opinions.as_str(), conclusion.as_str()]);
        }
        E::Instructed { text } | E::InvestigationNoted { text } => out.push(text),
        E::OpinionReturned { comment } => out.push(comment),
        E::LiaisonRecorded { summary, .. } => out.push(summary),
        E::ReturnVisited { outcome, .. } => out.push(outcome),
        E::AttachmentAdded { filename, .. } => out.push(filename),
        E::Flagged { reason, .. } | E::FlagCleared { reason, .. } => out.push(reason),
        E::AccusedSet { name, reason, .. } => {
            out.extend(name.as_deref());
            out.push(reason);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use huiyin_core::case::CaseDraft;

    fn registration() -> Registration {
        let draft: CaseDraft = serde_json::from_value(serde_json::json!({
            "channel": "visit", "unit": "XS", "received_at": "2026-11-20",
            "petitioner": {"name": "王秀英", "address": "西山社区向阳街12号"},
            "category": "其他", "purpose": "request", "content": "申请低保被拒绝"
        }))
        .unwrap();
        let classes = huiyin_core::category::parse_tsv("yjnr\tejnr\tsjnr\n其他\t其他\t其他\n");
        draft.parse(chrono::Utc::now(), &classes).unwrap()
    }

    #[test]
    fn the_statement_name_and_later_words_are_searchable_and_numbers_are_not() {
        let reg = registration();
        let reply = Event {
            seq: 2,
            occurred_at: reg.received_at,
            recorded_at: reg.received_at,
            actor: "x".into(),
            note: Some("电话回访".into()),
            data: EventData::Answered { answer: "告知申请条件".into(), cited: Vec::new() },
        };
        let text = case_text(&reg, std::slice::from_ref(&reply));
        for part in ["王秀英", "向阳街", "申请低保被拒绝", "电话回访", "告知申请条件"] {
            assert!(text.contains(part), "{part} in {text}");
        }
        assert!(has_text(&reply.data));
        assert!(!has_text(&EventData::Accepted {}));
    }
}
