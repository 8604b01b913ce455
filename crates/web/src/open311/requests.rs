//! Requests: filing an online petition with an api_key, and the public requests (online cases that
//! accuse nobody, without personal data), listed or one by one.

use crate::auth::Actor;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use huiyin_app::cases;
use huiyin_app::context::{AppState, token_hash};
use huiyin_app::error::AppError;
use huiyin_app::public;
use huiyin_app::views::{DeadlineView, instant};
use huiyin_core::case::{CaseDraft, Channel, PetitionerDraft};
use huiyin_core::category::Category;
use huiyin_core::event::Status;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

use super::services::leaves;
use super::{DEFAULT_WINDOW_DAYS, Format, GeoError, MAX_REQUESTS, document, split};

/// `POST requests`: files an online petition as the api_key's account.
pub(super) async fn post_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some(("requests", format)) = split(&file) else { return GeoError::not_found(&file).respond(Format::Json) };
    match file_request(&state, &form).await {
        Ok(value) => document(format, "service_requests", &value),
        Err(e) => e.respond(format),
    }
}

pub(super) async fn file_request(state: &AppState, form: &HashMap<String, String>) -> Result<Value, GeoError> {
    let get = |k: &str| form.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let actor = api_key_actor(state, get("api_key").as_deref()).await?;
    let code = get("service_code").ok_or_else(|| GeoError::bad("service_code is required"))?;
    let classes = state.classes().await;
    let class = leaves(&classes).find(|c| c.code == code).ok_or_else(|| GeoError::not_found("service_code"))?;
    let place = match (get("address_string"), get("lat"), get("long")) {
        (Some(address), _, _) => address,
        (None, Some(lat), Some(long)) => format!("{lat},{long}"),
        _ => return Err(GeoError::bad("a location is required: address_string, or lat and long")),
    };
    // TWN-2: a point routes a request that names no unit, as an address does.
    let point = match (get("lat"), get("long")) {
        (Some(lat), Some(long)) => {
            let mut errors = Vec::new();
            let point = match (lat.trim().parse::<f64>(), long.trim().parse::<f64>()) {
                (Ok(lat), Ok(long)) => huiyin_core::territory::Point::parse(lat, long, "location", &mut errors),
                _ => None,
            };
            Some(point.ok_or_else(|| GeoError::bad("lat and long are degrees: lat -90 to 90, long -180 to 180"))?)
        }
        _ => None,
    };
    let attribute = |k: &str| get(&format!("attribute[{k}]"));
    let name = match (get("last_name"), get("first_name")) {
        (Some(last), Some(first)) => Some(format!("{last}{first}")),
        (last, first) => last.or(first),
    };
    let mut draft = CaseDraft {
        channel: Some(Channel::Online.code().into()),
        unit: attribute("unit"),
        petitioner: Some(PetitionerDraft {
            name,
            id_type: None,
            id_number: attribute("id_number"),
            phone: get("phone"),
            address: attribute("petitioner_address"),
        }),
        headcount: attribute("headcount").map(|h| h.parse::<i64>().unwrap_or(0)),
        category: Some(class.path.clone()),
        purpose: attribute("purpose"),
        content: get("description"),
        accused: crate::ui::accused_draft(
            &attribute("accused_name").unwrap_or_default(),
            &attribute("accused_unit").unwrap_or_default(),
            "",
        ),
        place: Some(place),
        place_unit: attribute("place_unit"),
        ..Default::default()
    };
    huiyin_app::territories::route_draft(state, &actor, &mut draft, point).await?;
    let now = Utc::now();
    let (registration, unit_id) = huiyin_app::public::check_online_registration(state, &actor, &draft, now).await?;
    let (id, query_code) = cases::write_registration(state, &actor, registration, unit_id, now).await?;
    let file = state.store.case_file(id).await.map_err(AppError::from)?.ok_or(AppError::NotFound)?;
    tracing::info!(case_id = id, account = %actor.user.username, "open311 request filed");
    Ok(json!([{
        "service_request_id": file.state.case_number,
        "token": file.state.case_number,
        "service_notice": format!(
            "已登记为信访件 {},查询码 {query_code}(只告知这一次)。凭编号和查询码可在 /public/lookup 查询办理情况。",
            file.state.case_number
        ),
        "account_id": Value::Null,
    }]))
}

/// The account an api_key acts as; it must be active.
pub(super) async fn api_key_actor(state: &AppState, key: Option<&str>) -> Result<Actor, GeoError> {
    let invalid = || GeoError(StatusCode::FORBIDDEN, "invalid api_key received".into());
    let key = key.ok_or_else(invalid)?;
    let holder = state.store.api_token_holder(&token_hash(key), chrono::Utc::now()).await.map_err(AppError::from)?;
    // A key registers: a read-only token is no key.
    let user = holder.filter(|h| h.user.active && h.scope.permits(false, true)).map(|h| h.user).ok_or_else(invalid)?;
    Actor::load(state, user).await.map_err(|e| GeoError::from(AppError::from(e)))
}

/// `GET requests`: online cases received in the window (by default the last 90 days), newest
/// first, at most 1,000; or the ones named by `service_request_id`.
pub(super) async fn list_requests(state: &AppState, params: &HashMap<String, String>) -> Result<Value, GeoError> {
    let get = |k: &str| params.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let extensions = get("extensions") == Some("true");
    let classes = state.classes().await;
    if let Some(ids) = get("service_request_id") {
        let mut out = Vec::new();
        for number in ids.split(',').map(str::trim).filter(|n| !n.is_empty()).take(MAX_REQUESTS) {
            if let Some(request) = one_request(state, number, extensions).await? {
                out.push(request);
            }
        }
        return Ok(Value::Array(out));
    }
    let date = |k: &str| -> Result<Option<DateTime<Utc>>, GeoError> {
        get(k)
            .map(|raw| {
                DateTime::parse_from_rfc3339(raw)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| GeoError::bad(format!("{k} must be an ISO 8601 date and time with a time zone")))
            })
            .transpose()
    };
    let (start, end) = (date("start_date")?, date("end_date")?);
    let window = chrono::Duration::days(DEFAULT_WINDOW_DAYS);
    let (start, end) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, s + window),
        (None, Some(e)) => (e - window, e),
        (None, None) => (Utc::now() - window, Utc::now()),
    };
    if start > end {
        return Err(GeoError::bad("start_date is after end_date"));
    }
    let statuses: Vec<&str> = get("status").map(|s| s.split(',').map(str::trim).collect()).unwrap_or_default();
    if let Some(bad) = statuses.iter().find(|s| !matches!(**s, "open" | "closed")) {
        return Err(GeoError::bad(format!("status {bad} is not open or closed")));
    }
    let codes: Vec<&str> = get("service_code").map(|s| s.split(',').map(str::trim).collect()).unwrap_or_default();
    let keep = |r: &public::PublicRequest| {
        (statuses.is_empty() || statuses.contains(&open_or_closed(r.status)))
            && (codes.is_empty() || codes.contains(&class_code(&classes, &r.category_path).as_str()))
    };
    let requests = public::public_requests(state, (start, end), MAX_REQUESTS, keep).await?;
    let out = requests
        .iter()
        .map(|r| {
            request_view(RequestFacts {
                number: &r.number,
                status: r.status,
                category_path: &r.category_path,
                code: class_code(&classes, &r.category_path),
                unit: &r.unit,
                received_at: r.received_at,
                updated_at: None,
                expected: r.expected,
                deadlines: extensions.then(Vec::new),
            })
        })
        .collect();
    Ok(Value::Array(out))
}

/// `GET requests/{id}`.
pub(super) async fn get_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some((number, format)) = split(&file) else { return GeoError::not_found(&file).respond(Format::Json) };
    let extensions = params.get("extensions").map(String::as_str) == Some("true");
    match one_request(&state, number, extensions).await {
        Ok(Some(request)) => document(format, "service_requests", &json!([request])),
        Ok(None) => GeoError::not_found("service_request_id").respond(format),
        Err(e) => e.respond(format),
    }
}

/// `GET tokens/{token}`: requests are filed at once, so a token is its request's number.
pub(super) async fn get_token(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((token, format)) = split(&file) else { return GeoError::not_found(&file).respond(Format::Json) };
    match one_request(&state, token, false).await {
        Ok(Some(_)) => document(format, "service_requests", &json!([{ "service_request_id": token, "token": token }])),
        Ok(None) => GeoError::not_found("token").respond(format),
        Err(e) => e.respond(format),
    }
}

/// An online case by its number, as a GeoReport request; other channels, and cases that accuse a unit
/// or a person (GEN-7), are not served (`huiyin_app::public::public_request`).
pub(super) async fn one_request(state: &AppState, number: &str, extensions: bool) -> Result<Option<Value>, GeoError> {
    let Some(r) = public::public_request(state, number).await? else { return Ok(None) };
    Ok(Some(request_view(RequestFacts {
        number: &r.number,
        status: r.status,
        code: r.category_code.clone().unwrap_or_default(),
        category_path: &r.category_path,
        unit: &r.unit,
        received_at: r.received_at,
        updated_at: r.updated_at,
        expected: r.expected,
        deadlines: extensions.then_some(r.deadlines),
    })))
}

/// What a GeoReport request shows of a case: nothing of the statement or of anyone's data.
pub(super) struct RequestFacts<'a> {
    number: &'a str,
    status: Status,
    category_path: &'a str,
    code: String,
    unit: &'a str,
    received_at: DateTime<Utc>,
    updated_at: Option<DateTime<Utc>>,
    expected: Option<chrono::NaiveDate>,
    /// With `extensions=true`: the time limits (a list leaves them out; a single request has them).
    deadlines: Option<Vec<DeadlineView>>,
}

pub(super) fn request_view(f: RequestFacts) -> Value {
    let mut v = Map::new();
    v.insert("service_request_id".into(), json!(f.number));
    v.insert("status".into(), json!(open_or_closed(f.status)));
    v.insert("status_notes".into(), json!(f.status.label_zh()));
    v.insert("service_name".into(), json!(f.category_path.rsplit(" / ").next().unwrap_or(f.category_path)));
    v.insert("service_code".into(), json!(f.code));
    v.insert("agency_responsible".into(), json!(f.unit));
    v.insert("requested_datetime".into(), json!(instant(f.received_at)));
    if let Some(updated) = f.updated_at {
        v.insert("updated_datetime".into(), json!(instant(updated)));
    }
    if let Some(due) = f.expected {
        v.insert("expected_datetime".into(), json!(format!("{due}T23:59:59+08:00")));
    }
    if let Some(deadlines) = f.deadlines {
        v.insert(
            "extended_attributes".into(),
            json!({ "status": f.status.code(), "status_label": f.status.label_zh(), "deadlines": deadlines }),
        );
    }
    Value::Object(v)
}

pub(super) fn open_or_closed(status: Status) -> &'static str {
    if Status::SETTLED.contains(&status) { "closed" } else { "open" }
}

pub(super) fn class_code(classes: &[Category], path: &str) -> String {
    classes.iter().find(|c| c.path == path).map(|c| c.code.clone()).unwrap_or_default()
}
