//! Rule: **while the database is unreachable the service says so within seconds, and it comes
//! back by itself once the database does.** A server (in process) reaches PostgreSQL through
//! a proxy the test cuts, the two ways a database goes away ([`Cut`]): while cut, `/healthz`,
//! a signed-in page, a server function and a sign-in must each answer quickly (the pool waits
//! at most its acquire timeout, 5 s) with 503, never hang and never send a signed-in person to
//! sign in again; sign-in with the sentence of `AppError::Unavailable`. Once restored, the
//! health check, sign-in and the same page and function work again without a restart, and the
//! recovery is timed.

use std::net::{SocketAddr, ToSocketAddrs as _};
use std::time::{Duration, Instant};

use entente_app::api::auth::{SignIn, SignUp};
use entente_app::api::contacts::AddContact;
use entente_app::error::AppError;
use entente_server::store::Store;
use reqwest::StatusCode;

use crate::databases::{Database, Engine, with_fresh_database};
use crate::proxy::{Cut, Proxy};
use crate::requests::{self, Timed, browser, wait_for_health};
use crate::support::app::spawn_app;
use crate::support::fixtures::PASSWORD;

/// The longest a request may take to answer while the database is cut: the pool's acquire
/// timeout (5 s) once, and some margin for a loaded machine.
const QUICK_ANSWER: Duration = Duration::from_secs(8);
/// The longest the service may take to recover after the database is back.
const RECOVERY_LIMIT: Duration = Duration::from_secs(15);
/// The whole scenario's limit.
const SCENARIO_LIMIT: Duration = Duration::from_secs(150);

/// The sentence a person reads while the database is unreachable.
const UNAVAILABLE: &str = "The service is briefly unavailable. Try again in a moment.";

#[tokio::test(flavor = "current_thread")]
#[ignore = "soak test: run by `cargo xtask soak`"]
async fn database_refusing_connections_answers_503_quickly_and_recovers_without_restart() {
    soak(Cut::Refuse).await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "soak test: run by `cargo xtask soak`"]
async fn database_behind_a_silent_network_answers_503_quickly_and_recovers_without_restart() {
    soak(Cut::Blackhole).await;
}

async fn soak(cut: Cut) {
    let run = with_fresh_database(Engine::Postgres, |database| outage(cut, database));
    tokio::time::timeout(SCENARIO_LIMIT, run)
        .await
        .expect("the scenario finished within its time limit");
}

async fn outage(cut: Cut, database: Database) {
    database.migrated_store().await.close().await;
    let proxy = Proxy::start(postgres_address(&database.url)).await;
    let mut proxied = url::Url::parse(&database.url).expect("a database URL");
    proxied
        .set_port(Some(proxy.address.port()))
        .expect("a URL with a port");
    let store = Store::connect(proxied.as_str())
        .await
        .expect("connect through the proxy");
    let app = spawn_app(store).await;
    let address = app.address.clone();

    let admin = browser();
    let email = format!("admin-{}@outage.soak.example", label(cut).to_lowercase());
    let signed_up = requests::call(
        &admin,
        &address,
        &SignUp {
            account_name: "Soak Outage Org".to_owned(),
            name: "First Admin".to_owned(),
            email: email.clone(),
            password: PASSWORD.to_owned(),
        },
    )
    .await
    .answered();
    assert!(signed_up.status.is_success(), "{signed_up:?}");
    let contacts_page = format!("{address}/contacts");
    let healthy_page = requests::get(&admin, &contacts_page).await.answered();
    assert_eq!(healthy_page.status, StatusCode::OK, "{}", healthy_page.body);

    proxy.cut(cut);
    let cut_at = Instant::now();
    let healthz = format!("{address}/healthz");
    let (anonymous, during, signing_in) = (browser(), add_contact("during"), sign_in_form(&email));
    let (health, page, add, sign_in) = tokio::join!(
        requests::get(&anonymous, &healthz),
        requests::get(&admin, &contacts_page),
        requests::call(&admin, &address, &during),
        requests::call(&anonymous, &address, &signing_in),
    );
    let cut_for = cut_at.elapsed();

    proxy.restore();
    let restored_at = Instant::now();
    let recovery = wait_for_health(&address, StatusCode::OK, RECOVERY_LIMIT).await;
    let signed_in_again = requests::call(&browser(), &address, &sign_in_form(&email)).await;
    let page_again = requests::get(&admin, &contacts_page).await;
    let add_again = requests::call(&admin, &address, &add_contact("after")).await;
    let recovered_after = restored_at.elapsed();

    println!(
        "soak: database down ({}): cut for {} ms; healthz {}; signed-in page {}; \
         contacts/add {}; sign_in {}; recovery: healthz 200 after {} ms, sign_in {}, \
         page {}, contacts/add {}, all within {} ms, no restart",
        label(cut),
        cut_for.as_millis(),
        health.describe(),
        page.describe(),
        add.describe(),
        sign_in.describe(),
        recovery.map_or_else(|| "never".to_owned(), |took| took.as_millis().to_string()),
        signed_in_again.describe(),
        page_again.describe(),
        add_again.describe(),
        recovered_after.as_millis(),
    );

    let health = quick(health, "GET /healthz");
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE, "{health:?}");
    let sign_in = quick(sign_in, "sign_in");
    assert_eq!(
        sign_in.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{sign_in:?}"
    );
    assert_eq!(sign_in.app_error(), Some(AppError::Unavailable));
    assert_eq!(AppError::Unavailable.to_string(), UNAVAILABLE);
    // Signed-in requests: 503 too, not a sign-in page (the session cannot be read).
    for (what, answer) in [("the signed-in Contacts page", page), ("contacts/add", add)] {
        let answer = quick(answer, what);
        assert_eq!(
            answer.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{what} while the database is cut: {answer:?}"
        );
    }

    assert!(
        recovery.is_some(),
        "/healthz did not answer 200 within {RECOVERY_LIMIT:?} of the database's return"
    );
    for (what, answer) in [
        ("sign_in", signed_in_again),
        ("the Contacts page", page_again),
        ("contacts/add", add_again),
    ] {
        let answer = answer.answered();
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{what} after recovery: {answer:?}"
        );
    }
}

/// The answer, which must have come within [`QUICK_ANSWER`].
fn quick(timed: Timed, what: &str) -> requests::Answer {
    assert!(
        timed.elapsed <= QUICK_ANSWER,
        "{what} took {:?} with the database cut (limit {QUICK_ANSWER:?})",
        timed.elapsed
    );
    timed.answered()
}

fn label(cut: Cut) -> &'static str {
    match cut {
        Cut::Open => "open",
        Cut::Refuse => "refused",
        Cut::Blackhole => "blackhole",
    }
}

fn add_contact(when: &str) -> AddContact {
    AddContact {
        name: "Soak Outage Contact".to_owned(),
        email: format!("contact-{when}@outage.soak.example"),
    }
}

fn sign_in_form(email: &str) -> SignIn {
    SignIn {
        email: email.to_owned(),
        password: PASSWORD.to_owned(),
        next: None,
    }
}

/// The host and port of the PostgreSQL server in a database URL.
fn postgres_address(database_url: &str) -> SocketAddr {
    let url = url::Url::parse(database_url).expect("a database URL");
    let host = url.host_str().expect("a host in the database URL");
    (host, url.port().unwrap_or(5432))
        .to_socket_addrs()
        .expect("resolve the PostgreSQL host")
        .next()
        .expect("an address for the PostgreSQL host")
}
