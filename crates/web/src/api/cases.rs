//! Registering, reading and listing cases, the actions of their life, and the query code reissued.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use huiyin_core::case::CaseDraft;
use huiyin_core::event::{ActionDraft, HandOffDraft, ReportUpDraft};
use huiyin_core::lifecycle::{
    AnswerDraft, ClearFlagDraft, ExtendDraft, FlagDraft, HearingDraft, InstructDraft, LeaderDraft, LiaisonDraft,
    OpinionDraft, RateDraft, ReasonDraft, RecuseDraft, RejectDraft, ReturnOpinionDraft, ReturnVisitDraft, SendDraft,
    SetAccusedDraft,
};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::cases::{self, CaseAction, ListParams, ReportBackDraft};
use huiyin_app::context::AppState;
use huiyin_app::documents::issue;
use huiyin_app::views::{CaseList, CaseView};

/// The case as the caller may see it, with its deadlines.
pub(super) async fn case_view(
    state: &AppState,
    caller: &ApiActor,
    id: i64,
    full: bool,
    code: Option<String>,
) -> ApiResult<CaseView> {
    let lang = caller.lang;
    let file = cases::case_file(state, &caller.actor, id).await.map_err(|e| refuse(lang, e))?;
    cases::view(state, &caller.actor, &file, full, code).await.map_err(|e| refuse(lang, e))
}

/// Registers a case (GEN-1, GEN-10). The caller becomes its first receiver (FED-1). The response
/// carries the petitioner's query code, which is shown this once.
#[utoipa::path(post, path = "/cases", tag = "cases", request_body = CaseDraft,
    responses((status = 201, body = CaseView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn create_case(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(draft): ApiJson<CaseDraft>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let (id, code) = cases::register_case(&state, &caller.actor, &draft).await.map_err(|e| refuse(lang, e))?;
    Ok((StatusCode::CREATED, Json(case_view(&state, &caller, id, false, Some(code.to_string())).await?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct RevealParams {
    /// `true` to see ID number, phone and address in full; the view is logged (COM-4).
    reveal: Option<bool>,
}

/// One case with its timeline. Personal data is masked unless `reveal=true`.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases", params(("id" = i64, Path), RevealParams),
    responses((status = 200, body = CaseView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_case(
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
pub(super) async fn list_cases(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(p): Query<ListParams>,
) -> ApiResult<Json<CaseList>> {
    let lang = caller.lang;
    let listing = cases::list_cases(&state, &caller.actor, &p).await.map_err(|e| refuse(lang, e))?;
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
            pub(super) async fn $name(
                State(state): State<AppState>,
                caller: ApiActor,
                Path(id): Path<i64>,
                ApiJson(draft): ApiJson<$draft>,
            ) -> ApiResult<Json<CaseView>> {
                let lang = caller.lang;
                let file = cases::act(&state, &caller.actor, id, CaseAction::$variant(draft), None)
                    .await
                    .map_err(|e| refuse(lang, e))?;
                issue::issue_after_action(&state, &file).await;
                Ok(Json(cases::view(&state, &caller.actor, &file, false, None).await.map_err(|e| refuse(lang, e))?))
            }
        )*

        /// The operations of every case action, on their paths.
        pub(super) fn case_action_routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
            router $(.routes(routes!($name)))*
        }
    };
}

huiyin_app::for_each_case_action!(case_actions);

/// Issues a new query code for the case; the old one stops working. The new code is in the response, once.
#[utoipa::path(post, path = "/cases/{id}/reissue-query-code", tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, body = CaseView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn reissue_query_code(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<Json<CaseView>> {
    let lang = caller.lang;
    let code = cases::reissue_query_code(&state, &caller.actor, id).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(case_view(&state, &caller, id, false, Some(code.to_string())).await?))
}
