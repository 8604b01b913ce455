//! A unit as the public sees it (COM-3, FED-3, SCH-4): how to reach it, its reception days and its
//! measures (GEN-9).

use crate::context::AppState;
use crate::error::{AppError, AppResult};
use chrono::Utc;
use huiyin_core::kpi::{KpiTallies, MeasurePeriod, measures};
use huiyin_core::unit::OfficeHours;
use serde::Serialize;
use std::time::{Duration, Instant};
use utoipa::ToSchema;

/// How long a unit's counted measures are shown before they are counted again.
const MEASURES_FRESH_FOR: Duration = Duration::from_secs(60 * 60);

/// A unit as the public sees it (COM-3, FED-3, SCH-4): how to reach it, and its measures over the
/// last twelve months (GEN-9).
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicUnit {
    pub code: String,
    pub name: String,
    /// The kind of unit, in Chinese.
    pub kind: String,
    /// Closed (撤销): it takes no petition any more; its page stays for those who look it up.
    pub closed: bool,
    /// `null` until the unit publishes them.
    pub hotline: Option<String>,
    pub address: Option<String>,
    /// Reception hours in words, e.g. `周一至周五 10:00–12:30、16:00–18:00`.
    pub office_hours: Option<String>,
    pub procedure: Option<String>,
    /// 接待日安排表 (FED-3, FED-4): the leader who receives petitioners each weekday, Monday first.
    pub reception_schedule: Vec<ReceptionDayView>,
    /// 领导接访安排 (TWN-9): this month's published table of leaders' reception days, latest
    /// version; `null` until one is published.
    pub reception_month: Option<PublicReceptionMonthView>,
    /// This week's leaders' reception days (Monday to Sunday), from the published tables.
    pub reception_this_week: Vec<PublicReceptionDayView>,
    /// 社区自治章程和公约 (DEM-1, DEM-6): a community's charter and conventions in force, each read
    /// whole at `/public/charters/{id}`; none for other units.
    pub charters: Vec<PublicCharterLine>,
    /// 会议公告 (DEM-6): a community's meetings to come, each with its notice, and those held in the
    /// last twelve months with their decisions and minutes (numbers in their text masked, no one's
    /// name); none for other units.
    pub meetings: Vec<PublicMeetingView>,
    /// The first and last day the measures count (China time).
    pub period_from: String,
    pub period_to: String,
    pub measures: Vec<MeasureView>,
}

/// A community's document in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCharterLine {
    pub id: i64,
    pub name: String,
    pub kind: huiyin_core::charter::CharterKind,
    pub kind_label: String,
    /// The version in force and the day it was adopted.
    pub version: i32,
    pub adopted_on: chrono::NaiveDate,
}

/// A community's meeting as the portal shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicMeetingView {
    pub id: i64,
    /// `committee`, `council` or `congress`.
    pub body: String,
    pub body_label: String,
    pub body_label_en: String,
    pub day: chrono::NaiveDate,
    pub starts: Option<String>,
    pub place: String,
    pub agenda: Vec<String>,
    /// Held: its attendance is recorded (then `minutes_pdf` is there).
    pub held: bool,
    /// Whether those present were a quorum; `null` until held.
    pub quorate: Option<bool>,
    pub decisions: Vec<PublicDecisionView>,
    /// `/api/v1/public/meetings/{id}/notice.pdf`.
    pub notice_pdf: String,
    /// `/api/v1/public/meetings/{id}/minutes.pdf`, once held.
    pub minutes_pdf: Option<String>,
}

/// A decision as published.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicDecisionView {
    /// The agenda item it decides, from 1.
    pub item: i32,
    pub text: String,
    pub votes_for: i32,
    pub votes_against: i32,
    pub abstentions: i32,
    pub passed: bool,
}

impl PublicMeetingView {
    fn of(view: &crate::meetings::MeetingView) -> PublicMeetingView {
        use crate::meeting_papers::published;
        let m = &view.record.meeting;
        let held = view.record.attendance.is_some();
        let id = view.record.id;
        PublicMeetingView {
            id,
            body: m.body.code().into(),
            body_label: m.body.label_zh().into(),
            body_label_en: m.body.label_en().into(),
            day: m.day,
            starts: m.starts.map(|t| t.format("%H:%M").to_string()),
            place: published(&m.place),
            agenda: m.agenda.iter().map(|a| published(a)).collect(),
            held,
            quorate: view.record.attendance.as_ref().map(|a| a.quorate),
            decisions: view
                .decisions
                .iter()
                .map(|d| PublicDecisionView {
                    item: d.decision.item + 1,
                    text: published(&d.decision.text),
                    votes_for: d.decision.votes_for,
                    votes_against: d.decision.votes_against,
                    abstentions: d.decision.abstentions,
                    passed: d.decision.passed,
                })
                .collect(),
            notice_pdf: format!("/api/v1/public/meetings/{id}/notice.pdf"),
            minutes_pdf: held.then(|| format!("/api/v1/public/meetings/{id}/minutes.pdf")),
        }
    }
}

/// One day of a unit's reception schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceptionDayView {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// 周一 … 周日.
    pub weekday_label: String,
    pub leader: String,
    pub title: String,
    pub credential: String,
}

/// A month's published table of leaders' reception days.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReceptionMonthView {
    /// `2026-12`.
    pub month: String,
    /// 1 for the first table; a later version is a change, with its note.
    pub version: i64,
    pub published_at: chrono::DateTime<Utc>,
    /// When, as printed (China time): `2026-12-01 09:30`.
    pub published_text: String,
    /// 变更说明 of a changed table.
    pub change_note: Option<String>,
    pub days: Vec<PublicReceptionDayView>,
    /// Days the latest version took off the table (`YYYY-MM-DD`).
    pub removed: Vec<String>,
}

/// One leaders' reception day as published.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReceptionDayView {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// 12月3日（周四）.
    pub label: String,
    /// The leaders with their titles: 张三（副镇长）、李四（党委委员）.
    pub leaders: String,
    /// Several leaders receive together (联合接访).
    pub joint: bool,
    pub place: String,
    /// 09:00–12:00, or 全天.
    pub hours: String,
    /// `added` or `changed` by the latest version; absent otherwise.
    pub change: Option<huiyin_core::reception::DayChange>,
}

impl PublicReceptionDayView {
    fn of(day: &huiyin_core::reception::ArrangedDay, change: Option<huiyin_core::reception::DayChange>) -> Self {
        PublicReceptionDayView {
            day: day.day.to_string(),
            label: crate::reception::day_label(day.day),
            leaders: day.leaders_text(),
            joint: day.joint(),
            place: day.place.clone(),
            hours: day.hours_text(),
            change,
        }
    }
}

/// One public measure.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureView {
    /// `timely_acceptance`, `on_time_closure`, `participation`, `satisfaction_office`,
    /// `satisfaction` (the handling unit's) or `repeat_rate` (docs/MEASURES.md).
    pub code: String,
    /// 及时受理率, 按期办结率, 参评率, 满意率(信访工作机构), 满意率(承办单位), 重复信访率.
    pub label: String,
    pub label_en: String,
    /// Per cent, one decimal; `null` when nothing was counted.
    pub percent: Option<f64>,
    /// The rate as shown, e.g. `93.5%` or `暂无数据`.
    pub shown: String,
    pub numerator: u64,
    pub denominator: u64,
    /// Whether a higher rate is better (all but 重复信访率).
    pub higher_is_better: bool,
}

impl MeasureView {
    pub fn of(m: &huiyin_core::kpi::Measure) -> MeasureView {
        MeasureView {
            code: m.code.into(),
            label: m.label.into(),
            label_en: m.label_en().into(),
            shown: m.shown(),
            percent: m.percent,
            numerator: m.numerator,
            denominator: m.denominator,
            higher_is_better: m.higher_is_better,
        }
    }
}

/// The units that take petitions (not closed), by code and name, in the order of the tree.
pub async fn public_units(state: &AppState) -> AppResult<Vec<(String, String)>> {
    Ok(state.store.units().await?.into_iter().filter(|u| u.closed_at.is_none()).map(|u| (u.code, u.name)).collect())
}

/// The hotline a unit published (COM-3), for the papers it gives petitioners; `None` when it has none.
pub async fn hotline(state: &AppState, unit_id: i64) -> AppResult<Option<String>> {
    let info = state.store.unit_public_info(unit_id).await?;
    Ok(info.map(|i| i.hotline).filter(|h| !h.trim().is_empty()))
}

/// A unit's published reception hours (COM-3, SCH-4), in words (`周一至周五 10:00–12:30、16:00–18:00`).
pub async fn office_hours(state: &AppState, unit_id: i64) -> AppResult<Option<String>> {
    let info = state.store.unit_public_info(unit_id).await?;
    Ok(info.and_then(|i| OfficeHours::parse("office_hours", &i.office_hours).ok()).map(|h| h.describe_zh()))
}

/// A unit's public page: its information and its measures for the twelve months to today.
pub async fn public_unit(state: &AppState, code: &str) -> AppResult<PublicUnit> {
    let unit = state.store.unit_by_code(code.trim()).await?.ok_or(AppError::NotFound)?;
    let info = state.store.unit_public_info(unit.id).await?;
    let today = huiyin_core::limits::china_day(Utc::now());
    let since = MeasurePeriod::year_to(today).from;
    let tallies = unit_tallies(state, unit.id, since, today).await?;
    let hours = info.as_ref().and_then(|i| OfficeHours::parse("office_hours", &i.office_hours).ok());
    let schedule = state.store.reception_schedule(unit.id).await?;
    let (month, week) = crate::reception::public_month(state.store.as_ref(), unit.id, today).await?;
    let documents = crate::charters::public_charters(state, &unit).await?;
    let charters = documents
        .iter()
        .filter_map(|d| {
            d.current().map(|v| PublicCharterLine {
                id: d.record.id,
                name: d.record.charter.title.clone(),
                kind: d.record.charter.kind,
                kind_label: d.record.charter.kind.label_zh().into(),
                version: v.version,
                adopted_on: v.text.adopted_on,
            })
        })
        .collect();
    let listed = crate::meeting_papers::public_meetings(state, &unit).await?;
    let meetings = listed.upcoming.iter().chain(listed.held.iter()).map(PublicMeetingView::of).collect();
    Ok(PublicUnit {
        charters,
        meetings,
        code: unit.code,
        name: unit.name,
        kind: unit.kind.label_zh().into(),
        closed: unit.closed_at.is_some(),
        hotline: info.as_ref().map(|i| i.hotline.clone()),
        address: info.as_ref().map(|i| i.address.clone()),
        office_hours: hours.map(|h| h.describe_zh()),
        procedure: info.map(|i| i.procedure),
        reception_schedule: schedule
            .into_iter()
            .map(|d| ReceptionDayView {
                weekday: d.weekday,
                weekday_label: d.weekday_zh().into(),
                leader: d.leader,
                title: d.title,
                credential: d.credential,
            })
            .collect(),
        reception_month: month.map(|m| PublicReceptionMonthView {
            month: m.month.to_string(),
            version: m.version,
            published_at: m.published_at,
            published_text: crate::views::minute(m.published_at),
            change_note: m.change_note,
            days: m.days.iter().map(|d| PublicReceptionDayView::of(&d.day, d.change)).collect(),
            removed: m.removed.iter().map(|d| d.to_string()).collect(),
        }),
        reception_this_week: week.iter().map(|d| PublicReceptionDayView::of(d, None)).collect(),
        period_from: since.to_string(),
        period_to: today.to_string(),
        measures: measures(&tallies).iter().map(MeasureView::of).collect(),
    })
}

async fn unit_tallies(
    state: &AppState,
    unit_id: i64,
    since: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> AppResult<KpiTallies> {
    let guards = state.public_guards();
    let cached = guards.measures.lock().ok().and_then(|m| m.get(&unit_id).copied());
    if let Some(tallies) = cached.filter(|(at, _)| at.elapsed() < MEASURES_FRESH_FOR).map(|(_, t)| t) {
        return Ok(tallies);
    }
    let scope = state.store.unit_subtree(unit_id).await?;
    let period = MeasurePeriod { from: since, to: today };
    let tallies = crate::measures::tallies(state, &scope, &huiyin_store::Blindness::default(), period).await?;
    if let Ok(mut m) = guards.measures.lock() {
        m.insert(unit_id, (Instant::now(), tallies));
    }
    Ok(tallies)
}
