//! Components shared by several pages.

pub mod error_view;
pub mod layout;
