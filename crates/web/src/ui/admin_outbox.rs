//! 消息发送 (issue 23): for administrators, how notices leave (the mail server and SMS gateway in
//! use, or the server's log), how many wait, and the dead letters to their staff — to whom, how,
//! why it was given up — each sent again with a button once the cause is mended.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::login::CsrfForm;
use super::{Me, PageResult, Staff, check_csrf, render};
use huiyin_app::context::AppState;
use huiyin_app::delivery::{self, Channels};
use huiyin_app::views;

/// A dead letter as the page lists it.
pub(super) struct DeadLetterRow {
    id: i64,
    channel: &'static str,
    recipient: String,
    unit: String,
    attempts: i64,
    reason: String,
    created: String,
    given_up: String,
}

#[derive(Template)]
#[template(path = "staff/admin_outbox.html")]
pub(super) struct OutboxPage {
    me: Option<Me>,
    csrf: String,
    channels: Channels,
    rows: Vec<DeadLetterRow>,
    done: bool,
}

#[derive(Deserialize, Default)]
pub(super) struct OutboxQuery {
    #[serde(default)]
    done: Option<String>,
}

/// What a channel is called on the page.
fn channel_zh(channel: &str) -> &'static str {
    match channel {
        "sms" => "短信",
        "email" => "邮件",
        _ => "其他",
    }
}

/// 消息发送.
pub(super) async fn outbox_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<OutboxQuery>,
) -> PageResult {
    let channels = delivery::channels(&state, &staff.actor).await?;
    let rows = delivery::dead_letters(&state, &staff.actor)
        .await?
        .into_iter()
        .map(|d| DeadLetterRow {
            id: d.id,
            channel: channel_zh(&d.channel),
            recipient: d.recipient,
            unit: d.unit,
            attempts: d.attempts,
            reason: d.reason.unwrap_or_default(),
            created: views::minute_zh(d.created_at),
            given_up: views::minute_zh(d.given_up_at),
        })
        .collect();
    let page = OutboxPage { me: staff.me(), csrf: staff.csrf.clone(), channels, rows, done: q.done.is_some() };
    Ok(render(&page).into_response())
}

/// 重新发送: the dead letter goes back into the outbox, to be sent at the next delivery.
pub(super) async fn send_again(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    delivery::send_again(&state, &staff.actor, id).await?;
    Ok(Redirect::to("/admin/outbox?done=1").into_response())
}
