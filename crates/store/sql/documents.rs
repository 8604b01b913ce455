//! Issued documents.

use super::{DbRow, corrupt, on_violation};
use crate::Backend;
use huiyin_store::prelude::*;
use huiyin_store::{IssuedDocument, NewIssuedDocument, StoreResult};
use sqlx::Row;

/// A `SELECT` of the columns `issued_document_from_row` reads, followed by the given clauses on `d`.
macro_rules! select_issued_documents {
    ($($tail:literal),*) => {
        concat!(
            "SELECT d.id, d.case_id, d.kind, d.issued_by, d.title, d.sha256, b.size, d.issued_at ",
            "FROM issued_documents d JOIN blobs b ON b.sha256 = d.sha256 ",
            $($tail),*
        )
    };
}

fn issued_document_from_row(row: &DbRow) -> StoreResult<IssuedDocument> {
    Ok(IssuedDocument {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        kind: row.try_get("kind")?,
        issued_by: row.try_get("issued_by")?,
        title: row.try_get("title")?,
        sha256: row.try_get("sha256")?,
        size: row.try_get("size")?,
        issued_at: row.try_get("issued_at")?,
    })
}

#[async_trait::async_trait]
impl DocumentStore for Backend {
    async fn issued_documents(&self, case_id: i64) -> StoreResult<Vec<IssuedDocument>> {
        let rows = sqlx::query(select_issued_documents!("WHERE d.case_id = $1 ORDER BY d.id"))
            .bind(case_id)
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(issued_document_from_row).collect()
    }

    async fn keep_issued_document(&self, case_id: i64, doc: &NewIssuedDocument) -> StoreResult<IssuedDocument> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO blobs (sha256, media_type, size, bytes, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&doc.pdf.sha256)
        .bind(&doc.pdf.media_type)
        .bind(i64::try_from(doc.pdf.bytes.len()).map_err(corrupt)?)
        .bind(&doc.pdf.bytes)
        .bind(doc.issued_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO issued_documents (case_id, kind, issued_by, title, sha256, issued_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id, kind, issued_by) DO NOTHING",
        )
        .bind(case_id)
        .bind(&doc.kind)
        .bind(doc.issued_by)
        .bind(&doc.title)
        .bind(&doc.pdf.sha256)
        .bind(doc.issued_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_violation(e, "document", "case"))?;
        let row = sqlx::query(select_issued_documents!("WHERE d.case_id = $1 AND d.kind = $2 AND d.issued_by = $3"))
            .bind(case_id)
            .bind(&doc.kind)
            .bind(doc.issued_by)
            .fetch_one(&mut *tx)
            .await?;
        let kept = issued_document_from_row(&row)?;
        tx.commit().await?;
        Ok(kept)
    }
}
