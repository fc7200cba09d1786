//! Entente's rules: partnership state machine, validation and permissions.
//!
//! TODO crate docs
pub mod contacts;
pub mod email;
pub mod ids;
pub mod names;
pub mod partnership;
pub mod password;
pub mod profile;
