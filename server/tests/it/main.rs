//! The server's one integration-test binary: storage, seeding and HTTP on SQLite and PostgreSQL.

mod app;
mod helpers;

mod connect;
mod contacts;
mod http;
mod retry;
mod seed;
mod storage;
