//! 工作台: a staff member's home page, the work of their role counted (issue 17), with the online
//! petitions nobody has taken (领取, FED-1) and the cases they hold by due date.

use askama::Template;
use axum::extract::State;
use chrono::Utc;

use super::list::due_text;
use super::{Me, PageResult, Staff, render};
use huiyin_app::context::AppState;
use huiyin_app::views;
use huiyin_app::work::{self, WorkCount};

/// A case as the home page lists it.
pub(super) struct WorkRow {
    id: i64,
    case_number: String,
    received: String,
    unit: String,
    excerpt: String,
    status: &'static str,
    due: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "staff/home.html")]
pub(super) struct HomePage {
    me: Option<Me>,
    csrf: String,
    /// Who is at work: “王秀英（接访员） · 西山社区”.
    who: String,
    today: String,
    counts: Vec<WorkCount>,
    /// Whether the role takes in petitions (the online queue is shown).
    receives: bool,
    online: Vec<WorkRow>,
    online_total: i64,
    mine: Vec<WorkRow>,
}

fn rows(items: &[huiyin_store::CaseSummary], today: chrono::NaiveDate) -> Vec<WorkRow> {
    items
        .iter()
        .map(|c| {
            let (due, overdue) = due_text(c.next_due, today);
            WorkRow {
                id: c.id,
                case_number: c.case_number.clone(),
                received: views::minute(c.received_at),
                unit: c.unit_name.clone(),
                excerpt: views::excerpt(&c.content, 40),
                status: c.status.label_zh(),
                due,
                overdue,
            }
        })
        .collect()
}

pub(super) async fn home_page(State(state): State<AppState>, staff: Staff) -> PageResult {
    let today = huiyin_core::limits::china_day(Utc::now());
    let work = work::work(&state, &staff.actor).await?;
    let role = staff.actor.user.role;
    let unit = state.store.unit_by_id(staff.actor.user.unit_id).await?.map(|u| u.name).unwrap_or_default();
    let page = HomePage {
        who: format!("{} · {unit}", huiyin_app::accounts::name_and_title(&staff.actor.user)),
        me: staff.me(),
        csrf: staff.csrf.clone(),
        today: views::date_zh(today),
        receives: role.takes_petitions_in(),
        online: rows(&work.online_queue, today),
        online_total: work.online_total,
        mine: rows(&work.mine, today),
        counts: work.counts,
    };
    Ok(render(&page))
}
