//! A staff member's saved case-list filters (issue 17): their own, by name.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::saved_filters::{self, SavedFilterDraft};

/// A saved filter: open it as `GET /cases?{query}`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct SavedFilterView {
    id: i64,
    name: String,
    /// The case list's query string, e.g. `status=registered&owner=me`.
    query: String,
    created_at: String,
}

impl From<huiyin_store::SavedFilter> for SavedFilterView {
    fn from(f: huiyin_store::SavedFilter) -> Self {
        SavedFilterView { id: f.id, name: f.name, query: f.query, created_at: huiyin_app::views::instant(f.created_at) }
    }
}

/// The caller's saved case-list filters, by name.
#[utoipa::path(get, path = "/saved-filters", tag = "cases",
    responses((status = 200, body = Vec<SavedFilterView>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn list_saved_filters(
    State(state): State<AppState>,
    caller: ApiActor,
) -> ApiResult<Json<Vec<SavedFilterView>>> {
    let saved = saved_filters::saved_filters(&state, &caller.actor).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(saved.into_iter().map(SavedFilterView::from).collect()))
}

/// Saves a case-list filter under a name of the caller's own (at most 30); the same name again
/// replaces it. The query holds only the list's parameters (`q`, `status`, `channel`, `unit`,
/// `from`, `to`, `sort`, `due`, `owner`, `held`, `category`, `flag`, `waiting`, `total`).
#[utoipa::path(post, path = "/saved-filters", tag = "cases", request_body = SavedFilterDraft,
    responses((status = 201, body = SavedFilterView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn save_filter(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(draft): ApiJson<SavedFilterDraft>,
) -> ApiResult<(StatusCode, Json<SavedFilterView>)> {
    let saved = saved_filters::save_filter(&state, &caller.actor, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// Deletes one of the caller's saved filters.
#[utoipa::path(delete, path = "/saved-filters/{id}", tag = "cases", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn delete_saved_filter(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    saved_filters::delete_saved_filter(&state, &caller.actor, id).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(StatusCode::NO_CONTENT)
}
