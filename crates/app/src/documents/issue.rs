//! Issuing a case's documents: composed once per issuing event, typeset off the async threads,
//! kept, and read back as PDF; the units' letterheads.

use chrono::Utc;
use huiyin_core::text;
use huiyin_core::unit::UnitKind;
use huiyin_core::{FieldError, Invalid};
use huiyin_store::{Blob, CaseFile, DocumentStyle, IssuedDocument, NewIssuedDocument};
use sha2::Digest;

use std::collections::{BTreeSet, HashMap};

use crate::actor::Actor;
use crate::cases::read::case_file;
use crate::context::AppState;
use crate::documents::{self, DocKind, Issued, Issuer, Names};
use crate::error::{AppError, AppResult};

/// How the units that issue documents print: their letterhead and signature block, or their name.
pub(crate) async fn issuers(state: &AppState, codes: BTreeSet<String>) -> AppResult<HashMap<String, Issuer>> {
    let mut out = HashMap::new();
    for code in codes {
        let Some(unit) = state.store.unit_by_code(&code).await? else { continue };
        let terms = crate::presets::terms_for(state, unit.id).await?;
        let issuer = match state.store.document_style(unit.id).await? {
            Some(style) => Issuer {
                name: unit.name,
                kind: unit.kind,
                letterhead: style.letterhead,
                signature: style.signature,
                terms,
            },
            None => Issuer { terms, ..Issuer::plain(&unit.name, unit.kind) },
        };
        out.insert(code, issuer);
    }
    Ok(out)
}

/// How one unit prints the papers it issues outside a case (a published table, an attendance
/// sheet): its letterhead and signature block, or its name.
pub(crate) async fn issuer_of(state: &AppState, unit: &huiyin_store::Unit) -> AppResult<Issuer> {
    Ok(issuers(state, [unit.code.clone()].into())
        .await?
        .remove(&unit.code)
        .unwrap_or_else(|| Issuer::plain(&unit.name, unit.kind)))
}

/// Whom and what documents name: every unit's full name and every staff member's name, title and
/// credential number.
pub async fn names(state: &AppState) -> AppResult<Names> {
    let units = state.store.units().await?.into_iter().map(|u| (u.code, u.name)).collect();
    Ok(Names { units, staff: crate::accounts::staff_names(state).await? })
}

/// Every document the case has issued, composed, in the order issued: the events' notices, letters
/// and records, then the 督办单 of its supervision items.
pub async fn compose_documents(state: &AppState, file: &CaseFile) -> AppResult<Vec<Issued>> {
    compose_documents_named(state, file, &names(state).await?).await
}

/// [`compose_documents`] with the names already read, for a caller that composes many cases (the
/// archive volume) or shows the names elsewhere on the page.
pub async fn compose_documents_named(state: &AppState, file: &CaseFile, names: &Names) -> AppResult<Vec<Issued>> {
    let items = state.store.case_supervision_items(file.id).await?;
    let mut codes = documents::issuer_codes(file);
    codes.extend(items.iter().map(|i| documents::slip_issuer(i).to_owned()));
    let issuers = issuers(state, codes).await?;
    let mut all = documents::issued(file, &issuers, names);
    for item in &items {
        let code = documents::slip_issuer(item);
        let issuer = issuers.get(code).cloned().unwrap_or_else(|| Issuer::plain(code, UnitKind::Agency));
        all.push(documents::supervision_slip(file, item, &issuer, names));
    }
    Ok(all)
}

/// The draft handling opinion as it will print (审批 reads it whole), as the actor may read the case;
/// `None` when no draft waits for approval or reply.
pub async fn opinion_preview(
    state: &AppState,
    file: &CaseFile,
    names: &Names,
) -> AppResult<Option<huiyin_pdf::Letter>> {
    let holder = file.state.holding_unit.clone();
    let issuers = issuers(state, BTreeSet::from([holder.clone()])).await?;
    let issuer = issuers.get(&holder).cloned().unwrap_or_else(|| Issuer::plain(&holder, UnitKind::Agency));
    Ok(documents::opinion_preview(file, &issuer, names, Utc::now()))
}

/// The case's documents as the actor may read them.
pub async fn case_documents(state: &AppState, actor: &Actor, id: i64) -> AppResult<Vec<Issued>> {
    let file = case_file(state, actor, id).await?;
    compose_documents(state, &file).await
}

/// Typesets and keeps every document of the case not kept yet, and returns each with its record. A
/// kept document is never typeset again: a reprint serves the bytes first issued.
pub async fn issue_documents(state: &AppState, file: &CaseFile) -> AppResult<Vec<(Issued, IssuedDocument)>> {
    let all = compose_documents(state, file).await?;
    let mut kept = state.store.issued_documents(file.id).await?;
    let mut out = Vec::with_capacity(all.len());
    for doc in all {
        let code = doc.kind.code();
        let found = kept.iter().position(|k| k.kind == code && k.issued_by == doc.issued_by);
        let record = match found {
            Some(i) => kept.swap_remove(i),
            None => {
                let pdf = typeset(state, &doc, file.id).await?;
                let new = NewIssuedDocument {
                    kind: code.to_owned(),
                    issued_by: doc.issued_by,
                    title: doc.letter.title.clone(),
                    issued_at: doc.issued_at,
                    pdf,
                };
                state.store.keep_issued_document(file.id, &new).await?
            }
        };
        out.push((doc, record));
    }
    Ok(out)
}

/// After an action: issues the documents it issued (受理告知书 with acceptance, 交办函 with
/// assignment, …). A failure to typeset (no fonts, say) is logged and does not undo the action: the
/// document is issued when it is next asked for. Registration's receipt, and bulk paths such as the
/// demo, leave issuing to that first request.
pub async fn issue_after_action(state: &AppState, file: &CaseFile) {
    if let Err(e) = issue_documents(state, file).await {
        tracing::warn!(case = file.id, error = %e, "documents not issued yet");
    }
}

/// The actor's view of the issued documents, issuing any not yet kept.
pub async fn issued_documents(state: &AppState, actor: &Actor, id: i64) -> AppResult<Vec<(Issued, IssuedDocument)>> {
    let file = case_file(state, actor, id).await?;
    issue_documents(state, &file).await
}

/// One issued document's PDF: the latest of its kind, or the one issued by `issued_by`.
pub async fn document_pdf(
    state: &AppState,
    actor: &Actor,
    id: i64,
    kind: DocKind,
    issued_by: Option<i64>,
) -> AppResult<(IssuedDocument, Blob)> {
    let all = issued_documents(state, actor, id).await?;
    let (_, record) = all
        .into_iter()
        .rev()
        .find(|(d, _)| d.kind == kind && issued_by.is_none_or(|seq| d.issued_by == seq))
        .ok_or(AppError::NotFound)?;
    let blob = state.store.blob(&record.sha256).await?.ok_or(AppError::NotFound)?;
    Ok((record, blob))
}

/// Runs a typesetting job on the blocking threads (it is CPU work, and the first one scans the fonts).
pub(crate) async fn typeset_off_thread(
    state: &AppState,
    job: impl FnOnce(&huiyin_pdf::Typesetter) -> Result<Vec<u8>, huiyin_pdf::TypesetError> + Send + 'static,
) -> AppResult<Vec<u8>> {
    let typesetting = state.typesetting();
    tokio::task::spawn_blocking(move || {
        let typesetter = typesetting.get()?;
        job(&typesetter).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| AppError::Typeset(e.to_string()))?
    .map_err(AppError::Typeset)
}

pub(crate) async fn typeset(state: &AppState, doc: &Issued, case_id: i64) -> AppResult<Blob> {
    let letter = doc.letter.clone();
    let ident = doc.ident(case_id);
    let at = doc.issued_at;
    let bytes = typeset_off_thread(state, move |t| t.letter(&letter, &ident, at)).await?;
    let sha256 = crate::context::hex(&sha2::Sha256::digest(&bytes));
    Ok(Blob { sha256, media_type: "application/pdf".into(), bytes })
}

/// The most lines a signature block has.
pub const SIGNATURE_LINES: usize = 4;

/// A unit's letterhead and signature block as they print, and whether they are the unit's own.
pub async fn document_style(state: &AppState, actor: &Actor, code: &str) -> AppResult<(DocumentStyle, bool)> {
    let unit = crate::units::unit_in_scope(state, actor, code).await?;
    Ok(match state.store.document_style(unit.id).await? {
        Some(style) => (style, true),
        None => (DocumentStyle { letterhead: unit.name.clone(), signature: vec![unit.name] }, false),
    })
}

/// Sets a unit's letterhead (红头) and signature block (落款), administrators only. Documents issued
/// from now on print them; documents already issued keep what they were issued with.
pub async fn set_document_style(
    state: &AppState,
    actor: &Actor,
    code: &str,
    letterhead: Option<&str>,
    signature: &[String],
) -> AppResult<DocumentStyle> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let unit = crate::units::unit_in_scope(state, actor, code).await?;
    let style = checked_style(letterhead, signature)?;
    let before = state.store.document_style(unit.id).await?.map(|s| style_snapshot(&s));
    state.store.set_document_style(unit.id, &style, Utc::now()).await?;
    tracing::info!(unit = code, actor = %actor.user.username, "letterhead set");
    let target = crate::audit::Target::unit(&unit);
    crate::audit::record(state, actor, "unit.letterhead", target, before, Some(style_snapshot(&style))).await;
    Ok(style)
}

/// A letterhead and at most [`SIGNATURE_LINES`] lines of signature block, checked; blank lines are
/// dropped.
fn checked_style(letterhead: Option<&str>, signature: &[String]) -> AppResult<DocumentStyle> {
    let letterhead = text::required("letterhead", letterhead, text::limits::UNIT_NAME)?;
    let mut lines = Vec::new();
    for line in signature {
        if let Some(line) = text::optional("signature", Some(line), text::limits::UNIT_NAME)? {
            lines.push(line);
        }
    }
    if lines.is_empty() {
        return Err(FieldError::new("signature", Invalid::Required).into());
    }
    if lines.len() > SIGNATURE_LINES {
        return Err(FieldError::new("signature", Invalid::TooLong { max: SIGNATURE_LINES }).into());
    }
    Ok(DocumentStyle { letterhead, signature: lines })
}

/// A sample notice (受理告知书) printed with a letterhead and signature block not yet saved, as PDF,
/// for the administrator who is about to set them (administrators only, for units in their scope).
/// It names no petitioner and no case, and says it is a sample; nothing is kept.
pub async fn preview_document_style(
    state: &AppState,
    actor: &Actor,
    code: &str,
    letterhead: Option<&str>,
    signature: &[String],
) -> AppResult<Vec<u8>> {
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    crate::units::unit_in_scope(state, actor, code).await?;
    let style = checked_style(letterhead, signature)?;
    let now = Utc::now();
    let letter = huiyin_pdf::Letter {
        letterhead: style.letterhead,
        title: "受理告知书(样例)".into(),
        number: Some("样例".into()),
        addressee: Some("信访人".into()),
        paragraphs: vec![
            format!(
                "您于{}以走访形式反映的事项,本机关已依法受理,将在规定期限内办理并书面答复。",
                crate::views::day_zh(now)
            ),
            "此为文书红头与落款的样例,不是正式文书。".into(),
        ],
        facts: Vec::new(),
        table: None,
        signature: style.signature,
        issued_on: crate::views::day_zh(now),
    };
    typeset_off_thread(state, move |t| t.letter(&letter, "letterhead-preview", now)).await
}

/// A letterhead and signature block as the audit log shows them.
fn style_snapshot(style: &DocumentStyle) -> serde_json::Value {
    serde_json::json!({"letterhead": style.letterhead, "signature": style.signature})
}
