//! 会议 (DEM-3 … DEM-5): a community's body's meetings, called, attended and deciding.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::meeting_papers::{self, Paper};
use huiyin_app::meetings::{self, MeetingView};
use huiyin_core::community_body::BodyKind;
use huiyin_core::meeting::{ConvenedBy, DecisionDraft, MeetingDraft};

/// Who attended, of how many sitting.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct AttendanceView {
    /// The members present, by their member ids.
    present: Vec<i64>,
    /// The members sitting when the attendance was recorded.
    sitting: u32,
    /// Whether that is a quorum under the rules the meeting was called under.
    quorate: bool,
}

/// A decision on an agenda item.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct DecisionView {
    id: i64,
    /// Its agenda item, from 0.
    item: i32,
    text: String,
    votes_for: i32,
    votes_against: i32,
    abstentions: i32,
    /// Passed by the rules' majority of those present.
    passed: bool,
}

/// A meeting.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct MeetingJson {
    id: i64,
    /// The community's code.
    unit: String,
    body: BodyKind,
    body_name: &'static str,
    day: chrono::NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    starts: Option<String>,
    place: String,
    agenda: Vec<String>,
    convened_by: ConvenedBy,
    convened_by_label: &'static str,
    /// The representatives who signed the request (member ids), when they convened it.
    signers: Vec<i64>,
    /// Quorum and majority it is held under (as the rules stood when it was called).
    quorum: &'static str,
    majority: &'static str,
    /// Called on or after its own day: no notice was published ahead of it.
    recorded_afterwards: bool,
    /// Absent until it was held.
    #[serde(skip_serializing_if = "Option::is_none")]
    attendance: Option<AttendanceView>,
    decisions: Vec<DecisionView>,
    /// The agenda items that are matters raised or cases referred (`/units/{code}/matters`).
    matters: Vec<AgendaMatterView>,
}

/// An agenda item that was raised as a matter.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct AgendaMatterView {
    /// Its agenda item, from 0.
    item: i32,
    matter: i64,
    source: huiyin_core::meeting::MatterSource,
    /// The case it was referred from.
    #[serde(skip_serializing_if = "Option::is_none")]
    case_id: Option<i64>,
}

impl MeetingJson {
    fn of(v: MeetingView) -> MeetingJson {
        let recorded_afterwards = v.recorded_afterwards();
        let matters = v
            .matters
            .iter()
            .filter_map(|r| {
                r.placed.map(|(_, item)| AgendaMatterView {
                    item,
                    matter: r.id,
                    source: r.matter.source,
                    case_id: r.matter.case_id,
                })
            })
            .collect();
        let m = v.record.meeting;
        MeetingJson {
            id: v.record.id,
            unit: v.unit.code,
            body: m.body,
            body_name: m.body.label_zh(),
            day: m.day,
            starts: m.starts.map(|t| t.format("%H:%M").to_string()),
            place: m.place,
            agenda: m.agenda,
            convened_by: m.convened_by,
            convened_by_label: m.convened_by.label_zh(),
            signers: m.signers,
            quorum: m.rules.quorum.label_zh(),
            majority: m.rules.majority.label_zh(),
            recorded_afterwards,
            matters,
            attendance: v.record.attendance.map(|a| AttendanceView {
                present: a.present,
                sitting: a.sitting,
                quorate: a.quorate,
            }),
            decisions: v
                .decisions
                .into_iter()
                .map(|d| DecisionView {
                    id: d.id,
                    item: d.decision.item,
                    text: d.decision.text,
                    votes_for: d.decision.votes_for,
                    votes_against: d.decision.votes_against,
                    abstentions: d.decision.abstentions,
                    passed: d.decision.passed,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct YearParam {
    /// The year (by default this one).
    year: Option<i32>,
}

/// A community's meetings in a year, by day.
#[utoipa::path(get, path = "/units/{code}/meetings", tag = "democracy", params(("code" = String, Path), YearParam),
    responses((status = 200, body = [MeetingJson]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_meetings(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    Query(q): Query<YearParam>,
) -> ApiResult<Json<Vec<MeetingJson>>> {
    use chrono::Datelike;
    let year = q.year.unwrap_or_else(|| huiyin_core::limits::china_day(chrono::Utc::now()).year());
    let (_, list) = meetings::meetings(&state, &caller.actor, &code, year).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(list.into_iter().map(MeetingJson::of).collect()))
}

/// Calls a meeting of a community's body: the committee by itself, the council by its chair, the
/// congress by the committee or by at least the rules' share (三分之一以上) of the sitting
/// representatives, named as `signers` (DEM-3); fewer are refused on `signers`. A meeting to come is
/// noticed at least the rules' `notice_days` ahead (DEM-6: its notice is on the portal from now),
/// sooner is refused on `day`; one recorded afterwards (its day past) is kept as such. `matters`
/// waiting for the body go on the agenda after the items typed (one taken meanwhile: 409).
#[utoipa::path(post, path = "/units/{code}/meetings", tag = "democracy", params(("code" = String, Path)),
    request_body = MeetingDraft,
    responses((status = 201, body = MeetingJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn call_meeting(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(draft): ApiJson<MeetingDraft>,
) -> ApiResult<(StatusCode, Json<MeetingJson>)> {
    let called = meetings::call(&state, &caller.actor, &code, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(MeetingJson::of(called))))
}

/// One meeting with its attendance and decisions.
#[utoipa::path(get, path = "/meetings/{id}", tag = "democracy", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingJson), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_meeting(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<Json<MeetingJson>> {
    let view = meetings::meeting_view(&state, &caller.actor, id).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(MeetingJson::of(view)))
}

/// Who attended.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AttendanceBody {
    /// The sitting members present, by member id.
    present: Option<Vec<i64>>,
}

/// Records who of the sitting members attended, once: the quorum is judged under the rules the
/// meeting was called under.
#[utoipa::path(post, path = "/meetings/{id}/attendance", tag = "democracy", params(("id" = i64, Path)),
    request_body = AttendanceBody,
    responses((status = 200, body = MeetingJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn record_attendance(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AttendanceBody>,
) -> ApiResult<Json<MeetingJson>> {
    let present = body.present.unwrap_or_default();
    let view = meetings::attend(&state, &caller.actor, id, &present).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(MeetingJson::of(view)))
}

/// Records a decision on an agenda item with its votes (one per item): refused without a quorum, or
/// with more votes than members present; passed by the rules' majority of those present.
#[utoipa::path(post, path = "/meetings/{id}/decisions", tag = "democracy", params(("id" = i64, Path)),
    request_body = DecisionDraft,
    responses((status = 201, body = MeetingJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn record_decision(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    ApiJson(draft): ApiJson<DecisionDraft>,
) -> ApiResult<(StatusCode, Json<MeetingJson>)> {
    let view = meetings::decide(&state, &caller.actor, id, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(MeetingJson::of(view))))
}

/// The meeting's notice (会议通知) as PDF under the community's letterhead.
#[utoipa::path(get, path = "/meetings/{id}/notice.pdf", tag = "democracy", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = ErrorBody),
               (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn meeting_notice_pdf(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<axum::response::Response> {
    let (name, pdf) = meeting_papers::staff_paper(&state, &caller.actor, id, Paper::Notice)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(crate::made_pdf(&name, pdf))
}

/// The minutes (会议纪要) of a meeting held, as PDF: who attended, each item's decision and votes;
/// 404 until its attendance is recorded.
#[utoipa::path(get, path = "/meetings/{id}/minutes.pdf", tag = "democracy", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = ErrorBody),
               (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn meeting_minutes_pdf(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<axum::response::Response> {
    let (name, pdf) = meeting_papers::staff_paper(&state, &caller.actor, id, Paper::Minutes)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(crate::made_pdf(&name, pdf))
}

/// A community's meeting notice as published on the portal (DEM-6): numbers in its text masked.
#[utoipa::path(get, path = "/public/meetings/{id}/notice.pdf", tag = "public", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub(super) async fn public_meeting_notice_pdf(
    State(state): State<AppState>,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path(id): Path<i64>,
) -> ApiResult<axum::response::Response> {
    let (name, pdf) = meeting_papers::public_paper(&state, id, Paper::Notice).await.map_err(|e| refuse(lang, e))?;
    Ok(crate::made_pdf(&name, pdf))
}

/// A community's meeting minutes as published on the portal (DEM-6): how many attended (no names),
/// the decisions and votes, numbers in the text masked; 404 until the meeting was held.
#[utoipa::path(get, path = "/public/meetings/{id}/minutes.pdf", tag = "public", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub(super) async fn public_meeting_minutes_pdf(
    State(state): State<AppState>,
    crate::auth::AcceptLang(lang): crate::auth::AcceptLang,
    Path(id): Path<i64>,
) -> ApiResult<axum::response::Response> {
    let (name, pdf) = meeting_papers::public_paper(&state, id, Paper::Minutes).await.map_err(|e| refuse(lang, e))?;
    Ok(crate::made_pdf(&name, pdf))
}
