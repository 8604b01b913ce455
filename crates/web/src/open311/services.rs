//! Services: the active third-level content classes (GEN-10), and each one's definition with huiyin's
//! own fields as attributes.

use axum::extract::{Path, State};
use axum::response::Response;
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_core::case::Purpose;
use huiyin_core::category::Category;
use serde_json::{Value, json};

use super::{Format, GeoError, document, split};

/// The classes a petition can be filed under: the active third-level ones.
pub(super) fn leaves(classes: &[Category]) -> impl Iterator<Item = &Category> {
    classes.iter().filter(|c| c.active && c.level == 3)
}

pub(super) fn services(classes: &[Category]) -> Value {
    Value::Array(
        leaves(classes)
            .map(|c| {
                json!({
                    "service_code": c.code,
                    "service_name": c.name,
                    "description": c.path,
                    "metadata": true,
                    "type": "realtime",
                    "keywords": "",
                    "group": c.path.split(" / ").next().unwrap_or_default(),
                })
            })
            .collect(),
    )
}

/// `GET services/{code}`: the service definition.
pub(super) async fn service_definition(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((code, format)) = split(&file) else { return GeoError::not_found(&file).respond(Format::Json) };
    let classes = state.classes().await;
    if !leaves(&classes).any(|c| c.code == code) {
        return GeoError::not_found("service_code").respond(format);
    }
    let units: Vec<Value> = match state.store.units().await {
        Ok(units) => units
            .into_iter()
            .filter(|u| u.closed_at.is_none())
            .map(|u| json!({ "key": u.code, "name": u.name }))
            .collect(),
        Err(e) => return GeoError::from(AppError::from(e)).respond(format),
    };
    let purposes: Vec<Value> = Purpose::ALL.iter().map(|p| json!({ "key": p.code(), "name": p.label_zh() })).collect();
    let attribute = |order: u32, code: &str, datatype: &str, required: bool, description: &str, values: &[Value]| {
        let mut a = json!({
            "variable": true,
            "code": code,
            "datatype": datatype,
            "required": required,
            "datatype_description": "",
            "order": order,
            "description": description,
        });
        if !values.is_empty() {
            a["values"] = Value::Array(values.to_vec());
        }
        a
    };
    let definition = json!({
        "service_code": code,
        "attributes": [
            attribute(
                1,
                "unit",
                "singlevaluelist",
                false,
                "向哪个单位反映;不选的,按地点(address_string 或 lat/long)送往属地单位 (the unit petitioned; without one, the unit whose territory holds the location)",
                &units,
            ),
            attribute(2, "purpose", "singlevaluelist", false, "信访目的 (purpose)", &purposes),
            attribute(3, "id_number", "string", false, "身份证号码 (resident ID number)", &[]),
            attribute(4, "petitioner_address", "string", false, "住址 (the petitioner's address)", &[]),
            attribute(5, "headcount", "number", false, "反映人数 (number of people)", &[]),
            attribute(6, "place_unit", "singlevaluelist", false, "问题所在地的单位 (the unit where the problem is)", &units),
            attribute(7, "accused_name", "string", false, "反映的人或单位 (the person or unit complained about)", &[]),
            attribute(
                8,
                "accused_unit",
                "singlevaluelist",
                false,
                "检举、控告的单位,对其保密且不交其办理 (the unit accused: it never sees or handles the request)",
                &units,
            ),
        ],
    });
    document(format, "service_definition", &definition)
}
