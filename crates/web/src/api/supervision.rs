//! 督办 (FED-10): notifications and supervision items.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::refuse;
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::supervision;

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct NotificationView {
    id: i64,
    case_id: Option<i64>,
    /// `due_soon`, `overdue`, `escalated`
    kind: String,
    message: String,
    created_at: String,
    read_at: Option<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct NotificationList {
    unread: i64,
    items: Vec<NotificationView>,
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/notifications", tag = "supervision",
    responses((status = 200, body = NotificationList), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn list_notifications(
    State(state): State<AppState>,
    caller: ApiActor,
) -> ApiResult<Json<NotificationList>> {
    let lang = caller.lang;
    let (items, unread) = supervision::notifications(&state, &caller.actor, 100).await.map_err(|e| refuse(lang, e))?;
    let items = items
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            case_id: n.case_id,
            kind: n.kind,
            message: n.message,
            created_at: huiyin_app::views::instant(n.created_at),
            read_at: n.read_at.map(huiyin_app::views::instant),
        })
        .collect();
    Ok(Json(NotificationList { unread, items }))
}

/// Marks one of the caller's notifications read.
#[utoipa::path(post, path = "/notifications/{id}/read", tag = "supervision", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn read_notification(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let lang = caller.lang;
    supervision::mark_notification_read(&state, &caller.actor, id).await.map_err(|e| refuse(lang, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many notifications were marked read.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct MarkedRead {
    marked: u64,
}

/// Marks every one of the caller's notifications read (全部标为已读).
#[utoipa::path(post, path = "/notifications/read-all", tag = "supervision",
    responses((status = 200, body = MarkedRead), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn read_all_notifications(
    State(state): State<AppState>,
    caller: ApiActor,
) -> ApiResult<Json<MarkedRead>> {
    let lang = caller.lang;
    let marked = supervision::mark_all_notifications_read(&state, &caller.actor).await.map_err(|e| refuse(lang, e))?;
    Ok(Json(MarkedRead { marked }))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct SupervisionView {
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
pub(super) struct SupervisionParams {
    /// `false` to include closed items (default `true`: open only).
    open: Option<bool>,
}

/// Supervision items (督办单) of the caller's unit and the units below, and those escalated to them.
#[utoipa::path(get, path = "/supervision", tag = "supervision", params(SupervisionParams),
    responses((status = 200, body = Vec<SupervisionView>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn list_supervision(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(p): Query<SupervisionParams>,
) -> ApiResult<Json<Vec<SupervisionView>>> {
    let lang = caller.lang;
    let items = supervision::supervision_items(&state, &caller.actor, p.open.unwrap_or(true), 500)
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
                opened_at: huiyin_app::views::instant(i.opened_at),
                escalated_to: i.escalated_to,
                closed_at: i.closed_at.map(huiyin_app::views::instant),
            })
            .collect(),
    ))
}

/// A body of a community that met less often than its cadence in a period.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct MissedCadenceView {
    /// The community's code and name.
    unit: String,
    unit_name: String,
    body: huiyin_core::community_body::BodyKind,
    body_name: &'static str,
    /// The period's first day and the day after its last, and its name (2026年第三季度).
    from: chrono::NaiveDate,
    before: chrono::NaiveDate,
    period: String,
    /// What the seed asks (每季度召开一次).
    cadence: String,
    told_at: String,
}

/// 督办 (DEM-3 … DEM-5): the communities' bodies of the caller's scope that met less often than
/// their cadence (the committee monthly, the council quarterly, the congress twice a year), as the
/// supervision run told their leaders in the last twelve months, the newest first.
#[utoipa::path(get, path = "/supervision/meetings-missed", tag = "supervision",
    responses((status = 200, body = [MissedCadenceView]), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn meetings_missed(
    State(state): State<AppState>,
    caller: ApiActor,
) -> ApiResult<Json<Vec<MissedCadenceView>>> {
    let missed =
        huiyin_app::meetings::missed_cadences(&state, &caller.actor).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(
        missed
            .into_iter()
            .map(|m| MissedCadenceView {
                unit: m.unit.code,
                unit_name: m.unit.name,
                body: m.body,
                body_name: m.body.label_zh(),
                from: m.period.from,
                before: m.period.before,
                period: m.period.label_zh,
                cadence: m.body.cadence().label_zh(),
                told_at: huiyin_app::views::instant(m.told_at),
            })
            .collect(),
    ))
}

/// A unit that had not signed off its screening of a month by its day.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct MissedScreeningView {
    unit: String,
    unit_name: String,
    /// The month not screened in time, `2026-11`.
    month: String,
    told_at: String,
    /// Signed off since, late.
    signed_since: bool,
}

/// A matter of a signed screening past its deadline unresolved.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct OverdueMatterView {
    unit: String,
    unit_name: String,
    month: String,
    subject: String,
    /// The person responsible, as pages name them.
    responsible: String,
    due: chrono::NaiveDate,
}

/// Both lists of the monthly screenings' supervision.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct ScreeningSupervisionView {
    missed: Vec<MissedScreeningView>,
    overdue: Vec<OverdueMatterView>,
}

/// 督办 (TWN-13): the units of the caller's scope told in the last twelve months that they had not
/// signed off their monthly screening by its day (the newest first), and the screened matters past
/// their deadline unresolved (those the caller may see, GEN-7), the earliest first.
#[utoipa::path(get, path = "/supervision/screenings", tag = "supervision",
    responses((status = 200, body = ScreeningSupervisionView), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub(super) async fn screenings_supervised(
    State(state): State<AppState>,
    caller: ApiActor,
) -> ApiResult<Json<ScreeningSupervisionView>> {
    let (missed, overdue) =
        huiyin_app::screenings::supervision(&state, &caller.actor).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(ScreeningSupervisionView {
        missed: missed
            .into_iter()
            .map(|m| MissedScreeningView {
                unit: m.unit.code,
                unit_name: m.unit.name,
                month: m.month.to_string(),
                told_at: huiyin_app::views::instant(m.told_at),
                signed_since: m.signed_since,
            })
            .collect(),
        overdue: overdue
            .into_iter()
            .map(|m| OverdueMatterView {
                unit: m.unit.code,
                unit_name: m.unit.name,
                month: m.month.to_string(),
                subject: m.matter.subject,
                responsible: m.responsible,
                due: m.matter.due,
            })
            .collect(),
    }))
}
