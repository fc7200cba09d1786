//! Test databases for both engines, and the `both_engines!` macro that runs one suite on each.
//!
//! SQLite: a fresh file in a temporary folder, removed with it. PostgreSQL: a fresh
//! database `entente_test_<uuid>` on `ENTENTE_TEST_POSTGRES_URL` (default
//! [`DEFAULT_POSTGRES_URL`]), dropped afterwards even when the test body panics. Without a
//! reachable server the PostgreSQL variant prints a skip line and passes, unless
//! `ENTENTE_REQUIRE_POSTGRES=1`, in which case it fails.

use std::future::Future;
use std::io::Write as _;
use std::panic::AssertUnwindSafe;
use std::str::FromStr as _;
use std::time::Duration;

use entente_server::store::{Pool, Store};
use futures::FutureExt as _;
use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgConnection};

/// The administrative connection used when `ENTENTE_TEST_POSTGRES_URL` is not set.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// How long one test may take before it fails instead of hanging the whole run.
pub const TEST_TIME_LIMIT: Duration = Duration::from_secs(120);

/// Generates `mod sqlite` and `mod postgres`, each with one `#[tokio::test]` per function.
///
/// Each function receives a freshly migrated [`Store`] of its engine (with `unmigrated:` before
/// the functions, an empty one, for tests of the migrations themselves). Tests run on a
/// current-thread runtime: under heavy machine load we saw a server-side render in
/// `SsrMode::Async` wait forever on the two-worker runtime (never on one thread); database
/// concurrency stays real, since every task uses its own pooled connection. A test that
/// still exceeds [`TEST_TIME_LIMIT`] fails instead of hanging the run.
macro_rules! both_engines {
    (unmigrated: $($tests:tt)*) => {
        $crate::support::engines::both_engines!(@migrations false; $($tests)*);
    };
    (@migrations $migrate:expr; $(async fn $name:ident($store:ident: Store) $body:block)*) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test(flavor = "current_thread")]
                async fn $name() {
                    let run = $crate::support::engines::with_sqlite_store(
                        $migrate,
                        |$store: Store| async move $body,
                    );
                    tokio::time::timeout($crate::support::engines::TEST_TIME_LIMIT, run)
                        .await
                        .expect("the test finished within its time limit");
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[tokio::test(flavor = "current_thread")]
                async fn $name() {
                    let run = $crate::support::engines::with_postgres_store(
                        stringify!($name),
                        $migrate,
                        |$store: Store| async move $body,
                    );
                    tokio::time::timeout($crate::support::engines::TEST_TIME_LIMIT, run)
                        .await
                        .expect("the test finished within its time limit");
                }
            )*
        }
    };
    ($($tests:tt)*) => {
        $crate::support::engines::both_engines!(@migrations true; $($tests)*);
    };
}
pub(crate) use both_engines;

/// Runs `body` with a migrated store on a fresh SQLite file; the folder goes when it returns.
pub async fn with_sqlite<Body, Fut>(body: Body)
where
    Body: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    with_sqlite_store(true, body).await;
}

/// Runs `body` with a store on a fresh SQLite file, migrated when `migrate` is true.
pub async fn with_sqlite_store<Body, Fut>(migrate: bool, body: Body)
where
    Body: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let folder = tempfile::tempdir().expect("create a temporary folder");
    // A nested path also checks that `Store::connect` creates missing folders.
    let url = format!("sqlite://{}/data/entente.db", folder.path().display());
    let store = Store::connect(&url)
        .await
        .expect("open the SQLite test database");
    if migrate {
        store
            .migrate()
            .await
            .expect("migrate the SQLite test database");
    }
    body(store.clone()).await;
    store.close().await;
}

/// Runs `body` with a migrated store on a fresh PostgreSQL database, dropped afterwards.
///
/// The body runs under `catch_unwind`, so a failing assertion still drops the database
/// before the panic is resumed.
pub async fn with_postgres<Body, Fut>(test_name: &str, body: Body)
where
    Body: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    with_postgres_store(test_name, true, body).await;
}

/// Runs `body` with a store on a fresh PostgreSQL database, migrated when `migrate` is true,
/// and drops the database afterwards.
pub async fn with_postgres_store<Body, Fut>(test_name: &str, migrate: bool, body: Body)
where
    Body: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(database) = TestPostgresDatabase::create(test_name).await else {
        return;
    };
    let store = Store::connect(&database.url)
        .await
        .expect("open the PostgreSQL test database");
    let outcome = AssertUnwindSafe(async {
        if migrate {
            store
                .migrate()
                .await
                .expect("migrate the PostgreSQL test database");
        }
        body(store.clone()).await;
    })
    .catch_unwind()
    .await;
    store.close().await;
    database.drop_database().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// The administrative URL the PostgreSQL tests connect to.
pub fn admin_postgres_url() -> String {
    std::env::var("ENTENTE_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
}

/// A throw-away PostgreSQL database created for one test.
struct TestPostgresDatabase {
    admin: PgConnection,
    name: String,
    url: String,
}

impl TestPostgresDatabase {
    /// Creates the database, or returns `None` after printing a skip line when no server answers.
    async fn create(test_name: &str) -> Option<TestPostgresDatabase> {
        let admin_url = admin_postgres_url();
        let admin_options =
            PgConnectOptions::from_str(&admin_url).expect("ENTENTE_TEST_POSTGRES_URL is a URL");
        let connecting = PgConnection::connect_with(&admin_options);
        let mut admin = match tokio::time::timeout(Duration::from_secs(5), connecting).await {
            Ok(Ok(connection)) => connection,
            failure => {
                let reason = match failure {
                    Ok(Err(error)) => error.to_string(),
                    _ => "timed out".to_owned(),
                };
                if std::env::var("ENTENTE_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                    panic!("ENTENTE_REQUIRE_POSTGRES=1 but no PostgreSQL at {admin_url}: {reason}");
                }
                // Straight to the stderr handle: `eprintln!` output is captured for passing tests.
                let _ = writeln!(
                    std::io::stderr(),
                    "skipping PostgreSQL test {test_name}: no server at {admin_url}"
                );
                return None;
            }
        };
        let name = format!("entente_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create the PostgreSQL test database");
        let mut url = url::Url::parse(&admin_url).expect("ENTENTE_TEST_POSTGRES_URL is a URL");
        url.set_path(&name);
        Some(TestPostgresDatabase {
            admin,
            name,
            url: url.to_string(),
        })
    }

    /// Drops the database, disconnecting anything still attached to it.
    async fn drop_database(mut self) {
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut self.admin)
        .await
        .expect("drop the PostgreSQL test database");
        let _ = self.admin.close().await;
    }
}

/// Runs a query returning one integer on whichever engine the store uses (for checks only).
pub async fn fetch_count(store: &Store, sql: &str) -> i64 {
    let count = match store.pool() {
        Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    };
    count.unwrap_or_else(|error| panic!("{sql}: {error}"))
}

/// Runs a statement directly, bypassing the store's functions, and returns the raw driver error.
pub async fn execute_raw(store: &Store, sql: &str) -> Result<u64, sqlx::Error> {
    match store.pool() {
        Pool::Sqlite(pool) => sqlx::query(sql)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()),
        Pool::Postgres(pool) => sqlx::query(sql)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()),
    }
}

/// Runs a query returning one text column on whichever engine the store uses (for checks only).
pub async fn fetch_texts(store: &Store, sql: &str) -> Vec<String> {
    let texts = match store.pool() {
        Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
    };
    texts.unwrap_or_else(|error| panic!("{sql}: {error}"))
}
