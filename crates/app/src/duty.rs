//! 值班表 (issue 19; CDR-1, SCH-5, TWN-6, TWN-7, FED-3): a unit's duty pattern, the month's rota
//! generated from it over the holiday calendar and then edited day by day, swaps (调班) with the
//! leader who approved them, and who is on duty today.
//!
//! Everyone whose scope holds a unit reads its rota; its administrators and leaders (and those of
//! the units above) arrange it. The people on a rota are active staff of the unit itself. Every
//! change is on the audit log with the value before and after.

use chrono::{Datelike, NaiveDate, Utc};
use huiyin_core::duty::{Attendance, DutyMonth, DutyPattern, DutyPatternDraft, attendance, month_rota, next_in_turn};
use huiyin_core::user::{Role, is_system_account};
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{AttendanceRecord, DutyDay, DutyOrigin, Unit, User};
use serde_json::json;

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::units::unit_in_scope;

/// One day of a rota as it is read: the day, whether the unit works then, and who is on duty.
#[derive(Debug, Clone)]
pub struct RotaLine {
    pub day: NaiveDate,
    /// A working day by the holiday calendar (GEN-8).
    pub working_day: bool,
    /// The holiday's name, for a listed day (放假 or 调休上班).
    pub holiday: Option<String>,
    /// Who is on duty; `None` when nobody is.
    pub person: Option<User>,
    pub origin: Option<DutyOrigin>,
    /// Who approved a swap or an edit.
    pub approved_by: Option<User>,
    pub reason: Option<String>,
    /// Whether the person on duty was at their post (FED-8).
    pub attendance: Attendance,
    /// The day's sign-in, when there is one.
    pub signed: Option<AttendanceRecord>,
    /// Who recorded the sign-in for the person on duty (补记).
    pub recorded_by: Option<User>,
}

/// A unit's rota for a month.
#[derive(Debug, Clone)]
pub struct Rota {
    pub unit: Unit,
    pub month: DutyMonth,
    pub pattern: Option<DutyPattern>,
    /// Every day of the month, in order.
    pub days: Vec<RotaLine>,
    /// Whether the reader may arrange it.
    pub may_arrange: bool,
    /// The unit's active staff, who may be on its rota (for the pickers).
    pub staff: Vec<User>,
    /// The leaders who may approve a swap: of the unit or a unit above it.
    pub approvers: Vec<User>,
}

/// Whether the actor arranges the rota of `unit`: an administrator or a leader whose scope holds it.
fn may_arrange(actor: &Actor, unit: &Unit) -> bool {
    (actor.user.role.can_administer() || actor.user.role == Role::Leader) && actor.sees_unit(unit.id)
}

/// The unit `code` of the actor's scope, if they may arrange its rota (else 403; out of scope 404).
async fn arranged_unit(state: &AppState, actor: &Actor, code: &str) -> AppResult<Unit> {
    let unit = unit_in_scope(state, actor, code).await?;
    if !may_arrange(actor, &unit) {
        return Err(AppError::Forbidden);
    }
    Ok(unit)
}

/// The active staff account `username` of `unit`, for a rota; refused on `field` otherwise.
async fn staff_of(state: &AppState, unit: &Unit, field: &str, username: &str) -> AppResult<User> {
    let username = username.trim().to_ascii_lowercase();
    let user = state.store.user_by_username(&username).await?;
    user.filter(|u| u.active && u.unit_id == unit.id && !is_system_account(&u.username)).ok_or_else(|| {
        FieldError::new(field, Invalid::NotAChoice { allowed: format!("{}的在职人员", unit.name) }).into()
    })
}

/// The unit's duty pattern.
pub async fn pattern(state: &AppState, actor: &Actor, code: &str) -> AppResult<(Unit, Option<DutyPattern>)> {
    let unit = unit_in_scope(state, actor, code).await?;
    let pattern = state.store.duty_pattern(unit.id).await?;
    Ok((unit, pattern))
}

/// Sets the unit's duty pattern (its administrators and leaders): everyone it names an active staff
/// member of the unit. The months already generated stay as they are until generated again.
pub async fn set_pattern(
    state: &AppState,
    actor: &Actor,
    code: &str,
    draft: &DutyPatternDraft,
) -> AppResult<DutyPattern> {
    let unit = arranged_unit(state, actor, code).await?;
    let pattern = draft.parse()?;
    let mut errors = Vec::new();
    let fields: Vec<String> = match &pattern {
        DutyPattern::Rotation { people, .. } => (0..people.len()).map(|i| format!("people[{i}]")).collect(),
        DutyPattern::Weekdays { days } => (0..days.len()).map(|i| format!("days[{i}].person")).collect(),
    };
    let named: Vec<&str> = match &pattern {
        DutyPattern::Rotation { people, .. } => people.iter().map(String::as_str).collect(),
        DutyPattern::Weekdays { days } => days.iter().map(|d| d.person.as_str()).collect(),
    };
    for (field, username) in fields.iter().zip(named) {
        if let Err(AppError::Invalid(e)) = staff_of(state, &unit, field, username).await {
            errors.extend(e.iter().cloned());
        }
    }
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    let before = state.store.duty_pattern(unit.id).await?;
    state
        .store
        .set_duty_pattern(unit.id, &pattern, Some(actor.user.id).filter(|_| !actor.is_operator()), Utc::now())
        .await?;
    tracing::info!(unit = %unit.code, actor = %actor.user.username, "duty pattern set");
    let as_json = |p: &DutyPattern| serde_json::to_value(p).unwrap_or_default();
    audit::record(
        state,
        actor,
        "duty.pattern",
        Target::unit(&unit),
        before.as_ref().map(as_json),
        Some(as_json(&pattern)),
    )
    .await;
    Ok(pattern)
}

/// What generating a month did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    /// Days given a person from the pattern.
    pub days: usize,
    /// Days set by hand or swapped before, kept as they were.
    pub kept: usize,
}

/// Generates the unit's rota for a month from its pattern over the holiday calendar (its
/// administrators and leaders): the days generated before are replaced, those set by hand or
/// swapped are kept unless `replace_all`. A rotation takes up its turn after the last person on
/// duty before the month.
pub async fn generate_month(
    state: &AppState,
    actor: &Actor,
    code: &str,
    month: &str,
    replace_all: bool,
) -> AppResult<Generated> {
    let unit = arranged_unit(state, actor, code).await?;
    let month = DutyMonth::parse("month", month)?;
    let Some(pattern) = state.store.duty_pattern(unit.id).await? else {
        let allowed = "先设置值班方式".to_owned();
        return Err(FieldError::new("pattern", Invalid::NotAChoice { allowed }).into());
    };
    let mut ids = Vec::new();
    for (i, username) in pattern.people().into_iter().enumerate() {
        ids.push((username.to_owned(), staff_of(state, &unit, &format!("pattern.people[{i}]"), username).await?.id));
    }
    let last = state.store.last_duty_before(unit.id, month.first_day()).await?;
    let last_person = match last {
        Some(day) => match day.user_id {
            Some(id) => state.store.user_by_id(id).await?.map(|u| u.username),
            None => None,
        },
        None => None,
    };
    let calendar = state.calendar().await;
    let counts_working_days = !matches!(pattern, DutyPattern::Rotation { every_day: true, .. });
    if counts_working_days && !calendar.covers(month.first_day()) {
        // Without the year's holiday schedule, holidays would be duty days and make-up days not.
        return Err(FieldError::new("month", Invalid::NotAChoice { allowed: "已导入节假日安排的年份".into() }).into());
    }
    let next = next_in_turn(&pattern, last_person.as_deref());
    let days: Vec<(NaiveDate, i64)> = month_rota(&pattern, month, &calendar, next)
        .into_iter()
        .filter_map(|(day, person)| ids.iter().find(|(u, _)| *u == person).map(|(_, id)| (day, *id)))
        .collect();
    let kept =
        state.store.put_generated_duty(unit.id, month.first_day(), month.next_first_day(), &days, replace_all).await?;
    let generated = Generated { days: days.len().saturating_sub(kept), kept };
    tracing::info!(unit = %unit.code, %month, days = generated.days, kept, "duty month generated");
    let after = json!({"month": month.to_string(), "days": generated.days, "kept": kept, "replace_all": replace_all});
    audit::record(state, actor, "duty.generate", Target::unit(&unit), None, Some(after)).await;
    Ok(generated)
}

/// The unit's rota for a month, every day with whether it is a working day.
pub async fn rota(state: &AppState, actor: &Actor, code: &str, month: &str) -> AppResult<Rota> {
    let unit = unit_in_scope(state, actor, code).await?;
    let month = DutyMonth::parse("month", month)?;
    let pattern = state.store.duty_pattern(unit.id).await?;
    let stored = state.store.duty_days(unit.id, month.first_day(), month.next_first_day()).await?;
    let signed = state.store.duty_attendance(unit.id, month.first_day(), month.next_first_day()).await?;
    let hours = reception_hours(state, &unit).await?;
    let now = china_now();
    let calendar = state.calendar().await;
    let users = state.store.users().await?;
    let user = |id: Option<i64>| id.and_then(|id| users.iter().find(|u| u.id == id).cloned());
    let days = month
        .days()
        .map(|day| {
            let duty = stored.iter().find(|d| d.day == day);
            let sign = signed.iter().find(|a| a.day == day).cloned();
            let closes = hours.as_ref().and_then(|h| h.closes_on(day.weekday().number_from_monday() as u8));
            RotaLine {
                day,
                working_day: calendar.is_working_day(day),
                holiday: calendar.listed(day).map(|(name, _)| name.to_owned()),
                person: user(duty.and_then(|d| d.user_id)),
                origin: duty.map(|d| d.origin),
                approved_by: user(duty.and_then(|d| d.approved_by)),
                reason: duty.and_then(|d| d.reason.clone()),
                attendance: attendance(day, duty.is_some_and(|d| d.user_id.is_some()), sign.is_some(), now, closes),
                recorded_by: user(sign.as_ref().and_then(|a| a.recorded_by)),
                signed: sign,
            }
        })
        .collect();
    let above = crate::tree::unit_tree(state).await?.chain(unit.id);
    let staff =
        users.iter().filter(|u| u.active && u.unit_id == unit.id && !is_system_account(&u.username)).cloned().collect();
    // The unit's own leaders first, then those of each unit above in turn.
    let mut approvers: Vec<User> =
        users.iter().filter(|u| u.active && u.role == Role::Leader && above.contains(&u.unit_id)).cloned().collect();
    approvers.sort_by_key(|u| above.iter().position(|id| *id == u.unit_id));
    Ok(Rota { may_arrange: may_arrange(actor, &unit), unit, month, pattern, days, staff, approvers })
}

/// China's local time now (the day and hour that duty and reception are counted in).
fn china_now() -> chrono::NaiveDateTime {
    Utc::now().with_timezone(&huiyin_core::case::CHINA_OFFSET).naive_local()
}

/// The unit's reception hours (COM-3, SCH-4), if it set them.
async fn reception_hours(state: &AppState, unit: &Unit) -> AppResult<Option<huiyin_core::unit::OfficeHours>> {
    let info = state.store.unit_public_info(unit.id).await?;
    Ok(info.and_then(|i| huiyin_core::unit::OfficeHours::parse("office_hours", &i.office_hours).ok()))
}

/// The actor's own duty today, when they are on duty in their unit: their sign-in, if any.
pub async fn my_duty_today(state: &AppState, actor: &Actor) -> AppResult<Option<Option<AttendanceRecord>>> {
    let today = huiyin_core::limits::china_day(Utc::now());
    let on = on_duty(state, actor.user.unit_id, today).await?;
    if on.as_ref().map(|u| u.id) != Some(actor.user.id) {
        return Ok(None);
    }
    let signed = state.store.duty_attendance(actor.user.unit_id, today, huiyin_core::duty::day_after(today)).await?;
    Ok(Some(signed.into_iter().next()))
}

/// Signs the actor in at their post for today (FED-8): they are on duty today in their own unit.
/// Signing in twice is refused.
pub async fn sign_in(state: &AppState, actor: &Actor) -> AppResult<AttendanceRecord> {
    let today = huiyin_core::limits::china_day(Utc::now());
    let on = on_duty(state, actor.user.unit_id, today).await?;
    if on.as_ref().map(|u| u.id) != Some(actor.user.id) {
        return Err(FieldError::new("day", Invalid::NotAChoice { allowed: "本人值班的日子".into() }).into());
    }
    let record = AttendanceRecord {
        day: today,
        user_id: actor.user.id,
        signed_in_at: Utc::now(),
        signed_out_at: None,
        recorded_by: None,
        note: None,
    };
    if !state.store.record_sign_in(actor.user.unit_id, &record).await? {
        return Err(FieldError::new("day", Invalid::AlreadyExists).into());
    }
    tracing::info!(user = %actor.user.username, %today, "signed in on duty");
    Ok(record)
}

/// Signs the actor out of today's duty; refused unless they signed in and have not signed out.
pub async fn sign_out(state: &AppState, actor: &Actor) -> AppResult<()> {
    let today = huiyin_core::limits::china_day(Utc::now());
    if !state.store.record_sign_out(actor.user.unit_id, today, actor.user.id, Utc::now()).await? {
        return Err(FieldError::new("day", Invalid::NotAChoice { allowed: "已签到且未签退的值班日".into() }).into());
    }
    tracing::info!(user = %actor.user.username, %today, "signed out of duty");
    Ok(())
}

/// Records the sign-in of the person on duty on a day of the unit (补记: an officer, or an
/// administrator or leader, of a unit whose scope holds it, for someone who could not sign
/// themselves), at the time given (`HH:MM`, China time; that day, not in the future), marked as
/// recorded by the actor, with a note. On the audit log.
pub async fn record_sign_in(
    state: &AppState,
    actor: &Actor,
    code: &str,
    day: &str,
    time: &str,
    note: &str,
) -> AppResult<AttendanceRecord> {
    let unit = unit_in_scope(state, actor, code).await?;
    if !(may_arrange(actor, &unit) || actor.user.role.can_register()) {
        return Err(AppError::Forbidden);
    }
    let day = rota_day("day", day)?;
    let time = chrono::NaiveTime::parse_from_str(time.trim(), "%H:%M")
        .map_err(|_| FieldError::new("time", Invalid::DateFormat))?;
    let note = huiyin_core::text::required("note", Some(note), huiyin_core::text::limits::REASON)?;
    let at = day
        .and_time(time)
        .and_local_timezone(huiyin_core::case::CHINA_OFFSET)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| FieldError::new("time", Invalid::DateFormat))?;
    if at > Utc::now() {
        return Err(FieldError::new("time", Invalid::InFuture).into());
    }
    let Some(on) = on_duty(state, unit.id, day).await? else {
        return Err(FieldError::new("day", Invalid::NotAChoice { allowed: "有人值班的日子".into() }).into());
    };
    let record = AttendanceRecord {
        day,
        user_id: on.id,
        signed_in_at: at,
        signed_out_at: None,
        recorded_by: Some(actor.user.id).filter(|_| !actor.is_operator()),
        note: Some(note),
    };
    if !state.store.record_sign_in(unit.id, &record).await? {
        return Err(FieldError::new("day", Invalid::AlreadyExists).into());
    }
    let after =
        json!({"day": day.to_string(), "person": on.username, "signed_in_at": at.to_rfc3339(), "note": record.note});
    audit::record(state, actor, "duty.attendance", Target::unit(&unit), None, Some(after)).await;
    Ok(record)
}

/// A day's rota entry as the audit log keeps it.
fn day_snapshot(day: Option<&DutyDay>, users: &[User]) -> serde_json::Value {
    let name = |id: i64| users.iter().find(|u| u.id == id).map_or_else(|| id.to_string(), |u| u.username.clone());
    match day {
        Some(d) => json!({"day": d.day.to_string(), "person": d.user_id.map(name), "origin": d.origin.code()}),
        None => json!({"person": null}),
    }
}

/// Parses a rota day, `YYYY-MM-DD`.
/// A rota day, `YYYY-MM-DD`, in the years a month may be (2000–2099).
fn rota_day(field: &str, raw: &str) -> Result<NaiveDate, FieldError> {
    let day =
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| FieldError::new(field, Invalid::DateFormat))?;
    if !(2000..=2099).contains(&day.year()) {
        return Err(FieldError::new(field, Invalid::DateFormat));
    }
    Ok(day)
}

/// Sets who is on duty on one day (or nobody, `person` empty), by hand (its administrators and
/// leaders), with a reason; generating the month again keeps it.
pub async fn set_day(
    state: &AppState,
    actor: &Actor,
    code: &str,
    day: &str,
    person: Option<&str>,
    reason: &str,
) -> AppResult<Option<DutyDay>> {
    let unit = arranged_unit(state, actor, code).await?;
    let day = rota_day("day", day)?;
    let reason = huiyin_core::text::optional("reason", Some(reason), huiyin_core::text::limits::REASON)?;
    // Nobody on duty is kept as a day set by hand too, so that generating the month again keeps it.
    let user_id = match person.map(str::trim).filter(|p| !p.is_empty()) {
        Some(username) => Some(staff_of(state, &unit, "person", username).await?.id),
        None => None,
    };
    let to = Some(DutyDay {
        day,
        user_id,
        origin: DutyOrigin::Edit,
        // Who set it by hand (not an approval: a swap's approver is a leader other than the two).
        approved_by: Some(actor.user.id).filter(|_| !actor.is_operator()),
        reason,
    });
    let before = state.store.set_duty_day(unit.id, day, to.as_ref()).await?;
    let users = state.store.users().await?;
    audit::record(
        state,
        actor,
        "duty.day",
        Target::unit(&unit),
        Some(day_snapshot(before.as_ref(), &users)),
        Some(day_snapshot(to.as_ref(), &users)),
    )
    .await;
    Ok(to)
}

/// Exchanges the people on duty on two days (调班), approved by a leader of the unit or of a unit
/// above it (recorded; by default the actor, when a leader), with a reason. Both days must have
/// someone; the approver is neither of the two.
pub async fn swap(
    state: &AppState,
    actor: &Actor,
    code: &str,
    a: &str,
    b: &str,
    approver: Option<&str>,
    reason: &str,
) -> AppResult<()> {
    let unit = arranged_unit(state, actor, code).await?;
    let mut errors = Vec::new();
    let a = rota_day("a", a).map_err(|e| errors.push(e)).ok();
    let b = rota_day("b", b).map_err(|e| errors.push(e)).ok();
    if a.is_some() && a == b {
        errors.push(FieldError::new("b", Invalid::AlreadyExists));
    }
    let reason = huiyin_core::text::required("reason", Some(reason), huiyin_core::text::limits::REASON)
        .map_err(|e| errors.push(e))
        .ok();
    let approver = match approver.map(str::trim).filter(|a| !a.is_empty()) {
        Some(username) => state.store.user_by_username(&username.to_ascii_lowercase()).await?,
        None if actor.user.role == Role::Leader => Some(actor.user.clone()),
        None => None,
    };
    let approver = match approver {
        Some(user) if user.active && user.role == Role::Leader => {
            let above = state.store.unit_subtree(user.unit_id).await?.contains(&unit.id);
            above.then_some(user)
        }
        _ => None,
    };
    if approver.is_none() {
        let allowed = format!("{}或上级单位的领导", unit.name);
        errors.push(FieldError::new("approver", Invalid::NotAChoice { allowed }));
    }
    let (Some(a), Some(b), Some(reason), Some(approver)) = (a, b, reason, approver) else {
        return Err(ValidationErrors::from_vec(errors).map_or(AppError::Forbidden, AppError::Invalid));
    };
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    let on_days = state.store.duty_days(unit.id, a.min(b), huiyin_core::duty::day_after(a.max(b))).await?;
    let on = |day: NaiveDate| on_days.iter().find(|d| d.day == day).and_then(|d| d.user_id);
    let (Some(on_a), Some(on_b)) = (on(a), on(b)) else {
        let field = if on(a).is_none() { "a" } else { "b" };
        return Err(FieldError::new(field, Invalid::NotAChoice { allowed: "有人值班的日子".into() }).into());
    };
    if on_a == on_b {
        return Err(FieldError::new("b", Invalid::NotAChoice { allowed: "另一人值班的日子".into() }).into());
    }
    if approver.id == on_a || approver.id == on_b {
        let allowed = "调班双方以外的领导".to_owned();
        return Err(FieldError::new("approver", Invalid::NotAChoice { allowed }).into());
    }
    if !state.store.swap_duty_days(unit.id, a, b, approver.id, &reason).await? {
        return Err(FieldError::new("a", Invalid::NotAChoice { allowed: "有人值班的日子".into() }).into());
    }
    let users = state.store.users().await?;
    let name = |id: i64| users.iter().find(|u| u.id == id).map_or_else(String::new, |u| u.username.clone());
    let before = json!({a.to_string(): name(on_a), b.to_string(): name(on_b)});
    let after = json!({a.to_string(): name(on_b), b.to_string(): name(on_a), "approved_by": approver.username, "reason": reason});
    tracing::info!(unit = %unit.code, %a, %b, approver = %approver.username, "duty swapped");
    audit::record(state, actor, "duty.swap", Target::unit(&unit), Some(before), Some(after)).await;
    Ok(())
}

/// Who is on duty today in the actor's own unit (the registration form shows them; TWN-6).
pub async fn on_duty_today(state: &AppState, actor: &Actor) -> AppResult<Option<User>> {
    let today = huiyin_core::limits::china_day(Utc::now());
    on_duty(state, actor.user.unit_id, today).await
}

/// Who is on duty in a unit on a day.
pub async fn on_duty(state: &AppState, unit_id: i64, day: NaiveDate) -> AppResult<Option<User>> {
    let days = state.store.duty_days(unit_id, day, huiyin_core::duty::day_after(day)).await?;
    match days.first() {
        // A disabled account is on duty nowhere.
        Some(DutyDay { user_id: Some(id), .. }) => Ok(state.store.user_by_id(*id).await?.filter(|u| u.active)),
        Some(_) => Ok(None),
        None => Ok(None),
    }
}

/// How many duty days of the actor's own unit in the last `days` days (today included, until its
/// reception ends) were absences (FED-8): for its supervisors' and leaders' 工作台.
pub async fn recent_absences(state: &AppState, actor: &Actor, days: u64) -> AppResult<i64> {
    let today = huiyin_core::limits::china_day(Utc::now());
    let from = today - chrono::Days::new(days.saturating_sub(1));
    let mut months = vec![DutyMonth::of(from)];
    if DutyMonth::of(today) != months[0] {
        months.push(DutyMonth::of(today));
    }
    let mut absent = 0;
    for month in months {
        let rota = rota(state, actor, &actor.user.unit_code, &month.to_string()).await?;
        absent +=
            rota.days.iter().filter(|d| d.day >= from && d.day <= today && d.attendance == Attendance::Absent).count();
    }
    Ok(i64::try_from(absent).unwrap_or(i64::MAX))
}

/// The columns of the month's attendance sheet (考勤表, FED-8).
pub const ATTENDANCE_COLUMNS: [&str; 9] =
    ["日期", "星期", "工作日", "值班人员", "出勤", "签到", "签退", "补记人", "说明"];

/// The month's attendance sheet (FED-8), one row a day under [`ATTENDANCE_COLUMNS`]: the same rows
/// for the spreadsheet and the printed sheet.
pub fn attendance_rows(rota: &Rota) -> Vec<Vec<String>> {
    let clock = crate::views::clock;
    rota.days
        .iter()
        .map(|d| {
            vec![
                d.day.to_string(),
                huiyin_core::unit::weekday_zh(d.day.weekday().number_from_monday() as u8).to_owned(),
                if d.working_day { "工作日" } else { "休息日" }.to_owned(),
                d.person.as_ref().map(crate::accounts::name_and_title).unwrap_or_default(),
                d.attendance.label_zh().to_owned(),
                d.signed.as_ref().map(|a| clock(a.signed_in_at)).unwrap_or_default(),
                d.signed.as_ref().and_then(|a| a.signed_out_at).map(clock).unwrap_or_default(),
                d.recorded_by.as_ref().map(|u| u.display_name.clone()).unwrap_or_default(),
                d.signed.as_ref().and_then(|a| a.note.clone()).or_else(|| d.reason.clone()).unwrap_or_default(),
            ]
        })
        .collect()
}

/// The month's attendance sheet (考勤表, FED-8) as PDF under the unit's letterhead, for the file:
/// every day with who was on duty and whether they were at their post, and the month's absences
/// counted. Readers as [`rota`].
pub async fn attendance_pdf(state: &AppState, actor: &Actor, code: &str, month: &str) -> AppResult<(String, Vec<u8>)> {
    let rota = rota(state, actor, code, month).await?;
    let issuer = crate::documents::issue::issuer_of(state, &rota.unit).await?;
    let duty_days = rota.days.iter().filter(|d| d.person.is_some()).count();
    let absent = rota.days.iter().filter(|d| d.attendance == Attendance::Absent).count();
    let present = rota.days.iter().filter(|d| d.attendance == Attendance::Present).count();
    // The printed sheet leaves out the weekday-kind column; the date says it.
    let rows = attendance_rows(&rota)
        .into_iter()
        .map(|mut r| {
            r.remove(2);
            r
        })
        .collect();
    let mut columns: Vec<String> = ATTENDANCE_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    columns.remove(2);
    let now = Utc::now();
    let letter = huiyin_pdf::Letter {
        letterhead: issuer.letterhead,
        title: format!("{}年{}月值班考勤表", rota.month.year, rota.month.month),
        number: None,
        addressee: None,
        paragraphs: vec![format!(
            "{}本月值班 {duty_days} 天,到岗 {present} 天,缺勤 {absent} 天。缺勤指值班日接待时间结束仍未签到;补记的签到注明补记人。",
            rota.unit.name
        )],
        facts: Vec::new(),
        table: Some(huiyin_pdf::LetterTable { columns, widths: vec![5, 3, 8, 3, 3, 3, 3, 5], rows }),
        signature: issuer.signature,
        issued_on: crate::views::day_zh(now),
    };
    let ident = format!("attendance-{}-{}", rota.unit.code, rota.month);
    let pdf = crate::documents::issue::typeset_off_thread(state, move |t| t.letter(&letter, &ident, now)).await?;
    Ok((format!("值班考勤-{}-{}.pdf", rota.unit.code, rota.month), pdf))
}
