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
    /// Some form fields were refused; each entry names its field and says why, so the
    /// form can show the sentence next to the field that caused it.
    #[error("{}", .0.summary())]
    InvalidFields(FieldErrors),
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

/// One refused form field: its `name` attribute and the sentence to show beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name, as in the form and the server function's argument.
    pub field: String,
    /// Why it was refused, as a sentence.
    pub message: String,
}

/// The refused fields of one form submission, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Adds the error of `field`, if `result` is one, and returns the accepted value otherwise.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        result
            .map_err(|error| {
                self.0.push(FieldError {
                    field: field.to_string(),
                    message: error.to_string(),
                })
            })
            .ok()
    }

    /// The sentence for `field`, if it was refused.
    pub fn message_for(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.clone())
    }

    /// Every sentence, one after the other (for places that show a single message).
    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|error| error.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// True when no field was refused.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl AppError {
    /// The refusal of one field, as an error.
    pub fn field(field: &str, message: impl std::fmt::Display) -> Self {
        AppError::InvalidFields(FieldErrors(vec![FieldError {
            field: field.to_string(),
            message: message.to_string(),
        }]))
    }

    /// The sentence to show beside `field`, if this error refused it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            AppError::InvalidFields(errors) => errors.message_for(field),
            _ => None,
        }
    }
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
