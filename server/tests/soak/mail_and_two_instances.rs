//! Rules: **two instances on one PostgreSQL database act as one service** (a session made on
//! one is signed in on the other; both mail workers share one outbox under leases), and
//! **every email goes out exactly once even when the SMTP server is down when it is written**
//! (it waits in the outbox and is retried with the worker's default backoff, then delivered
//! once the server is back).
//!
//! Both in-process servers run their own pool and their own mail worker with the product's
//! default [`WorkerSettings`](entente_server::mail::worker::WorkerSettings), pointed at a port
//! where nothing listens. Organizations sign up (a confirmation email each) and their
//! administrators add users (an invitation email each) through both instances; then the SMTP
//! sink starts on that port. The first retry comes 30 s after a failed attempt, so delivery
//! takes up to about 30 s once the server is back; the figures say how long it took.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use entente_app::api::users::AddUser;
use entente_core::Profile;
use entente_server::config::SmtpUrl;
use entente_server::startup::{self, AppState, MailWorker};
use entente_server::store::Store;
use entente_server::store::outbox::{self, OutboxRecord};

use crate::databases::{Database, Engine, with_fresh_database};
use crate::server_process::free_port;
use crate::smtp_sink::SmtpSink;
use crate::support::app::{TestApp, serve_args};

/// Organizations signed up, alternately on each instance.
const ORGANIZATIONS: usize = 12;
/// Users each organization's administrator adds, through the other instance.
const USERS_PER_ORGANIZATION: usize = 6;
/// How long every email may take to arrive once the SMTP server is up: the default backoff
/// retries 30 s after a first failure and 60 s after a second.
const DELIVERY_LIMIT: Duration = Duration::from_secs(150);
/// How long to keep listening after the last expected email, for a late duplicate.
const DUPLICATE_WATCH: Duration = Duration::from_secs(5);
/// The whole scenario's limit.
const SCENARIO_LIMIT: Duration = Duration::from_secs(240);

#[tokio::test(flavor = "current_thread")]
#[ignore = "soak test: run by `cargo xtask soak`"]
async fn two_instances_share_sessions_and_deliver_every_email_once_after_smtp_comes_back() {
    let run = with_fresh_database(Engine::Postgres, mail_soak);
    tokio::time::timeout(SCENARIO_LIMIT, run)
        .await
        .expect("the scenario finished within its time limit");
}

async fn mail_soak(database: Database) {
    let smtp_port = free_port();
    let first_store = database.migrated_store().await;
    let second_store = Store::connect(&database.url)
        .await
        .expect("a second pool on the same database");
    let (first, first_worker) = spawn_instance(first_store.clone(), smtp_port).await;
    let (second, second_worker) = spawn_instance(second_store, smtp_port).await;
    let instances = [&first, &second];

    let writing_started = Instant::now();
    let mut sessions_shared = 0;
    for number in 0..ORGANIZATIONS {
        let (here, there) = (instances[number % 2], instances[(number + 1) % 2]);
        let organization = here
            .sign_up_unverified(
                &format!("Soak Mail Org {number}"),
                &format!("admin{number}@mail.soak.example"),
            )
            .await;
        // The browser's cookie came from `here`; `there` must know the session.
        let seen_there = there
            .current_user(&organization.admin)
            .await
            .expect("the session made on one instance is signed in on the other");
        assert_eq!(seen_there.user_id, organization.admin_id);
        sessions_shared += 1;
        for user in 0..USERS_PER_ORGANIZATION {
            let add = AddUser {
                name: format!("Soak Invited {user}"),
                email: format!("user{user}.org{number}@mail.soak.example"),
                profile: Profile::Standard.as_str().to_owned(),
            };
            let instance = instances[(number + user) % 2];
            instance
                .call(&organization.admin, add)
                .await
                .expect("add a user");
        }
    }
    let written_in = writing_started.elapsed();
    let expected = ORGANIZATIONS * (1 + USERS_PER_ORGANIZATION);
    let written = outbox::list_recent(&first_store, 10_000)
        .await
        .expect("read the outbox");
    assert_eq!(written.len(), expected, "emails written");

    // Both workers try at once (they are woken by each commit) and fail: nothing listens.
    let tried = wait_until(Duration::from_secs(15), || async {
        let rows = outbox::list_recent(&first_store, 10_000).await.unwrap();
        rows.iter().all(|row| row.attempts >= 1).then_some(rows)
    })
    .await
    .expect("every email was tried while the SMTP server was down");
    let failed_attempts: i32 = tried.iter().map(|row| row.attempts).sum();
    assert!(tried.iter().all(|row| row.sent_at.is_none()));

    let sink = SmtpSink::start(smtp_port).await;
    let smtp_up = Instant::now();
    let delivered = wait_until(DELIVERY_LIMIT, || async {
        let rows = outbox::list_recent(&first_store, 10_000).await.unwrap();
        (rows.iter().all(|row| row.sent_at.is_some()) && sink.received().len() >= expected)
            .then_some(rows)
    })
    .await;
    let delivered_after = smtp_up.elapsed();
    tokio::time::sleep(DUPLICATE_WATCH).await;
    let received = sink.received();
    sink.stop().await;
    first_worker.stop().await;
    second_worker.stop().await;

    let all_sent = delivered.is_some();
    let rows = match delivered {
        Some(rows) => rows,
        None => outbox::list_recent(&first_store, 10_000).await.unwrap(),
    };
    let tally = Tally::of(&rows, &received);
    let attempts: Vec<i32> = rows.iter().map(|row| row.attempts).collect();
    println!(
        "soak: SMTP down then up, two instances: emails={expected} (written in {} ms through \
         2 instances, {sessions_shared} sessions used on the other instance), \
         failed_attempts_while_down={failed_attempts}, received={}, delivered={}, \
         duplicates={}, missing={}, unexpected={}, all delivered {} after SMTP came up \
         (default backoff: first retry 30 s after a failure), attempts per email {}..={}",
        written_in.as_millis(),
        received.len(),
        tally.delivered_once + tally.duplicated,
        tally.duplicates,
        tally.missing,
        tally.unexpected,
        if all_sent {
            format!("{} ms", delivered_after.as_millis())
        } else {
            format!("NOT within {} ms", DELIVERY_LIMIT.as_millis())
        },
        attempts.iter().min().unwrap_or(&0),
        attempts.iter().max().unwrap_or(&0),
    );
    assert!(all_sent, "not every email was sent: {rows:#?}");
    assert_eq!(tally.duplicates, 0, "emails received more than once");
    assert_eq!(tally.missing, 0, "emails never received");
    assert_eq!(
        tally.unexpected, 0,
        "emails received that were never written"
    );
    assert_eq!(tally.delivered_once, expected);
}

/// Serves the application around `store` on a free port, with the mail worker delivering to
/// `smtp://127.0.0.1:<smtp_port>` as `entente-server serve` starts it.
async fn spawn_instance(store: Store, smtp_port: u16) -> (TestApp, MailWorker) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let address = listener.local_addr().expect("a local address");
    let mut args = serve_args(address);
    args.smtp_url = Some(SmtpUrl(format!("smtp://127.0.0.1:{smtp_port}")));
    let state = AppState::new(&args, store.clone()).expect("the server's state");
    let worker = startup::start_mail_worker(&args, &state)
        .expect("a valid SMTP URL")
        .expect("SMTP_URL is set, so the worker runs");
    tokio::spawn(startup::serve(listener, state, std::future::pending()));
    let app = TestApp {
        address: format!("http://{address}"),
        client: reqwest::Client::new(),
        store,
    };
    (app, worker)
}

/// Polls `check` every 200 ms until it returns something, or `limit` passes.
async fn wait_until<T, Check, Fut>(limit: Duration, mut check: Check) -> Option<T>
where
    Check: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(found) = check().await {
            return Some(found);
        }
        if started.elapsed() > limit {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Which written emails arrived, and how often, by recipient and subject.
struct Tally {
    delivered_once: usize,
    duplicated: usize,
    /// Copies beyond the first.
    duplicates: usize,
    missing: usize,
    unexpected: usize,
}

impl Tally {
    fn of(written: &[OutboxRecord], received: &[crate::smtp_sink::ReceivedMessage]) -> Tally {
        let mut copies: HashMap<(String, String), usize> = written
            .iter()
            .map(|email| ((email.recipient.clone(), email.subject.clone()), 0))
            .collect();
        let mut unexpected = 0;
        for message in received {
            for recipient in &message.rcpt_tos {
                match copies.get_mut(&(recipient.clone(), message.subject.clone())) {
                    Some(count) => *count += 1,
                    None => unexpected += 1,
                }
            }
        }
        Tally {
            delivered_once: copies.values().filter(|count| **count == 1).count(),
            duplicated: copies.values().filter(|count| **count > 1).count(),
            duplicates: copies.values().map(|count| count.saturating_sub(1)).sum(),
            missing: copies.values().filter(|count| **count == 0).count(),
            unexpected,
        }
    }
}
