//! 接访活动 (issue 19; TWN-6, TWN-8, TWN-9, TWN-10): a leader's reception day, a joint reception,
//! an appointment visit (约访) with a key petitioner (重点信访人, named with the reason they are one)
//! or a home visit (下访, to a village or to a key petitioner so named), recorded with its leaders, place, day and hours; the visits registered in
//! it carry its leaders, are listed under it, and are the only visits given the
//! 领导干部接待群众来访登记表 (TWN-10, one per visit, on the case); the session's summary (visitors,
//! cases, the leaders' instructions, dispositions) prints as one PDF.
//!
//! Who: everyone whose scope holds the unit reads its sessions; those who register visits there,
//! and its administrators and leaders, record them. The receiving leaders are those a month's
//! table may name (active staff of the unit or above, of the unit's rank or higher). The key
//! petitioner's name and the reason (and the note and visitors of a session with one) are shown to
//! supervisors, leaders and administrators only: a person marked as a key petitioner is not every
//! officer's business. The visits under a session, and how many there are, are read through the
//! case list, so GEN-7 and scope hold for them as for any list: a visit that accuses the reader is
//! neither listed nor counted.

use chrono::{Datelike, NaiveDate, Utc};
use huiyin_core::case::Channel;
use huiyin_core::duty::DutyMonth;
use huiyin_core::limits::china_day;
use huiyin_core::reception_session::{ReceptionSessionDraft, SessionKind, SessionRef};
use huiyin_core::user::Role;
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{CaseSummary, NewSession, SessionRecord, Unit};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::cases::ListParams;
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::units::unit_in_scope;

/// How far back and ahead a session's day may lie.
const DAYS_BACK: i64 = 366;
const DAYS_AHEAD: i64 = 366;

/// Whether the actor records sessions at `unit`: those who register visits in their scope, and
/// its administrators and leaders.
fn may_record(actor: &Actor, unit: &Unit) -> bool {
    actor.sees_unit(unit.id)
        && (actor.user.role.can_register() || actor.user.role.can_administer() || actor.user.role == Role::Leader)
}

/// Whether the actor reads a session's key petitioner and the reason.
pub fn reads_key_petitioner(actor: &Actor) -> bool {
    matches!(actor.user.role, Role::Supervisor | Role::Leader | Role::Admin)
}

/// Whether a session was with a key petitioner: every appointment, and a home visit naming one.
fn with_key_petitioner(record: &SessionRecord) -> bool {
    record.session.kind == SessionKind::Appointment || record.session.key_petitioner.is_some()
}

/// A session as the actor may read it: the key petitioner (and an appointment's note, which may
/// name them) left out for those who do not read it; its visits counted as the actor's case list
/// counts them (GEN-7: a visit accusing the reader is not counted).
async fn as_read(state: &AppState, actor: &Actor, mut record: SessionRecord) -> AppResult<SessionRecord> {
    if !reads_key_petitioner(actor) {
        if with_key_petitioner(&record) {
            record.session.note = None;
        }
        record.session.key_petitioner = None;
        record.session.key_reason = None;
    }
    let params = ListParams { session: Some(record.id), per_page: Some(1), ..Default::default() };
    record.visits = crate::cases::list_cases(state, actor, &params).await?.page.total;
    Ok(record)
}

/// Records a session at the unit `code`.
pub async fn record(
    state: &AppState,
    actor: &Actor,
    code: &str,
    draft: &ReceptionSessionDraft,
) -> AppResult<SessionRecord> {
    let unit = unit_in_scope(state, actor, code).await?;
    if !may_record(actor, &unit) {
        return Err(AppError::Forbidden);
    }
    // The key petitioner from a register the actor keeps: its name and reason, as of now.
    let mut draft = draft.clone();
    if let Some(id) = draft.key_petitioner_id {
        // A line still on the register of the session's unit or one below it: never a unit above's
        // (whose reason its readers below do not read, GEN-7 where it names an accuser of theirs),
        // nor another branch's.
        let tree = crate::tree::unit_tree(state).await?;
        let related = |r: &huiyin_store::KeyPetitionerRecord| tree.chain(r.person.unit_id).contains(&unit.id);
        let on_register = match crate::key_petitioners::key_petitioner(state, actor, id).await {
            Ok(r) => Some(r),
            Err(AppError::NotFound) => None,
            Err(e) => return Err(e),
        };
        let record = on_register.filter(|r| r.removed_at.is_none() && related(r)).ok_or_else(|| {
            let allowed = "登记在册的重点信访人".into();
            AppError::from(FieldError::new("key_petitioner_id", Invalid::NotAChoice { allowed }))
        })?;
        draft.key_petitioner = Some(record.person.name);
        draft.key_reason = Some(record.person.reason);
    }
    let fields = draft.parse()?;
    let today = china_day(Utc::now());
    if fields.day < today - chrono::Duration::days(DAYS_BACK) || fields.day > today + chrono::Duration::days(DAYS_AHEAD)
    {
        let allowed = "前后一年内的日期".to_owned();
        return Err(FieldError::new("day", Invalid::NotAChoice { allowed }).into());
    }
    let month = crate::reception::month(state, actor, code, &DutyMonth::of(fields.day).to_string()).await?;
    let mut leaders = Vec::new();
    let mut errors = Vec::new();
    for username in &fields.leaders {
        match month.leaders.iter().find(|u| u.username == *username) {
            Some(u) => leaders.push(crate::reception::arranged_leader(u)),
            None => errors.push(crate::reception::leader_refusal(state, &month, "leaders", username).await?),
        }
    }
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    let (key_petitioner, key_reason) = fields.key_petitioner.clone().unzip();
    let session = NewSession {
        unit_id: unit.id,
        kind: fields.kind,
        day: fields.day,
        starts: fields.starts.clone(),
        ends: fields.ends.clone(),
        place: fields.place.clone(),
        leaders,
        key_petitioner,
        key_reason,
        note: fields.note.clone(),
        created_by: actor.user.id,
        created_at: Utc::now(),
    };
    let id = state.store.add_reception_session(&session).await?;
    tracing::info!(unit = %unit.code, id, kind = fields.kind.code(), "reception session recorded");
    // The audit log keeps what the session is, not whom a key petitioner appointment was with.
    let after = json!({"id": id, "kind": fields.kind.code(), "day": fields.day, "leaders": fields.leaders});
    audit::record(state, actor, "reception.session", Target::unit(&unit), None, Some(after)).await;
    as_read(state, actor, SessionRecord { id, session, visits: 0 }).await
}

/// The sessions of the unit `code` in `month` (`YYYY-MM`), by day.
pub async fn sessions(
    state: &AppState,
    actor: &Actor,
    code: &str,
    month: &str,
) -> AppResult<(Unit, Vec<SessionRecord>)> {
    let unit = unit_in_scope(state, actor, code).await?;
    let month = DutyMonth::parse("month", month)?;
    let mut out = Vec::new();
    for s in state.store.reception_sessions(&[unit.id], month.first_day(), month.next_first_day()).await? {
        out.push(as_read(state, actor, s).await?);
    }
    Ok((unit, out))
}

/// One session of a unit in the actor's scope, with the visits registered in it that the actor may
/// see (through the case list: scope, GEN-7, masking).
pub async fn session(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Unit, SessionRecord, Vec<CaseSummary>)> {
    let record = state.store.reception_session(id).await?.ok_or(AppError::NotFound)?;
    let unit = state.store.unit_by_id(record.session.unit_id).await?.ok_or(AppError::NotFound)?;
    if !actor.sees_unit(unit.id) {
        return Err(AppError::NotFound);
    }
    // Who came to an appointment (or was visited at home as a key petitioner) is who they are.
    if with_key_petitioner(&record) && !reads_key_petitioner(actor) {
        return Err(AppError::Forbidden);
    }
    let params =
        ListParams { session: Some(id), sort: Some("received_at".into()), per_page: Some(200), ..Default::default() };
    let visits = crate::cases::list_cases(state, actor, &params).await?.page.items;
    Ok((unit, as_read(state, actor, record).await?, visits))
}

/// The sessions of the actor's own unit today, for the registration form's picker.
pub async fn todays_sessions(state: &AppState, actor: &Actor) -> AppResult<Vec<SessionRecord>> {
    let today = china_day(Utc::now());
    let mut out = Vec::new();
    for s in state.store.reception_sessions(&[actor.user.unit_id], today, huiyin_core::duty::day_after(today)).await? {
        out.push(as_read(state, actor, s).await?);
    }
    Ok(out)
}

/// The session a visit is registered in (TWN-10): one of the registering unit, held the day the
/// visit was received; refused on `session` otherwise, and for a channel other than a visit.
pub async fn session_for_visit(
    state: &AppState,
    unit_id: i64,
    received_on: NaiveDate,
    channel: Channel,
    id: i64,
) -> AppResult<SessionRef> {
    let refused = || {
        let allowed = "登记单位当天的接访活动(仅限来访)".to_owned();
        AppError::from(FieldError::new("session", Invalid::NotAChoice { allowed }))
    };
    if channel != Channel::Visit {
        return Err(refused());
    }
    let record = state.store.reception_session(id).await?.ok_or_else(refused)?;
    if record.session.unit_id != unit_id || record.session.day != received_on {
        return Err(refused());
    }
    Ok(SessionRef {
        id,
        kind: record.session.kind,
        leaders: record.session.leaders.iter().map(|l| l.username.clone()).collect(),
    })
}

/// A session's leaders as printed: 张三（副镇长）、李四（副县长）.
pub fn leaders_text(record: &SessionRecord) -> String {
    huiyin_core::reception::leaders_text(&record.session.leaders)
}

/// The session's summary (接访活动情况汇总) as PDF under the unit's letterhead: the session, then
/// each visitor with the case, what they raised, the leaders' instruction (批示) and where the case
/// stands. The visitors are those the reader may see; their telephone numbers are not printed.
pub async fn summary_pdf(state: &AppState, actor: &Actor, id: i64) -> AppResult<(String, Vec<u8>)> {
    let (unit, record, visits) = session(state, actor, id).await?;
    let issuer = crate::documents::issue::issuer_of(state, &unit).await?;
    let s = &record.session;
    let hours = match (&s.starts, &s.ends) {
        (Some(a), Some(b)) => format!(" {a}–{b}"),
        _ => String::new(),
    };
    let mut facts = vec![
        ("接访形式".to_owned(), s.kind.label_zh().to_owned()),
        ("接访时间".to_owned(), format!("{}{hours}", crate::views::date_zh(s.day))),
        ("接访地点".to_owned(), s.place.clone()),
        ("接访领导".to_owned(), leaders_text(&record)),
        ("来访人次".to_owned(), format!("{} 批", visits.len())),
    ];
    if let (Some(person), Some(reason)) = (&s.key_petitioner, &s.key_reason) {
        facts.push((format!("{}对象", s.kind.label_zh()), format!("{person}(重点信访人:{reason})")));
    }
    let names = crate::documents::issue::names(state).await?;
    let mut rows = Vec::new();
    for v in &visits {
        // Only the visits the list gave the reader; each instruction with who gave it and when.
        let instruction = match state.store.case_file(v.id).await? {
            Some(file) => file
                .events
                .iter()
                .filter_map(|e| match &e.data {
                    huiyin_core::event::EventData::Instructed { text } => {
                        Some(format!("{text}({},{})", names.person(&e.actor), crate::views::day_zh(e.occurred_at)))
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(";"),
            None => String::new(),
        };
        rows.push(vec![
            v.case_number.clone(),
            v.petitioner_name.clone().unwrap_or_else(|| "(匿名)".into()),
            crate::views::excerpt(&v.content, 60),
            if instruction.is_empty() { "(待批示)".into() } else { instruction },
            v.status.label_zh().to_owned(),
        ]);
    }
    let letter = huiyin_pdf::Letter {
        letterhead: issuer.letterhead,
        title: format!("{}情况汇总", s.kind.label_zh()),
        number: None,
        addressee: None,
        paragraphs: vec![format!(
            "{}{}月{}日{},接待来访群众 {} 批。各来访事项的处理情况如下表;每批来访另有《领导干部接待群众来访登记表》。",
            unit.name,
            s.day.month(),
            s.day.day(),
            leaders_text(&record),
            visits.len()
        )],
        facts,
        table: Some(huiyin_pdf::LetterTable {
            columns: ["信访件编号", "来访人", "反映问题", "领导批示", "办理情况"].map(String::from).to_vec(),
            widths: vec![5, 3, 7, 5, 3],
            rows,
        }),
        signature: issuer.signature,
        issued_on: crate::views::date_zh(s.day),
    };
    let ident = format!("reception-session-{id}");
    let at = s.created_at;
    let pdf = crate::documents::issue::typeset_off_thread(state, move |t| t.letter(&letter, &ident, at)).await?;
    Ok((format!("接访活动-{}-{}.pdf", unit.code, s.day), pdf))
}
