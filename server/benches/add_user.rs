//! Adding a user at an organization with many partners (issue 11): the new user is copied to
//! every partner as a member in the same write transaction, so that transaction — the time
//! every other write waits on SQLite — must not grow with the number of partners.
//!
//! `cargo bench -p entente-server --bench add_user`. For each engine and each partner count a
//! fresh database is filled by `seed-bench` (`seed::seed_bench` with four rows per partner:
//! a quarter of its requests are partnerships), then an Administrator adds `ADDS` users one
//! after the other through the service the Users page calls (`StoreUsers::add_user`: the
//! user, the invitation token and email, the member copies). Each add is timed from the call
//! to its return; the write transaction is all of it but the token's generation. Printed as a
//! table; recorded in docs/benchmarks.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use entente_app::api::session::CurrentUser;
use entente_app::api::users::port::{NewUserForm, UsersService as _};
use entente_core::{AccountName, Email, PersonName, Profile};
use entente_server::mail::links::Links;
use entente_server::seed;
use entente_server::store::contacts::{self, Query};
use entente_server::store::{Store, users};
use entente_server::users::StoreUsers;

mod common;

/// Partner counts measured.
const PARTNERS: [u64; 3] = [1, 100, 1_000];
/// Users added per run.
const ADDS: usize = 20;

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        println!("| engine | partners | adds | median ms | slowest ms |");
        println!("|---|---:|---:|---:|---:|");
        common::on_each_engine(&PARTNERS, run).await
    })
}

async fn run(engine: &str, url: &str, partners: u64) -> anyhow::Result<()> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    seed::seed_bench(&store, partners * 4).await?;
    let admin = users::find_user_by_email(&store, &Email::parse(seed::BENCH_EMAIL)?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no bench administrator"))?;
    let actor = CurrentUser {
        user_id: admin.id,
        account_id: admin.account_id,
        account_name: AccountName::parse("Bench Org")?,
        name: admin.name.clone(),
        email: admin.email.clone(),
        profile: Profile::Administrator,
        organization_verified: true,
    };
    let links = Links::new(&url::Url::parse("http://127.0.0.1:3000")?)?;
    let service = StoreUsers::new(store.clone(), links, Arc::new(tokio::sync::Notify::new()));
    let mut times: Vec<Duration> = Vec::with_capacity(ADDS);
    for index in 0..ADDS {
        let form = NewUserForm {
            name: PersonName::parse(&format!("Added User {index}"))?,
            email: Email::parse(&format!("added{index}@bench.example"))?,
            profile: Profile::Standard,
        };
        let started = Instant::now();
        service
            .add_user(actor.clone(), form)
            .await
            .map_err(|error| anyhow::anyhow!("add user: {error}"))?;
        times.push(started.elapsed());
    }
    // The copies are there: the first partner sees every added user as a member.
    let partner =
        users::find_user_by_email(&store, &Email::parse("admin@partner-0000001.example")?)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no first partner"))?;
    let search = Query {
        search: Some("added".to_owned()),
        after: None,
        limit: 100,
    };
    let copies = contacts::list(&store, partner.account_id, search)
        .await?
        .rows
        .len();
    anyhow::ensure!(
        copies == ADDS,
        "the first partner has {copies} copies, not {ADDS}"
    );
    times.sort();
    let ms = |time: Duration| time.as_secs_f64() * 1000.0;
    println!(
        "| {engine} | {partners} | {ADDS} | {:.2} | {:.2} |",
        ms(times[ADDS / 2]),
        ms(times[ADDS - 1])
    );
    store.close().await;
    Ok(())
}
