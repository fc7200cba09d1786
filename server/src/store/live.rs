//! What a committed change tells the open pages: [`Change`], published by the transaction
//! that causes it, and the [`Bus`] that carries it to every instance.
//!
//! A change is recorded on its [`Tx`](super::Tx) ([`Tx::publish`](super::Tx::publish)) and
//! leaves only if the transaction commits: on PostgreSQL as `pg_notify` inside the transaction
//! (PostgreSQL delivers it at commit, to every instance listening on the same database, this
//! one included, and never for a rollback); on SQLite (one instance) straight onto this
//! process's bus after the commit. [`start_listening`] is the PostgreSQL side's receiver: one
//! connection that waits (no query while nothing happens) and forwards what arrives.
//!
//! A change says *what* changed by id, never *to whom*: which open pages hear of it is decided
//! when it arrives, by the same access rules as every read (`crate::live`).

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

use entente_core::{AccountId, UserId};

use super::{Pool, Store};

/// The PostgreSQL channel every instance listens on.
pub const CHANNEL: &str = "entente_live";

/// How many changes the bus holds for a slow receiver before it skips ahead (and the pages
/// then refresh everything: [`Change::Resync`]).
const BUS_CAPACITY: usize = 1024;

/// A NOTIFY payload must stay under PostgreSQL's 8,000 bytes; a change is far smaller.
const MAX_PAYLOAD: usize = 7_900;

/// One committed change, as small as it can be: ids only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Change {
    /// An entry was written to an account's audit log: a partner request, a document, a
    /// share or a proof changed (the entry says which, typed).
    Audit {
        /// The entry's id.
        entry: Uuid,
    },
    /// The people of `account` changed (added, renamed, deactivated, reactivated): its
    /// partners' contacts changed.
    People {
        /// The account whose users changed.
        account: AccountId,
    },
    /// A partnership between these accounts formed or ended: their contacts changed.
    Contacts {
        /// The two accounts.
        accounts: [AccountId; 2],
    },
    /// A session of `user` may have ended (sign-out, deactivation, a new password): their open
    /// streams check theirs again.
    Sessions {
        /// The user.
        user: UserId,
    },
    /// Changes may have been missed (the listener lost its connection, a receiver fell
    /// behind): every page refreshes what it shows.
    Resync,
}

impl Change {
    /// The payload sent through `pg_notify`.
    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"t":"resync"}"#.to_owned())
    }

    /// A payload read back; one that does not parse asks for a full refresh rather than
    /// being lost.
    pub fn from_payload(payload: &str) -> Change {
        serde_json::from_str(payload).unwrap_or(Change::Resync)
    }
}

/// This process's channel of committed changes; cheap to clone.
#[derive(Debug, Clone)]
pub struct Bus {
    sender: broadcast::Sender<Change>,
}

impl Default for Bus {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(BUS_CAPACITY).0,
        }
    }
}

impl Bus {
    /// Hands `change` to this process's receivers (none listening is not an error: a command
    /// such as `seed-demo` has no open pages).
    pub fn deliver(&self, change: Change) {
        let _ = self.sender.send(change);
    }

    /// A receiver of every change delivered from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.sender.subscribe()
    }
}

/// Sends `changes` with `pg_notify` on `connection`: inside a transaction PostgreSQL holds them
/// until the commit and drops them on a rollback.
pub(super) async fn notify(
    connection: &mut sqlx::PgConnection,
    changes: &[Change],
) -> Result<(), sqlx::Error> {
    for change in changes {
        let payload = change.to_payload();
        debug_assert!(payload.len() < MAX_PAYLOAD);
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&mut *connection)
            .await?;
    }
    Ok(())
}

impl Store {
    /// This process's bus of committed changes.
    pub fn bus(&self) -> &Bus {
        &self.bus
    }

    /// Publishes a change that no transaction of ours caused (a session ended in the session
    /// store): at once on SQLite, through `pg_notify` on PostgreSQL so every instance hears it.
    pub async fn publish(&self, change: Change) -> Result<(), super::StoreError> {
        match &self.pool {
            Pool::Sqlite(_) => self.bus.deliver(change),
            Pool::Postgres(pool) => {
                let mut connection = pool.acquire().await?;
                notify(&mut connection, std::slice::from_ref(&change)).await?;
            }
        }
        Ok(())
    }
}

/// Starts forwarding every change any instance commits on `store`'s PostgreSQL database to
/// this process's bus, for as long as the process runs; does nothing on SQLite, whose changes
/// reach the bus directly. Returns once the first LISTEN is in place (or failed: it is then
/// retried in the background), so changes committed after it returns are heard. While the
/// connection is lost nothing arrives; once it is back the bus gets [`Change::Resync`], so open
/// pages refresh what they may have missed.
pub async fn start_listening(store: Store) {
    let Pool::Postgres(pool) = store.pool().clone() else {
        return;
    };
    let first = subscribe(&pool).await;
    tokio::spawn(async move {
        let mut listener = first;
        let mut retry = std::time::Duration::from_millis(200);
        loop {
            if let Some(mut connected) = listener.take() {
                retry = std::time::Duration::from_millis(200);
                forward(&mut connected, &store.bus).await;
            }
            tokio::time::sleep(retry).await;
            retry = (retry * 2).min(std::time::Duration::from_secs(10));
            listener = subscribe(&pool).await;
            if listener.is_some() {
                store.bus.deliver(Change::Resync);
            }
        }
    });
}

/// A connection listening on [`CHANNEL`], or `None` (logged) if it could not be made.
async fn subscribe(pool: &sqlx::PgPool) -> Option<sqlx::postgres::PgListener> {
    let mut listener = match sqlx::postgres::PgListener::connect_with(pool).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::warn!(%error, "could not connect to listen for live changes");
            return None;
        }
    };
    match listener.listen(CHANNEL).await {
        Ok(()) => Some(listener),
        Err(error) => {
            tracing::warn!(%error, "could not listen for live changes");
            None
        }
    }
}

/// Forwards notifications until the connection fails.
async fn forward(listener: &mut sqlx::postgres::PgListener, bus: &Bus) {
    loop {
        // `try_recv` answers `None` when the connection was lost (it reconnects on the next
        // call); anything sent meanwhile is gone, so the pages must refresh.
        match listener.try_recv().await {
            Ok(Some(notification)) => bus.deliver(Change::from_payload(notification.payload())),
            Ok(None) => bus.deliver(Change::Resync),
            Err(error) => {
                tracing::warn!(%error, "lost the live changes' connection");
                bus.deliver(Change::Resync);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_survives_its_payload_and_a_garbled_payload_asks_for_a_full_refresh() {
        let changes = [
            Change::Audit {
                entry: Uuid::from_u128(7),
            },
            Change::People {
                account: AccountId::from_uuid(Uuid::from_u128(8)),
            },
            Change::Sessions {
                user: UserId::from_uuid(Uuid::from_u128(9)),
            },
            Change::Contacts {
                accounts: [
                    AccountId::from_uuid(Uuid::from_u128(10)),
                    AccountId::from_uuid(Uuid::from_u128(11)),
                ],
            },
            Change::Resync,
        ];
        for change in changes {
            let payload = change.to_payload();
            assert!(payload.len() < MAX_PAYLOAD, "{payload}");
            assert_eq!(Change::from_payload(&payload), change);
        }
        assert_eq!(Change::from_payload("{not json"), Change::Resync);
        assert_eq!(Change::from_payload(r#"{"t":"unknown"}"#), Change::Resync);
    }
}
