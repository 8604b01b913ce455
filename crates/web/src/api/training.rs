//! 业务培训 (FED-14): training sessions a unit held, a person's training record, and where a unit's
//! staff stand against the unit's training interval.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::duty::DutyPerson;
use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::training::{self, TrainingLine};
use huiyin_core::training::{TrainingDraft, hours_text};

/// A training session.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct TrainingView {
    id: i64,
    /// The unit that held it (its code) and its name.
    unit: String,
    unit_name: String,
    held_on: chrono::NaiveDate,
    topic: String,
    /// Its length in hours: `2`, `2.5`.
    hours: String,
    trainer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    material: Option<String>,
    attendees: Vec<DutyPerson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded_by: Option<DutyPerson>,
}

impl TrainingView {
    fn of(line: TrainingLine, unit_code: String) -> TrainingView {
        let t = line.record.training;
        TrainingView {
            id: line.record.id,
            unit: unit_code,
            unit_name: line.unit_name,
            held_on: t.held_on,
            topic: t.topic,
            hours: hours_text(t.tenths),
            trainer: t.trainer,
            material: t.material,
            attendees: line.attendees.iter().map(DutyPerson::of).collect(),
            recorded_by: line.recorded_by.as_ref().map(DutyPerson::of),
        }
    }
}

async fn views(state: &AppState, lines: Vec<TrainingLine>) -> Vec<TrainingView> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let code = state.store.unit_by_id(line.record.training.unit_id).await.ok().flatten().map(|u| u.code);
        out.push(TrainingView::of(line, code.unwrap_or_default()));
    }
    out
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct TrainingParams {
    /// A unit's code of the caller's scope (default their own); the units below it are included.
    unit: Option<String>,
    /// The year held (default this year).
    year: Option<i32>,
}

/// The training sessions a unit of the caller's scope and the units below it held in a year,
/// newest first.
#[utoipa::path(get, path = "/training", tag = "integrity", params(TrainingParams),
    responses((status = 200, body = [TrainingView]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_training(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(params): Query<TrainingParams>,
) -> ApiResult<Json<Vec<TrainingView>>> {
    let year = params.year.unwrap_or_else(huiyin_app::views::this_year);
    let lines = training::sessions(&state, &caller.actor, params.unit.as_deref(), year)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(views(&state, lines).await))
}

/// Records a training session (FED-14) held by a unit of the caller's scope (default their own):
/// supervisors, leaders and administrators; the attendees are active staff of the caller's scope.
#[utoipa::path(post, path = "/training", tag = "integrity", request_body = TrainingDraft,
    responses((status = 201, body = TrainingView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn record_training(
    State(state): State<AppState>,
    caller: ApiActor,
    ApiJson(draft): ApiJson<TrainingDraft>,
) -> ApiResult<(StatusCode, Json<TrainingView>)> {
    let line = training::record(&state, &caller.actor, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    let mut views = views(&state, vec![line]).await;
    let view = views.pop().ok_or_else(|| refuse(caller.lang, huiyin_app::error::AppError::NotFound))?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A staff member's standing against their unit's training interval.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct StandingView {
    person: DutyPerson,
    unit_name: String,
    /// Their last session; absent when they have had none.
    #[serde(skip_serializing_if = "Option::is_none")]
    last: Option<chrono::NaiveDate>,
    /// The day training is due again.
    due_on: chrono::NaiveDate,
    /// That day has passed.
    overdue: bool,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct StandingParams {
    /// A unit's code of the caller's scope (default their own); the units below it are included.
    unit: Option<String>,
}

/// Where the staff of a unit stand (supervisors, leaders, administrators): each one's last session
/// and the day training is due again by the unit's `training_interval`, those past it first.
#[utoipa::path(get, path = "/training/standing", tag = "integrity", params(StandingParams),
    responses((status = 200, body = [StandingView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn training_standing(
    State(state): State<AppState>,
    caller: ApiActor,
    Query(params): Query<StandingParams>,
) -> ApiResult<Json<Vec<StandingView>>> {
    let standing =
        training::standing(&state, &caller.actor, params.unit.as_deref()).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(
        standing
            .into_iter()
            .map(|s| StandingView {
                person: DutyPerson::of(&s.person),
                unit_name: s.unit_name,
                last: s.last,
                due_on: s.due_on,
                overdue: s.overdue,
            })
            .collect(),
    ))
}

/// A person's training record, newest first: one's own, or a staff member of the caller's scope.
#[utoipa::path(get, path = "/users/{username}/training", tag = "integrity", params(("username" = String, Path)),
    responses((status = 200, body = [TrainingView]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn person_training(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(username): Path<String>,
) -> ApiResult<Json<Vec<TrainingView>>> {
    let (_, lines) = training::person(&state, &caller.actor, &username).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(views(&state, lines).await))
}
