//! The server's one integration-test binary: storage and seeding on SQLite and PostgreSQL.

mod helpers;

mod connect;
mod retry;
mod seed;
mod storage;
