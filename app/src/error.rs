//! The error type every server function returns, shared by server and browser.
//!
//! Internal causes (database, I/O) are logged on the server, with their whole chain of causes
//! and a reference, and never shown: the person sees a sentence and, for internal failures, the
//! reference to quote. Each variant has its HTTP status, set in one place
//! ([`AppError::status`]): the server answers a refused server function with it (its
//! `http::server_fn_status` middleware) and a page showing the error sets it too
//! (`components::error_view`).

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
    /// What is already there refuses the change (already accepted, the last Administrator…);
    /// the message says why, in a sentence.
    #[error("{0}")]
    Conflict(String),
    /// Some form fields collide with what is already stored (an address already used, a
    /// person already invited); each entry names its field, like [`AppError::InvalidFields`].
    #[error("{}", .0.summary())]
    FieldConflicts(FieldErrors),
    /// Too many attempts in a short time; the message says when to try again.
    #[error("{0}")]
    TooManyRequests(String),
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
    /// What the service depends on (the database) did not answer in time or refused the
    /// connection: nothing was changed, and the same request may succeed in a moment.
    #[error("The service is briefly unavailable. Try again in a moment.")]
    Unavailable,
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
    /// The HTTP status that answers this error: 422 for refused input, 409 for a conflict
    /// with what is there, 429 for too many attempts, 401, 403 and 404 as named, 400 for a
    /// request that did not arrive intact, 503 while the database cannot be reached, and 500
    /// only for a failure on our side.
    pub const fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) | AppError::InvalidFields(_) => 422,
            AppError::Conflict(_) | AppError::FieldConflicts(_) => 409,
            AppError::TooManyRequests(_) => 429,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Transport(_) => 400,
            AppError::Internal(_) => 500,
            AppError::Unavailable => 503,
        }
    }

    /// The refusal of one field, as an error.
    pub fn field(field: &str, message: impl std::fmt::Display) -> Self {
        AppError::InvalidFields(FieldErrors(vec![FieldError {
            field: field.to_string(),
            message: message.to_string(),
        }]))
    }

    /// A field that collides with what is already stored, as an error.
    pub fn field_conflict(field: &str, message: impl std::fmt::Display) -> Self {
        AppError::FieldConflicts(FieldErrors(vec![FieldError {
            field: field.to_string(),
            message: message.to_string(),
        }]))
    }

    /// The refused fields, if this error is about fields.
    pub fn fields(&self) -> Option<&FieldErrors> {
        match self {
            AppError::InvalidFields(errors) | AppError::FieldConflicts(errors) => Some(errors),
            _ => None,
        }
    }

    /// The sentence to show beside `field`, if this error refused it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        self.fields()?.message_for(field)
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
    /// Logs an internal failure once, with its whole chain of causes and a fresh reference,
    /// and returns the error to show (which carries only the reference).
    ///
    /// A failure caused by an [`Unavailable`] dependency (anywhere in the chain) is logged as
    /// a warning and becomes [`AppError::Unavailable`] (503): an outage, not a bug.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        let cause = cause.into();
        if Unavailable::is_in_chain(cause.as_ref()) {
            tracing::warn!(error = %CauseChain(cause.as_ref()), "service unavailable");
            return AppError::Unavailable;
        }
        let reference = format!("{:08x}", rand_reference());
        tracing::error!(
            reference = %reference,
            error = %CauseChain(cause.as_ref()),
            "internal error"
        );
        AppError::Internal(reference)
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Makes the page being rendered answer with this error's status (no-op outside a
    /// server render). A redirect the page already chose (a signed-out visitor sent to sign
    /// in) is kept: a browser follows a `Location` only on a 3xx.
    pub fn set_page_status(&self) {
        let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        let redirecting = response
            .0
            .read()
            .ok()
            .and_then(|parts| parts.status)
            .is_some_and(|status| status.is_redirection());
        if let (false, Ok(status)) = (redirecting, http::StatusCode::from_u16(self.status())) {
            response.set_status(status);
        }
    }
}

/// The cause of an [`AppError::Unavailable`]: something the server depends on (the database)
/// did not answer in time or refused the connection. The server puts it in an error's chain
/// of causes (`StoreError::Unavailable` on the server side), and [`AppError::internal`] finds
/// it there.
#[cfg(feature = "ssr")]
#[derive(Debug, thiserror::Error)]
#[error("{what} is unavailable")]
pub struct Unavailable {
    what: &'static str,
    #[source]
    source: Box<dyn std::error::Error + Send + Sync>,
}

#[cfg(feature = "ssr")]
impl Unavailable {
    /// `what` (as in "the database") is unavailable, as `source` shows.
    pub fn new(
        what: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Unavailable {
            what,
            source: source.into(),
        }
    }

    /// Whether `error` or any of its causes is an [`Unavailable`].
    pub fn is_in_chain(error: &(dyn std::error::Error + 'static)) -> bool {
        let mut current = Some(error);
        while let Some(error) = current {
            if error.is::<Unavailable>() {
                return true;
            }
            current = error.source();
        }
        false
    }
}

/// Writes an error and every `source()` under it, `: `-separated, for the one log line.
#[cfg(feature = "ssr")]
pub struct CauseChain<'a>(pub &'a (dyn std::error::Error + 'static));

#[cfg(feature = "ssr")]
impl std::fmt::Display for CauseChain<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(formatter, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_its_status() {
        let cases = [
            (AppError::Invalid("x".into()), 422),
            (AppError::field("email", "x"), 422),
            (AppError::Conflict("x".into()), 409),
            (AppError::field_conflict("email", "x"), 409),
            (AppError::TooManyRequests("x".into()), 429),
            (AppError::Unauthenticated, 401),
            (AppError::Forbidden, 403),
            (AppError::NotFound, 404),
            (AppError::Transport("x".into()), 400),
            (AppError::Internal("ref".into()), 500),
            (AppError::Unavailable, 503),
        ];
        for (error, status) in cases {
            assert_eq!(error.status(), status, "{error:?}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_cause_that_is_unavailable_anywhere_in_its_chain_answers_503_without_a_reference() {
        #[derive(Debug, thiserror::Error)]
        #[error("could not add the contact")]
        struct Wrapper(#[source] Unavailable);

        let io = || std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let direct = AppError::internal(Unavailable::new("the database", io()));
        let wrapped = AppError::internal(Wrapper(Unavailable::new("the database", io())));
        assert_eq!(direct, AppError::Unavailable);
        assert_eq!(wrapped, AppError::Unavailable);
        assert_eq!(
            wrapped.to_string(),
            "The service is briefly unavailable. Try again in a moment."
        );
        assert!(matches!(AppError::internal(io()), AppError::Internal(_)));
    }
}
