//! The JSON API under `/api/v1` and its OpenAPI document (generated from these handlers).

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use huiyin_core::Lang;
use huiyin_core::case::CaseDraft;
use huiyin_core::category::Category;
use huiyin_core::event::{ActionDraft, HandOffDraft, ReportUpDraft};
use huiyin_core::lifecycle::{
    AnswerDraft, ClearFlagDraft, ExtendDraft, FlagDraft, HearingDraft, InstructDraft, LeaderDraft, LiaisonDraft,
    OpinionDraft, RateDraft, ReasonDraft, RejectDraft, ReturnVisitDraft, SendDraft, SetAccusedDraft,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::accounts;
use crate::app::{self, AppError, CaseAction, ListParams, ReportBackDraft};
use crate::auth::{ApiActor, lang_of};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::search::{self, IntakeDraft, IntakeReport};
use crate::state::AppState;
use crate::views::{CaseList, CaseView};

/// The largest JSON body the API accepts.
pub const JSON_LIMIT: usize = 256 * 1024;
/// How much of an oversized body is read and thrown away before answering 413, so that an ordinary
/// client finishes sending and reads the answer instead of a reset connection.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// Reads a body up to `limit` bytes; `None` if it is larger (after draining up to `DRAIN_LIMIT`).
async fn read_limited(body: Body, limit: usize) -> Result<Option<Vec<u8>>, axum::Error> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else { continue };
        seen += data.len();
        if seen <= limit {
            kept.extend_from_slice(&data);
        } else if seen > DRAIN_LIMIT.max(limit) {
            break;
        }
    }
    Ok((seen <= limit).then_some(kept))
}

/// A JSON body, refused with the API's error body: 413 over the limit, 400 when malformed or when it
/// has fields the endpoint does not know.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let lang = lang_of(&parts);
        let bytes = read_limited(Body::new(body), JSON_LIMIT)
            .await
            .map_err(|e| ApiError::malformed(lang, &e.to_string()))?
            .ok_or_else(|| ApiError::too_large(lang, JSON_LIMIT))?;
        if bytes.is_empty() {
            return serde_json::from_slice(b"{}").map(ApiJson).map_err(|e| ApiError::malformed(lang, &e.to_string()));
        }
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| ApiError::malformed(lang, &e.to_string()))
    }
}

fn refuse(lang: Lang, e: AppError) -> ApiError {
    ApiError::logged(lang, e)
}

/// The case as the caller may see it, with its deadlines.
async fn case_view(
    state: &AppState,
    caller: &ApiActor,
    id: i64,
    full: bool,
    code: Option<String>,
) -> ApiResult<CaseView> {
    let lang = caller.lang;
    let file = app::case_file(state, &caller.actor, id).await.map_err(|e| refuse(lang, e))?;
    app::view(state, &caller.actor, &file, full, code).await.map_err(|e| refuse(lang, e))
}

/// Registers a case (GEN-1, GEN-10). The caller becomes its first receiver (FED-1). The response
/// carries the petitioner's query code, which is shown this once.
#[utoipa::path(post, path = "/cases", tag = "cases", request_body = CaseDraft,
    responses((status = 201, body = CaseView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_case(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(draft): ApiJson<CaseDraft>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let (id, code) = app::register_case(&state, &caller.actor, &draft).await.map_err(|e| refuse(lang, e))?;
    Ok((StatusCode::CREATED, Json(case_view(&state, &caller, id, false, Some(code.to_string())).await?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct RevealParams {
    /// `true` to see ID number, phone and address in full; the view is logged (COM-4).
    reveal: Option<bool>,
}

/// One case with its timeline. Personal data is masked unless `reveal=true`.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases", params(("id" = i64, Path), RevealParams),
    responses((status = 200, body = CaseView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_case(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    Query(p): Query<RevealParams>,
) -> ApiResult<Json<CaseView>> {
    let lang = caller.lang;
    let _ = lang;
    Ok(Json(case_view(&state, &caller, id, p.reveal.unwrap_or(false), None).await?))
}

/// A page of the cases the caller may see (their unit and the units below), filtered and sorted,
/// with the total count. Personal data in lists is always masked.
#[utoipa::path(get, path = "/cases", tag = "cases", params(ListParams),
    responses((status = 200, body = CaseList), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_cases(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(p): Query<ListParams>,
) -> ApiResult<Json<CaseList>> {
    let lang = caller.lang;
    let listing = app::list_cases(&state, &caller.actor, &p).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(CaseList::new(&listing.page, &listing.terms)))
}

/// One handler per action of the case's life, made from the catalogue (`huiyin_app`'s
/// `for_each_case_action!`): the body is the action's draft; the answer is the case after the
/// action, or the error body and no change.
macro_rules! case_actions {
    ($(($name:ident, $segment:literal, $path:literal, $draft:ident, $variant:ident, $doc:literal)),* $(,)?) => {
        $(
            #[doc = $doc]
            #[utoipa::path(post, path = $path, tag = "lifecycle", params(("id" = i64, Path)), request_body = $draft,
                responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
                           (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
                security(("bearer" = [])))]
            async fn $name(
                State(state): State<AppState>,
                caller: ApiActor,
                Path(id): Path<i64>,
                ApiJson(draft): ApiJson<$draft>,
            ) -> ApiResult<Json<CaseView>> {
                let lang = caller.lang;
                let file = app::act(&state, &caller.actor, id, CaseAction::$variant(draft), None)
                    .await
                    .map_err(|e| refuse(lang, e))?;
                app::issue_after_action(&state, &file).await;
                Ok(Json(app::view(&state, &caller.actor, &file, false, None).await.map_err(|e| refuse(lang, e))?))
            }
        )*

        /// The operations of every case action, on their paths.
        fn case_action_routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
            router $(.routes(routes!($name)))*
        }
    };
}

huiyin_app::for_each_case_action!(case_actions);

/// Issues a new query code for the case; the old one stops working. The new code is in the response, once.
#[utoipa::path(post, path = "/cases/{id}/reissue-query-code", tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, body = CaseView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reissue_query_code(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<Json<CaseView>> {
    let lang = caller.lang;
    let code = app::reissue_query_code(&state, &caller.actor, id).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(case_view(&state, &caller, id, false, Some(code.to_string())).await?))
}

/// The content classification, retired classes included (marked `active: false`).
#[utoipa::path(get, path = "/categories", tag = "categories",
    responses((status = 200, body = Vec<Category>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_categories(State(state): State<AppState>, _caller: ApiActor) -> Json<Vec<Category>> {
    Json(state.classes().await.as_ref().clone())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewCategoryBody {
    /// The parent's code; absent for a new top-level class.
    parent: Option<String>,
    name: String,
}

/// Adds a class (administrators): it gets the next free code among its siblings.
#[utoipa::path(post, path = "/categories", tag = "categories", request_body = NewCategoryBody,
    responses((status = 201, body = Category), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn add_category(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(body): ApiJson<NewCategoryBody>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let class = app::add_category(&state, &caller.actor, body.parent.as_deref(), &body.name)
        .await
        .map_err(|e| refuse(lang, e))?;
    Ok((StatusCode::CREATED, Json(class)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct EditCategoryBody {
    /// A new name; the paths of the classes below change with it.
    name: Option<String>,
    /// `false` retires the class and everything below it; `true` restores them.
    active: Option<bool>,
}

/// Renames, retires or restores a class (administrators). Cases keep the class as registered.
#[utoipa::path(patch, path = "/categories/{code}", tag = "categories", params(("code" = String, Path)),
    request_body = EditCategoryBody,
    responses((status = 200, body = Vec<Category>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn edit_category(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<EditCategoryBody>,
) -> ApiResult<Json<Vec<Category>>> {
    let lang = caller.lang;
    let changed = app::edit_category(&state, &caller.actor, &code, body.name.as_deref(), body.active)
        .await
        .map_err(|e| refuse(lang, e))?;
    Ok(Json(changed))
}

/// A unit's time limits in force, and whether they are the unit's own or inherited.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct UnitLimitsView {
    unit: String,
    /// False when inherited from a unit above or the national defaults.
    own: bool,
    #[schema(value_type = Object)]
    rules: huiyin_core::limits::LimitRules,
}

/// The time limits in force for a unit (GEN-2 … GEN-5 as data).
#[utoipa::path(get, path = "/units/{code}/limits", tag = "limits", params(("code" = String, Path)),
    responses((status = 200, body = UnitLimitsView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_unit_limits(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<UnitLimitsView>> {
    let lang = caller.lang;
    let (rules, own) = app::unit_limits(&state, &caller.actor, &code).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(UnitLimitsView { unit: code, own, rules }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SetLimitsBody {
    /// `national`, `zhejiang` or `shandong`.
    preset: Option<String>,
    /// Or the whole set of limits, e.g. a preset's with some changed (see `GET`).
    #[schema(value_type = Option<Object>)]
    rules: Option<huiyin_core::limits::LimitRules>,
}

/// Sets a unit's time limits from a preset or as a whole (administrators); units below inherit them.
#[utoipa::path(put, path = "/units/{code}/limits", tag = "limits", params(("code" = String, Path)), request_body = SetLimitsBody,
    responses((status = 200, body = UnitLimitsView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn set_unit_limits(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<SetLimitsBody>,
) -> ApiResult<Json<UnitLimitsView>> {
    let lang = caller.lang;
    let rules = app::set_unit_limits(&state, &caller.actor, &code, body.preset.as_deref(), body.rules)
        .await
        .map_err(|e| refuse(lang, e))?;
    Ok(Json(UnitLimitsView { unit: code, own: true, rules }))
}

/// A unit's letterhead and signature block as its documents print them.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct LetterheadView {
    unit: String,
    /// False when the unit set none and prints its name.
    own: bool,
    /// 红头: printed in red above the title.
    letterhead: String,
    /// 落款: the lines printed above the date, e.g. the unit's full name and "(盖章)".
    signature: Vec<String>,
}

/// The intake check (FED-11, GEN-5, GEN-6, FED-6, TWN-14), for the registration form as the receiver
/// types: the petitioner's earlier cases (same ID number, or phone, or name and address), and what
/// they and other people's recent cases mean for this statement: 重复访, 不再受理, a collective
/// matter, 越级访. Nothing is written; registering records the same findings as flags.
#[utoipa::path(post, path = "/intake/check", tag = "search", request_body = IntakeDraft,
    responses((status = 200, body = IntakeReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn intake_check(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(draft): ApiJson<IntakeDraft>,
) -> ApiResult<Json<IntakeReport>> {
    let lang = caller.lang;
    Ok(Json(search::intake_check(&state, &caller.actor, &draft).await.map_err(|e| refuse(lang, e))?))
}

/// The words administrators added to the segmentation dictionary.
#[derive(Debug, serde::Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DictionaryWords {
    /// 2 to 20 letters or digits each: place names, local terms (e.g. 东坡村, 讨薪).
    words: Vec<String>,
}

/// The administrators' dictionary words, beside the shipped petition terms, unit names and classes.
#[utoipa::path(get, path = "/search/words", tag = "search",
    responses((status = 200, body = DictionaryWords), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_search_words(State(state): State<AppState>, caller: ApiActor) -> ApiResult<Json<DictionaryWords>> {
    let lang = caller.lang;
    let words = state.store.search_words().await.map_err(|e| refuse(lang, e.into()))?;
    Ok(Json(DictionaryWords { words }))
}

/// Adds words to the dictionary (administrators). New cases are segmented with them at once;
/// run `huiyin reindex` for the cases already indexed. Answers how many were new.
#[utoipa::path(post, path = "/search/words", tag = "search", request_body = DictionaryWords,
    responses((status = 200, body = AddedWords), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn add_search_words(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(body): ApiJson<DictionaryWords>,
) -> ApiResult<Json<AddedWords>> {
    let lang = caller.lang;
    let added = search::add_words(&state, &caller.actor, &body.words).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(AddedWords { added }))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct AddedWords {
    added: usize,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct SkipLevelRow {
    unit: crate::views::UnitRef,
    /// Cases flagged 越级 whose problem lies in this unit's territory.
    cases: i64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct QueryCodeParam {
    /// The eight-digit query code the petitioner was given at registration.
    query_code: String,
}

/// A case as its petitioner sees it, without an account (GEN-11): where it stands in plain words,
/// the time limits, and the steps that answer the petitioner (the reply's text among them). A wrong
/// number and a wrong code both answer 404, and an address that keeps failing is answered slowly.
#[utoipa::path(get, path = "/public/cases/{case_number}", tag = "public",
    params(("case_number" = String, Path, description = "The case number, e.g. XS-2026-000123"), QueryCodeParam),
    responses((status = 200, body = crate::public::PublicCase), (status = 404, body = ErrorBody),
               (status = 429, body = ErrorBody)))]
async fn public_case(
    State(state): State<AppState>,
    crate::extract::ClientAddress(client): crate::extract::ClientAddress,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path(case_number): Path<String>,
    Query(params): Query<QueryCodeParam>,
) -> ApiResult<Json<crate::public::PublicCase>> {
    let found = crate::public::lookup(&state, client, &case_number, &params.query_code).await;
    Ok(Json(found.map_err(|e| refuse(lang, e))?))
}

/// One of the petitioner's documents as PDF (GEN-3): the receipt, a notice, or the handling opinion
/// once sent (`documents` in the lookup). Other documents, a wrong number or a wrong code: 404.
#[utoipa::path(get, path = "/public/cases/{case_number}/documents/{kind}/{issued_by}", tag = "public",
    params(("case_number" = String, Path), ("kind" = String, Path), ("issued_by" = i64, Path), QueryCodeParam),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody),
               (status = 429, body = ErrorBody)))]
async fn public_document(
    State(state): State<AppState>,
    crate::extract::ClientAddress(client): crate::extract::ClientAddress,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path((case_number, kind, issued_by)): Path<(String, String, i64)>,
    Query(params): Query<QueryCodeParam>,
) -> ApiResult<axum::response::Response> {
    let found = crate::public::document_pdf(&state, client, &case_number, &params.query_code, &kind, issued_by).await;
    let (record, blob) = found.map_err(|e| refuse(lang, e))?;
    Ok(crate::pdf_response(&record, blob))
}

/// A petitioner's rating, with the query code that proves the case is theirs.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PublicRatingBody {
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
    responses((status = 200, body = crate::public::PublicCase), (status = 404, body = ErrorBody),
               (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn public_rating(
    State(state): State<AppState>,
    crate::extract::ClientAddress(client): crate::extract::ClientAddress,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path(case_number): Path<String>,
    ApiJson(body): ApiJson<PublicRatingBody>,
) -> ApiResult<Json<crate::public::PublicCase>> {
    let draft = huiyin_core::lifecycle::RateDraft {
        office: body.office,
        unit: body.unit,
        reason: body.reason,
        ..Default::default()
    };
    let rated = crate::public::rate(&state, client, &case_number, &body.query_code, &draft).await;
    Ok(Json(rated.map_err(|e| refuse(lang, e))?))
}

/// A petitioner's request for review, with the query code.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PublicReviewBody {
    query_code: String,
    /// Why the petitioner disagrees with the reply.
    reason: Option<String>,
}

/// The petitioner asks for review (复查), or re-review (复核) after a review, within 30 days of the
/// reply (GEN-5; `review_until` in the lookup). It goes to the unit above the one that replied.
#[utoipa::path(post, path = "/public/cases/{case_number}/review-request", tag = "public",
    params(("case_number" = String, Path)), request_body = PublicReviewBody,
    responses((status = 200, body = crate::public::PublicCase), (status = 404, body = ErrorBody),
               (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn public_review_request(
    State(state): State<AppState>,
    crate::extract::ClientAddress(client): crate::extract::ClientAddress,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path(case_number): Path<String>,
    ApiJson(body): ApiJson<PublicReviewBody>,
) -> ApiResult<Json<crate::public::PublicCase>> {
    let requested = crate::public::request_review(&state, client, &case_number, &body.query_code, body.reason).await;
    Ok(Json(requested.map_err(|e| refuse(lang, e))?))
}

/// A unit as listed on the public side.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct PublicUnitRef {
    code: String,
    name: String,
}

/// The units a petitioner may write to and read about, without an account (COM-3).
#[utoipa::path(get, path = "/public/units", tag = "public", responses((status = 200, body = Vec<PublicUnitRef>)))]
async fn public_units(
    State(state): State<AppState>,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
) -> ApiResult<Json<Vec<PublicUnitRef>>> {
    let units = crate::public::public_units(&state).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(units.into_iter().map(|(code, name)| PublicUnitRef { code, name }).collect()))
}

/// What a unit tells the public (COM-3, FED-3, SCH-4): hotline, address, reception hours, the
/// procedure, and its measures over the last twelve months (GEN-9: 及时受理率, 按期办结率, 满意率).
#[utoipa::path(get, path = "/public/units/{code}", tag = "public", params(("code" = String, Path)),
    responses((status = 200, body = crate::public::PublicUnit), (status = 404, body = ErrorBody)))]
async fn public_unit(
    State(state): State<AppState>,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path(code): Path<String>,
) -> ApiResult<Json<crate::public::PublicUnit>> {
    Ok(Json(crate::public::public_unit(&state, &code).await.map_err(|e| refuse(lang, e))?))
}

/// Sets what a unit tells the public (administrators): every part is required, and the hours are
/// written like `1-5 10:00-12:30,16:00-18:00`. Answers with the unit's public page.
#[utoipa::path(put, path = "/units/{code}/public-info", tag = "public", params(("code" = String, Path)),
    request_body = huiyin_core::unit::PublicInfoDraft,
    responses((status = 200, body = crate::public::PublicUnit), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn set_public_info(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<huiyin_core::unit::PublicInfoDraft>,
) -> ApiResult<Json<crate::public::PublicUnit>> {
    let lang = caller.lang;
    app::set_unit_public_info(&state, &caller.actor, &code, &body).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(crate::public::public_unit(&state, &code).await.map_err(|e| refuse(lang, e))?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ReceptionScheduleBody {
    /// The whole week, at most one leader a day; an empty list clears the schedule.
    days: Vec<huiyin_core::unit::ReceptionDay>,
}

/// Replaces a unit's weekly reception schedule (administrators; FED-3, FED-4): for each weekday the
/// leader who receives petitioners all day, with title and credential number, shown on the unit's
/// public page. Answers with the unit's public page.
#[utoipa::path(put, path = "/units/{code}/reception-schedule", tag = "public", params(("code" = String, Path)),
    request_body = ReceptionScheduleBody,
    responses((status = 200, body = crate::public::PublicUnit), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn set_reception_schedule(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<ReceptionScheduleBody>,
) -> ApiResult<Json<crate::public::PublicUnit>> {
    let lang = caller.lang;
    app::set_reception_schedule(&state, &caller.actor, &code, &body.days).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(crate::public::public_unit(&state, &code).await.map_err(|e| refuse(lang, e))?))
}

/// An account as the revocation operations answer it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct AccountView {
    username: String,
    display_name: String,
    unit: String,
    role: String,
    active: bool,
}

impl From<huiyin_store::User> for AccountView {
    fn from(u: huiyin_store::User) -> Self {
        AccountView {
            username: u.username,
            display_name: u.display_name,
            unit: u.unit_code,
            role: u.role.code().to_owned(),
            active: u.active,
        }
    }
}

/// Disables an account of a unit in the caller's scope (administrators): its sessions stop at once
/// and its API tokens are revoked; its past work keeps its name. Not one's own account.
#[utoipa::path(post, path = "/users/{username}/disable", tag = "accounts", params(("username" = String, Path)),
    responses((status = 200, body = AccountView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn disable_user(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
) -> ApiResult<Json<AccountView>> {
    let user =
        accounts::set_active(&state, &caller.actor, &username, false).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(user.into()))
}

/// Enables a disabled account again (administrators).
#[utoipa::path(post, path = "/users/{username}/enable", tag = "accounts", params(("username" = String, Path)),
    responses((status = 200, body = AccountView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn enable_user(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
) -> ApiResult<Json<AccountView>> {
    let user =
        accounts::set_active(&state, &caller.actor, &username, true).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(user.into()))
}

/// A new password.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PasswordBody {
    /// At least 10 characters.
    password: String,
}

/// Sets one's own password (`username` is the caller's); every session opened with the old password
/// ends. Another person's password is reset on the server (`huiyin user passwd`).
#[utoipa::path(put, path = "/users/{username}/password", tag = "accounts", params(("username" = String, Path)),
    request_body = PasswordBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn set_password(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
    ApiJson(body): ApiJson<PasswordBody>,
) -> ApiResult<StatusCode> {
    accounts::set_password(&state, &caller.actor, &username, &body.password)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many tokens were revoked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct RevokedTokens {
    revoked: u64,
}

/// Revokes every API token of another account of a unit in scope (administrators); they stop at once.
#[utoipa::path(delete, path = "/users/{username}/tokens", tag = "accounts", params(("username" = String, Path)),
    responses((status = 200, body = RevokedTokens), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn revoke_tokens(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
) -> ApiResult<Json<RevokedTokens>> {
    let revoked =
        accounts::revoke_tokens(&state, &caller.actor, &username).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(RevokedTokens { revoked }))
}

/// 越级访 counted against the units responsible for the problems' places (GEN-6, TWN-14), in the
/// caller's scope, most first.
#[utoipa::path(get, path = "/reports/skip-level", tag = "search",
    responses((status = 200, body = Vec<SkipLevelRow>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn skip_level_report(State(state): State<AppState>, caller: ApiActor) -> ApiResult<Json<Vec<SkipLevelRow>>> {
    let lang = caller.lang;
    let rows = search::skip_level_counts(&state, &caller.actor).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(
        rows.into_iter()
            .map(|r| SkipLevelRow {
                unit: crate::views::UnitRef { code: r.unit_code, name: r.unit_name },
                cases: r.cases,
            })
            .collect(),
    ))
}

/// The letterhead and signature block a unit's documents print.
#[utoipa::path(get, path = "/units/{code}/letterhead", tag = "documents", params(("code" = String, Path)),
    responses((status = 200, body = LetterheadView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_letterhead(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<LetterheadView>> {
    let lang = caller.lang;
    let (style, own) = app::document_style(&state, &caller.actor, &code).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(LetterheadView { unit: code, own, letterhead: style.letterhead, signature: style.signature }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SetLetterheadBody {
    /// 红头, e.g. "西山社区居民委员会" (at most 100 characters).
    letterhead: Option<String>,
    /// 落款: one to four lines, e.g. ["西山社区居民委员会", "(盖章)"].
    #[serde(default)]
    signature: Vec<String>,
}

/// Sets a unit's letterhead and signature block (administrators). Documents issued afterwards print
/// them; documents already issued stay as they were issued.
#[utoipa::path(put, path = "/units/{code}/letterhead", tag = "documents", params(("code" = String, Path)),
    request_body = SetLetterheadBody,
    responses((status = 200, body = LetterheadView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn set_letterhead(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<SetLetterheadBody>,
) -> ApiResult<Json<LetterheadView>> {
    let lang = caller.lang;
    let style = app::set_document_style(&state, &caller.actor, &code, body.letterhead.as_deref(), &body.signature)
        .await
        .map_err(|e| refuse(lang, e))?;
    Ok(Json(LetterheadView { unit: code, own: true, letterhead: style.letterhead, signature: style.signature }))
}

/// One issued document of a case.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct DocumentView {
    /// `receipt`, `reception-register`, `acceptance-notice`, `rejection-notice`, `assignment-letter`,
    /// `transfer-letter`, `extension-notice`, `hearing-record`, `investigation-record`, `opinion`,
    /// `return-visit-record` or `supervision-slip`.
    kind: String,
    title: String,
    /// The seq of the event that issued it in the case's log (for a 督办单, the supervision item's id).
    issued_by: i64,
    /// The SHA-256 of the PDF; the same for every reprint.
    sha256: String,
    size: i64,
    issued_at: chrono::DateTime<chrono::Utc>,
    /// Serves the PDF.
    url: String,
}

/// The documents issued for the case, in the order issued. Any not typeset yet are typeset and kept
/// now; each kept PDF is served unchanged ever after.
#[utoipa::path(get, path = "/cases/{id}/documents", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<DocumentView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_documents(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<DocumentView>>> {
    let lang = caller.lang;
    let all = app::issued_documents(&state, &caller.actor, id).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(
        all.into_iter()
            .map(|(_, r)| DocumentView {
                url: format!("/api/v1/cases/{id}/documents/{}/{}", r.kind, r.issued_by),
                kind: r.kind,
                title: r.title,
                issued_by: r.issued_by,
                sha256: r.sha256,
                size: r.size,
                issued_at: r.issued_at,
            })
            .collect(),
    ))
}

/// One issued document's PDF, exactly as issued.
#[utoipa::path(get, path = "/cases/{id}/documents/{kind}/{issued_by}", tag = "documents",
    params(("id" = i64, Path), ("kind" = String, Path), ("issued_by" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_document(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((id, kind, issued_by)): Path<(i64, String, i64)>,
) -> ApiResult<axum::response::Response> {
    let lang = caller.lang;
    let kind = crate::documents::DocKind::parse(&kind).ok_or_else(|| ApiError::not_found(lang))?;
    let (record, blob) =
        app::document_pdf(&state, &caller.actor, id, kind, Some(issued_by)).await.map_err(|e| refuse(lang, e))?;
    Ok(crate::pdf_response(&record, blob))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct CalendarView {
    /// The years whose official schedule is loaded.
    years: Vec<i32>,
}

/// The loaded holiday years (GEN-8).
#[utoipa::path(get, path = "/calendar", tag = "limits",
    responses((status = 200, body = CalendarView)), security(("bearer" = [])))]
async fn get_calendar(State(state): State<AppState>, _caller: ApiActor) -> Json<CalendarView> {
    Json(CalendarView { years: state.calendar().await.years().collect() })
}

/// Loads one year's holiday schedule in the holiday-cn format (administrators), replacing that
/// year's earlier file; open deadlines follow at once.
#[utoipa::path(post, path = "/calendar", tag = "limits", request_body(content = Object, description = "holiday-cn year file"),
    responses((status = 200, body = CalendarView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn import_calendar(
    State(state): State<AppState>,
    caller: ApiActor,
    body: axum::body::Bytes,
) -> ApiResult<Json<CalendarView>> {
    let lang = caller.lang;
    if !caller.actor.user.role.can_administer() {
        return Err(ApiError::forbidden(lang));
    }
    let json = std::str::from_utf8(&body).map_err(|e| ApiError::malformed(lang, &e.to_string()))?;
    app::import_holiday_year(state.store.as_ref(), json, "api").await.map_err(|e| refuse(lang, e))?;
    let calendar = state.calendar().await;
    // Recounting a county's open deadlines takes a while: it runs on after the answer.
    let (store, recount_over) = (state.store.clone(), calendar.clone());
    tokio::spawn(async move {
        match app::recount_deadlines(store.as_ref(), &recount_over, |_| {}).await {
            Ok(moved) => tracing::info!(moved, "open deadlines recounted over the new calendar"),
            Err(e) => tracing::error!(error = %e, "recounting deadlines failed"),
        }
    });
    Ok(Json(CalendarView { years: calendar.years().collect() }))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct NotificationView {
    id: i64,
    case_id: Option<i64>,
    /// `due_soon`, `overdue`, `escalated`
    kind: String,
    message: String,
    created_at: String,
    read_at: Option<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct NotificationList {
    unread: i64,
    items: Vec<NotificationView>,
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/notifications", tag = "supervision",
    responses((status = 200, body = NotificationList), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn list_notifications(State(state): State<AppState>, caller: ApiActor) -> ApiResult<Json<NotificationList>> {
    let lang = caller.lang;
    let (items, unread) = app::notifications(&state, &caller.actor, 100).await.map_err(|e| refuse(lang, e))?;
    let items = items
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            case_id: n.case_id,
            kind: n.kind,
            message: n.message,
            created_at: crate::views::instant(n.created_at),
            read_at: n.read_at.map(crate::views::instant),
        })
        .collect();
    Ok(Json(NotificationList { unread, items }))
}

/// Marks one of the caller's notifications read.
#[utoipa::path(post, path = "/notifications/{id}/read", tag = "supervision", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn read_notification(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let lang = caller.lang;
    let done = state
        .store
        .mark_notification_read(caller.actor.user.id, id, chrono::Utc::now())
        .await
        .map_err(|e| ApiError::store(lang, e))?;
    if done { Ok(StatusCode::NO_CONTENT) } else { Err(ApiError::not_found(lang)) }
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct SupervisionView {
    id: i64,
    case_id: i64,
    case_number: String,
    /// The deadline kind that was missed.
    kind: String,
    due: String,
    /// The holding unit answerable for it.
    unit: String,
    owner: String,
    opened_at: String,
    /// The unit above it went to, once escalated.
    escalated_to: Option<String>,
    closed_at: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SupervisionParams {
    /// `false` to include closed items (default `true`: open only).
    open: Option<bool>,
}

/// Supervision items (督办单) of the caller's unit and the units below, and those escalated to them.
#[utoipa::path(get, path = "/supervision", tag = "supervision", params(SupervisionParams),
    responses((status = 200, body = Vec<SupervisionView>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn list_supervision(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(p): Query<SupervisionParams>,
) -> ApiResult<Json<Vec<SupervisionView>>> {
    let lang = caller.lang;
    let items = app::supervision_items(&state, &caller.actor, p.open.unwrap_or(true), 500)
        .await
        .map_err(|e| refuse(lang, e))?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| SupervisionView {
                id: i.id,
                case_id: i.case_id,
                case_number: i.case_number,
                kind: i.kind,
                due: i.due.to_string(),
                unit: i.unit_code,
                owner: i.owner,
                opened_at: crate::views::instant(i.opened_at),
                escalated_to: i.escalated_to,
                closed_at: i.closed_at.map(crate::views::instant),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AttachmentParams {
    /// The file's name as shown (its path is dropped).
    filename: Option<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct AttachmentAdded {
    /// The attachment's address: its SHA-256.
    sha256: String,
    case: CaseView,
}

/// Adds an attachment: the body is the file itself (at most 10 MiB; PDF, JPEG, PNG, WEBP, MP3, WAV or
/// M4A, judged from its bytes; at most 20 a case). It appears on the timeline.
#[utoipa::path(post, path = "/cases/{id}/attachments", tag = "cases", params(("id" = i64, Path), AttachmentParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentAdded), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn add_attachment(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    Query(p): Query<AttachmentParams>,
    body: Body,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let limit = huiyin_core::attachment::MAX_BYTES;
    let bytes = read_limited(body, limit)
        .await
        .map_err(|e| ApiError::malformed(lang, &e.to_string()))?
        .ok_or_else(|| ApiError::too_large(lang, limit))?;
    let sha256 = app::attach(&state, &caller.actor, id, p.filename.as_deref().unwrap_or_default(), bytes)
        .await
        .map_err(|e| refuse(lang, e))?;
    let case = case_view(&state, &caller, id, false, None).await?;
    Ok((StatusCode::CREATED, Json(AttachmentAdded { sha256, case })))
}

/// An attachment's bytes, with its media type and name.
#[utoipa::path(get, path = "/cases/{id}/attachments/{sha256}", tag = "cases", params(("id" = i64, Path), ("sha256" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_attachment(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((id, sha256)): Path<(i64, String)>,
) -> ApiResult<axum::response::Response> {
    let lang = caller.lang;
    let (filename, blob) = app::attachment(&state, &caller.actor, id, &sha256).await.map_err(|e| refuse(lang, e))?;
    Ok(crate::attachment_response(&filename, blob))
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "huiyin (回音) API", description = "Petition reception and case handling. Errors: `{\"error\": {\"code\", \"message\", \"field\"}}`; messages in Chinese unless `Accept-Language` prefers English."),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    tags((name = "cases", description = "Registering and finding cases"),
         (name = "categories", description = "The content classification (GEN-10), edited by administrators"),
         (name = "limits", description = "Time limits as data and the holiday calendar (GEN-2 … GEN-5, GEN-8)"),
         (name = "search", description = "Finding cases and knowing them at intake: history, repeats, 不再受理, collective matters, 越级访 (FED-11, GEN-5, GEN-6, TWN-14)"),
         (name = "documents", description = "Issued notices, letters and records as PDF; letterheads"),
         (name = "supervision", description = "督办: supervision items and notifications (FED-10)"),
         (name = "public", description = "Without an account: a petitioner follows their case by number and query code (GEN-11), and reads a unit's hotline, hours, procedure and measures (COM-3)"),
         (name = "lifecycle", description = "The actions of a case's life: sorting, handling, approval, reply, review"),
         (name = "accounts", description = "Revoking access: disabling accounts, setting passwords, revoking API tokens"))
)]
struct ApiDoc;

/// The `/api/v1` router and its OpenAPI document.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    case_action_routes(OpenApiRouter::with_openapi(ApiDoc::openapi()))
        .routes(routes!(create_case, list_cases))
        .routes(routes!(get_case))
        .routes(routes!(intake_check))
        .routes(routes!(list_search_words, add_search_words))
        .routes(routes!(skip_level_report))
        .routes(routes!(public_case))
        .routes(routes!(public_document))
        .routes(routes!(public_rating))
        .routes(routes!(public_review_request))
        .routes(routes!(public_units))
        .routes(routes!(public_unit))
        .routes(routes!(set_public_info))
        .routes(routes!(set_reception_schedule))
        .routes(routes!(reissue_query_code))
        .routes(routes!(list_categories, add_category))
        .routes(routes!(edit_category))
        .routes(routes!(get_unit_limits, set_unit_limits))
        .routes(routes!(get_calendar, import_calendar))
        .routes(routes!(add_attachment))
        .routes(routes!(get_attachment))
        .routes(routes!(list_documents))
        .routes(routes!(get_document))
        .routes(routes!(get_letterhead, set_letterhead))
        .routes(routes!(list_notifications))
        .routes(routes!(read_notification))
        .routes(routes!(list_supervision))
        .routes(routes!(disable_user))
        .routes(routes!(enable_user))
        .routes(routes!(set_password))
        .routes(routes!(revoke_tokens))
        .split_for_parts()
}
