//! The port the developers' Mailbox page reads the outbox through.

use crate::api::mailbox::{MailboxEmail, MailboxEntry};
use crate::api::services::{BackendResult, BoxFuture};

/// What the developers' Mailbox page may ask of the server: the outbox, read-only.
pub trait MailboxService: Send + Sync + 'static {
    /// The most recently written emails, newest first.
    fn recent_emails(&self) -> BoxFuture<'_, BackendResult<Vec<MailboxEntry>>>;
    /// One email with its bodies, or `None` if no email has this id (malformed ids included).
    fn email(&self, id: String) -> BoxFuture<'_, BackendResult<Option<MailboxEmail>>>;
}
