//! The error type every server function returns, shared by server and browser.
//!
//! Internal causes (database, I/O) are logged on the server with a reference and never shown:
//! the person sees a sentence and, for internal failures, the reference to quote.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, in terms the interface can match on and show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The input was refused; the message says why, in a sentence.
    #[error("{0}")]
    Invalid(String),
    /// The caller is not signed in.
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// The caller is signed in but may not do this.
    #[error("Your profile does not allow this action.")]
    Forbidden,
    /// Nothing with that id exists for the caller's account.
    #[error("We could not find that. It may have been removed.")]
    NotFound,
    /// A failure on our side, logged on the server under this reference.
    #[error("Something went wrong on our side (reference {0}). Please try again.")]
    Internal(String),
    /// The request did not reach the server function intact (network, encoding).
    #[error("The request could not be completed: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs an internal failure with a fresh reference and returns the error to show.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let reference = format!("{:08x}", rand_reference());
        tracing::error!(reference = %reference, error = %cause, "internal error");
        AppError::Internal(reference)
    }
}

/// A short reference to quote in support requests, unique enough to find the log line.
#[cfg(feature = "ssr")]
fn rand_reference() -> u32 {
    use std::hash::{BuildHasher, RandomState};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    RandomState::new().hash_one(nanos) as u32
}
