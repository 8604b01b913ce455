//! The audit log of administration (issue 18): read by administrators, within their units.

use axum::Json;
use axum::extract::{Query, State};
use serde::Serialize;

use super::refuse;
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::audit::{self, AuditParams};
use huiyin_app::context::AppState;

/// One entry: who changed what, when, the value before and after.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct AuditEntry {
    id: i64,
    /// RFC 3339.
    at: String,
    /// Who acted, by login name (`_operator`: the server's command line); absent for a failed
    /// sign-in (the account tried is the target) and for what was done before there was any
    /// account (the first unit).
    actor: Option<String>,
    /// `user.add`, `user.card`, `user.disable`, `user.enable`, `user.password`, `user.password_reset`,
    /// `token.create`, `token.revoke`, `token.revoke_all`, `unit.add`, `unit.rename`, `unit.public_info`,
    /// `unit.schedule`, `unit.limits`, `unit.letterhead`, `calendar.import`, `category.add`,
    /// `category.edit`, `search.words`, `login.success`, `login.failure`.
    action: String,
    /// The account (login name), unit (code) or setting the entry is about.
    target: String,
    /// The value before and after, as JSON (an object, or a list for a schedule or the classes
    /// edited); a secret is written only as changed.
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    /// The address a sign-in came from.
    address: Option<String>,
}

/// A page of the audit log.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct AuditPage {
    items: Vec<AuditEntry>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// The audit log, newest first (administrators): every change to accounts, units and settings in
/// the caller's scope and every sign-in there; an administrator of a top unit also reads what
/// belongs to the whole installation (the holiday calendar, the content classes, the dictionary).
#[utoipa::path(get, path = "/audit", tag = "accounts", params(AuditParams),
    responses((status = 200, body = AuditPage), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_audit(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(params): Query<AuditParams>,
) -> ApiResult<Json<AuditPage>> {
    let page = audit::admin_events(&state, &caller.actor, &params).await.map_err(|e| refuse(caller.lang, e))?;
    let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    Ok(Json(AuditPage {
        items: page
            .items
            .into_iter()
            .map(|e| AuditEntry {
                id: e.id,
                at: e.at.to_rfc3339(),
                actor: e.actor,
                action: e.action,
                target: e.target,
                before: json(e.before),
                after: json(e.after),
                address: e.address,
            })
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}
