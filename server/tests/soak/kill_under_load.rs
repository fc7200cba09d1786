//! Rule: **a change the server acknowledged survives `kill -9`.** The real server binary runs
//! on a SQLite file or a fresh PostgreSQL database while several clients add contacts
//! (`contacts/add`) and sign up organizations (`sign_up`); the process is killed with SIGKILL
//! in the middle of that load, several times, and started again on the same database. Every
//! call answered 2xx must then be stored: its contact, or its organization's user and the
//! confirmation email written in the same transaction. Calls left without an answer (in flight
//! when the process died, or sent while it was down) may or may not have been stored; they are
//! counted, not judged.
//!
//! A process kill is what this proves, not a power cut: the operating system still writes
//! what the process handed it (SQLite runs with `synchronous = NORMAL` in WAL mode).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use entente_app::api::auth::SignUp;
use entente_app::api::contacts::AddContact;
use entente_app::api::session::CurrentUser;
use entente_server::store::Store;

use crate::databases::{Database, Engine, with_fresh_database};
use crate::requests::{self, Timed, browser};
use crate::server_process::{ServerOptions, ServerProcess, free_port};
use crate::support::engines::fetch_texts;
use crate::support::fixtures::PASSWORD;

/// Clients adding contacts at the same time, as one signed-in administrator.
const CONTACT_WRITERS: usize = 6;
/// Clients signing up organizations at the same time (each sign-up hashes a password, so
/// they are slower and fewer).
const SIGN_UP_WRITERS: usize = 2;
/// How many times the process is killed.
const KILLS: usize = 5;
/// How long the load runs before the first kill; each later kill waits 350 ms longer, so the
/// kills fall at different points of the requests.
const FIRST_LOAD: Duration = Duration::from_millis(1_200);
/// How long the load goes on after the last restart.
const LAST_LOAD: Duration = Duration::from_secs(2);
/// The whole scenario's limit, so a hang fails instead of stalling the suite.
const SCENARIO_LIMIT: Duration = Duration::from_secs(180);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "soak test: run by `cargo xtask soak`"]
async fn kill_9_under_load_loses_no_acknowledged_change_on_sqlite() {
    soak(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "soak test: run by `cargo xtask soak`"]
async fn kill_9_under_load_loses_no_acknowledged_change_on_postgres() {
    soak(Engine::Postgres).await;
}

async fn soak(engine: Engine) {
    let run = with_fresh_database(engine, |database| kill_under_load(engine, database));
    tokio::time::timeout(SCENARIO_LIMIT, run)
        .await
        .expect("the scenario finished within its time limit");
}

/// One write a client asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Write {
    /// A contact with this address, added to the first organization.
    Contact(String),
    /// A new organization whose first Administrator has this address.
    SignUp(String),
}

/// Every write asked for, sorted by what the server answered.
#[derive(Debug, Default)]
struct Ledger {
    /// Answered 2xx.
    acknowledged: Vec<Write>,
    /// Answered with an error status (the status and the body's start).
    refused: Vec<(Write, String)>,
    /// Never reached the server: the connection was refused while it was down.
    not_delivered: Vec<Write>,
    /// Sent, but no answer came: in flight when the process died.
    in_flight: Vec<(Write, String)>,
}

impl Ledger {
    fn record(&mut self, write: Write, timed: Timed) {
        match timed.outcome {
            Ok(answer) if answer.status.is_success() => self.acknowledged.push(write),
            Ok(answer) => {
                let start: String = answer.body.chars().take(120).collect();
                self.refused
                    .push((write, format!("{} {start}", answer.status.as_u16())));
            }
            Err(reason) if reason.starts_with("connect:") => self.not_delivered.push(write),
            Err(reason) => self.in_flight.push((write, reason)),
        }
    }

    fn requests(&self) -> usize {
        self.acknowledged.len()
            + self.refused.len()
            + self.not_delivered.len()
            + self.in_flight.len()
    }
}

async fn kill_under_load(engine: Engine, database: Database) {
    let options = ServerOptions {
        database_url: database.url.clone(),
        port: free_port(),
        folder: database.folder.clone(),
    };
    let (mut server, _) = ServerProcess::start(&options).await;
    let address = server.address.clone();

    let admin = browser();
    let signed_up = requests::call(
        &admin,
        &address,
        &SignUp {
            account_name: "Soak Kill Org".to_owned(),
            name: "First Admin".to_owned(),
            email: "admin@kill.soak.example".to_owned(),
            password: PASSWORD.to_owned(),
        },
    )
    .await
    .answered();
    assert!(signed_up.status.is_success(), "sign-up: {signed_up:?}");
    let _: CurrentUser = signed_up.output();

    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..CONTACT_WRITERS {
        let (ledger, stop, admin, address) = (
            Arc::clone(&ledger),
            Arc::clone(&stop),
            admin.clone(),
            address.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut sequence = 0_u32;
            while !stop.load(Ordering::Relaxed) {
                sequence += 1;
                let email = format!("c{writer}-{sequence}@kill.soak.example");
                let add = AddContact {
                    name: format!("Soak Contact {writer} {sequence}"),
                    email: email.clone(),
                };
                let timed = requests::call(&admin, &address, &add).await;
                pause_if_unanswered(&timed).await;
                ledger.lock().unwrap().record(Write::Contact(email), timed);
            }
        }));
    }
    for writer in 0..SIGN_UP_WRITERS {
        let (ledger, stop, address) = (Arc::clone(&ledger), Arc::clone(&stop), address.clone());
        writers.push(tokio::spawn(async move {
            let mut sequence = 0_u32;
            while !stop.load(Ordering::Relaxed) {
                sequence += 1;
                let email = format!("s{writer}-{sequence}@kill.soak.example");
                let sign_up = SignUp {
                    account_name: format!("Soak Org {writer} {sequence}"),
                    name: "Soak Admin".to_owned(),
                    email: email.clone(),
                    password: PASSWORD.to_owned(),
                };
                let timed = requests::call(&browser(), &address, &sign_up).await;
                pause_if_unanswered(&timed).await;
                ledger.lock().unwrap().record(Write::SignUp(email), timed);
            }
        }));
    }

    let mut restarts = Vec::new();
    let mut acknowledged_at_kills = Vec::new();
    for kill in 0..KILLS {
        let load = FIRST_LOAD + Duration::from_millis(350) * u32::try_from(kill).unwrap();
        tokio::time::sleep(load).await;
        acknowledged_at_kills.push(ledger.lock().unwrap().acknowledged.len());
        server.kill_9().await;
        let (restarted, took) = ServerProcess::start(&options).await;
        server = restarted;
        restarts.push(took.as_millis());
    }
    let before_last_load = ledger.lock().unwrap().acknowledged.len();
    tokio::time::sleep(LAST_LOAD).await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.expect("a writer finished");
    }
    let ledger = Arc::try_unwrap(ledger).unwrap().into_inner().unwrap();

    // The load ran between every two kills and went on after the last restart, with the
    // session signed in before the kills.
    let mut progress = acknowledged_at_kills.clone();
    progress.push(ledger.acknowledged.len());
    assert!(
        progress[0] > 0
            && progress.windows(2).all(|pair| pair[0] < pair[1])
            && ledger.acknowledged.len() > before_last_load,
        "acknowledged writes at each kill, then at the end: {progress:?} ({before_last_load} \
         at the last restart); refused: {:?}",
        ledger.refused.iter().take(5).collect::<Vec<_>>()
    );

    let store = Store::connect(&database.url)
        .await
        .expect("open the database to check it");
    let stored = Stored::read(&store).await;
    store.close().await;
    let lost: Vec<&Write> = ledger
        .acknowledged
        .iter()
        .filter(|write| !stored.holds(write))
        .collect();
    let in_flight_stored = ledger
        .in_flight
        .iter()
        .filter(|(write, _)| stored.holds(write))
        .count();
    let refused_stored = ledger
        .refused
        .iter()
        .filter(|(write, _)| stored.holds(write))
        .count();
    let not_delivered_stored = ledger
        .not_delivered
        .iter()
        .filter(|write| stored.holds(write))
        .count();
    let sign_ups = ledger
        .acknowledged
        .iter()
        .filter(|write| matches!(write, Write::SignUp(_)))
        .count();
    println!(
        "soak: kill -9 under load ({engine}): requests={requests}, kills={KILLS}, \
         acknowledged={acknowledged} ({contacts} contacts, {sign_ups} sign-ups), lost={lost}, \
         in_flight={in_flight} (stored {in_flight_stored}), not_delivered={not_delivered} \
         (stored {not_delivered_stored}), refused={refused} (stored {refused_stored}), \
         restart_ms={restarts:?}",
        engine = engine.label(),
        requests = ledger.requests(),
        acknowledged = ledger.acknowledged.len(),
        contacts = ledger.acknowledged.len() - sign_ups,
        lost = lost.len(),
        in_flight = ledger.in_flight.len(),
        not_delivered = ledger.not_delivered.len(),
        refused = ledger.refused.len(),
    );
    if !ledger.refused.is_empty() {
        println!(
            "soak: kill -9 under load ({}): first refusals: {:?}",
            engine.label(),
            ledger.refused.iter().take(3).collect::<Vec<_>>()
        );
    }
    assert!(
        lost.is_empty(),
        "{} acknowledged writes are missing after the kills: {:?}",
        lost.len(),
        lost.iter().take(10).collect::<Vec<_>>()
    );
    assert_eq!(
        not_delivered_stored, 0,
        "a write that never reached the server is stored"
    );
    server.kill_9().await;
}

/// While the server is down a client would spin on refused connections; it waits a little.
async fn pause_if_unanswered(timed: &Timed) {
    if timed.outcome.is_err() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What the database holds after the kills.
struct Stored {
    contacts: HashSet<String>,
    users: HashSet<String>,
    confirmation_emails: HashSet<String>,
}

impl Stored {
    async fn read(store: &Store) -> Stored {
        let set = |texts: Vec<String>| texts.into_iter().collect::<HashSet<_>>();
        Stored {
            contacts: set(
                fetch_texts(store, "SELECT email FROM contacts WHERE kind = 'contact'").await,
            ),
            users: set(fetch_texts(store, "SELECT email FROM users").await),
            confirmation_emails: set(fetch_texts(
                store,
                "SELECT recipient FROM email_outbox WHERE kind = 'email_verification'",
            )
            .await),
        }
    }

    /// Whether the write is stored whole: a contact, or a sign-up's user and its email.
    fn holds(&self, write: &Write) -> bool {
        match write {
            Write::Contact(email) => self.contacts.contains(email),
            Write::SignUp(email) => {
                self.users.contains(email) && self.confirmation_emails.contains(email)
            }
        }
    }
}
