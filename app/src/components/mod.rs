//! Components shared by several pages.

pub mod auth;
pub mod error_view;
pub mod form;
pub mod format;
pub mod gate;
pub mod layout;
pub mod pager;
pub mod upload;
pub mod verification;
