//! 内容分类 (issue 18, GEN-10): the content classification one level at a time — the classes
//! under a parent (or the top level), each renamed, retired or restored, and moved up or down
//! among its siblings; a class added under the parent shown. Codes never change, so cases keep
//! their class and reports keep counting by it.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{FormErrors, Me, PageResult, Staff, check_csrf, field_error, invalid_attrs, render};
use huiyin_app::categories;
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_core::ValidationErrors;
use huiyin_core::category::Category;
use huiyin_core::locale::Lang;

/// One class as the page lists it.
pub(super) struct ClassRow {
    code: String,
    name: String,
    active: bool,
    /// How many classes lie directly below it; none at the third level, which has no children.
    children: Option<usize>,
    first: bool,
    last: bool,
    /// The name in the rename field: the class's, or what was typed when refused.
    typed: String,
    /// A refused rename: the row's form is open with the reason under the field.
    refused: Option<ValidationErrors>,
}

impl ClassRow {
    fn err(&self) -> String {
        field_error(self.refused.as_ref(), "name", Lang::Zh)
    }

    fn invalid(&self) -> String {
        invalid_attrs(self.refused.as_ref(), "name")
    }
}

#[derive(Template)]
#[template(path = "staff/admin_categories.html")]
pub(super) struct CategoriesPage {
    me: Option<Me>,
    csrf: String,
    /// The classes above those listed, from the top: (code, name).
    trail: Vec<(String, String)>,
    /// The parent's code; empty at the top level.
    parent: String,
    /// Classes may be added here: the parent is active and not at the third level.
    addable: bool,
    rows: Vec<ClassRow>,
    /// The name typed for a new class, kept when refused.
    new_name: String,
    done: Option<&'static str>,
    /// A refusal about a class of the list, in words.
    error: Option<String>,
    errors: Option<ValidationErrors>,
}

impl FormErrors for CategoriesPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

#[derive(Deserialize, Default)]
pub(super) struct CategoriesQuery {
    #[serde(default)]
    parent: String,
    #[serde(default)]
    done: String,
}

/// What the page shows besides the list: what was done, or what was refused.
#[derive(Default)]
struct Outcome {
    done: Option<&'static str>,
    error: Option<String>,
    errors: Option<ValidationErrors>,
    new_name: String,
    /// A refused rename: the class, the name typed, why.
    rename: Option<(String, String, ValidationErrors)>,
}

pub(super) async fn categories_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<CategoriesQuery>,
) -> PageResult {
    let done = match q.done.as_str() {
        "add" => Some("已添加分类。"),
        "name" => Some("已更名:其下各级分类的名称随之改变;已登记的信访件仍显示登记时的分类。"),
        "active" => Some("已更改停用状态(连同其下各级分类)。停用的分类不再供新登记选择。"),
        "move" => Some("已调整顺序。"),
        _ => None,
    };
    categories_view(&state, &staff, &q.parent, Outcome { done, ..Outcome::default() }).await
}

async fn categories_view(state: &AppState, staff: &Staff, parent: &str, outcome: Outcome) -> PageResult {
    if !staff.actor.administers_installation() {
        return Err(AppError::Forbidden.into());
    }
    let classes = state.classes().await;
    let parent_class = match parent {
        "" => None,
        code => Some(classes.iter().find(|c| c.code == code).ok_or(AppError::NotFound)?),
    };
    let parent_code = parent_class.map(|c| c.code.clone());
    let mut trail = Vec::new();
    let mut above = parent_class;
    while let Some(class) = above {
        trail.insert(0, (class.code.clone(), class.name.clone()));
        above = class.parent.as_ref().and_then(|p| classes.iter().find(|c| &c.code == p));
    }
    let listed: Vec<&Category> = classes.iter().filter(|c| c.parent == parent_code).collect();
    let count = listed.len();
    let mut rename = outcome.rename;
    let rows = listed
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let refused = rename.take_if(|(code, _, _)| *code == c.code);
            ClassRow {
                code: c.code.clone(),
                name: c.name.clone(),
                active: c.active,
                children: (c.level < 3).then(|| classes.iter().filter(|x| x.parent.as_ref() == Some(&c.code)).count()),
                first: i == 0,
                last: i + 1 == count,
                typed: refused.as_ref().map_or_else(|| c.name.clone(), |(_, typed, _)| typed.clone()),
                refused: refused.map(|(_, _, errors)| errors),
            }
        })
        .collect();
    let page = CategoriesPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        trail,
        parent: parent_code.clone().unwrap_or_default(),
        addable: parent_class.is_none_or(|p| p.active && p.level < 3),
        rows,
        new_name: outcome.new_name,
        done: outcome.done,
        error: outcome.error,
        errors: outcome.errors,
    };
    let refused = page.error.is_some() || page.errors.is_some() || page.rows.iter().any(|r| r.refused.is_some());
    let status = if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

/// Back to the level the class is listed at, saying what was done, at the class's row.
fn back(parent: &str, done: &str, code: &str) -> PageResult {
    let query = if parent.is_empty() { String::new() } else { format!("parent={parent}&") };
    Ok(Redirect::to(&format!("/admin/categories?{query}done={done}#class-{code}")).into_response())
}

/// The parent a class is listed under, for going back to its level.
async fn parent_of(state: &AppState, code: &str) -> String {
    state.classes().await.iter().find(|c| c.code == code).and_then(|c| c.parent.clone()).unwrap_or_default()
}

/// A refusal about one class, said at the top of its level's page.
async fn refused_about(state: &AppState, staff: &Staff, code: &str, e: AppError) -> PageResult {
    let parent = parent_of(state, code).await;
    match e {
        AppError::Invalid(errors) => {
            let name = state.classes().await.iter().find(|c| c.code == code).map(|c| c.name.clone());
            let label = name.map_or_else(|| "分类".to_owned(), |n| format!("“{n}”"));
            let error = Some(format!("{label}:{}", errors.first().message_labelled(Lang::Zh, "名称")));
            categories_view(state, staff, &parent, Outcome { error, ..Outcome::default() }).await
        }
        e => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct AddForm {
    csrf: Option<String>,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    name: String,
}

/// 添加分类 under the level shown.
pub(super) async fn add_class(State(state): State<AppState>, staff: Staff, Form(f): Form<AddForm>) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let parent = Some(f.parent.as_str()).filter(|p| !p.is_empty());
    match categories::add_category(&state, &staff.actor, parent, &f.name).await {
        Ok(class) => back(&f.parent, "add", &class.code),
        Err(AppError::Invalid(errors)) => {
            let outcome = Outcome { errors: Some(errors), new_name: f.name, ..Outcome::default() };
            categories_view(&state, &staff, &f.parent, outcome).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct ClassForm {
    csrf: Option<String>,
    /// 更名: the new name.
    #[serde(default)]
    name: String,
    /// 停用/启用: `true` restores.
    #[serde(default)]
    active: String,
    /// 上移/下移: `up` or `down`.
    #[serde(default)]
    direction: String,
}

/// 更名, 停用 or 启用, 上移 or 下移 a class (`step`: `name`, `active`, `move`).
pub(super) async fn change_class(
    State(state): State<AppState>,
    staff: Staff,
    Path((code, step)): Path<(String, String)>,
    Form(f): Form<ClassForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let actor = &staff.actor;
    let result = match step.as_str() {
        "name" => categories::edit_category(&state, actor, &code, Some(&f.name), None).await.map(|_| ()),
        "active" => categories::edit_category(&state, actor, &code, None, Some(f.active == "true")).await.map(|_| ()),
        "move" => categories::move_category(&state, actor, &code, f.direction == "up").await,
        _ => return Err(AppError::NotFound.into()),
    };
    match result {
        Ok(()) => back(&parent_of(&state, &code).await, &step, &code),
        Err(AppError::Invalid(errors)) if step == "name" => {
            let parent = parent_of(&state, &code).await;
            let outcome = Outcome { rename: Some((code, f.name, errors)), ..Outcome::default() };
            categories_view(&state, &staff, &parent, outcome).await
        }
        Err(e) => refused_about(&state, &staff, &code, e).await,
    }
}
