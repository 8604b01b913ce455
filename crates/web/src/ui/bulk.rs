//! 批量交办、移交 from the case list (issue 17): the cases ticked in the list, one routing action,
//! each case judged alone by `huiyin_app::cases::bulk`, and a page saying what became of each.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, State};
use huiyin_core::Lang;
use serde_json::json;

use super::{Me, PageError, PageResult, Staff, check_csrf, render};
use huiyin_app::cases::CaseAction;
use huiyin_app::cases::bulk::act_on_many;
use huiyin_app::context::AppState;

/// One case's outcome as the page shows it.
pub(super) struct BulkRow {
    id: i64,
    case_number: String,
    done: bool,
    why: String,
}

#[derive(Template)]
#[template(path = "staff/bulk.html")]
pub(super) struct BulkPage {
    me: Option<Me>,
    csrf: String,
    title: &'static str,
    rows: Vec<BulkRow>,
    done: usize,
}

/// The bulk form: `action` (`assign` or `hand-off`), `unit`, `user`, `reason`, and a `case-{id}` box
/// for each case ticked.
pub(super) async fn bulk(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, f.get("csrf")).await?;
    let mut ids: Vec<i64> = f.keys().filter_map(|k| k.strip_prefix("case-")?.parse().ok()).collect();
    ids.sort_unstable();
    let field = |name: &str| f.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let (segment, title, body) = match field("action") {
        Some("hand-off") => (
            "hand-off",
            "批量移交",
            json!({"to_user": field("user"), "to_unit": field("unit"), "reason": field("reason")}),
        ),
        _ => ("assign", "批量交办", json!({"unit": field("unit"), "owner": field("user")})),
    };
    let action = match CaseAction::from_json(segment, body) {
        Some(Ok(action)) => action,
        _ => return Err(PageError(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "请完整填写批量操作。".into())),
    };
    let outcomes = act_on_many(&state, &staff.actor, &ids, &action).await?;
    let rows: Vec<BulkRow> = outcomes
        .into_iter()
        .map(|o| BulkRow {
            id: o.id,
            case_number: o.case_number.unwrap_or_else(|| format!("#{}", o.id)),
            done: o.result.is_ok(),
            why: o.result.err().map(|e| crate::error::ApiError::answer(Lang::Zh, &e).message).unwrap_or_default(),
        })
        .collect();
    let page = BulkPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        title,
        done: rows.iter().filter(|r| r.done).count(),
        rows,
    };
    Ok(render(&page))
}
