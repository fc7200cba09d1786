//! Live updates (issue 16): who hears of what, on both engines, through the real hub and the
//! real services (the access filtering: an event about an item or a proof never reaches someone
//! who cannot open it, and its notice names only what they may see), the `/live` stream over
//! HTTP (the Partners tab of the other side, the stream's end with its session, the per-user
//! limit), and two instances on one PostgreSQL delivering each other's changes.

use std::time::Duration;

use entente_app::api::activity::ActivityEvent;
use entente_app::api::auth::SignOut;
use entente_app::api::documents::port::DocumentsService as _;
use entente_app::api::session::CurrentUser;
use entente_app::api::sharing::port::{RecipientChoice, SharingService};
use entente_app::live::{LiveEvent, MAX_STREAMS_PER_USER};
use entente_core::documents::audit::DocumentAuditKind;
use entente_core::documents::{ItemName, ShareRole};
use entente_core::partnership::AuditKind;
use entente_core::proofs::Decision;
use entente_core::proofs::audit::ProofAuditKind;
use entente_server::live::{Hub, Subscription};
use entente_server::store::Store;
use entente_server::store::live::Change;
use reqwest::StatusCode;
use tokio::sync::mpsc;

use crate::proofs::{World, world};
use crate::support::app::TestApp;
use crate::support::both_engines;

/// How long a test waits for an event that must come.
const WAIT: Duration = Duration::from_secs(10);

/// One person's open stream on a hub, as the route would open it.
struct Listening {
    who: String,
    events: mpsc::Receiver<LiveEvent>,
    _registration: Box<dyn Send + Sync>,
}

impl Listening {
    fn open(hub: &Hub, user: &CurrentUser) -> Listening {
        let subscription: Subscription = hub
            .open(user.clone(), tower_sessions::session::Id::default())
            .expect("a stream");
        let (events, registration) = subscription.into_parts();
        Listening {
            who: user.name.as_str().to_owned(),
            events,
            _registration: Box::new(registration),
        }
    }

    /// The next event, which must come.
    async fn next(&mut self) -> LiveEvent {
        tokio::time::timeout(WAIT, self.events.recv())
            .await
            .unwrap_or_else(|_| panic!("{} heard nothing", self.who))
            .unwrap_or_else(|| panic!("{}'s stream ended", self.who))
    }

    /// Every event up to the next full refresh (the sentinel every stream hears): what this
    /// person heard of the changes before it.
    async fn until_resync(&mut self) -> Vec<LiveEvent> {
        let mut heard = Vec::new();
        loop {
            match self.next().await {
                LiveEvent::Resync => return heard,
                LiveEvent::Connected => {}
                event => heard.push(event),
            }
        }
    }
}

/// A hub on `store` hearing its changes, as `startup::serve` starts one (on PostgreSQL through
/// LISTEN, so what the tests check is what two instances would see).
async fn hub(store: &Store) -> Hub {
    entente_server::store::live::start_listening(store.clone()).await;
    let hub = Hub::new(store.clone(), MAX_STREAMS_PER_USER);
    hub.start();
    hub
}

/// Ends a round: every open stream hears a full refresh after everything committed before it
/// (published like a change, so on PostgreSQL it arrives after them).
async fn sentinel(store: &Store) {
    store.publish(Change::Resync).await.expect("published");
}

/// The notice an event carries, if any.
fn notice(event: &LiveEvent) -> Option<&ActivityEvent> {
    match event {
        LiveEvent::Partners { notice } | LiveEvent::Shared { notice } => {
            notice.as_ref().map(|entry| &entry.what)
        }
        LiveEvent::Proof { notice, .. } => notice.as_ref().map(|entry| &entry.what),
        _ => None,
    }
}

both_engines! {
    async fn an_item_shared_in_person_is_news_only_for_that_person_and_says_nothing_to_others(store: Store) {
        let w: World = world(store.clone()).await;
        let hub = hub(&store).await;
        let mut bea = Listening::open(&hub, &w.bea);
        let mut ben = Listening::open(&hub, &w.ben);
        let mut ian = Listening::open(&hub, &w.ian);
        let mut ann = Listening::open(&hub, &w.ann);
        sentinel(&store).await;
        for stream in [&mut bea, &mut ben, &mut ian, &mut ann] {
            stream.until_resync().await;
        }
        let file = w.upload(&w.sender, "brief.txt").await;
        w.sharing
            .share(w.sender.clone(), file, RecipientChoice::Person(w.bea.user_id), ShareRole::Viewer, false)
            .await
            .expect("shared with Bea");
        sentinel(&store).await;

        // Bea may open it: she hears of it, with the entry her organization's log has.
        let heard = bea.until_resync().await;
        assert!(
            heard.iter().any(|event| matches!(
                notice(event),
                Some(ActivityEvent::Document { name, kind: DocumentAuditKind::Shared { .. } })
                    if name.as_str() == "brief.txt"
            )),
            "{heard:?}"
        );
        // Ben, of the same organization, may not: his list refreshes, and nothing names it.
        let heard = ben.until_resync().await;
        assert_eq!(heard, vec![LiveEvent::Shared { notice: None }]);
        // Initech is no one's partner: it hears nothing at all.
        assert_eq!(ian.until_resync().await, Vec::<LiveEvent>::new());
        // Acme's own people: "Shared by us" refreshes, without a notice.
        assert_eq!(ann.until_resync().await, vec![LiveEvent::Shared { notice: None }]);

        // A file uploaded beside it is not shared: no one at Globex hears of it.
        w.upload(&w.sender, "private.txt").await;
        sentinel(&store).await;
        assert_eq!(bea.until_resync().await, Vec::<LiveEvent>::new());
        assert_eq!(ian.until_resync().await, Vec::<LiveEvent>::new());
    }

    async fn a_file_landing_in_a_shared_folder_is_news_for_those_the_folder_reaches(store: Store) {
        let w: World = world(store.clone()).await;
        let hub = hub(&store).await;
        let root = w.root(&w.sender).await;
        let folder = entente_server::documents::StoreDocuments::new(store.clone())
            .create_folder(w.sender.clone(), root, ItemName::parse("Campaign").unwrap())
            .await
            .expect("a folder");
        w.sharing
            .share(w.sender.clone(), folder, RecipientChoice::Account(w.globex.id), ShareRole::Viewer, false)
            .await
            .expect("shared with Globex");
        let mut bea = Listening::open(&hub, &w.bea);
        let mut ian = Listening::open(&hub, &w.ian);
        sentinel(&store).await;
        for stream in [&mut bea, &mut ian] {
            stream.until_resync().await;
        }
        w.upload_in(&w.sender, folder, "cover.pdf").await;
        sentinel(&store).await;
        let heard = bea.until_resync().await;
        assert!(
            heard.iter().any(|event| matches!(
                notice(event),
                Some(ActivityEvent::Document { name, .. }) if name.as_str() == "cover.pdf"
            )),
            "{heard:?}"
        );
        assert_eq!(ian.until_resync().await, Vec::<LiveEvent>::new());
    }

    async fn a_proof_s_decision_reaches_those_who_may_open_the_proof_and_no_one_else(store: Store) {
        let w: World = world(store.clone()).await;
        let hub = hub(&store).await;
        let proof = w.proof("catalogue.pdf", &[&w.bea], None).await;
        let mut sender = Listening::open(&hub, &w.sender);
        let mut bea = Listening::open(&hub, &w.bea);
        let mut ben = Listening::open(&hub, &w.ben);
        let mut ian = Listening::open(&hub, &w.ian);
        // What the sending did may still be on its way: hear it out first.
        sentinel(&store).await;
        for stream in [&mut sender, &mut bea, &mut ben, &mut ian] {
            stream.until_resync().await;
        }
        w.decide(&w.bea, proof, 1, Decision::ChangesRequired).await.expect("Bea decides");
        w.comment(&w.bea, proof, 1, "The logo is too small.", None, None).await.expect("Bea comments");
        sentinel(&store).await;

        // The sender hears both, each with its entry; never twice for one change.
        let heard = sender.until_resync().await;
        let kinds: Vec<&ProofAuditKind> = heard
            .iter()
            .filter_map(|event| match (event, notice(event)) {
                (LiveEvent::Proof { file, .. }, Some(ActivityEvent::Proof { kind, .. })) if *file == proof => Some(kind),
                _ => None,
            })
            .collect();
        assert!(matches!(kinds.as_slice(), [ProofAuditKind::Decided { decision: Decision::ChangesRequired, .. }, ProofAuditKind::Commented { .. }]), "{heard:?}");
        // Bea did it: her page refreshes, with no notice of her own doing.
        let heard = bea.until_resync().await;
        assert!(!heard.is_empty() && heard.iter().all(|event| matches!(event, LiveEvent::Proof { notice: None, .. })), "{heard:?}");
        // Ben of Globex is not named and nothing is shared with him; Ian is a stranger.
        assert_eq!(ben.until_resync().await, Vec::<LiveEvent>::new());
        assert_eq!(ian.until_resync().await, Vec::<LiveEvent>::new());
    }

    async fn the_other_side_s_partners_tab_hears_of_an_invitation_and_its_answer(store: Store) {
        let app = crate::support::app::spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let globex = app.sign_up("Globex Print", "gil@globex.example").await;
        let bystander = app.sign_up("Initech", "ian@initech.example").await;
        let mut globex_tab = Stream::open(&app, &globex.admin).await;
        let mut acme_tab = Stream::open(&app, &acme.admin).await;
        let mut initech_tab = Stream::open(&app, &bystander.admin).await;

        let request = app.invite(&acme, &globex).await;
        let heard = globex_tab.next().await;
        assert!(matches!(notice(&heard), Some(ActivityEvent::Partner { kind: AuditKind::RequestSent, .. })), "{heard:?}");
        // Acme's administrator sent it: their tab refreshes without telling them.
        assert_eq!(acme_tab.next().await, LiveEvent::Partners { notice: None });

        app.act(&globex.admin, "accept", &request).await;
        let mut heard = vec![acme_tab.next().await, acme_tab.next().await];
        heard.sort_by_key(|event| format!("{event:?}"));
        assert_eq!(heard[0], LiveEvent::Contacts, "{heard:?}");
        assert!(matches!(notice(&heard[1]), Some(ActivityEvent::Partner { kind: AuditKind::RequestAccepted, .. })), "{heard:?}");

        // Initech takes no part: the first thing it hears is its own invitation.
        app.invite(&acme, &bystander).await;
        let heard = initech_tab.next().await;
        assert!(matches!(notice(&heard), Some(ActivityEvent::Partner { kind: AuditKind::RequestSent, recipient, .. }) if recipient == "Initech"), "{heard:?}");
    }

    async fn a_stream_ends_with_its_session_and_a_visitor_gets_none(store: Store) {
        let app = crate::support::app::spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let mut tab = Stream::open(&app, &acme.admin).await;
        app.call(&acme.admin, SignOut {}).await.expect("sign out");
        assert_eq!(tab.end().await, None, "the stream ended with the session");
        let refused = acme.admin.get(app.url("/live")).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }

    async fn one_person_holds_at_most_a_few_streams_at_once(store: Store) {
        let app = crate::support::app::spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        let mut open = Vec::new();
        for _ in 0..MAX_STREAMS_PER_USER {
            open.push(Stream::open(&app, &acme.admin).await);
        }
        let refused = acme.admin.get(app.url("/live")).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(refused.text().await.unwrap().contains("close some tabs"));
        // Closing one makes room again (the hub forgets a stream once its response is gone).
        drop(open.pop());
        let mut reopened = None;
        for _ in 0..50 {
            let response = acme.admin.get(app.url("/live")).send().await.unwrap();
            if response.status() == StatusCode::OK {
                reopened = Some(response);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(reopened.is_some(), "a closed stream made room for another");
    }
}

/// A `GET /live` stream read as a browser's EventSource reads it.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    /// Opens `client`'s stream and reads its first event, [`LiveEvent::Connected`].
    async fn open(app: &TestApp, client: &reqwest::Client) -> Stream {
        let response = client
            .get(app.url("/live"))
            .send()
            .await
            .expect("the stream");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .map(|value| value.to_str().unwrap()),
            Some("text/event-stream")
        );
        let mut stream = Stream {
            response,
            buffer: String::new(),
        };
        assert_eq!(stream.next().await, LiveEvent::Connected);
        stream
    }

    /// The next event, which must come.
    async fn next(&mut self) -> LiveEvent {
        self.end().await.expect("the stream is still open")
    }

    /// The next event, or `None` once the server ended the stream.
    async fn end(&mut self) -> Option<LiveEvent> {
        loop {
            if let Some(at) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..at + 2).collect();
                let data: String = block
                    .lines()
                    .filter_map(|line| line.strip_prefix("data:"))
                    .map(str::trim_start)
                    .collect();
                if data.is_empty() {
                    continue; // a keep-alive comment
                }
                return Some(serde_json::from_str(&data).expect("an event the app defines"));
            }
            let chunk = tokio::time::timeout(WAIT, self.response.chunk())
                .await
                .expect("the stream said something in time")
                .ok()??;
            self.buffer
                .push_str(std::str::from_utf8(&chunk).expect("text"));
        }
    }
}

/// Two instances on one PostgreSQL: a change caused on one reaches a stream on the other.
#[tokio::test(flavor = "current_thread")]
async fn two_instances_on_one_postgresql_deliver_each_other_s_changes() {
    crate::support::engines::with_postgres("live_two_instances", |store: Store| async move {
        let run = async {
            let first = crate::support::app::spawn_app(store.clone()).await;
            // The second instance: its own bus, hub and listener, the same database.
            let second_store = Store::from_pool(store.pool().clone());
            let second = crate::support::app::spawn_app(second_store).await;
            let acme = first.sign_up("Acme Studio", "ada@acme.example").await;
            let globex = first.sign_up("Globex Print", "gil@globex.example").await;
            // Globex's administrator has the Partners tab open on the second instance (their
            // session cookie works on both: the sessions are in the database).
            let mut globex_tab = Stream::open(&second, &globex.admin).await;
            first.invite(&acme, &globex).await;
            let heard = globex_tab.next().await;
            assert!(
                matches!(
                    notice(&heard),
                    Some(ActivityEvent::Partner {
                        kind: AuditKind::RequestSent,
                        ..
                    })
                ),
                "{heard:?}"
            );
            // And the other way round: caused on the second, heard on the first.
            let mut acme_tab = Stream::open(&first, &acme.admin).await;
            let request = second.request_with(&globex.admin, "Acme Studio").await;
            second.act(&globex.admin, "accept", &request).await;
            let mut heard = vec![acme_tab.next().await, acme_tab.next().await];
            heard.sort_by_key(|event| format!("{event:?}"));
            assert_eq!(heard[0], LiveEvent::Contacts, "{heard:?}");
            assert!(
                matches!(
                    notice(&heard[1]),
                    Some(ActivityEvent::Partner {
                        kind: AuditKind::RequestAccepted,
                        ..
                    })
                ),
                "{heard:?}"
            );
        };
        tokio::time::timeout(crate::support::engines::TEST_TIME_LIMIT, run)
            .await
            .expect("the test finished within its time limit");
    })
    .await;
}
