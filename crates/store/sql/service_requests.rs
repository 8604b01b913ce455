//! The register of residents' service requests (CDR-4).

use super::{DbRow, push_ids};
use crate::{Backend, Db};
use chrono::{DateTime, Utc};
use huiyin_store::prelude::*;
use huiyin_store::{NewServiceRequest, ServiceRequestRecord, StoreResult};
use sqlx::Row;

fn request_from_row(row: &DbRow) -> StoreResult<ServiceRequestRecord> {
    Ok(ServiceRequestRecord {
        id: row.try_get("id")?,
        request: NewServiceRequest {
            unit_id: row.try_get("unit_id")?,
            resident: row.try_get("resident")?,
            matter: row.try_get("matter")?,
            received_by: row.try_get("received_by")?,
            received_at: row.try_get("received_at")?,
            guided_to: row.try_get("guided_to")?,
            result: row.try_get("result")?,
        },
        done_by: row.try_get("done_by")?,
        done_at: row.try_get("done_at")?,
    })
}

/// A `SELECT` of the register followed by the given clauses.
macro_rules! select_requests {
    ($($clause:literal),*) => {
        concat!(
            "SELECT id, unit_id, resident, matter, received_by, received_at, guided_to, done_by, done_at, result \
             FROM service_requests ",
            $($clause),*
        )
    };
}

#[async_trait::async_trait]
impl ServiceRequestStore for Backend {
    async fn add_service_request(&self, request: &NewServiceRequest) -> StoreResult<i64> {
        // Done on the spot, the receiver did it when it was taken.
        let (done_by, done_at) = match request.result {
            Some(_) => (Some(request.received_by), Some(request.received_at)),
            None => (None, None),
        };
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO service_requests (unit_id, resident, matter, received_by, received_at, guided_to, done_by, \
             done_at, result) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(request.unit_id)
        .bind(&request.resident)
        .bind(&request.matter)
        .bind(request.received_by)
        .bind(request.received_at)
        .bind(request.guided_to)
        .bind(done_by)
        .bind(done_at)
        .bind(&request.result)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn service_request(&self, id: i64) -> StoreResult<Option<ServiceRequestRecord>> {
        let row = sqlx::query(select_requests!("WHERE id = $1")).bind(id).fetch_optional(self.reader()).await?;
        row.as_ref().map(request_from_row).transpose()
    }

    async fn service_requests(
        &self,
        units: &[i64],
        from: DateTime<Utc>,
        before: DateTime<Utc>,
    ) -> StoreResult<Vec<ServiceRequestRecord>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = sqlx::QueryBuilder::<Db>::new(select_requests!("WHERE ((received_at >= "));
        b.push_bind(from).push(" AND received_at < ").push_bind(before).push(") OR done_at IS NULL) AND unit_id IN ");
        push_ids(&mut b, units);
        b.push(" ORDER BY received_at DESC, id DESC");
        let rows = b.build().fetch_all(self.reader()).await?;
        rows.iter().map(request_from_row).collect()
    }

    async fn complete_service_request(&self, id: i64, by: i64, at: DateTime<Utc>, result: &str) -> StoreResult<bool> {
        let done = self
            .write_alone(
                sqlx::query(
                    "UPDATE service_requests SET done_by = $1, done_at = $2, result = $3 \
                     WHERE id = $4 AND done_at IS NULL",
                )
                .bind(by)
                .bind(at)
                .bind(result)
                .bind(id),
            )
            .await?;
        Ok(done == 1)
    }
}
