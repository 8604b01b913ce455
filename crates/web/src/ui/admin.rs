//! 节假日安排 (GEN-8): which years' holiday schedules are loaded (with their holidays and make-up
//! working days) and which deadlines are therefore provisional; a year's file uploaded in the
//! shipped holiday-cn format, after which every open deadline is recounted.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Datelike;

use super::{Me, PageError, PageResult, Staff, check_csrf, render};
use huiyin_app::cases::{ListParams, list_cases};
use huiyin_app::context::AppState;
use huiyin_app::deadlines;
use huiyin_app::error::AppError;
use huiyin_core::calendar::YearFile;

/// The largest year file the page takes: a year's schedule is a few kilobytes.
const YEAR_FILE_LIMIT: usize = 256 * 1024;

/// One loaded year as the page lists it.
pub(super) struct YearRow {
    year: i32,
    /// 放假 days listed.
    off_days: usize,
    /// 调休上班 days listed.
    workdays: usize,
    /// The holidays' names, in order, once each.
    holidays: String,
}

#[derive(Template)]
#[template(path = "staff/admin_calendar.html")]
pub(super) struct CalendarPage {
    me: Option<Me>,
    csrf: String,
    rows: Vec<YearRow>,
    /// The years from this one to next that are not loaded: deadlines reaching into them are
    /// provisional.
    missing: Vec<i32>,
    /// The cases of the reader's scope with a provisional open deadline.
    provisional: i64,
    message: Option<String>,
    error: Option<String>,
}

pub(super) async fn calendar_page(
    state: &AppState,
    staff: &Staff,
    message: Option<String>,
    error: Option<String>,
) -> PageResult {
    if !staff.actor.administers_installation() {
        return Err(PageError(StatusCode::FORBIDDEN, "只有管理员可以管理节假日安排。".into()));
    }
    let mut rows: Vec<YearRow> = state
        .store
        .holiday_years()
        .await?
        .into_iter()
        .filter_map(|(_, json)| YearFile::parse(&json).ok())
        .map(|file| {
            let mut names: Vec<&str> = Vec::new();
            for day in file.days.iter().filter(|d| d.is_off_day) {
                if !names.contains(&day.name.as_str()) {
                    names.push(&day.name);
                }
            }
            YearRow {
                year: file.year,
                off_days: file.days.iter().filter(|d| d.is_off_day).count(),
                workdays: file.days.iter().filter(|d| !d.is_off_day).count(),
                holidays: names.join("、"),
            }
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.year));
    let this_year = huiyin_core::limits::china_day(chrono::Utc::now()).year();
    let missing = (this_year..=this_year + 1).filter(|y| !rows.iter().any(|r| r.year == *y)).collect();
    let provisional_cases = ListParams { due: Some("provisional".into()), per_page: Some(1), ..Default::default() };
    let provisional = list_cases(state, &staff.actor, &provisional_cases).await?.page.total;
    let page = CalendarPage { me: staff.me(), csrf: staff.csrf.clone(), rows, missing, provisional, message, error };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn admin_calendar(State(state): State<AppState>, staff: Staff) -> PageResult {
    calendar_page(&state, &staff, None, None).await
}

/// Loads a year's schedule uploaded from the page (multipart: `csrf`, `file`), and recounts the
/// open deadlines before answering.
pub(super) async fn import_calendar(State(state): State<AppState>, staff: Staff, mut form: Multipart) -> PageResult {
    let (mut csrf, mut file) = (None, None);
    let unreadable = |_| PageError(StatusCode::BAD_REQUEST, "上传失败,请重新选择文件。".into());
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.ok(),
            Some("file") => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > YEAR_FILE_LIMIT {
                        break;
                    }
                }
                file = Some(bytes);
            }
            _ => {}
        }
    }
    check_csrf(&staff.session, csrf.as_ref()).await?;
    let refuse = |text: &str| calendar_page(&state, &staff, None, Some(text.to_owned()));
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return refuse("请选择一年的节假日安排文件。").await;
    };
    if bytes.len() > YEAR_FILE_LIMIT {
        return refuse("文件过大:一年的节假日安排文件只有几 KB,请确认选择的文件。").await;
    }
    let Ok(json) = String::from_utf8(bytes) else {
        return refuse("文件不是 UTF-8 编码的 JSON(holiday-cn 格式),请确认选择的文件。").await;
    };
    match deadlines::import_holiday_year(&state, &staff.actor, &json, "admin page").await {
        Ok((year, days)) => {
            let calendar = state.calendar().await;
            // The year is loaded whatever happens next: a failed recount is said, not a failure.
            let message = match deadlines::recount_deadlines(state.store.as_ref(), &calendar, |_| {}).await {
                Ok(moved) => format!("已导入 {year} 年安排({days} 个调整日),{moved} 个未结期限的截止日期随之调整。"),
                Err(e) => {
                    tracing::error!(error = %e, "recounting deadlines after an import failed");
                    format!(
                        "已导入 {year} 年安排({days} 个调整日),但重算未结期限时出错:请在服务器上运行 huiyin deadlines recount。"
                    )
                }
            };
            calendar_page(&state, &staff, Some(message), None).await
        }
        Err(AppError::Calendar(e)) => calendar_page(&state, &staff, None, Some(e.to_string())).await,
        Err(e) => Err(e.into()),
    }
}
