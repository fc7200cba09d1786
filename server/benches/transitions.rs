//! Partner transitions per second (issue 11): how many partner-request transitions the server
//! commits per second on each engine, each one a whole transaction as the Partners tab makes
//! it (the request, contact sync both ways, audit entries for both sides, emails in the outbox,
//! the live change).
//!
//! `cargo bench -p entente-server --bench transitions`. For each engine a fresh database holds
//! `PAIRS` pairs of organizations (verified, one administrator each, written directly); then
//! 1, 2 or 8 tasks (`WORKERS`, one run each) on a multi-threaded runtime take pairs from a shared counter and run, through
//! `partners::Partners` (the service the Partners tab calls): the invitation, its acceptance
//! (a partnership: each side's users become the other's members) and the sender's Delete
//! (the partnership ends). Three transitions per pair; the figure is their number over the
//! wall time. Distinct pairs never wait on one another's rows, but every write transaction
//! waits for SQLite's one writer, and on PostgreSQL for the locks it takes. Recorded in
//! docs/benchmarks.md.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use entente_core::partnership::Action;
use entente_core::{AccountName, Email, PersonName, Timestamp, UserId};
use entente_server::mail::links::Links;
use entente_server::partners::Partners;
use entente_server::store::Store;
use entente_server::store::accounts::{self, NewAccount};

mod common;

const PAIRS: usize = 600;
/// How many tasks make transitions at once, one run each.
const WORKERS: [usize; 3] = [1, 2, 8];

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        println!("| engine | at once | transitions | wall time | transitions per second |");
        println!("|---|---:|---:|---:|---:|");
        common::on_each_engine(&WORKERS, run).await
    })
}

async fn run(engine: &str, url: &str, workers: usize) -> anyhow::Result<()> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let pairs = Arc::new(organizations(&store).await?);
    let links = Links::new(&url::Url::parse("http://127.0.0.1:3000")?)?;
    let partners = Arc::new(Partners::new(
        store.clone(),
        links,
        Arc::new(tokio::sync::Notify::new()),
    ));
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let (pairs, partners, next) = (pairs.clone(), partners.clone(), next.clone());
            tokio::spawn(async move {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(pair) = pairs.get(index) else {
                        return Ok::<_, anyhow::Error>(());
                    };
                    cycle(&partners, pair).await?;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    let took = started.elapsed();
    let transitions = PAIRS * 3;
    println!(
        "| {engine} | {workers} | {transitions} | {:.2} s | {:.0} |",
        took.as_secs_f64(),
        transitions as f64 / took.as_secs_f64()
    );
    store.close().await;
    Ok(())
}

/// One pair: the sender's administrator, the recipient's and the recipient's address.
struct Pair {
    sender: UserId,
    recipient: UserId,
    address: Email,
}

/// Invite, accept, delete: three transitions.
async fn cycle(partners: &Partners, pair: &Pair) -> anyhow::Result<()> {
    let now = Timestamp(1_800_000_000);
    let request = partners
        .send(pair.sender, &pair.address, now)
        .await
        .map_err(|error| anyhow::anyhow!("invite: {error}"))?;
    partners
        .act(pair.recipient, Action::Accept, request.id(), now)
        .await
        .map_err(|error| anyhow::anyhow!("accept: {error}"))?;
    partners
        .act(pair.sender, Action::Delete, request.id(), now)
        .await
        .map_err(|error| anyhow::anyhow!("delete: {error}"))?;
    Ok(())
}

/// `PAIRS` pairs of verified organizations, each with its administrator.
async fn organizations(store: &Store) -> anyhow::Result<Vec<Pair>> {
    let now = Timestamp(1_800_000_000);
    let mut tx = store.begin_write().await?;
    let mut pairs = Vec::with_capacity(PAIRS);
    for index in 0..PAIRS {
        let mut admins = Vec::new();
        for side in ["sender", "recipient"] {
            let account = NewAccount {
                account_name: AccountName::parse(&format!("Org {side} {index}"))?,
                admin_name: PersonName::parse("First Admin")?,
                admin_email: Email::parse(&format!("admin@{side}{index}.example"))?,
                password_hash: None,
            };
            let (account_id, admin_id) =
                accounts::create_account_with_admin(&mut tx, &account, now).await?;
            accounts::mark_verified(&mut tx, account_id, account.admin_email.domain(), now).await?;
            admins.push((admin_id, account.admin_email));
        }
        let (recipient, address) = admins.pop().expect("two");
        let (sender, _) = admins.pop().expect("two");
        pairs.push(Pair {
            sender,
            recipient,
            address,
        });
    }
    tx.commit().await?;
    Ok(pairs)
}
