//! huiyin-web: the HTTP shell. It owns routing, the JSON API and its OpenAPI document, the staff
//! UI, the portal, Open311, sessions and static assets; it holds no business rule (those are in
//! `huiyin-core`), no application service (those are in `huiyin-app`) and no SQL (that is in the
//! storage backends).

pub mod api;
pub mod auth;
pub mod error;
pub mod extract;
pub mod open311;
pub mod portal;
mod router;
pub mod sessions;
pub mod ui;

pub use router::{router, serve};

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// An attachment as a download: its stored media type, and its name (RFC 6266 / 5987 for UTF-8).
pub fn attachment_response(filename: &str, blob: huiyin_store::Blob) -> Response {
    file_response("attachment", filename, blob)
}

/// An issued document's PDF, shown in the browser, with its hash as the ETag (it never changes).
pub fn pdf_response(record: &huiyin_store::IssuedDocument, blob: huiyin_store::Blob) -> Response {
    let filename = format!("{}-{}.pdf", record.kind, record.issued_by);
    let mut response = file_response("inline", &filename, blob);
    if let Ok(etag) = header::HeaderValue::from_str(&format!("\"{}\"", record.sha256)) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// A PDF made for this request (a name plate), shown in the browser.
pub fn made_pdf(filename: &str, bytes: Vec<u8>) -> Response {
    let blob = huiyin_store::Blob { sha256: String::new(), media_type: "application/pdf".into(), bytes };
    file_response("inline", filename, blob)
}

fn file_response(disposition: &str, filename: &str, blob: huiyin_store::Blob) -> Response {
    let encoded: String = filename
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, blob.media_type),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{disposition}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        blob.bytes,
    )
        .into_response()
}

/// The query string of a case list's filters (`unit=XS&from=2026-11-01…`), which `/cases` and
/// `/api/v1/cases` both read: the list behind a report's number.
pub(crate) fn case_query(filter: &huiyin_app::statistics::CaseFilter) -> String {
    filter.iter().map(|(k, v)| format!("{k}={}", ui::urlencode(v))).collect::<Vec<_>>().join("&")
}
