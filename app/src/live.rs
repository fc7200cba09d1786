//! Live pages: the events the server streams to a signed-in tab ([`LiveEvent`], defined once
//! here for both sides), the counters pages add to their resources' sources so they refresh
//! when something they show changed ([`Live`]), and the notice that says what changed.
//!
//! The server decides who hears of what with the same access rules as every read
//! (`server/src/live`); an event carries what its receiver may see and nothing else. In the
//! browser one `EventSource` per tab (`gloo-net`) listens at [`LIVE_PATH`]; when it fails it
//! reconnects after a growing pause, and once back every counter moves, so each page refreshes
//! what it may have missed (nothing is replayed). Without JavaScript nothing here runs: the
//! pages are as they were.

use entente_core::ItemId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::activity::ActivityEntry;
use crate::pages::activity::sentences;

/// Where a signed-in tab opens its stream of events (server-sent events).
pub const LIVE_PATH: &str = "/live";

/// How many streams one user may hold open at once (tabs, windows) unless the server is told
/// otherwise (`ENTENTE_LIVE_STREAMS_PER_USER`); one more is refused with 429.
pub const MAX_STREAMS_PER_USER: usize = 8;

/// One thing an open page may want to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    /// The stream is open (sent first on every connection).
    Connected,
    /// Events may have been missed: refresh everything shown.
    Resync,
    /// A partner request of the organization changed (the Partners tab and its badge).
    Partners {
        /// What happened, as the organization's Activity page records it; `None` for the
        /// person who did it.
        notice: Option<ActivityEntry>,
    },
    /// The organization's contacts changed (a partnership formed or ended, a partner's
    /// people changed).
    Contacts,
    /// Something shared with the organization (or by it) changed.
    Shared {
        /// What happened, for those who may see the item now.
        notice: Option<ActivityEntry>,
    },
    /// A proof the receiver may see got a decision, a comment, a version or a change.
    Proof {
        /// The proof's file.
        file: ItemId,
        /// What happened.
        notice: Option<ActivityEntry>,
    },
}

impl LiveEvent {
    /// The event as one server-sent event's data.
    pub fn to_data(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"kind":"resync"}"#.to_owned())
    }

    /// The sentence its notice shows, if it has one.
    pub fn notice(&self) -> Option<String> {
        match self {
            LiveEvent::Partners { notice }
            | LiveEvent::Shared { notice }
            | LiveEvent::Proof { notice, .. } => notice
                .as_ref()
                .map(|entry| sentences::what(&entry.what, entry.who.as_ref())),
            LiveEvent::Connected | LiveEvent::Resync | LiveEvent::Contacts => None,
        }
    }
}

/// How long a notice stays, in milliseconds.
const NOTICE_MILLIS: u64 = 8_000;

/// The counters pages read; each moves when the server says its part changed.
#[derive(Clone, Copy)]
pub struct Live {
    partners: RwSignal<u32>,
    contacts: RwSignal<u32>,
    shared: RwSignal<u32>,
    proofs: RwSignal<(u32, Option<ItemId>)>,
    notices: RwSignal<Vec<(u32, String)>>,
    next_notice: StoredValue<u32>,
}

impl Live {
    fn new() -> Self {
        Self {
            partners: RwSignal::new(0),
            contacts: RwSignal::new(0),
            shared: RwSignal::new(0),
            proofs: RwSignal::new((0, None)),
            notices: RwSignal::new(Vec::new()),
            next_notice: StoredValue::new(0),
        }
    }

    /// Moves when the organization's partner requests changed (tracked: put it in a source).
    pub fn partners(self) -> u32 {
        self.partners.get()
    }

    /// Moves when the organization's contacts changed.
    pub fn contacts(self) -> u32 {
        self.contacts.get()
    }

    /// Moves when something shared with (or by) the organization changed.
    pub fn shared(self) -> u32 {
        self.shared.get()
    }

    /// A counter that moves only when the proof of the file `shown` names changed (or on a
    /// full refresh).
    pub fn proof(self, shown: impl Fn() -> Option<ItemId> + Send + Sync + 'static) -> Memo<u32> {
        Memo::new(move |previous: Option<&u32>| {
            let (count, changed) = self.proofs.get();
            match changed {
                Some(other) if Some(other) != shown() => previous.copied().unwrap_or(count),
                _ => count,
            }
        })
    }

    /// Moves when anything the work of the day shows changed.
    pub fn anything(self) -> u32 {
        self.partners
            .get()
            .wrapping_add(self.shared.get())
            .wrapping_add(self.proofs.get().0)
    }

    /// Applies one event from the server.
    pub fn apply(self, event: &LiveEvent, reconnected: bool) {
        let bump = |signal: RwSignal<u32>| signal.update(|count| *count = count.wrapping_add(1));
        match event {
            LiveEvent::Connected if !reconnected => {}
            LiveEvent::Connected | LiveEvent::Resync => {
                bump(self.partners);
                bump(self.contacts);
                bump(self.shared);
                self.proofs
                    .update(|(count, file)| (*count, *file) = (count.wrapping_add(1), None));
            }
            LiveEvent::Partners { .. } => bump(self.partners),
            LiveEvent::Contacts => bump(self.contacts),
            LiveEvent::Shared { .. } => bump(self.shared),
            LiveEvent::Proof { file, .. } => self.proofs.update(|(count, changed)| {
                (*count, *changed) = (count.wrapping_add(1), Some(*file))
            }),
        }
        if let Some(text) = event.notice() {
            self.show(text);
        }
    }

    /// Shows `text` for a few seconds.
    fn show(self, text: String) {
        let id = self.next_notice.get_value();
        self.next_notice.set_value(id.wrapping_add(1));
        self.notices.update(|notices| {
            // One change can be told twice (each organization's log has it): say it once.
            if notices.iter().any(|(_, shown)| *shown == text) {
                return;
            }
            notices.push((id, text));
            // A burst keeps the newest few, not a wall of them.
            if notices.len() > 3 {
                notices.remove(0);
            }
        });
        set_timeout(
            move || self.dismiss(id),
            std::time::Duration::from_millis(NOTICE_MILLIS),
        );
    }

    fn dismiss(self, id: u32) {
        self.notices
            .try_update(|notices| notices.retain(|(shown, _)| *shown != id));
    }
}

/// Creates the live counters for everything below the caller (the layout) and, in the browser,
/// keeps a stream open while someone is signed in.
pub fn provide_live() -> Live {
    let live = Live::new();
    provide_context(live);
    #[cfg(feature = "hydrate")]
    browser::keep_connected(live);
    live
}

/// The live counters provided by [`provide_live`]; a page rendered outside the layout (none
/// today) gets counters that never move.
pub fn use_live() -> Live {
    use_context::<Live>().unwrap_or_else(Live::new)
}

/// What changed, said politely to assistive technology and shown for a few seconds.
#[component]
pub fn LiveNotices() -> impl IntoView {
    let live = use_live();
    view! {
        <div class="live-notices" role="status" aria-live="polite" data-test="live-notices">
            <For
                each=move || live.notices.get()
                key=|(id, _)| *id
                children=move |(id, text)| {
                    view! {
                        <p class="live-notice">
                            <span>{text}</span>
                            <button
                                type="button"
                                aria-label="Dismiss"
                                on:click=move |_| live.dismiss(id)
                            >
                                "×"
                            </button>
                        </p>
                    }
                }
            />
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use futures::StreamExt as _;
    use gloo_net::eventsource::futures::EventSource;
    use leptos::prelude::*;
    use leptos::task::spawn_local;

    use super::{LIVE_PATH, Live, LiveEvent};
    use crate::components::auth::use_auth;

    /// The first pause before reconnecting, and the longest.
    const FIRST_RETRY_MILLIS: u64 = 1_000;
    const LONGEST_RETRY_MILLIS: u64 = 30_000;

    /// Opens the stream once someone is signed in and keeps it open while they are.
    pub fn keep_connected(live: Live) {
        let auth = use_auth();
        let signed_in = RwSignal::new(None);
        let started = StoredValue::new(false);
        Effect::new(move |_| {
            let user = auth.user.get().and_then(Result::ok).flatten();
            signed_in.set(user.map(|user| user.user_id));
            if signed_in.get_untracked().is_some() && !started.get_value() {
                started.set_value(true);
                spawn_local(run(live, signed_in, started));
            }
        });
    }

    /// Listens until the person signs out, reconnecting after a growing pause.
    async fn run(
        live: Live,
        signed_in: RwSignal<Option<entente_core::UserId>>,
        started: StoredValue<bool>,
    ) {
        let mut retry = FIRST_RETRY_MILLIS;
        let mut connected_before = false;
        while signed_in.get_untracked().is_some() {
            if let Ok(mut source) = EventSource::new(LIVE_PATH)
                && let Ok(mut messages) = source.subscribe("message")
            {
                while let Some(Ok((_, message))) = messages.next().await {
                    let Some(data) = message.data().as_string() else {
                        continue;
                    };
                    let Ok(event) = serde_json::from_str::<LiveEvent>(&data) else {
                        continue;
                    };
                    if event == LiveEvent::Connected {
                        retry = FIRST_RETRY_MILLIS;
                    }
                    live.apply(&event, connected_before);
                    connected_before = true;
                    if signed_in.get_untracked().is_none() {
                        break;
                    }
                }
                source.close();
            }
            sleep(retry).await;
            retry = (retry * 2).min(LONGEST_RETRY_MILLIS);
        }
        started.set_value(false);
    }

    /// Waits `millis` milliseconds.
    async fn sleep(millis: u64) {
        let (done, wait) = futures::channel::oneshot::channel::<()>();
        set_timeout(
            move || {
                let _ = done.send(());
            },
            std::time::Duration::from_millis(millis),
        );
        let _ = wait.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::activity::{ActivityActor, ActivityEvent};
    use entente_core::partnership::AuditKind;

    #[test]
    fn every_event_reads_back_from_its_data_and_only_changes_with_an_entry_have_a_notice() {
        let entry = ActivityEntry {
            at: 1,
            who: Some(ActivityActor {
                name: "Ann".to_owned(),
                organization: "Acme".to_owned(),
            }),
            what: ActivityEvent::Partner {
                kind: AuditKind::RequestAccepted,
                sender: "Globex".to_owned(),
                recipient: "Acme".to_owned(),
                email: "ann@acme.test".to_owned(),
            },
        };
        let file = ItemId::from_uuid(uuid::Uuid::from_u128(5));
        let events = [
            LiveEvent::Connected,
            LiveEvent::Resync,
            LiveEvent::Partners {
                notice: Some(entry.clone()),
            },
            LiveEvent::Contacts,
            LiveEvent::Shared { notice: None },
            LiveEvent::Proof {
                file,
                notice: Some(entry),
            },
        ];
        for event in &events {
            let back: LiveEvent = serde_json::from_str(&event.to_data()).expect("parses");
            assert_eq!(&back, event);
        }
        assert_eq!(
            events[2].notice().as_deref(),
            Some(
                "Acme accepted the partner invitation from Globex (sent to ann@acme.test): \
                 they are partners."
            )
        );
        assert_eq!(events[4].notice(), None);
        assert_eq!(events[0].notice(), None);
    }
}
