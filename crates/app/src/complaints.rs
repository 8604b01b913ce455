//! 对接待人员的投诉 (issue 19, FED-12, CDR-5): complaints against a staff member — or against a unit's
//! reception when the person is not known — recorded by staff from a call, a letter or a visit;
//! investigated and concluded (属实 / 部分属实 / 不属实, with the measure taken) by a supervisor or
//! leader of the staff member's unit or above within the unit's `complaint_handling` limit (30 日 by
//! default); an absence traced to the person on the unit's rota that day and their attendance
//! (FED-8, 责任追究).
//!
//! Who reads a complaint: the one who received it, and the supervisors and leaders whose scope holds
//! the unit — never the staff member it is about (nor the person on the rota it names), for whom it
//! does not exist while it is open, as an accusation does not for its accused (GEN-7); and a
//! complaint filed on the portal with the complainant's case (`public::file_complaint`) only by
//! those who may read that case, so that an accused unit never learns its accuser from a complaint.
//! Once concluded, they (and their unit's administrators) read on their page that a complaint of
//! this kind was concluded so, and with what measure — never who complained or what they said. The
//! audit log holds only the complaint's number and kind. Each complaint has a number and a query
//! code (told to the complainant), by which the complainant looks up the outcome on the portal.

use chrono::{Datelike, NaiveDate, Utc};
use huiyin_core::calendar::due_date;
use huiyin_core::complaint::{
    ComplaintDraft, ComplaintKind, ComplaintNumber, ComplaintSource, ConclusionDraft, Finding, parse_conclusion,
};
use huiyin_core::limits::china_day;
use huiyin_core::user::{Role, Username, is_system_account};
use huiyin_core::{FieldError, Invalid};
use huiyin_store::{ComplaintRecord, NewComplaint, Notice, Store, StoreError, Unit, User};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::units::unit_in_scope;

/// A complaint as a reader sees it.
#[derive(Debug, Clone)]
pub struct ComplaintLine {
    pub record: ComplaintRecord,
    pub unit: Unit,
    pub staff: Option<User>,
    pub received_by: Option<User>,
    /// For an absence: who was on the rota that day, and whether they signed in (FED-8).
    pub rota: Option<(User, bool)>,
    pub concluded_by: Option<User>,
    /// Past its due day and not concluded.
    pub overdue: bool,
    pub may_conclude: bool,
    /// Its number (`TS2026-000012`), which the complainant looks it up by.
    pub number: String,
    /// The number of the complainant's case it is linked to, when the reader may read that case
    /// (GEN-7: a reader blind to the case is not told which it is).
    pub case_number: Option<String>,
    /// The query code, in the answer that recorded the complaint only: to be told to the complainant.
    pub query_code: Option<String>,
}

/// A complaint's number: the year (China's) it was received and its record's number.
pub fn number_of(record: &ComplaintRecord) -> ComplaintNumber {
    ComplaintNumber { year: china_day(record.complaint.received_at).year(), id: record.id }
}

/// A concluded complaint as the person it was about reads it: no complainant, no account.
#[derive(Debug, Clone)]
pub struct ConcludedComplaint {
    pub kind: huiyin_core::complaint::ComplaintKind,
    pub occurred_on: NaiveDate,
    pub finding: Finding,
    pub measure: Option<String>,
    pub concluded_on: NaiveDate,
}

/// Whether a complaint is about `actor` (named, or on the rota it names) — or about someone whose
/// one-time link set the actor's password, who could have read it as them (`actor::blindness_of`).
fn is_about(actor: &Actor, record: &ComplaintRecord) -> bool {
    let c = &record.complaint;
    [c.staff_id, c.rota_user_id].into_iter().flatten().any(|id| actor.blind.users.contains(&id))
}

/// Investigates: a supervisor or leader whose scope holds the unit. A complaint about a supervisor
/// or leader (`senior`) is for the units above theirs — not their peers or subordinates — unless
/// their unit has none above, where another leader of it investigates.
fn investigates(actor: &Actor, record: &ComplaintRecord, senior: bool) -> bool {
    let unit = record.complaint.unit_id;
    let above = actor.user.unit_id != unit || (actor.at_top && actor.user.role == Role::Leader);
    matches!(actor.user.role, Role::Supervisor | Role::Leader) && actor.sees_unit(unit) && (!senior || above)
}

/// Whether the staff member a complaint is about is a supervisor or leader.
async fn about_senior(store: &dyn Store, record: &ComplaintRecord) -> AppResult<bool> {
    Ok(match record.complaint.staff_id {
        Some(id) => store.user_by_id(id).await?.is_some_and(|u| matches!(u.role, Role::Supervisor | Role::Leader)),
        None => false,
    })
}

/// Whether the complainant's case linked to a complaint is hidden from `actor` for GEN-7: they are
/// blind to it (it accuses them or their unit, or they stand aside from it), or it is an accusation
/// outside their scope (a unit within the accused's reach would learn its accuser). The complaint is
/// then not theirs to read. A case that accuses nobody hides only its number (`line`).
async fn blind_to_case(store: &dyn Store, actor: &Actor, record: &ComplaintRecord) -> AppResult<bool> {
    let Some(id) = record.complaint.case_id else { return Ok(false) };
    let Some(file) = store.case_file(id).await? else { return Ok(false) };
    if actor.is_blind_to(file.id, file.accused_unit_id, file.accused_user_id) {
        return Ok(true);
    }
    let accusing = file.accused_unit_id.is_some() || file.accused_user_id.is_some();
    Ok(accusing && !(actor.sees_unit(file.unit_id) || actor.sees_unit(file.holding_unit_id)))
}

async fn reads(state: &AppState, actor: &Actor, record: &ComplaintRecord) -> AppResult<bool> {
    if is_about(actor, record) || blind_to_case(&*state.store, actor, record).await? {
        return Ok(false);
    }
    Ok(record.complaint.received_by == actor.user.id
        || investigates(actor, record, about_senior(&*state.store, record).await?))
}

/// Records a complaint received by call, letter or visit.
pub async fn record(state: &AppState, actor: &Actor, draft: &ComplaintDraft) -> AppResult<ComplaintLine> {
    let today = china_day(Utc::now());
    let fields = draft.parse(today)?;
    if fields.source == ComplaintSource::Online {
        let allowed = "phone(来电)、letter(来信)、visit(来访)".into();
        return Err(FieldError::new("source", Invalid::NotAChoice { allowed }).into());
    }
    let staff = match &fields.staff {
        None => None,
        Some(name) => {
            let unknown = || AppError::from(FieldError::new("staff", Invalid::UnknownUser));
            let name = Username::parse("staff", name).map_err(|_| unknown())?;
            let user = state
                .store
                .user_by_username(name.as_str())
                .await?
                .filter(|u| !is_system_account(&u.username) && actor.sees_unit(u.unit_id))
                .ok_or_else(unknown)?;
            if user.id == actor.user.id {
                // Nobody records a complaint about themselves: a colleague takes it down.
                let allowed = "本人以外的工作人员(对本人的投诉请交同事登记)".into();
                return Err(FieldError::new("staff", Invalid::NotAChoice { allowed }).into());
            }
            Some(user)
        }
    };
    let unit = match (&staff, &fields.unit) {
        (Some(user), _) => state.store.unit_by_id(user.unit_id).await?.ok_or(AppError::NotFound)?,
        (None, Some(code)) => unit_in_scope(state, actor, code)
            .await
            .map_err(|_| AppError::from(FieldError::new("unit", Invalid::UnknownUnit)))?,
        (None, None) => return Err(FieldError::new("unit", Invalid::Required).into()),
    };
    let rota_user_id = rota_of(state, unit.id, fields.kind, fields.occurred_on).await?;
    if rota_user_id == Some(actor.user.id) && staff.is_none() {
        let allowed = "(当日值班的正是您本人,请交同事登记)".into();
        return Err(FieldError::new("unit", Invalid::NotAChoice { allowed }).into());
    }
    let code = crate::cases::new_query_code()?;
    let complaint = NewComplaint {
        unit_id: unit.id,
        staff_id: staff.as_ref().map(|u| u.id).or(rota_user_id),
        kind: fields.kind,
        source: fields.source,
        account: fields.account,
        occurred_on: fields.occurred_on,
        complainant: fields.complainant,
        phone: fields.phone,
        received_by: actor.user.id,
        received_at: Utc::now(),
        due_on: due_on(state, unit.id).await?,
        rota_user_id,
        case_id: None,
        staff_named: None,
        query_code_hash: Some(state.secret.query_code_hash(&code)),
    };
    let id = state.store.add_complaint(&complaint).await?;
    let above = audit_unit(state, &unit).await?;
    let after = json!({ "id": id });
    audit::record(state, actor, "complaint.record", Target::unit(&above), None, Some(after)).await;
    let record = state.store.complaint(id).await?.ok_or(AppError::NotFound)?;
    let mut line = line(state, actor, record).await?;
    line.query_code = Some(code.to_string());
    Ok(line)
}

/// FED-8: an absence is traced to who was on the unit's rota that day.
pub(crate) async fn rota_of(
    state: &AppState,
    unit_id: i64,
    kind: ComplaintKind,
    day: NaiveDate,
) -> AppResult<Option<i64>> {
    if kind != ComplaintKind::Absence {
        return Ok(None);
    }
    let days = state.store.duty_days(unit_id, day, huiyin_core::duty::day_after(day)).await?;
    Ok(days.first().and_then(|d| d.user_id))
}

/// The day a complaint received today about the unit is to be concluded by (its `complaint_handling`).
pub(crate) async fn due_on(state: &AppState, unit_id: i64) -> AppResult<NaiveDate> {
    let rules = state.store.limit_rules_for(unit_id).await?.unwrap_or_default();
    Ok(due_date(&*state.calendar().await, china_day(Utc::now()), rules.complaint_handling).date)
}

/// The complaints about the staff and reception of a unit of the actor's scope (by default their
/// own) and the units below it that the actor reads, newest first: the open ones past their due day
/// first.
pub async fn list(state: &AppState, actor: &Actor, unit: Option<&str>) -> AppResult<Vec<ComplaintLine>> {
    let unit = match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => unit_in_scope(state, actor, code).await?,
        None => state.store.unit_by_id(actor.user.unit_id).await?.ok_or(AppError::NotFound)?,
    };
    let units = crate::tree::unit_tree(state).await?.subtree(unit.id);
    let mut lines = Vec::new();
    for record in state.store.complaints(&units).await? {
        if reads(state, actor, &record).await? {
            lines.push(line(state, actor, record).await?);
        }
    }
    lines.sort_by_key(|l| !l.overdue);
    Ok(lines)
}

/// One complaint, if the actor reads it (else 404).
pub async fn complaint(state: &AppState, actor: &Actor, id: i64) -> AppResult<ComplaintLine> {
    let record = state.store.complaint(id).await?.ok_or(AppError::NotFound)?;
    if !reads(state, actor, &record).await? {
        return Err(AppError::NotFound);
    }
    line(state, actor, record).await
}

/// Replaces a complaint's query code (the complainant lost it): the old one stops working, and a
/// lookup of its number locked by guessing opens again (`guards::LOOKUP_COMPLAINT`). The one who
/// received it may, and an investigator of a unit above the one complained about — not the person's
/// colleagues, who could silence the complainant's code; never the person it is about, for whom it
/// does not exist. Audited by number.
pub async fn reissue_query_code(state: &AppState, actor: &Actor, id: i64) -> AppResult<ComplaintLine> {
    let record = state.store.complaint(id).await?.ok_or(AppError::NotFound)?;
    if !reads(state, actor, &record).await? {
        return Err(AppError::NotFound);
    }
    let above = actor.user.unit_id != record.complaint.unit_id || actor.at_top;
    if record.complaint.received_by != actor.user.id && !above {
        return Err(AppError::Forbidden);
    }
    let code = crate::cases::new_query_code()?;
    if !state.store.replace_complaint_query_code(id, &state.secret.query_code_hash(&code)).await? {
        return Err(AppError::NotFound);
    }
    crate::guards::LOOKUP_COMPLAINT.clear(state, &number_of(&record).to_string()).await?;
    let unit = state.store.unit_by_id(record.complaint.unit_id).await?.ok_or(AppError::NotFound)?;
    let above = audit_unit(state, &unit).await?;
    audit::record(state, actor, "complaint.reissue_query_code", Target::unit(&above), None, Some(json!({ "id": id })))
        .await;
    let record = state.store.complaint(id).await?.ok_or(AppError::NotFound)?;
    let mut line = line(state, actor, record).await?;
    line.query_code = Some(code.to_string());
    Ok(line)
}

/// The unit whose audit log holds a complaint's events: the one above the unit complained about,
/// whose administrators are not the person's colleagues.
pub(crate) async fn audit_unit(state: &AppState, unit: &Unit) -> AppResult<Unit> {
    Ok(match unit.parent_id {
        Some(parent) => state.store.unit_by_id(parent).await?.unwrap_or_else(|| unit.clone()),
        None => unit.clone(),
    })
}

/// Concludes a complaint: 属实, 部分属实 or 不属实, what was found, and the measure taken.
pub async fn conclude(state: &AppState, actor: &Actor, id: i64, draft: &ConclusionDraft) -> AppResult<ComplaintLine> {
    let record = state.store.complaint(id).await?.ok_or(AppError::NotFound)?;
    if !reads(state, actor, &record).await? {
        return Err(AppError::NotFound);
    }
    if !investigates(actor, &record, about_senior(&*state.store, &record).await?) {
        return Err(AppError::Forbidden);
    }
    let (finding, summary, measure) = parse_conclusion(draft)?;
    if !state.store.conclude_complaint(id, actor.user.id, Utc::now(), (finding, &summary, measure.as_deref())).await? {
        return Err(StoreError::Conflict.into());
    }
    let unit = state.store.unit_by_id(record.complaint.unit_id).await?.ok_or(AppError::NotFound)?;
    let after = json!({ "id": id, "finding": finding.code() });
    audit::record(state, actor, "complaint.conclude", Target::unit(&unit), None, Some(after)).await;
    let record = state.store.complaint(id).await?.ok_or(AppError::NotFound)?;
    line(state, actor, record).await
}

/// The concluded complaints about a staff member, as they, and the administrators, supervisors and
/// leaders of their units, read them on their page: the kind, the day, the finding and the measure,
/// nothing of who complained.
pub async fn concluded_about(state: &AppState, actor: &Actor, username: &str) -> AppResult<Vec<ConcludedComplaint>> {
    let name = Username::parse("username", username).map_err(|_| AppError::NotFound)?;
    let oversees = matches!(actor.user.role, Role::Admin | Role::Supervisor | Role::Leader);
    let user = state
        .store
        .user_by_username(name.as_str())
        .await?
        .filter(|u| u.id == actor.user.id || (oversees && actor.sees_unit(u.unit_id)))
        .ok_or(AppError::NotFound)?;
    let mut seen = Vec::new();
    for record in state.store.complaints_about(user.id).await? {
        // GEN-7: not even the day of a complaint linked to an accusation hidden from the reader.
        if !blind_to_case(&*state.store, actor, &record).await? {
            seen.push(record);
        }
    }
    Ok(seen
        .into_iter()
        .filter_map(|r| {
            Some(ConcludedComplaint {
                kind: r.complaint.kind,
                occurred_on: r.complaint.occurred_on,
                finding: r.finding?,
                measure: r.measure,
                concluded_on: china_day(r.concluded_at?),
            })
        })
        .collect())
}

/// The complaints the actor may conclude now, and how many of them are past their due day (for
/// 工作台, so that a new complaint reaches its investigators at once).
pub async fn waiting_counts(state: &AppState, actor: &Actor) -> AppResult<(i64, i64)> {
    if !matches!(actor.user.role, Role::Supervisor | Role::Leader) {
        return Ok((0, 0));
    }
    // On every 工作台: the records alone, not the lines a page shows.
    let units = crate::tree::unit_tree(state).await?.subtree(actor.user.unit_id);
    let today = china_day(Utc::now());
    let (mut waiting, mut overdue) = (0, 0);
    for record in state.store.complaints(&units).await? {
        let open = record.concluded_at.is_none() && !is_about(actor, &record);
        if open
            && investigates(actor, &record, about_senior(&*state.store, &record).await?)
            && !blind_to_case(&*state.store, actor, &record).await?
        {
            waiting += 1;
            overdue += i64::from(record.complaint.due_on < today);
        }
    }
    Ok((waiting, overdue))
}

async fn line(state: &AppState, actor: &Actor, record: ComplaintRecord) -> AppResult<ComplaintLine> {
    let c = &record.complaint;
    let unit = state.store.unit_by_id(c.unit_id).await?.ok_or(AppError::NotFound)?;
    let user = |id: Option<i64>| async move {
        match id {
            Some(id) => state.store.user_by_id(id).await,
            None => Ok(None),
        }
    };
    let staff = user(c.staff_id).await?;
    let received_by = user(Some(c.received_by)).await?;
    let concluded_by = user(record.concluded_by).await?;
    let rota = match user(c.rota_user_id).await? {
        Some(person) => {
            let day = c.occurred_on;
            let signed = state.store.duty_attendance(c.unit_id, day, huiyin_core::duty::day_after(day)).await?;
            let present = signed.iter().any(|a| a.user_id == person.id);
            Some((person, present))
        }
        None => None,
    };
    let overdue = record.concluded_at.is_none() && c.due_on < china_day(Utc::now());
    let senior = staff.as_ref().is_some_and(|u| matches!(u.role, Role::Supervisor | Role::Leader));
    let may_conclude =
        record.concluded_at.is_none() && investigates(actor, &record, senior) && !is_about(actor, &record);
    let case_number = match c.case_id {
        Some(id) => match crate::cases::case_file(state, actor, id).await {
            Ok(file) => Some(file.state.case_number),
            Err(AppError::NotFound) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let number = number_of(&record).to_string();
    Ok(ComplaintLine {
        record,
        unit,
        staff,
        received_by,
        rota,
        concluded_by,
        overdue,
        may_conclude,
        number,
        case_number,
        query_code: None,
    })
}

/// The staff a complaint recorded by `actor` may be about: active staff of their scope but
/// themselves, by unit (for the form's picker).
pub async fn staff_choices(state: &AppState, actor: &Actor) -> AppResult<Vec<User>> {
    let mut staff: Vec<User> = state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.active && !is_system_account(&u.username) && actor.sees_unit(u.unit_id) && u.id != actor.user.id)
        .collect();
    staff.sort_by_key(|u| (u.unit_id, u.id));
    Ok(staff)
}

/// 督办 (FED-12, CDR-5): tells the investigators of each complaint past its due day and not
/// concluded — those who may conclude it, never the person it is about nor anyone blind to the case
/// it is linked to (GEN-7) — once per complaint. The message names the complaint's number, kind and
/// unit, nothing of who complained. Returns how many complaints were told now.
pub async fn tell_overdue(store: &dyn Store, now: chrono::DateTime<Utc>) -> AppResult<u64> {
    let today = china_day(now);
    let units: Vec<i64> = store.units().await?.iter().map(|u| u.id).collect();
    let overdue: Vec<ComplaintRecord> = store
        .complaints(&units)
        .await?
        .into_iter()
        .filter(|r| r.concluded_at.is_none() && r.complaint.due_on < today)
        .collect();
    // Read the ledger first: a run with nothing newly overdue writes nothing and reads no staff.
    let subjects: Vec<String> = overdue.iter().map(|r| r.id.to_string()).collect();
    let already = store.told_already("complaint_overdue", &subjects).await?;
    let overdue: Vec<ComplaintRecord> = overdue.into_iter().filter(|r| !already.contains(&r.id.to_string())).collect();
    if overdue.is_empty() {
        return Ok(0);
    }
    let tree = crate::tree::unit_tree_of(store).await?;
    let mut investigators = Vec::new();
    for user in store.users().await? {
        if user.active && matches!(user.role, Role::Supervisor | Role::Leader) && !is_system_account(&user.username) {
            investigators.push(Actor::of(store, &tree, user).await?);
        }
    }
    let mut told = 0;
    for record in overdue {
        let senior = about_senior(store, &record).await?;
        let unit = tree.get(record.complaint.unit_id).map(|u| u.name.clone()).unwrap_or_default();
        let message = format!(
            "督办:对{unit}的投诉 {}({})已超过办结期限({}),请尽快调查办结。",
            number_of(&record),
            record.complaint.kind.label_zh(),
            crate::views::date_zh(record.complaint.due_on)
        );
        let mut notices = Vec::new();
        for actor in &investigators {
            if investigates(actor, &record, senior)
                && !is_about(actor, &record)
                && !blind_to_case(store, actor, &record).await?
            {
                let kind = "complaint_overdue".to_owned();
                notices.push(Notice { user_id: actor.user.id, case_id: None, kind, message: message.clone() });
            }
        }
        told += u64::from(store.tell_once("complaint_overdue", &record.id.to_string(), &notices, now).await?);
    }
    Ok(told)
}
