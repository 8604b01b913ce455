//! The printable receipt with the query code, shown once, and the query code reissued.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use chrono::Utc;

use super::login::CsrfForm;
use super::register::{keep_receipt_code, take_receipt_code};
use super::{PageResult, Staff, check_csrf, render};
use huiyin_app::cases;
use huiyin_app::context::AppState;
use huiyin_app::views::{self, CaseView};

#[derive(Template)]
#[template(path = "staff/receipt.html")]
pub(super) struct ReceiptPage {
    csrf: String,
    c: CaseView,
    query_code: Option<String>,
    channel_label: &'static str,
    excerpt: String,
    receiver: String,
    printed_on: String,
}

pub(super) async fn receipt(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>) -> PageResult {
    let file = cases::case_file(&state, &staff.actor, id).await?;
    // The query code is shown on the first print only; afterwards only a reissue shows a code.
    let query_code = take_receipt_code(&state, &staff.session, id).await?;
    let receiver = huiyin_app::accounts::display_name(&state, &file.state.first_receiver).await?;
    let view = cases::view(&state, &staff.actor, &file, false, None).await?;
    let page = ReceiptPage {
        csrf: staff.csrf.clone(),
        channel_label: file.registration.channel.label_zh(),
        excerpt: views::excerpt(&file.registration.content, 120),
        receiver,
        printed_on: views::day(Utc::now()),
        query_code,
        c: view,
    };
    Ok(render(&page))
}

pub(super) async fn reissue(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let code = cases::reissue_query_code(&state, &staff.actor, id).await?;
    keep_receipt_code(&state, &staff.session, id, &code).await?;
    Ok(Redirect::to(&format!("/cases/{id}/receipt")).into_response())
}
