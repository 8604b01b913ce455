//! 业务培训 (FED-14): training sessions, who attended, and each staff member's last one.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::StoreResult;

/// A training session to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTraining {
    /// The unit that held it.
    pub unit_id: i64,
    pub held_on: NaiveDate,
    pub topic: String,
    /// Tenths of an hour.
    pub tenths: u32,
    pub trainer: String,
    pub material: Option<String>,
    pub recorded_by: i64,
    pub recorded_at: DateTime<Utc>,
}

/// A recorded session with who attended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingRecord {
    pub id: i64,
    pub training: NewTraining,
    /// The attendees' ids.
    pub attendees: Vec<i64>,
}

/// Where a staff member stands: when their account was added and their last session, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingStanding {
    pub user_id: i64,
    pub added_at: DateTime<Utc>,
    pub last: Option<NaiveDate>,
}

/// Training sessions.
#[async_trait]
pub trait TrainingStore: Send + Sync {
    /// Records a session and its attendees in one transaction; its id.
    async fn add_training(&self, training: &NewTraining, attendees: &[i64]) -> StoreResult<i64>;
    /// The sessions held by these units from `from` up to (not including) `before`, newest first.
    async fn trainings(&self, units: &[i64], from: NaiveDate, before: NaiveDate) -> StoreResult<Vec<TrainingRecord>>;
    /// The sessions a staff member attended, newest first.
    async fn trainings_of(&self, user_id: i64) -> StoreResult<Vec<TrainingRecord>>;
    /// Where each of these staff members stands, in the order asked.
    async fn training_standing(&self, user_ids: &[i64]) -> StoreResult<Vec<TrainingStanding>>;
}
