//! 拒收礼品登记 (SCH-8): offers of gifts, banquets and favours that staff refused, recorded by them,
//! reviewed by a supervisor or leader; a unit's register and its yearly summary.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::duty::DutyPerson;
use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::gifts::{self, GiftLine};
use huiyin_core::gift::{GiftDraft, GiftKind};

/// One refused offer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct GiftView {
    id: i64,
    kind: GiftKind,
    kind_label: &'static str,
    /// Who offered it (as the staff member can name them: “信访人亲属”).
    offered_by: String,
    what: String,
    offered_on: chrono::NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_yuan: Option<i64>,
    handling: String,
    /// The case it was offered over.
    #[serde(skip_serializing_if = "Option::is_none")]
    case_number: Option<String>,
    /// Who was offered it.
    person: DutyPerson,
    unit: String,
    recorded_at: String,
    /// Who reviewed it, when and with what note; absent until reviewed.
    #[serde(skip_serializing_if = "Option::is_none")]
    reviewed_by: Option<DutyPerson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reviewed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    review_note: Option<String>,
    /// Whether the reader may review it now.
    may_review: bool,
}

impl GiftView {
    pub(super) fn of(line: GiftLine) -> GiftView {
        let g = line.record.gift;
        GiftView {
            id: line.record.id,
            kind: g.kind,
            kind_label: g.kind.label_zh(),
            offered_by: g.offered_by,
            what: g.what,
            offered_on: g.offered_on,
            value_yuan: g.value_yuan,
            handling: g.handling,
            case_number: line.case_number,
            person: DutyPerson::of(&line.person),
            unit: line.unit_name,
            recorded_at: huiyin_app::views::instant(g.recorded_at),
            reviewed_by: line.reviewed_by.as_ref().map(DutyPerson::of),
            reviewed_at: line.record.reviewed_at.map(huiyin_app::views::instant),
            review_note: line.record.review_note,
            may_review: line.may_review,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct GiftParams {
    /// A unit's code (for supervisors, leaders and administrators; default their own unit); the
    /// units below it are included.
    unit: Option<String>,
    /// The year offered (default this year).
    year: Option<i32>,
}

/// The register of refused offers for a year, newest first: a supervisor's, leader's or
/// administrator's of a unit in their scope and the units below it; anyone else's own records. A
/// record about a case hidden from the reader (GEN-7: it accuses them or their unit, or they stand
/// aside from it) is neither listed nor counted.
#[utoipa::path(get, path = "/gifts", tag = "integrity", params(GiftParams),
    responses((status = 200, body = [GiftView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_gifts(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(params): Query<GiftParams>,
) -> ApiResult<Json<Vec<GiftView>>> {
    let year = params.year.unwrap_or_else(huiyin_app::views::this_year);
    let lines = gifts::register(&state, &caller.actor, params.unit.as_deref(), year)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(lines.into_iter().map(GiftView::of).collect()))
}

/// Records an offer the caller was made and refused (SCH-8). A case named by `case_number` must be
/// one the caller sees.
#[utoipa::path(post, path = "/gifts", tag = "integrity", request_body = GiftDraft,
    responses((status = 201, body = GiftView), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn record_gift(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(draft): ApiJson<GiftDraft>,
) -> ApiResult<(StatusCode, Json<GiftView>)> {
    let line = gifts::record(&state, &caller.actor, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(GiftView::of(line))))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct GiftReviewBody {
    /// The reviewer's note.
    note: Option<String>,
}

/// Reviews a record (审核): a supervisor or leader whose scope holds its unit, never the person
/// offered it; once (409 after).
#[utoipa::path(post, path = "/gifts/{id}/review", tag = "integrity", params(("id" = i64, Path)),
    request_body = GiftReviewBody,
    responses((status = 200, body = GiftView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn review_gift(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<GiftReviewBody>,
) -> ApiResult<Json<GiftView>> {
    let line =
        gifts::review(&state, &caller.actor, id, body.note.as_deref()).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(GiftView::of(line)))
}

/// One kind's count in a summary.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct GiftKindCount {
    kind: GiftKind,
    label: &'static str,
    count: usize,
    value_yuan: i64,
}

/// A unit's year of refused offers (with the units below it).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct GiftSummaryView {
    unit: String,
    unit_name: String,
    year: i32,
    by_kind: Vec<GiftKindCount>,
    total: usize,
    /// The known value of all of them, in yuan.
    value_yuan: i64,
    reviewed: usize,
}

/// The yearly summary of a unit's refused offers (supervisors, leaders, administrators).
#[utoipa::path(get, path = "/gifts/summary", tag = "integrity", params(GiftParams),
    responses((status = 200, body = GiftSummaryView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn gift_summary(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(params): Query<GiftParams>,
) -> ApiResult<Json<GiftSummaryView>> {
    let year = params.year.unwrap_or_else(huiyin_app::views::this_year);
    let s = gifts::summary(&state, &caller.actor, params.unit.as_deref(), year)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(GiftSummaryView {
        unit: s.unit.code,
        unit_name: s.unit.name,
        year: s.year,
        by_kind: s
            .by_kind
            .into_iter()
            .map(|(kind, count, value_yuan)| GiftKindCount { kind, label: kind.label_zh(), count, value_yuan })
            .collect(),
        total: s.total,
        value_yuan: s.value_yuan,
        reviewed: s.reviewed,
    }))
}
