//! 业务培训 (issue 19, FED-14): a unit's training sessions for a year; for its supervisors, leaders
//! and administrators the form that records a session (the attendees ticked from the unit's staff)
//! and where each staff member stands, those past the training interval first; for everyone their
//! own record.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{FormErrors, Me, PageResult, Staff, check_csrf, render};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::training::{self, Standing, TrainingLine};
use huiyin_core::ValidationErrors;
use huiyin_core::training::{TrainingDraft, hours_text};

/// The record form as it was sent, to show it again when refused.
#[derive(Default)]
pub(super) struct TrainingForm {
    unit: String,
    held_on: String,
    topic: String,
    hours: String,
    trainer: String,
    material: String,
    attendees: Vec<String>,
}

/// A staff member offered as an attendee: (login name, name with title and unit, ticked).
type Attendee = (String, String, bool);

#[derive(Template)]
#[template(path = "staff/training.html")]
pub(super) struct TrainingPage {
    me: Option<Me>,
    csrf: String,
    year: i32,
    unit_code: String,
    unit_name: String,
    units: Vec<(String, String, bool)>,
    sessions: Vec<TrainingLine>,
    /// Where the unit's staff stand; empty for those who do not arrange training.
    standing: Vec<Standing>,
    arranges: bool,
    own: Vec<TrainingLine>,
    staff: Vec<Attendee>,
    typed: TrainingForm,
    today: String,
    done: bool,
    problems: Vec<String>,
    errors: Option<ValidationErrors>,
}

impl FormErrors for TrainingPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

impl TrainingPage {
    fn hours(&self, line: &TrainingLine) -> String {
        hours_text(line.record.training.tenths)
    }

    fn names(&self, line: &TrainingLine) -> String {
        line.attendees.iter().map(|u| u.display_name.as_str()).collect::<Vec<_>>().join("、")
    }
}

#[derive(Deserialize, Default)]
pub(super) struct TrainingQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    done: String,
}

pub(super) async fn training_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<TrainingQuery>,
) -> PageResult {
    let year = super::year_or_this(&q.year);
    view(&state, &staff, q.unit.trim(), year, q.done == "record", TrainingForm::default(), None).await
}

async fn view(
    state: &AppState,
    staff: &Staff,
    unit: &str,
    year: i32,
    done: bool,
    typed: TrainingForm,
    errors: Option<ValidationErrors>,
) -> PageResult {
    let unit = Some(unit).filter(|u| !u.is_empty());
    let sessions = training::sessions(state, &staff.actor, unit, year).await?;
    let arranges = training::arranges_training(&staff.actor);
    let standing = if arranges { training::standing(state, &staff.actor, unit).await? } else { Vec::new() };
    let (_, own) = training::person(state, &staff.actor, &staff.actor.user.username).await?;
    let in_scope = huiyin_app::units::units_in_scope(state, &staff.actor).await?;
    let shown = match unit {
        Some(code) => huiyin_app::units::unit_in_scope(state, &staff.actor, code).await?,
        None => in_scope.iter().find(|u| u.id == staff.actor.user.unit_id).cloned().ok_or(AppError::NotFound)?,
    };
    let staff_list = if arranges {
        standing
            .iter()
            .map(|s| {
                let label = format!("{} · {}", huiyin_app::accounts::name_and_title(&s.person), s.unit_name);
                let ticked = typed.attendees.contains(&s.person.username);
                (s.person.username.clone(), label, ticked)
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = TrainingPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        year,
        unit_code: shown.code.clone(),
        unit_name: shown.name.clone(),
        units: in_scope
            .into_iter()
            .filter(|u| u.closed_at.is_none() || u.id == shown.id)
            .map(|u| {
                let here = u.id == shown.id;
                (u.code, u.name, here)
            })
            .collect(),
        sessions,
        standing,
        arranges,
        own,
        staff: staff_list,
        typed,
        today: huiyin_core::limits::china_day(chrono::Utc::now()).to_string(),
        done,
        problems: errors.iter().flat_map(|e| e.iter().map(|f| f.message(huiyin_core::Lang::Zh))).collect(),
        errors,
    };
    let status = if page.errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

/// Records a session from the form (the attendees as repeated `attendees` fields).
pub(super) async fn record(
    State(state): State<AppState>,
    staff: Staff,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    check_csrf(&staff.session, Some(&field("csrf"))).await?;
    let f = TrainingForm {
        unit: field("unit"),
        held_on: field("held_on"),
        topic: field("topic"),
        hours: field("hours"),
        trainer: field("trainer"),
        material: field("material"),
        attendees: fields.iter().filter(|(k, _)| k == "attendees").map(|(_, v)| v.clone()).collect(),
    };
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let draft = TrainingDraft {
        unit: some(&f.unit),
        held_on: some(&f.held_on),
        topic: some(&f.topic),
        // What is no number of hours is refused on its field.
        hours: some(&f.hours).map(|h| h.parse::<f64>().unwrap_or(-1.0)),
        trainer: some(&f.trainer),
        attendees: Some(f.attendees.clone()),
        material: some(&f.material),
    };
    match training::record(&state, &staff.actor, &draft).await {
        Ok(line) => {
            let code = state.store.unit_by_id(line.record.training.unit_id).await?.map(|u| u.code).unwrap_or_default();
            let year = chrono::Datelike::year(&line.record.training.held_on);
            Ok(Redirect::to(&format!("/training?unit={code}&year={year}&done=record")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let unit = f.unit.trim().to_owned();
            view(&state, &staff, &unit, huiyin_app::views::this_year(), false, f, Some(errors)).await
        }
        Err(e) => Err(e.into()),
    }
}
