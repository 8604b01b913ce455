//! The units' public pages (COM-3, FED-3, SCH-4): how to reach them, their reception days and measures.

use crate::ui::render;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::public::{self};

use super::{Display, PortalError};

#[derive(Template)]
#[template(path = "public/units.html")]
pub(super) struct UnitsPage {
    display: Display,
    back: String,
    units: Vec<(String, String)>,
}

/// Every unit, each linking to its public page (COM-3).
pub(super) async fn units(State(state): State<AppState>, display: Display) -> Response {
    match public::public_units(&state).await {
        Ok(units) => render(&UnitsPage { display, back: "/public/units".into(), units }),
        Err(e) => PortalError::from(e).page(display),
    }
}

#[derive(Template)]
#[template(path = "public/unit.html")]
pub(super) struct UnitPage {
    display: Display,
    back: String,
    u: public::PublicUnit,
}

/// A unit's public page: how to reach it, its hours and procedure, its measures (COM-3, GEN-9).
pub(super) async fn unit(
    State(state): State<AppState>,
    display: Display,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Response {
    match public::public_unit(&state, &code).await {
        Ok(u) => render(&UnitPage { display, back: format!("/public/units/{}", u.code), u }),
        Err(AppError::NotFound) => {
            PortalError(StatusCode::NOT_FOUND, "没有这个单位。".into(), "No such office.".into()).page(display)
        }
        Err(e) => PortalError::from(e).page(display),
    }
}
