//! 重点信访人 (TWN-8): a unit's register of key petitioners, kept and read by its supervisors,
//! leaders and administrators (ID numbers and phones masked); a line taken off with a reason.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::duty::DutyPerson;
use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::key_petitioners::{self, KeyPetitionerLine};
use huiyin_core::key_petitioner::KeyPetitionerDraft;

/// A line of a register of key petitioners.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct KeyPetitionerLineView {
    id: i64,
    /// The unit whose register it is (its code) and its name.
    unit: String,
    unit_name: String,
    name: String,
    /// The resident ID number, masked (`1101**********002X`).
    #[serde(skip_serializing_if = "Option::is_none")]
    id_number: Option<String>,
    /// The phone, masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    added_by: Option<DutyPerson>,
    added_at: String,
    /// Taken off the register: when, by whom, why.
    #[serde(skip_serializing_if = "Option::is_none")]
    removed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    removed_by: Option<DutyPerson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    removed_reason: Option<String>,
}

impl KeyPetitionerLineView {
    fn of(line: KeyPetitionerLine) -> KeyPetitionerLineView {
        let (removed_by, removed_at, removed_reason) = match line.removed {
            Some((by, at, why)) => (by, Some(huiyin_app::views::instant(at)), Some(why)),
            None => (None, None, None),
        };
        KeyPetitionerLineView {
            id: line.id,
            unit: line.unit.code,
            unit_name: line.unit.name,
            name: line.name,
            id_number: line.id_number,
            phone: line.phone,
            reason: line.reason,
            added_by: line.added_by.as_ref().map(DutyPerson::of),
            added_at: huiyin_app::views::instant(line.added_at),
            removed_at,
            removed_by: removed_by.as_ref().map(DutyPerson::of),
            removed_reason,
        }
    }
}

/// The registers of key petitioners of a unit and the units below it (supervisors, leaders and
/// administrators whose scope holds it; 403 for the others): those on them first.
#[utoipa::path(get, path = "/units/{code}/key-petitioners", tag = "duty", params(("code" = String, Path)),
    responses((status = 200, body = [KeyPetitionerLineView]), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn list_key_petitioners(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<KeyPetitionerLineView>>> {
    let lines = key_petitioners::list(&state, &caller.actor, Some(&code)).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(lines.into_iter().map(KeyPetitionerLineView::of).collect()))
}

/// Puts a person on the unit's register of key petitioners (重点信访人, TWN-8) with the reason,
/// known by their resident ID number or their phone (one at least): a case whose petitioner is them
/// then shows `key_petitioner` to the registers' keepers, and an appointment session may name them
/// by `key_petitioner_id`.
#[utoipa::path(post, path = "/units/{code}/key-petitioners", tag = "duty", params(("code" = String, Path)),
    request_body = KeyPetitionerDraft,
    responses((status = 201, body = KeyPetitionerLineView), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn add_key_petitioner(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    ApiJson(draft): ApiJson<KeyPetitionerDraft>,
) -> ApiResult<(StatusCode, Json<KeyPetitionerLineView>)> {
    let line = key_petitioners::add(&state, &caller.actor, &code, &draft).await.map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(KeyPetitionerLineView::of(line))))
}

/// The register a case's petitioner is put on, and why.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct KeyPetitionerFromCaseBody {
    /// The code of the unit whose register it is (of the caller's scope; never the unit a case
    /// accuses, nor one below it).
    unit: Option<String>,
    /// 多次越级上访、诉求长期未化解 …
    reason: Option<String>,
}

/// Puts the petitioner of a case the caller reads on a register of key petitioners (TWN-8), their
/// name, resident ID number and phone taken from the case: 422 on `petitioner.name` or
/// `petitioner.id_number` when the case cannot name them so, on `petitioner.id_number` or
/// `petitioner.phone` when they are on that register already.
#[utoipa::path(post, path = "/cases/{id}/key-petitioner", tag = "duty", params(("id" = i64, Path)),
    request_body = KeyPetitionerFromCaseBody,
    responses((status = 201, body = KeyPetitionerLineView), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn key_petitioner_from_case(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<KeyPetitionerFromCaseBody>,
) -> ApiResult<(StatusCode, Json<KeyPetitionerLineView>)> {
    let unit = body.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let unit = unit.unwrap_or(&caller.actor.user.unit_code).to_owned();
    let line = key_petitioners::add_from_case(&state, &caller.actor, id, &unit, body.reason.as_deref())
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok((StatusCode::CREATED, Json(KeyPetitionerLineView::of(line))))
}

/// Why a person is taken off the register.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RemoveKeyPetitionerBody {
    /// 问题已化解, 信息有误 …
    reason: Option<String>,
}

/// Takes a person off the register, with the reason; once (the line is kept).
#[utoipa::path(post, path = "/key-petitioners/{id}/remove", tag = "duty", params(("id" = i64, Path)),
    request_body = RemoveKeyPetitionerBody,
    responses((status = 200, body = KeyPetitionerLineView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn remove_key_petitioner(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RemoveKeyPetitionerBody>,
) -> ApiResult<Json<KeyPetitionerLineView>> {
    let line = key_petitioners::remove(&state, &caller.actor, id, body.reason.as_deref())
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(KeyPetitionerLineView::of(line)))
}
