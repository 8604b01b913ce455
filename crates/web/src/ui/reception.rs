//! 领导接访安排 (issue 19; TWN-7, TWN-8, TWN-9): a unit's month of leaders' reception days — the
//! table in force with what its latest version changed, every published version with its PDF
//! notice, and for the unit's arrangers the draft form (day, leaders from a picker of those of the
//! unit's rank or above, place, hours) and the publication, confirmed first.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::duty::{month_or_now, unit_choices};
use super::{FormErrors, Me, PageResult, Staff, check_csrf, render};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::reception::{self, ReceptionMonth, day_label};
use huiyin_core::duty::DutyMonth;
use huiyin_core::reception::{ArrangedDay, ReceptionDayDraft, ReceptionMonthDraft};
use huiyin_core::{FieldError, ValidationErrors};

/// How many leaders one row of the form offers (a joint reception).
const LEADERS_PER_ROW: usize = 3;
/// Empty rows offered after the days already drafted.
const EMPTY_ROWS: usize = 6;

/// One day of a table as the page shows it.
pub(super) struct TableRow {
    label: String,
    leaders: String,
    joint: bool,
    place: String,
    hours: String,
    /// 新增 or 变更 by this version; empty otherwise.
    change: &'static str,
}

/// One published version.
pub(super) struct VersionRow {
    version: i64,
    published: String,
    by: String,
    late: bool,
    note: String,
    /// The days it changed, in words.
    changes: String,
}

/// One row of the draft form, as drafted or as typed.
pub(super) struct FormRow {
    day: String,
    leaders: Vec<String>,
    place: String,
    starts: String,
    ends: String,
    /// This row's errors, in words.
    errors: Vec<String>,
}

/// A reception session of the month as the page lists it.
pub(super) struct SessionRow {
    id: i64,
    day: String,
    kind: &'static str,
    leaders: String,
    place: String,
    hours: String,
    /// 约访: the key petitioner and why, for those who read it.
    key: String,
    visits: i64,
}

/// A leader offered in the pickers.
pub(super) struct Leader {
    username: String,
    name: String,
}

#[derive(Template)]
#[template(path = "staff/reception.html")]
pub(super) struct ReceptionPage {
    me: Option<Me>,
    csrf: String,
    unit_code: String,
    unit_name: String,
    month: String,
    month_label: String,
    prev: String,
    next: String,
    first_day: String,
    last_day: String,
    /// Today (China), the session form's day by default.
    today: String,
    units: Vec<(String, String, bool)>,
    /// 2026-12-01 (当月第 1 个工作日).
    due: String,
    /// Today is past the deadline and nothing is published.
    overdue: bool,
    current_version: Option<i64>,
    current: Vec<TableRow>,
    current_note: String,
    versions: Vec<VersionRow>,
    has_draft: bool,
    draft_version: i64,
    draft: Vec<TableRow>,
    may_arrange: bool,
    min_rank: String,
    leaders: Vec<Leader>,
    /// Places used before, for the place field's suggestions.
    places: Vec<String>,
    rows: Vec<FormRow>,
    change_note: String,
    /// A version is published: a new draft is a change and says why.
    changing: bool,
    done: Option<&'static str>,
    summary: Vec<String>,
    errors: Option<ValidationErrors>,
    /// The month's reception sessions (接访活动, TWN-10).
    sessions: Vec<SessionRow>,
    may_record_session: bool,
    session_kinds: Vec<(&'static str, &'static str)>,
    /// Why the session form was refused, in words.
    session_refused: Vec<String>,
    /// The key petitioners on the registers the reader keeps (id, name and reason), for an appointment.
    key_people: Vec<(i64, String)>,
    /// The reader keeps the registers of key petitioners (a link to them).
    keeps_register: bool,
}

impl FormErrors for ReceptionPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ReceptionQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    done: String,
}

fn table(days: &[ArrangedDay], changed: &[(chrono::NaiveDate, huiyin_core::reception::DayChange)]) -> Vec<TableRow> {
    days.iter()
        .map(|d| TableRow {
            label: day_label(d.day),
            leaders: d.leaders_text(),
            joint: d.joint(),
            place: d.place.clone(),
            hours: d.hours_text(),
            change: changed.iter().find(|(day, _)| *day == d.day).map(|(_, c)| c.label_zh()).unwrap_or(""),
        })
        .collect()
}

fn form_rows(days: &[ArrangedDay]) -> Vec<FormRow> {
    let mut rows: Vec<FormRow> = days
        .iter()
        .map(|d| {
            let mut leaders: Vec<String> = d.leaders.iter().map(|l| l.username.clone()).collect();
            leaders.resize(LEADERS_PER_ROW.max(leaders.len()), String::new());
            FormRow {
                day: d.day.to_string(),
                leaders,
                place: d.place.clone(),
                starts: d.starts.clone().unwrap_or_default(),
                ends: d.ends.clone().unwrap_or_default(),
                errors: Vec::new(),
            }
        })
        .collect();
    for _ in 0..EMPTY_ROWS {
        rows.push(FormRow {
            day: String::new(),
            leaders: vec![String::new(); LEADERS_PER_ROW],
            place: String::new(),
            starts: String::new(),
            ends: String::new(),
            errors: Vec::new(),
        });
    }
    rows
}

pub(super) async fn reception_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ReceptionQuery>,
) -> PageResult {
    let done = match q.done.as_str() {
        "draft" => Some("已保存草稿。核对无误后请公示;公示前公众看不到草稿。"),
        "publish" => Some("已公示。门户网站本单位页面已显示本月安排;请打印公示件张贴。"),
        "discard" => Some("已删除草稿。"),
        "session" => {
            Some("已记录接访活动。登记来访时可选择该活动,来访即记入活动并生成《领导干部接待群众来访登记表》。")
        }
        _ => None,
    };
    let unit = if q.unit.trim().is_empty() { staff.actor.user.unit_code.clone() } else { q.unit.clone() };
    let m = reception::month(&state, &staff.actor, &unit, &month_or_now(&q.month)).await?;
    view(&state, &staff, m, done, None, None, Vec::new()).await
}

async fn view(
    state: &AppState,
    staff: &Staff,
    m: ReceptionMonth,
    done: Option<&'static str>,
    typed: Option<(Vec<FormRow>, String)>,
    errors: Option<ValidationErrors>,
    session_refused: Vec<String>,
) -> PageResult {
    let today = huiyin_core::limits::china_day(chrono::Utc::now());
    let current = m.current();
    let start_from = m.draft.as_ref().or(current).map(|r| r.days.clone()).unwrap_or_default();
    let mut places: Vec<String> = Vec::new();
    for r in m.published.iter().chain(m.draft.iter()) {
        for d in &r.days {
            if !places.contains(&d.place) {
                places.push(d.place.clone());
            }
        }
    }
    let units = unit_choices(state, staff, m.unit.id).await?;
    let first = m.month.first_day();
    let last = m.month.next_first_day().pred_opt().unwrap_or(first);
    let (rows, change_note) = typed.unwrap_or_else(|| {
        (form_rows(&start_from), m.draft.as_ref().and_then(|d| d.change_note.clone()).unwrap_or_default())
    });
    let versions = m
        .published
        .iter()
        .rev()
        .map(|r| VersionRow {
            version: r.version,
            published: r.published_at.map(huiyin_app::views::minute).unwrap_or_default(),
            by: m.name_of(r.published_by),
            late: r.late,
            note: r.change_note.clone().unwrap_or_default(),
            changes: m
                .changes_of(r.version)
                .iter()
                .map(|(day, c)| format!("{}{}", day_label(*day), c.label_zh()))
                .collect::<Vec<_>>()
                .join("、"),
        })
        .collect();
    let page = ReceptionPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        unit_code: m.unit.code.clone(),
        unit_name: m.unit.name.clone(),
        month: m.month.to_string(),
        month_label: format!("{}年{}月", m.month.year, m.month.month),
        prev: m.month.previous().to_string(),
        next: DutyMonth::of(m.month.next_first_day()).to_string(),
        first_day: first.to_string(),
        last_day: last.to_string(),
        today: today.to_string(),
        units,
        due: m.due.to_string(),
        overdue: current.is_none() && today > m.due,
        current_version: current.map(|r| r.version),
        current: current.map(|r| table(&r.days, &m.changes_of(r.version))).unwrap_or_default(),
        current_note: current.and_then(|r| r.change_note.clone()).unwrap_or_default(),
        versions,
        has_draft: m.draft.is_some(),
        draft_version: m.draft.as_ref().map_or(0, |d| d.version),
        draft: m
            .draft
            .as_ref()
            .map(|d| {
                table(&d.days, &current.map(|c| huiyin_core::reception::changes(&c.days, &d.days)).unwrap_or_default())
            })
            .unwrap_or_default(),
        may_arrange: m.may_arrange,
        min_rank: m.min_rank.clone(),
        leaders: m
            .leaders
            .iter()
            .map(|u| Leader {
                username: u.username.clone(),
                name: format!(
                    "{}（{}，{}）",
                    u.display_name,
                    u.title.as_deref().unwrap_or(u.role.label_zh()),
                    u.rank.clone().unwrap_or_default()
                ),
            })
            .collect(),
        places,
        rows,
        change_note,
        changing: !m.published.is_empty(),
        done,
        summary: errors.iter().flat_map(|e| e.iter().map(|f| f.message(huiyin_core::Lang::Zh))).collect(),
        errors,
        sessions: huiyin_app::reception_sessions::sessions(state, &staff.actor, &m.unit.code, &m.month.to_string())
            .await?
            .1
            .into_iter()
            .map(|r| SessionRow {
                id: r.id,
                day: day_label(r.session.day),
                kind: r.session.kind.label_zh(),
                leaders: huiyin_app::reception_sessions::leaders_text(&r),
                place: r.session.place.clone(),
                hours: match (&r.session.starts, &r.session.ends) {
                    (Some(a), Some(b)) => format!("{a}–{b}"),
                    _ => String::new(),
                },
                key: match (&r.session.key_petitioner, &r.session.key_reason) {
                    (Some(p), Some(why)) => format!("{}对象:{p}(重点信访人:{why})", r.session.kind.label_zh()),
                    _ => String::new(),
                },
                visits: r.visits,
            })
            .collect(),
        keeps_register: huiyin_app::key_petitioners::keeps(&staff.actor),
        key_people: if huiyin_app::key_petitioners::keeps(&staff.actor) {
            huiyin_app::key_petitioners::list(state, &staff.actor, Some(&m.unit.code))
                .await?
                .into_iter()
                .filter(|l| l.removed.is_none())
                .map(|l| (l.id, format!("{}({})", l.name, l.reason)))
                .collect()
        } else {
            Vec::new()
        },
        may_record_session: m.may_arrange || staff.actor.user.role.can_register(),
        session_kinds: huiyin_core::reception_session::SessionKind::ALL
            .iter()
            .map(|k| (k.code(), k.label_zh()))
            .collect(),
        session_refused,
    };
    let status = if page.errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

fn back(unit: &str, month: &str, done: &str) -> PageResult {
    let month = month_or_now(month);
    let unit = huiyin_core::unit::UnitCode::parse("unit", unit).map(|u| u.to_string()).unwrap_or_default();
    Ok(Redirect::to(&format!("/reception?unit={unit}&month={month}&done={done}")).into_response())
}

/// The rows of the posted form (`day_3`, `leader_3_0`, `place_3`, …) in order.
fn posted_rows(f: &HashMap<String, String>) -> Vec<FormRow> {
    let get = |k: String| f.get(&k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let count = f.keys().filter(|k| k.starts_with("day_")).count().min(huiyin_core::reception::MAX_DAYS + EMPTY_ROWS);
    (0..count)
        .map(|i| FormRow {
            day: get(format!("day_{i}")),
            // A row drafted through the API may name more leaders than the page offers at first.
            leaders: {
                let mut leaders: Vec<String> =
                    (0..huiyin_core::reception::MAX_LEADERS).map(|j| get(format!("leader_{i}_{j}"))).collect();
                while leaders.len() > LEADERS_PER_ROW && leaders.last().is_some_and(String::is_empty) {
                    leaders.pop();
                }
                leaders
            },
            place: get(format!("place_{i}")),
            starts: get(format!("starts_{i}")),
            ends: get(format!("ends_{i}")),
            errors: Vec::new(),
        })
        .collect()
}

/// 保存草稿: the filled rows as the month's draft; a refusal shows each reason on its row.
pub(super) async fn save_draft(
    State(state): State<AppState>,
    staff: Staff,
    Path((unit, month)): Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, f.get("csrf")).await?;
    let mut rows = posted_rows(&f);
    let filled: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            // A row with anything typed is sent, to be refused if incomplete rather than lost.
            !(r.day.is_empty()
                && r.place.is_empty()
                && r.starts.is_empty()
                && r.ends.is_empty()
                && r.leaders.iter().all(String::is_empty))
        })
        .map(|(i, _)| i)
        .collect();
    let change_note = f.get("change_note").cloned().unwrap_or_default();
    let draft = ReceptionMonthDraft {
        days: Some(
            filled
                .iter()
                .map(|&i| ReceptionDayDraft {
                    day: Some(rows[i].day.clone()),
                    leaders: Some(rows[i].leaders.clone()),
                    place: Some(rows[i].place.clone()),
                    starts: Some(rows[i].starts.clone()),
                    ends: Some(rows[i].ends.clone()),
                })
                .collect(),
        ),
        change_note: Some(change_note.clone()),
    };
    match reception::save_draft(&state, &staff.actor, &unit, &month, &draft).await {
        Ok(_) => back(&unit, &month, "draft"),
        Err(AppError::Invalid(errors)) => {
            // Name each refused field by its row on the form.
            let mut remapped = Vec::new();
            for e in errors.iter() {
                let row = e
                    .field
                    .strip_prefix("days[")
                    .and_then(|rest| rest.split_once(']'))
                    .and_then(|(n, field)| n.parse::<usize>().ok().map(|n| (n, field)));
                match row.and_then(|(n, field)| filled.get(n).map(|&i| (i, field))) {
                    Some((i, field)) => {
                        rows[i].errors.push(e.message(huiyin_core::Lang::Zh));
                        remapped.push(FieldError { field: format!("row{i}{field}"), invalid: e.invalid.clone() });
                    }
                    None => remapped.push(e.clone()),
                }
            }
            let m = reception::month(&state, &staff.actor, &unit, &month).await?;
            view(&state, &staff, m, None, Some((rows, change_note)), ValidationErrors::from_vec(remapped), Vec::new())
                .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct PlainForm {
    csrf: Option<String>,
}

/// 公示: publishes the draft (confirmed on the page first).
pub(super) async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path((unit, month)): Path<(String, String)>,
    Form(f): Form<PlainForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    match reception::publish(&state, &staff.actor, &unit, &month).await {
        Ok(_) => back(&unit, &month, "publish"),
        Err(AppError::Invalid(errors)) => {
            let m = reception::month(&state, &staff.actor, &unit, &month).await?;
            view(&state, &staff, m, None, None, Some(errors), Vec::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// 删除草稿.
pub(super) async fn discard(
    State(state): State<AppState>,
    staff: Staff,
    Path((unit, month)): Path<(String, String)>,
    Form(f): Form<PlainForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    reception::discard_draft(&state, &staff.actor, &unit, &month).await?;
    back(&unit, &month, "discard")
}

#[derive(Deserialize, Default)]
pub(super) struct VersionQuery {
    version: Option<i64>,
}

/// The published notice of a version as PDF, for the notice board.
pub(super) async fn notice_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path((unit, month)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> PageResult {
    let (name, pdf) = reception::notice_pdf(&state, &staff.actor, &unit, &month, q.version).await?;
    Ok(crate::made_pdf(&name, pdf))
}

/// 记录接访活动: a session of the unit from the page's form; a refusal says why above the form.
pub(super) async fn record_session(
    State(state): State<AppState>,
    staff: Staff,
    Path(unit): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, f.get("csrf")).await?;
    let get = |k: &str| f.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let draft = huiyin_core::reception_session::ReceptionSessionDraft {
        kind: get("kind"),
        day: get("day"),
        leaders: Some((0..LEADERS_PER_ROW).filter_map(|j| get(&format!("leader_{j}"))).collect()),
        venue: get("venue"),
        starts: get("starts"),
        ends: get("ends"),
        key_petitioner: get("key_petitioner"),
        key_reason: get("key_reason"),
        key_petitioner_id: get("key_petitioner_id").and_then(|id| id.parse().ok()),
        note: get("note"),
    };
    let month = month_or_now(&get("day").map(|d| d.chars().take(7).collect::<String>()).unwrap_or_default());
    match huiyin_app::reception_sessions::record(&state, &staff.actor, &unit, &draft).await {
        Ok(_) => back(&unit, &month, "session"),
        Err(AppError::Invalid(errors)) => {
            let refused = errors.iter().map(|e| e.message(huiyin_core::Lang::Zh)).collect();
            let m = reception::month(&state, &staff.actor, &unit, &month).await?;
            view(&state, &staff, m, None, None, None, refused).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The session's summary with its visitors as PDF.
pub(super) async fn session_summary_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> PageResult {
    let (name, pdf) = huiyin_app::reception_sessions::summary_pdf(&state, &staff.actor, id).await?;
    Ok(crate::made_pdf(&name, pdf))
}
