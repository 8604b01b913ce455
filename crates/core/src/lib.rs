//! huiyin-core: the rules of petition reception and handling, as plain data and pure functions.
//!
//! This crate owns the domain: units and roles, petitioners' identity documents and phones, the
//! registration of a case and its validation, the events of a case and the state derived from them,
//! the content taxonomy, and masking of personal data. It does no I/O, holds no clock and starts no
//! task: callers pass in "now" and random bytes. Storage, HTTP and the command line are shells around it.

rust_i18n::i18n!("locales", fallback = "zh-CN");

pub mod attachment;
pub mod calendar;
pub mod case;
pub mod category;
pub mod chain;
pub mod charter;
pub mod community_body;
pub mod complaint;
pub mod delivery;
pub mod duty;
pub mod error;
pub mod event;
pub mod gift;
pub mod identity;
pub mod informant;
pub mod key_petitioner;
pub mod kpi;
pub mod lifecycle;
pub mod limits;
pub mod locale;
pub mod mask;
pub mod measure_facts;
pub mod meeting;
pub mod policy;
pub mod preset;
pub mod public;
pub mod reception;
pub mod reception_session;
pub mod screening;
pub mod service_request;
pub mod statistics;
pub mod territory;
pub mod text;
pub mod training;
pub mod unit;
pub mod user;

pub use error::{FieldError, Invalid, ValidationErrors};
pub use locale::Lang;
