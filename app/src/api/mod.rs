//! Server functions, grouped by area, and the services they are given by the server.
//!
//! Each server function reads the injected [`services::Services`], parses its arguments into
//! `entente-core` types, calls one service function and maps the error. No SQL, no rules here.

pub mod activity;
pub mod auth;
pub mod contacts;
pub mod documents;
pub mod mailbox;
pub mod partners;
pub mod proofs;
#[cfg(feature = "ssr")]
pub mod services;
pub mod session;
pub mod sharing;
pub mod status;
pub mod users;
