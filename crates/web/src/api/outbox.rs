//! 消息发送 (issue 23): the outbox as administrators see it — the mail server and SMS gateway in
//! use, the messages waiting, and the dead letters (never their text), each sent again on request.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;

use super::refuse;
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::delivery::{self, Channels, DeadLetterView};

/// The outbox: its senders, its counts, and the dead letters to the caller's staff.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct OutboxView {
    #[serde(flatten)]
    channels: Channels,
    /// The messages given up, the most recent first (to the staff of the caller's units).
    dead_letters: Vec<DeadLetterView>,
}

/// The outbox (administrators): which mail server and SMS gateway notices leave by (none: they are
/// written to the server's log), how many wait, and the dead letters — messages given up after
/// their last attempt or a permanent refusal, with the reason — to the staff of the caller's units.
/// A dead letter's text is not shown: it may speak of a case the administrator may not read.
#[utoipa::path(get, path = "/outbox", tag = "supervision",
    responses((status = 200, body = OutboxView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_outbox(State(state): State<AppState>, caller: ApiActor) -> ApiResult<Json<OutboxView>> {
    let channels = delivery::channels(&state, &caller.actor).await.map_err(|e| refuse(caller.lang, e))?;
    let dead_letters = delivery::dead_letters(&state, &caller.actor).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(OutboxView { channels, dead_letters }))
}

/// Sends a dead letter again (administrators, for staff of their units), its attempts counted
/// afresh: after the person's telephone or address was corrected, or the mail server mended.
/// 404 when it is no dead letter of the caller's units (sent again already, or never one).
#[utoipa::path(post, path = "/outbox/dead-letters/{id}/send-again", tag = "supervision",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn send_dead_letter_again(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    delivery::send_again(&state, &caller.actor, id).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(StatusCode::NO_CONTENT)
}
