//! Without an account: a petitioner's lookup, rating and review request (GEN-11); a unit's public
//! page, and its public information and reception schedule set by administrators (COM-3, FED-3).

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::units;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct QueryCodeParam {
    /// The eight-digit query code the petitioner was given at registration.
    query_code: String,
}

/// A case as its petitioner sees it, without an account (GEN-11): where it stands in plain words,
/// the time limits, and the steps that answer the petitioner (the reply's text among them). A wrong
/// number and a wrong code both answer 404, and an address that keeps failing is answered slowly.
#[utoipa::path(get, path = "/public/cases/{case_number}", tag = "public",
    params(("case_number" = String, Path, description = "The case number, e.g. XS-2026-000123"), QueryCodeParam),
    responses((status = 200, body = huiyin_app::public::PublicCase), (status = 404, body = ErrorBody),
               (status = 429, body = ErrorBody)))]
pub(super) async fn public_case(
    State(state): State<AppState>,
    crate::extract::ClientAddress(client): crate::extract::ClientAddress,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path(case_number): Path<String>,
    Query(params): Query<QueryCodeParam>,
) -> ApiResult<Json<huiyin_app::public::PublicCase>> {
    let found = huiyin_app::public::lookup(&state, client, &case_number, &params.query_code).await;
    Ok(Json(found.map_err(|e| refuse(lang, e))?))
}

/// One of the petitioner's documents as PDF (GEN-3): the receipt, a notice, or the handling opinion
/// once sent (`documents` in the lookup). Other documents, a wrong number or a wrong code: 404.
#[utoipa::path(get, path = "/public/cases/{case_number}/documents/{kind}/{issued_by}", tag = "public",
    params(("case_number" = String, Path), ("kind" = String, Path), ("issued_by" = i64, Path), QueryCodeParam),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody),
               (status = 429, body = ErrorBody)))]
pub(super) async fn public_document(
    State(state): State<AppState>,
    crate::extract::ClientAddress(client): crate::extract::ClientAddress,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path((case_number, kind, issued_by)): Path<(String, String, i64)>,
    Query(params): Query<QueryCodeParam>,
) -> ApiResult<axum::response::Response> {
    let found =
        huiyin_app::public::document_pdf(&state, client, &case_number, &params.query_code, &kind, issued_by).await;
    let (record, blob) = found.map_err(|e| refuse(lang, e))?;
    Ok(crate::pdf_response(&record, blob))
}

/// A petitioner's rating, with the query code that proves the case is theirs.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PublicRatingBody {
    query_code: String,
    /// The petition office: `satisfied`, `basically_satisfied` or `dissatisfied`.
    office: Option<String>,
    /// The handling unit, likewise.
    unit: Option<String>,
    reason: Option<String>,
}

/// The petitioner rates the reply (GEN-9): the petition office and the handling unit, once per
/// reply, within the rating window after it (`rate_until` in the lookup). A wrong number or code
/// answers 404 as the lookup does; a rating out of time or a second one answers 409.
#[utoipa::path(post, path = "/public/cases/{case_number}/rating", tag = "public",
    params(("case_number" = String, Path)), request_body = PublicRatingBody,
    responses((status = 200, body = huiyin_app::public::PublicCase), (status = 404, body = ErrorBody),
               (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(super) async fn public_rating(
    State(state): State<AppState>,
    crate::extract::ClientAddress(client): crate::extract::ClientAddress,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path(case_number): Path<String>,
    ApiJson(body): ApiJson<PublicRatingBody>,
) -> ApiResult<Json<huiyin_app::public::PublicCase>> {
    let draft = huiyin_core::lifecycle::RateDraft {
        office: body.office,
        unit: body.unit,
        reason: body.reason,
        ..Default::default()
    };
    let rated = huiyin_app::public::rate(&state, client, &case_number, &body.query_code, &draft).await;
    Ok(Json(rated.map_err(|e| refuse(lang, e))?))
}

/// A petitioner's request for review, with the query code.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PublicReviewBody {
    query_code: String,
    /// Why the petitioner disagrees with the reply.
    reason: Option<String>,
}

/// The petitioner asks for review (复查), or re-review (复核) after a review, within 30 days of the
/// reply (GEN-5; `review_until` in the lookup). It goes to the unit above the one that replied.
#[utoipa::path(post, path = "/public/cases/{case_number}/review-request", tag = "public",
    params(("case_number" = String, Path)), request_body = PublicReviewBody,
    responses((status = 200, body = huiyin_app::public::PublicCase), (status = 404, body = ErrorBody),
               (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(super) async fn public_review_request(
    State(state): State<AppState>,
    crate::extract::ClientAddress(client): crate::extract::ClientAddress,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path(case_number): Path<String>,
    ApiJson(body): ApiJson<PublicReviewBody>,
) -> ApiResult<Json<huiyin_app::public::PublicCase>> {
    let requested =
        huiyin_app::public::request_review(&state, client, &case_number, &body.query_code, body.reason).await;
    Ok(Json(requested.map_err(|e| refuse(lang, e))?))
}

/// A unit as listed on the public side.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct PublicUnitRef {
    code: String,
    name: String,
}

/// The units a petitioner may write to and read about, without an account (COM-3).
#[utoipa::path(get, path = "/public/units", tag = "public", responses((status = 200, body = Vec<PublicUnitRef>)))]
pub(super) async fn public_units(
    State(state): State<AppState>,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
) -> ApiResult<Json<Vec<PublicUnitRef>>> {
    let units = huiyin_app::public::public_units(&state).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(units.into_iter().map(|(code, name)| PublicUnitRef { code, name }).collect()))
}

/// What a unit tells the public (COM-3, FED-3, SCH-4): hotline, address, reception hours, the
/// procedure, and its measures over the last twelve months (GEN-9: 及时受理率, 按期办结率, 满意率).
#[utoipa::path(get, path = "/public/units/{code}", tag = "public", params(("code" = String, Path)),
    responses((status = 200, body = huiyin_app::public::PublicUnit), (status = 404, body = ErrorBody)))]
pub(super) async fn public_unit(
    State(state): State<AppState>,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path(code): Path<String>,
) -> ApiResult<Json<huiyin_app::public::PublicUnit>> {
    Ok(Json(huiyin_app::public::public_unit(&state, &code).await.map_err(|e| refuse(lang, e))?))
}

/// Sets what a unit tells the public (administrators): every part is required, and the hours are
/// written like `1-5 10:00-12:30,16:00-18:00`. Answers with the unit's public page.
#[utoipa::path(put, path = "/units/{code}/public-info", tag = "public", params(("code" = String, Path)),
    request_body = huiyin_core::unit::PublicInfoDraft,
    responses((status = 200, body = huiyin_app::public::PublicUnit), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn set_public_info(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<huiyin_core::unit::PublicInfoDraft>,
) -> ApiResult<Json<huiyin_app::public::PublicUnit>> {
    let lang = caller.lang;
    units::set_unit_public_info(&state, &caller.actor, &code, &body).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(huiyin_app::public::public_unit(&state, &code).await.map_err(|e| refuse(lang, e))?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ReceptionScheduleBody {
    /// The whole week, at most one leader a day; an empty list clears the schedule.
    days: Vec<huiyin_core::unit::ReceptionDay>,
}

/// Replaces a unit's weekly reception schedule (administrators; FED-3, FED-4): for each weekday the
/// leader who receives petitioners all day, with title and credential number, shown on the unit's
/// public page. Answers with the unit's public page.
#[utoipa::path(put, path = "/units/{code}/reception-schedule", tag = "public", params(("code" = String, Path)),
    request_body = ReceptionScheduleBody,
    responses((status = 200, body = huiyin_app::public::PublicUnit), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn set_reception_schedule(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<ReceptionScheduleBody>,
) -> ApiResult<Json<huiyin_app::public::PublicUnit>> {
    let lang = caller.lang;
    units::set_reception_schedule(&state, &caller.actor, &code, &body.days).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(huiyin_app::public::public_unit(&state, &code).await.map_err(|e| refuse(lang, e))?))
}
