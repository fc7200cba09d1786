//! One module per route.

pub mod contacts;
pub mod home;
pub mod mailbox;
pub mod not_found;
pub mod sign_in;
pub mod sign_up;
