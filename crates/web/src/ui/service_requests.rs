//! 办事登记 (CDR-4, CDR-2): the page where the first staff member asked records a resident's
//! service request — done on the spot, or guided to the cadre responsible — and where the cadre
//! records it done; a unit's requests of the last 30 days, those waiting on the reader first.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{FormErrors, Me, PageResult, Staff, check_csrf, render};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::service_requests::{self, ServiceLine};
use huiyin_core::ValidationErrors;
use huiyin_core::service_request::{ServiceDoneDraft, ServiceRequestDraft};

/// What the form held when it was refused, to show it again.
#[derive(Default, Deserialize)]
pub(super) struct ServiceForm {
    csrf: Option<String>,
    #[serde(default)]
    resident: String,
    #[serde(default)]
    matter: String,
    /// `done` (当场办结) or `guided` (引导给干部).
    #[serde(default)]
    disposal: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    cadre: String,
}

#[derive(Template)]
#[template(path = "staff/service_requests.html")]
pub(super) struct ServicePage {
    me: Option<Me>,
    csrf: String,
    /// Each request with when it was taken, as shown.
    lines: Vec<(String, ServiceLine)>,
    /// (login name, name and title).
    cadres: Vec<(String, String)>,
    typed: ServiceForm,
    done: Option<&'static str>,
    problems: Vec<String>,
    errors: Option<ValidationErrors>,
}

impl FormErrors for ServicePage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ServiceQuery {
    #[serde(default)]
    done: String,
}

pub(super) async fn service_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ServiceQuery>,
) -> PageResult {
    let done = match q.done.as_str() {
        "record" => Some("已登记。"),
        "complete" => Some("已办结。"),
        _ => None,
    };
    view(&state, &staff, done, ServiceForm { disposal: "done".into(), ..Default::default() }, None).await
}

async fn view(
    state: &AppState,
    staff: &Staff,
    done: Option<&'static str>,
    typed: ServiceForm,
    errors: Option<ValidationErrors>,
) -> PageResult {
    let lines = service_requests::register(state, &staff.actor, None, None)
        .await?
        .into_iter()
        .map(|l| (huiyin_app::views::minute(l.record.request.received_at), l))
        .collect();
    let cadres = service_requests::cadres(state, &staff.actor)
        .await?
        .iter()
        .map(|u| (u.username.clone(), huiyin_app::accounts::name_and_title(u)))
        .collect();
    let page = ServicePage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        lines,
        cadres,
        typed,
        done,
        problems: errors.iter().flat_map(|e| e.iter().map(|f| f.message(huiyin_core::Lang::Zh))).collect(),
        errors,
    };
    let status = if page.errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

/// Records a request from the form: the choice of 当场办结 or 引导给干部 decides which field counts.
pub(super) async fn record(State(state): State<AppState>, staff: Staff, Form(f): Form<ServiceForm>) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let guided = f.disposal == "guided";
    let draft = ServiceRequestDraft {
        resident: some(&f.resident),
        matter: some(&f.matter),
        result: if guided { None } else { some(&f.result) },
        cadre: if guided { some(&f.cadre) } else { None },
    };
    // Guided, the cadre is what is missing (not a result).
    let outcome = if guided && draft.cadre.is_none() {
        Err(AppError::from(huiyin_core::FieldError::new("cadre", huiyin_core::Invalid::Required)))
    } else {
        service_requests::record(&state, &staff.actor, &draft).await
    };
    match outcome {
        Ok(_) => Ok(Redirect::to("/service-requests?done=record").into_response()),
        Err(AppError::Invalid(errors)) => view(&state, &staff, None, f, Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct DoneForm {
    csrf: Option<String>,
    #[serde(default)]
    result: String,
}

/// The cadre records a guided request done.
pub(super) async fn complete(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<DoneForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let draft = ServiceDoneDraft { result: Some(f.result) };
    match service_requests::complete(&state, &staff.actor, id, &draft).await {
        Ok(_) => Ok(Redirect::to("/service-requests?done=complete").into_response()),
        Err(AppError::Invalid(errors)) => view(&state, &staff, None, ServiceForm::default(), Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}
