//! The case lookup (GEN-11): by case number and query code, with rating the reply (GEN-9), asking
//! for review (GEN-5) and the papers addressed to the petitioner.

use crate::extract::ClientAddress;
use crate::ui::render;
use askama::Template;
use axum::extract::{Form, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::public::{self};
use serde::Deserialize;

use super::{Display, PortalError};

/// The lookup page (GEN-11): the case number and query code in a form, never in the address; with
/// the case, the rating (GEN-9) and review request (GEN-5) forms when they are open.
#[derive(Template)]
#[template(path = "public/lookup.html")]
pub(super) struct LookupPage {
    display: Display,
    back: String,
    case_number: String,
    /// Kept in the follow-up forms (rating, review) of a found case only.
    query_code: String,
    failed: bool,
    /// What was just done, or why it was refused.
    done: Option<String>,
    refused: Option<String>,
    case: Option<public::PublicCase>,
}

impl LookupPage {
    fn new(display: Display, case_number: &str) -> LookupPage {
        LookupPage {
            display,
            back: "/public/lookup".into(),
            case_number: case_number.trim().to_owned(),
            query_code: String::new(),
            failed: false,
            done: None,
            refused: None,
            case: None,
        }
    }

    /// The page with a found case: it holds the query code, so it is never stored by the browser.
    fn found(mut self, query_code: &str, case: public::PublicCase) -> Response {
        self.query_code = query_code.trim().to_owned();
        self.case = Some(case);
        let mut response = render(&self);
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }

    fn not_found(mut self) -> Response {
        self.failed = true;
        (StatusCode::NOT_FOUND, render(&self)).into_response()
    }
}

pub(super) async fn lookup_form(display: Display) -> Response {
    render(&LookupPage::new(display, ""))
}

#[derive(Deserialize)]
pub(super) struct LookupForm {
    case_number: String,
    query_code: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    reason: String,
}

impl LookupForm {
    fn reason(&self) -> Option<String> {
        Some(self.reason.trim().to_owned()).filter(|r| !r.is_empty())
    }
}

pub(super) async fn lookup(
    State(state): State<AppState>,
    display: Display,
    ClientAddress(client): ClientAddress,
    Form(f): Form<LookupForm>,
) -> Response {
    let found = public::lookup(&state, client, &f.case_number, &f.query_code).await;
    answer(&state, display, client, &f, found, "").await
}

/// The petitioner's rating from the lookup page (GEN-9).
pub(super) async fn rate(
    State(state): State<AppState>,
    display: Display,
    ClientAddress(client): ClientAddress,
    Form(f): Form<LookupForm>,
) -> Response {
    let some = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    let draft = huiyin_core::lifecycle::RateDraft {
        office: some(&f.office),
        unit: some(&f.unit),
        reason: f.reason(),
        ..Default::default()
    };
    let rated = public::rate(&state, client, &f.case_number, &f.query_code, &draft).await;
    answer(&state, display, client, &f, rated, display.t("评价已提交,谢谢您。", "Thank you: your rating was sent."))
        .await
}

/// The petitioner's request for review from the lookup page (GEN-5).
pub(super) async fn review(
    State(state): State<AppState>,
    display: Display,
    ClientAddress(client): ClientAddress,
    Form(f): Form<LookupForm>,
) -> Response {
    let requested = public::request_review(&state, client, &f.case_number, &f.query_code, f.reason()).await;
    let done = display.t(
        "复查申请已提交,上一级机关将依法办理并答复。",
        "Your request for review was sent; the office above handles and answers it.",
    );
    answer(&state, display, client, &f, requested, done).await
}

#[derive(Deserialize)]
pub(super) struct DocumentForm {
    case_number: String,
    query_code: String,
    kind: String,
    issued_by: i64,
}

/// One of the petitioner's documents as PDF, asked for with the number and code in a form (GEN-3).
pub(super) async fn document(
    State(state): State<AppState>,
    display: Display,
    ClientAddress(client): ClientAddress,
    Form(f): Form<DocumentForm>,
) -> Response {
    match public::document_pdf(&state, client, &f.case_number, &f.query_code, &f.kind, f.issued_by).await {
        Ok((record, blob)) => {
            let mut response = crate::pdf_response(&record, blob);
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(AppError::NotFound) => LookupPage::new(display, &f.case_number).not_found(),
        Err(e) => PortalError::from(e).page(display),
    }
}

/// The lookup page after a lookup, rating or review request: the case with what was done, or with
/// why it was refused; the same refusal for a wrong number or code as the lookup gives.
pub(super) async fn answer(
    state: &AppState,
    display: Display,
    client: std::net::IpAddr,
    f: &LookupForm,
    outcome: Result<public::PublicCase, AppError>,
    done: &str,
) -> Response {
    let mut page = LookupPage::new(display, &f.case_number);
    let refusal = match outcome {
        Ok(case) => {
            page.done = Some(done.to_owned()).filter(|d| !d.is_empty());
            return page.found(&f.query_code, case);
        }
        Err(AppError::NotFound) => return page.not_found(),
        Err(AppError::Invalid(v)) => v.first().message(display.lang()),
        Err(AppError::Refused(r)) => r.message(display.lang()),
        Err(e) => return PortalError::from(e).page(display),
    };
    match public::lookup(state, client, &f.case_number, &f.query_code).await {
        Ok(case) => {
            page.refused = Some(refusal);
            let mut response = page.found(&f.query_code, case);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(AppError::NotFound) => page.not_found(),
        Err(e) => PortalError::from(e).page(display),
    }
}
