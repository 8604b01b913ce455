//! huiyin-app: the application services that every shell calls — the JSON API, the staff pages,
//! the portal, Open311, the command line and the background jobs. A service checks who acts and
//! what they may see, lets `huiyin-core` decide, and has the store write the result. The policies
//! that must never be forgotten are applied here, once, on the read and write paths: scope, GEN-7
//! (the accused never reaches the accusation), masking and the personal-data view log (COM-4).
//! No HTTP types: the shells translate requests into these calls and [`error::AppError`] into
//! their answers.

pub mod accounts;
pub mod actor;
pub mod archive;
pub mod audit;
pub mod batcher;
pub mod cases;
pub mod categories;
pub mod chain;
pub mod charters;
pub mod charts;
pub mod community_bodies;
pub mod complaints;
pub mod context;
pub mod deadlines;
pub mod delivery;
pub mod documents;
pub mod duty;
pub mod error;
pub mod gifts;
pub mod guards;
pub mod jobs;
pub mod key_petitioners;
pub mod matters;
pub mod measures;
pub mod meeting_papers;
pub mod meetings;
pub mod metrics;
pub mod policies;
pub mod presets;
pub mod public;
pub mod reception;
pub mod reception_sessions;
pub mod reindex;
pub mod saved_filters;
pub mod screenings;
pub mod search;
pub mod service_requests;
pub mod statistics;
pub mod supervision;
pub mod territories;
pub mod training;
pub mod transfer;
pub mod tree;
pub mod units;
pub mod views;
pub mod work;

pub use context::{AppState, SecretKey};
