//! 工作台: a staff member's home page, the work of their role counted (issue 17), with the online
//! petitions nobody has taken (领取, FED-1) and the cases they hold by due date.

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
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
    /// Today's duty of the reader (FED-8): `Some` when they are on duty, with when they signed in
    /// and out (“09:02”), empty while not yet.
    duty: Option<(String, String)>,
    done: Option<&'static str>,
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

#[derive(serde::Deserialize, Default)]
pub(super) struct HomeQuery {
    #[serde(default)]
    done: String,
}

pub(super) async fn home_page(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Query(q): axum::extract::Query<HomeQuery>,
) -> PageResult {
    let today = huiyin_core::limits::china_day(Utc::now());
    let clock = views::clock;
    let duty = huiyin_app::duty::my_duty_today(&state, &staff.actor).await?.map(|signed| match signed {
        Some(r) => (clock(r.signed_in_at), r.signed_out_at.map(clock).unwrap_or_default()),
        None => (String::new(), String::new()),
    });
    let done = match q.done.as_str() {
        "signed-in" => Some("已签到。"),
        "signed-out" => Some("已签退。"),
        _ => None,
    };
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
        duty,
        done,
    };
    Ok(render(&page))
}

/// 签到: the reader signs in at their post for today's duty (FED-8).
pub(super) async fn sign_in(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Form(f): axum::extract::Form<super::login::CsrfForm>,
) -> PageResult {
    super::check_csrf(&staff.session, f.csrf.as_ref()).await?;
    huiyin_app::duty::sign_in(&state, &staff.actor).await?;
    Ok(axum::response::Redirect::to("/home?done=signed-in").into_response())
}

/// 签退 from today's duty.
pub(super) async fn sign_out(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Form(f): axum::extract::Form<super::login::CsrfForm>,
) -> PageResult {
    super::check_csrf(&staff.session, f.csrf.as_ref()).await?;
    huiyin_app::duty::sign_out(&state, &staff.actor).await?;
    Ok(axum::response::Redirect::to("/home?done=signed-out").into_response())
}
