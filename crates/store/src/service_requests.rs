//! 办事 (CDR-4): the register of residents' service requests, as taken and as done.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// A service request to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewServiceRequest {
    /// The unit of the staff member who took it.
    pub unit_id: i64,
    pub resident: Option<String>,
    pub matter: String,
    /// The first staff member asked (FED-1).
    pub received_by: i64,
    pub received_at: DateTime<Utc>,
    /// The cadre it was guided to (CDR-2), when not done on the spot.
    pub guided_to: Option<i64>,
    /// Done on the spot: by the receiver, at once, with what was done.
    pub result: Option<String>,
}

/// One line of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRequestRecord {
    pub id: i64,
    pub request: NewServiceRequest,
    pub done_by: Option<i64>,
    pub done_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait ServiceRequestStore: Send + Sync {
    /// Records a request (done at once when it has a result); its id.
    async fn add_service_request(&self, request: &NewServiceRequest) -> StoreResult<i64>;
    async fn service_request(&self, id: i64) -> StoreResult<Option<ServiceRequestRecord>>;
    /// The requests of these units taken from `from` up to (not including) `before`, and those not
    /// yet done however old, newest first.
    async fn service_requests(
        &self,
        units: &[i64],
        from: DateTime<Utc>,
        before: DateTime<Utc>,
    ) -> StoreResult<Vec<ServiceRequestRecord>>;
    /// Records a request not yet done as done; false (nothing changed) when it was.
    async fn complete_service_request(&self, id: i64, by: i64, at: DateTime<Utc>, result: &str) -> StoreResult<bool>;
}
