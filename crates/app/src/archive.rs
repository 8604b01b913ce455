//! The annual archive volume (FED-13): a unit's settled cases bound with their documents.

use chrono::{TimeZone, Utc};
use huiyin_core::case::CHINA_OFFSET;
use huiyin_core::event::Status;
use huiyin_core::{FieldError, Invalid};
use sha2::Digest;

use crate::context::AppState;
use crate::documents::issue::{compose_documents_named, typeset_off_thread};
use crate::error::{AppError, AppResult};

/// A bound archive volume (FED-13).
pub struct BuiltArchive {
    pub unit_name: String,
    pub cases: usize,
    pub documents: usize,
    pub sha256: String,
    pub pdf: Vec<u8>,
}

/// Binds the settled cases (办结, 不予受理, 作登记处理, 终结) that `unit_code` received in `year` (China
/// time) into one PDF: a cover, the table of contents, then each case's documents in the order
/// issued — registration, letters, investigation notes, hearings, opinion and reply, return visits
/// (FED-13). `progress(done, total)` is called as cases are gathered. `None` when the year has no
/// settled case: nothing is bound empty.
pub async fn build_archive(
    state: &AppState,
    unit_code: &str,
    year: i32,
    progress: impl Fn(usize, usize),
) -> AppResult<Option<BuiltArchive>> {
    let unit = state.store.unit_by_code(unit_code).await?.ok_or(AppError::NotFound)?;
    let start = |y: i32| {
        CHINA_OFFSET
            .with_ymd_and_hms(y, 1, 1, 0, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| FieldError::new("year", Invalid::OutOfRange { min: 2000, max: 2100 }))
    };
    if !(2000..=2100).contains(&year) {
        return Err(FieldError::new("year", Invalid::OutOfRange { min: 2000, max: 2100 }).into());
    }
    let ids = state.store.case_ids_received(unit.id, start(year)?, start(year + 1)?, &Status::SETTLED).await?;
    if ids.is_empty() {
        return Ok(None);
    }
    let mut cases = Vec::with_capacity(ids.len());
    let mut documents = 0;
    let names = crate::documents::issue::names(state).await?;
    for (done, id) in ids.iter().enumerate() {
        progress(done, ids.len());
        let Some(file) = state.store.case_file(*id).await? else { continue };
        let letters: Vec<huiyin_pdf::Letter> =
            compose_documents_named(state, &file, &names).await?.into_iter().map(|d| d.letter).collect();
        documents += letters.len();
        cases.push(huiyin_pdf::ArchivedCase {
            number: file.state.case_number.clone(),
            summary: crate::views::excerpt(&file.registration.content, 24),
            documents: letters,
        });
    }
    progress(ids.len(), ids.len());
    let first = cases.first().map(|c| c.number.clone()).unwrap_or_default();
    let last = cases.last().map(|c| c.number.clone()).unwrap_or_default();
    let built_at = Utc::now();
    let volume = huiyin_pdf::ArchiveVolume {
        title: format!("{} {year} 年度信访档案", unit.name),
        unit: unit.name.clone(),
        year,
        cover: vec![
            ("立卷单位".into(), format!("{}({})", unit.name, unit.code)),
            ("年度".into(), year.to_string()),
            ("件数".into(), cases.len().to_string()),
            ("文书份数".into(), documents.to_string()),
            ("起止件号".into(), format!("{first} 至 {last}")),
            ("立卷日期".into(), crate::views::day(built_at)),
        ],
        cases,
    };
    let case_count = volume.cases.len();
    let ident = format!("huiyin-archive-{}-{year}", unit.code);
    let pdf = typeset_off_thread(state, move |t| t.archive(&volume, &ident, built_at)).await?;
    Ok(Some(BuiltArchive {
        unit_name: unit.name,
        cases: case_count,
        documents,
        sha256: crate::context::hex(&sha2::Sha256::digest(&pdf)),
        pdf,
    }))
}
