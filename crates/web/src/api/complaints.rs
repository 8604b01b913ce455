//! 对接待人员的投诉 (FED-12, CDR-5): complaints against staff, recorded, read by those who investigate
//! them (never by the person complained about), and concluded; a person's concluded complaints.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::duty::DutyPerson;
use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::complaints::{self, ComplaintLine};
use huiyin_app::context::AppState;
use huiyin_core::complaint::{ComplaintDraft, ComplaintKind, ComplaintSource, ConclusionDraft, Finding};

/// For an absence: who was on the unit's rota that day, and whether they signed in (FED-8).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ComplaintRotaView {
    person: DutyPerson,
    signed_in: bool,
}

/// A complaint against staff.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ComplaintView {
    id: i64,
    /// Its number (`TS2026-000012`), by which the complainant looks it up with its query code.
    number: String,
    /// The query code, in the answer that recorded the complaint or reissued its code only: tell it
    /// to the complainant.
    #[serde(skip_serializing_if = "Option::is_none")]
    query_code: Option<String>,
    /// The complainant's case it is linked to (filed on the portal with its number and query code),
    /// when the reader may read that case.
    #[serde(skip_serializing_if = "Option::is_none")]
    case_number: Option<String>,
    /// The name the complainant knows the staff member by, as they wrote it (on the portal).
    #[serde(skip_serializing_if = "Option::is_none")]
    staff_named: Option<String>,
    /// The unit whose staff or reception it is about (its code) and its name.
    unit: String,
    unit_name: String,
    /// The staff member it is about (for an absence with nobody named, the person on the rota).
    #[serde(skip_serializing_if = "Option::is_none")]
    staff: Option<DutyPerson>,
    kind: ComplaintKind,
    kind_label: &'static str,
    source: ComplaintSource,
    account: String,
    occurred_on: chrono::NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    complainant: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    received_by: Option<DutyPerson>,
    received_at: String,
    due_on: chrono::NaiveDate,
    overdue: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    rota: Option<ComplaintRotaView>,
    /// `founded` (属实), `partly_founded` (部分属实) or `unfounded` (不属实), once concluded.
    #[serde(skip_serializing_if = "Option::is_none")]
    finding: Option<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    measure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concluded_by: Option<DutyPerson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concluded_at: Option<String>,
    /// Whether the reader may conclude it now.
    may_conclude: bool,
}

impl ComplaintView {
    pub(super) fn of(line: ComplaintLine) -> ComplaintView {
        let r = line.record;
        let c = r.complaint;
        ComplaintView {
            id: r.id,
            number: line.number,
            query_code: line.query_code,
            case_number: line.case_number,
            staff_named: c.staff_named,
            unit: line.unit.code,
            unit_name: line.unit.name,
            staff: line.staff.as_ref().map(DutyPerson::of),
            kind: c.kind,
            kind_label: c.kind.label_zh(),
            source: c.source,
            account: c.account,
            occurred_on: c.occurred_on,
            complainant: c.complainant,
            phone: c.phone,
            received_by: line.received_by.as_ref().map(DutyPerson::of),
            received_at: huiyin_app::views::instant(c.received_at),
            due_on: c.due_on,
            overdue: line.overdue,
            rota: line.rota.map(|(person, signed_in)| ComplaintRotaView { person: DutyPerson::of(&person), signed_in }),
            finding: r.finding,
            summary: r.summary,
            measure: r.measure,
            concluded_by: line.concluded_by.as_ref().map(DutyPerson::of),
            concluded_at: r.concluded_at.map(huiyin_app::views::instant),
            may_conclude: line.may_conclude,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ComplaintParams {
    /// A unit's code of the caller's scope (default their own); the units below it are included.
    unit: Option<String>,
}

/// The complaints against the staff and reception of a unit and the units below it that the caller
/// reads — those they received, and as a supervisor or leader all of their units' — the overdue
/// first, then newest. Never one about the caller (FED-12: the person complained about never sees
/// who complained).
#[utoipa::path(get, path = "/complaints", tag = "integrity", params(ComplaintParams),
    responses((status = 200, body = [ComplaintView]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_complaints(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(params): Query<ComplaintParams>,
) -> ApiResult<Json<Vec<ComplaintView>>> {
    let lines =
        complaints::list(&state, &caller.actor, params.unit.as_deref()).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(lines.into_iter().map(ComplaintView::of).collect()))
}

/// Records a complaint against a staff member (`staff`) or a unit's reception (`unit`) received by
/// call, letter or visit; it is due to be concluded within the unit's `complaint_handling` limit. An
/// absence is traced to the person on the unit's rota that day. Nobody records one about themselves.
#[utoipa::path(post, path = "/complaints", tag = "integrity", request_body = ComplaintDraft,
    responses((status = 201, body = ComplaintView), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn record_complaint(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(draft): ApiJson<ComplaintDraft>,
) -> ApiResult<(StatusCode, Json<ComplaintView>)> {
    let line = complaints::record(&state, &caller.actor, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(ComplaintView::of(line))))
}

/// One complaint (404 for whoever does not read it, the person it is about first of all).
#[utoipa::path(get, path = "/complaints/{id}", tag = "integrity", params(("id" = i64, Path)),
    responses((status = 200, body = ComplaintView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_complaint(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<Json<ComplaintView>> {
    let line = complaints::complaint(&state, &caller.actor, id).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(ComplaintView::of(line)))
}

/// Concludes a complaint (a supervisor or leader of the unit or above, never the person it is
/// about): the finding, what was found, and the measure taken (required unless unfounded); once.
#[utoipa::path(post, path = "/complaints/{id}/conclude", tag = "integrity", params(("id" = i64, Path)),
    request_body = ConclusionDraft,
    responses((status = 200, body = ComplaintView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn conclude_complaint(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    ApiJson(draft): ApiJson<ConclusionDraft>,
) -> ApiResult<Json<ComplaintView>> {
    let line = complaints::conclude(&state, &caller.actor, id, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(ComplaintView::of(line)))
}

/// Gives a complaint a new query code (the complainant lost theirs): the old one stops working and a
/// lookup locked by guessing opens again. Whoever reads the complaint may; the answer carries the
/// new `query_code`, to be told to the complainant.
#[utoipa::path(post, path = "/complaints/{id}/reissue-query-code", tag = "integrity", params(("id" = i64, Path)),
    responses((status = 200, body = ComplaintView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn reissue_complaint_query_code(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<Json<ComplaintView>> {
    let line = complaints::reissue_query_code(&state, &caller.actor, id).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(ComplaintView::of(line)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ComplaintCodeParam {
    /// The eight-digit query code the complainant was given with the number.
    query_code: String,
}

/// A complaint as its complainant looks it up, without an account (FED-12): where it stands, and
/// once concluded the finding, what was found and the measure taken. A wrong number and a wrong code
/// both answer 404, and an address that keeps failing is answered slowly, as the case lookup.
/// Complaints are filed by the public on the portal (`/public/complaints`).
#[utoipa::path(get, path = "/public/complaints/{number}", tag = "public",
    params(("number" = String, Path, description = "The complaint number, e.g. TS2026-000012"), ComplaintCodeParam),
    responses((status = 200, body = huiyin_app::public::PublicComplaint), (status = 404, body = ErrorBody),
               (status = 429, body = ErrorBody)))]
pub(super) async fn public_complaint(
    State(state): State<AppState>,
    crate::extract::ClientAddress(client): crate::extract::ClientAddress,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path(number): Path<String>,
    Query(params): Query<ComplaintCodeParam>,
) -> ApiResult<Json<huiyin_app::public::PublicComplaint>> {
    let found = huiyin_app::public::complaint_lookup(&state, client, &number, &params.query_code).await;
    Ok(Json(found.map_err(|e| refuse(lang, e))?))
}

/// A concluded complaint as the person it was about reads it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ConcludedView {
    kind: ComplaintKind,
    kind_label: &'static str,
    occurred_on: chrono::NaiveDate,
    finding: Finding,
    finding_label: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    measure: Option<String>,
    concluded_on: chrono::NaiveDate,
}

/// The concluded complaints about a staff member (themselves, or a staff member of the caller's
/// scope): kind, day, finding and measure — nothing of who complained or what they said.
#[utoipa::path(get, path = "/users/{username}/complaints", tag = "integrity", params(("username" = String, Path)),
    responses((status = 200, body = [ConcludedView]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn person_complaints(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
) -> ApiResult<Json<Vec<ConcludedView>>> {
    let concluded =
        complaints::concluded_about(&state, &caller.actor, &username).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(
        concluded
            .into_iter()
            .map(|c| ConcludedView {
                kind: c.kind,
                kind_label: c.kind.label_zh(),
                occurred_on: c.occurred_on,
                finding: c.finding,
                finding_label: c.finding.label_zh(),
                measure: c.measure,
                concluded_on: c.concluded_on,
            })
            .collect(),
    ))
}
