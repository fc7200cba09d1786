//! The developers' Mailbox: the emails in the outbox, readable when `ENTENTE_DEV_MAILBOX` is on.
//!
//! Every function here answers [`AppError::NotFound`] when the mailbox is off, or when the
//! request does not come from this machine (issue 12: it shows sign-in links), exactly as if
//! it did not exist.

#[cfg(feature = "ssr")]
pub mod port;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One email in the Mailbox list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxEntry {
    /// The outbox id, used in `/mailbox?id=…`.
    pub id: String,
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// Which email it is, as stored (`partner_invitation`, …).
    pub kind: String,
    /// When it was written, in unix seconds.
    pub created_at: i64,
    /// When the SMTP server accepted it, or `None` while it waits in the outbox.
    pub sent_at: Option<i64>,
    /// Delivery attempts so far.
    pub attempts: i32,
}

/// One email with its bodies, as the Mailbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxEmail {
    /// What the list shows about it.
    pub entry: MailboxEntry,
    /// The plain-text body.
    pub text_body: String,
    /// The HTML body, shown in a sandboxed frame.
    pub html_body: String,
    /// Why the last delivery attempt failed, if it did.
    pub last_error: Option<String>,
}

/// The mailbox service, if it is on and this request comes from this machine.
#[cfg(feature = "ssr")]
fn local_mailbox() -> Result<Option<std::sync::Arc<dyn port::MailboxService>>, AppError> {
    let local = crate::api::session::client_address().is_some_and(|client| client.local);
    Ok(crate::api::services::services()?.mailbox.filter(|_| local))
}

/// Tells whether the developers' Mailbox is on for this visitor (for the footer link).
#[server(endpoint = "mailbox/enabled")]
pub async fn mailbox_enabled() -> Result<bool, AppError> {
    Ok(local_mailbox()?.is_some())
}

/// Lists the most recent emails, newest first; not found when the mailbox is off.
#[server(endpoint = "mailbox/list")]
pub async fn list_mailbox() -> Result<Vec<MailboxEntry>, AppError> {
    let mailbox = local_mailbox()?.ok_or(AppError::NotFound)?;
    mailbox.recent_emails().await.map_err(AppError::internal)
}

/// Fetches one email with its bodies; not found when the mailbox is off or no email has this id.
#[server(endpoint = "mailbox/email")]
pub async fn open_mailbox_email(id: String) -> Result<MailboxEmail, AppError> {
    let mailbox = local_mailbox()?.ok_or(AppError::NotFound)?;
    mailbox
        .email(id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)
}
