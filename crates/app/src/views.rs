//! The JSON shapes of the API (INTERFACE.md), built from store records. Personal data is masked
//! here unless the caller asked for it in full and the view was logged (COM-4).

use chrono::{DateTime, SecondsFormat, Utc};
use huiyin_core::case::CHINA_OFFSET;
use huiyin_core::event::{Event, EventData};
use huiyin_core::identity::{masked_id_number, masked_phone};
use huiyin_core::limits::Deadline;
use huiyin_store::{CaseFile, CaseSummary, Page};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// This year, in China.
pub fn this_year() -> i32 {
    chrono::Datelike::year(&huiyin_core::limits::china_day(Utc::now()))
}

/// An instant as RFC 3339 in China time: `2026-11-26T10:00:00+08:00`.
pub fn instant(t: DateTime<Utc>) -> String {
    t.with_timezone(&CHINA_OFFSET).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A moment in China time to the minute, as lists and records print it: `2026-11-26 09:30`.
pub fn minute(t: DateTime<Utc>) -> String {
    t.with_timezone(&CHINA_OFFSET).format("%Y-%m-%d %H:%M").to_string()
}

/// A moment's time of day in China time: `09:30` (a sign-in on a duty day).
pub fn clock(t: DateTime<Utc>) -> String {
    t.with_timezone(&CHINA_OFFSET).format("%H:%M").to_string()
}

/// A date-and-time field's value in China time, to the minute: `2026-11-26T09:30`.
pub fn local_input(t: DateTime<Utc>) -> String {
    t.with_timezone(&CHINA_OFFSET).format("%Y-%m-%dT%H:%M").to_string()
}

/// A day as documents write it (GB/T 9704): `2026年11月26日`.
pub fn date_zh(d: chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// A moment's day in China time as documents write it: `2026年11月26日`.
pub fn day_zh(t: DateTime<Utc>) -> String {
    date_zh(t.with_timezone(&CHINA_OFFSET).date_naive())
}

/// A moment in China time as documents write it, to the minute: `2026年11月26日 09:30`.
pub fn minute_zh(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&CHINA_OFFSET);
    format!("{} {}", date_zh(local.date_naive()), local.format("%H:%M"))
}

/// A day in China time: `2026-11-26`.
pub fn day(t: DateTime<Utc>) -> String {
    t.with_timezone(&CHINA_OFFSET).format("%Y-%m-%d").to_string()
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionerView {
    pub name: Option<String>,
    pub id_type: Option<String>,
    /// Masked (`1101**********002X`) unless `masked` is false.
    pub id_number: Option<String>,
    /// Masked (`138****5678`) unless `masked` is false.
    pub phone: Option<String>,
    /// Only the first characters unless `masked` is false.
    pub address: Option<String>,
    /// Whether the identifying fields above are masked.
    pub masked: bool,
    /// Always false. Kept for clients that read it: since GEN-7 was read whole, the accused unit
    /// does not read an accusing case at all (404), so nothing is ever shown concealed.
    #[schema(deprecated)]
    pub concealed: bool,
}

impl PetitionerView {
    /// The petitioner masked, or in full when `full` (COM-4: logged by the caller).
    pub fn of(p: &huiyin_core::case::Petitioner, full: bool) -> PetitionerView {
        PetitionerView {
            name: p.name.clone(),
            id_type: p.id.as_ref().map(|d| d.kind.code().to_owned()),
            id_number: p.id.as_ref().map(|d| if full { d.number.clone() } else { masked_id_number(&d.number) }),
            phone: p.phone.as_ref().map(|ph| if full { ph.as_str().to_owned() } else { masked_phone(ph.as_str()) }),
            address: p.address.as_ref().map(|a| if full { a.clone() } else { masked_address(a) }),
            masked: !full,
            concealed: false,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub code: String,
    /// The class's names from the top level down, as they were at registration.
    pub path: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccusedView {
    pub name: Option<String>,
    pub unit: Option<String>,
    /// The login name of the staff member accused, when one of ours is (GEN-7).
    pub user: Option<String>,
}

/// A time limit of the case (GEN-2 … GEN-5).
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineView {
    /// `sorting`, `notice`, `objection`, `handling`, `review_request`, `review`, `re_review_request`, `re_review`
    pub kind: String,
    /// The kind in Chinese.
    pub label: String,
    /// Whose step it is: `office` (the office answers for it; overdue when past its day) or
    /// `petitioner` (a window the petitioner may use, such as asking for review; never overdue).
    pub owner: String,
    /// The last day (China time), counted as the regulation counts (GEN-8).
    pub due: String,
    /// When the step was done; `null` while open.
    pub met_at: Option<String>,
    /// True when the due date relied on a year whose holiday schedule is not loaded yet: it was
    /// counted on weekends alone and will be recomputed when the schedule is loaded.
    pub provisional: bool,
    /// Days from today to the due date, negative when overdue; `null` once met.
    pub days_left: Option<i64>,
}

impl DeadlineView {
    pub fn new(d: &Deadline, today: chrono::NaiveDate) -> DeadlineView {
        DeadlineView {
            kind: d.kind.code().to_owned(),
            label: d.kind.label_zh().to_owned(),
            owner: d.kind.owner().code().to_owned(),
            due: d.due.date.to_string(),
            met_at: d.met_at.map(instant),
            provisional: d.due.provisional,
            days_left: d.days_left(today),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub seq: i64,
    /// `registered`, `handed_off`, `reported_up`, `query_code_reissued`
    pub kind: String,
    /// The kind in Chinese.
    pub label: String,
    /// When it happened.
    pub at: String,
    /// When it was written down.
    pub recorded_at: String,
    /// The acting user's username.
    pub actor: String,
    pub note: Option<String>,
    /// Facts of this kind of event (for `handed_off`: `to_user`, `to_unit`, `reason`).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// The reception session a visit was received in (TWN-10).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionRefView {
    pub id: i64,
    /// `leader_day`, `joint`, `appointment` or `home_visit`.
    pub kind: String,
    /// 领导接访日, 联合接访, 约访, 下访.
    pub kind_label: String,
    /// The receiving leaders by login name.
    pub leaders: Vec<String>,
}

/// The petitioner is on a unit's register of key petitioners (重点信访人, TWN-8): told to the
/// supervisors, leaders and administrators who keep the registers, never to the officer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KeyPetitionerView {
    /// The register's line.
    pub id: i64,
    /// Why they are a key petitioner.
    pub reason: String,
    /// The unit whose register it is.
    pub unit: String,
}

/// A case as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    pub id: i64,
    pub case_number: String,
    /// Present only in the response that issued it (registration or reissue): it is not stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_code: Option<String>,
    pub status: String,
    pub status_label: String,
    pub channel: String,
    pub received_at: String,
    pub registered_at: String,
    pub unit: UnitRef,
    /// The code of the unit that holds the case now.
    pub holding_unit: String,
    /// 首问责任人 (FED-1).
    pub first_receiver: String,
    /// Who was on duty in the registering unit that day (TWN-6), by login name; absent when the
    /// unit had no rota for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_duty: Option<String>,
    /// The leaders' reception session (接访活动, TWN-10) the visit was received in: its id, kind
    /// and leaders by login name; absent outside a session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionRefView>,
    /// 重点信访人: the petitioner is on the register of the case's unit or a unit above it; for the
    /// registers' keepers only (supervisors, leaders, administrators), absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_petitioner: Option<KeyPetitionerView>,
    /// 包案人: who holds the case now.
    pub owner: String,
    /// 包案领导: the leader accountable end to end (TWN-5), once named.
    pub owner_leader: Option<String>,
    /// 回避 (GEN-7): who stands aside from the case, by login name, in the order they did.
    pub recused: Vec<String>,
    pub petitioner: PetitionerView,
    pub headcount: u32,
    pub representatives: Vec<String>,
    pub category: CategoryView,
    pub purpose: String,
    pub content: String,
    pub accused: Option<AccusedView>,
    pub place: Option<String>,
    pub place_unit: Option<String>,
    /// How the petitioner stands to the unit (SCH-1): `staff`, `student`, `parent`, `other`; absent
    /// when not asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    pub flags: Vec<String>,
    /// 上级批转 (FED-18): the forwarding unit and its reference.
    #[schema(value_type = Option<Object>)]
    pub forwarded_from: Option<huiyin_core::case::Forwarded>,
    pub deadlines: Vec<DeadlineView>,
    pub events: Vec<EventView>,
}

fn event_details(e: &Event) -> serde_json::Value {
    match &e.data {
        EventData::Registered { case_number, .. } => json!({ "case_number": case_number }),
        EventData::HandedOff { to_user, to_unit, reason } => {
            json!({ "to_user": to_user, "to_unit": to_unit, "reason": reason })
        }
        EventData::ReportedUp { to_unit, summary } => json!({ "to_unit": to_unit, "summary": summary }),
        EventData::QueryCodeReissued {}
        | EventData::Accepted {}
        | EventData::Replied {}
        | EventData::Closed {}
        | EventData::Taken {} => {
            json!({})
        }
        EventData::Extended { days, reason } => json!({ "days": days, "reason": reason }),
        EventData::Answered { answer, cited } => json!({ "answer": answer, "cited": cited }),
        EventData::Rejected { reason, channel } => json!({ "reason": reason, "channel": channel }),
        EventData::RegisteredOnly { reason } => json!({ "reason": reason }),
        EventData::Assigned { unit, owner } => json!({ "unit": unit, "owner": owner }),
        EventData::Transferred { unit } => json!({ "unit": unit }),
        EventData::Objected { reason, back_to } => json!({ "reason": reason, "back_to": back_to }),
        EventData::Escalated { unit, reason, .. } => json!({ "unit": unit, "reason": reason }),
        EventData::OpinionDrafted { outcome, facts, basis, text, cited } => {
            json!({ "outcome": outcome, "facts": facts, "basis": basis, "text": text, "cited": cited })
        }
        EventData::Approved { complete } => json!({ "complete": complete }),
        EventData::OpinionReturned { comment } => json!({ "comment": comment }),
        EventData::Rated { office, unit, reason } => json!({ "office": office, "unit": unit, "reason": reason }),
        EventData::ReviewRequested { reason, to_unit } => json!({ "reason": reason, "to_unit": to_unit }),
        EventData::Instructed { text } | EventData::InvestigationNoted { text } => json!({ "text": text }),
        EventData::ReturnVisited { method, outcome, rating, reopened } => {
            json!({ "method": method, "outcome": outcome, "rating": rating, "reopened": reopened })
        }
        EventData::LeaderAssigned { leader } => json!({ "leader": leader }),
        EventData::Recused { user, reason, ordered } => json!({ "user": user, "reason": reason, "ordered": ordered }),
        EventData::ReportedBack { to_unit, summary } => json!({ "to_unit": to_unit, "summary": summary }),
        EventData::AttachmentAdded { sha256, media_type, filename, size } => json!({
            "sha256": sha256, "media_type": media_type.mime(), "filename": filename, "size": size
        }),
        EventData::Flagged { flag, related, against_unit, reason } => json!({
            "flag": flag.code(), "related": related, "against_unit": against_unit, "reason": reason
        }),
        EventData::FlagCleared { flag, reason } => json!({ "flag": flag.code(), "reason": reason }),
        EventData::AccusedSet { name, unit, user, reason } => {
            json!({ "name": name, "unit": unit, "user": user, "reason": reason })
        }
        EventData::LiaisonRecorded { agency, summary } => json!({ "agency": agency, "summary": summary }),
        EventData::HearingHeld { from, to, participants, opinions, conclusion } => json!({
            "from": from, "to": to, "participants": participants, "opinions": opinions, "conclusion": conclusion
        }),
    }
}

pub fn event_view(e: &Event) -> EventView {
    EventView {
        seq: e.seq,
        kind: e.data.kind().to_owned(),
        label: e.data.label_zh().to_owned(),
        at: instant(e.occurred_at),
        recorded_at: instant(e.recorded_at),
        actor: e.actor.clone(),
        note: e.note.clone(),
        details: event_details(e),
    }
}

/// Masks an address for readers who need only the area: its first six characters.
pub fn masked_address(address: &str) -> String {
    let shown: String = address.chars().take(6).collect();
    if shown.chars().count() < address.chars().count() { format!("{shown}***") } else { shown }
}

impl CaseView {
    /// The case for a reader who may read it (`cases::case_file`); `full` shows the personal data
    /// unmasked (COM-4, logged by the caller).
    pub fn new(file: &CaseFile, deadlines: &[Deadline], full: bool, query_code: Option<String>) -> CaseView {
        let today = huiyin_core::limits::china_day(Utc::now());
        let reg = &file.registration;
        let p = &reg.petitioner;
        let petitioner = PetitionerView::of(p, full);
        CaseView {
            id: file.id,
            case_number: file.state.case_number.clone(),
            query_code,
            status: file.state.status.code().to_owned(),
            status_label: file.state.status.label_zh().to_owned(),
            channel: reg.channel.code().to_owned(),
            received_at: instant(reg.received_at),
            registered_at: file.events.first().map(|e| instant(e.recorded_at)).unwrap_or_default(),
            unit: UnitRef { code: file.unit_code.clone(), name: file.unit_name.clone() },
            holding_unit: file.state.holding_unit.clone(),
            first_receiver: file.state.first_receiver.clone(),
            on_duty: reg.on_duty.clone(),
            session: reg.session.as_ref().map(|s| SessionRefView {
                id: s.id,
                kind: s.kind.code().to_owned(),
                kind_label: s.kind.label_zh().to_owned(),
                leaders: s.leaders.clone(),
            }),
            key_petitioner: None,
            owner: file.state.owner.clone(),
            owner_leader: file.state.owner_leader.clone(),
            recused: file.state.recused.clone(),
            petitioner,
            headcount: reg.headcount,
            representatives: reg.representatives.clone(),
            category: CategoryView { code: reg.category.code.clone(), path: reg.category.path.clone() },
            purpose: reg.purpose.code().to_owned(),
            content: reg.content.clone(),
            accused: huiyin_core::event::current_accused(reg, &file.events).map(|a| AccusedView {
                name: a.name,
                unit: a.unit.map(|u| u.as_str().to_owned()),
                user: a.user,
            }),
            place: reg.place.clone(),
            place_unit: reg.place_unit.as_ref().map(|u| u.as_str().to_owned()),
            relation: reg.relation.map(|r| r.code().to_owned()),
            flags: file.state.flags.iter().map(|f| f.code().to_owned()).collect(),
            forwarded_from: reg.forwarded_from.clone(),
            deadlines: deadlines.iter().map(|d| DeadlineView::new(d, today)).collect(),
            events: file.events.iter().map(event_view).collect(),
        }
    }
}

/// One row of a case list; personal data always masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseListItem {
    pub id: i64,
    pub case_number: String,
    pub status: String,
    pub channel: String,
    pub received_at: String,
    pub unit: UnitRef,
    pub petitioner_name: Option<String>,
    pub petitioner_phone: Option<String>,
    pub petitioner_id_number: Option<String>,
    pub category: String,
    pub headcount: i64,
    pub flags: Vec<String>,
    /// The statement's first 80 characters.
    pub excerpt: String,
    /// With a full-text search: the statement around its first match, cut into matching and other
    /// pieces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highlight: Option<Vec<huiyin_search::Fragment>>,
    /// The earliest open due date (YYYY-MM-DD), if any.
    pub next_due: Option<String>,
    /// True when an open due date is provisional (a year's holiday schedule is not loaded yet).
    pub due_provisional: bool,
}

pub fn excerpt(text: &str, chars: usize) -> String {
    let mut out: String = text.chars().take(chars).collect();
    if text.chars().nth(chars).is_some() {
        out.push('…');
    }
    out
}

impl CaseListItem {
    /// A list row, from a row of `cases::list_cases` (its personal data masked there).
    pub fn new(s: &CaseSummary, terms: &[String]) -> Self {
        CaseListItem {
            id: s.id,
            case_number: s.case_number.clone(),
            status: s.status.code().to_owned(),
            channel: s.channel.code().to_owned(),
            received_at: instant(s.received_at),
            unit: UnitRef { code: s.unit_code.clone(), name: s.unit_name.clone() },
            petitioner_name: s.petitioner_name.clone(),
            // Masked already by the list (`cases::list_cases`).
            petitioner_phone: s.petitioner_phone.clone(),
            petitioner_id_number: s.petitioner_id_number.clone(),
            category: s.category_path.clone(),
            headcount: s.headcount,
            flags: s.flags.clone(),
            excerpt: excerpt(&s.content, 80),
            highlight: (!terms.is_empty()).then(|| huiyin_search::highlight(&s.content, terms, 80)),
            next_due: s.next_due.map(|d| d.to_string()),
            due_provisional: s.due_provisional,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseListItem>,
    /// The words searched for, as segmented (empty without a full-text search).
    pub terms: Vec<String>,
    /// With `total_exact` false (only when asked for `total=bounded`), there are more than `total`.
    pub total: i64,
    pub total_exact: bool,
    pub page: u32,
    pub per_page: u32,
}

impl CaseList {
    /// A page of rows.
    pub fn new(p: &Page<CaseSummary>, terms: &[String]) -> Self {
        let items = p.items.iter().map(|s| CaseListItem::new(s, terms)).collect();
        CaseList {
            items,
            terms: terms.to_vec(),
            total: p.total,
            total_exact: p.total_exact,
            page: p.page,
            per_page: p.per_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn com_4_addresses_mask_to_their_area() {
        assert_eq!(masked_address("西山社区3栋201室"), "西山社区3栋***");
        assert_eq!(masked_address("西山社区"), "西山社区");
    }

    #[test]
    fn excerpts_are_cut_by_characters() {
        assert_eq!(excerpt("信访工作", 2), "信访…");
        assert_eq!(excerpt("信访", 2), "信访");
    }
}
