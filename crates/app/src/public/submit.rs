//! An online petition (GEN-1): checked like any registration and registered by the online intake
//! account, guarded by a check question, a honeypot field and a per-address limit, and filed once
//! however often the form is sent (its idempotency key).

use super::*;
use crate::actor::Actor;
use crate::cases;
use crate::context::{AppState, hex, random_bytes};
use crate::error::{AppError, AppResult};
use crate::views::{DeadlineView, instant};
use chrono::{DateTime, Utc};
use huiyin_core::case::{CaseDraft, QueryCode};
use huiyin_core::public::{CheckSum, MAX_ONLINE_ATTACHMENTS, check_online, parse_answer};
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::SubmissionClaim;
use serde::Serialize;
use std::net::IpAddr;
use std::time::Duration;
use utoipa::ToSchema;

/// How long a check question may be answered, in seconds.
const QUESTION_LIFETIME_SECS: i64 = 30 * 60;

/// How long after sending a repeated form shows the query code again, in minutes.
pub(super) const RECEIPT_REPEAT_MINUTES: i64 = 10;

/// A claim left unfinished this long, in minutes, belongs to a request that died.
const STALE_CLAIM_MINUTES: i64 = 5;

/// The name of the field people never see and robots fill in.
pub const HONEYPOT_FIELD: &str = "website";

/// The check question of a public form, with the signed token that lets the server check the
/// answer without remembering the question.
#[derive(Debug, Clone)]
pub struct Question {
    pub text: String,
    pub text_en: String,
    pub token: String,
}

/// A new check question, answerable for [`QUESTION_LIFETIME_SECS`].
pub fn new_question(state: &AppState, now: DateTime<Utc>) -> AppResult<Question> {
    let bytes = random_bytes::<10>()?;
    let sum = CheckSum::from_random([bytes[0], bytes[1]]);
    let nonce = hex(&bytes[2..]);
    let expires = now.timestamp() + QUESTION_LIFETIME_SECS;
    let mac = question_mac(state, expires, &nonce, sum.answer());
    Ok(Question { text: sum.question_zh(), text_en: sum.question_en(), token: format!("{expires}.{nonce}.{mac}") })
}

fn question_mac(state: &AppState, expires: i64, nonce: &str, answer: u32) -> String {
    hex(&state.secret.mac("check question", format!("{expires}.{nonce}.{answer}").as_bytes())[..16])
}

/// What a public form carries besides the petition.
pub struct FormChecks<'a> {
    /// The hidden field: filled in only by robots.
    pub honeypot: &'a str,
    pub question_token: &'a str,
    pub answer: &'a str,
    /// The privacy notice was read and accepted.
    pub consent: bool,
}

/// Checks a public form's guards. A filled honeypot is answered like a wrong answer, so that a
/// robot learns nothing from the refusal.
pub async fn check_form(state: &AppState, checks: &FormChecks<'_>, now: DateTime<Utc>) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    if !checks.consent {
        errors.push(FieldError::new("consent", Invalid::ConsentRequired));
    }
    if !checks.honeypot.trim().is_empty() || !answer_is_right(state, checks.question_token, checks.answer, now).await {
        errors.push(FieldError::new("challenge", Invalid::ChallengeAnswer));
    }
    ValidationErrors::from_vec(errors).map_or(Ok(()), Err)
}

/// Whether `answer` answers the question of `token`. Every attempt uses the question up, right or
/// wrong, so that a robot cannot try the seventeen possible sums on one question.
async fn answer_is_right(state: &AppState, token: &str, answer: &str, now: DateTime<Utc>) -> bool {
    let mut parts = token.splitn(3, '.');
    let (Some(expires), Some(nonce), Some(mac)) = (parts.next(), parts.next(), parts.next()) else { return false };
    let Ok(expires) = expires.parse::<i64>() else { return false };
    if expires < now.timestamp() || expires > now.timestamp() + QUESTION_LIFETIME_SECS {
        return false;
    }
    let Some(right) = (2..=18).find(|n| same(question_mac(state, expires, nonce, *n).as_bytes(), mac.as_bytes()))
    else {
        return false;
    };
    // Used up by any answer, right or wrong, on whichever server.
    let first = memory::answer_once(state, nonce, now, QUESTION_LIFETIME_SECS).await.unwrap_or(false);
    first && parse_answer(answer) == Some(right)
}

/// A file sent with an online petition.
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// What the petitioner is given after sending: the case number, the query code (only in the
/// response that filed the case, or a repeat of it within minutes), and the limits that now run.
#[derive(Debug, Serialize, ToSchema)]
pub struct Receipt {
    pub case_number: String,
    /// Shown once; `null` when the form was sent again long after the case was filed.
    pub query_code: Option<String>,
    /// The unit the petition went to.
    pub unit: String,
    /// The unit's hotline, when it published one (COM-3).
    pub hotline: Option<String>,
    pub received_at: String,
    pub deadlines: Vec<DeadlineView>,
    /// True when this form had been sent before and filed then: no second case was made.
    pub repeated: bool,
}

/// A new idempotency key for a public form.
pub fn new_submission_key() -> AppResult<String> {
    Ok(hex(&random_bytes::<16>()?))
}

/// Files an online petition (GEN-1): checked as any registration plus [`check_online`] and the
/// files, then registered by the online intake account, once per `key`. A form sent again with the
/// same key gets the first receipt, and no second case.
pub async fn submit_online(
    state: &AppState,
    address: IpAddr,
    key: &str,
    draft: &CaseDraft,
    uploads: Vec<Upload>,
) -> AppResult<Receipt> {
    let now = Utc::now();
    let (actor, registration, unit_id) = checked_petition(state, draft, now).await?;
    check_uploads(&uploads)?;
    let key_hash = key_hash(state, key)?;
    let stale = now - chrono::Duration::minutes(STALE_CLAIM_MINUTES);
    // A double click sends the form twice at once: the second waits for the first's case.
    for _ in 0..20 {
        match state.store.claim_submission(&key_hash, now, stale).await? {
            SubmissionClaim::Claimed => {
                return file_claimed(state, &actor, address, &key_hash, registration, unit_id, uploads, now).await;
            }
            SubmissionClaim::Filed { case_id, sealed_code, claimed_at } => {
                let recent = now - claimed_at < chrono::Duration::minutes(RECEIPT_REPEAT_MINUTES);
                let code = sealed_code.filter(|_| recent).and_then(|s| state.secret.unseal_query_code(&key_hash, &s));
                return receipt(state, case_id, code, true).await;
            }
            SubmissionClaim::Pending => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
    Err(AppError::TooManyRequests(Duration::from_secs(60)))
}

/// Checks an online petition as typed, without writing anything (the form's check page): the
/// code of the unit it goes to, and whether that was found by the place (TWN-2), not chosen.
pub async fn check_petition(state: &AppState, draft: &CaseDraft) -> AppResult<(String, bool)> {
    let mut routed = draft.clone();
    let actor = online_actor(state).await?;
    let by_place = crate::territories::route_draft(state, &actor, &mut routed, None).await?;
    checked_petition(state, &routed, Utc::now()).await?;
    Ok((routed.unit.unwrap_or_default(), by_place))
}

/// An online petition checked as any registration plus [`check_online`]: the online channel, now,
/// without the flags and forwarding that only staff record.
async fn checked_petition(
    state: &AppState,
    draft: &CaseDraft,
    now: DateTime<Utc>,
) -> AppResult<(Actor, huiyin_core::case::Registration, i64)> {
    let actor = online_actor(state).await?;
    let mut online = draft.clone();
    // TWN-2: a petition that names a place but no unit goes to the unit whose territory holds it.
    crate::territories::route_draft(state, &actor, &mut online, None).await?;
    online.channel = Some("online".into());
    online.received_at = None;
    online.flags.clear();
    online.forwarded_from = None;
    // A petition online is received in no leader's reception session.
    online.session = None;
    let (registration, unit_id) = check_online_registration(state, &actor, &online, now).await?;
    Ok((actor, registration, unit_id))
}

/// An online registration by `actor` (the online intake, or an Open311 client's account): checked as
/// any registration, then by [`check_online`]. Nothing is written.
pub async fn check_online_registration(
    state: &AppState,
    actor: &Actor,
    draft: &CaseDraft,
    now: DateTime<Utc>,
) -> AppResult<(huiyin_core::case::Registration, i64)> {
    let (registration, unit_id) = match cases::check_registration(state, actor, draft, now).await {
        Ok(checked) => checked,
        // Every mistake at once: the online petition's own requirements too.
        Err(AppError::Invalid(errors)) => {
            let mut all: Vec<FieldError> =
                errors.iter().cloned().map(|e| crate::territories::unrouted(e, draft)).collect();
            for gap in huiyin_core::public::online_draft_gaps(draft) {
                if !all.iter().any(|e| e.field == gap.field) {
                    all.push(gap);
                }
            }
            return Err(ValidationErrors::from_vec(all).map_or(AppError::Invalid(errors), AppError::Invalid));
        }
        Err(e) => return Err(e),
    };
    check_online(&registration)?;
    Ok((registration, unit_id))
}

/// Files the case of a claimed key; a failure releases the key, so that the form may be sent again.
#[allow(clippy::too_many_arguments)]
async fn file_claimed(
    state: &AppState,
    actor: &Actor,
    address: IpAddr,
    key_hash: &str,
    registration: huiyin_core::case::Registration,
    unit_id: i64,
    uploads: Vec<Upload>,
    now: DateTime<Utc>,
) -> AppResult<Receipt> {
    let written = match memory::submission(state, address, now).await {
        Err(e) => Err(e),
        Ok(()) => cases::write_registration(state, actor, registration, unit_id, now).await,
    };
    let (case_id, code) = match written {
        Ok(filed) => filed,
        Err(e) => {
            state.store.release_submission(key_hash).await?;
            return Err(e);
        }
    };
    state.store.finish_submission(key_hash, case_id, &state.secret.seal_query_code(key_hash, &code)).await?;
    tracing::info!(case_id, "online petition filed");
    for upload in uploads {
        cases::attach(state, actor, case_id, &upload.filename, upload.bytes).await?;
    }
    receipt(state, case_id, Some(code), false).await
}

/// The files of an online petition, all checked before anything is written.
fn check_uploads(uploads: &[Upload]) -> Result<(), ValidationErrors> {
    use huiyin_core::attachment::{MAX_BYTES, sniff};
    let error = |invalid| Err(ValidationErrors::from(FieldError::new("attachments", invalid)));
    if uploads.len() > MAX_ONLINE_ATTACHMENTS {
        return error(Invalid::TooManyRepresentatives { max: MAX_ONLINE_ATTACHMENTS });
    }
    for upload in uploads {
        if upload.bytes.len() > MAX_BYTES {
            return error(Invalid::TooLong { max: MAX_BYTES });
        }
        if sniff(&upload.bytes).is_none() {
            return error(Invalid::NotAChoice { allowed: "PDF, JPEG, PNG, WEBP, MP3, WAV, M4A".into() });
        }
    }
    Ok(())
}

/// The keyed hash under which a submission key is kept; a key is 32 hex digits.
pub(super) fn key_hash(state: &AppState, key: &str) -> Result<String, ValidationErrors> {
    let key = key.trim();
    if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(FieldError::new("submission_key", Invalid::Required).into());
    }
    Ok(hex(&state.secret.mac("submission key", key.to_ascii_lowercase().as_bytes())))
}

async fn receipt(state: &AppState, case_id: i64, code: Option<QueryCode>, repeated: bool) -> AppResult<Receipt> {
    let file = state.store.case_file(case_id).await?.ok_or(AppError::NotFound)?;
    let today = huiyin_core::limits::china_day(Utc::now());
    Ok(Receipt {
        case_number: file.state.case_number.clone(),
        query_code: code.map(|c| c.to_string()),
        unit: file.unit_name.clone(),
        hotline: crate::public::hotline(state, file.unit_id).await?,
        received_at: instant(file.registration.received_at),
        deadlines: file.deadlines.iter().filter(|d| d.met_at.is_none()).map(|d| DeadlineView::new(d, today)).collect(),
        repeated,
    })
}
