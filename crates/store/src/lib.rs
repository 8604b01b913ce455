//! huiyin-store: the one storage API that every shell uses, and the records it returns.
//!
//! The API is one trait per aggregate (units, accounts, the audit log, the whole database for a transfer (`transfer`), the chains of the tamper-evident record (`chain`), sessions, settings, cases, supervision,
//! notices, search, documents, duty rotas, communities' charters, bodies and meetings, the gifts register, the key petitioners, the leaders' reception months, the monthly screenings, residents' service requests, training, complaints against staff, submissions, tallies), each in its own module with its records, and
//! [`Store`], which is all of them. `huiyin-store-sqlite` and `huiyin-store-postgres` implement it
//! and own their schemas and migrations; the SQL that is the same on both lives once, in
//! `crates/store/sql/`, compiled into each backend with its own database type.
//!
//! Callers hold an `Arc<dyn Store>`, which answers every aggregate's methods; code generic over a
//! backend brings them into scope with `use huiyin_store::prelude::*`.
//!
//! This crate holds no business rule: those live in `huiyin-core`.

mod accounts;
mod audit;
mod cases;
mod chain;
mod charters;
mod community_bodies;
mod complaints;
mod documents;
mod duty;
mod error;
mod gifts;
mod jobs;
mod key_petitioners;
mod meetings;
mod notices;
mod policies;
pub mod ranking;
pub mod reach;
mod reception;
mod screenings;
mod search;
mod service_requests;
mod sessions;
mod settings;
mod submissions;
mod supervision;
mod tallies;
mod training;
pub mod transfer;
mod units;

pub use accounts::*;
pub use audit::*;
pub use cases::*;
pub use chain::*;
pub use charters::*;
pub use community_bodies::*;
pub use complaints::*;
pub use documents::*;
pub use duty::*;
pub use error::*;
pub use gifts::*;
pub use jobs::*;
pub use key_petitioners::*;
pub use meetings::*;
pub use notices::*;
pub use policies::*;
pub use reception::*;
pub use screenings::*;
pub use search::*;
pub use service_requests::*;
pub use sessions::*;
pub use settings::*;
pub use submissions::*;
pub use supervision::*;
pub use tallies::*;
pub use training::*;
pub use units::*;

use async_trait::async_trait;

/// The storage API: every aggregate's store in one, as the application holds it.
#[async_trait]
pub trait Store:
    UnitStore
    + AccountStore
    + AuditStore
    + SessionStore
    + SettingStore
    + CaseStore
    + CharterStore
    + CommunityBodyStore
    + ComplaintStore
    + SupervisionStore
    + NoticeStore
    + SearchStore
    + DocumentStore
    + DutyStore
    + GiftStore
    + JobStore
    + KeyPetitionerStore
    + MeetingStore
    + ReceptionStore
    + ScreeningStore
    + PolicyStore
    + ServiceRequestStore
    + SubmissionStore
    + TallyStore
    + TrainingStore
    + ChainStore
    + transfer::TransferStore
    + Send
    + Sync
    + 'static
{
    /// The backend's name, for logs: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Succeeds when the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// Refreshes the query planner's statistics (after a bulk load).
    async fn analyze(&self) -> StoreResult<()>;
    /// The connection pool: connections open, and of those idle (for `/metrics`).
    fn pool_stats(&self) -> (u32, u32);
    /// Whether the database's schema is the one this huiyin migrates to (for `/readyz`).
    async fn migrations_current(&self) -> StoreResult<bool>;
}

/// The store traits, for calling their methods on a `dyn Store`.
pub mod prelude {
    pub use crate::{
        AccountStore, AuditStore, CaseStore, ChainStore, CharterStore, CommunityBodyStore, ComplaintStore,
        DocumentStore, DutyStore, GiftStore, JobStore, KeyPetitionerStore, MeetingStore, NoticeStore, PolicyStore,
        ReceptionStore, ScreeningStore, SearchStore, ServiceRequestStore, SessionStore, SettingStore, Store,
        SubmissionStore, SupervisionStore, TallyStore, TrainingStore, UnitStore, transfer::TransferStore,
    };
}
