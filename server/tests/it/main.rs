//! The server's one integration-test binary: storage, seeding, email and HTTP on SQLite and PostgreSQL.

mod support;

mod activity;

mod auth;
mod auth_pages;
mod authorization_matrix;
mod blobs;
mod connect;
mod connections;
mod contacts;
mod contacts_page;
mod digest;
mod document_activity;
mod documents;
mod errors;
mod hostile;
mod hostile_property;
mod http;
mod live;
mod mail_delivery;
mod mailbox;
mod migrations;
mod outbox;
mod partner_history;
mod partners;
mod partners_tab;
mod proof_audit;
mod proofs;
mod renders;
mod retry;
mod security_headers;
mod seed;
mod seed_bench;
mod sessions;
mod sharing;
mod sign_in_throttle;
mod storage;
mod users;
mod verification;
