//! `StoreError::is_retryable`: lock contention and serialization failures are, domain errors are not.

use std::str::FromStr as _;

use entente_server::store::{Conflict, Pool, Store, StoreError};
use sqlx::Connection as _;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::support::engines::with_postgres;

#[tokio::test]
async fn busy_sqlite_writer_is_retryable() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/entente.db", folder.path().display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    // A second pool on the same file that does not wait at all for the write lock.
    let impatient_options = SqliteConnectOptions::from_str(&url)
        .unwrap()
        .busy_timeout(std::time::Duration::ZERO);
    let impatient = Store::from_pool(Pool::Sqlite(
        SqlitePoolOptions::new()
            .connect_with(impatient_options)
            .await
            .unwrap(),
    ));

    let holding_the_lock = store.begin_write().await.unwrap();
    let refused = impatient
        .begin_write()
        .await
        .expect_err("the write lock is taken");
    assert!(refused.is_retryable(), "{refused:?}");

    holding_the_lock.rollback().await.unwrap();
    let retried = impatient.begin_write().await.expect("free again");
    retried.rollback().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_serialization_failure_is_retryable() {
    with_postgres(
        "postgres_serialization_failure_is_retryable",
        |store| async move {
            let Pool::Postgres(pool) = store.pool() else {
                panic!("a PostgreSQL store");
            };
            let mut first = pool.acquire().await.unwrap().detach();
            let mut second = pool.acquire().await.unwrap().detach();
            // Two serializable transactions that each read what the other writes.
            for connection in [&mut first, &mut second] {
                sqlx::query("BEGIN ISOLATION LEVEL SERIALIZABLE")
                    .execute(&mut *connection)
                    .await
                    .unwrap();
                sqlx::query("SELECT COUNT(*) FROM accounts")
                    .execute(&mut *connection)
                    .await
                    .unwrap();
            }
            for (connection, id) in [(&mut first, "a"), (&mut second, "b")] {
                sqlx::query("INSERT INTO accounts (id, name, created_at) VALUES ($1, 'x', 0)")
                    .bind(id)
                    .execute(&mut *connection)
                    .await
                    .unwrap();
            }
            sqlx::query("COMMIT").execute(&mut first).await.unwrap();
            let refused = sqlx::query("COMMIT")
                .execute(&mut second)
                .await
                .unwrap_err();
            let refused = StoreError::from(refused);
            assert!(refused.is_retryable(), "{refused:?}");
            first.close().await.unwrap();
            second.close().await.unwrap();
        },
    )
    .await;
}

#[test]
fn domain_and_other_errors_are_not_retryable() {
    assert!(!StoreError::Conflict(Conflict::EmailTaken).is_retryable());
    assert!(!StoreError::Conflict(Conflict::AlreadyPartners).is_retryable());
    let violation = StoreError::Violation {
        constraint: "users_account_id_fkey",
    };
    assert!(!violation.is_retryable());
    assert!(!StoreError::from(sqlx::Error::RowNotFound).is_retryable());
    assert!(!StoreError::from(sqlx::Error::PoolTimedOut).is_retryable());
}
