//! Documents as issued (their PDFs kept as blobs).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{Blob, StoreResult};

/// A document as issued: its PDF is the blob `sha256`; `issued_by` is the issuing event's seq, or for
/// a 督办单 the supervision item's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedDocument {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub issued_by: i64,
    pub title: String,
    pub sha256: String,
    pub size: i64,
    pub issued_at: DateTime<Utc>,
}

/// A document to keep as issued, with its PDF.
#[derive(Debug, Clone)]
pub struct NewIssuedDocument {
    pub kind: String,
    pub issued_by: i64,
    pub title: String,
    pub issued_at: DateTime<Utc>,
    pub pdf: Blob,
}

/// Issued documents.
#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// The documents a case has issued, in the order they were issued.
    async fn issued_documents(&self, case_id: i64) -> StoreResult<Vec<IssuedDocument>>;
    /// Keeps a document as issued, with its PDF, once: if the case already holds this kind from the
    /// same issuer, that one stays and is returned (a reprint never replaces the original).
    async fn keep_issued_document(&self, case_id: i64, doc: &NewIssuedDocument) -> StoreResult<IssuedDocument>;
}
