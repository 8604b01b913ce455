//! 社区民主管理的三个组织 (DEM-2 … DEM-5): a community's residents' committee, consultation council
//! and representatives' congress — their cadence, their own rules and their members.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::community_bodies::{self, BodyView};
use huiyin_app::context::AppState;
use huiyin_core::community_body::{BodyKind, BodyMemberDraft, BodyRulesDraft, Cadence, MemberRole, Share};
use huiyin_store::BodyMemberRecord;

/// A body's rules.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct BodyRulesView {
    /// Of the members, present for it to meet.
    quorum: Share,
    quorum_label: &'static str,
    /// Of those present, for a decision to pass.
    majority: Share,
    majority_label: &'static str,
    notice_days: u32,
    /// The congress: the share of the representatives whose request convenes it (DEM-3).
    #[serde(skip_serializing_if = "Option::is_none")]
    convene_share: Option<Share>,
    /// The community set them (else they are huiyin's defaults, docs/DEMOCRACY.md).
    own: bool,
}

/// A member of a body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct BodyMemberView {
    id: i64,
    body: BodyKind,
    name: String,
    role: MemberRole,
    role_label: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    represents: Option<String>,
    term_from: chrono::NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    term_to: Option<chrono::NaiveDate>,
    /// When and why they left; absent while they sit.
    #[serde(skip_serializing_if = "Option::is_none")]
    left_on: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    left_reason: Option<String>,
}

impl BodyMemberView {
    fn of(m: BodyMemberRecord) -> BodyMemberView {
        BodyMemberView {
            id: m.id,
            body: m.member.body,
            name: m.member.name,
            role: m.member.role,
            role_label: m.member.role.label_zh(),
            represents: m.member.represents,
            term_from: m.member.term_from,
            term_to: m.member.term_to,
            left_on: m.left_on,
            left_reason: m.left_reason,
        }
    }
}

/// A body of a community.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct BodyViewJson {
    kind: BodyKind,
    name: &'static str,
    /// How often it must meet (DEM-3, DEM-4, DEM-5).
    cadence: Cadence,
    cadence_label: String,
    rules: BodyRulesView,
    /// Its members, those sitting first.
    members: Vec<BodyMemberView>,
}

impl BodyViewJson {
    fn of(b: BodyView) -> BodyViewJson {
        BodyViewJson {
            kind: b.kind,
            name: b.kind.label_zh(),
            cadence: b.kind.cadence(),
            cadence_label: b.kind.cadence().label_zh(),
            rules: BodyRulesView {
                quorum: b.rules.quorum,
                quorum_label: b.rules.quorum.label_zh(),
                majority: b.rules.majority,
                majority_label: b.rules.majority.label_zh(),
                notice_days: b.rules.notice_days,
                convene_share: b.rules.convene_share,
                own: b.own_rules,
            },
            members: b.members.into_iter().map(BodyMemberView::of).collect(),
        }
    }
}

/// The three bodies of a community (DEM-2): the residents' committee, the consultation council and
/// the representatives' congress, each with its cadence, rules and members.
#[utoipa::path(get, path = "/units/{code}/bodies", tag = "democracy", params(("code" = String, Path)),
    responses((status = 200, body = [BodyViewJson]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_bodies(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<BodyViewJson>>> {
    let (_, bodies) =
        community_bodies::bodies(&state, &caller.actor, &code).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(bodies.into_iter().map(BodyViewJson::of).collect()))
}

/// Sets a body's own rules (the community's administrators and leaders, or those above): quorum,
/// majority (过半数 at the least), notice days, and for the congress the share of representatives
/// who may convene it.
#[utoipa::path(put, path = "/units/{code}/bodies/{body}/rules", tag = "democracy",
    params(("code" = String, Path), ("body" = String, Path, description = "committee, council or congress")),
    request_body = BodyRulesDraft,
    responses((status = 200, body = BodyViewJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn set_body_rules(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, body)): Path<(String, String)>,
    ApiJson(draft): ApiJson<BodyRulesDraft>,
) -> ApiResult<Json<BodyViewJson>> {
    let view = community_bodies::set_rules(&state, &caller.actor, &code, &body, &draft)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(BodyViewJson::of(view)))
}

/// Adds a member to a body: the congress's members are representatives; a body has one chair
/// sitting at a time.
#[utoipa::path(post, path = "/units/{code}/bodies/{body}/members", tag = "democracy",
    params(("code" = String, Path), ("body" = String, Path, description = "committee, council or congress")),
    request_body = BodyMemberDraft,
    responses((status = 201, body = BodyMemberView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn add_body_member(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, body)): Path<(String, String)>,
    ApiJson(draft): ApiJson<BodyMemberDraft>,
) -> ApiResult<(StatusCode, Json<BodyMemberView>)> {
    let member = community_bodies::add_member(&state, &caller.actor, &code, &body, &draft)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(BodyMemberView::of(member))))
}

/// When and why a member left.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct LeaveBody {
    /// YYYY-MM-DD, not in the future nor before their term began.
    left_on: Option<String>,
    /// 任期届满, 辞职, 罢免 …
    reason: Option<String>,
}

/// Records that a member left, once (the line is kept).
#[utoipa::path(post, path = "/body-members/{id}/leave", tag = "democracy", params(("id" = i64, Path)),
    request_body = LeaveBody,
    responses((status = 200, body = BodyMemberView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn leave_body(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<LeaveBody>,
) -> ApiResult<Json<BodyMemberView>> {
    let member =
        community_bodies::end_member(&state, &caller.actor, id, body.left_on.as_deref(), body.reason.as_deref())
            .await
            .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(BodyMemberView::of(member)))
}
