//! 议题 (issue 20, DEM ¶4): the matters a community's council or congress is asked to discuss and
//! decide — raised by the committee, a representative or a resident (taken down by the community's
//! staff), or a case referred by a supervisor — until a meeting puts them on its agenda; then the
//! decision taken on that item, carried back to the case and to its petitioner's lookup.
//!
//! Who: the community's administrators and leaders (`charters::keeps`) take down matters raised;
//! supervisors and leaders who may read a case refer it. A case that accuses anyone is never
//! referred: a residents' meeting is public, and an accusation is not discussed in public (GEN-7).
//! The one who raised a matter is kept for the committee and never published. Referring a case does
//! not stop its handling deadline (the regulation knows no such pause): the case page says so.

use chrono::Utc;
use huiyin_core::community_body::BodyKind;
use huiyin_core::meeting::{MatterDraft, MatterSource};
use huiyin_core::unit::UnitKind;
use huiyin_core::user::Role;
use huiyin_core::{FieldError, Invalid};
use huiyin_store::{CaseFile, DecisionRecord, MatterRecord, MeetingRecord, NewMatter, StoreError, Unit};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::charters::{keeps, refuse_not_community};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::units::unit_in_scope;

/// A matter with where it went: the meeting that took it and the decision on it, once there are.
#[derive(Debug, Clone)]
pub struct MatterLine {
    pub record: MatterRecord,
    pub meeting: Option<MeetingRecord>,
    pub decision: Option<DecisionRecord>,
}

impl MatterLine {
    /// The sentence a reply cites, once the matter was decided: 经2026年12月20日社区居民代表议事协商会
    /// 议定(第2项):…… (赞成 5 票、反对 1 票、弃权 0 票,通过).
    pub fn citation(&self) -> Option<String> {
        let (meeting, decision) = (self.meeting.as_ref()?, self.decision.as_ref()?);
        let d = &decision.decision;
        Some(format!(
            "经{}{}议定(第{}项“{}”):{}(赞成 {} 票、反对 {} 票、弃权 {} 票,{})。",
            crate::views::date_zh(meeting.meeting.day),
            meeting.meeting.body.label_zh(),
            d.item + 1,
            self.record.matter.subject,
            d.text.trim_end_matches('。'),
            d.votes_for,
            d.votes_against,
            d.abstentions,
            if d.passed { "通过" } else { "未通过" }
        ))
    }
}

impl MatterLine {
    /// Whether it waits for a meeting: on no agenda yet, or on the agenda of a meeting held without
    /// a quorum (which decided nothing: the matter waits again).
    pub fn waits(&self) -> bool {
        self.meeting.is_none()
    }
}

/// A matter with its meeting and decision; a meeting held without a quorum is no meeting of the
/// matter's (it waits again).
async fn line(state: &AppState, record: MatterRecord) -> AppResult<MatterLine> {
    let (meeting, decision) = match record.placed {
        None => (None, None),
        Some((meeting_id, item)) => {
            let meeting =
                state.store.meeting(meeting_id).await?.filter(|m| m.attendance.as_ref().is_none_or(|a| a.quorate));
            let decision = match &meeting {
                Some(_) => state.store.decisions(meeting_id).await?.into_iter().find(|d| d.decision.item == item),
                None => None,
            };
            (meeting, decision)
        }
    };
    Ok(MatterLine { record, meeting, decision })
}

/// How a reader stands to the case a matter was referred from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseSight {
    /// The reader may read the case (scope, GEN-7): the matter links it.
    Readable,
    /// The case is out of the reader's scope (handed on since): the matter shows, without the link.
    Hidden,
    /// The case accuses the reader's unit or the reader (GEN-7): the matter does not exist for them.
    Blind,
}

/// How `actor` stands to case `case_id`: the rule of [`crate::cases::case_file`], told apart.
pub async fn case_sight(state: &AppState, actor: &Actor, case_id: i64) -> AppResult<CaseSight> {
    let Some(file) = state.store.case_file(case_id).await? else { return Ok(CaseSight::Blind) };
    Ok(if actor.is_blind_to(file.id, file.accused_unit_id, file.accused_user_id) {
        CaseSight::Blind
    } else if actor.sees_unit(file.unit_id) || actor.sees_unit(file.holding_unit_id) {
        CaseSight::Readable
    } else {
        CaseSight::Hidden
    })
}

/// The matters as `actor` may read them: one from a case that accuses the reader is left out
/// (GEN-7: an accused set after the referral), one from a case out of the reader's scope loses its
/// link to the case.
pub async fn as_read_by(state: &AppState, actor: &Actor, records: Vec<MatterRecord>) -> AppResult<Vec<MatterRecord>> {
    let mut out = Vec::with_capacity(records.len());
    for mut record in records {
        if let Some(case_id) = record.matter.case_id {
            match case_sight(state, actor, case_id).await? {
                CaseSight::Blind => continue,
                CaseSight::Hidden => record.matter.case_id = None,
                CaseSight::Readable => {}
            }
        }
        out.push(record);
    }
    Ok(out)
}

/// Takes down a matter raised for the council or the congress of the community `code` by its
/// committee, a representative or a resident.
pub async fn raise(state: &AppState, actor: &Actor, code: &str, draft: &MatterDraft) -> AppResult<MatterLine> {
    let unit = unit_in_scope(state, actor, code).await?;
    if !keeps(actor, &unit) {
        return Err(AppError::Forbidden);
    }
    refuse_not_community(&unit)?;
    let fields = draft.parse(false)?;
    // The same matter sent twice (a form sent again) waits once.
    let waiting = waiting(state, unit.id, Some(fields.body)).await?;
    if waiting.iter().any(|m| m.matter.subject == fields.subject) {
        return Err(FieldError::new("subject", Invalid::AlreadyListed).into());
    }
    let matter = NewMatter {
        unit_id: unit.id,
        body: fields.body,
        subject: fields.subject,
        reason: fields.reason,
        source: fields.source,
        raised_by_name: fields.raised_by_name,
        case_id: None,
        raised_by: actor.user.id,
        raised_at: Utc::now(),
    };
    let id = state.store.add_matter(&matter).await?;
    let after = json!({ "matter": id, "body": matter.body.code(), "source": matter.source.code() });
    audit::record(state, actor, "matter.raise", Target::unit(&unit), None, Some(after)).await;
    let record = state.store.matter(id).await?.ok_or(AppError::NotFound)?;
    line(state, record).await
}

/// Who refers a case to a body: the supervisors and leaders (DEM ¶4: 由督办人员提交, with a reason).
pub fn refers(actor: &Actor) -> bool {
    matches!(actor.user.role, Role::Supervisor | Role::Leader)
}

/// Whether the case still waits for its reply (a body's decision can still answer it).
fn unanswered(file: &CaseFile) -> bool {
    use huiyin_core::event::Status;
    !Status::SETTLED.contains(&file.state.status) && file.state.status != Status::Replied
}

/// The community whose bodies a case may go to: the unit holding it, when that is an open
/// community.
async fn community_of(state: &AppState, file: &CaseFile) -> AppResult<Option<Unit>> {
    Ok(state
        .store
        .unit_by_id(file.holding_unit_id)
        .await?
        .filter(|u| u.kind == UnitKind::Community && u.closed_at.is_none()))
}

/// Whether the case page offers to refer the case: to those who refer, for an open case held by a
/// community that accuses no one.
pub async fn offers_referral(state: &AppState, actor: &Actor, file: &CaseFile) -> AppResult<bool> {
    Ok(refers(actor)
        && unanswered(file)
        && huiyin_core::event::current_accused(&file.registration, &file.events).is_none()
        && community_of(state, file).await?.is_some())
}

/// Refers a case to the council or the congress of the community holding it, as a matter for its
/// next meeting. The case is read as every case is (scope, GEN-7); a case that accuses anyone is
/// refused; one already waiting for that body is refused on `body`.
pub async fn refer_case(state: &AppState, actor: &Actor, case_id: i64, draft: &MatterDraft) -> AppResult<MatterLine> {
    let file = crate::cases::case_file(state, actor, case_id).await?;
    if !refers(actor) {
        return Err(AppError::Forbidden);
    }
    let fields = draft.parse(true)?;
    if huiyin_core::event::current_accused(&file.registration, &file.events).is_some() {
        let allowed = "不涉及检举控告的信访事项(检举控告事项不提交居民议事,保护检举人)".into();
        return Err(FieldError::new("case", Invalid::NotAChoice { allowed }).into());
    }
    if !unanswered(&file) {
        let allowed = "尚未答复的信访事项".into();
        return Err(FieldError::new("case", Invalid::NotAChoice { allowed }).into());
    }
    let Some(unit) = community_of(state, &file).await? else {
        let allowed = "社区办理的信访事项(提交该社区的议事协商会或居民代表大会)".into();
        return Err(FieldError::new("body", Invalid::NotAChoice { allowed }).into());
    };
    let matter = NewMatter {
        unit_id: unit.id,
        body: fields.body,
        subject: fields.subject,
        reason: fields.reason,
        source: MatterSource::Case,
        raised_by_name: None,
        case_id: Some(file.id),
        raised_by: actor.user.id,
        raised_at: Utc::now(),
    };
    let id = match state.store.add_matter(&matter).await {
        Err(StoreError::Duplicate(_)) => return Err(FieldError::new("body", Invalid::AlreadyListed).into()),
        other => other?,
    };
    let after = json!({ "matter": id, "case": file.id, "body": matter.body.code() });
    audit::record(state, actor, "matter.refer_case", Target::unit(&unit), None, Some(after)).await;
    let record = state.store.matter(id).await?.ok_or(AppError::NotFound)?;
    line(state, record).await
}

/// The most matters of a community read at once.
const MATTERS_READ: i64 = 1000;

/// The matters of the community `code`: those waiting first (for the call form), then those placed,
/// newest first, as the reader may read them ([`as_read_by`]).
pub async fn matters(state: &AppState, actor: &Actor, code: &str) -> AppResult<(Unit, Vec<MatterLine>)> {
    let unit = unit_in_scope(state, actor, code).await?;
    let mut out = Vec::new();
    for record in as_read_by(state, actor, state.store.matters(unit.id, MATTERS_READ).await?).await? {
        out.push(line(state, record).await?);
    }
    out.sort_by_key(|l| !l.waits());
    Ok((unit, out))
}

/// The matters waiting for `body` of the community `unit_id` (put on the agenda when its meeting is
/// called): on no agenda, or on that of a meeting held without a quorum. A case that has since come
/// to accuse anyone, or been answered, waits no more.
pub async fn waiting(state: &AppState, unit_id: i64, body: Option<BodyKind>) -> AppResult<Vec<MatterRecord>> {
    let mut out = Vec::new();
    for record in state.store.matters(unit_id, MATTERS_READ).await? {
        if body.is_some_and(|b| record.matter.body != b) {
            continue;
        }
        if let Some(case_id) = record.matter.case_id {
            let Some(file) = state.store.case_file(case_id).await? else { continue };
            if huiyin_core::event::current_accused(&file.registration, &file.events).is_some() || !unanswered(&file) {
                continue;
            }
        }
        let line = line(state, record).await?;
        if line.waits() {
            out.push(line.record);
        }
    }
    Ok(out)
}

/// The matters a case was referred as, with their meetings and decisions; the case is read through
/// [`crate::cases::case_file`] by the caller, so what is shown here follows its reader's rights.
pub async fn of_case(state: &AppState, file: &CaseFile) -> AppResult<Vec<MatterLine>> {
    let mut out = Vec::new();
    for record in state.store.case_matters(file.id).await? {
        out.push(line(state, record).await?);
    }
    Ok(out)
}
