//! The public portal (GEN-1, GEN-11): pages for petitioners without an account, in a layout of their
//! own — the home page, the online petition (fill in, check, send, receipt), the case lookup, and
//! complaints against staff with their lookup (FED-12).
//! Every page works without JavaScript and by keyboard alone; a large-text, high-contrast display
//! is one button away and kept in a cookie. The rules behind the pages live in [`huiyin_app::public`].

mod charters;
mod complaints;
mod lookup;
mod submit;
mod units;

use complaints::{complaint_form, complaint_lookup, complaint_lookup_form, complaint_send};
use lookup::{document, lookup, lookup_form, rate, review};
use submit::{submit_check, submit_form, submit_send};
use units::{unit, units};

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use huiyin_core::Lang;
use huiyin_core::event::Status;
use huiyin_core::limits::DeadlineKind;
use huiyin_core::public::MAX_ONLINE_ATTACHMENTS;
use serde::Deserialize;

use crate::ui::render;
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;

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
            Some(status) if self.en => status.label_for_petitioner_en().into(),
            _ => zh.into(),
        }
    }

    /// A moment (RFC 3339, as the API gives it) as the page's language writes it: 2026年11月30日 09:30.
    pub fn when(&self, instant: &str) -> String {
        match chrono::DateTime::parse_from_rfc3339(instant) {
            Ok(t) => {
                let t = t.with_timezone(&huiyin_core::case::CHINA_OFFSET);
                if self.en {
                    t.format("%-d %b %Y %H:%M").to_string()
                } else {
                    t.format("%Y年%-m月%-d日 %H:%M").to_string()
                }
            }
            Err(_) => self.day(instant),
        }
    }

    /// A day (`2026-11-30`) as the page's language writes it: 2026年11月30日.
    pub fn day(&self, day: &str) -> String {
        match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            Ok(d) if self.en => d.format("%-d %b %Y").to_string(),
            Ok(d) => d.format("%Y年%-m月%-d日").to_string(),
            Err(_) => day.to_owned(),
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
    pub fn measure(&self, label: &str, label_en: &str) -> String {
        self.t(label, label_en).into()
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
#[template(path = "public/message.html")]
struct PortalMessage {
    display: Display,
    back: String,
    title: String,
    text: String,
}

#[derive(Template)]
#[template(path = "public/home.html")]
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

/// The public portal's routes.
/// A form's mistakes, all at once, each as a link to its field: (the field's id on the page, the
/// message, which names the field as the form labels it). The summary takes the focus, so that a
/// screen reader reads it first and a keyboard user goes from it to each field (issue 17).
pub(crate) fn error_summary(errors: Option<&huiyin_core::ValidationErrors>, lang: Lang) -> Vec<(String, String)> {
    let id = |field: &str| match field {
        "challenge" => "answer".to_owned(),
        f => f.strip_prefix("petitioner.").map_or_else(|| f.replace('.', "_"), str::to_owned),
    };
    errors.map(|e| e.iter().map(|f| (id(&f.field), public_message(f, lang))).collect()).unwrap_or_default()
}

/// A mistake in the words of the public forms, which name some fields otherwise than the staff
/// pages do (`单位` for the registering unit, `问题类别` for the content class).
pub(crate) fn public_message(e: &huiyin_core::FieldError, lang: Lang) -> String {
    let en = lang == Lang::En;
    let label = match e.field.as_str() {
        "unit" => Some(if en { "Office" } else { "单位" }),
        "category" => Some(if en { "Kind of matter" } else { "问题类别" }),
        "content" => Some(if en { "Your statement" } else { "反映内容" }),
        "headcount" => Some(if en { "Number of people" } else { "反映人数" }),
        "place" => Some(if en { "Where the problem is" } else { "问题发生地点" }),
        "place_unit" => Some(if en { "The place belongs to" } else { "问题所在地属于" }),
        // The complaint form's kind of complaint.
        "kind" => Some(if en { "Kind" } else { "问题类型" }),
        _ => None,
    };
    match label {
        Some(label) => e.message_labelled(lang, label),
        None => e.message(lang),
    }
}

/// A field's mistake under the field, in the public forms' words.
pub(crate) fn public_field_error(errors: Option<&huiyin_core::ValidationErrors>, field: &str, lang: Lang) -> String {
    match errors.and_then(|e| e.iter().find(|f| f.field == field)) {
        Some(e) => format!(
            "<p class=\"field-error\" id=\"{}-err\">{}</p>",
            crate::ui::escape(field),
            crate::ui::escape(&public_message(e, lang))
        ),
        None => String::new(),
    }
}

pub fn router() -> Router<AppState> {
    let upload_limit = MAX_ONLINE_ATTACHMENTS * huiyin_core::attachment::MAX_BYTES + 256 * 1024;
    Router::new()
        .route("/public", get(home))
        .route("/public/display", post(set_display))
        .route("/public/submit", get(submit_form).post(submit_check))
        .route("/public/submit/send", post(submit_send).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/public/lookup", get(lookup_form).post(lookup))
        .route("/public/complaints", get(complaint_form).post(complaint_send))
        .route("/public/complaints/lookup", get(complaint_lookup_form).post(complaint_lookup))
        .route("/public/document", post(document))
        .route("/public/rate", post(rate))
        .route("/public/review", post(review))
        .route("/public/units", get(units))
        .route("/public/units/{code}", get(unit))
        .route("/public/charters/{id}", get(charters::charter))
}
