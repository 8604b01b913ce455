//! A petitioner's case looked up by its number and query code (GEN-11): its public steps, the papers
//! addressed to them, rating the reply (GEN-9) and asking for review (GEN-5). A wrong number and a
//! wrong code answer alike, and an address that keeps failing is slowed down.

use super::*;
use crate::cases;
use crate::context::AppState;
use crate::documents::issue;
use crate::error::{AppError, AppResult};
use crate::guards;
use crate::views::{DeadlineView, instant};
use chrono::Utc;
use huiyin_core::case::{CaseNumber, QueryCode};
use huiyin_core::public::public_timeline;
use huiyin_store::CaseFile;
use serde::Serialize;
use std::net::IpAddr;
use utoipa::ToSchema;

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
    /// Where the matter went to a community's council or congress (DEM ¶4), and what it decided.
    pub referrals: Vec<PublicReferral>,
}

/// A case's matter taken to a community's body, as its petitioner reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReferral {
    /// `council` or `congress`.
    pub body: String,
    pub body_label: String,
    pub body_label_en: String,
    pub referred_at: String,
    /// The day of the meeting that took it; `null` while it waits for one.
    pub meeting_day: Option<String>,
    /// What the meeting decided, as the reply cites it; `null` until it decided.
    pub decision: Option<String>,
    pub passed: Option<bool>,
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
    // The opinion is issued by the reply that sends it.
    let sent_by_reply = |seq: i64| {
        file.events.iter().any(|e| e.seq == seq && matches!(e.data, huiyin_core::event::EventData::Replied {}))
    };
    Ok(issue::compose_documents(state, file)
        .await?
        .into_iter()
        .filter(|d| d.kind.for_petitioner() && (d.kind != DocKind::Opinion || sent_by_reply(d.issued_by)))
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
    let issued = issue::issue_documents(state, &file).await?;
    let (_, record) =
        issued.into_iter().find(|(d, _)| d.kind == kind && d.issued_by == issued_by).ok_or(AppError::NotFound)?;
    let blob = state.store.blob(&record.sha256).await?.ok_or(AppError::NotFound)?;
    Ok((record, blob))
}

/// The case file, if `code` is its query code; every failure is [`AppError::NotFound`], counted
/// against `address` (slowed, then refused) and against the case number (locked), in the database
/// so that every server counts it (`guards`).
pub(super) async fn verified(state: &AppState, address: IpAddr, number: &str, code: &str) -> AppResult<CaseFile> {
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
    let referrals = crate::matters::of_case(state, file)
        .await?
        .into_iter()
        .map(|line| PublicReferral {
            body: line.record.matter.body.code().into(),
            body_label: line.record.matter.body.label_zh().into(),
            body_label_en: line.record.matter.body.label_en().into(),
            referred_at: instant(line.record.matter.raised_at),
            meeting_day: line.meeting.as_ref().map(|m| m.meeting.day.to_string()),
            passed: line.decision.as_ref().map(|d| d.decision.passed),
            decision: line.citation().map(|c| crate::meeting_papers::published(&c)),
        })
        .collect();
    Ok(PublicCase {
        referrals,
        documents,
        case_number: file.state.case_number.clone(),
        status: file.state.status.code().to_owned(),
        // The petitioner reads what is happening to the matter, not the office's step.
        status_label: file.state.status.label_for_petitioner_zh().to_owned(),
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
