//! Fresh databases for the soak tests, by URL (a child process opens them too): a SQLite file
//! in a temporary folder, or a PostgreSQL database `entente_soak_<uuid>` dropped afterwards.
//!
//! Unlike the regular tests, a soak test fails when PostgreSQL does not answer: it runs on
//! purpose, never in CI, and a skipped scenario would print no figures.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::str::FromStr as _;
use std::time::Duration;

use entente_server::store::Store;
use futures::FutureExt as _;
use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgConnection};

use crate::support::engines::admin_postgres_url;

/// The two engines a scenario can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL database.
    Postgres,
}

impl Engine {
    /// The engine's name in the figures.
    pub fn label(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// Runs `body` with a fresh, empty database of `engine` (not migrated: the server binary
/// migrates at start-up), then removes it, even when `body` panics.
pub async fn with_fresh_database<Body, Fut>(engine: Engine, body: Body)
where
    Body: FnOnce(Database) -> Fut,
    Fut: Future<Output = ()>,
{
    let fresh = FreshDatabase::create(engine).await;
    let database = Database {
        url: fresh.url.clone(),
        folder: fresh.folder.path().to_path_buf(),
    };
    let outcome = AssertUnwindSafe(body(database)).catch_unwind().await;
    fresh.remove().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Where a scenario's database is.
#[derive(Debug, Clone)]
pub struct Database {
    /// The URL the server and the checks connect to.
    pub url: String,
    /// A temporary folder of the scenario's own: the SQLite file, the server's data and log.
    pub folder: PathBuf,
}

impl Database {
    /// Opens a pool on the database and applies the migrations (for in-process servers).
    pub async fn migrated_store(&self) -> Store {
        let store = Store::connect(&self.url)
            .await
            .expect("open the soak database");
        store.migrate().await.expect("migrate the soak database");
        store
    }
}

/// A database made for one scenario; [`FreshDatabase::remove`] deletes it.
struct FreshDatabase {
    url: String,
    folder: tempfile::TempDir,
    /// The PostgreSQL database's name, to drop it.
    postgres_name: Option<String>,
}

impl FreshDatabase {
    async fn create(engine: Engine) -> FreshDatabase {
        let folder = tempfile::tempdir().expect("create a temporary folder");
        match engine {
            Engine::Sqlite => FreshDatabase {
                url: format!("sqlite://{}/entente.db", folder.path().display()),
                folder,
                postgres_name: None,
            },
            Engine::Postgres => {
                let name = format!("entente_soak_{}", uuid::Uuid::new_v4().simple());
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin_connection().await)
                    .await
                    .expect("create the PostgreSQL soak database");
                let mut url = url::Url::parse(&admin_postgres_url())
                    .expect("ENTENTE_TEST_POSTGRES_URL is a URL");
                url.set_path(&name);
                FreshDatabase {
                    url: url.to_string(),
                    folder,
                    postgres_name: Some(name),
                }
            }
        }
    }

    /// Drops the PostgreSQL database (disconnecting whatever is still attached); the
    /// temporary folder goes with `self`.
    async fn remove(self) {
        if let Some(name) = &self.postgres_name {
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin_connection().await)
                .await
                .expect("drop the PostgreSQL soak database");
        }
    }
}

/// A connection to the administrative database; panics with a clear sentence when PostgreSQL
/// does not answer within 5 s.
async fn admin_connection() -> PgConnection {
    let admin_url = admin_postgres_url();
    let options =
        PgConnectOptions::from_str(&admin_url).expect("ENTENTE_TEST_POSTGRES_URL is a URL");
    match tokio::time::timeout(Duration::from_secs(5), PgConnection::connect_with(&options)).await {
        Ok(Ok(connection)) => connection,
        Ok(Err(error)) => panic!("the soak tests need PostgreSQL at {admin_url}: {error}"),
        Err(_) => panic!("the soak tests need PostgreSQL at {admin_url}: no answer within 5 s"),
    }
}
