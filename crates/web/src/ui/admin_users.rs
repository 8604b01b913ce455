//! 人员管理 (issue 18): the staff an administrator administers, filtered by unit, role and state,
//! each disabled or enabled again from the list (with a confirmation). Adding people and resetting
//! passwords stay on the server's command line for now (`huiyin user add`, `huiyin user passwd`).

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{Choice, Me, PageResult, Staff, check_csrf, choices, render};
use huiyin_app::accounts::{self, AccountListParams};
use huiyin_app::context::AppState;
use huiyin_core::user::Role;

/// One person as the list shows them.
pub(super) struct PersonRow {
    username: String,
    name: String,
    unit: String,
    role: &'static str,
    credential: String,
    active: bool,
    /// Not the reader themself: they do not disable their own account.
    other: bool,
}

#[derive(Template)]
#[template(path = "staff/admin_users.html")]
pub(super) struct UsersPage {
    me: Option<Me>,
    csrf: String,
    units: Vec<(String, String, bool)>,
    roles: Vec<Choice>,
    states: Vec<Choice>,
    rows: Vec<PersonRow>,
}

#[derive(Deserialize, Default)]
pub(super) struct UsersQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    role: String,
    /// `active`, `disabled` or empty.
    #[serde(default)]
    state: String,
}

pub(super) async fn users_page(State(state): State<AppState>, staff: Staff, Query(q): Query<UsersQuery>) -> PageResult {
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let params = AccountListParams {
        unit: some(&q.unit),
        role: some(&q.role),
        active: match q.state.as_str() {
            "active" => Some(true),
            "disabled" => Some(false),
            _ => None,
        },
    };
    let users = accounts::list_accounts(&state, &staff.actor, &params).await?;
    let units = super::list::units_in_scope(&state, &staff.actor).await?;
    let unit_name = |code: &str| units.iter().find(|(c, _)| c == code).map_or(code.to_owned(), |(_, n)| n.clone());
    let rows = users
        .iter()
        .map(|u| PersonRow {
            username: u.username.clone(),
            name: accounts::name_and_title(u),
            unit: unit_name(&u.unit_code),
            role: u.role.label_zh(),
            credential: u.credential.clone().unwrap_or_default(),
            active: u.active,
            other: u.id != staff.actor.user.id,
        })
        .collect();
    let page = UsersPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        units: units.iter().map(|(c, n)| (c.clone(), n.clone(), *c == q.unit)).collect(),
        roles: choices(
            std::iter::once(("", "全部")).chain(Role::ALL.iter().map(|r| (r.code(), r.label_zh()))),
            &q.role,
        ),
        states: choices([("", "全部"), ("active", "启用中"), ("disabled", "已停用")], &q.state),
        rows,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub(super) struct ActiveForm {
    csrf: Option<String>,
    /// `true` enables, anything else disables.
    #[serde(default)]
    active: String,
}

/// 停用 or 启用 an account from the list; back to the list.
pub(super) async fn set_user_active(
    State(state): State<AppState>,
    staff: Staff,
    Path(username): Path<String>,
    Form(f): Form<ActiveForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    accounts::set_active(&state, &staff.actor, &username, f.active == "true").await?;
    Ok(Redirect::to("/admin/users").into_response())
}
