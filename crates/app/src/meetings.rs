//! 会议 (issue 20, DEM-3 … DEM-5): a community's body's meetings — called by whom the seed names
//! (the congress on a request of at least the rules' share of the sitting representatives, whose
//! signers are counted), held (the sitting members who attended, and whether that is a quorum under
//! the rules the meeting was called under), and the decisions on its agenda with their votes (none
//! without a quorum; passed by the rules' majority of those present).
//!
//! Who: as the community's charter and bodies (`charters::keeps`): its administrators and leaders
//! and those above call and record meetings; everyone whose scope holds it reads them. Every step
//! is on the audit log.

use chrono::{NaiveDate, Utc};
use huiyin_core::community_body::{BodyKind, MemberRole};
use huiyin_core::limits::china_day;
use huiyin_core::meeting::{ConvenedBy, DecisionDraft, MeetingDraft, notice_short, quorum, request_stands};
use huiyin_core::user::Role;
use huiyin_core::{FieldError, Invalid};
use huiyin_store::{
    Attendance, BodyMemberRecord, DecisionRecord, MatterRecord, MeetingRecord, NewDecision, NewMeeting, StoreError,
    Unit,
};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::charters::{keeps, refuse_not_community};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::units::unit_in_scope;

/// A meeting with its decisions, as its readers see it.
#[derive(Debug, Clone)]
pub struct MeetingView {
    pub record: MeetingRecord,
    pub unit: Unit,
    pub decisions: Vec<DecisionRecord>,
    /// The matters raised (and cases referred) that are items of its agenda, by item.
    pub matters: Vec<MatterRecord>,
}

impl MeetingView {
    /// Whether the meeting was called on or after its own day (recorded afterwards: no notice was
    /// published ahead of it).
    pub fn recorded_afterwards(&self) -> bool {
        china_day(self.record.meeting.created_at) >= self.record.meeting.day
    }

    /// The decision on agenda item `item`, if one was taken.
    pub fn decision_on(&self, item: usize) -> Option<&DecisionRecord> {
        self.decisions.iter().find(|d| usize::try_from(d.decision.item).ok() == Some(item))
    }

    /// The matter that is agenda item `item`, if it was raised as one.
    pub fn matter_on(&self, item: usize) -> Option<&MatterRecord> {
        self.matters.iter().find(|m| m.placed.is_some_and(|(_, i)| usize::try_from(i).ok() == Some(item)))
    }
}

/// The members of a body sitting on `day`: their term begun and not ended, and not left before it.
async fn sitting(state: &AppState, unit_id: i64, body: BodyKind, day: NaiveDate) -> AppResult<Vec<BodyMemberRecord>> {
    Ok(state
        .store
        .body_members(unit_id)
        .await?
        .into_iter()
        .filter(|m| {
            let member = &m.member;
            member.body == body
                && member.term_from <= day
                && member.term_to.is_none_or(|to| to >= day)
                && m.left_on.is_none_or(|left| left > day)
        })
        .collect())
}

/// Calls a meeting of a body of the community `code`. The congress called on the representatives'
/// request stands only with at least the rules' share of its sitting representatives as signers.
pub async fn call(state: &AppState, actor: &Actor, code: &str, draft: &MeetingDraft) -> AppResult<MeetingView> {
    let unit = unit_in_scope(state, actor, code).await?;
    if !keeps(actor, &unit) {
        return Err(AppError::Forbidden);
    }
    refuse_not_community(&unit)?;
    let today = china_day(Utc::now());
    let mut fields = draft.parse(today)?;
    // A body with nobody sitting on the day could never be quorate.
    let members = sitting(state, unit.id, fields.body, fields.day).await?;
    if members.is_empty() {
        let allowed = "会议当天有在任成员的组织(请先登记成员)".into();
        return Err(FieldError::new("body", Invalid::NotAChoice { allowed }).into());
    }
    let rules = crate::community_bodies::rules_of(&*state.store, unit.id, fields.body).await?;
    // Noticed the rules' days ahead (DEM-6), unless recorded after it was held.
    if let Some(earliest) = notice_short(&rules, today, fields.day) {
        let allowed = format!(
            "{earliest} 或以后的日期(按{}议事规则,会议应提前 {} 天通知)",
            fields.body.label_zh(),
            rules.notice_days
        );
        return Err(FieldError::new("day", Invalid::NotAChoice { allowed }).into());
    }
    // The matters waiting for this body go on the agenda after the items typed.
    let waiting = crate::matters::waiting(state, unit.id, Some(fields.body)).await?;
    for id in &fields.matters {
        let Some(matter) = waiting.iter().find(|m| m.id == *id) else {
            let allowed = format!("{}待议的议题", fields.body.label_zh());
            return Err(FieldError::new("matters", Invalid::NotAChoice { allowed }).into());
        };
        // A matter is answered by a meeting after it was raised, never by one held before.
        let raised = china_day(matter.matter.raised_at);
        if fields.day < raised {
            let what = format!("议题“{}”提出之日({raised})", matter.matter.subject);
            return Err(FieldError::new("matters", Invalid::NotBefore { what }).into());
        }
        fields.agenda.push(matter.matter.subject.clone());
    }
    // The council's chair convenes it (DEM-4): a council without a sitting chair has no one to.
    if fields.convened_by == ConvenedBy::Chair && !members.iter().any(|m| m.member.role == MemberRole::Chair) {
        let allowed = "议事协商会在任主任召集(请先登记主任)".into();
        return Err(FieldError::new("convened_by", Invalid::NotAChoice { allowed }).into());
    }
    if fields.convened_by == ConvenedBy::Representatives {
        let representatives: Vec<i64> =
            members.iter().filter(|m| m.member.role == MemberRole::Representative).map(|m| m.id).collect();
        if fields.signers.iter().any(|s| !representatives.contains(s)) {
            let allowed = "在任的居民代表".into();
            return Err(FieldError::new("signers", Invalid::NotAChoice { allowed }).into());
        }
        let signed = u32::try_from(fields.signers.len()).unwrap_or(u32::MAX);
        let total = u32::try_from(representatives.len()).unwrap_or(u32::MAX);
        if !request_stands(&rules, signed, total) {
            let least = rules.convene_share.map_or(total, |s| s.least_of(total));
            let what =
                format!("在任居民代表 {total} 人的{}({least} 人)", rules.convene_share.map_or("", |s| s.label_zh()));
            return Err(FieldError::new("signers", Invalid::TooFew { what }).into());
        }
    }
    let meeting = NewMeeting {
        unit_id: unit.id,
        body: fields.body,
        day: fields.day,
        starts: fields.starts,
        place: fields.place,
        agenda: fields.agenda,
        convened_by: fields.convened_by,
        signers: fields.signers,
        rules,
        matters: fields.matters,
        created_by: actor.user.id,
        created_at: Utc::now(),
    };
    let id = state.store.add_meeting(&meeting).await?;
    let after = json!({ "meeting": id, "body": meeting.body.code(), "day": meeting.day, "convened_by": meeting.convened_by.code() });
    audit::record(state, actor, "meeting.call", Target::unit(&unit), None, Some(after)).await;
    meeting_view(state, actor, id).await
}

/// Records who of the sitting members attended, once; the quorum is judged under the rules the
/// meeting was called under.
pub async fn attend(state: &AppState, actor: &Actor, id: i64, present: &[i64]) -> AppResult<MeetingView> {
    let view = meeting_view(state, actor, id).await?;
    if !keeps(actor, &view.unit) {
        return Err(AppError::Forbidden);
    }
    refuse_not_community(&view.unit)?;
    let m = &view.record.meeting;
    refuse_before_the_day(m.day)?;
    if present.is_empty() {
        return Err(FieldError::new("present", Invalid::Required).into());
    }
    let members: Vec<i64> = sitting(state, m.unit_id, m.body, m.day).await?.into_iter().map(|r| r.id).collect();
    let mut present = present.to_vec();
    present.sort_unstable();
    present.dedup();
    if present.iter().any(|p| !members.contains(p)) {
        let allowed = format!("{}的在任成员", m.body.label_zh());
        return Err(FieldError::new("present", Invalid::NotAChoice { allowed }).into());
    }
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let attendance = Attendance {
        quorate: quorum(&m.rules, count(present.len()), count(members.len())),
        present,
        sitting: count(members.len()),
        recorded_by: actor.user.id,
        recorded_at: Utc::now(),
    };
    if !state.store.record_attendance(id, &attendance).await? {
        return Err(StoreError::Conflict.into());
    }
    let after = json!({ "meeting": id, "present": attendance.present.len(), "sitting": attendance.sitting, "quorate": attendance.quorate });
    audit::record(state, actor, "meeting.attendance", Target::unit(&view.unit), None, Some(after)).await;
    meeting_view(state, actor, id).await
}

/// Records a decision on an agenda item of a meeting held with a quorum: its votes, passed or not
/// by the rules' majority of those present; one per item.
pub async fn decide(state: &AppState, actor: &Actor, id: i64, draft: &DecisionDraft) -> AppResult<MeetingView> {
    let view = meeting_view(state, actor, id).await?;
    if !keeps(actor, &view.unit) {
        return Err(AppError::Forbidden);
    }
    refuse_not_community(&view.unit)?;
    let m = &view.record.meeting;
    let Some(attendance) = &view.record.attendance else {
        let allowed = "已登记出席情况的会议".into();
        return Err(FieldError::new("meeting", Invalid::NotAChoice { allowed }).into());
    };
    let present = u32::try_from(attendance.present.len()).unwrap_or(u32::MAX);
    let fields = draft.parse(m.agenda.len(), &m.rules, present, attendance.quorate)?;
    let small = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let decision = NewDecision {
        meeting_id: id,
        item: i32::try_from(fields.item).unwrap_or(i32::MAX),
        text: fields.text,
        votes_for: small(fields.votes_for),
        votes_against: small(fields.votes_against),
        abstentions: small(fields.abstentions),
        passed: fields.passed,
        recorded_by: actor.user.id,
        recorded_at: Utc::now(),
    };
    let decided = match state.store.add_decision(&decision).await {
        Err(StoreError::Duplicate(_)) => return Err(FieldError::new("item", Invalid::AlreadyExists).into()),
        other => other?,
    };
    let after = json!({ "meeting": id, "decision": decided, "passed": decision.passed });
    audit::record(state, actor, "meeting.decision", Target::unit(&view.unit), None, Some(after)).await;
    meeting_view(state, actor, id).await
}

/// A meeting is recorded as held on its day or after it, never before.
fn refuse_before_the_day(day: NaiveDate) -> AppResult<()> {
    if china_day(Utc::now()) < day {
        let what = format!("会议日期({day}):会议召开后才登记出席");
        return Err(FieldError::new("present", Invalid::NotBefore { what }).into());
    }
    Ok(())
}

/// One meeting of a community of the actor's scope (else 404).
pub async fn meeting_view(state: &AppState, actor: &Actor, id: i64) -> AppResult<MeetingView> {
    let record = state.store.meeting(id).await?.ok_or(AppError::NotFound)?;
    if !actor.sees_unit(record.meeting.unit_id) {
        return Err(AppError::NotFound);
    }
    let unit = state.store.unit_by_id(record.meeting.unit_id).await?.ok_or(AppError::NotFound)?;
    let decisions = state.store.decisions(id).await?;
    let matters = crate::matters::as_read_by(state, actor, state.store.meeting_matters(id).await?).await?;
    Ok(MeetingView { record, unit, decisions, matters })
}

/// The meetings of the community `code` in a year, by day.
pub async fn meetings(state: &AppState, actor: &Actor, code: &str, year: i32) -> AppResult<(Unit, Vec<MeetingView>)> {
    let unit = unit_in_scope(state, actor, code).await?;
    if !(1955..=9999).contains(&year) {
        return Err(FieldError::new("year", Invalid::OutOfRange { min: 1955, max: 9999 }).into());
    }
    let (from, before) =
        match (chrono::NaiveDate::from_ymd_opt(year, 1, 1), chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)) {
            (Some(f), Some(b)) => (f, b),
            _ => return Err(FieldError::new("year", Invalid::OutOfRange { min: 1955, max: 9999 }).into()),
        };
    let mut out = Vec::new();
    for record in state.store.meetings(unit.id, from, before).await? {
        let decisions = state.store.decisions(record.id).await?;
        let matters = crate::matters::as_read_by(state, actor, state.store.meeting_matters(record.id).await?).await?;
        out.push(MeetingView { record, unit: unit.clone(), decisions, matters });
    }
    Ok((unit, out))
}

/// 督办 (DEM-3, DEM-4, DEM-5): tells the leaders of each open community (the unit above's leaders and
/// supervisors, where it has none) that a body of theirs met less often than its cadence in the last
/// whole period — no committee meeting last month, no council meeting last quarter, fewer than two
/// congresses last year — once per body and period. A body is judged for a period in which a member
/// sat and was recorded here before it ended; a meeting counts once its attendance is recorded with
/// a quorum. Returns how many were told now.
pub async fn tell_missed(store: &dyn huiyin_store::Store, now: chrono::DateTime<Utc>) -> AppResult<u64> {
    use huiyin_core::unit::UnitKind;
    let today = china_day(now);
    let mut due = Vec::new();
    for unit in store.units().await?.into_iter().filter(|u| u.kind == UnitKind::Community && u.closed_at.is_none()) {
        let members = store.body_members(unit.id).await?;
        for body in BodyKind::ALL {
            let period = body.cadence().last_period(today);
            // Judged for a period in which a member sat, and was recorded here before it ended (a
            // community that enters its bodies today is not told of the years before).
            let sat = members.iter().any(|m| {
                let member = &m.member;
                member.body == body
                    && member.term_from < period.before
                    && member.term_to.is_none_or(|to| to >= period.from)
                    && m.left_on.is_none_or(|left| left > period.from)
                    && china_day(member.added_at) < period.before
            });
            if sat {
                let subject = format!("{}:{}:{}", unit.id, body.code(), period.from);
                due.push((unit.clone(), body, period, subject));
            }
        }
    }
    // Read the ledger first: a run that finds nothing new writes nothing.
    let subjects: Vec<String> = due.iter().map(|(.., subject)| subject.clone()).collect();
    let already = store.told_already("meetings_missed", &subjects).await?;
    let mut told = 0;
    for (unit, body, period, subject) in due.into_iter().filter(|(.., s)| !already.contains(s)) {
        let held = store
            .meetings(unit.id, period.from, period.before)
            .await?
            .iter()
            .filter(|m| m.meeting.body == body && m.attendance.as_ref().is_some_and(|a| a.quorate))
            .count();
        let cadence = body.cadence();
        if !cadence.missed(held) {
            continue;
        }
        let mut recipients = store.unit_staff(unit.id, &[Role::Leader]).await?;
        if recipients.is_empty()
            && let Some(parent) = unit.parent_id
        {
            recipients = store.unit_staff(parent, &[Role::Supervisor, Role::Leader]).await?;
        }
        if recipients.is_empty() {
            // Nobody to tell yet: not marked told, so a later run tells whoever is there then.
            continue;
        }
        let message = format!(
            "督办:{}{}{}召开有效会议(达到法定人数) {held} 次,未达到{}的要求,请按期召开并登记会议情况。",
            unit.name,
            body.label_zh(),
            period.label_zh,
            cadence.label_zh()
        );
        let notices: Vec<huiyin_store::Notice> = recipients
            .iter()
            .map(|u| huiyin_store::Notice {
                user_id: u.id,
                case_id: None,
                kind: "meetings_missed".into(),
                message: message.clone(),
            })
            .collect();
        told += u64::from(store.tell_once("meetings_missed", &subject, &notices, now).await?);
    }
    Ok(told)
}

/// A body of a community that met less often than its cadence in a period, as the supervision run
/// told it (督办: DEM-3 … DEM-5).
#[derive(Debug, Clone)]
pub struct MissedCadence {
    pub unit: Unit,
    pub body: BodyKind,
    pub period: huiyin_core::community_body::Period,
    pub told_at: chrono::DateTime<Utc>,
}

/// The most missed cadences listed.
const MISSED_LISTED: usize = 500;

/// The missed cadences told in the last twelve months of the communities in the actor's scope, the
/// newest first (the 督办 page's 社区组织未按期开会).
pub async fn missed_cadences(state: &AppState, actor: &Actor) -> AppResult<Vec<MissedCadence>> {
    let since = Utc::now() - chrono::Duration::days(366);
    let units: std::collections::HashMap<i64, Unit> =
        state.store.units().await?.into_iter().map(|u| (u.id, u)).collect();
    let mut out = Vec::new();
    for (subject, told_at) in state.store.told_since("meetings_missed", since).await? {
        if out.len() >= MISSED_LISTED {
            break;
        }
        let mut parts = subject.splitn(3, ':');
        let (Some(unit_id), Some(body), Some(from)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let (Ok(unit_id), Ok(body), Ok(from)) =
            (unit_id.parse::<i64>(), BodyKind::parse("body", body), from.parse::<NaiveDate>())
        else {
            continue;
        };
        if !actor.sees_unit(unit_id) {
            continue;
        }
        let Some(unit) = units.get(&unit_id).cloned() else { continue };
        let cadence = body.cadence();
        let after = from.checked_add_months(chrono::Months::new(cadence.months)).unwrap_or(from);
        out.push(MissedCadence { unit, body, period: cadence.last_period(after), told_at });
    }
    Ok(out)
}
