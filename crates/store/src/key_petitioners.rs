//! 重点信访人 (TWN-8): the persons a unit keeps in view for appointment and home visits, with the
//! reason; taken off the register with who did it, when and why, never deleted.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// A key petitioner to put on a unit's register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKeyPetitioner {
    pub unit_id: i64,
    pub name: String,
    /// The resident ID number, canonical.
    pub id_number: Option<String>,
    /// The phone, canonical.
    pub phone: Option<String>,
    pub reason: String,
    pub added_by: i64,
    pub added_at: DateTime<Utc>,
}

/// A line of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPetitionerRecord {
    pub id: i64,
    pub person: NewKeyPetitioner,
    /// Taken off the register: by whom, when and why.
    pub removed_by: Option<i64>,
    pub removed_at: Option<DateTime<Utc>>,
    pub removed_reason: Option<String>,
}

/// The registers of key petitioners.
#[async_trait]
pub trait KeyPetitionerStore: Send + Sync {
    async fn add_key_petitioner(&self, person: &NewKeyPetitioner) -> StoreResult<i64>;
    async fn key_petitioner(&self, id: i64) -> StoreResult<Option<KeyPetitionerRecord>>;
    /// The registers of these units, those still on them first, then newest first.
    async fn key_petitioners(&self, units: &[i64]) -> StoreResult<Vec<KeyPetitionerRecord>>;
    /// Takes a person off the register; false (nothing changed) when they were taken off already.
    async fn remove_key_petitioner(&self, id: i64, by: i64, at: DateTime<Utc>, reason: &str) -> StoreResult<bool>;
}
