//! The services the server injects through Leptos context (STYLE 5: inject, don't reach).
//!
//! `entente-app` cannot depend on `entente-server`, so it names what it needs as a trait;
//! the server implements it once at start-up around its single database pool.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::use_context;

use crate::api::mailbox::{MailboxEmail, MailboxEntry};
use crate::api::status::StatusReport;
use crate::error::AppError;

/// A boxed future, so the trait stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A failure inside the backend, already logged or to be logged by the caller.
pub type BackendResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// What the server functions may ask of the server.
pub trait Backend: Send + Sync + 'static {
    /// Checks the database and reports which engine answers and how many accounts it holds.
    fn service_status(&self) -> BoxFuture<'_, BackendResult<StatusReport>>;
}

/// What the developers' Mailbox page may ask of the server: the outbox, read-only.
pub trait MailboxService: Send + Sync + 'static {
    /// The most recently written emails, newest first.
    fn recent_emails(&self) -> BoxFuture<'_, BackendResult<Vec<MailboxEntry>>>;
    /// One email with its bodies, or `None` if no email has this id (malformed ids included).
    fn email(&self, id: String) -> BoxFuture<'_, BackendResult<Option<MailboxEmail>>>;
}

/// Everything the server provides to server functions, built once at start-up.
#[derive(Clone)]
pub struct Services {
    /// The storage-backed services.
    pub backend: Arc<dyn Backend>,
    /// The outbox reader behind the Mailbox page; `None` unless `ENTENTE_DEV_MAILBOX` is on.
    pub mailbox: Option<Arc<dyn MailboxService>>,
}

/// Returns the injected services, or an internal error if the server forgot to provide them.
pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| AppError::internal("services missing from context"))
}
