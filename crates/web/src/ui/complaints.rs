//! 对接待人员的投诉 (issue 19, FED-12, CDR-5): the page where staff record a complaint against a staff
//! member or a unit's reception from a call, a letter or a visit, and where supervisors and leaders
//! read their units' complaints, overdue first, and conclude each.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{FormErrors, Me, PageResult, Staff, check_csrf, render};
use huiyin_app::complaints::{self, ComplaintLine};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_core::ValidationErrors;
use huiyin_core::complaint::{ComplaintDraft, ComplaintKind, ConclusionDraft, Finding};

#[derive(Default, Deserialize)]
pub(super) struct ComplaintForm {
    csrf: Option<String>,
    #[serde(default)]
    staff: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    occurred_on: String,
    #[serde(default)]
    complainant: String,
    #[serde(default)]
    phone: String,
}

#[derive(Template)]
#[template(path = "staff/complaints.html")]
pub(super) struct ComplaintsPage {
    me: Option<Me>,
    csrf: String,
    lines: Vec<ComplaintLine>,
    /// (login name, name with title · unit)
    staff: Vec<(String, String)>,
    units: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    findings: Vec<(&'static str, &'static str)>,
    typed: ComplaintForm,
    today: String,
    done: Option<String>,
    problems: Vec<String>,
    errors: Option<ValidationErrors>,
}

impl FormErrors for ComplaintsPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ComplaintsQuery {
    #[serde(default)]
    done: String,
    /// The complaint just recorded, whose number is read back to the caller.
    id: Option<i64>,
}

pub(super) async fn complaints_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ComplaintsQuery>,
) -> PageResult {
    let done = match (q.done.as_str(), q.id) {
        ("record", Some(id)) => {
            let number = complaints::complaint(&state, &staff.actor, id).await.map(|l| l.number).ok();
            let code = super::register::take_receipt_code(&state, &staff.session, format!("complaint-{id}")).await?;
            Some(format!(
                "已登记投诉{},交本单位或上级督查、领导调查办结。{}",
                number.map(|n| format!(" {n}")).unwrap_or_default(),
                code.map(|c| format!("查询码 {c}:请告知投诉人,凭投诉编号和查询码在网上查询调查结果(只显示这一次)。"))
                    .unwrap_or_default()
            ))
        }
        ("record", None) => Some("已登记投诉,交本单位或上级督查、领导调查办结。".to_owned()),
        ("conclude", _) => Some("已办结该投诉。".to_owned()),
        _ => None,
    };
    view(&state, &staff, done, ComplaintForm::default(), None).await
}

async fn view(
    state: &AppState,
    staff: &Staff,
    done: Option<String>,
    typed: ComplaintForm,
    errors: Option<ValidationErrors>,
) -> PageResult {
    let lines = complaints::list(state, &staff.actor, None).await?;
    let units = huiyin_app::units::units_in_scope(state, &staff.actor).await?;
    let name_of = |id: i64| units.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default();
    let people = complaints::staff_choices(state, &staff.actor)
        .await?
        .into_iter()
        .map(|u| {
            let label = format!("{} · {}", huiyin_app::accounts::name_and_title(&u), name_of(u.unit_id));
            (u.username, label)
        })
        .collect();
    let page = ComplaintsPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        lines,
        staff: people,
        units: units.iter().map(|u| (u.code.clone(), u.name.clone())).collect(),
        kinds: ComplaintKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
        findings: Finding::ALL.iter().map(|f| (f.code(), f.label_zh())).collect(),
        typed,
        today: huiyin_core::limits::china_day(chrono::Utc::now()).to_string(),
        done,
        problems: errors.iter().flat_map(|e| e.iter().map(|f| f.message(huiyin_core::Lang::Zh))).collect(),
        errors,
    };
    let status = if page.errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

/// Records a complaint from the form.
pub(super) async fn record(State(state): State<AppState>, staff: Staff, Form(f): Form<ComplaintForm>) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let draft = ComplaintDraft {
        staff: some(&f.staff),
        unit: some(&f.unit),
        kind: some(&f.kind),
        source: some(&f.source),
        account: some(&f.account),
        occurred_on: some(&f.occurred_on),
        complainant: some(&f.complainant),
        phone: some(&f.phone),
    };
    match complaints::record(&state, &staff.actor, &draft).await {
        Ok(line) => to_slip(&state, &staff, &line).await,
        Err(AppError::Invalid(errors)) => view(&state, &staff, None, f, Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct ConcludeForm {
    csrf: Option<String>,
    #[serde(default)]
    finding: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    measure: String,
}

/// Concludes one complaint from its form.
pub(super) async fn conclude(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<ConcludeForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let draft = ConclusionDraft { finding: some(&f.finding), summary: some(&f.summary), measure: some(&f.measure) };
    match complaints::conclude(&state, &staff.actor, id, &draft).await {
        Ok(_) => Ok(Redirect::to("/complaints?done=conclude").into_response()),
        Err(AppError::Invalid(errors)) => view(&state, &staff, None, ComplaintForm::default(), Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "staff/complaint_slip.html")]
pub(super) struct SlipPage {
    csrf: String,
    line: ComplaintLine,
    /// The query code, on the first showing after recording or reissuing only.
    query_code: Option<String>,
    /// The receiving unit, whose slip it is.
    receiving_unit: String,
    receiver: String,
    received_on: String,
    due_on: String,
    printed_on: String,
    hotline: Option<String>,
    lookup: String,
}

/// The printable slip (投诉登记回执) for the complainant: the number, and the query code on its first
/// showing only; afterwards a reissue gives a new code.
pub(super) async fn slip(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> PageResult {
    let line = complaints::complaint(&state, &staff.actor, id).await?;
    let receiver = match &line.received_by {
        Some(u) if !huiyin_core::user::is_system_account(&u.username) => huiyin_app::accounts::name_title_credential(u),
        _ => "网上投诉".to_owned(),
    };
    let receiving = match &line.received_by {
        Some(u) => state.store.unit_by_id(u.unit_id).await.map_err(AppError::from)?,
        None => None,
    };
    let receiving = receiving.unwrap_or_else(|| line.unit.clone());
    let hotline = huiyin_app::public::hotline(&state, receiving.id).await?;
    // Taken last, once nothing else can fail: a code taken is shown.
    let query_code = super::register::take_receipt_code(&state, &staff.session, format!("complaint-{id}")).await?;
    let page = SlipPage {
        csrf: staff.csrf.clone(),
        query_code,
        receiver,
        received_on: huiyin_app::views::minute_zh(line.record.complaint.received_at),
        due_on: huiyin_app::views::date_zh(line.record.complaint.due_on),
        printed_on: huiyin_app::views::day_zh(chrono::Utc::now()),
        hotline,
        lookup: super::receipt::lookup_address(
            &headers,
            state.secure_cookies(),
            "/public/complaints/lookup",
            "查询投诉结果",
        ),
        receiving_unit: receiving.name,
        line,
    };
    Ok(render(&page))
}

/// Gives the complaint a new query code and shows it once on the slip.
pub(super) async fn reissue(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<super::login::CsrfForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let line = complaints::reissue_query_code(&state, &staff.actor, id).await?;
    to_slip(&state, &staff, &line).await
}

/// Keeps the complaint's new query code for its slip, where it is shown once, and goes there.
async fn to_slip(state: &AppState, staff: &Staff, line: &ComplaintLine) -> PageResult {
    let id = line.record.id;
    if let Some(code) = line.query_code.as_deref().and_then(huiyin_core::case::QueryCode::parse) {
        super::register::keep_receipt_code(state, &staff.session, format!("complaint-{id}"), &code).await?;
    }
    Ok(Redirect::to(&format!("/complaints/{id}/slip")).into_response())
}
