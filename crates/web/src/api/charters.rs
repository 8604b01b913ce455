//! 社区自治章程和公约 (DEM-1): a community's charter and conventions, adopted and amended as numbered
//! versions, each with the meeting and decision that adopted it; two versions compared.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::charters::{self, CharterDetail};
use huiyin_app::context::AppState;
use huiyin_core::charter::{CharterDraft, CharterKind, CharterVersionDraft, DiffLine};

/// One version of a document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct CharterVersionView {
    version: i32,
    text: String,
    adopted_on: chrono::NaiveDate,
    /// The meeting and decision that adopted it.
    adopted_by: String,
    /// The recorded decision that adopted it (`GET /meetings/{id}` lists it), when it was taken at a
    /// meeting kept here.
    decision_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    recorded_at: chrono::DateTime<chrono::Utc>,
}

/// A document with its versions, the first first; the last is in force.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct CharterView {
    id: i64,
    /// The community's code.
    unit: String,
    kind: CharterKind,
    kind_label: &'static str,
    /// Its name, e.g. 西山社区居民自治章程.
    name: String,
    /// The number of the version in force.
    current_version: i32,
    versions: Vec<CharterVersionView>,
}

impl CharterView {
    pub(super) fn of(d: CharterDetail) -> CharterView {
        CharterView {
            id: d.record.id,
            unit: d.unit.code,
            kind: d.record.charter.kind,
            kind_label: d.record.charter.kind.label_zh(),
            name: d.record.charter.title,
            current_version: d.versions.last().map_or(d.record.latest, |v| v.version),
            versions: d
                .versions
                .into_iter()
                .map(|v| CharterVersionView {
                    version: v.version,
                    text: v.text.text,
                    adopted_on: v.text.adopted_on,
                    adopted_by: v.text.adopted_by,
                    decision_id: v.text.decision_id,
                    note: v.text.note,
                    recorded_at: v.text.recorded_at,
                })
                .collect(),
        }
    }
}

/// A community's charter and conventions, the charter first.
#[utoipa::path(get, path = "/units/{code}/charters", tag = "democracy", params(("code" = String, Path)),
    responses((status = 200, body = [CharterView]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_charters(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<CharterView>>> {
    let (_, documents) = charters::charters(&state, &caller.actor, &code).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(documents.into_iter().map(CharterView::of).collect()))
}

/// Adopts a document of a community (its administrators and leaders, or those above): its kind,
/// title and first version with the meeting and decision that adopted it. A community has one
/// charter (自治章程) and any number of conventions (居民公约).
#[utoipa::path(post, path = "/units/{code}/charters", tag = "democracy", params(("code" = String, Path)),
    request_body = CharterDraft,
    responses((status = 201, body = CharterView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn adopt_charter(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(draft): ApiJson<CharterDraft>,
) -> ApiResult<(StatusCode, Json<CharterView>)> {
    let adopted = charters::adopt(&state, &caller.actor, &code, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(CharterView::of(adopted))))
}

/// One document with all its versions.
#[utoipa::path(get, path = "/charters/{id}", tag = "democracy", params(("id" = i64, Path)),
    responses((status = 200, body = CharterView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_charter(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<Json<CharterView>> {
    let detail = charters::charter(&state, &caller.actor, id).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(CharterView::of(detail)))
}

/// An amendment: the whole text as amended, with the meeting and decision that adopted it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AmendmentBody {
    /// The version the amendment was made to (the one in force when read), required: another
    /// adopted since answers 409, so that no amendment undoes another unseen.
    after_version: Option<i32>,
    text: Option<String>,
    /// YYYY-MM-DD, not before the version in force.
    adopted_on: Option<String>,
    /// E.g. 2026年第二次居民代表大会第3号决定; filled from `decision_id` when left out.
    adopted_by: Option<String>,
    note: Option<String>,
    /// The recorded decision of this community's congress that adopted the amendment (DEM-1); its
    /// meeting's day and citation fill `adopted_on` and `adopted_by` when they are left out.
    decision_id: Option<i64>,
}

/// Amends a document: its next version (DEM-1: amended only by procedure, so the meeting and
/// decision are required); a text the same as the one in force is refused.
#[utoipa::path(post, path = "/charters/{id}/versions", tag = "democracy", params(("id" = i64, Path)),
    request_body = AmendmentBody,
    responses((status = 201, body = CharterView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn amend_charter(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AmendmentBody>,
) -> ApiResult<(StatusCode, Json<CharterView>)> {
    let draft = CharterVersionDraft {
        text: body.text,
        adopted_on: body.adopted_on,
        adopted_by: body.adopted_by,
        note: body.note,
    };
    let amended = charters::amend(&state, &caller.actor, id, body.after_version, body.decision_id, &draft)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(CharterView::of(amended))))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DiffParams {
    /// The older version (by default the one before `to`).
    from: Option<i32>,
    /// The newer version (by default the one in force).
    to: Option<i32>,
}

/// What changed between two versions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct CharterDiffView {
    from: i32,
    to: i32,
    /// Every line in order: `same`, `removed` or `added`, the changed characters marked.
    lines: Vec<DiffLine>,
}

/// The difference between two versions of a document, line by line, the changed characters marked.
#[utoipa::path(get, path = "/charters/{id}/diff", tag = "democracy", params(("id" = i64, Path), DiffParams),
    responses((status = 200, body = CharterDiffView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn charter_diff(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    Query(params): Query<DiffParams>,
) -> ApiResult<Json<CharterDiffView>> {
    let detail = charters::charter(&state, &caller.actor, id).await.map_err(|e| refuse(caller.lang, e))?;
    let (from, to, lines) = charters::compare(&detail, params.from, params.to).map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(CharterDiffView { from, to, lines }))
}

/// A community's charter or convention as the public reads it (DEM-1, DEM-6): every version, the
/// last in force. The portal shows it at `/public/charters/{id}`.
#[utoipa::path(get, path = "/public/charters/{id}", tag = "public", params(("id" = i64, Path)),
    responses((status = 200, body = CharterView), (status = 404, body = ErrorBody)))]
pub(super) async fn public_charter(
    State(state): State<AppState>,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path(id): Path<i64>,
) -> ApiResult<Json<CharterView>> {
    let detail = charters::public_charter(&state, id).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(CharterView::of(detail)))
}
