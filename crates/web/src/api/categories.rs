//! The content classification (GEN-10), edited by administrators.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use huiyin_core::category::Category;
use serde::Deserialize;

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::categories;
use huiyin_app::context::AppState;

/// The content classification, retired classes included (marked `active: false`).
#[utoipa::path(get, path = "/categories", tag = "categories",
    responses((status = 200, body = Vec<Category>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_categories(State(state): State<AppState>, _caller: ApiActor) -> Json<Vec<Category>> {
    Json(state.classes().await.as_ref().clone())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewCategoryBody {
    /// The parent's code; absent for a new top-level class.
    parent: Option<String>,
    name: String,
}

/// Adds a class (administrators of the whole installation: of a unit with none above it): it gets
/// the next free code among its siblings.
#[utoipa::path(post, path = "/categories", tag = "categories", request_body = NewCategoryBody,
    responses((status = 201, body = Category), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn add_category(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(body): ApiJson<NewCategoryBody>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let class = categories::add_category(&state, &caller.actor, body.parent.as_deref(), &body.name)
        .await
        .map_err(|e| refuse(lang, e))?;
    Ok((StatusCode::CREATED, Json(class)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct EditCategoryBody {
    /// A new name; the paths of the classes below change with it.
    name: Option<String>,
    /// `false` retires the class and everything below it; `true` restores them.
    active: Option<bool>,
    /// `up` or `down`: one place among the classes under the same parent, in the order pickers list
    /// them (codes stay). Alone: not with `name` or `active`.
    #[serde(rename = "move")]
    move_to: Option<String>,
}

/// Renames, retires or restores a class, or moves it one place up or down among its siblings
/// (administrators of the whole installation). Cases keep the class as registered; codes never change. The answer: the
/// classes changed, or after a move the class's siblings in their new order.
#[utoipa::path(patch, path = "/categories/{code}", tag = "categories", params(("code" = String, Path)),
    request_body = EditCategoryBody,
    responses((status = 200, body = Vec<Category>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn edit_category(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<EditCategoryBody>,
) -> ApiResult<Json<Vec<Category>>> {
    let lang = caller.lang;
    let Some(direction) = body.move_to else {
        let changed = categories::edit_category(&state, &caller.actor, &code, body.name.as_deref(), body.active)
            .await
            .map_err(|e| refuse(lang, e))?;
        return Ok(Json(changed));
    };
    let moved = async {
        use huiyin_core::{FieldError, Invalid};
        let allowed = || "up、down(单独提交,不与 name、active 同时)".to_owned();
        let up = match direction.as_str() {
            "up" if body.name.is_none() && body.active.is_none() => true,
            "down" if body.name.is_none() && body.active.is_none() => false,
            _ => return Err(FieldError::new("move", Invalid::NotAChoice { allowed: allowed() }).into()),
        };
        categories::move_category(&state, &caller.actor, &code, up).await?;
        let classes = state.classes().await;
        let parent = classes.iter().find(|c| c.code == code).and_then(|c| c.parent.clone());
        Ok(classes.iter().filter(|c| c.parent == parent).cloned().collect())
    };
    Ok(Json(moved.await.map_err(|e| refuse(lang, e))?))
}
