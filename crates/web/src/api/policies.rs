//! 政策法规库 (FED-9): the laws, regulations and local policies staff answer by — listed, read
//! article by article, searched with the same Chinese search as cases, and added from their text.
//! An opinion or an on-the-spot answer cites articles by `policy:number` (`articles`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::policies;
use huiyin_core::policy::{Article, PolicyDraft};
use huiyin_store::PolicyRecord;

/// A policy as listed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct PolicyView {
    id: i64,
    title: String,
    issuer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    issued_on: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    /// Shipped with huiyin (《信访工作条例》), not added by staff.
    shipped: bool,
    /// How many articles it has.
    articles: i64,
    /// When it was withdrawn (废止); absent while in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    withdrawn_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl PolicyView {
    fn of(p: PolicyRecord) -> PolicyView {
        PolicyView {
            id: p.id,
            title: p.title,
            issuer: p.issuer,
            issued_on: p.issued_on,
            source: p.source,
            shipped: p.shipped.is_some(),
            articles: p.articles,
            withdrawn_at: p.withdrawn_at,
        }
    }
}

/// A policy with its articles.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct PolicyText {
    #[serde(flatten)]
    policy: PolicyView,
    /// In order; each cited as `{id}:{number}`.
    text: Vec<Article>,
}

/// Every policy, the newest issued first (any staff member).
#[utoipa::path(get, path = "/policies", tag = "policies",
    responses((status = 200, body = [PolicyView]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_policies(State(state): State<AppState>, caller: ApiActor) -> ApiResult<Json<Vec<PolicyView>>> {
    let all = policies::list(&state, &caller.actor).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(all.into_iter().map(PolicyView::of).collect()))
}

/// Adds a policy from its text (administrators, leaders, supervisors): articles begin `第一条`,
/// chapters `第一章 …`; a text without numbered articles is kept whole (cited as `{id}:0`).
#[utoipa::path(post, path = "/policies", tag = "policies", request_body = PolicyDraft,
    responses((status = 201, body = PolicyText), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn add_policy(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(draft): ApiJson<PolicyDraft>,
) -> ApiResult<(StatusCode, Json<PolicyText>)> {
    let lang = caller.lang;
    let id = policies::add(&state, &caller.actor, &draft).await.map_err(|e| refuse(lang, e))?;
    let (policy, text) = policies::read(&state, &caller.actor, id).await.map_err(|e| refuse(lang, e))?;
    Ok((StatusCode::CREATED, Json(PolicyText { policy: PolicyView::of(policy), text })))
}

/// A policy with its articles (any staff member).
#[utoipa::path(get, path = "/policies/{id}", tag = "policies", params(("id" = i64, Path)),
    responses((status = 200, body = PolicyText), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_policy(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<Json<PolicyText>> {
    let (policy, text) = policies::read(&state, &caller.actor, id).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(PolicyText { policy: PolicyView::of(policy), text }))
}

/// Withdraws a policy (废止, or added by mistake): no longer listed, searched or cited; opinions
/// that cited it keep its words. Those who add policies withdraw those added in their scope; a
/// shipped one only an administrator of the whole installation. 409 when withdrawn already.
#[utoipa::path(delete, path = "/policies/{id}", tag = "policies", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn withdraw_policy(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    policies::withdraw(&state, &caller.actor, id).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PolicySearch {
    /// Words, read as the case search reads them (复查 期限); none, nothing found.
    q: Option<String>,
}

/// An article found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct PolicyHit {
    policy: i64,
    /// How an opinion or answer cites it: `{policy}:{number}`.
    cite: String,
    /// 《信访工作条例》第三十五条
    label: String,
    article: Article,
    /// The text around the first match, cut into matching and other pieces.
    highlight: Vec<huiyin_search::Fragment>,
}

/// The articles holding every word searched, the most often matched first (at most 50).
#[utoipa::path(get, path = "/policies/search", tag = "policies", params(PolicySearch),
    responses((status = 200, body = [PolicyHit]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn search_policies(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(params): Query<PolicySearch>,
) -> ApiResult<Json<Vec<PolicyHit>>> {
    let hits = policies::search(&state, &caller.actor, params.q.as_deref().unwrap_or_default())
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(
        hits.into_iter()
            .map(|h| PolicyHit {
                policy: h.policy_id,
                cite: format!("{}:{}", h.policy_id, h.article.number),
                label: policies::cited_label(&h.title, &h.article),
                article: h.article,
                highlight: h.fragments,
            })
            .collect(),
    ))
}
