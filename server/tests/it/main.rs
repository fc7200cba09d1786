//! The server's one integration-test binary: storage, seeding, email and HTTP on SQLite and PostgreSQL.

mod activity;
mod app;
mod helpers;

mod auth;
mod auth_pages;
mod connect;
mod contacts;
mod contacts_page;
mod http;
mod mail_delivery;
mod mailbox;
mod outbox;
mod partners;
mod partners_tab;
mod retry;
mod seed;
mod sessions;
mod sign_in_throttle;
mod storage;
mod users;
