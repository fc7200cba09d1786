//! One module per route.

pub mod home;
pub mod mailbox;
pub mod not_found;
