//! The session store for either engine, and the session cookie's settings.

use async_trait::async_trait;
use time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use entente_core::Timestamp;
use entente_core::sign_in::failure_window_start;

use crate::store::{Pool, Store, now_unix_seconds, sign_in_failures};

/// The cookie name over plain HTTP.
pub const COOKIE_NAME: &str = "entente_session";
/// The cookie name over HTTPS: the `__Host-` prefix makes browsers insist on Secure, `Path=/`
/// and no `Domain`, so no sibling site can plant or read it.
pub const SECURE_COOKIE_NAME: &str = "__Host-entente_session";
/// How long a session lasts without any request.
pub const INACTIVITY_EXPIRY: Duration = Duration::days(14);

/// How long after its last renewal a signed-in session's expiry is pushed back again. Renewing
/// at most once a day keeps the inactivity expiry (13 to 14 days) without a database write per
/// request.
pub const EXPIRY_RENEWAL_INTERVAL: Duration = Duration::days(1);

/// Whether a signed-in session whose expiry was last renewed at `renewed_at` (Unix seconds;
/// `None` for a session that never recorded it) should be renewed at `now`.
///
/// The session's own expiry cannot tell: tower-sessions computes an inactivity expiry from the
/// current time, so it always looks fresh; the stored record is only rewritten when the session
/// changes, which recording the renewal time does.
pub fn renewal_due(renewed_at: Option<i64>, now: i64) -> bool {
    renewed_at.is_none_or(|at| now.saturating_sub(at) >= EXPIRY_RENEWAL_INTERVAL.whole_seconds())
}

/// The session store on the engine the [`Store`] uses, sharing its pool; the `sessions`
/// table comes from our own migrations (0003), not from the stores' `migrate()`.
#[derive(Debug, Clone)]
pub enum DbSessionStore {
    /// Sessions in the SQLite file.
    Sqlite(SqliteStore),
    /// Sessions in PostgreSQL (`public.sessions`).
    Postgres(PostgresStore),
}

impl DbSessionStore {
    /// Builds the store around the pool of `store`.
    pub fn new(store: &Store) -> Self {
        match store.pool() {
            Pool::Sqlite(pool) => DbSessionStore::Sqlite(
                SqliteStore::new(pool.clone())
                    .with_table_name("sessions")
                    .expect("a valid table name"),
            ),
            Pool::Postgres(pool) => DbSessionStore::Postgres(
                PostgresStore::new(pool.clone())
                    .with_schema_name("public")
                    .expect("a valid schema name")
                    .with_table_name("sessions")
                    .expect("a valid table name"),
            ),
        }
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            DbSessionStore::Sqlite(store) => store.create(record).await,
            DbSessionStore::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            DbSessionStore::Sqlite(store) => store.save(record).await,
            DbSessionStore::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            DbSessionStore::Sqlite(store) => store.load(session_id).await,
            DbSessionStore::Postgres(store) => store.load(session_id).await,
        }
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        match self {
            DbSessionStore::Sqlite(store) => store.delete(session_id).await,
            DbSessionStore::Postgres(store) => store.delete(session_id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            DbSessionStore::Sqlite(store) => store.delete_expired().await,
            DbSessionStore::Postgres(store) => store.delete_expired().await,
        }
    }
}

/// How often expired sessions are deleted from the table (loading one already ignores it).
pub const EXPIRED_DELETION_PERIOD: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Deletes expired sessions, and failed sign-ins too old to count, now and then every
/// [`EXPIRED_DELETION_PERIOD`], for as long as the process runs; a failure is logged and
/// retried at the next period.
pub async fn delete_expired_periodically(store: Store) {
    let sessions = DbSessionStore::new(&store);
    let mut interval = tokio::time::interval(EXPIRED_DELETION_PERIOD);
    loop {
        interval.tick().await;
        if let Err(error) = sessions.delete_expired().await {
            tracing::warn!(%error, "could not delete expired sessions");
        }
        let before = failure_window_start(Timestamp(now_unix_seconds())).0;
        if let Err(error) = sign_in_failures::forget_sign_in_failures_before(&store, before).await {
            tracing::warn!(%error, "could not forget old failed sign-ins");
        }
    }
}

/// The session layer: HttpOnly, SameSite=Lax cookie, Secure and `__Host-` prefixed when
/// `https` is true, expiring after [`INACTIVITY_EXPIRY`] without requests.
pub fn session_layer(store: &Store, https: bool) -> SessionManagerLayer<DbSessionStore> {
    SessionManagerLayer::new(DbSessionStore::new(store))
        .with_name(if https {
            SECURE_COOKIE_NAME
        } else {
            COOKIE_NAME
        })
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(https)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(INACTIVITY_EXPIRY))
}
