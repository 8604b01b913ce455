//! The online petition (GEN-1): the form, the check, sending it, and the receipt with the query code.

use crate::extract::ClientAddress;
use crate::ui::{Choice, choices, render};
use askama::Template;
use axum::extract::{Form, Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::public::{self, FormChecks, HONEYPOT_FIELD, Question, Receipt, Upload};
use huiyin_core::ValidationErrors;
use huiyin_core::case::{CaseDraft, PetitionerDraft, Purpose};
use huiyin_core::public::MAX_ONLINE_ATTACHMENTS;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::{Display, PortalError};

/// The online petition's fields as typed (step one, and hidden on step two).
#[derive(Default, Deserialize, Serialize, Clone)]
pub(super) struct PetitionForm {
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
pub(super) struct ClassGroup {
    name: String,
    options: Vec<(String, String)>,
    /// The unit's own classes, labelled with their whole path.
    usual: bool,
}

#[derive(Template)]
#[template(path = "public/submit.html")]
pub(super) struct SubmitPage {
    display: Display,
    back: String,
    f: PetitionForm,
    /// The units a petition may be sent to: those not closed.
    to_units: Vec<(String, String)>,
    /// Every unit, for where the problem is and whom it is about.
    units: Vec<(String, String)>,
    groups: Vec<ClassGroup>,
    purposes: Vec<Choice>,
    errors: Option<ValidationErrors>,
}

impl SubmitPage {
    /// The unit's own classes lead the picker.
    fn has_usual(&self) -> bool {
        self.groups.first().is_some_and(|g| g.usual)
    }

    fn err(&self, field: &str) -> String {
        super::public_field_error(self.errors.as_ref(), field, self.display.lang())
    }

    fn summary(&self) -> Vec<(String, String)> {
        super::error_summary(self.errors.as_ref(), self.display.lang())
    }
}

pub(super) async fn submit_page(
    state: &AppState,
    display: Display,
    f: PetitionForm,
    errors: Option<ValidationErrors>,
) -> Result<SubmitPage, AppError> {
    let all_units = state.store.units().await?;
    let classes = state.classes().await;
    let mut groups: Vec<ClassGroup> = Vec::new();
    // The unit's own classes first, under its name, when the petition is for a unit (issue 17).
    // A closed unit takes no petition: it is not offered to send to, nor are its classes put first;
    // it may still be where the problem is, or whom the petition is about.
    if let Some(unit) = all_units.iter().find(|u| u.code == f.unit && u.closed_at.is_none()) {
        let usual = huiyin_app::presets::first_classes(state, unit).await?;
        // In the order the unit (or its kind) names them (its most usual first), each in the classes' own order.
        let rank = |path: &str| usual.iter().position(|p| path.starts_with(p));
        let mut usual_classes: Vec<(usize, &huiyin_core::category::Category)> =
            classes.iter().filter(|c| c.active && c.level == 3).filter_map(|c| rank(&c.path).map(|r| (r, c))).collect();
        usual_classes.sort_by_key(|(r, _)| *r);
        let options: Vec<(String, String)> =
            usual_classes.into_iter().map(|(_, c)| (c.path.clone(), c.path.replace(" / ", " › "))).collect();
        if !options.is_empty() {
            let name = match display.lang() {
                huiyin_core::Lang::Zh => format!("{}常见问题", unit.name),
                huiyin_core::Lang::En => format!("Usual at {}", unit.name),
            };
            groups.push(ClassGroup { name, options, usual: true });
        }
    }
    for class in classes.iter().filter(|c| c.active && c.level == 3) {
        let mut names = class.path.split(" / ");
        let top = names.next().unwrap_or_default().to_owned();
        let rest: Vec<&str> = names.collect();
        let option = (class.path.clone(), rest.join(" › "));
        match groups.last_mut() {
            Some(group) if group.name == top && !group.usual => group.options.push(option),
            _ => groups.push(ClassGroup { name: top, options: vec![option], usual: false }),
        }
    }
    Ok(SubmitPage {
        display,
        back: "/public/submit".into(),
        purposes: choices(Purpose::ALL.iter().map(|p| (p.code(), p.label_zh())), &f.purpose),
        f,
        to_units: all_units
            .iter()
            .filter(|u| u.closed_at.is_none())
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect(),
        units: all_units.into_iter().map(|u| (u.code, u.name)).collect(),
        groups,
        errors,
    })
}

#[derive(Deserialize)]
pub(super) struct UnitParam {
    unit: Option<String>,
}

/// Step one: the empty form (for a unit, when the link names one), with a new idempotency key.
pub(super) async fn submit_form(
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
#[template(path = "public/review.html")]
pub(super) struct ReviewPage {
    display: Display,
    back: String,
    f: PetitionForm,
    hidden: Vec<(&'static str, String)>,
    unit_name: String,
    /// The unit was found by the place (TWN-2), not chosen.
    by_place: bool,
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
        super::public_field_error(self.errors.as_ref(), field, self.display.lang())
    }

    fn summary(&self) -> Vec<(String, String)> {
        super::error_summary(self.errors.as_ref(), self.display.lang())
    }
}

pub(super) async fn review_page(
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
        by_place: false,
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
pub(super) async fn submit_check(
    State(state): State<AppState>,
    display: Display,
    Form(raw): Form<HashMap<String, String>>,
) -> Response {
    let f: PetitionForm = serde_json::to_value(&raw).and_then(serde_json::from_value).unwrap_or_default();
    let outcome = if raw.contains_key("edit") {
        Err(None)
    } else {
        match public::check_petition(&state, &f.draft()).await {
            Ok((unit, by_place)) => Ok((unit, by_place)),
            Err(AppError::Invalid(errors)) => Err(Some(errors)),
            Err(e) => return PortalError::from(e).page(display),
        }
    };
    let page = match outcome {
        // TWN-2: the unit found by the place is shown, and sent as if chosen.
        Ok((unit, by_place)) => {
            let f = PetitionForm { unit, ..f };
            review_page(&state, display, f, None).await.map(|mut p| {
                p.by_place = by_place;
                render(&p)
            })
        }
        Err(errors) => {
            let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            submit_page(&state, display, f, errors).await.map(|p| (status, render(&p)).into_response())
        }
    };
    page.unwrap_or_else(|e| PortalError::from(e).page(display))
}

#[derive(Template)]
#[template(path = "public/receipt.html")]
pub(super) struct ReceiptPage {
    display: Display,
    back: String,
    r: Receipt,
}

/// Step two sent (multipart, with the files): the receipt, or the check page with what is wrong.
pub(super) async fn submit_send(
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
    let sent = match public::check_form(&state, &checks, Utc::now()).await {
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
