//! The dashboard of what is due and overdue (督办), and notifications.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use chrono::Utc;

use super::list::due_text;
use super::login::CsrfForm;
use super::{Me, PageResult, Staff, check_csrf, render};
use huiyin_app::cases::{self, ListParams};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::supervision;
use huiyin_app::views;

pub(super) struct DueRow {
    id: i64,
    case_number: String,
    excerpt: String,
    due: String,
    overdue: bool,
}

pub(super) struct ItemRow {
    case_id: i64,
    case_number: String,
    kind: &'static str,
    due: String,
    unit: String,
    owner: String,
    opened: String,
    escalated_to: String,
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
pub(super) struct DashboardPage {
    me: Option<Me>,
    csrf: String,
    mine: Vec<DueRow>,
    items: Vec<ItemRow>,
    soon_total: i64,
    /// The communities' bodies that missed their cadence (DEM-3 … DEM-5).
    missed: Vec<huiyin_app::meetings::MissedCadence>,
    /// Units that had not screened by their day, and screened matters overdue (TWN-13).
    unscreened: Vec<huiyin_app::screenings::MissedScreening>,
    matters_overdue: Vec<huiyin_app::screenings::OverdueMatter>,
}

pub(super) async fn dashboard(State(state): State<AppState>, staff: Staff) -> PageResult {
    let today = huiyin_core::limits::china_day(Utc::now());
    let soon = |owner: Option<&str>| ListParams {
        due: Some("soon".into()),
        sort: Some("due".into()),
        owner: owner.map(str::to_owned),
        per_page: Some(20),
        ..Default::default()
    };
    let mine = cases::list_cases(&state, &staff.actor, &soon(Some("me"))).await?.page;
    let all = cases::list_cases(&state, &staff.actor, &soon(None)).await?.page;
    let items = supervision::supervision_items(&state, &staff.actor, true, 200).await?;
    let missed = huiyin_app::meetings::missed_cadences(&state, &staff.actor).await?;
    let (unscreened, matters_overdue) = huiyin_app::screenings::supervision(&state, &staff.actor).await?;
    // Units and people by their names, not codes and logins.
    let names = huiyin_app::documents::issue::names(&state).await?;
    let page = DashboardPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        mine: mine
            .items
            .iter()
            .map(|c| {
                let (due, overdue) = due_text(c.next_due, today);
                DueRow {
                    id: c.id,
                    case_number: c.case_number.clone(),
                    excerpt: views::excerpt(&c.content, 40),
                    due,
                    overdue,
                }
            })
            .collect(),
        items: items
            .into_iter()
            .map(|i| ItemRow {
                case_id: i.case_id,
                case_number: i.case_number,
                kind: huiyin_core::limits::DeadlineKind::parse(&i.kind).map_or("", |k| k.label_zh()),
                due: due_text(Some(i.due), today).0,
                unit: names.unit(&i.unit_code),
                owner: names.person(&i.owner),
                opened: views::day(i.opened_at),
                escalated_to: i.escalated_to.as_deref().map(|u| names.unit(u)).unwrap_or_default(),
            })
            .collect(),
        soon_total: all.total,
        missed,
        unscreened,
        matters_overdue,
    };
    Ok(render(&page))
}

pub(super) struct NotificationRow {
    id: i64,
    case_id: Option<i64>,
    at: String,
    message: String,
    unread: bool,
    /// How many notifications the line stands for (reminders about one case are one line).
    count: usize,
}

#[derive(Template)]
#[template(path = "staff/notifications.html")]
pub(super) struct NotificationsPage {
    me: Option<Me>,
    csrf: String,
    items: Vec<NotificationRow>,
    any_unread: bool,
}

pub(super) async fn notifications(State(state): State<AppState>, staff: Staff) -> PageResult {
    let (items, unread) = supervision::notifications(&state, &staff.actor, 100).await?;
    let page = NotificationsPage {
        any_unread: unread > 0,
        me: staff.me(),
        csrf: staff.csrf.clone(),
        items: supervision::group_notifications(items)
            .into_iter()
            .map(|g| NotificationRow {
                id: g.latest.id,
                case_id: g.latest.case_id,
                at: views::minute(g.latest.created_at),
                message: g.latest.message,
                unread: g.unread > 0,
                count: g.count,
            })
            .collect(),
    };
    Ok(render(&page))
}

/// 全部标为已读.
pub(super) async fn read_all_notifications(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    supervision::mark_all_notifications_read(&state, &staff.actor).await?;
    Ok(Redirect::to("/notifications").into_response())
}

pub(super) async fn read_notification(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    // Someone else's notification, or none: nothing to mark.
    match supervision::mark_group_read(&state, &staff.actor, id).await {
        Ok(()) | Err(AppError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to("/notifications").into_response())
}
