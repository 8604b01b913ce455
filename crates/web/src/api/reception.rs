//! 领导接访安排 (TWN-7, TWN-8, TWN-9): a unit's month of leaders' reception days — drafted,
//! published (公示) as a locked version, changed as a new version — and its PDF notice.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::reception::{self, ReceptionMonth};
use huiyin_core::reception::{ArrangedDay, DayChange, ReceptionMonthDraft};
use huiyin_store::ReceptionMonthRecord;

/// One version of a month's table.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ReceptionVersionView {
    version: i64,
    days: Vec<ArrangedDay>,
    /// 变更说明, for a version after the first.
    change_note: Option<String>,
    drafted_by: String,
    drafted_at: chrono::DateTime<chrono::Utc>,
    /// Absent on the draft.
    #[serde(skip_serializing_if = "Option::is_none")]
    published_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Published after the month's deadline (TWN-9).
    late: bool,
    /// What this version changed against the version before it, day by day.
    changes: Vec<ReceptionChangeView>,
}

/// One day a version changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ReceptionChangeView {
    day: chrono::NaiveDate,
    change: DayChange,
}

/// A leader who may receive at the unit (for pickers).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ReceptionLeaderView {
    username: String,
    /// 张三（副镇长）.
    name: String,
    rank: String,
    unit: String,
}

/// A unit's month of leaders' reception days.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ReceptionMonthView {
    unit: String,
    /// `2026-12`.
    month: String,
    /// The day by which the month must be published: the unit's `reception_publish_by`-th working day.
    due: chrono::NaiveDate,
    /// The published versions, oldest first; the last is in force.
    published: Vec<ReceptionVersionView>,
    /// The draft, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    draft: Option<ReceptionVersionView>,
    /// Whether the caller may draft and publish it.
    may_arrange: bool,
    /// The lowest rank of a receiving leader (TWN-7).
    min_rank: String,
    /// Who may receive: active staff of the unit or above of that rank or higher.
    leaders: Vec<ReceptionLeaderView>,
}

fn version_view(m: &ReceptionMonth, r: &ReceptionMonthRecord) -> ReceptionVersionView {
    let name = |id: Option<i64>| {
        id.and_then(|id| m.people.iter().find(|u| u.id == id)).map(|u| u.username.clone()).unwrap_or_default()
    };
    ReceptionVersionView {
        version: r.version,
        days: r.days.clone(),
        change_note: r.change_note.clone(),
        drafted_by: name(Some(r.drafted_by)),
        drafted_at: r.drafted_at,
        published_by: r.published_by.map(|id| name(Some(id))),
        published_at: r.published_at,
        late: r.late,
        changes: m
            .changes_of(r.version)
            .into_iter()
            .filter(|_| r.published_at.is_some())
            .map(|(day, change)| ReceptionChangeView { day, change })
            .collect(),
    }
}

fn month_view(m: &ReceptionMonth) -> ReceptionMonthView {
    ReceptionMonthView {
        unit: m.unit.code.clone(),
        month: m.month.to_string(),
        due: m.due,
        published: m.published.iter().map(|r| version_view(m, r)).collect(),
        draft: m.draft.as_ref().map(|r| version_view(m, r)),
        may_arrange: m.may_arrange,
        min_rank: m.min_rank.clone(),
        leaders: m
            .leaders
            .iter()
            .map(|u| ReceptionLeaderView {
                username: u.username.clone(),
                name: huiyin_app::accounts::name_and_title(u),
                rank: u.rank.clone().unwrap_or_default(),
                unit: u.unit_code.clone(),
            })
            .collect(),
    }
}

/// A unit's month (`YYYY-MM`) of leaders' reception days: its published versions, its draft, its
/// deadline and who may receive (staff whose scope holds the unit).
#[utoipa::path(get, path = "/units/{code}/reception-months/{month}", tag = "duty",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM")),
    responses((status = 200, body = ReceptionMonthView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_reception_month(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month)): Path<(String, String)>,
) -> ApiResult<Json<ReceptionMonthView>> {
    let m = reception::month(&state, &caller.actor, &code, &month).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(month_view(&m)))
}

/// Writes the month's draft (the unit's administrators and leaders, and those above): each day
/// with one leader, or several for a joint reception, each of the unit's rank or above (TWN-7,
/// 422 `rank_below`), the fixed place (TWN-8) and the hours (blank for the whole day). Once a
/// version is published, the draft is the next version and says why (`change_note`).
#[utoipa::path(put, path = "/units/{code}/reception-months/{month}/draft", tag = "duty",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM")),
    request_body = ReceptionMonthDraft,
    responses((status = 200, body = ReceptionMonthView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn save_reception_draft(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month)): Path<(String, String)>,
    ApiJson(draft): ApiJson<ReceptionMonthDraft>,
) -> ApiResult<Json<ReceptionMonthView>> {
    let refuse = |e| refuse(caller.lang, e);
    reception::save_draft(&state, &caller.actor, &code, &month, &draft).await.map_err(refuse)?;
    let m = reception::month(&state, &caller.actor, &code, &month).await.map_err(refuse)?;
    Ok(Json(month_view(&m)))
}

/// Drops the month's draft; the published versions stay.
#[utoipa::path(delete, path = "/units/{code}/reception-months/{month}/draft", tag = "duty",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn discard_reception_draft(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    reception::discard_draft(&state, &caller.actor, &code, &month).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publishes (公示) the month's draft: locked from now on with its time, marked `late` after the
/// month's deadline; the public unit page shows it, a later version as a change. 422 `draft` when
/// there is no draft with a day.
#[utoipa::path(post, path = "/units/{code}/reception-months/{month}/publish", tag = "duty",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM")),
    responses((status = 200, body = ReceptionMonthView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn publish_reception_month(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month)): Path<(String, String)>,
) -> ApiResult<Json<ReceptionMonthView>> {
    let refuse = |e| refuse(caller.lang, e);
    reception::publish(&state, &caller.actor, &code, &month).await.map_err(refuse)?;
    let m = reception::month(&state, &caller.actor, &code, &month).await.map_err(refuse)?;
    Ok(Json(month_view(&m)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct NoticeQuery {
    /// A published version; the latest when absent.
    version: Option<i64>,
}

/// The published notice (公示) of the month as PDF under the unit's letterhead, for the notice
/// board: the table, and for a changed version what changed and why.
#[utoipa::path(get, path = "/units/{code}/reception-months/{month}/notice.pdf", tag = "duty",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM"), NoticeQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn reception_notice_pdf(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> ApiResult<axum::response::Response> {
    let (name, pdf) = reception::notice_pdf(&state, &caller.actor, &code, &month, q.version)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(crate::made_pdf(&name, pdf))
}

/// A reception session (接访活动, TWN-10).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ReceptionSessionView {
    id: i64,
    unit: String,
    /// `leader_day`, `joint`, `appointment` or `home_visit`.
    kind: huiyin_core::reception_session::SessionKind,
    /// 领导接访日, 联合接访, 约访, 下访.
    kind_label: String,
    day: chrono::NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    starts: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ends: Option<String>,
    place: String,
    leaders: Vec<huiyin_core::reception::ArrangedLeader>,
    /// 约访 (or a 下访 to one): the key petitioner (重点信访人) and why; shown to supervisors,
    /// leaders and administrators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    key_petitioner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    /// How many visits were registered in it, as the caller's case list counts them (GEN-7: a visit
    /// accusing the caller is not counted).
    visits: i64,
}

fn session_view(unit: &str, r: huiyin_store::SessionRecord) -> ReceptionSessionView {
    let s = r.session;
    ReceptionSessionView {
        id: r.id,
        unit: unit.to_owned(),
        kind_label: s.kind.label_zh().to_owned(),
        kind: s.kind,
        day: s.day,
        starts: s.starts,
        ends: s.ends,
        place: s.place,
        leaders: s.leaders,
        key_petitioner: s.key_petitioner,
        key_reason: s.key_reason,
        note: s.note,
        visits: r.visits,
    }
}

/// Records a reception session at a unit (those who register visits there, its administrators
/// and leaders): a leader's reception day, a joint reception (two leaders or more), an appointment
/// visit with a key petitioner (name and reason required) or a home visit; the leaders as for a
/// month's table (TWN-7). Visits are then registered in it with `session` (TWN-10).
#[utoipa::path(post, path = "/units/{code}/reception-sessions", tag = "duty", params(("code" = String, Path)),
    request_body = huiyin_core::reception_session::ReceptionSessionDraft,
    responses((status = 201, body = ReceptionSessionView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn record_session(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(draft): ApiJson<huiyin_core::reception_session::ReceptionSessionDraft>,
) -> ApiResult<(StatusCode, Json<ReceptionSessionView>)> {
    let record = huiyin_app::reception_sessions::record(&state, &caller.actor, &code, &draft)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(session_view(&code.trim().to_ascii_uppercase(), record))))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct MonthQuery {
    /// `YYYY-MM`.
    month: String,
}

/// A unit's reception sessions of a month, by day.
#[utoipa::path(get, path = "/units/{code}/reception-sessions", tag = "duty", params(("code" = String, Path), MonthQuery),
    responses((status = 200, body = [ReceptionSessionView]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_sessions(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    Query(q): Query<MonthQuery>,
) -> ApiResult<Json<Vec<ReceptionSessionView>>> {
    let (unit, all) = huiyin_app::reception_sessions::sessions(&state, &caller.actor, &code, &q.month)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(all.into_iter().map(|r| session_view(&unit.code, r)).collect()))
}

/// A visit registered in a session.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ReceptionSessionVisitView {
    id: i64,
    case_number: String,
    /// The petitioner's name; absent for an anonymous one.
    #[serde(skip_serializing_if = "Option::is_none")]
    petitioner: Option<String>,
    status: String,
    received_at: chrono::DateTime<chrono::Utc>,
}

/// A session with the visits registered in it that the caller may see.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ReceptionSessionDetailView {
    session: ReceptionSessionView,
    visits: Vec<ReceptionSessionVisitView>,
}

/// One reception session with its visits (those the caller may see: scope and GEN-7 as for any
/// case list).
#[utoipa::path(get, path = "/reception-sessions/{id}", tag = "duty", params(("id" = i64, Path)),
    responses((status = 200, body = ReceptionSessionDetailView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_session(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<Json<ReceptionSessionDetailView>> {
    let (unit, record, visits) =
        huiyin_app::reception_sessions::session(&state, &caller.actor, id).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(ReceptionSessionDetailView {
        session: session_view(&unit.code, record),
        visits: visits
            .into_iter()
            .map(|v| ReceptionSessionVisitView {
                id: v.id,
                case_number: v.case_number,
                petitioner: v.petitioner_name,
                status: v.status.code().to_owned(),
                received_at: v.received_at,
            })
            .collect(),
    }))
}

/// The session's summary (visitors, cases, the leaders' instructions, where each case stands) as
/// one PDF under the unit's letterhead.
#[utoipa::path(get, path = "/reception-sessions/{id}/summary.pdf", tag = "duty", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = ErrorBody),
               (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn session_summary_pdf(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
) -> ApiResult<axum::response::Response> {
    let (name, pdf) = huiyin_app::reception_sessions::summary_pdf(&state, &caller.actor, id)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(crate::made_pdf(&name, pdf))
}
