//! The public side without an account (GEN-1, GEN-11):
//! - a petitioner looks their case up by its number and query code; a wrong number and a wrong code
//!   answer alike, and an address that keeps failing is slowed down, so that codes cannot be guessed;
//! - a petitioner files an online petition: checked like any registration and registered by the
//!   online intake account, guarded by a check question, a honeypot field and a per-address limit,
//!   and filed once however often the form is sent (its idempotency key).
//!
//! The guards live in the server's memory: with several servers, each counts its own callers.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use huiyin_core::case::{CaseDraft, CaseNumber, QueryCode};
use huiyin_core::kpi::{KpiTallies, measures};
use huiyin_core::public::{CheckSum, MAX_ONLINE_ATTACHMENTS, check_online, parse_answer, public_timeline};
use huiyin_core::unit::OfficeHours;
use huiyin_core::user::{ONLINE_INTAKE_DISPLAY_NAME, ONLINE_INTAKE_USERNAME, Role};
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{CaseFile, SubmissionClaim};
use serde::Serialize;
use utoipa::ToSchema;

use crate::actor::Actor;
use crate::cases::{self, AppError, AppResult};
use crate::context::{AppState, hex, random_bytes};
use crate::guards;
use crate::views::{DeadlineView, instant};

/// Online petitions one address may send within [`SUBMISSION_WINDOW`].
const SUBMISSIONS_PER_ADDRESS: usize = 5;
const SUBMISSION_WINDOW: Duration = Duration::from_secs(60 * 60);
/// How long a check question may be answered, in seconds.
const QUESTION_LIFETIME_SECS: i64 = 30 * 60;
/// How long after sending a repeated form shows the query code again, in minutes.
const RECEIPT_REPEAT_MINUTES: i64 = 10;
/// A claim left unfinished this long, in minutes, belongs to a request that died.
const STALE_CLAIM_MINUTES: i64 = 5;
/// The name of the field people never see and robots fill in.
pub const HONEYPOT_FIELD: &str = "website";

/// The address a request comes from: the peer, or, when the peer is a trusted reverse proxy, the
/// nearest address in `X-Forwarded-For` that is not itself a trusted proxy (proxies append the
/// address they saw, so the entries further left are the client's to write and are not believed).
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops = forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim).rev();
    for hop in hops {
        match hop.parse::<IpAddr>() {
            Ok(address) if trusted.contains(&address) => continue,
            Ok(address) => return address,
            Err(_) => return peer,
        }
    }
    peer
}

/// What the public side remembers of recent callers.
#[derive(Default)]
pub struct PublicGuards {
    submissions: Mutex<HashMap<IpAddr, Vec<Instant>>>,
    /// Answered questions (their nonces) until they expire: each question is answered once.
    used_questions: Mutex<HashMap<String, i64>>,
    /// Units' measures as last counted: counting a county's year takes a moment, and public pages
    /// are read far more often than the measures change.
    measures: Mutex<HashMap<i64, (Instant, KpiTallies)>>,
}

impl PublicGuards {
    /// Counts an online petition from `address`, or says how long to wait when the address has
    /// sent [`SUBMISSIONS_PER_ADDRESS`] within [`SUBMISSION_WINDOW`].
    pub fn submission(&self, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let Ok(mut map) = self.submissions.lock() else { return Ok(()) };
        map.retain(|_, times| {
            times.retain(|t| now.duration_since(*t) < SUBMISSION_WINDOW);
            !times.is_empty()
        });
        let times = map.entry(address).or_default();
        if times.len() >= SUBMISSIONS_PER_ADDRESS {
            let oldest = times.iter().min().copied().unwrap_or(now);
            return Err(SUBMISSION_WINDOW.saturating_sub(now.duration_since(oldest)));
        }
        times.push(now);
        Ok(())
    }

    /// Marks a question answered; false if it was answered before.
    fn answer_once(&self, nonce: &str, expires: i64, now: i64) -> bool {
        let Ok(mut used) = self.used_questions.lock() else { return false };
        used.retain(|_, until| *until >= now);
        used.insert(nonce.to_owned(), expires).is_none()
    }
}

/// A case as its petitioner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCase {
    pub case_number: String,
    /// `registered`, `accepted`, …
    pub status: String,
    /// Where the case stands, in Chinese.
    pub status_label: String,
    pub received_at: String,
    /// The unit that registered it.
    pub unit: String,
    /// The time limits, with their due days.
    pub deadlines: Vec<DeadlineView>,
    /// The steps that answer the petitioner, oldest first.
    pub timeline: Vec<PublicStepView>,
    /// The documents addressed to the petitioner (GEN-3): the receipt, the notices, and the handling
    /// opinion once it was sent.
    pub documents: Vec<PublicDocument>,
    /// The last day the reply may be rated (GEN-9); `null` when it cannot be rated now.
    pub rate_until: Option<String>,
    /// The last day to ask for review or re-review (GEN-5); `null` when it cannot be asked now.
    pub review_until: Option<String>,
}

/// A document the petitioner may read, served as PDF with the query code.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicDocument {
    /// `receipt`, `acceptance-notice`, `rejection-notice`, `extension-notice` or `opinion`.
    pub kind: String,
    pub title: String,
    /// The seq of the event that issued it.
    pub issued_by: i64,
    pub issued_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStepView {
    pub kind: String,
    pub label: String,
    pub at: String,
    /// What the petitioner is told at this step (the reply's text, a reason, where to turn).
    pub detail: Option<String>,
}

/// The case with `number` if `code` is its query code; [`AppError::NotFound`] alike for a wrong
/// number, a wrong code or a malformed one. Failures from `address` are counted and slow its next
/// lookups.
pub async fn lookup(state: &AppState, address: IpAddr, number: &str, code: &str) -> AppResult<PublicCase> {
    let file = verified(state, address, number, code).await?;
    public_case(state, &file).await
}

/// The petitioner rates the reply (GEN-9): the petition office and the handling unit, once per
/// reply, within the rating window. Recorded by the online intake account.
pub async fn rate(
    state: &AppState,
    address: IpAddr,
    number: &str,
    code: &str,
    draft: &huiyin_core::lifecycle::RateDraft,
) -> AppResult<PublicCase> {
    let file = verified(state, address, number, code).await?;
    let draft = huiyin_core::lifecycle::RateDraft { note: None, at: None, ..draft.clone() };
    let actor = online_actor(state).await?;
    let file = cases::act(state, &actor, file.id, cases::CaseAction::Rate(draft), None).await?;
    public_case(state, &file).await
}

/// The petitioner asks for review (复查) or re-review (复核) within the limit after the reply (GEN-5).
pub async fn request_review(
    state: &AppState,
    address: IpAddr,
    number: &str,
    code: &str,
    reason: Option<String>,
) -> AppResult<PublicCase> {
    let file = verified(state, address, number, code).await?;
    let draft = huiyin_core::lifecycle::ReasonDraft { reason, note: None, at: None };
    let actor = online_actor(state).await?;
    let file = cases::act(state, &actor, file.id, cases::CaseAction::ReviewRequest(draft), None).await?;
    public_case(state, &file).await
}

/// The documents of a case addressed to the petitioner; the handling opinion only once it was sent
/// (a draft that was not approved is never theirs).
async fn petitioner_documents(state: &AppState, file: &CaseFile) -> AppResult<Vec<crate::documents::Issued>> {
    use crate::documents::DocKind;
    let replied_after = |seq: i64| {
        file.events.iter().any(|e| e.seq > seq && matches!(e.data, huiyin_core::event::EventData::Replied {}))
    };
    Ok(cases::compose_documents(state, file)
        .await?
        .into_iter()
        .filter(|d| d.kind.for_petitioner() && (d.kind != DocKind::Opinion || replied_after(d.issued_by)))
        .collect())
}

/// One of the petitioner's documents as PDF (typeset and kept on first reading, like every
/// document), by the case number and query code; anything else answers [`AppError::NotFound`].
pub async fn document_pdf(
    state: &AppState,
    address: IpAddr,
    number: &str,
    code: &str,
    kind: &str,
    issued_by: i64,
) -> AppResult<(huiyin_store::IssuedDocument, huiyin_store::Blob)> {
    let file = verified(state, address, number, code).await?;
    let kind = crate::documents::DocKind::parse(kind).ok_or(AppError::NotFound)?;
    let theirs = petitioner_documents(state, &file).await?;
    if !theirs.iter().any(|d| d.kind == kind && d.issued_by == issued_by) {
        return Err(AppError::NotFound);
    }
    let issued = cases::issue_documents(state, &file).await?;
    let (_, record) =
        issued.into_iter().find(|(d, _)| d.kind == kind && d.issued_by == issued_by).ok_or(AppError::NotFound)?;
    let blob = state.store.blob(&record.sha256).await?.ok_or(AppError::NotFound)?;
    Ok((record, blob))
}

/// The case file, if `code` is its query code; every failure is [`AppError::NotFound`], counted
/// against `address` (slowed, then refused) and against the case number (locked), in the database
/// so that every server counts it (`guards`).
async fn verified(state: &AppState, address: IpAddr, number: &str, code: &str) -> AppResult<CaseFile> {
    let address = address.to_string();
    let failures = guards::LOOKUP_ADDRESS.attempt(state, &address).await?;
    guards::LOOKUP_CASE.attempt(state, number).await?;
    let delay = guards::lookup_delay(failures);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let found = find(state, number, code).await?;
    if found.is_some() {
        guards::LOOKUP_ADDRESS.succeeded(state, &address).await?;
        guards::LOOKUP_CASE.succeeded(state, number).await?;
    }
    found.ok_or(AppError::NotFound)
}

async fn find(state: &AppState, number: &str, code: &str) -> AppResult<Option<CaseFile>> {
    let (Some(number), Some(code)) = (CaseNumber::parse(number), QueryCode::parse(code)) else { return Ok(None) };
    let Some(id) = state.store.case_id_by_number(number.as_str()).await? else { return Ok(None) };
    let Some(file) = state.store.case_file(id).await? else { return Ok(None) };
    let expected = state.secret.query_code_hash(&code);
    Ok(same(expected.as_bytes(), file.query_code_hash.as_bytes()).then_some(file))
}

async fn public_case(state: &AppState, file: &CaseFile) -> AppResult<PublicCase> {
    use huiyin_core::limits::{DeadlineKind, RatingWindow, china_day, rating_window};
    let today = china_day(Utc::now());
    let rules = state.store.limit_rules_for(file.unit_id).await?.unwrap_or_default();
    let rate_until = match rating_window(&file.events, &rules, &*state.calendar().await, today) {
        RatingWindow::Open { until } => Some(until.date.to_string()),
        _ => None,
    };
    let review_until = file
        .deadlines
        .iter()
        .filter(|d| matches!(d.kind, DeadlineKind::ReviewRequest | DeadlineKind::ReReviewRequest))
        .filter(|d| d.met_at.is_none() && d.due.date >= today)
        .map(|d| d.due.date.to_string())
        .next()
        .filter(|_| file.state.status == huiyin_core::event::Status::Replied);
    let documents = petitioner_documents(state, file)
        .await?
        .into_iter()
        .map(|d| PublicDocument {
            kind: d.kind.code().into(),
            title: d.kind.label_zh().into(),
            issued_by: d.issued_by,
            issued_at: instant(d.issued_at),
        })
        .collect();
    Ok(PublicCase {
        documents,
        case_number: file.state.case_number.clone(),
        status: file.state.status.code().to_owned(),
        status_label: file.state.status.label_zh().to_owned(),
        received_at: instant(file.registration.received_at),
        unit: file.unit_name.clone(),
        deadlines: file.deadlines.iter().map(|d| DeadlineView::new(d, today)).collect(),
        timeline: public_timeline(&file.events)
            .into_iter()
            .map(|s| PublicStepView { kind: s.kind.into(), label: s.label.into(), at: instant(s.at), detail: s.detail })
            .collect(),
        rate_until,
        review_until,
    })
}

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
pub fn check_form(state: &AppState, checks: &FormChecks, now: DateTime<Utc>) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    if !checks.consent {
        errors.push(FieldError::new("consent", Invalid::ConsentRequired));
    }
    if !checks.honeypot.trim().is_empty() || !answer_is_right(state, checks.question_token, checks.answer, now) {
        errors.push(FieldError::new("challenge", Invalid::ChallengeAnswer));
    }
    ValidationErrors::from_vec(errors).map_or(Ok(()), Err)
}

/// Whether `answer` answers the question of `token`. Every attempt uses the question up, right or
/// wrong, so that a robot cannot try the seventeen possible sums on one question.
fn answer_is_right(state: &AppState, token: &str, answer: &str, now: DateTime<Utc>) -> bool {
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
    state.public_guards().answer_once(nonce, expires, now.timestamp()) && parse_answer(answer) == Some(right)
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

/// Checks an online petition as typed, without writing anything (the form's check page).
pub async fn check_petition(state: &AppState, draft: &CaseDraft) -> AppResult<()> {
    checked_petition(state, draft, Utc::now()).await.map(|_| ())
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
    online.channel = Some("online".into());
    online.received_at = None;
    online.flags.clear();
    online.forwarded_from = None;
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
    let (registration, unit_id) = cases::check_registration(state, actor, draft, now).await?;
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
    let written = match state.public_guards().submission(address, Instant::now()) {
        Err(wait) => Err(AppError::TooManyRequests(wait)),
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
fn key_hash(state: &AppState, key: &str) -> Result<String, ValidationErrors> {
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
        received_at: instant(file.registration.received_at),
        deadlines: file.deadlines.iter().filter(|d| d.met_at.is_none()).map(|d| DeadlineView::new(d, today)).collect(),
        repeated,
    })
}

/// The online intake account, made on first use at the top of the unit tree; it may register at
/// every unit, as a petitioner may write to any.
async fn online_actor(state: &AppState) -> AppResult<Actor> {
    crate::actor::system_actor(state, ONLINE_INTAKE_USERNAME, ONLINE_INTAKE_DISPLAY_NAME, Role::Officer).await
}

/// How long a unit's counted measures are shown before they are counted again.
const MEASURES_FRESH_FOR: Duration = Duration::from_secs(60 * 60);

/// A unit as the public sees it (COM-3, FED-3, SCH-4): how to reach it, and its measures over the
/// last twelve months (GEN-9).
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicUnit {
    pub code: String,
    pub name: String,
    /// The kind of unit, in Chinese.
    pub kind: String,
    /// `null` until the unit publishes them.
    pub hotline: Option<String>,
    pub address: Option<String>,
    /// Reception hours in words, e.g. `周一至周五 10:00–12:30、16:00–18:00`.
    pub office_hours: Option<String>,
    pub procedure: Option<String>,
    /// 接待日安排表 (FED-3, FED-4): the leader who receives petitioners each weekday, Monday first.
    pub reception_schedule: Vec<ReceptionDayView>,
    /// The first and last day the measures count (China time).
    pub period_from: String,
    pub period_to: String,
    pub measures: Vec<MeasureView>,
}

/// One day of a unit's reception schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceptionDayView {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// 周一 … 周日.
    pub weekday_label: String,
    pub leader: String,
    pub title: String,
    pub credential: String,
}

/// One public measure.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureView {
    /// `timely_acceptance`, `on_time_closure` or `satisfaction`.
    pub code: String,
    /// 及时受理率, 按期办结率, 满意率.
    pub label: String,
    /// Per cent, one decimal; `null` when nothing was counted.
    pub percent: Option<f64>,
    /// The rate as shown, e.g. `93.5%` or `暂无数据`.
    pub shown: String,
    pub numerator: u64,
    pub denominator: u64,
}

/// The units, by code and name, in the order of the tree.
pub async fn public_units(state: &AppState) -> AppResult<Vec<(String, String)>> {
    Ok(state.store.units().await?.into_iter().map(|u| (u.code, u.name)).collect())
}

/// A unit's public page: its information and its measures for the twelve months to today.
pub async fn public_unit(state: &AppState, code: &str) -> AppResult<PublicUnit> {
    let unit = state.store.unit_by_code(code.trim()).await?.ok_or(AppError::NotFound)?;
    let info = state.store.unit_public_info(unit.id).await?;
    let today = huiyin_core::limits::china_day(Utc::now());
    let since = today.checked_sub_months(chrono::Months::new(12)).and_then(|d| d.succ_opt()).unwrap_or(today);
    let tallies = unit_tallies(state, unit.id, since, today).await?;
    let hours = info.as_ref().and_then(|i| OfficeHours::parse("office_hours", &i.office_hours).ok());
    let schedule = state.store.reception_schedule(unit.id).await?;
    Ok(PublicUnit {
        code: unit.code,
        name: unit.name,
        kind: unit.kind.label_zh().into(),
        hotline: info.as_ref().map(|i| i.hotline.clone()),
        address: info.as_ref().map(|i| i.address.clone()),
        office_hours: hours.map(|h| h.describe_zh()),
        procedure: info.map(|i| i.procedure),
        reception_schedule: schedule
            .into_iter()
            .map(|d| ReceptionDayView {
                weekday: d.weekday,
                weekday_label: d.weekday_zh().into(),
                leader: d.leader,
                title: d.title,
                credential: d.credential,
            })
            .collect(),
        period_from: since.to_string(),
        period_to: today.to_string(),
        measures: measures(&tallies)
            .into_iter()
            .map(|m| MeasureView {
                code: m.code.into(),
                label: m.label.into(),
                shown: m.shown(),
                percent: m.percent,
                numerator: m.numerator,
                denominator: m.denominator,
            })
            .collect(),
    })
}

async fn unit_tallies(
    state: &AppState,
    unit_id: i64,
    since: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> AppResult<KpiTallies> {
    let guards = state.public_guards();
    let cached = guards.measures.lock().ok().and_then(|m| m.get(&unit_id).copied());
    if let Some(tallies) = cached.filter(|(at, _)| at.elapsed() < MEASURES_FRESH_FOR).map(|(_, t)| t) {
        return Ok(tallies);
    }
    let scope = state.store.unit_subtree(unit_id).await?;
    let tallies = state.store.kpi_tallies(&scope, since, today).await?;
    if let Ok(mut m) = guards.measures.lock() {
        m.insert(unit_id, (Instant::now(), tallies));
    }
    Ok(tallies)
}

/// Compares two hashes in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::SecretKey;

    #[test]
    fn gen_1_an_address_sends_a_few_petitions_an_hour() {
        let guards = PublicGuards::default();
        let (here, there) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let now = Instant::now();
        for _ in 0..SUBMISSIONS_PER_ADDRESS {
            assert_eq!(guards.submission(here, now), Ok(()));
        }
        let wait = guards.submission(here, now + Duration::from_secs(60)).unwrap_err();
        assert_eq!(wait, SUBMISSION_WINDOW - Duration::from_secs(60));
        assert_eq!(guards.submission(there, now), Ok(()), "another address is not held back");
        assert_eq!(guards.submission(here, now + SUBMISSION_WINDOW), Ok(()), "the window moves on");
    }

    #[test]
    fn gen_1_a_trusted_proxy_names_the_client_and_nobody_else_does() {
        let ip = |s: &str| -> IpAddr { s.parse().unwrap() };
        let proxy = [ip("10.0.0.9")];
        assert_eq!(client_address(ip("203.0.113.7"), &["198.51.100.1"], &proxy), ip("203.0.113.7"), "not a proxy");
        assert_eq!(client_address(ip("10.0.0.9"), &["198.51.100.1"], &proxy), ip("198.51.100.1"));
        assert_eq!(
            client_address(ip("10.0.0.9"), &["1.2.3.4, 198.51.100.1"], &proxy),
            ip("198.51.100.1"),
            "what the client wrote itself is not believed"
        );
        assert_eq!(client_address(ip("10.0.0.9"), &["198.51.100.1", "10.0.0.9"], &proxy), ip("198.51.100.1"));
        assert_eq!(client_address(ip("10.0.0.9"), &[], &proxy), ip("10.0.0.9"), "no header: the proxy");
        assert_eq!(client_address(ip("10.0.0.9"), &["garbage"], &proxy), ip("10.0.0.9"));
    }

    #[test]
    fn gen_1_a_question_is_answered_once() {
        let guards = PublicGuards::default();
        assert!(guards.answer_once("n1", 100, 50));
        assert!(!guards.answer_once("n1", 100, 60));
        assert!(guards.answer_once("n2", 100, 60));
    }

    #[test]
    fn sealed_query_codes_open_with_their_key_only() {
        let dir = std::env::temp_dir().join(format!("huiyin-seal-{}", std::process::id()));
        let secret = SecretKey::load_or_create(&dir.join("secret.key")).unwrap();
        for raw in ["00000000", "99999999", "12345678"] {
            let code = QueryCode::parse(raw).unwrap();
            let sealed = secret.seal_query_code("k1", &code);
            assert_eq!(secret.unseal_query_code("k1", &sealed), Some(code.clone()));
            assert_ne!(secret.unseal_query_code("k2", &sealed), Some(code));
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn hashes_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }
}
