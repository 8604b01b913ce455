//! Complaints against staff from the public (FED-12, CDR-5): the form (the staff member by the
//! credential number on their name plate or receipt, or by name, or only the unit; optionally the
//! complainant's own case with its query code), the receipt with the complaint's number and query
//! code, and the lookup of the outcome by them. The rules are [`huiyin_app::public::file_complaint`]
//! and [`huiyin_app::public::complaint_lookup`].

use crate::extract::ClientAddress;
use crate::ui::render;
use askama::Template;
use axum::extract::{Form, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::public::{self, ComplaintReceipt, FormChecks, HONEYPOT_FIELD, PublicComplaint, Question};
use huiyin_core::ValidationErrors;
use huiyin_core::complaint::{ComplaintKind, PublicComplaintDraft};
use serde::Deserialize;

use super::{Display, PortalError};

/// The form's fields as typed.
#[derive(Default, Deserialize, Clone)]
pub(super) struct ComplaintForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    staff_credential: String,
    #[serde(default)]
    staff_name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    occurred_on: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    complainant: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    case_number: String,
    #[serde(default)]
    query_code: String,
    #[serde(default)]
    submission_key: String,
    #[serde(default)]
    consent: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    question_token: String,
    #[serde(default, rename = "website")]
    honeypot: String,
}

const _: () = assert!(matches!(HONEYPOT_FIELD.as_bytes(), b"website"));

impl ComplaintForm {
    fn draft(&self) -> PublicComplaintDraft {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        PublicComplaintDraft {
            unit: some(&self.unit),
            staff_credential: some(&self.staff_credential),
            staff_name: some(&self.staff_name),
            kind: some(&self.kind),
            account: some(&self.account),
            occurred_on: some(&self.occurred_on),
            complainant: some(&self.complainant),
            phone: some(&self.phone),
            case_number: some(&self.case_number),
            query_code: some(&self.query_code),
        }
    }
}

/// A kind of complaint in the page's language.
fn kind_label(display: Display, kind: ComplaintKind) -> &'static str {
    let en = match kind {
        ComplaintKind::Rudeness => "Rudeness",
        ComplaintKind::Shirking => "Passing the matter on, shirking",
        ComplaintKind::Absence => "Nobody at the post",
        ComplaintKind::Delay => "Delay",
        ComplaintKind::Gifts => "Asking for or taking gifts or favours",
        ComplaintKind::Other => "Other",
    };
    display.t(kind.label_zh(), en)
}

#[derive(Template)]
#[template(path = "public/complaint.html")]
pub(super) struct ComplaintPage {
    display: Display,
    back: String,
    f: ComplaintForm,
    units: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    question: Question,
    honeypot: &'static str,
    today: String,
    errors: Option<ValidationErrors>,
}

impl ComplaintPage {
    fn err(&self, field: &str) -> String {
        super::public_field_error(self.errors.as_ref(), field, self.display.lang())
    }

    fn summary(&self) -> Vec<(String, String)> {
        super::error_summary(self.errors.as_ref(), self.display.lang())
    }
}

async fn page(
    state: &AppState,
    display: Display,
    f: ComplaintForm,
    errors: Option<ValidationErrors>,
) -> Result<ComplaintPage, AppError> {
    Ok(ComplaintPage {
        display,
        back: "/public/complaints".into(),
        units: public::public_units(state).await?,
        kinds: ComplaintKind::ALL.iter().map(|k| (k.code(), kind_label(display, *k))).collect(),
        question: public::new_question(state, Utc::now())?,
        honeypot: HONEYPOT_FIELD,
        today: huiyin_core::limits::china_day(Utc::now()).to_string(),
        errors,
        f,
    })
}

#[derive(Deserialize)]
pub(super) struct ComplaintParams {
    unit: Option<String>,
}

/// The empty form (for a unit, when the link names one), with a new idempotency key.
pub(super) async fn complaint_form(
    State(state): State<AppState>,
    display: Display,
    axum::extract::Query(q): axum::extract::Query<ComplaintParams>,
) -> Response {
    let key = match public::new_submission_key() {
        Ok(key) => key,
        Err(e) => return PortalError::from(e).page(display),
    };
    let f = ComplaintForm { unit: q.unit.unwrap_or_default(), submission_key: key, ..Default::default() };
    match page(&state, display, f, None).await {
        Ok(page) => render(&page),
        Err(e) => PortalError::from(e).page(display),
    }
}

#[derive(Template)]
#[template(path = "public/complaint_receipt.html")]
pub(super) struct ComplaintReceiptPage {
    display: Display,
    back: String,
    r: ComplaintReceipt,
}

/// The form sent: the receipt with the number and the query code, or the form again with its
/// mistakes (everything typed kept, a new check question).
pub(super) async fn complaint_send(
    State(state): State<AppState>,
    display: Display,
    ClientAddress(client): ClientAddress,
    Form(f): Form<ComplaintForm>,
) -> Response {
    // A form sent again (a double click, a reload) gets its first receipt: its question was used up.
    match public::complaint_filed_before(&state, &f.submission_key).await {
        Ok(Some(r)) => return receipt_page(display, r),
        Ok(None) => {}
        Err(e) => return PortalError::from(e).page(display),
    }
    let checks = FormChecks {
        honeypot: &f.honeypot,
        question_token: &f.question_token,
        answer: &f.answer,
        consent: f.consent == "1",
    };
    let sent = match public::check_form(&state, &checks, Utc::now()).await {
        Ok(()) => public::file_complaint(&state, client, &f.submission_key, &f.draft()).await,
        // The form's own mistakes with the complaint's, all at once.
        Err(mut errors) => {
            if let Err(more) = f.draft().parse(huiyin_core::limits::china_day(Utc::now())) {
                errors =
                    ValidationErrors::from_vec(more.iter().chain(errors.iter()).cloned().collect()).unwrap_or(errors);
            }
            Err(AppError::Invalid(errors))
        }
    };
    match sent {
        Ok(r) => receipt_page(display, r),
        Err(AppError::Invalid(errors)) => match page(&state, display, f, Some(errors)).await {
            Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response(),
            Err(e) => PortalError::from(e).page(display),
        },
        Err(e) => PortalError::from(e).page(display),
    }
}

/// The receipt, never kept by the browser (it holds the query code).
fn receipt_page(display: Display, r: ComplaintReceipt) -> Response {
    let mut response = render(&ComplaintReceiptPage { display, back: "/public/complaints".into(), r });
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Template)]
#[template(path = "public/complaint_lookup.html")]
pub(super) struct ComplaintLookupPage {
    display: Display,
    back: String,
    number: String,
    failed: bool,
    c: Option<PublicComplaint>,
}

pub(super) async fn complaint_lookup_form(display: Display) -> Response {
    render(&ComplaintLookupPage {
        display,
        back: "/public/complaints/lookup".into(),
        number: String::new(),
        failed: false,
        c: None,
    })
}

#[derive(Deserialize)]
pub(super) struct ComplaintLookupForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    query_code: String,
}

/// The outcome of a complaint, by its number and query code (in the form, never in the address).
pub(super) async fn complaint_lookup(
    State(state): State<AppState>,
    display: Display,
    ClientAddress(client): ClientAddress,
    Form(f): Form<ComplaintLookupForm>,
) -> Response {
    let mut page = ComplaintLookupPage {
        display,
        back: "/public/complaints/lookup".into(),
        number: f.number.trim().to_owned(),
        failed: false,
        c: None,
    };
    match public::complaint_lookup(&state, client, &f.number, &f.query_code).await {
        Ok(c) => {
            page.c = Some(c);
            let mut response = render(&page);
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(AppError::NotFound) => {
            page.failed = true;
            (StatusCode::NOT_FOUND, render(&page)).into_response()
        }
        Err(e) => PortalError::from(e).page(display),
    }
}
