//! 议题 (DEM ¶4): matters raised for a community's council or congress, and cases referred to them.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::matters::{self, MatterLine};
use huiyin_core::community_body::BodyKind;
use huiyin_core::meeting::{MatterDraft, MatterSource};

/// A matter raised, and where it went.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct MatterJson {
    id: i64,
    body: BodyKind,
    body_name: &'static str,
    subject: String,
    reason: String,
    source: MatterSource,
    source_label: &'static str,
    /// The resident or representative who raised it (kept for the committee, never published).
    #[serde(skip_serializing_if = "Option::is_none")]
    raised_by_name: Option<String>,
    /// The case it was referred from.
    #[serde(skip_serializing_if = "Option::is_none")]
    case_id: Option<i64>,
    raised_at: chrono::DateTime<chrono::Utc>,
    /// Waiting for a meeting: on no agenda yet, or on that of a meeting held without a quorum.
    waiting: bool,
    /// The meeting whose agenda took it, and its item there (from 0); absent while it waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    meeting_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meeting_day: Option<chrono::NaiveDate>,
    /// The decision taken on it, as a reply cites it; absent until there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    passed: Option<bool>,
}

impl MatterJson {
    fn of(line: MatterLine) -> MatterJson {
        let citation = line.citation();
        let waiting = line.waits();
        let placed = line.record.placed.filter(|_| !waiting);
        let m = line.record.matter;
        MatterJson {
            id: line.record.id,
            body: m.body,
            body_name: m.body.label_zh(),
            subject: m.subject,
            reason: m.reason,
            source: m.source,
            source_label: m.source.label_zh(),
            raised_by_name: m.raised_by_name,
            case_id: m.case_id,
            raised_at: m.raised_at,
            waiting,
            meeting_id: placed.map(|(meeting, _)| meeting),
            item: placed.map(|(_, item)| item),
            meeting_day: line.meeting.map(|meeting| meeting.meeting.day),
            passed: line.decision.map(|d| d.decision.passed),
            decision: citation,
        }
    }
}

/// A community's matters: those waiting for a meeting first, then those placed, newest first.
#[utoipa::path(get, path = "/units/{code}/matters", tag = "democracy", params(("code" = String, Path)),
    responses((status = 200, body = [MatterJson]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_matters(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<MatterJson>>> {
    let (_, list) = matters::matters(&state, &caller.actor, &code).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(list.into_iter().map(MatterJson::of).collect()))
}

/// Takes down a matter raised for the council or the congress by the committee, a representative
/// or a resident (their name, `raised_by_name`, for the last two); a meeting of that body puts it on
/// its agenda (`matters` when it is called).
#[utoipa::path(post, path = "/units/{code}/matters", tag = "democracy", params(("code" = String, Path)),
    request_body = MatterDraft,
    responses((status = 201, body = MatterJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn raise_matter(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(draft): ApiJson<MatterDraft>,
) -> ApiResult<(StatusCode, Json<MatterJson>)> {
    let line = matters::raise(&state, &caller.actor, &code, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(MatterJson::of(line))))
}

/// A referral of a case to a body of the community holding it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ReferralBody {
    /// `council` or `congress`.
    body: Option<String>,
    /// The matter as it goes on the agenda (no one's name: the agenda is published).
    subject: Option<String>,
    /// Why the case needs the body's decision.
    reason: Option<String>,
}

/// The referrals of a case to a community's bodies, with the decisions taken.
#[utoipa::path(get, path = "/cases/{id}/referrals", tag = "democracy", params(("id" = i64, Path)),
    responses((status = 200, body = [MatterJson]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn case_referrals(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<MatterJson>>> {
    let file = huiyin_app::cases::case_file(&state, &caller.actor, id).await.map_err(|e| refuse(caller.lang, e))?;
    let lines = matters::of_case(&state, &file).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(lines.into_iter().map(MatterJson::of).collect()))
}

/// Refers a case to the council or the congress of the community holding it (DEM ¶4), by a
/// supervisor or leader, with a reason: a matter for that body's next meeting. Its decision comes
/// back to the case and to the petitioner's lookup; the handling deadline keeps running. A case that
/// accuses anyone, one answered already, or one not held by a community is refused (422); one
/// already waiting for that body is refused on `body`.
#[utoipa::path(post, path = "/cases/{id}/referrals", tag = "democracy", params(("id" = i64, Path)),
    request_body = ReferralBody,
    responses((status = 201, body = MatterJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn refer_case(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ReferralBody>,
) -> ApiResult<(StatusCode, Json<MatterJson>)> {
    let draft = MatterDraft { body: body.body, subject: body.subject, reason: body.reason, ..MatterDraft::default() };
    let line = matters::refer_case(&state, &caller.actor, id, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(MatterJson::of(line))))
}
