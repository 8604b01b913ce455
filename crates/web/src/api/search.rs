//! The intake check, the dictionary of search and the skip-level report (FED-11, TWN-14).

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::search::{self, IntakeDraft, IntakeReport};

/// The intake check (FED-11, GEN-5, GEN-6, FED-6, TWN-14), for the registration form as the receiver
/// types: the petitioner's earlier cases (same ID number, or phone, or name and address), and what
/// they and other people's recent cases mean for this statement: 重复访, 不再受理, a collective
/// matter, 越级访. Nothing is written; registering records the same findings as flags.
#[utoipa::path(post, path = "/intake/check", tag = "search", request_body = IntakeDraft,
    responses((status = 200, body = IntakeReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn intake_check(
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
pub(super) struct DictionaryWords {
    /// 2 to 20 letters or digits each: place names, local terms (e.g. 东坡村, 讨薪).
    words: Vec<String>,
}

/// The administrators' dictionary words, beside the shipped petition terms, unit names and classes.
#[utoipa::path(get, path = "/search/words", tag = "search",
    responses((status = 200, body = DictionaryWords), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_search_words(
    State(state): State<AppState>,
    caller: ApiActor,
) -> ApiResult<Json<DictionaryWords>> {
    let lang = caller.lang;
    let words = state.store.search_words().await.map_err(|e| refuse(lang, e.into()))?;
    Ok(Json(DictionaryWords { words }))
}

/// Adds words to the dictionary (administrators of the whole installation). New cases are segmented
/// with them at once; when any word is new, the index of the cases already registered is rebuilt
/// in the background (its progress at `GET /search/reindex`). Answers how many were new.
#[utoipa::path(post, path = "/search/words", tag = "search", request_body = DictionaryWords,
    responses((status = 200, body = AddedWords), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn add_search_words(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(body): ApiJson<DictionaryWords>,
) -> ApiResult<Json<AddedWords>> {
    let lang = caller.lang;
    let added = search::add_words(&state, &caller.actor, &body.words).await.map_err(|e| refuse(lang, e))?;
    // The cases already indexed take the new words in a rebuild, in the background.
    if added > 0 {
        huiyin_app::reindex::start(&state, &caller.actor).await.map_err(|e| refuse(lang, e))?;
    }
    Ok(Json(AddedWords { added }))
}

/// Removes a word administrators added from the dictionary (administrators of the whole
/// installation); the cases already registered are re-indexed without it in the background.
#[utoipa::path(delete, path = "/search/words/{word}", tag = "search", params(("word" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn remove_search_word(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(word): Path<String>,
) -> ApiResult<axum::http::StatusCode> {
    let lang = caller.lang;
    search::remove_word(&state, &caller.actor, &word).await.map_err(|e| refuse(lang, e))?;
    huiyin_app::reindex::start(&state, &caller.actor).await.map_err(|e| refuse(lang, e))?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// How far the background rebuild of the search index has come (administrators of the whole
/// installation).
#[utoipa::path(get, path = "/search/reindex", tag = "search",
    responses((status = 200, body = huiyin_app::reindex::ReindexProgress), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn reindex_progress(
    State(state): State<AppState>,
    caller: ApiActor,
) -> ApiResult<Json<huiyin_app::reindex::ReindexProgress>> {
    if !caller.actor.administers_installation() {
        return Err(refuse(caller.lang, huiyin_app::error::AppError::Forbidden));
    }
    Ok(Json(state.reindex_job().progress()))
}

/// Starts rebuilding every case's search words with the dictionary as it is now, in the background
/// (administrators of the whole installation); answers 202 with the progress at once. While one runs, it starts over when it
/// ends (`again`) instead of running a second beside it. On the audit log.
#[utoipa::path(post, path = "/search/reindex", tag = "search",
    responses((status = 202, body = huiyin_app::reindex::ReindexProgress), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn start_reindex(
    State(state): State<AppState>,
    caller: ApiActor,
) -> ApiResult<(axum::http::StatusCode, Json<huiyin_app::reindex::ReindexProgress>)> {
    let lang = caller.lang;
    let progress = huiyin_app::reindex::start(&state, &caller.actor).await.map_err(|e| refuse(lang, e))?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(progress)))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct AddedWords {
    added: usize,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct SkipLevelRow {
    unit: huiyin_app::views::UnitRef,
    /// Cases flagged 越级 whose problem lies in this unit's territory.
    cases: i64,
}

/// 越级访 counted against the units responsible for the problems' places (GEN-6, TWN-14), in the
/// caller's scope, most first.
#[utoipa::path(get, path = "/reports/skip-level", tag = "search",
    responses((status = 200, body = Vec<SkipLevelRow>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn skip_level_report(
    State(state): State<AppState>,
    caller: ApiActor,
) -> ApiResult<Json<Vec<SkipLevelRow>>> {
    let lang = caller.lang;
    let rows = search::skip_level_counts(&state, &caller.actor).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(
        rows.into_iter()
            .map(|r| SkipLevelRow {
                unit: huiyin_app::views::UnitRef { code: r.unit_code, name: r.unit_name },
                cases: r.cases,
            })
            .collect(),
    ))
}
