//! Issued documents as PDF, and the units' letterheads.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiError, ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::documents::issue;

/// A unit's letterhead and signature block as its documents print them.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct LetterheadView {
    unit: String,
    /// False when the unit set none and prints its name.
    own: bool,
    /// 红头: printed in red above the title.
    letterhead: String,
    /// 落款: the lines printed above the date, e.g. the unit's full name and "(盖章)".
    signature: Vec<String>,
}

/// The letterhead and signature block a unit's documents print.
#[utoipa::path(get, path = "/units/{code}/letterhead", tag = "documents", params(("code" = String, Path)),
    responses((status = 200, body = LetterheadView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_letterhead(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<LetterheadView>> {
    let lang = caller.lang;
    let (style, own) = issue::document_style(&state, &caller.actor, &code).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(LetterheadView { unit: code, own, letterhead: style.letterhead, signature: style.signature }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SetLetterheadBody {
    /// 红头, e.g. "西山社区居民委员会" (at most 100 characters).
    letterhead: Option<String>,
    /// 落款: one to four lines, e.g. ["西山社区居民委员会", "(盖章)"].
    #[serde(default)]
    signature: Vec<String>,
}

/// Sets a unit's letterhead and signature block (administrators). Documents issued afterwards print
/// them; documents already issued stay as they were issued.
#[utoipa::path(put, path = "/units/{code}/letterhead", tag = "documents", params(("code" = String, Path)),
    request_body = SetLetterheadBody,
    responses((status = 200, body = LetterheadView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn set_letterhead(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<SetLetterheadBody>,
) -> ApiResult<Json<LetterheadView>> {
    let lang = caller.lang;
    let style = issue::set_document_style(&state, &caller.actor, &code, body.letterhead.as_deref(), &body.signature)
        .await
        .map_err(|e| refuse(lang, e))?;
    Ok(Json(LetterheadView { unit: code, own: true, letterhead: style.letterhead, signature: style.signature }))
}

/// One issued document of a case.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct DocumentView {
    /// `receipt`, `reception-register`, `acceptance-notice`, `rejection-notice`, `assignment-letter`,
    /// `transfer-letter`, `extension-notice`, `hearing-record`, `investigation-record`, `opinion`,
    /// `return-visit-record` or `supervision-slip`.
    kind: String,
    title: String,
    /// The seq of the event that issued it in the case's log (for a 督办单, the supervision item's id).
    issued_by: i64,
    /// The SHA-256 of the PDF; the same for every reprint.
    sha256: String,
    size: i64,
    issued_at: chrono::DateTime<chrono::Utc>,
    /// Serves the PDF.
    url: String,
}

/// The documents issued for the case, in the order issued. Any not typeset yet are typeset and kept
/// now; each kept PDF is served unchanged ever after.
#[utoipa::path(get, path = "/cases/{id}/documents", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<DocumentView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_documents(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<DocumentView>>> {
    let lang = caller.lang;
    let all = issue::issued_documents(&state, &caller.actor, id).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(
        all.into_iter()
            .map(|(_, r)| DocumentView {
                url: format!("/api/v1/cases/{id}/documents/{}/{}", r.kind, r.issued_by),
                kind: r.kind,
                title: r.title,
                issued_by: r.issued_by,
                sha256: r.sha256,
                size: r.size,
                issued_at: r.issued_at,
            })
            .collect(),
    ))
}

/// One issued document's PDF, exactly as issued.
#[utoipa::path(get, path = "/cases/{id}/documents/{kind}/{issued_by}", tag = "documents",
    params(("id" = i64, Path), ("kind" = String, Path), ("issued_by" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_document(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((id, kind, issued_by)): Path<(i64, String, i64)>,
) -> ApiResult<axum::response::Response> {
    let lang = caller.lang;
    let kind = huiyin_app::documents::DocKind::parse(&kind).ok_or_else(|| ApiError::not_found(lang))?;
    let (record, blob) =
        issue::document_pdf(&state, &caller.actor, id, kind, Some(issued_by)).await.map_err(|e| refuse(lang, e))?;
    Ok(crate::pdf_response(&record, blob))
}
