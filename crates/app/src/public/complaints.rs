//! A complaint against staff filed by the public on the portal (FED-12, CDR-5), and its outcome
//! looked up by the complaint's number and query code.
//!
//! The complainant names the staff member by the credential number on the name plate or the receipt
//! (亮证, FED-4), or by the name they know, or only the unit; and may name their own case with its
//! number and query code, which links the complaint to it — checked as a lookup is, so that the form
//! cannot be used to guess codes. It is filed by the online intake account, once however often the
//! form is sent (its idempotency key), and from there it is any complaint: read and concluded by the
//! supervisors and leaders above the person (`crate::complaints`), never by the person. The
//! complainant's lookup shows what they need to know: where it stands, and the finding, what was
//! found and the measure taken — never who investigated or anything of the person's record.

use super::*;
use crate::complaints::{due_on, number_of, rota_of};
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::guards;
use crate::views::instant;
use chrono::{Datelike, Utc};
use huiyin_core::case::QueryCode;
use huiyin_core::complaint::{ComplaintNumber, ComplaintSource, PublicComplaintDraft};
use huiyin_core::limits::china_day;
use huiyin_core::user::is_system_account;
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{ComplaintRecord, NewComplaint, Unit};
use serde::Serialize;
use serde_json::json;
use std::net::IpAddr;
use utoipa::ToSchema;

/// What the complainant is given after sending: the number and the query code (only in the answer
/// that filed it, or a repeat within minutes), the unit, and the day it is to be concluded by.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintReceipt {
    /// `TS2026-000012`.
    pub number: String,
    /// Shown once; `null` when the form was sent again long after.
    pub query_code: Option<String>,
    /// The unit whose staff or reception it is about.
    pub unit: String,
    pub received_at: String,
    /// The last day of its investigation.
    pub due_on: String,
    /// True when this form had been sent before: no second complaint was filed.
    pub repeated: bool,
}

/// A complaint as its complainant looks it up.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicComplaint {
    pub number: String,
    pub unit: String,
    /// `rudeness`, `shirking`, `absence`, `delay`, `gifts` or `other`, and its name.
    pub kind: String,
    pub kind_label: String,
    pub occurred_on: String,
    pub received_at: String,
    pub due_on: String,
    /// `open` (调查中) or `concluded` (已办结).
    pub status: String,
    /// Once concluded: `founded` (属实), `partly_founded` (部分属实) or `unfounded` (不属实), and its name.
    pub finding: Option<String>,
    pub finding_label: Option<String>,
    /// What the investigation found.
    pub summary: Option<String>,
    /// The measure taken.
    pub measure: Option<String>,
    pub concluded_on: Option<String>,
}

/// Files a complaint from the portal, once per `key`; the form's own guards (check question,
/// consent, honeypot) are the shell's to check first (`check_form`). A form sent again with the same
/// key gets the first receipt — its query code only within minutes — and no second complaint.
pub async fn file_complaint(
    state: &AppState,
    address: IpAddr,
    key: &str,
    draft: &PublicComplaintDraft,
) -> AppResult<ComplaintReceipt> {
    let key_hash = super::submit::key_hash(state, key)?;
    if let Some((record, sealed)) = state.store.submitted_complaint(&key_hash).await? {
        return repeated(state, &key_hash, record, &sealed).await;
    }
    // Every mistake at once: the fields as typed, then the person and the unit they name.
    let parsed = draft.parse(china_day(Utc::now()));
    let mut errors: Vec<FieldError> = parsed.as_ref().err().map(|e| e.iter().cloned().collect()).unwrap_or_default();
    let typed = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let untouched = |errors: &[FieldError], field: &str| !errors.iter().any(|e| e.field == field);
    let mut named_unit = None;
    if let Some(code) = typed(&draft.unit).filter(|_| untouched(&errors, "unit")) {
        // A closed unit takes no complaint, as the form offers none (TWN-1).
        named_unit = state.store.unit_by_code(&code).await?.filter(|u| u.closed_at.is_none());
        if named_unit.is_none() {
            errors.push(FieldError::new("unit", Invalid::UnknownUnit));
        }
    }
    let mut staff = None;
    if let Some(credential) = typed(&draft.staff_credential).filter(|_| untouched(&errors, "staff_credential")) {
        match staff_by_credential(state, &credential, named_unit.as_ref()).await? {
            Holder::One(user) => staff = Some(*user),
            // Two people hold the number and the unit does not tell which: the investigator does.
            Holder::Unresolved if named_unit.is_some() || fields_name_case(draft) => {}
            Holder::Unresolved | Holder::None => {
                errors.push(FieldError::new("staff_credential", Invalid::UnknownCredential));
            }
        }
    }
    let fields = match parsed {
        Ok(fields) => fields,
        Err(_) => return Err(ValidationErrors::from_vec(errors).map_or(AppError::NotFound, AppError::Invalid)),
    };
    // The complainant's own case, checked as a lookup is (its failures counted against the address),
    // once the rest is right.
    let case = match &fields.case {
        Some((number, code)) if errors.is_empty() => {
            match super::lookup::verified(state, address, number.as_str(), code.digits()).await {
                Ok(file) => Some(file),
                Err(AppError::NotFound) => {
                    errors.push(FieldError::new("case_number", Invalid::CaseNotMatched));
                    None
                }
                Err(e) => return Err(e),
            }
        }
        _ => None,
    };
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors.into());
    }
    // The person's unit, else the unit named, else the unit that holds the case.
    let unit_id = match (&staff, &named_unit, &case) {
        (Some(user), _, _) => user.unit_id,
        (None, Some(unit), _) => unit.id,
        // About how the case is handled: the unit that holds it now.
        (None, None, Some(file)) => file.holding_unit_id,
        (None, None, None) => return Err(FieldError::new("unit", Invalid::Required).into()),
    };
    // A person who has left may have left a unit since closed: the complaint goes to the nearest open
    // unit above it.
    let mut unit = state.store.unit_by_id(unit_id).await?.ok_or(AppError::NotFound)?;
    while unit.closed_at.is_some()
        && let Some(parent) = unit.parent_id
    {
        unit = state.store.unit_by_id(parent).await?.ok_or(AppError::NotFound)?;
    }
    super::memory::submission(state, address, Utc::now()).await?;
    let online = online_actor(state).await?;
    let rota_user_id = rota_of(state, unit.id, fields.kind, fields.occurred_on).await?;
    let code = crate::cases::new_query_code()?;
    let complaint = NewComplaint {
        unit_id: unit.id,
        staff_id: staff.as_ref().map(|u| u.id).or(rota_user_id),
        kind: fields.kind,
        source: ComplaintSource::Online,
        account: fields.account,
        occurred_on: fields.occurred_on,
        complainant: fields.complainant,
        phone: fields.phone,
        received_by: online.user.id,
        received_at: Utc::now(),
        due_on: due_on(state, unit.id).await?,
        rota_user_id,
        case_id: case.as_ref().map(|f| f.id),
        // What the complainant called the person, with the number when it named nobody alone.
        staff_named: match (&staff, &fields.staff_credential, fields.staff_name) {
            (None, Some(credential), name) => {
                Some(format!("工作证号 {credential}{}", name.map(|n| format!(" {n}")).unwrap_or_default()))
            }
            (_, _, name) => name,
        },
        query_code_hash: Some(state.secret.query_code_hash(&code)),
    };
    let sealed = state.secret.seal_query_code(&key_hash, &code);
    let Some(id) = state.store.add_submitted_complaint(&complaint, &key_hash, &sealed).await? else {
        // The same form, sent twice at once: the other request filed it.
        let (record, sealed) = state.store.submitted_complaint(&key_hash).await?.ok_or(AppError::NotFound)?;
        return repeated(state, &key_hash, record, &sealed).await;
    };
    let above = crate::complaints::audit_unit(state, &unit).await?;
    let after = json!({ "id": id, "source": "online" });
    crate::audit::record(state, &online, "complaint.record", crate::audit::Target::unit(&above), None, Some(after))
        .await;
    tracing::info!(complaint_id = id, "public complaint filed");
    let record = state.store.complaint(id).await?.ok_or(AppError::NotFound)?;
    Ok(receipt(&record, &unit, Some(code), false))
}

/// Who holds a credential number.
enum Holder {
    One(Box<huiyin_store::User>),
    /// Several hold it and the unit named does not tell which.
    Unresolved,
    None,
}

/// The staff member holding `credential` (as printed: any case, blanks around it), also one who has
/// since left (a complaint may come after): where several hold it, the one of the unit named. A
/// holder outside the unit named is nobody (a mistyped number is not someone else's complaint).
async fn staff_by_credential(state: &AppState, credential: &str, unit: Option<&Unit>) -> AppResult<Holder> {
    let wanted = credential.trim().to_lowercase();
    let mut holders: Vec<huiyin_store::User> = state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| !is_system_account(&u.username))
        .filter(|u| u.credential.as_deref().is_some_and(|c| c.trim().to_lowercase() == wanted))
        .collect();
    if let Some(unit) = unit {
        let tree = crate::tree::unit_tree(state).await?;
        holders.retain(|u| tree.chain(u.unit_id).contains(&unit.id));
    }
    Ok(match holders.len() {
        0 => Holder::None,
        1 => holders.pop().map_or(Holder::None, |u| Holder::One(Box::new(u))),
        _ => Holder::Unresolved,
    })
}

/// Whether the form names the complainant's case (whose unit then stands in for the person's).
fn fields_name_case(draft: &PublicComplaintDraft) -> bool {
    draft.case_number.as_deref().is_some_and(|c| !c.trim().is_empty())
}

/// The receipt of a form sent before under this key, if it was (a double click, a reload): the
/// shell answers it before checking the form's question again, which the first sending used up.
pub async fn complaint_filed_before(state: &AppState, key: &str) -> AppResult<Option<ComplaintReceipt>> {
    let Ok(key_hash) = super::submit::key_hash(state, key) else { return Ok(None) };
    match state.store.submitted_complaint(&key_hash).await? {
        Some((record, sealed)) => Ok(Some(repeated(state, &key_hash, record, &sealed).await?)),
        None => Ok(None),
    }
}

async fn repeated(
    state: &AppState,
    key_hash: &str,
    record: ComplaintRecord,
    sealed: &str,
) -> AppResult<ComplaintReceipt> {
    let recent =
        Utc::now() - record.complaint.received_at < chrono::Duration::minutes(super::submit::RECEIPT_REPEAT_MINUTES);
    let code = if recent { state.secret.unseal_query_code(key_hash, sealed) } else { None };
    let unit = state.store.unit_by_id(record.complaint.unit_id).await?.ok_or(AppError::NotFound)?;
    Ok(receipt(&record, &unit, code, true))
}

fn receipt(record: &ComplaintRecord, unit: &Unit, code: Option<QueryCode>, repeated: bool) -> ComplaintReceipt {
    ComplaintReceipt {
        number: number_of(record).to_string(),
        query_code: code.map(|c| c.to_string()),
        unit: unit.name.clone(),
        received_at: instant(record.complaint.received_at),
        due_on: record.complaint.due_on.to_string(),
        repeated,
    }
}

/// The complaint with `number` if `code` is its query code; [`AppError::NotFound`] alike for a wrong
/// number, a wrong code or a malformed one, each failure counted against the address (shared with
/// the case lookup) and the number, as the case lookup counts them.
pub async fn complaint_lookup(
    state: &AppState,
    address: IpAddr,
    number: &str,
    code: &str,
) -> AppResult<PublicComplaint> {
    let address = address.to_string();
    // Counted under the number as it reads, however it was typed (000012, 0000012 …).
    let number = ComplaintNumber::parse(number).map_or_else(|| number.trim().to_uppercase(), |n| n.to_string());
    let number = number.as_str();
    let failures = guards::LOOKUP_ADDRESS.attempt(state, &address).await?;
    guards::LOOKUP_COMPLAINT.attempt(state, number).await?;
    let delay = guards::lookup_delay(failures);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let Some(record) = find(state, number, code).await? else { return Err(AppError::NotFound) };
    guards::LOOKUP_ADDRESS.succeeded(state, &address).await?;
    guards::LOOKUP_COMPLAINT.succeeded(state, number).await?;
    let unit = state.store.unit_by_id(record.complaint.unit_id).await?.ok_or(AppError::NotFound)?;
    let c = &record.complaint;
    Ok(PublicComplaint {
        number: number_of(&record).to_string(),
        unit: unit.name,
        kind: c.kind.code().into(),
        kind_label: c.kind.label_zh().into(),
        occurred_on: c.occurred_on.to_string(),
        received_at: instant(c.received_at),
        due_on: c.due_on.to_string(),
        status: if record.concluded_at.is_some() { "concluded" } else { "open" }.into(),
        finding: record.finding.map(|f| f.code().into()),
        finding_label: record.finding.map(|f| f.label_zh().into()),
        summary: record.summary.clone(),
        measure: record.measure.clone(),
        concluded_on: record.concluded_at.map(|t| china_day(t).to_string()),
    })
}

async fn find(state: &AppState, number: &str, code: &str) -> AppResult<Option<ComplaintRecord>> {
    let (Some(number), Some(code)) = (ComplaintNumber::parse(number), QueryCode::parse(code)) else { return Ok(None) };
    let Some(record) = state.store.complaint(number.id).await? else { return Ok(None) };
    let Some(hash) = record.complaint.query_code_hash.as_deref() else { return Ok(None) };
    let expected = state.secret.query_code_hash(&code);
    let year = china_day(record.complaint.received_at).year();
    Ok((year == number.year && same(expected.as_bytes(), hash.as_bytes())).then_some(record))
}
