//! Entente's server: configuration, storage, HTTP stack and background workers.
//!
//! The binary in `main.rs` is a thin command-line wrapper around this library, so the
//! integration tests in `tests/it` run exactly the code production runs.

pub mod activity;
pub mod auth;
pub mod blobs;
pub mod config;
pub mod contacts;
pub mod documents;
pub mod http;
pub mod live;
pub mod mail;
pub mod partners;
pub mod previews;
pub mod proofs;
pub mod seed;
pub mod services;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod users;
