//! The Users page's server functions, set-password links and password resets, through the real
//! router on both engines, one module per area; the set-ups they share are in
//! [`crate::support::fixtures`].

mod admin;
mod pages;
mod passwords;
