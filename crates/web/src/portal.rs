//! The public portal (GEN-1, GEN-11): pages for petitioners without an account, in a layout of their
//! own — the home page, the online petition (fill in, check, send, receipt) and the case lookup.
//! Every page works without JavaScript and by keyboard alone; a large-text, high-contrast display
//! is one button away and kept in a cookie. The rules behind the pages live in [`huiyin_app::public`].

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, FromRequestParts, Multipart, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use huiyin_core::case::{CaseDraft, PetitionerDraft, Purpose};
use huiyin_core::event::Status;
use huiyin_core::limits::DeadlineKind;
use huiyin_core::public::MAX_ONLINE_ATTACHMENTS;
use huiyin_core::{Lang, ValidationErrors};
use serde::{Deserialize, Serialize};

use crate::extract::ClientAddress;
use crate::ui::{Choice, choices, field_error, render};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::public::{self, FormChecks, HONEYPOT_FIELD, Question, Receipt, Upload};

/// The cookie that keeps the large-text, high-contrast display.
const DISPLAY_COOKIE: &str = "huiyin_display";
/// The cookie that keeps the language of the public pages (Chinese unless it says `en`).
const LANG_COOKIE: &str = "huiyin_lang";

/// How the petitioner wants the pages shown: large text, and Chinese or English.
#[derive(Debug, Clone, Copy, Default)]
pub struct Display {
    pub large: bool,
    pub en: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Display {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let cookies: Vec<String> = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .map(|c| c.trim().to_owned())
            .collect();
        let has = |cookie: String| cookies.contains(&cookie);
        Ok(Display { large: has(format!("{DISPLAY_COOKIE}=large")), en: has(format!("{LANG_COOKIE}=en")) })
    }
}

impl Display {
    /// The text in the page's language.
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.en { en } else { zh }
    }

    pub fn lang(&self) -> Lang {
        if self.en { Lang::En } else { Lang::Zh }
    }

    pub fn html_lang(&self) -> &'static str {
        if self.en { "en" } else { "zh-CN" }
    }

    /// A case's status in the page's language (`zh` is the Chinese label the view carries).
    pub fn status(&self, code: &str, zh: &str) -> String {
        match Status::ALL.iter().find(|s| s.code() == code) {
            Some(status) if self.en => status.label_en().into(),
            _ => zh.into(),
        }
    }

    /// A time limit's name in the page's language.
    pub fn deadline(&self, kind: &str, zh: &str) -> String {
        match DeadlineKind::parse(kind) {
            Some(kind) if self.en => kind.label_en().into(),
            _ => zh.into(),
        }
    }

    /// A public measure's name in the page's language.
    pub fn measure(&self, code: &str, zh: &str) -> String {
        let en = match code {
            "timely_acceptance" => "Timely acceptance",
            "on_time_closure" => "On-time closure",
            "satisfaction" => "Satisfaction",
            _ => zh,
        };
        self.t(zh, en).into()
    }

    /// A public step's name in the page's language.
    pub fn step(&self, kind: &str, zh: &str) -> String {
        if self.en { huiyin_core::public::step_label_en(kind).into() } else { zh.into() }
    }
}

/// A failure on a public page, shown in the public layout: status, Chinese and English text.
struct PortalError(StatusCode, String, String);

impl From<AppError> for PortalError {
    fn from(e: AppError) -> Self {
        let en = crate::error::ApiError::answer(Lang::En, &e).message;
        let zh = crate::error::ApiError::logged(Lang::Zh, e);
        PortalError(zh.status, zh.message, en)
    }
}

impl PortalError {
    fn page(self, display: Display) -> Response {
        let page = PortalMessage {
            display,
            back: "/public".into(),
            title: display.t("未能完成", "Not done").into(),
            text: if display.en { self.2 } else { self.1 },
        };
        (self.0, render(&page)).into_response()
    }
}

#[derive(Template)]
#[template(path = "public_message.html")]
struct PortalMessage {
    display: Display,
    back: String,
    title: String,
    text: String,
}

#[derive(Template)]
#[template(path = "public_home.html")]
struct HomePage {
    display: Display,
    back: String,
}

async fn home(display: Display) -> Response {
    render(&HomePage { display, back: "/public".into() })
}

#[derive(Deserialize)]
struct DisplayForm {
    /// `1` for large text, `0` for the standard; absent leaves it.
    large: Option<String>,
    /// `en` or `zh`; absent leaves it.
    lang: Option<String>,
    #[serde(default)]
    back: String,
}

/// Switches the large-text display or the language for a year, then returns to the page it came
/// from.
async fn set_display(Form(f): Form<DisplayForm>) -> Response {
    let back = if f.back.starts_with("/public") && !f.back.contains("//") { f.back } else { "/public".into() };
    let cookie = |name: &str, value: Option<&str>| match value {
        Some(v) => format!("{name}={v}; Path=/public; Max-Age=31536000; SameSite=Lax; HttpOnly"),
        None => format!("{name}=; Path=/public; Max-Age=0; SameSite=Lax; HttpOnly"),
    };
    let mut response = Redirect::to(&back).into_response();
    let mut set = Vec::new();
    if let Some(large) = f.large {
        set.push(cookie(DISPLAY_COOKIE, (large == "1").then_some("large")));
    }
    if let Some(lang) = f.lang {
        set.push(cookie(LANG_COOKIE, (lang == "en").then_some("en")));
    }
    for value in set {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The online petition's fields as typed (step one, and hidden on step two).
#[derive(Default, Deserialize, Serialize, Clone)]
struct PetitionForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    headcount: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    place_unit: String,
    #[serde(default)]
    accused_name: String,
    #[serde(default)]
    accused_unit: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    submission_key: String,
}

impl PetitionForm {
    fn draft(&self) -> CaseDraft {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        CaseDraft {
            channel: Some("online".into()),
            unit: some(&self.unit),
            petitioner: Some(PetitionerDraft {
                name: some(&self.name),
                id_type: None,
                id_number: some(&self.id_number),
                phone: some(&self.phone),
                address: some(&self.address),
            }),
            // A number that does not parse is refused by the registration's own range check.
            headcount: some(&self.headcount).map(|h| h.parse::<i64>().unwrap_or(0)),
            category: some(&self.category),
            purpose: some(&self.purpose),
            content: some(&self.content),
            accused: crate::ui::accused_draft(&self.accused_name, &self.accused_unit, ""),
            place: some(&self.place),
            place_unit: some(&self.place_unit),
            ..Default::default()
        }
    }

    /// The fields as hidden inputs, carried from the check page to the sending.
    fn hidden(&self) -> Vec<(&'static str, String)> {
        vec![
            ("unit", self.unit.clone()),
            ("name", self.name.clone()),
            ("id_number", self.id_number.clone()),
            ("phone", self.phone.clone()),
            ("address", self.address.clone()),
            ("headcount", self.headcount.clone()),
            ("category", self.category.clone()),
            ("purpose", self.purpose.clone()),
            ("place", self.place.clone()),
            ("place_unit", self.place_unit.clone()),
            ("accused_name", self.accused_name.clone()),
            ("accused_unit", self.accused_unit.clone()),
            ("content", self.content.clone()),
            ("submission_key", self.submission_key.clone()),
        ]
    }
}

/// One top-level class with its third-level classes (`二级 › 三级`, full path as the value).
struct ClassGroup {
    name: String,
    options: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "public_submit.html")]
struct SubmitPage {
    display: Display,
    back: String,
    f: PetitionForm,
    units: Vec<(String, String)>,
    groups: Vec<ClassGroup>,
    purposes: Vec<Choice>,
    errors: Option<ValidationErrors>,
}

impl SubmitPage {
    fn err(&self, field: &str) -> String {
        field_error(self.errors.as_ref(), field, self.display.lang())
    }
}

async fn submit_page(
    state: &AppState,
    display: Display,
    f: PetitionForm,
    errors: Option<ValidationErrors>,
) -> Result<SubmitPage, AppError> {
    let units = state.store.units().await?.into_iter().map(|u| (u.code, u.name)).collect();
    let classes = state.classes().await;
    let mut groups: Vec<ClassGroup> = Vec::new();
    for class in classes.iter().filter(|c| c.active && c.level == 3) {
        let mut names = class.path.split(" / ");
        let top = names.next().unwrap_or_default().to_owned();
        let rest: Vec<&str> = names.collect();
        let option = (class.path.clone(), rest.join(" › "));
        match groups.last_mut() {
            Some(group) if group.name == top => group.options.push(option),
            _ => groups.push(ClassGroup { name: top, options: vec![option] }),
        }
    }
    Ok(SubmitPage {
        display,
        back: "/public/submit".into(),
        purposes: choices(Purpose::ALL.iter().map(|p| (p.code(), p.label_zh())), &f.purpose),
        f,
        units,
        groups,
        errors,
    })
}

#[derive(Deserialize)]
struct UnitParam {
    unit: Option<String>,
}

/// Step one: the empty form (for a unit, when the link names one), with a new idempotency key.
async fn submit_form(
    State(state): State<AppState>,
    display: Display,
    axum::extract::Query(q): axum::extract::Query<UnitParam>,
) -> Response {
    let key = match public::new_submission_key() {
        Ok(key) => key,
        Err(e) => return PortalError::from(e).page(display),
    };
    let f = PetitionForm {
        unit: q.unit.unwrap_or_default(),
        headcount: "1".into(),
        purpose: Purpose::Request.code().into(),
        submission_key: key,
        ..Default::default()
    };
    match submit_page(&state, display, f, None).await {
        Ok(page) => render(&page),
        Err(e) => PortalError::from(e).page(display),
    }
}

#[derive(Template)]
#[template(path = "public_review.html")]
struct ReviewPage {
    display: Display,
    back: String,
    f: PetitionForm,
    hidden: Vec<(&'static str, String)>,
    unit_name: String,
    place_unit_name: String,
    accused_unit_name: String,
    purpose_label: String,
    question: Question,
    honeypot: &'static str,
    max_files: usize,
    errors: Option<ValidationErrors>,
}

impl ReviewPage {
    fn err(&self, field: &str) -> String {
        field_error(self.errors.as_ref(), field, self.display.lang())
    }
}

async fn review_page(
    state: &AppState,
    display: Display,
    f: PetitionForm,
    errors: Option<ValidationErrors>,
) -> Result<ReviewPage, AppError> {
    let units = state.store.units().await?;
    let name_of = |code: &str| units.iter().find(|u| u.code == code).map(|u| u.name.clone()).unwrap_or_default();
    Ok(ReviewPage {
        display,
        back: "/public/submit".into(),
        hidden: f.hidden(),
        unit_name: name_of(&f.unit),
        place_unit_name: name_of(&f.place_unit),
        accused_unit_name: name_of(&f.accused_unit),
        purpose_label: Purpose::ALL.iter().find(|p| p.code() == f.purpose).map(|p| p.label_zh()).unwrap_or("").into(),
        question: public::new_question(state, Utc::now())?,
        honeypot: HONEYPOT_FIELD,
        max_files: MAX_ONLINE_ATTACHMENTS,
        errors,
        f,
    })
}

/// Step one sent: the form again with its mistakes, or step two, the check page. `edit` returns
/// from the check page to the form with everything kept.
async fn submit_check(
    State(state): State<AppState>,
    display: Display,
    Form(raw): Form<HashMap<String, String>>,
) -> Response {
    let f: PetitionForm = serde_json::to_value(&raw).and_then(serde_json::from_value).unwrap_or_default();
    let outcome = if raw.contains_key("edit") {
        Err(None)
    } else {
        match public::check_petition(&state, &f.draft()).await {
            Ok(()) => Ok(()),
            Err(AppError::Invalid(errors)) => Err(Some(errors)),
            Err(e) => return PortalError::from(e).page(display),
        }
    };
    let page = match outcome {
        Ok(()) => review_page(&state, display, f, None).await.map(|p| render(&p)),
        Err(errors) => {
            let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            submit_page(&state, display, f, errors).await.map(|p| (status, render(&p)).into_response())
        }
    };
    page.unwrap_or_else(|e| PortalError::from(e).page(display))
}

#[derive(Template)]
#[template(path = "public_receipt.html")]
struct ReceiptPage {
    display: Display,
    back: String,
    r: Receipt,
}

/// Step two sent (multipart, with the files): the receipt, or the check page with what is wrong.
async fn submit_send(
    State(state): State<AppState>,
    display: Display,
    ClientAddress(client): ClientAddress,
    mut form: Multipart,
) -> Response {
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut uploads = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return PortalError(StatusCode::BAD_REQUEST, format!("提交未完成:{e}"), format!("Not sent: {e}"))
                    .page(display);
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "attachments" {
            let filename = field.file_name().unwrap_or_default().to_owned();
            match field.bytes().await {
                // A file input left empty still sends one nameless, empty part.
                Ok(bytes) if bytes.is_empty() && filename.is_empty() => {}
                Ok(bytes) => uploads.push(Upload { filename, bytes: bytes.to_vec() }),
                Err(_) => {
                    return PortalError(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "附件过大:每个附件不超过 10 MB。".into(),
                        "A file is too large: at most 10 MB each.".into(),
                    )
                    .page(display);
                }
            }
        } else if let Ok(text) = field.text().await {
            fields.insert(name, text);
        }
    }
    let f: PetitionForm = serde_json::to_value(&fields).and_then(serde_json::from_value).unwrap_or_default();
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    let checks = FormChecks {
        honeypot: get(HONEYPOT_FIELD),
        question_token: get("question_token"),
        answer: get("answer"),
        consent: get("consent") == "1",
    };
    let sent = match public::check_form(&state, &checks, Utc::now()) {
        Ok(()) => public::submit_online(&state, client, &f.submission_key, &f.draft(), uploads).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match sent {
        Ok(r) => {
            let mut response = render(&ReceiptPage { display, back: "/public/submit".into(), r });
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(AppError::Invalid(errors)) => match review_page(&state, display, f, Some(errors)).await {
            Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response(),
            Err(e) => PortalError::from(e).page(display),
        },
        Err(e) => PortalError::from(e).page(display),
    }
}

/// The lookup page (GEN-11): the case number and query code in a form, never in the address; with
/// the case, the rating (GEN-9) and review request (GEN-5) forms when they are open.
#[derive(Template)]
#[template(path = "public_lookup.html")]
struct LookupPage {
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

async fn lookup_form(display: Display) -> Response {
    render(&LookupPage::new(display, ""))
}

#[derive(Deserialize)]
struct LookupForm {
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

async fn lookup(
    State(state): State<AppState>,
    display: Display,
    ClientAddress(client): ClientAddress,
    Form(f): Form<LookupForm>,
) -> Response {
    let found = public::lookup(&state, client, &f.case_number, &f.query_code).await;
    answer(&state, display, client, &f, found, "").await
}

/// The petitioner's rating from the lookup page (GEN-9).
async fn rate(
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
async fn review(
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
struct DocumentForm {
    case_number: String,
    query_code: String,
    kind: String,
    issued_by: i64,
}

/// One of the petitioner's documents as PDF, asked for with the number and code in a form (GEN-3).
async fn document(
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
async fn answer(
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

#[derive(Template)]
#[template(path = "public_units.html")]
struct UnitsPage {
    display: Display,
    back: String,
    units: Vec<(String, String)>,
}

/// Every unit, each linking to its public page (COM-3).
async fn units(State(state): State<AppState>, display: Display) -> Response {
    match public::public_units(&state).await {
        Ok(units) => render(&UnitsPage { display, back: "/public/units".into(), units }),
        Err(e) => PortalError::from(e).page(display),
    }
}

#[derive(Template)]
#[template(path = "public_unit.html")]
struct UnitPage {
    display: Display,
    back: String,
    u: public::PublicUnit,
}

/// A unit's public page: how to reach it, its hours and procedure, its measures (COM-3, GEN-9).
async fn unit(
    State(state): State<AppState>,
    display: Display,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Response {
    match public::public_unit(&state, &code).await {
        Ok(u) => render(&UnitPage { display, back: format!("/public/units/{}", u.code), u }),
        Err(AppError::NotFound) => {
            PortalError(StatusCode::NOT_FOUND, "没有这个单位。".into(), "No such office.".into()).page(display)
        }
        Err(e) => PortalError::from(e).page(display),
    }
}

/// The public portal's routes.
pub fn router() -> Router<AppState> {
    let upload_limit = MAX_ONLINE_ATTACHMENTS * huiyin_core::attachment::MAX_BYTES + 256 * 1024;
    Router::new()
        .route("/public", get(home))
        .route("/public/display", post(set_display))
        .route("/public/submit", get(submit_form).post(submit_check))
        .route("/public/submit/send", post(submit_send).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/public/lookup", get(lookup_form).post(lookup))
        .route("/public/document", post(document))
        .route("/public/rate", post(rate))
        .route("/public/review", post(review))
        .route("/public/units", get(units))
        .route("/public/units/{code}", get(unit))
}
