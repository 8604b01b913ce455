//! The printable receipt with the query code, shown once, and the query code reissued.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
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
    /// 首问责任人 with title and credential number (FED-1, FED-4).
    receiver: String,
    received_on: String,
    printed_on: String,
    /// The unit's hotline, when it published one (COM-3).
    hotline: Option<String>,
    /// Where the petitioner looks the case up.
    lookup: String,
}

pub(super) async fn receipt(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> PageResult {
    let file = cases::case_file(&state, &staff.actor, id).await?;
    // The query code is shown on the first print only; afterwards only a reissue shows a code.
    let query_code = take_receipt_code(&state, &staff.session, id).await?;
    let receiver = huiyin_app::accounts::staff_names(&state).await?.badge_of(&file.state.first_receiver);
    let hotline = huiyin_app::public::hotline(&state, file.unit_id).await?;
    let view = cases::view(&state, &staff.actor, &file, false, None).await?;
    let page = ReceiptPage {
        csrf: staff.csrf.clone(),
        channel_label: file.registration.channel.label_zh(),
        excerpt: views::excerpt(&file.registration.content, 120),
        receiver,
        received_on: views::minute_zh(file.registration.received_at),
        printed_on: views::day_zh(Utc::now()),
        hotline,
        lookup: lookup_address(&headers, state.secure_cookies(), "/public/lookup", "查询办理进展"),
        query_code,
        c: view,
    };
    Ok(render(&page))
}

/// A public lookup's address (`path`) as the petitioner types it: the address this page was asked
/// for (its `Host`, which the staff browser sent; forwarded headers are not trusted here), over HTTPS
/// when the server is told it is behind HTTPS. Without a plain host name, the page is named in words
/// by its `title`.
pub(super) fn lookup_address(headers: &HeaderMap, https: bool, path: &str, title: &str) -> String {
    let host = headers.get("host").and_then(|v| v.to_str().ok()).map(str::trim);
    let plain = |h: &&str| {
        !h.is_empty() && h.len() <= 253 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
    };
    match host.filter(plain) {
        Some(host) => format!("{}://{host}{path}", if https { "https" } else { "http" }),
        None => format!("本单位信访网站的“{title}”页面"),
    }
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
