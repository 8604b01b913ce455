//! A community's charter and conventions as the public reads them (DEM-1, DEM-6): the text in
//! force, its versions with the meeting and decision that adopted each, and what an amendment changed.

use crate::ui::render;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use huiyin_app::charters::{self, CharterDetail};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_core::charter::DiffLine;
use serde::Deserialize;

use super::{Display, PortalError};

#[derive(Template)]
#[template(path = "public/charter.html")]
pub(super) struct CharterPage {
    display: Display,
    back: String,
    d: CharterDetail,
    compared: Option<(i32, i32, Vec<DiffLine>)>,
}

#[derive(Deserialize, Default)]
pub(super) struct CompareQuery {
    from: Option<i32>,
    to: Option<i32>,
}

/// One document of a community, with the latest amendment's changes (or the two versions asked for).
pub(super) async fn charter(
    State(state): State<AppState>,
    display: Display,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> Response {
    match charters::public_charter(&state, id).await {
        Ok(d) => {
            let compared = if d.versions.len() > 1 { charters::compare(&d, q.from, q.to).ok() } else { None };
            render(&CharterPage { display, back: format!("/public/charters/{id}"), d, compared })
        }
        Err(AppError::NotFound) => {
            PortalError(StatusCode::NOT_FOUND, "没有这份文件。".into(), "No such document.".into()).page(display)
        }
        Err(e) => PortalError::from(e).page(display),
    }
}
