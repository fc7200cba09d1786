//! One module per route.

pub mod activity;
pub mod contacts;
pub mod documents;
pub mod forgot_password;
pub mod home;
pub mod mailbox;
pub mod not_found;
pub mod partners;
pub mod proof_compare;
pub mod proofs;
pub mod set_password;
pub mod sharing;
pub mod sign_in;
pub mod sign_up;
pub mod users;
pub mod verify_email;
