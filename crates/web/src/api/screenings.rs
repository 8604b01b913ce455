//! 每月排查 (TWN-13): a unit's screening of a month — what huiyin proposes to look at, the matters
//! chosen with the person responsible, the measures and the deadline, the leader's sign-off, each
//! matter resolved — its PDF, and which of a unit's units have screened (上报).

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

use super::{ApiJson, refuse};
use crate::auth::ApiActor;
use crate::case_query;
use crate::error::{ApiResult, ErrorBody};
use huiyin_app::context::AppState;
use huiyin_app::screenings::{self, ScreeningView};
use huiyin_core::screening::{MatterKind, ScreeningDraft};

/// A screened matter.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ScreenedMatterView {
    /// Its number in the screening, from 1 (resolving names it).
    number: usize,
    kind: MatterKind,
    /// 信访热点, 多次信访 …
    kind_label: String,
    subject: String,
    /// The numbers of the cases it covers.
    cases: Vec<String>,
    /// The person responsible (责任人), by login name, and as pages name them.
    responsible: String,
    responsible_name: String,
    /// 化解措施.
    measures: String,
    due: chrono::NaiveDate,
    /// The deadline passed with the matter unresolved.
    overdue: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved_on: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolution: Option<String>,
}

/// Someone who may be made responsible for a matter.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ResponsibleView {
    username: String,
    name: String,
    unit: String,
}

/// A unit's screening of a month.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ScreeningResponse {
    unit: String,
    /// The month screened, `2026-11`.
    month: String,
    /// The day by which it is signed off: the unit's `screening_by`-th working day of the month after.
    due: chrono::NaiveDate,
    /// `none` (not begun), `draft` or `signed`.
    status: String,
    /// The version to name when writing or signing it; absent before it is begun.
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    matters: Vec<ScreenedMatterView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    drafted_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Signed after its day.
    late: bool,
    may_draft: bool,
    may_sign: bool,
    /// Who may be made responsible (to a caller who may draft): active staff of the unit and above it.
    staff: Vec<ResponsibleView>,
}

fn screening_response(v: &ScreeningView) -> ScreeningResponse {
    let login = |id: i64| v.staff.iter().find(|u| u.id == id).map(|u| u.username.clone()).unwrap_or_default();
    let record = v.record.as_ref();
    ScreeningResponse {
        unit: v.unit.code.clone(),
        month: v.month.to_string(),
        due: v.due,
        status: match record {
            None => "none",
            Some(r) if r.signed_at.is_some() => "signed",
            Some(_) => "draft",
        }
        .into(),
        version: record.map(|r| r.version),
        summary: record.and_then(|r| r.summary.clone()),
        matters: v
            .matters
            .iter()
            .map(|m| ScreenedMatterView {
                number: m.number,
                kind: m.matter.kind,
                kind_label: m.matter.kind.label_zh().into(),
                subject: m.matter.subject.clone(),
                cases: m.matter.cases.iter().map(|(_, n)| n.clone()).collect(),
                responsible: login(m.matter.responsible),
                responsible_name: m.responsible.clone(),
                measures: m.matter.measures.clone(),
                due: m.matter.due,
                overdue: m.overdue,
                resolved_on: m.matter.resolved_on,
                resolution: m.matter.resolution.clone(),
            })
            .collect(),
        drafted_by: v.drafted_by.clone(),
        signed_by: v.signed_by.clone(),
        signed_at: record.and_then(|r| r.signed_at),
        late: record.is_some_and(|r| r.late),
        may_draft: v.may_draft,
        may_sign: v.may_sign,
        staff: v
            .staff
            .iter()
            .filter(|_| v.may_draft)
            .map(|u| ResponsibleView {
                username: u.username.clone(),
                name: huiyin_app::accounts::name_and_title(u),
                unit: u.unit_code.clone(),
            })
            .collect(),
    }
}

/// A unit's screening of a month that has ended (`YYYY-MM`): its matters as the caller may see
/// them, its state and who may draft and sign it (staff whose scope holds the unit).
#[utoipa::path(get, path = "/units/{code}/screenings/{month}", tag = "supervision",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM, a month that has ended")),
    responses((status = 200, body = ScreeningResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn get_screening(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month)): Path<(String, String)>,
) -> ApiResult<Json<ScreeningResponse>> {
    let v = screenings::screening(&state, &caller.actor, &code, &month).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(screening_response(&v)))
}

/// Writes the screening's draft (staff of the unit or above, not handlers): the summary and the
/// matters, each with its kind, subject, cases (numbers the caller may read), the person
/// responsible (`staff`, never one a case of the matter accuses: 422), the measures and a deadline
/// not before today. Name the `version` read (none to begin it): 409 when it was written since.
/// A signed screening is not written again.
#[utoipa::path(put, path = "/units/{code}/screenings/{month}", tag = "supervision",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM")),
    request_body = ScreeningDraft,
    responses((status = 200, body = ScreeningResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn save_screening(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month)): Path<(String, String)>,
    ApiJson(draft): ApiJson<ScreeningDraft>,
) -> ApiResult<Json<ScreeningResponse>> {
    let refuse = |e| refuse(caller.lang, e);
    screenings::save_draft(&state, &caller.actor, &code, &month, &draft).await.map_err(refuse)?;
    let v = screenings::screening(&state, &caller.actor, &code, &month).await.map_err(refuse)?;
    Ok(Json(screening_response(&v)))
}

/// The version read, to sign or resolve.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SignBody {
    version: i64,
}

/// Signs the screening off (a leader of the unit or above): fixed from now, `late` after its day,
/// and reported to the unit above, whose supervisors and leaders are told.
#[utoipa::path(post, path = "/units/{code}/screenings/{month}/sign", tag = "supervision",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM")),
    request_body = SignBody,
    responses((status = 200, body = ScreeningResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn sign_screening(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month)): Path<(String, String)>,
    ApiJson(body): ApiJson<SignBody>,
) -> ApiResult<Json<ScreeningResponse>> {
    let v = screenings::sign(&state, &caller.actor, &code, &month, body.version)
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(screening_response(&v)))
}

/// How a matter was resolved.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ResolveBody {
    /// 化解情况.
    resolution: Option<String>,
}

/// Records a matter of the signed screening resolved (化解), once (422 `resolution` when it was
/// already): its person responsible, or a supervisor or leader whose scope holds the unit.
#[utoipa::path(post, path = "/units/{code}/screenings/{month}/matters/{number}/resolve", tag = "supervision",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM"),
           ("number" = usize, Path, description = "The matter's number, from 1")),
    request_body = ResolveBody,
    responses((status = 200, body = ScreeningResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn resolve_matter(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month, number)): Path<(String, String, usize)>,
    ApiJson(body): ApiJson<ResolveBody>,
) -> ApiResult<Json<ScreeningResponse>> {
    let v = screenings::resolve(&state, &caller.actor, &code, &month, number, body.resolution.as_deref())
        .await
        .map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(screening_response(&v)))
}

/// Something huiyin proposes to screen.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ProposalView {
    kind: MatterKind,
    kind_label: String,
    /// The matter as it would be written down.
    subject: String,
    /// Why it is proposed.
    detail: String,
    /// The numbers of the cases it names (a frequent petitioner's).
    cases: Vec<String>,
    /// The query string of `/api/v1/cases` that lists its cases, where one can.
    #[serde(skip_serializing_if = "Option::is_none")]
    list: Option<String>,
}

/// What huiyin proposes to screen for the month (TWN-13): content classes and places whose cases
/// rose against the three months before, petitioners with three or more cases in 90 days,
/// collective petitions, skip-level visits, office deadlines missed, 不满意 ratings and (for the
/// keepers of the register) the unit's key petitioners — counted without the cases that accuse the
/// caller (GEN-7).
#[utoipa::path(get, path = "/units/{code}/screenings/{month}/proposals", tag = "supervision",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM")),
    responses((status = 200, body = Vec<ProposalView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn screening_proposals(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month)): Path<(String, String)>,
) -> ApiResult<Json<Vec<ProposalView>>> {
    let proposals =
        screenings::proposals(&state, &caller.actor, &code, &month).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(
        proposals
            .into_iter()
            .map(|p| ProposalView {
                kind: p.kind,
                kind_label: p.kind.label_zh().into(),
                subject: p.subject,
                detail: p.detail,
                cases: p.cases.into_iter().map(|(_, n)| n).collect(),
                list: p.list.as_ref().map(case_query),
            })
            .collect(),
    ))
}

/// The signed screening as kept in writing (书面存档): PDF under the unit's letterhead.
#[utoipa::path(get, path = "/units/{code}/screenings/{month}/screening.pdf", tag = "supervision",
    params(("code" = String, Path), ("month" = String, Path, description = "YYYY-MM")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn screening_pdf(
    State(state): State<AppState>,
    caller: ApiActor,
    Path((code, month)): Path<(String, String)>,
) -> ApiResult<axum::response::Response> {
    let (name, pdf) =
        screenings::screening_pdf(&state, &caller.actor, &code, &month).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(crate::made_pdf(&name, pdf))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct StandingParams {
    /// The month screened (`YYYY-MM`, one that has ended).
    month: String,
}

/// A unit's standing for a month.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct StandingView {
    unit: String,
    name: String,
    /// `none`, `draft` or `signed`.
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    signed_at: Option<chrono::DateTime<chrono::Utc>>,
    late: bool,
    /// Matters the caller may see, and of them those overdue.
    matters: usize,
    overdue: usize,
}

/// The unit and the units directly below it, each with its screening of the month: which have
/// screened, when, and how many matters (上报).
#[utoipa::path(get, path = "/units/{code}/screenings", tag = "supervision",
    params(("code" = String, Path), StandingParams),
    responses((status = 200, body = Vec<StandingView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(super) async fn screening_standings(
    State(state): State<AppState>,
    caller: ApiActor,
    Path(code): Path<String>,
    Query(q): Query<StandingParams>,
) -> ApiResult<Json<Vec<StandingView>>> {
    let lines =
        screenings::standings(&state, &caller.actor, &code, &q.month).await.map_err(|e| refuse(caller.lang, e))?;
    Ok(Json(
        lines
            .into_iter()
            .map(|s| StandingView {
                status: match &s.record {
                    None => "none",
                    Some(r) if r.signed_at.is_some() => "signed",
                    Some(_) => "draft",
                }
                .into(),
                signed_at: s.record.as_ref().and_then(|r| r.signed_at),
                late: s.record.as_ref().is_some_and(|r| r.late),
                unit: s.unit.code,
                name: s.unit.name,
                matters: s.matters,
                overdue: s.overdue,
            })
            .collect(),
    ))
}
