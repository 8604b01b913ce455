//! Attachments of a case: scans, photos and recordings kept by their hash, added as events.

use huiyin_core::event::EventData;
use huiyin_core::{FieldError, Invalid};
use huiyin_store::Blob;
use sha2::Digest;

use crate::actor::Actor;
use crate::cases::log::append;
use crate::cases::read::case_file;
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// Adds an attachment (a scan, photo or recording) to a case the actor may see: at most 10 MiB, at most 20 a case, of a type recognised from its bytes; kept by its hash.
pub async fn attach(state: &AppState, actor: &Actor, id: i64, filename: &str, bytes: Vec<u8>) -> AppResult<String> {
    use huiyin_core::attachment::{self, MAX_BYTES, MAX_PER_CASE};
    let file = case_file(state, actor, id).await?;
    if bytes.is_empty() {
        return Err(FieldError::new("file", Invalid::Required).into());
    }
    if bytes.len() > MAX_BYTES {
        return Err(FieldError::new("file", Invalid::TooLong { max: MAX_BYTES }).into());
    }
    let media_type = attachment::sniff(&bytes).ok_or_else(|| {
        FieldError::new("file", Invalid::NotAChoice { allowed: "PDF, JPEG, PNG, WEBP, MP3, WAV, M4A".into() })
    })?;
    let count = file.events.iter().filter(|e| matches!(e.data, EventData::AttachmentAdded { .. })).count();
    if count >= MAX_PER_CASE {
        return Err(FieldError::new("file", Invalid::TooManyRepresentatives { max: MAX_PER_CASE }).into());
    }
    let sha256 = crate::context::hex(&sha2::Sha256::digest(&bytes));
    let data = EventData::AttachmentAdded {
        sha256: sha256.clone(),
        media_type,
        filename: attachment::clean_filename(filename),
        size: bytes.len() as u64,
    };
    let blob = Blob { sha256: sha256.clone(), media_type: media_type.mime().to_owned(), bytes };
    append(state, actor, &file, data, (None, None), None, vec![blob]).await?;
    Ok(sha256)
}

/// An attachment of a case the actor may see: its name and bytes.
pub async fn attachment(state: &AppState, actor: &Actor, id: i64, sha256: &str) -> AppResult<(String, Blob)> {
    let file = case_file(state, actor, id).await?;
    let filename = file
        .events
        .iter()
        .find_map(|e| match &e.data {
            EventData::AttachmentAdded { sha256: h, filename, .. } if h == sha256 => Some(filename.clone()),
            _ => None,
        })
        .ok_or(AppError::NotFound)?;
    let blob = state.store.blob(sha256).await?.ok_or(AppError::NotFound)?;
    Ok((filename, blob))
}
