//! 值班表 (CDR-1, SCH-5, TWN-6, TWN-7, FED-3): a unit's duty pattern, its month's rota generated
//! and edited day by day, swaps (调班) with their approver, who is on duty today.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::duty;
use huiyin_core::duty::{DutyPattern, DutyPatternDraft};

/// A staff member on a rota: login name, and name with title as papers print it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct DutyPerson {
    username: String,
    /// 王秀英（接访员）.
    name: String,
}

impl DutyPerson {
    pub(super) fn of(user: &huiyin_store::User) -> DutyPerson {
        DutyPerson { username: user.username.clone(), name: huiyin_app::accounts::name_and_title(user) }
    }
}

/// A unit's duty pattern; `null` when it has none yet.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct DutyPatternView {
    unit: String,
    pattern: Option<DutyPattern>,
}

/// A unit's duty pattern (staff whose scope holds the unit).
#[utoipa::path(get, path = "/units/{code}/duty/pattern", tag = "duty", params(("code" = String, Path)),
    responses((status = 200, body = DutyPatternView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_duty_pattern(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<DutyPatternView>> {
    let (unit, pattern) = duty::pattern(&state, &caller.actor, &code).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(DutyPatternView { unit: unit.code, pattern }))
}

/// Sets a unit's duty pattern (its administrators and leaders, and those of the units above):
/// `rotation` (one person a day in turn, on working days or `every_day`) or `weekdays` (a fixed
/// person each weekday). Everyone named is an active staff member of the unit.
#[utoipa::path(put, path = "/units/{code}/duty/pattern", tag = "duty", params(("code" = String, Path)),
    request_body = DutyPatternDraft,
    responses((status = 200, body = DutyPatternView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn set_duty_pattern(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(draft): ApiJson<DutyPatternDraft>,
) -> ApiResult<Json<DutyPatternView>> {
    let pattern = duty::set_pattern(&state, &caller.actor, &code, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(DutyPatternView { unit: code.trim().to_ascii_uppercase(), pattern: Some(pattern) }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct GenerateBody {
    /// Replace the days set by hand or swapped too (else they are kept).
    #[serde(default)]
    replace_all: bool,
}

/// What generating a month did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct GeneratedView {
    /// Days given a person from the pattern.
    days: usize,
    /// Days set by hand or swapped before, kept.
    kept: usize,
}

/// Generates a unit's rota for a month (`YYYY-MM`) from its pattern over the holiday calendar: no
/// duty on a holiday unless the duty is every day; a rotation takes up its turn after the last
/// person on duty before the month. Days set by hand or swapped are kept unless `replace_all`.
#[utoipa::path(post, path = "/units/{code}/duty/{month}/generate", tag = "duty",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM")), request_body = GenerateBody,
    responses((status = 200, body = GeneratedView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn generate_duty_month(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month)): Path<(String, String)>,
    ApiJson(body): ApiJson<GenerateBody>,
) -> ApiResult<Json<GeneratedView>> {
    let done = duty::generate_month(&state, &caller.actor, &code, &month, body.replace_all)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(GeneratedView { days: done.days, kept: done.kept }))
}

/// One day of a rota.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RotaDayView {
    day: chrono::NaiveDate,
    /// A working day by the holiday calendar.
    working_day: bool,
    /// The holiday's name on a listed day (放假 or 调休上班).
    #[serde(skip_serializing_if = "Option::is_none")]
    holiday: Option<String>,
    /// Who is on duty; absent when nobody is.
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<DutyPerson>,
    /// `pattern` (generated), `edit` (set by hand) or `swap` (调班).
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<String>,
    /// Who approved a swap or an edit.
    #[serde(skip_serializing_if = "Option::is_none")]
    approved_by: Option<DutyPerson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// FED-8: `present` (signed in), `pending` (reception not over yet), `absent` (reception over
    /// without a sign-in); absent on a day without duty.
    #[serde(skip_serializing_if = "Option::is_none")]
    attendance: Option<huiyin_core::duty::Attendance>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signed_in_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signed_out_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Who recorded the sign-in for the person on duty (补记).
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded_by: Option<DutyPerson>,
}

/// A unit's rota for a month.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RotaView {
    unit: String,
    month: String,
    /// Every day of the month.
    days: Vec<RotaDayView>,
}

/// A unit's rota for a month (`YYYY-MM`), every day with whether it is a working day and who is on
/// duty (staff whose scope holds the unit).
#[utoipa::path(get, path = "/units/{code}/duty/{month}", tag = "duty",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM")),
    responses((status = 200, body = RotaView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_duty_rota(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month)): Path<(String, String)>,
) -> ApiResult<Json<RotaView>> {
    let rota = duty::rota(&state, &caller.actor, &code, &month).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(RotaView {
        unit: rota.unit.code,
        month: rota.month.to_string(),
        days: rota
            .days
            .into_iter()
            .map(|d| RotaDayView {
                day: d.day,
                working_day: d.working_day,
                holiday: d.holiday,
                person: d.person.as_ref().map(DutyPerson::of),
                origin: d.origin.map(|o| o.code().to_owned()),
                approved_by: d.approved_by.as_ref().map(DutyPerson::of),
                reason: d.reason,
                attendance: (d.attendance != huiyin_core::duty::Attendance::NoDuty).then_some(d.attendance),
                signed_in_at: d.signed.as_ref().map(|a| a.signed_in_at),
                signed_out_at: d.signed.as_ref().and_then(|a| a.signed_out_at),
                recorded_by: d.recorded_by.as_ref().map(DutyPerson::of),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DutyDayBody {
    /// The login name of who is on duty that day; `null` or empty for nobody.
    person: Option<String>,
    /// Why (a leave, a change of plan).
    #[serde(default)]
    reason: String,
}

/// Sets who is on duty on one day (`YYYY-MM-DD`), or nobody (its administrators and leaders).
#[utoipa::path(put, path = "/units/{code}/duty/days/{day}", tag = "duty",
    params(("code" = String, Path), ("day" = String, Path, description = "YYYY-MM-DD")), request_body = DutyDayBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn set_duty_day(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, day)): Path<(String, String)>,
    ApiJson(body): ApiJson<DutyDayBody>,
) -> ApiResult<axum::http::StatusCode> {
    duty::set_day(&state, &caller.actor, &code, &day, body.person.as_deref(), &body.reason)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SwapBody {
    /// One day, `YYYY-MM-DD`.
    a: String,
    /// The other day.
    b: String,
    /// The leader who approved the swap (of the unit or a unit above); the caller when a leader and
    /// this is absent.
    approver: Option<String>,
    reason: String,
}

/// Exchanges the people on duty on two days (调班), with the approving leader and a reason recorded
/// (its administrators and leaders).
#[utoipa::path(post, path = "/units/{code}/duty/swap", tag = "duty", params(("code" = String, Path)),
    request_body = SwapBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn swap_duty_days(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<SwapBody>,
) -> ApiResult<axum::http::StatusCode> {
    duty::swap(&state, &caller.actor, &code, &body.a, &body.b, body.approver.as_deref(), &body.reason)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Who is on duty today in the caller's unit.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct TodayView {
    unit: String,
    day: chrono::NaiveDate,
    /// Absent when nobody is on the rota today.
    person: Option<DutyPerson>,
}

/// Who is on duty today in the caller's own unit (TWN-6).
#[utoipa::path(get, path = "/duty/today", tag = "duty",
    responses((status = 200, body = TodayView), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn duty_today(State(state): State<AppState>, caller: ApiActor) -> ApiResult<Json<TodayView>> {
    let person = duty::on_duty_today(&state, &caller.actor).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(TodayView {
        unit: caller.actor.user.unit_code.clone(),
        day: huiyin_core::limits::china_day(chrono::Utc::now()),
        person: person.as_ref().map(DutyPerson::of),
    }))
}

/// A sign-in as recorded.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct SignedInView {
    day: chrono::NaiveDate,
    signed_in_at: chrono::DateTime<chrono::Utc>,
}

/// Signs the caller in at their post for today (FED-8): they are on today's rota of their unit.
/// Refused (422, `day`) on another day, or when already signed in.
#[utoipa::path(post, path = "/duty/sign-in", tag = "duty",
    responses((status = 201, body = SignedInView), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn duty_sign_in(
    State(state): State<AppState>,
    caller: ApiActor,
) -> ApiResult<(axum::http::StatusCode, Json<SignedInView>)> {
    let record = duty::sign_in(&state, &caller.actor).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((axum::http::StatusCode::CREATED, Json(SignedInView { day: record.day, signed_in_at: record.signed_in_at })))
}

/// Signs the caller out of today's duty; refused (422) unless signed in and not yet out.
#[utoipa::path(post, path = "/duty/sign-out", tag = "duty",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn duty_sign_out(
    State(state): State<AppState>,
    caller: ApiActor,
) -> ApiResult<axum::http::StatusCode> {
    duty::sign_out(&state, &caller.actor).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RecordSignInBody {
    /// When they arrived, `HH:MM` (China time) on that day.
    time: String,
    /// Why it is recorded for them (补记的原因).
    note: String,
}

/// Records the sign-in of the person on duty on a day (补记), marked as recorded by the caller (an
/// officer, administrator or leader whose scope holds the unit). On the audit log.
#[utoipa::path(post, path = "/units/{code}/duty/days/{day}/attendance", tag = "duty",
    params(("code" = String, Path), ("day" = String, Path, description = "YYYY-MM-DD")), request_body = RecordSignInBody,
    responses((status = 201, body = SignedInView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn record_duty_sign_in(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, day)): Path<(String, String)>,
    ApiJson(body): ApiJson<RecordSignInBody>,
) -> ApiResult<(axum::http::StatusCode, Json<SignedInView>)> {
    let record = duty::record_sign_in(&state, &caller.actor, &code, &day, &body.time, &body.note)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok((axum::http::StatusCode::CREATED, Json(SignedInView { day: record.day, signed_in_at: record.signed_in_at })))
}
