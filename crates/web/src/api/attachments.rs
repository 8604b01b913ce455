//! A case's attachments: added as the request body, read back by their hash.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

use super::cases::case_view;
use super::{read_limited, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiError, ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::views::CaseView;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AttachmentParams {
    /// The file's name as shown (its path is dropped).
    filename: Option<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct AttachmentAdded {
    /// The attachment's address: its SHA-256.
    sha256: String,
    case: CaseView,
}

/// Adds an attachment: the body is the file itself (at most 10 MiB; PDF, JPEG, PNG, WEBP, MP3, WAV or
/// M4A, judged from its bytes; at most 20 a case). It appears on the timeline.
#[utoipa::path(post, path = "/cases/{id}/attachments", tag = "cases", params(("id" = i64, Path), AttachmentParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentAdded), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn add_attachment(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    Query(p): Query<AttachmentParams>,
    body: Body,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let limit = huiyin_core::attachment::MAX_BYTES;
    let bytes = read_limited(body, limit)
        .await
        .map_err(|e| ApiError::malformed(lang, &e.to_string()))?
        .ok_or_else(|| ApiError::too_large(lang, limit))?;
    let sha256 = huiyin_app::cases::attach(&state, &caller.actor, id, p.filename.as_deref().unwrap_or_default(), bytes)
        .await
        .map_err(|e| refuse(lang, e))?;
    let case = case_view(&state, &caller, id, false, None).await?;
    Ok((StatusCode::CREATED, Json(AttachmentAdded { sha256, case })))
}

/// An attachment's bytes, with its media type and name.
#[utoipa::path(get, path = "/cases/{id}/attachments/{sha256}", tag = "cases", params(("id" = i64, Path), ("sha256" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_attachment(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((id, sha256)): Path<(i64, String)>,
) -> ApiResult<axum::response::Response> {
    let lang = caller.lang;
    let (filename, blob) =
        huiyin_app::cases::attachment(&state, &caller.actor, id, &sha256).await.map_err(|e| refuse(lang, e))?;
    Ok(crate::attachment_response(&filename, blob))
}
