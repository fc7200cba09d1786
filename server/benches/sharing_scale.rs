//! Sharing at scale (issue 14, deliver 7): listing "Shared with us" and opening a shared item
//! cost the same with 10 shares as with 100,000 in the database, on SQLite and PostgreSQL
//! (a full page of 50 from 1,000 on: compare 1,000 with 100,000).
//!
//! `cargo bench -p entente-server --bench sharing_scale` (PostgreSQL from
//! `ENTENTE_TEST_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`; skipped
//! with one line when none answers). For each engine and size it builds a fresh database: Acme
//! shares `n` files with its partner Globex (all of them reaching Globex's administrator, the
//! hardest case for the list), plus a folder 20 levels deep with a file at the bottom; then it
//! times, through the same services the pages call, the first page of Shared with us, the page
//! after it, and opening the deep file (the ancestry and its shares), and prints the median and
//! the 99th percentile of 200 calls each. The figures are recorded in docs/benchmarks.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use entente_app::api::documents::port::DocumentsService as _;
use entente_app::api::session::CurrentUser;
use entente_app::api::sharing::port::SharingService as _;
use entente_core::partnership::Action;
use entente_core::{AccountName, Email, ItemId, PersonName, Profile, Timestamp, UserId};
use entente_server::documents::StoreDocuments;
use entente_server::documents::sharing::StoreSharing;
use entente_server::mail::links::Links;
use entente_server::partners::Partners;
use entente_server::store::accounts::{self, NewAccount};
use entente_server::store::{Pool, Store, documents, users};

mod common;

const SIZES: [usize; 3] = [10, 1_000, 100_000];
const CALLS: usize = 200;
const DEPTH: usize = 20;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    println!(
        "| engine | shares in the database | Shared with us, first page | next page | open a file 20 folders deep |"
    );
    println!("|---|---:|---:|---:|---:|");
    common::on_each_engine(&SIZES, run).await
}

/// Builds the data for `size` shares on `url`, times the three reads and prints one row.
async fn run(engine: &str, url: &str, size: usize) -> anyhow::Result<()> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let world = build(&store, size).await?;
    let links = Links::new(&url::Url::parse("http://127.0.0.1:3000")?)?;
    let sharing = StoreSharing::new(store.clone(), links, Arc::new(tokio::sync::Notify::new()));
    let documents = StoreDocuments::new(store.clone());

    let first = time(|| async {
        let page = sharing
            .shared_with_us(world.viewer.clone(), None, None)
            .await
            .expect("Shared with us");
        assert!(!page.entries.is_empty());
    })
    .await;
    let token = sharing
        .shared_with_us(world.viewer.clone(), None, None)
        .await?
        .next;
    let next = match token {
        Some(token) => Some(
            time(|| async {
                sharing
                    .shared_with_us(world.viewer.clone(), None, Some(token.clone()))
                    .await
                    .expect("the next page");
            })
            .await,
        ),
        None => None,
    };
    let open = time(|| async {
        documents
            .file(world.viewer.clone(), world.deep_file)
            .await
            .expect("the deep file");
    })
    .await;
    println!(
        "| {engine} | {size} | {} | {} | {} |",
        figure(first),
        next.map_or_else(|| "(one page)".to_owned(), figure),
        figure(open),
    );
    store.close().await;
    Ok(())
}

/// Median and 99th percentile of [`CALLS`] calls, after 10 to warm up.
async fn time<F, Fut>(call: F) -> (Duration, Duration)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..10 {
        call().await;
    }
    let mut took = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        call().await;
        took.push(started.elapsed());
    }
    took.sort();
    (took[CALLS / 2], took[CALLS * 99 / 100])
}

fn figure((median, p99): (Duration, Duration)) -> String {
    format!(
        "{:.2} ms (p99 {:.2} ms)",
        median.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    )
}

struct World {
    viewer: CurrentUser,
    deep_file: ItemId,
}

/// Acme and Globex, partners; `size` files of Acme's each shared with Globex; a file 20
/// folders deep whose top folder is shared with Globex.
async fn build(store: &Store, size: usize) -> anyhow::Result<World> {
    let now = Timestamp(1_800_000_000);
    let mut tx = store.begin_write().await?;
    let mut admins = Vec::new();
    for (name, email) in [
        ("Acme Studio", "ada@acme.example"),
        ("Globex Print", "gil@globex.example"),
    ] {
        let account = NewAccount {
            account_name: AccountName::parse(name)?,
            admin_name: PersonName::parse("First Admin")?,
            admin_email: Email::parse(email)?,
            password_hash: None,
        };
        let (account_id, admin_id) =
            accounts::create_account_with_admin(&mut tx, &account, now).await?;
        accounts::mark_verified(&mut tx, account_id, account.admin_email.domain(), now).await?;
        admins.push((account_id, admin_id));
    }
    let (acme, acme_admin) = admins[0];
    let (globex, globex_admin) = admins[1];
    let root = documents::ensure_root(&mut tx, acme, acme_admin, now).await?;
    tx.commit().await?;
    let links = Links::new(&url::Url::parse("http://127.0.0.1:3000")?)?;
    let partners = Partners::new(store.clone(), links, Arc::new(tokio::sync::Notify::new()));
    let request = partners
        .send(acme_admin, &Email::parse("gil@globex.example")?, now)
        .await
        .map_err(|error| anyhow::anyhow!("invite: {error}"))?;
    partners
        .act(globex_admin, Action::Accept, request.id(), now)
        .await
        .map_err(|error| anyhow::anyhow!("accept: {error}"))?;

    // The flat files, each shared with Globex, in batches.
    let ids: Vec<ItemId> = (0..size)
        .map(|_| ItemId::from_uuid(uuid::Uuid::new_v4()))
        .collect();
    for (batch, chunk) in ids.chunks(500).enumerate() {
        let items: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(n, id)| {
                let name = format!("file-{}.txt", batch * 500 + n);
                file_row(*id, acme, root, &name, acme_admin, now.0)
            })
            .collect();
        execute(
            store,
            &format!("INSERT INTO items ({ITEMS}) VALUES {}", items.join(", ")),
        )
        .await?;
        let shares: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(n, id)| {
                share_row(
                    *id,
                    acme,
                    globex,
                    acme_admin,
                    now.0 - (batch * 500 + n) as i64,
                )
            })
            .collect();
        execute(
            store,
            &format!("INSERT INTO shares ({SHARES}) VALUES {}", shares.join(", ")),
        )
        .await?;
    }
    // A chain of folders with a file at the bottom; the top one shared.
    let mut parent = root;
    let mut top = None;
    for level in 0..DEPTH {
        let folder = ItemId::from_uuid(uuid::Uuid::new_v4());
        execute(
            store,
            &format!(
                "INSERT INTO items (id, account_id, parent_id, kind, name, name_key, created_by, \
                 created_at, updated_at) VALUES ('{folder}', '{acme}', '{parent}', 'folder', \
                 'level {level}', 'level {level}', '{acme_admin}', {t}, {t})",
                t = now.0
            ),
        )
        .await?;
        top.get_or_insert(folder);
        parent = folder;
    }
    let deep_file = ItemId::from_uuid(uuid::Uuid::new_v4());
    execute(
        store,
        &format!(
            "INSERT INTO items ({ITEMS}) VALUES {}",
            file_row(deep_file, acme, parent, "deep.txt", acme_admin, now.0)
        ),
    )
    .await?;
    let top = top.expect("a folder");
    execute(
        store,
        &format!(
            "INSERT INTO shares ({SHARES}) VALUES {}",
            share_row(top, acme, globex, acme_admin, now.0 + 1)
        ),
    )
    .await?;
    execute(store, "ANALYZE").await?;

    let gil = users::get_user(store, globex_admin)
        .await?
        .expect("Globex's administrator");
    let viewer = CurrentUser {
        user_id: gil.id,
        account_id: globex,
        account_name: AccountName::parse("Globex Print")?,
        name: gil.name,
        email: gil.email,
        profile: Profile::Administrator,
        organization_verified: true,
    };
    Ok(World { viewer, deep_file })
}

const ITEMS: &str = "id, account_id, parent_id, kind, name, name_key, created_by, created_at, \
     updated_at, size, content_type, version_count";
const SHARES: &str = "id, item_id, account_id, recipient_account_id, recipient_user_id, \
     recipient_key, role, downloads, created_by, created_at, updated_at";

fn file_row(
    id: ItemId,
    account: entente_core::AccountId,
    parent: ItemId,
    name: &str,
    by: UserId,
    at: i64,
) -> String {
    format!(
        "('{id}', '{account}', '{parent}', 'file', '{name}', '{name}', '{by}', {at}, {at}, 100, \
         'text/plain', 1)"
    )
}

fn share_row(
    item: ItemId,
    owner: entente_core::AccountId,
    recipient: entente_core::AccountId,
    by: UserId,
    at: i64,
) -> String {
    let id = uuid::Uuid::new_v4();
    format!(
        "('{id}', '{item}', '{owner}', '{recipient}', NULL, '', 'viewer', TRUE, '{by}', {at}, {at})"
    )
}

/// Runs `sql` on the pool (each statement commits by itself: a bench set-up, not a change a
/// person makes).
async fn execute(store: &Store, sql: &str) -> anyhow::Result<()> {
    match store.pool() {
        Pool::Sqlite(pool) => {
            sqlx::query(sql).execute(pool).await?;
        }
        Pool::Postgres(pool) => {
            sqlx::query(sql).execute(pool).await?;
        }
    }
    Ok(())
}
