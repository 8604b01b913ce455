//! 值班表 (issue 19; CDR-1, SCH-5, TWN-6, TWN-7, FED-3): a unit's month of duty, day by day, with who
//! is on duty today; for its administrators and leaders, the forms that set a day, swap two days
//! (调班, with the approving leader), generate the month from the pattern, and set the pattern.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use serde::Deserialize;

use super::{FormErrors, Me, PageResult, Staff, check_csrf, render};
use huiyin_app::context::AppState;
use huiyin_app::duty::{self, Rota};
use huiyin_app::error::AppError;
use huiyin_core::ValidationErrors;
use huiyin_core::duty::{DutyMonth, DutyPattern, DutyPatternDraft, WeekdayDutyDraft};
use huiyin_core::unit::weekday_zh;

/// One day of the month as the page lists it.
pub(super) struct DayRow {
    /// `2026-12-07`.
    day: String,
    /// `12月7日`.
    label: String,
    weekday: &'static str,
    working_day: bool,
    holiday: String,
    /// Name and title of who is on duty; empty when nobody.
    person: String,
    /// How the day got its person, in words, with who approved it and why.
    note: String,
    today: bool,
    /// 到岗, 待签到, 缺勤 or empty (FED-8).
    attendance: &'static str,
    absent: bool,
    /// When they signed in and out, and who recorded it for them: “09:02–17:30”.
    signed: String,
}

/// A staff member offered in a picker.
pub(super) struct Person {
    username: String,
    name: String,
}

#[derive(Template)]
#[template(path = "staff/duty.html")]
pub(super) struct DutyPage {
    me: Option<Me>,
    csrf: String,
    unit_code: String,
    unit_name: String,
    /// `2026-12`.
    month: String,
    /// `2026年12月`.
    month_label: String,
    prev: String,
    next: String,
    /// The units of the reader's scope: (code, name, this one).
    units: Vec<(String, String, bool)>,
    rows: Vec<DayRow>,
    /// Who is on duty today in this unit, when today falls in the month shown or not.
    today: Option<String>,
    may_arrange: bool,
    /// May record a sign-in for the person on duty (补记): arrangers and officers.
    may_record: bool,
    staff: Vec<Person>,
    approvers: Vec<Person>,
    /// The days of the month that have someone on duty, for the swap: (day, label with person).
    duty_days: Vec<(String, String)>,
    /// The pattern as the form shows it.
    rotation: bool,
    every_day: bool,
    /// The rotation's people in turn, padded with empty rows up to the number of staff.
    people: Vec<String>,
    /// Monday … Sunday: (weekday number, name, username chosen).
    weekdays: Vec<(u8, &'static str, String)>,
    pattern_text: String,
    done: Option<&'static str>,
    /// Which form was refused: `day`, `swap`, `generate` or `pattern`.
    refused: &'static str,
    /// Every reason of the refusal in words, said at the top of the refused form.
    summary: Vec<String>,
    errors: Option<ValidationErrors>,
}

impl FormErrors for DutyPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

impl DutyPage {
    /// The error of `field` in form `form` only (two forms may share a field's name).
    fn err_in(&self, form: &str, field: &str) -> String {
        if self.refused == form { self.err(field) } else { String::new() }
    }

    fn invalid_in(&self, form: &str, field: &str) -> String {
        if self.refused == form { self.invalid(field) } else { String::new() }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct DutyQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    done: String,
}

/// The pattern in words, for the page.
fn pattern_in_words(pattern: Option<&DutyPattern>, rota: &Rota) -> String {
    let name = |username: &str| {
        rota.staff
            .iter()
            .find(|u| u.username == username)
            .map_or_else(|| username.to_owned(), |u| u.display_name.clone())
    };
    match pattern {
        None => "尚未设置值班方式。".into(),
        Some(DutyPattern::Rotation { people, every_day }) => format!(
            "轮流值班({}):{}。",
            if *every_day { "每天,含休息日和节假日" } else { "工作日" },
            people.iter().map(|p| name(p)).collect::<Vec<_>>().join(" → ")
        ),
        Some(DutyPattern::Weekdays { days }) => format!(
            "按星期固定(节假日除外):{}。",
            days.iter().map(|d| format!("{} {}", weekday_zh(d.weekday), name(&d.person))).collect::<Vec<_>>().join(",")
        ),
    }
}

/// The month shown: as asked when it is one, else this month.
pub(super) fn month_or_now(month: &str) -> String {
    match DutyMonth::parse("month", month) {
        Ok(m) => m.to_string(),
        Err(_) => DutyMonth::of(huiyin_core::limits::china_day(chrono::Utc::now())).to_string(),
    }
}

/// The units of the reader's scope for a page's unit picker: (code, name, the one shown); a closed
/// unit only when it is the one shown.
pub(super) async fn unit_choices(
    state: &AppState,
    staff: &Staff,
    shown: i64,
) -> Result<Vec<(String, String, bool)>, AppError> {
    Ok(huiyin_app::units::units_in_scope(state, &staff.actor)
        .await?
        .into_iter()
        .filter(|u| u.closed_at.is_none() || u.id == shown)
        .map(|u| {
            let here = u.id == shown;
            (u.code, u.name, here)
        })
        .collect())
}

pub(super) async fn duty_page(State(state): State<AppState>, staff: Staff, Query(q): Query<DutyQuery>) -> PageResult {
    let done = match q.done.as_str() {
        "day" => Some("已调整该日值班。"),
        "swap" => Some("已调班,并记录批准的领导和事由。"),
        "generate" => Some("已按值班方式生成本月值班表;手工调整过的日子保持不变。"),
        "generate-all" => Some("已按值班方式重新生成本月值班表,手工调整和调班的日子也已重排。"),
        "pattern" => Some("已保存值班方式。下次生成月值班表时按新方式排班。"),
        "attendance" => Some("已补记签到,并注明补记人。"),
        _ => None,
    };
    let unit = if q.unit.trim().is_empty() { staff.actor.user.unit_code.clone() } else { q.unit.clone() };
    duty_view(&state, &staff, &unit, &month_or_now(&q.month), done, "", None).await
}

#[allow(clippy::too_many_arguments)]
async fn duty_view(
    state: &AppState,
    staff: &Staff,
    unit: &str,
    month: &str,
    done: Option<&'static str>,
    refused: &'static str,
    errors: Option<ValidationErrors>,
) -> PageResult {
    let rota = duty::rota(state, &staff.actor, unit, month).await?;
    let today = huiyin_core::limits::china_day(chrono::Utc::now());
    let on_today = duty::on_duty(state, rota.unit.id, today).await?;
    let person =
        |u: &huiyin_store::User| Person { username: u.username.clone(), name: huiyin_app::accounts::name_and_title(u) };
    let rows: Vec<DayRow> = rota
        .days
        .iter()
        .map(|d| DayRow {
            day: d.day.to_string(),
            label: format!("{}月{}日", d.day.month(), d.day.day()),
            weekday: weekday_zh(d.day.weekday().number_from_monday() as u8),
            working_day: d.working_day,
            holiday: d.holiday.clone().unwrap_or_default(),
            person: d.person.as_ref().map(huiyin_app::accounts::name_and_title).unwrap_or_default(),
            note: match d.origin {
                Some(huiyin_store::DutyOrigin::Pattern) | None => String::new(),
                Some(origin) => {
                    let (what, by) = if origin == huiyin_store::DutyOrigin::Swap {
                        ("调班", d.approved_by.as_ref().map(|u| format!(",{}批准", u.display_name)))
                    } else {
                        ("调整", d.approved_by.as_ref().map(|u| format!(",{}调整", u.display_name)))
                    };
                    let why = d.reason.as_ref().map(|r| format!(":{r}")).unwrap_or_default();
                    format!("{what}{}{why}", by.unwrap_or_default())
                }
            },
            today: d.day == today,
            attendance: d.attendance.label_zh(),
            absent: d.attendance == huiyin_core::duty::Attendance::Absent,
            signed: d
                .signed
                .as_ref()
                .map(|a| {
                    let clock = huiyin_app::views::clock;
                    let out = a.signed_out_at.map(|t| format!("–{}", clock(t))).unwrap_or_default();
                    let by = d.recorded_by.as_ref().map(|u| format!("({}补记)", u.display_name)).unwrap_or_default();
                    format!("{}{out}{by}", clock(a.signed_in_at))
                })
                .unwrap_or_default(),
        })
        .collect();
    let duty_days = rota
        .days
        .iter()
        .filter_map(|d| {
            d.person
                .as_ref()
                .map(|p| (d.day.to_string(), format!("{}月{}日 {}", d.day.month(), d.day.day(), p.display_name)))
        })
        .collect();
    // The kind of duty the unit's preset keeps (issue 22): where no pattern is set, the form
    // starts from it and the page says it.
    let style = huiyin_app::presets::terms_for(state, rota.unit.id).await?.duty;
    let (rotation, every_day, mut people, chosen) = match &rota.pattern {
        Some(DutyPattern::Rotation { people, every_day }) => (true, *every_day, people.clone(), Vec::new()),
        Some(DutyPattern::Weekdays { days }) => (false, false, Vec::new(), days.clone()),
        None => (
            style.as_ref().is_none_or(|s| s.kind == "rotation"),
            style.as_ref().is_some_and(|s| s.every_day),
            Vec::new(),
            Vec::new(),
        ),
    };
    people.resize(rota.staff.len().max(people.len()).max(1), String::new());
    let weekdays = (1..=7u8)
        .map(|w| {
            let who = chosen.iter().find(|d| d.weekday == w).map(|d| d.person.clone()).unwrap_or_default();
            (w, weekday_zh(w), who)
        })
        .collect();
    let units = unit_choices(state, staff, rota.unit.id).await?;
    let prev = rota.month.previous().to_string();
    let page = DutyPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        unit_code: rota.unit.code.clone(),
        unit_name: rota.unit.name.clone(),
        month: rota.month.to_string(),
        month_label: format!("{}年{}月", rota.month.year, rota.month.month),
        prev,
        next: DutyMonth::of(rota.month.next_first_day()).to_string(),
        units,
        rows,
        today: on_today.as_ref().map(huiyin_app::accounts::name_and_title),
        may_arrange: rota.may_arrange,
        may_record: rota.may_arrange || staff.actor.user.role.can_register(),
        staff: rota.staff.iter().map(person).collect(),
        approvers: rota.approvers.iter().map(person).collect(),
        duty_days,
        rotation,
        every_day,
        people,
        weekdays,
        pattern_text: match (&rota.pattern, &style) {
            (None, Some(style)) => format!("尚未设置值班方式。本单位制度:{}", style.note),
            _ => pattern_in_words(rota.pattern.as_ref(), &rota),
        },
        done,
        refused,
        summary: errors.iter().flat_map(|e| e.iter().map(|f| f.message(huiyin_core::Lang::Zh))).collect(),
        errors,
    };
    let status = if page.errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

/// One's own desk name plate (桌牌, FED-4, SCH-9) as a PDF, for the reception counter.
pub(super) async fn own_name_plate(State(state): State<AppState>, staff: Staff) -> PageResult {
    let (user, pdf) = huiyin_app::documents::name_plate::name_plate(&state, &staff.actor, None).await?;
    Ok(crate::made_pdf(&format!("name-plate-{}.pdf", user.username), pdf))
}

/// 考勤表 (FED-8): the unit's month of duty and attendance as a spreadsheet.
pub(super) async fn attendance_sheet(
    State(state): State<AppState>,
    staff: Staff,
    Path(unit): Path<String>,
    Query(q): Query<DutyQuery>,
) -> PageResult {
    let rota = duty::rota(&state, &staff.actor, &unit, &month_or_now(&q.month)).await?;
    let table = huiyin_app::cases::export::ExportTable {
        headers: duty::ATTENDANCE_COLUMNS.to_vec(),
        rows: duty::attendance_rows(&rota),
        truncated: false,
    };
    let widths = [12.0, 6.0, 8.0, 24.0, 8.0, 8.0, 8.0, 10.0, 30.0];
    let bytes = super::export::xlsx_sheet(&table, "值班考勤", &widths)?;
    let media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let blob = huiyin_store::Blob { sha256: String::new(), media_type: media_type.into(), bytes };
    let name = format!("值班考勤-{}-{}.xlsx", rota.unit.code, rota.month);
    Ok(crate::attachment_response(&name, blob))
}

/// 考勤表 (FED-8): the unit's month of duty and attendance printed under its letterhead.
pub(super) async fn attendance_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path(unit): Path<String>,
    Query(q): Query<DutyQuery>,
) -> PageResult {
    let (name, pdf) = duty::attendance_pdf(&state, &staff.actor, &unit, &month_or_now(&q.month)).await?;
    Ok(crate::made_pdf(&name, pdf))
}

/// Back to the month shown, saying what was done (a month or unit that is no such thing goes back
/// to the reader's own this month).
fn back(unit: &str, month: &str, done: &str) -> PageResult {
    let month = DutyMonth::parse("month", month).map_or_else(|_| month_or_now(""), |m| m.to_string());
    let unit = huiyin_core::unit::UnitCode::parse("unit", unit).map(|u| u.to_string()).unwrap_or_default();
    Ok(Redirect::to(&format!("/duty?unit={unit}&month={month}&done={done}")).into_response())
}

/// A refusal of one form: the page again with the reasons under that form's fields.
async fn refused(
    state: &AppState,
    staff: &Staff,
    unit: &str,
    month: &str,
    form: &'static str,
    e: AppError,
) -> PageResult {
    match e {
        AppError::Invalid(errors) => duty_view(state, staff, unit, month, None, form, Some(errors)).await,
        e => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct DayForm {
    csrf: Option<String>,
    #[serde(default)]
    month: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    reason: String,
}

/// 调整某日值班.
pub(super) async fn set_day(
    State(state): State<AppState>,
    staff: Staff,
    Path(unit): Path<String>,
    Form(f): Form<DayForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let month = month_or_now(&f.month);
    match duty::set_day(&state, &staff.actor, &unit, &f.day, Some(&f.person), &f.reason).await {
        Ok(_) => back(&unit, &month, "day"),
        Err(e) => refused(&state, &staff, &unit, &month, "day", e).await,
    }
}

#[derive(Deserialize)]
pub(super) struct AttendanceForm {
    csrf: Option<String>,
    #[serde(default)]
    month: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    note: String,
}

/// 补记签到: the sign-in of the person on duty, recorded for them.
pub(super) async fn record_sign_in(
    State(state): State<AppState>,
    staff: Staff,
    Path(unit): Path<String>,
    Form(f): Form<AttendanceForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let month = month_or_now(&f.month);
    match duty::record_sign_in(&state, &staff.actor, &unit, &f.day, &f.time, &f.note).await {
        Ok(_) => back(&unit, &month, "attendance"),
        Err(e) => refused(&state, &staff, &unit, &month, "attendance", e).await,
    }
}

#[derive(Deserialize)]
pub(super) struct SwapForm {
    csrf: Option<String>,
    #[serde(default)]
    month: String,
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
    #[serde(default)]
    approver: String,
    #[serde(default)]
    reason: String,
}

/// 调班.
pub(super) async fn swap(
    State(state): State<AppState>,
    staff: Staff,
    Path(unit): Path<String>,
    Form(f): Form<SwapForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let month = month_or_now(&f.month);
    match duty::swap(&state, &staff.actor, &unit, &f.a, &f.b, Some(&f.approver), &f.reason).await {
        Ok(()) => back(&unit, &month, "swap"),
        Err(e) => refused(&state, &staff, &unit, &month, "swap", e).await,
    }
}

#[derive(Deserialize)]
pub(super) struct GenerateForm {
    csrf: Option<String>,
    #[serde(default)]
    month: String,
    #[serde(default)]
    replace_all: Option<String>,
}

/// 生成月值班表.
pub(super) async fn generate(
    State(state): State<AppState>,
    staff: Staff,
    Path(unit): Path<String>,
    Form(f): Form<GenerateForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let month = month_or_now(&f.month);
    match duty::generate_month(&state, &staff.actor, &unit, &month, f.replace_all.is_some()).await {
        Ok(_) => back(&unit, &month, if f.replace_all.is_some() { "generate-all" } else { "generate" }),
        Err(e) => refused(&state, &staff, &unit, &month, "generate", e).await,
    }
}

/// 值班方式: the form's fields in order (`kind`, `every_day`, `people` once a row, `wd1` … `wd7`).
pub(super) async fn set_pattern(
    State(state): State<AppState>,
    staff: Staff,
    Path(unit): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    check_csrf(&staff.session, field("csrf").as_ref()).await?;
    let month = month_or_now(&field("month").unwrap_or_default());
    let kind = field("kind").unwrap_or_default();
    let draft = DutyPatternDraft {
        people: (kind == "rotation").then(|| {
            fields.iter().filter(|(k, v)| k == "people" && !v.trim().is_empty()).map(|(_, v)| v.clone()).collect()
        }),
        every_day: (kind == "rotation").then(|| field("every_day").is_some()),
        days: (kind == "weekdays").then(|| {
            (1..=7u8)
                .filter_map(|w| {
                    let person = field(&format!("wd{w}")).filter(|p| !p.trim().is_empty())?;
                    Some(WeekdayDutyDraft { weekday: Some(w), person: Some(person) })
                })
                .collect()
        }),
        kind: Some(kind).filter(|k| !k.is_empty()),
    };
    match duty::set_pattern(&state, &staff.actor, &unit, &draft).await {
        Ok(_) => back(&unit, &month, "pattern"),
        Err(e) => refused(&state, &staff, &unit, &month, "pattern", e).await,
    }
}
