//! Administration pages: the holiday calendar.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

use super::{Me, PageError, PageResult, Staff, check_csrf, render};
use huiyin_app::context::AppState;
use huiyin_app::deadlines;
use huiyin_app::error::AppError;

#[derive(Template)]
#[template(path = "staff/admin_calendar.html")]
pub(super) struct CalendarPage {
    me: Option<Me>,
    csrf: String,
    years: String,
    message: Option<String>,
    error: Option<String>,
}

pub(super) async fn calendar_page(
    state: &AppState,
    staff: &Staff,
    message: Option<String>,
    error: Option<String>,
) -> PageResult {
    if !staff.actor.user.role.can_administer() {
        return Err(PageError(StatusCode::FORBIDDEN, "只有管理员可以管理节假日安排。".into()));
    }
    let years: Vec<String> = state.calendar().await.years().map(|y| y.to_string()).collect();
    let page = CalendarPage { me: staff.me(), csrf: staff.csrf.clone(), years: years.join("、"), message, error };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn admin_calendar(State(state): State<AppState>, staff: Staff) -> PageResult {
    calendar_page(&state, &staff, None, None).await
}

#[derive(Deserialize)]
pub(super) struct CalendarForm {
    csrf: Option<String>,
    file: String,
}

/// Loads a year's schedule from the admin page and recounts the open deadlines before answering.
pub(super) async fn import_calendar(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<CalendarForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    match deadlines::import_holiday_year(&state, &staff.actor, &f.file, "admin page").await {
        Ok((year, days)) => {
            let calendar = state.calendar().await;
            let moved = deadlines::recount_deadlines(state.store.as_ref(), &calendar, |_| {}).await?;
            let message = format!("已导入 {year} 年安排({days} 个调整日),{moved} 个未结期限的截止日期随之调整。");
            calendar_page(&state, &staff, Some(message), None).await
        }
        Err(AppError::Calendar(e)) => calendar_page(&state, &staff, None, Some(e.to_string())).await,
        Err(e) => Err(e.into()),
    }
}
