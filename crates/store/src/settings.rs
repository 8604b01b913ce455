//! Settings shared by the whole tree: the petition content classes and the holiday schedules, each
//! with a version that tells a cache when to reload.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use huiyin_core::category::Category;

use crate::StoreResult;

/// The settings shared by the whole tree.
#[async_trait]
pub trait SettingStore: Send + Sync {
    /// Loads the shipped classification if the table is empty; returns how many classes were added.
    async fn seed_categories(&self, classes: &[Category]) -> StoreResult<usize>;
    async fn categories(&self) -> StoreResult<Vec<Category>>;
    /// Inserts or updates classes by code (administrators' edits), in one transaction.
    async fn save_categories(&self, classes: &[Category]) -> StoreResult<()>;
    /// The version of a shared setting (`categories`, `calendar`): raised by every write of it, so
    /// that a server holding a copy knows at once whether it is still current. 0 before any write.
    async fn setting_version(&self, name: &str) -> StoreResult<i64>;
    /// Swaps the places of two classes in the order they are listed (their codes stay).
    async fn swap_category_order(&self, a: &str, b: &str) -> StoreResult<()>;
    /// The loaded holiday schedules: (year, file in the holiday-cn format).
    async fn holiday_years(&self) -> StoreResult<Vec<(i32, String)>>;
    /// Stores a year's schedule, replacing an earlier one of the same year.
    async fn put_holiday_year(&self, year: i32, file: &str, source: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Stores the shipped years that are not there yet (a local file of a year stays); returns how
    /// many were added.
    async fn seed_holiday_years(&self, years: &[(i32, &str)], at: DateTime<Utc>) -> StoreResult<usize>;
}
