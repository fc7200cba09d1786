//! Live pages: the open event streams of this instance ([`Hub`]) and who hears of each
//! committed change ([`audience`]).
//!
//! Changes arrive on the store's bus (`store::live`): committed on this instance, or on any
//! instance sharing the PostgreSQL database (LISTEN/NOTIFY). The hub reads each change once
//! (the audit entry it names, the shares or partners it concerns) and asks, for each open
//! stream it may concern, the same questions every read asks — may this person see this item,
//! this proof, this Partners tab — before it sends that stream an event saying only what they
//! may see. An idle stream costs no database work: nothing runs until a change arrives.

pub mod audience;
pub mod http;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use entente_app::api::session::CurrentUser;
use entente_app::live::LiveEvent;
use entente_core::UserId;
use tokio::sync::{broadcast, mpsc};
use tower_sessions::session::Id as SessionId;

use crate::store::Store;
use crate::store::live::Change;

/// How many events wait for a slow stream before it is closed (its tab reconnects and
/// refreshes: nothing is lost but the wait).
const STREAM_BUFFER: usize = 64;

/// The open streams of this instance; cheap to clone.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    per_user: usize,
    streams: Mutex<HashMap<u64, Stream>>,
    next_id: AtomicU64,
}

/// One open stream: whose, under which session, and where its events go.
struct Stream {
    user: CurrentUser,
    session: SessionId,
    sender: mpsc::Sender<LiveEvent>,
}

/// Why a stream was not opened.
#[derive(Debug, PartialEq, Eq)]
pub struct TooManyStreams;

/// An open stream: its events, and its place in the hub, given up when dropped (the browser
/// went away, the response ended).
pub struct Subscription {
    /// The events for this stream, `None` once the hub closed it.
    pub events: mpsc::Receiver<LiveEvent>,
    guard: Registration,
}

struct Registration {
    hub: Hub,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.streams().remove(&self.id);
    }
}

impl Subscription {
    /// Keeps the registration alive as long as the caller holds it (the response body).
    pub fn into_parts(self) -> (mpsc::Receiver<LiveEvent>, impl Send + Sync + 'static) {
        (self.events, self.guard)
    }
}

impl Hub {
    /// A hub with no streams yet, reading access facts from `store`, allowing `per_user`
    /// streams to one user at once.
    pub fn new(store: Store, per_user: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                per_user,
                streams: Mutex::new(HashMap::new()),
                next_id: AtomicU64::new(1),
            }),
        }
    }

    fn streams(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Stream>> {
        self.inner
            .streams
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// How many streams are open on this instance.
    pub fn len(&self) -> usize {
        self.streams().len()
    }

    /// Whether no stream is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Opens a stream for `user` signed in under `session`; its first event is
    /// [`LiveEvent::Connected`]. Refused when the user already holds as many as the hub allows
    /// (`entente_app::live::MAX_STREAMS_PER_USER` unless configured otherwise).
    pub fn open(
        &self,
        user: CurrentUser,
        session: SessionId,
    ) -> Result<Subscription, TooManyStreams> {
        let (sender, events) = mpsc::channel(STREAM_BUFFER);
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        {
            let mut streams = self.streams();
            let held = streams
                .values()
                .filter(|stream| stream.user.user_id == user.user_id)
                .count();
            if held >= self.inner.per_user {
                return Err(TooManyStreams);
            }
            // The buffer is empty: this cannot fail.
            let _ = sender.try_send(LiveEvent::Connected);
            streams.insert(
                id,
                Stream {
                    user,
                    session,
                    sender,
                },
            );
        }
        Ok(Subscription {
            events,
            guard: Registration {
                hub: self.clone(),
                id,
            },
        })
    }

    /// Ends every stream (at shutdown, so open responses finish and the server can stop).
    pub fn close_all(&self) {
        self.streams().clear();
    }

    /// Starts hearing every change on the store's bus from now on and passing it on.
    pub fn start(&self) {
        let changes = self.inner.store.bus().subscribe();
        tokio::spawn(self.clone().run(changes));
    }

    async fn run(self, mut changes: broadcast::Receiver<Change>) {
        loop {
            match changes.recv().await {
                Ok(change) => self.handle(change).await,
                // This instance fell behind: whatever it skipped, the pages refresh.
                Err(broadcast::error::RecvError::Lagged(skipped)) => {
                    tracing::warn!(skipped, "the live hub fell behind; every page refreshes");
                    self.handle(Change::Resync).await;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }

    /// Sends what `change` means to each stream that may hear of it.
    pub async fn handle(&self, change: Change) {
        let viewers = self.viewers();
        if viewers.is_empty() {
            return;
        }
        let store = &self.inner.store;
        let deliveries = match &change {
            Change::Sessions { user } => {
                self.recheck_sessions(*user).await;
                return;
            }
            _ => audience::deliveries(store, &change, &viewers).await,
        };
        match deliveries {
            Ok(deliveries) => self.send(deliveries),
            Err(error) => {
                // Reading who may see it failed: rather than guess, everyone refreshes.
                tracing::error!(%error, ?change, "could not decide who hears of a change");
                let everyone = viewers
                    .iter()
                    .map(|viewer| (viewer.stream, LiveEvent::Resync))
                    .collect();
                self.send(everyone);
            }
        }
    }

    /// Who holds each open stream, as it stood when the stream opened or was last checked.
    fn viewers(&self) -> Vec<audience::Viewer> {
        self.streams()
            .iter()
            .map(|(id, stream)| audience::Viewer {
                stream: *id,
                user: stream.user.clone(),
            })
            .collect()
    }

    /// Queues each event on its stream; a stream too slow to take it is closed (its tab
    /// reconnects and refreshes).
    fn send(&self, deliveries: Vec<(u64, LiveEvent)>) {
        let mut streams = self.streams();
        for (id, event) in deliveries {
            let Some(stream) = streams.get(&id) else {
                continue;
            };
            if stream.sender.try_send(event).is_err() {
                streams.remove(&id);
            }
        }
    }

    /// Checks the sessions of `user`'s open streams again: an ended one closes its stream; a
    /// living one takes the user as they are now (a new profile, say).
    async fn recheck_sessions(&self, user: UserId) {
        let sessions: Vec<(u64, SessionId)> = self
            .streams()
            .iter()
            .filter(|(_, stream)| stream.user.user_id == user)
            .map(|(id, stream)| (*id, stream.session))
            .collect();
        for (id, session) in sessions {
            match crate::auth::middleware::still_signed_in(&self.inner.store, session).await {
                Ok(Some(now)) => {
                    if let Some(stream) = self.streams().get_mut(&id) {
                        stream.user = now;
                    }
                }
                Ok(None) => {
                    self.streams().remove(&id);
                }
                Err(error) => {
                    // Unsure: end it; a living session reconnects at once.
                    tracing::warn!(%error, "could not check a live stream's session; ending it");
                    self.streams().remove(&id);
                }
            }
        }
    }
}
