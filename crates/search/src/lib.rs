//! huiyin-search: text analysis for finding cases, with no I/O.
//!
//! It owns Chinese word segmentation for full-text search ([`segment`]), what of a case is
//! searchable ([`document`]), highlighting of matches ([`highlight`]), near-duplicate statements by
//! MinHash and LSH bands ([`minhash`]), and the judgement at intake of what earlier cases mean for a
//! new one: 重复访, 不再受理, collective matters and 越级访 ([`intake`]). The stores keep what it
//! makes; the web shell calls it.

pub mod document;
pub mod highlight;
pub mod intake;
pub mod minhash;
pub mod segment;

pub use highlight::{Fragment, highlight};
pub use segment::Segmenter;
