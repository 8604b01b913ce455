//! The HTTP tests: one binary (it links once), each test starting the real server on a random port
//! over a fresh database, on SQLite and on PostgreSQL (`common::Db`, `common::Server`; worlds seeded
//! through the store where a test needs many accounts). One module per area.

#[macro_use]
mod common;
mod complaints;
mod coverage;

mod admin;
mod api;
mod cli;
mod deadlines;
mod delivery;
mod democracy;
mod duty;
mod gifts;
mod lifecycle;
mod measures;
mod open311;
mod operations;
mod presets;
mod public;
mod reception;
mod school_scope;
mod screening;
mod search;
mod seed_community;
mod seed_community_democratic;
mod seed_federation;
mod seed_school;
mod seed_town;
mod service_requests;
mod statistics;
mod training;
mod transfer;
