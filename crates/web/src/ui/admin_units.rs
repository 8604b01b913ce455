//! 单位 (issue 18, TWN-1): the units an administrator administers as a tree, each renamed from the
//! page. Adding units stays on the command line for now (`huiyin unit add`).

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{Me, PageError, PageResult, Staff, check_csrf, render};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::units;
use huiyin_core::user::is_system_account;

/// One unit of the tree as the page shows it.
pub(super) struct UnitRow {
    code: String,
    name: String,
    kind: &'static str,
    /// How far below the top of the reader's part of the tree (0 for the top).
    depth: usize,
    staff: usize,
    /// Renamed from here: not the reader's own unit (one above it renames it).
    renamable: bool,
}

#[derive(Template)]
#[template(path = "staff/admin_units.html")]
pub(super) struct UnitsPage {
    me: Option<Me>,
    csrf: String,
    rows: Vec<UnitRow>,
    error: Option<String>,
}

/// The units of the reader's scope, each after the unit above it, with their depth.
async fn tree_rows(state: &AppState, staff: &Staff) -> PageResult<Vec<UnitRow>> {
    let mine = units::units_in_scope(state, &staff.actor).await?;
    let users = state.store.users().await?;
    let mut rows = Vec::with_capacity(mine.len());
    // Tops: units whose parent is not in the reader's scope.
    let mut stack: Vec<(i64, usize)> = mine
        .iter()
        .filter(|u| u.parent_id.is_none_or(|p| !mine.iter().any(|m| m.id == p)))
        .rev()
        .map(|u| (u.id, 0))
        .collect();
    while let Some((id, depth)) = stack.pop() {
        let Some(unit) = mine.iter().find(|u| u.id == id) else { continue };
        rows.push(UnitRow {
            code: unit.code.clone(),
            name: unit.name.clone(),
            kind: unit.kind.label_zh(),
            depth,
            renamable: id != staff.actor.user.unit_id,
            staff: users.iter().filter(|u| u.unit_id == id && u.active && !is_system_account(&u.username)).count(),
        });
        stack.extend(mine.iter().filter(|u| u.parent_id == Some(id)).rev().map(|u| (u.id, depth + 1)));
    }
    Ok(rows)
}

async fn units_view(state: &AppState, staff: &Staff, error: Option<String>) -> PageResult {
    if !staff.actor.user.role.can_administer() {
        return Err(PageError(StatusCode::FORBIDDEN, "只有管理员可以管理单位。".into()));
    }
    let page = UnitsPage { me: staff.me(), csrf: staff.csrf.clone(), rows: tree_rows(state, staff).await?, error };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn units_page(State(state): State<AppState>, staff: Staff) -> PageResult {
    units_view(&state, &staff, None).await
}

#[derive(Deserialize)]
pub(super) struct RenameForm {
    csrf: Option<String>,
    #[serde(default)]
    name: String,
}

/// 更名 from the tree; back to the tree, or the tree again with the reason.
pub(super) async fn rename_unit(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<RenameForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    match units::rename_unit(&state, &staff.actor, &code, &f.name).await {
        Ok(_) => Ok(Redirect::to("/admin/units").into_response()),
        Err(AppError::Invalid(errors)) => {
            let message = errors.first().message_labelled(huiyin_core::Lang::Zh, "单位名称");
            units_view(&state, &staff, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}
