//! The server's implementation of the services `entente-app` asks for, around the one store.

use entente_app::api::mailbox::port::MailboxService;
use entente_app::api::mailbox::{MailboxEmail, MailboxEntry};
use entente_app::api::services::{BackendResult, BoxFuture};
use entente_app::api::status::StatusReport;
use entente_app::api::status::port::Backend;

use crate::store::outbox::OutboxRecord;
use crate::store::{self, Store};

/// How many emails the developers' Mailbox lists.
const MAILBOX_LIST_LIMIT: i64 = 100;

/// The backend of the server functions: every call goes to the shared store.
pub struct StoreBackend {
    store: Store,
}

impl StoreBackend {
    /// Wraps the store opened at start-up.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl Backend for StoreBackend {
    fn service_status(&self) -> BoxFuture<'_, BackendResult<StatusReport>> {
        Box::pin(async move {
            let started = std::time::Instant::now();
            self.store.ping().await?;
            let database_micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            Ok(StatusReport { database_micros })
        })
    }
}

/// The developers' Mailbox: reads the outbox. Built only when `ENTENTE_DEV_MAILBOX` is on.
pub struct StoreMailbox {
    store: Store,
}

impl StoreMailbox {
    /// Wraps the store opened at start-up.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl MailboxService for StoreMailbox {
    fn recent_emails(&self) -> BoxFuture<'_, BackendResult<Vec<MailboxEntry>>> {
        Box::pin(async move {
            let records = store::outbox::list_recent(&self.store, MAILBOX_LIST_LIMIT).await?;
            Ok(records.iter().map(mailbox_entry).collect())
        })
    }

    fn email(&self, id: String) -> BoxFuture<'_, BackendResult<Option<MailboxEmail>>> {
        Box::pin(async move {
            let Ok(id) = uuid::Uuid::parse_str(&id) else {
                return Ok(None);
            };
            let record = store::outbox::get(&self.store, id).await?;
            Ok(record.map(|record| MailboxEmail {
                entry: mailbox_entry(&record),
                text_body: record.text_body,
                html_body: record.html_body,
                last_error: record.last_error,
            }))
        })
    }
}

fn mailbox_entry(record: &OutboxRecord) -> MailboxEntry {
    MailboxEntry {
        id: record.id.to_string(),
        to: record.recipient.clone(),
        subject: record.subject.clone(),
        kind: record.kind.as_str().to_owned(),
        created_at: record.created_at,
        sent_at: record.sent_at,
        attempts: record.attempts,
    }
}
