//! 单位 (issue 18, TWN-1): the units an administrator administers as a tree; a unit added below one
//! of them; each renamed, moved under another, closed or reopened from the page (behind a
//! disclosure, so that the tree stays one line a unit).

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{Choice, Me, PageError, PageResult, Staff, check_csrf, choices, render};
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
    /// Renamed and moved from here: not the reader's own unit (one above it does that).
    renamable: bool,
    /// The code of the unit above it.
    parent: String,
    /// Where it may move: the units of the reader's scope that are not it or below it.
    parents: Vec<(String, String)>,
    /// Closed (撤销).
    closed: bool,
    /// Its former names (曾用名), joined with “、”; empty when none.
    former: String,
}

/// The add-a-unit form, as typed.
#[derive(Deserialize, Default)]
pub(super) struct AddUnitForm {
    csrf: Option<String>,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent: String,
}

#[derive(Template)]
#[template(path = "staff/admin_units.html")]
pub(super) struct UnitsPage {
    me: Option<Me>,
    csrf: String,
    rows: Vec<UnitRow>,
    error: Option<String>,
    add: AddUnitForm,
    kinds: Vec<Choice>,
}

/// The units of the reader's scope, each after the unit above it, with their depth.
async fn tree_rows(state: &AppState, staff: &Staff) -> PageResult<Vec<UnitRow>> {
    let mine = units::units_in_scope(state, &staff.actor).await?;
    let users = state.store.users().await?;
    let former = state.store.unit_former_names().await?;
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
            parent: unit
                .parent_id
                .and_then(|p| mine.iter().find(|m| m.id == p))
                .map(|p| p.code.clone())
                .unwrap_or_default(),
            parents: Vec::new(),
            closed: unit.closed_at.is_some(),
            former: former.iter().filter(|f| f.unit_id == id).map(|f| f.name.as_str()).collect::<Vec<_>>().join("、"),
            staff: users.iter().filter(|u| u.unit_id == id && u.active && !is_system_account(&u.username)).count(),
        });
        stack.extend(mine.iter().filter(|u| u.parent_id == Some(id)).rev().map(|u| (u.id, depth + 1)));
    }
    // A unit's subtree is the rows after it that lie deeper, up to the next that does not.
    let all: Vec<(String, String, usize)> = rows.iter().map(|r| (r.code.clone(), r.name.clone(), r.depth)).collect();
    for (i, row) in rows.iter_mut().enumerate() {
        let end = all[i + 1..].iter().position(|(_, _, d)| *d <= row.depth).map_or(all.len(), |n| i + 1 + n);
        row.parents = all
            .iter()
            .enumerate()
            .filter(|(j, _)| *j < i || *j >= end)
            .map(|(_, (code, name, _))| (code.clone(), name.clone()))
            .collect();
    }
    Ok(rows)
}

async fn units_view(state: &AppState, staff: &Staff, error: Option<String>, add: AddUnitForm) -> PageResult {
    if !staff.actor.user.role.can_administer() {
        return Err(PageError(StatusCode::FORBIDDEN, "只有管理员可以管理单位。".into()));
    }
    let kinds = choices(huiyin_core::unit::UnitKind::ALL.iter().map(|k| (k.code(), k.label_zh())), &add.kind);
    let rows = tree_rows(state, staff).await?;
    let page = UnitsPage { me: staff.me(), csrf: staff.csrf.clone(), rows, error, add, kinds };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn units_page(State(state): State<AppState>, staff: Staff) -> PageResult {
    let add = AddUnitForm {
        kind: huiyin_core::unit::UnitKind::Community.code().into(),
        parent: staff.actor.user.unit_code.clone(),
        ..Default::default()
    };
    units_view(&state, &staff, None, add).await
}

/// 添加单位; back to the tree, or the tree again with the reason and the form as typed.
pub(super) async fn add_unit(State(state): State<AppState>, staff: Staff, Form(f): Form<AddUnitForm>) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let draft = huiyin_core::unit::UnitDraft {
        code: Some(f.code.clone()),
        name: Some(f.name.clone()),
        kind: Some(f.kind.clone()),
        parent: Some(f.parent.clone()),
    };
    match units::add_unit(&state, &staff.actor, &draft).await {
        Ok(_) => Ok(Redirect::to("/admin/units").into_response()),
        Err(AppError::Invalid(errors)) => {
            let e = errors.first();
            let label = match e.field.as_str() {
                "code" => "单位代码",
                "name" => "单位名称",
                "kind" => "单位类型",
                _ => "上级单位",
            };
            units_view(&state, &staff, Some(e.message_labelled(huiyin_core::Lang::Zh, label)), f).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct MoveForm {
    csrf: Option<String>,
    #[serde(default)]
    parent: String,
}

/// 调整上级单位 from the tree; back to the tree, or the tree again with the reason.
pub(super) async fn move_unit(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<MoveForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    match units::move_unit(&state, &staff.actor, &code, &f.parent).await {
        Ok(_) => Ok(Redirect::to("/admin/units").into_response()),
        Err(AppError::Invalid(errors)) => {
            let message = errors.first().message_labelled(huiyin_core::Lang::Zh, "上级单位");
            units_view(&state, &staff, Some(message), AddUnitForm::default()).await
        }
        Err(e) => Err(e.into()),
    }
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
            units_view(&state, &staff, Some(message), AddUnitForm::default()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// 撤销 or 恢复 a unit from the tree; back to the tree, or the tree again with what is left to do.
pub(super) async fn close_or_reopen(
    State(state): State<AppState>,
    staff: Staff,
    Path((code, step)): Path<(String, String)>,
    Form(f): Form<MoveForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let done = match step.as_str() {
        "close" => units::close_unit(&state, &staff.actor, &code).await,
        "reopen" => units::reopen_unit(&state, &staff.actor, &code).await,
        _ => return Err(AppError::NotFound.into()),
    };
    match done {
        Ok(_) => Ok(Redirect::to("/admin/units").into_response()),
        Err(AppError::Refused(refusal)) => {
            let message = refusal.message(huiyin_core::Lang::Zh);
            units_view(&state, &staff, Some(message), AddUnitForm::default()).await
        }
        Err(e) => Err(e.into()),
    }
}
