//! Open311 GeoReport v2 under `/open311/v2/` (issue 6): a civic app that speaks GeoReport files and
//! follows online petitions without knowing huiyin.
//!
//! - services are the third-level content classes (GEN-10); a service definition lists huiyin's own
//!   fields as attributes (the unit petitioned, purpose, ID number, headcount, …);
//! - `POST requests` needs an `api_key` (a token from `huiyin token create` for an account that may
//!   register) and registers an online case as that account; the query code goes back in
//!   `service_notice`, for the app to give the petitioner;
//! - `GET requests` lists online cases only, without the statement or anyone's personal data: the
//!   number, the class, the unit, the dates, `open` / `closed` with the status in words in
//!   `status_notes`, and with `extensions=true` the status code and the time limits;
//! - every resource in JSON and XML (`.json` / `.xml`), errors as `[{code, description}]`.

mod requests;
mod services;

use requests::{get_request, get_token, list_requests, post_request};
use services::{service_definition, services};
use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use huiyin_app::context::AppState;
use huiyin_app::error::AppError;

/// The default window of `GET requests` without dates, in days.
const DEFAULT_WINDOW_DAYS: i64 = 90;
/// The most requests one `GET requests` answers.
const MAX_REQUESTS: usize = 1000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// `services.json` → (`services`, JSON).
fn split(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    match ext {
        "json" => Some((name, Format::Json)),
        "xml" => Some((name, Format::Xml)),
        _ => None,
    }
}

/// A GeoReport error, answered in the specification's shape.
struct GeoError(StatusCode, String);

impl GeoError {
    fn bad(description: impl Into<String>) -> GeoError {
        GeoError(StatusCode::BAD_REQUEST, description.into())
    }

    fn not_found(what: &str) -> GeoError {
        GeoError(StatusCode::NOT_FOUND, format!("{what} not found"))
    }

    fn respond(self, format: Format) -> Response {
        let body = json!([{ "code": self.0.as_u16(), "description": self.1 }]);
        (self.0, document(format, "errors", &body)).into_response()
    }
}

impl From<AppError> for GeoError {
    fn from(e: AppError) -> Self {
        let field = match &e {
            AppError::Invalid(v) => Some(v.first().field.clone()),
            _ => None,
        };
        let answer = crate::error::ApiError::logged(huiyin_core::Lang::En, e);
        // Open311 reports a field's error as 400 with the field named (its own convention).
        match field {
            Some(field) => GeoError::bad(format!("{field}: {}", answer.message)),
            None => GeoError(answer.status, answer.message),
        }
    }
}

/// A body in the asked format: JSON as it is, XML with the root element named.
fn document(format: Format, root: &str, value: &Value) -> Response {
    let (body, content_type) = match format {
        Format::Json => (value.to_string(), "application/json; charset=utf-8"),
        Format::Xml => {
            let mut xml = String::from(r#"<?xml version="1.0" encoding="utf-8"?>"#);
            element(&mut xml, root, value);
            (xml, "text/xml; charset=utf-8")
        }
    };
    let mut response = body.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The element name of one item of a list, as GeoReport's XML names them.
fn item_name(list: &str) -> &'static str {
    match list {
        "services" => "service",
        "service_requests" => "request",
        "errors" => "error",
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        "deadlines" => "deadline",
        _ => "item",
    }
}

fn element(out: &mut String, name: &str, value: &Value) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(&escape_xml(s)),
        Value::Array(items) => items.iter().for_each(|item| element(out, item_name(name), item)),
        Value::Object(fields) => fields.iter().for_each(|(k, v)| element(out, k, v)),
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// `GET discovery`, `GET services`, `GET requests`.
async fn resource(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some((name, format)) = split(&file) else { return GeoError::not_found(&file).respond(Format::Json) };
    let answer = match name {
        "discovery" => Ok(("discovery", discovery())),
        "services" => Ok(("services", services(&state.classes().await))),
        "requests" => list_requests(&state, &params).await.map(|list| ("service_requests", list)),
        _ => Err(GeoError::not_found(name)),
    };
    match answer {
        Ok((root, value)) => document(format, root, &value),
        Err(e) => e.respond(format),
    }
}

fn discovery() -> Value {
    json!({
        "changeset": "2026-11-26T00:00:00+08:00",
        "contact": "各单位信访电话见 /public/units",
        "key_service": "api_key: an API token from `huiyin token create` for an account that may register cases",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "/open311/v2",
            "changeset": "2026-11-26T00:00:00+08:00",
            "type": "production",
            "formats": ["application/json", "text/xml"]
        }]
    })
}

/// The GeoReport routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{file}", get(resource).post(post_request))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests/{file}", get(get_request))
        .route("/open311/v2/tokens/{file}", get(get_token))
}
