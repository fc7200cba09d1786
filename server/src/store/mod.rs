//! Storage: one connection pool for SQLite or PostgreSQL, chosen by `DATABASE_URL`, and the SQL per aggregate.
//!
//! The [`Store`] is built once at start-up and cloned into whatever needs it (it is two
//! `Arc`s deep). Writes take a [`Tx`] that the caller owns, begun with [`Store::begin_write`]
//! and finished with [`Tx::commit`] (dropping it rolls back). Reads take a [`Db`]: pass
//! `&store` to read on the pool, or `&mut tx` to read inside the caller's transaction (what a
//! decision reads before it writes), through one function either way.
//!
//! # One pattern per aggregate
//!
//! Each aggregate module returns `entente-core` types (ids, `Email`, names, `Profile`,
//! `Timestamp`), decoded from the stored text in one place, [`decode`]; a value that no longer
//! decodes is [`StoreError::Corrupt`] naming its column. No store function reads the clock:
//! callers pass `now`.
//!
//! # Two engines, one SQL text
//!
//! `sqlx::Any` cannot serve both engines well, so the pool is an enum, [`Pool`], and each
//! query is written once with `$1` placeholders and run on whichever engine is live
//! through two small macros, `on_pool!` and `on_tx!`. They expand to a `match` whose arms
//! contain the very same expression, so each arm is type-checked against its own engine.
//! Where the engines really differ, the aggregate module writes both statements side by
//! side in a `match` on the pool.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection as _, Postgres, Sqlite, Transaction};

/// Runs the same expression on whichever engine's pool a [`Store`] holds.
///
/// `on_pool!(store, |pool| sqlx::query("…").fetch_one(pool).await)` binds `pool` to a
/// `&SqlitePool` in one arm and a `&PgPool` in the other; both arms must produce the
/// same type, so map engine-specific results (row counts, rows) before returning.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store.pool() {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}

/// Runs the same expression on whatever a [`Db`] reads through: the pool, or the connection
/// of the caller's transaction.
///
/// `on_db!(db, |conn| sqlx::query("…").fetch_one(conn).await)` binds `conn` to a pool or a
/// connection of either engine; every arm holds the same expression, type-checked for its own.
macro_rules! on_db {
    ($db:expr, |$conn:ident| $body:expr) => {{
        let db: $crate::store::Db<'_> = $db.into();
        match db.0 {
            $crate::store::DbInner::Pool($crate::store::Pool::Sqlite($conn)) => $body,
            $crate::store::DbInner::Pool($crate::store::Pool::Postgres($conn)) => $body,
            $crate::store::DbInner::Tx($crate::store::TxInner::Sqlite(transaction)) => {
                let $conn: &mut sqlx::SqliteConnection = &mut **transaction;
                $body
            }
            $crate::store::DbInner::Tx($crate::store::TxInner::Postgres(transaction)) => {
                let $conn: &mut sqlx::PgConnection = &mut **transaction;
                $body
            }
        }
    }};
}

/// Runs the same expression on the connection of a write transaction ([`Tx`]).
///
/// `on_tx!(tx, |conn| sqlx::query("…").execute(conn).await)` binds `conn` to a
/// `&mut SqliteConnection` or a `&mut PgConnection`, inside the open transaction.
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match &mut $tx.inner {
            $crate::store::TxInner::Sqlite(transaction) => {
                let $conn: &mut sqlx::SqliteConnection = &mut **transaction;
                $body
            }
            $crate::store::TxInner::Postgres(transaction) => {
                let $conn: &mut sqlx::PgConnection = &mut **transaction;
                $body
            }
        }
    };
}

pub mod accounts;
pub mod audit;
pub mod bench_data;
pub mod contacts;
pub mod cursor;
pub(crate) mod decode;
pub mod digest;
pub mod documents;
pub mod email_verifications;
mod error;
pub mod known_devices;
pub mod live;
pub mod outbox;
pub mod partner_requests;
pub mod password_tokens;
pub mod previews;
pub mod proofs;
pub(crate) mod search;
pub mod shares;
pub mod sign_in_failures;
pub mod users;

pub use error::{Conflict, StoreError};

/// How long a SQLite connection waits for another writer before giving up with `SQLITE_BUSY`.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a caller waits for a pooled connection; also bounds the first PostgreSQL connect.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The database engine behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// A SQLite file (WAL journal), for local use and single-machine deployments.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Engine {
    /// Chooses the engine from the scheme of a database URL, or refuses the URL.
    pub fn from_url(url: &str) -> Result<Engine, StoreError> {
        let scheme = url
            .split_once(':')
            .map(|(scheme, _)| scheme.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("sqlite") => Ok(Engine::Sqlite),
            Some("postgres" | "postgresql") => Ok(Engine::Postgres),
            _ => Err(StoreError::UnsupportedUrl {
                url: redact_url(url),
            }),
        }
    }

    /// The engine's name for logs and messages.
    pub fn label(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.label())
    }
}

/// The one connection pool of the process, for whichever engine `DATABASE_URL` named.
#[derive(Debug, Clone)]
pub enum Pool {
    /// A pool of SQLite connections to one file.
    Sqlite(SqlitePool),
    /// A pool of PostgreSQL connections.
    Postgres(PgPool),
}

/// The storage handle: one pool, cheap to clone, shared by every request and worker.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// SQLite on a file: a pool of one connection that every write transaction runs on, so
    /// writers queue here in order instead of sleeping in SQLite's busy handler, and that
    /// connection's page cache stays valid from one write to the next (a connection must
    /// re-read every page after another connection wrote).
    writer: Option<SqlitePool>,
    /// This process's channel of committed changes (`live`).
    bus: live::Bus,
}

impl Store {
    /// Opens a pool for `url` (`sqlite:…`, `postgres://…` or `postgresql://…`).
    ///
    /// For SQLite it creates the file and its folder if missing and sets WAL, foreign keys,
    /// a 5 s busy timeout and `synchronous = NORMAL` on every connection. For PostgreSQL
    /// it connects once up front, so a wrong URL, a refused connection or a bad password
    /// fails here with the driver's own reason, within 5 s.
    #[tracing::instrument(skip_all, fields(url = %redact_url(url)))]
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let store = match Engine::from_url(url)? {
            Engine::Sqlite => {
                let (pool, writer) = connect_sqlite(url).await?;
                Store {
                    writer,
                    ..Store::from_pool(Pool::Sqlite(pool))
                }
            }
            Engine::Postgres => Store::from_pool(Pool::Postgres(connect_postgres(url).await?)),
        };
        tracing::info!(engine = %store.engine(), "database pool ready");
        Ok(store)
    }

    /// Wraps a pool that was built elsewhere (tests, tools).
    pub fn from_pool(pool: Pool) -> Store {
        Store {
            pool,
            writer: None,
            bus: live::Bus::default(),
        }
    }

    /// The pool itself, for the rare caller that needs engine-specific access.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Which engine this store talks to.
    pub fn engine(&self) -> Engine {
        match self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// Applies the engine's embedded migrations that have not run yet; running it again is a no-op.
    #[tracing::instrument(skip_all, fields(engine = %self.engine()))]
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        // The columns the migrations add that only Rust can fill.
        let filled = accounts::fill_name_skeletons(self).await?;
        if filled > 0 {
            tracing::info!(accounts = filled, "organization name skeletons written");
        }
        Ok(())
    }

    /// Checks that the database answers a trivial query (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let one: i32 = on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT 1").fetch_one(pool).await
        })?;
        debug_assert_eq!(one, 1);
        Ok(())
    }

    /// Begins a write transaction that the caller owns.
    ///
    /// On SQLite this is `BEGIN IMMEDIATE`: the write lock is taken at once (waiting up to
    /// the busy timeout), so a transaction that reads before it writes cannot fail later
    /// with `SQLITE_BUSY` when another writer committed in between. On PostgreSQL it is
    /// an ordinary `BEGIN` (READ COMMITTED).
    pub async fn begin_write(&self) -> Result<Tx, StoreError> {
        let inner = match &self.pool {
            Pool::Sqlite(pool) => TxInner::Sqlite(
                self.writer
                    .as_ref()
                    .unwrap_or(pool)
                    .begin_with("BEGIN IMMEDIATE")
                    .await?,
            ),
            Pool::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            bus: self.bus.clone(),
            changes: Vec::new(),
        })
    }

    /// Closes the pool, waiting for connections in use to be returned (for shutdown and tests).
    pub async fn close(&self) {
        if let Some(writer) = &self.writer {
            writer.close().await;
        }
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// Where a read runs: on the pool (`&store`) or inside the caller's transaction (`&mut tx`).
///
/// Every read function takes `impl Into<Db<'_>>`, so there is one function per question,
/// whichever of the two the caller holds.
pub struct Db<'a>(DbInner<'a>);

enum DbInner<'a> {
    Pool(&'a Pool),
    Tx(&'a mut TxInner),
}

impl Db<'_> {
    /// The same pool or transaction for one more read, so a function that asks several
    /// questions can take one `impl Into<Db>`.
    pub fn reborrow(&mut self) -> Db<'_> {
        match &mut self.0 {
            DbInner::Pool(pool) => Db(DbInner::Pool(pool)),
            DbInner::Tx(inner) => Db(DbInner::Tx(inner)),
        }
    }

    /// The engine this read runs on, for the few queries written per engine.
    pub fn engine(&self) -> Engine {
        match &self.0 {
            DbInner::Pool(Pool::Sqlite(_)) | DbInner::Tx(TxInner::Sqlite(_)) => Engine::Sqlite,
            DbInner::Pool(Pool::Postgres(_)) | DbInner::Tx(TxInner::Postgres(_)) => {
                Engine::Postgres
            }
        }
    }
}

impl<'a> From<&'a Store> for Db<'a> {
    fn from(store: &'a Store) -> Self {
        Db(DbInner::Pool(&store.pool))
    }
}

impl<'a> From<&'a mut Tx> for Db<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Db(DbInner::Tx(&mut tx.inner))
    }
}

/// A write transaction on either engine; commit it with [`Tx::commit`], or drop it to roll back.
#[derive(Debug)]
pub struct Tx {
    inner: TxInner,
    bus: live::Bus,
    /// What this transaction changed, for the open pages once it commits.
    changes: Vec<live::Change>,
}

#[derive(Debug)]
enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    /// Makes the rest of this transaction wait for any other transaction that took the same
    /// `key`, until one of them ends: a count-then-write (a rate limit) then decides on what
    /// the others committed. SQLite's `BEGIN IMMEDIATE` serializes every writer already; on
    /// PostgreSQL (READ COMMITTED) this is a transaction-scoped advisory lock on the key.
    ///
    /// Take it before any row lock, so it can never close a cycle with them.
    pub async fn serialize_on(&mut self, key: &str) -> Result<(), StoreError> {
        if let TxInner::Postgres(transaction) = &mut self.inner {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(key)
                .execute(&mut **transaction)
                .await?;
        }
        Ok(())
    }

    /// Records `change` to publish if, and only if, this transaction commits.
    pub fn publish(&mut self, change: live::Change) {
        if !self.changes.contains(&change) {
            self.changes.push(change);
        }
    }

    /// Makes every write of the transaction durable and visible, and publishes its changes
    /// (`live`): on PostgreSQL as notifications sent inside the transaction, which the
    /// database delivers at the commit; on SQLite onto the bus once committed.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Sqlite(transaction) => {
                transaction.commit().await?;
                for change in self.changes {
                    self.bus.deliver(change);
                }
            }
            TxInner::Postgres(mut transaction) => {
                live::notify(&mut transaction, &self.changes).await?;
                transaction.commit().await?;
            }
        }
        Ok(())
    }

    /// Discards every write of the transaction (dropping a `Tx` does the same, lazily).
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Sqlite(transaction) => transaction.rollback().await?,
            TxInner::Postgres(transaction) => transaction.rollback().await?,
        }
        Ok(())
    }
}

/// The current time as unix seconds, the unit of every `*_at` column. Only callers of the
/// store read the clock; store functions take `now`.
pub fn now_unix_seconds() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX)
}

/// The current time as core's [`entente_core::Timestamp`].
pub fn now() -> entente_core::Timestamp {
    entente_core::Timestamp(now_unix_seconds())
}

/// The pool for reads and the one-connection pool for write transactions (none for an
/// in-memory database, which a second pool could not share).
async fn connect_sqlite(url: &str) -> Result<(SqlitePool, Option<SqlitePool>), StoreError> {
    let connect_error = |source| StoreError::Connect {
        engine: Engine::Sqlite,
        url: redact_url(url),
        source,
    };
    let options = SqliteConnectOptions::from_str(url)
        .map_err(connect_error)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .synchronous(SqliteSynchronous::Normal);
    // In-memory databases have a bare name such as `file:sqlx-in-memory-0`: no folder.
    if let Some(folder) = options.get_filename().parent()
        && folder != Path::new("")
    {
        tokio::fs::create_dir_all(folder)
            .await
            .map_err(|source| StoreError::CreateFolder {
                folder: folder.to_path_buf(),
                source,
            })?;
    }
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let pool = SqlitePoolOptions::new()
        .acquire_timeout(ACQUIRE_TIMEOUT + SQLITE_BUSY_TIMEOUT)
        .connect_with(options.clone())
        .await
        .map_err(connect_error)?;
    let writer = if in_memory {
        None
    } else {
        Some(
            SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(ACQUIRE_TIMEOUT + SQLITE_BUSY_TIMEOUT)
                .connect_lazy_with(options),
        )
    };
    Ok((pool, writer))
}

async fn connect_postgres(url: &str) -> Result<PgPool, StoreError> {
    let connect_error = |source| StoreError::Connect {
        engine: Engine::Postgres,
        url: redact_url(url),
        source,
    };
    let options = PgConnectOptions::from_str(url).map_err(connect_error)?;
    // One direct connection first: the pool's own first connect retries a refused
    // connection until its timeout and then reports only "pool timed out", hiding the cause.
    let probe = tokio::time::timeout(ACQUIRE_TIMEOUT, PgConnection::connect_with(&options))
        .await
        .map_err(|_| {
            connect_error(sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within {} s", ACQUIRE_TIMEOUT.as_secs()),
            )))
        })?
        .map_err(connect_error)?;
    probe.close().await.map_err(connect_error)?;
    Ok(PgPoolOptions::new()
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_lazy_with(options))
}

/// `($first, $first+1, …)` groups of `width` placeholders for `rows` rows.
pub(crate) fn value_groups(rows: usize, width: usize, first: usize) -> String {
    (0..rows)
        .map(|row| {
            let start = first + row * width;
            let group: Vec<String> = (start..start + width).map(|n| format!("${n}")).collect();
            format!("({})", group.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Returns `url` with any password replaced by `***`, so it can go into logs and errors.
pub(crate) fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Only fails for URLs that cannot have a password, which this one has.
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        // Without a parse we cannot tell a password apart; keep the text only if it has no `@`.
        Err(_) if !url.contains('@') => url.to_owned(),
        Err(_) => "<unparseable URL>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::value_groups;

    #[test]
    fn value_groups_number_their_placeholders_in_order() {
        assert_eq!(value_groups(2, 3, 2), "($2, $3, $4), ($5, $6, $7)");
        assert_eq!(value_groups(1, 1, 1), "($1)");
    }
}
