//! 办事 (CDR-4, CDR-2): residents' service requests, taken by the first staff member asked, done on
//! the spot or guided to the cadre responsible, who records them done. Not petitions: no case, no
//! limit, no place in the measures.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::duty::DutyPerson;
use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::service_requests::{self, ServiceLine};
use huiyin_core::service_request::{ServiceDoneDraft, ServiceRequestDraft};

/// One service request.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ServiceRequestView {
    id: i64,
    /// The resident, as they gave their name; absent when they gave none.
    #[serde(skip_serializing_if = "Option::is_none")]
    resident: Option<String>,
    matter: String,
    unit: String,
    /// The first staff member asked (FED-1).
    received_by: DutyPerson,
    received_at: String,
    /// The cadre it was guided to (CDR-2); absent when done on the spot.
    #[serde(skip_serializing_if = "Option::is_none")]
    guided_to: Option<DutyPerson>,
    /// Who did it, when and what was done; absent while it waits on the cadre.
    #[serde(skip_serializing_if = "Option::is_none")]
    done_by: Option<DutyPerson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    done_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<String>,
    /// Whether the reader may record it done now.
    may_complete: bool,
}

impl ServiceRequestView {
    fn of(line: ServiceLine) -> ServiceRequestView {
        let r = line.record.request;
        ServiceRequestView {
            id: line.record.id,
            resident: r.resident,
            matter: r.matter,
            unit: line.unit_name,
            received_by: DutyPerson::of(&line.received_by),
            received_at: huiyin_app::views::instant(r.received_at),
            guided_to: line.guided_to.as_ref().map(DutyPerson::of),
            done_by: line.done_by.as_ref().map(DutyPerson::of),
            done_at: line.record.done_at.map(huiyin_app::views::instant),
            result: r.result,
            may_complete: line.may_complete,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ServiceRequestParams {
    /// A unit's code in the caller's scope (default their own); the units below it are included.
    unit: Option<String>,
    /// How many days back (1 … 366, default 30).
    days: Option<i64>,
}

/// The service requests of a unit and the units below it, newest first, those waiting on the
/// caller first.
#[utoipa::path(get, path = "/service-requests", tag = "service", params(ServiceRequestParams),
    responses((status = 200, body = [ServiceRequestView]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_service_requests(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(params): Query<ServiceRequestParams>,
) -> ApiResult<Json<Vec<ServiceRequestView>>> {
    let lines = service_requests::register(&state, &caller.actor, params.unit.as_deref(), params.days)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(lines.into_iter().map(ServiceRequestView::of).collect()))
}

/// Records a service request the caller was asked (CDR-4): `result` when done on the spot, `cadre`
/// (a login name of their unit or below) when guided to the cadre responsible.
#[utoipa::path(post, path = "/service-requests", tag = "service", request_body = ServiceRequestDraft,
    responses((status = 201, body = ServiceRequestView), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn record_service_request(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(draft): ApiJson<ServiceRequestDraft>,
) -> ApiResult<(StatusCode, Json<ServiceRequestView>)> {
    let line = service_requests::record(&state, &caller.actor, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(ServiceRequestView::of(line))))
}

/// Records a guided request done (CDR-2): the cadre it was guided to, or a supervisor or leader
/// whose scope holds it; once (409 after).
#[utoipa::path(post, path = "/service-requests/{id}/done", tag = "service", params(("id" = i64, Path)),
    request_body = ServiceDoneDraft,
    responses((status = 200, body = ServiceRequestView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn complete_service_request(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    ApiJson(draft): ApiJson<ServiceDoneDraft>,
) -> ApiResult<Json<ServiceRequestView>> {
    let line =
        service_requests::complete(&state, &caller.actor, id, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(ServiceRequestView::of(line)))
}
