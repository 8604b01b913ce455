//! 重点信访人名册 (TWN-8): the registers of key petitioners of a unit and the units below it, for
//! their supervisors, leaders and administrators: the lines (ID numbers and phones masked), a person
//! added with the reason, a person taken off with the reason (confirmed first).

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{FormErrors, Me, PageResult, Staff, check_csrf, render};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::key_petitioners::{self, KeyPetitionerLine};
use huiyin_core::ValidationErrors;
use huiyin_core::key_petitioner::KeyPetitionerDraft;

/// What the add form held when it was refused, to show it again.
#[derive(Default, Deserialize)]
pub(super) struct KeyPetitionerForm {
    csrf: Option<String>,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "staff/key_petitioners.html")]
pub(super) struct KeyPetitionersPage {
    me: Option<Me>,
    csrf: String,
    /// The units of the reader's scope: (code, name, this one).
    units: Vec<(String, String, bool)>,
    lines: Vec<KeyPetitionerLine>,
    typed: KeyPetitionerForm,
    done: Option<&'static str>,
    problems: Vec<String>,
    errors: Option<ValidationErrors>,
}

impl FormErrors for KeyPetitionersPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

impl KeyPetitionersPage {
    fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        huiyin_app::views::minute(*at)
    }
}

#[derive(Deserialize, Default)]
pub(super) struct KeyPetitionersQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    done: String,
}

pub(super) async fn key_petitioners_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<KeyPetitionersQuery>,
) -> PageResult {
    let done = match q.done.as_str() {
        "add" => Some("已列入重点信访人名册。"),
        "remove" => Some("已移出名册。"),
        _ => None,
    };
    let unit = Some(q.unit.trim()).filter(|u| !u.is_empty());
    view(&state, &staff, unit, done, KeyPetitionerForm::default(), None).await
}

async fn view(
    state: &AppState,
    staff: &Staff,
    unit: Option<&str>,
    done: Option<&'static str>,
    typed: KeyPetitionerForm,
    errors: Option<ValidationErrors>,
) -> PageResult {
    let lines = key_petitioners::list(state, &staff.actor, unit).await?;
    let unit_code = unit.map_or_else(|| staff.actor.user.unit_code.clone(), str::to_owned);
    let units = huiyin_app::units::units_in_scope(state, &staff.actor)
        .await?
        .into_iter()
        .map(|u| {
            let here = u.code.eq_ignore_ascii_case(&unit_code);
            (u.code, u.name, here)
        })
        .collect();
    let page = KeyPetitionersPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        units,
        lines,
        typed,
        done,
        problems: errors.iter().flat_map(|e| e.iter().map(|f| f.message(huiyin_core::Lang::Zh))).collect(),
        errors,
    };
    let status = if page.errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

/// Adds a person to the register of the form's unit.
pub(super) async fn add(State(state): State<AppState>, staff: Staff, Form(f): Form<KeyPetitionerForm>) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let draft = KeyPetitionerDraft {
        name: some(&f.name),
        id_number: some(&f.id_number),
        phone: some(&f.phone),
        reason: some(&f.reason),
    };
    let unit = f.unit.trim().to_owned();
    match key_petitioners::add(&state, &staff.actor, &unit, &draft).await {
        Ok(_) => Ok(Redirect::to(&format!("/key-petitioners?unit={unit}&done=add")).into_response()),
        Err(AppError::Invalid(errors)) => view(&state, &staff, Some(&unit), None, f, Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct RemoveForm {
    csrf: Option<String>,
    #[serde(default)]
    reason: String,
}

/// Takes a person off the register, with the reason.
pub(super) async fn remove(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<RemoveForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let reason = Some(f.reason.trim()).filter(|r| !r.is_empty());
    match key_petitioners::remove(&state, &staff.actor, id, reason).await {
        Ok(line) => Ok(Redirect::to(&format!("/key-petitioners?unit={}&done=remove", line.unit.code)).into_response()),
        Err(AppError::Invalid(errors)) => {
            view(&state, &staff, None, None, KeyPetitionerForm::default(), Some(errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct FromCaseForm {
    csrf: Option<String>,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    reason: String,
}

/// Puts a case's petitioner on a register from the case page (列入重点信访人名册); a refusal is told
/// in words with the way back to the case.
pub(super) async fn from_case(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<FromCaseForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    match key_petitioners::add_from_case(&state, &staff.actor, id, f.unit.trim(), Some(&f.reason)).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}#key-petitioner")).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok(super::refused_page(&staff, "未能列入重点信访人名册", &errors, format!("/cases/{id}")))
        }
        Err(e) => Err(e.into()),
    }
}
