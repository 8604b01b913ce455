//! The JSON API under `/api/v1` and its OpenAPI document (generated from the handlers), one file
//! per resource; here the JSON body extractor, the error answer and the router.

mod accounts;
mod attachments;
mod audit;
mod cases;
mod categories;
mod charters;
mod community_bodies;
mod complaints;
mod documents;
mod duty;
mod gifts;
mod key_petitioners;
mod limits;
mod matters;
mod measures;
mod meetings;
mod outbox;
mod policies;
mod public;
mod reception;
mod saved_filters;
mod screenings;
mod search;
mod service_requests;
mod statistics;
mod supervision;
mod tokens;
mod training;
mod unit_terms;
mod unit_territories;
mod units;

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use huiyin_core::Lang;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::lang_of;
use crate::error::ApiError;
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;

/// The largest JSON body the API accepts.
pub const JSON_LIMIT: usize = 256 * 1024;
/// How much of an oversized body is read and thrown away before answering 413, so that an ordinary
/// client finishes sending and reads the answer instead of a reset connection.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// Reads a body up to `limit` bytes; `None` if it is larger (after draining up to `DRAIN_LIMIT`).
pub(super) async fn read_limited(body: Body, limit: usize) -> Result<Option<Vec<u8>>, axum::Error> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else { continue };
        seen += data.len();
        if seen <= limit {
            kept.extend_from_slice(&data);
        } else if seen > DRAIN_LIMIT.max(limit) {
            break;
        }
    }
    Ok((seen <= limit).then_some(kept))
}

/// A JSON body, refused with the API's error body: 413 over the limit, 400 when malformed or when it
/// has fields the endpoint does not know.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let lang = lang_of(&parts);
        let bytes = read_limited(Body::new(body), JSON_LIMIT)
            .await
            .map_err(|e| ApiError::malformed(lang, &e.to_string()))?
            .ok_or_else(|| ApiError::too_large(lang, JSON_LIMIT))?;
        if bytes.is_empty() {
            return serde_json::from_slice(b"{}").map(ApiJson).map_err(|e| ApiError::malformed(lang, &e.to_string()));
        }
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| ApiError::malformed(lang, &e.to_string()))
    }
}

pub(super) fn refuse(lang: Lang, e: AppError) -> ApiError {
    ApiError::logged(lang, e)
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "huiyin (回音) API", description = "Petition reception and case handling. Errors: `{\"error\": {\"code\", \"message\", \"field\"}}`; messages in Chinese unless `Accept-Language` prefers English."),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    tags((name = "cases", description = "Registering and finding cases"),
         (name = "categories", description = "The content classification (GEN-10), edited by administrators"),
         (name = "limits", description = "Time limits as data and the holiday calendar (GEN-2 … GEN-5, GEN-8)"),
         (name = "search", description = "Finding cases and knowing them at intake: history, repeats, 不再受理, collective matters, 越级访 (FED-11, GEN-5, GEN-6, TWN-14)"),
         (name = "documents", description = "Issued notices, letters and records as PDF; letterheads"),
         (name = "supervision", description = "督办: supervision items and notifications (FED-10), and the outbox that sends them by SMS and e-mail (its dead letters for administrators); 每月排查: the monthly screening of petition hotspots, signed off by a leader and reported up (TWN-13)"),
         (name = "public", description = "Without an account: a petitioner follows their case by number and query code (GEN-11), and reads a unit's hotline, hours, procedure and measures (COM-3)"),
         (name = "lifecycle", description = "The actions of a case's life: sorting, handling, approval, reply, review"),
         (name = "accounts", description = "Staff accounts for administrators: listing, disabling, names on records, passwords, API tokens; the audit log of administration"),
         (name = "units", description = "The unit tree (TWN-1): listed and renamed by administrators"),
         (name = "duty", description = "值班表: a unit's duty pattern, its month's rota and swaps, who is on duty today (CDR-1, SCH-5, TWN-6, TWN-7, FED-3); 领导接访安排: the month's leaders' reception days, drafted and published (TWN-7, TWN-8, TWN-9); reception sessions (TWN-10) and the registers of key petitioners (重点信访人)"),
         (name = "service", description = "办事: a resident's request for a service rather than a petition, taken by the first staff member asked, done on the spot or guided to the cadre responsible, who records it done; no case, no limit, no place in the petition measures (CDR-4, CDR-2)"),
         (name = "policies", description = "政策法规库: laws, regulations and local policies as numbered articles, searched as cases are; an opinion or an on-the-spot answer cites articles, and the 处理意见书 prints them (FED-9)"),
         (name = "integrity", description = "廉洁: the register of gifts, banquets and favours staff refused, reviewed by a supervisor (SCH-8); training sessions and each staff member's standing against the unit's training interval (FED-14); complaints against staff, investigated and concluded, never shown to the person complained about (FED-12, CDR-5)"),
         (name = "democracy", description = "社区民主管理: a community's charter and conventions with numbered versions and their differences (DEM-1), its three bodies with their cadence, rules and members (DEM-2 … DEM-5), their meetings: called by whom the seed names (the congress on a third of the representatives' request), attended, quorate or not, and deciding by the rules' majority (DEM-3 … DEM-5)"))
)]
struct ApiDoc;

/// The `/api/v1` router and its OpenAPI document.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    cases::case_action_routes(OpenApiRouter::with_openapi(ApiDoc::openapi()))
        .routes(routes!(cases::create_case, cases::list_cases))
        .routes(routes!(cases::get_case))
        .routes(routes!(saved_filters::list_saved_filters, saved_filters::save_filter))
        .routes(routes!(saved_filters::delete_saved_filter))
        .routes(routes!(search::intake_check))
        .routes(routes!(search::list_search_words, search::add_search_words))
        .routes(routes!(search::remove_search_word))
        .routes(routes!(search::reindex_progress, search::start_reindex))
        .routes(routes!(search::skip_level_report))
        .routes(routes!(public::public_case))
        .routes(routes!(public::public_document))
        .routes(routes!(public::public_rating))
        .routes(routes!(public::public_review_request))
        .routes(routes!(complaints::public_complaint))
        .routes(routes!(charters::public_charter))
        .routes(routes!(meetings::public_meeting_notice_pdf))
        .routes(routes!(meetings::public_meeting_minutes_pdf))
        .routes(routes!(public::public_units))
        .routes(routes!(public::public_unit))
        .routes(routes!(public::set_public_info))
        .routes(routes!(public::set_reception_schedule))
        .routes(routes!(cases::reissue_query_code))
        .routes(routes!(categories::list_categories, categories::add_category))
        .routes(routes!(categories::edit_category))
        .routes(routes!(limits::get_unit_limits, limits::set_unit_limits, limits::inherit_unit_limits))
        .routes(routes!(unit_terms::get_unit_terms, unit_terms::set_unit_terms))
        .routes(routes!(unit_territories::get_unit_territory, unit_territories::set_unit_territory))
        .routes(routes!(service_requests::list_service_requests, service_requests::record_service_request))
        .routes(routes!(service_requests::complete_service_request))
        .routes(routes!(limits::get_calendar, limits::import_calendar))
        .routes(routes!(attachments::add_attachment))
        .routes(routes!(attachments::get_attachment))
        .routes(routes!(documents::list_documents))
        .routes(routes!(documents::get_document))
        .routes(routes!(documents::get_letterhead, documents::set_letterhead))
        .routes(routes!(supervision::list_notifications))
        .routes(routes!(supervision::read_notification))
        .routes(routes!(supervision::read_all_notifications))
        .routes(routes!(supervision::list_supervision))
        .routes(routes!(supervision::meetings_missed))
        .routes(routes!(supervision::screenings_supervised))
        .routes(routes!(measures::unit_measures))
        .routes(routes!(statistics::unit_statistics))
        .routes(routes!(statistics::unit_rollup))
        .routes(routes!(statistics::unit_report_pdf))
        .routes(routes!(screenings::get_screening, screenings::save_screening))
        .routes(routes!(screenings::sign_screening))
        .routes(routes!(screenings::resolve_matter))
        .routes(routes!(screenings::screening_proposals))
        .routes(routes!(screenings::screening_pdf))
        .routes(routes!(screenings::screening_standings))
        .routes(routes!(units::list_units, units::add_unit))
        .routes(routes!(units::edit_unit))
        .routes(routes!(units::close_unit))
        .routes(routes!(units::reopen_unit))
        .routes(routes!(duty::get_duty_pattern, duty::set_duty_pattern))
        .routes(routes!(duty::generate_duty_month))
        .routes(routes!(duty::get_duty_rota))
        .routes(routes!(duty::set_duty_day))
        .routes(routes!(duty::swap_duty_days))
        .routes(routes!(duty::duty_today))
        .routes(routes!(duty::duty_sign_in))
        .routes(routes!(duty::duty_sign_out))
        .routes(routes!(duty::record_duty_sign_in))
        .routes(routes!(reception::get_reception_month))
        .routes(routes!(reception::save_reception_draft, reception::discard_reception_draft))
        .routes(routes!(reception::publish_reception_month))
        .routes(routes!(reception::reception_notice_pdf))
        .routes(routes!(reception::record_session, reception::list_sessions))
        .routes(routes!(reception::get_session))
        .routes(routes!(reception::session_summary_pdf))
        .routes(routes!(policies::list_policies, policies::add_policy))
        .routes(routes!(policies::search_policies))
        .routes(routes!(policies::get_policy, policies::withdraw_policy))
        .routes(routes!(gifts::list_gifts, gifts::record_gift))
        .routes(routes!(gifts::gift_summary))
        .routes(routes!(gifts::review_gift))
        .routes(routes!(key_petitioners::list_key_petitioners, key_petitioners::add_key_petitioner))
        .routes(routes!(key_petitioners::remove_key_petitioner))
        .routes(routes!(key_petitioners::key_petitioner_from_case))
        .routes(routes!(training::list_training, training::record_training))
        .routes(routes!(training::training_standing))
        .routes(routes!(training::person_training))
        .routes(routes!(complaints::list_complaints, complaints::record_complaint))
        .routes(routes!(complaints::get_complaint))
        .routes(routes!(complaints::conclude_complaint))
        .routes(routes!(complaints::reissue_complaint_query_code))
        .routes(routes!(charters::list_charters, charters::adopt_charter))
        .routes(routes!(charters::get_charter))
        .routes(routes!(charters::amend_charter))
        .routes(routes!(charters::charter_diff))
        .routes(routes!(community_bodies::list_bodies))
        .routes(routes!(community_bodies::set_body_rules))
        .routes(routes!(community_bodies::add_body_member))
        .routes(routes!(community_bodies::leave_body))
        .routes(routes!(meetings::list_meetings, meetings::call_meeting))
        .routes(routes!(meetings::get_meeting))
        .routes(routes!(meetings::record_attendance))
        .routes(routes!(meetings::record_decision))
        .routes(routes!(meetings::meeting_notice_pdf))
        .routes(routes!(meetings::meeting_minutes_pdf))
        .routes(routes!(matters::list_matters, matters::raise_matter))
        .routes(routes!(matters::case_referrals, matters::refer_case))
        .routes(routes!(complaints::person_complaints))
        .routes(routes!(accounts::list_users, accounts::add_user))
        .routes(routes!(accounts::place_user))
        .routes(routes!(accounts::issue_password_link))
        .routes(routes!(accounts::end_sessions, accounts::list_sessions))
        .routes(routes!(accounts::end_session))
        .routes(routes!(accounts::name_plate))
        .routes(routes!(tokens::list_tokens, tokens::create_token))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(audit::list_audit))
        .routes(routes!(outbox::get_outbox))
        .routes(routes!(outbox::send_dead_letter_again))
        .routes(routes!(accounts::disable_user))
        .routes(routes!(accounts::enable_user))
        .routes(routes!(accounts::set_password))
        .routes(routes!(accounts::set_card))
        .routes(routes!(accounts::revoke_tokens))
        .split_for_parts()
}
